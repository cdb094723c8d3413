/* libFuzzer harness: the configuration loader, fed an INI file (first byte even) or a
 * command line of NUL-separated arguments (first byte odd). Whatever it is given, it
 * returns WB_OK or WB_ERR_USAGE with a one-line message, and never crashes. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wavebench/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    struct wb_config cfg;
    struct wb_error err;
    enum wb_action action;
    wb_error_clear(&err);
    char *args[64] = {"wavebench"};
    int argc = 1;
    char *buf = calloc(size + 1, 1);
    char path[64] = "";
    if (!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    if (data[0] % 2 == 0) {
        snprintf(path, sizeof path, "/tmp/wb-fuzz-config-%d.ini", (int)getpid());
        FILE *f = fopen(path, "w");
        if (!f) {
            free(buf);
            return 0;
        }
        fwrite(buf, 1, size - 1, f);
        fclose(f);
        args[argc++] = "--config";
        args[argc++] = path;
    } else {
        for (char *p = buf; p < buf + size - 1 && argc < 63; p += strlen(p) + 1)
            args[argc++] = p;
    }
    int rc = wb_config_load(&cfg, argc, args, &action, &err);
    if ((rc != WB_OK && rc != WB_ERR_USAGE) || strchr(err.msg, '\n'))
        abort();
    if (rc == WB_OK) { /* a configuration that loads prints as INI */
        char *ini = wb_config_ini_string(&cfg);
        free(ini);
    }
    if (path[0])
        unlink(path);
    free(buf);
    return 0;
}
