/* wavebench error record: first failure wins, with its source location. */
#include "wavebench/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Every source file is compiled the same way (in the tree, from a build directory as
 * ../src/..., or by absolute path), so the part of this file's __FILE__ before its place
 * in the tree is what every other __FILE__ starts with too. */
static const char *in_tree(const char *file)
{
    static const char self[] = "src/core/error.c";
    size_t n = strlen(__FILE__), k = sizeof self - 1;
    size_t prefix = n >= k && strcmp(__FILE__ + n - k, self) == 0 ? n - k : 0;
    return strncmp(file, __FILE__, prefix) == 0 ? file + prefix : file;
}

int wb_error_set(struct wb_error *err, int status, const char *file, int line,
                 const char *fmt, ...)
{
    if (err && err->status == WB_OK) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        /* A message quotes user input: control characters would break the one line. */
        for (char *c = err->msg; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
        err->status = status;
        snprintf(err->file, sizeof err->file, "%s", file ? in_tree(file) : "");
        err->line = line;
    }
    return status;
}

void wb_error_clear(struct wb_error *err)
{
    err->status = WB_OK;
    err->msg[0] = '\0';
    err->file[0] = '\0';
    err->line = 0;
}
