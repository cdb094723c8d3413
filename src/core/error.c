/* wavebench error record: first failure wins, with its source location. */
#include "wavebench/common.h"

#include <stdarg.h>
#include <stdio.h>

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
        err->file = file;
        err->line = line;
    }
    return status;
}

void wb_error_clear(struct wb_error *err)
{
    err->status = WB_OK;
    err->msg[0] = '\0';
    err->file = NULL;
    err->line = 0;
}
