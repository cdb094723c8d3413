/* libFuzzer harness: the results-file reader behind report, compare and export, fed
 * arbitrary bytes as a file. It must answer WB_OK or WB_ERR_USAGE and never crash. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "wavebench/h5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/wb-fuzz-results-%d.h5", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    struct wb_results_file rf;
    struct wb_error err;
    wb_error_clear(&err);
    int rc = wb_h5_read_results(&rf, path, &err);
    if (rc != WB_OK && rc != WB_ERR_USAGE)
        abort();
    wb_h5_results_file_free(&rf);
    unlink(path);
    return 0;
}
