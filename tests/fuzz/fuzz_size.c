/* libFuzzer harness: the number parsers behind every size, integer and real option. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wavebench/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    int64_t v;
    double d;
    /* A size that parses is never negative. */
    if (wb_parse_size(text, &v) == 0 && v < 0)
        abort();
    wb_parse_int(text, &v);
    if (wb_parse_double(text, &d) == 0 && d != d)
        abort(); /* NaN is refused */
    free(text);
    return 0;
}
