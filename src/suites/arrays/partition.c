/* wavebench partition: balanced contiguous blocks, one per rank. */
#include "wavebench/partition.h"

void wb_partition_block(int64_t n, int p, int r, int64_t *lo, int64_t *count)
{
    int64_t base = n / p, rem = n % p;
    *count = base + (r < rem);
    *lo = (int64_t)r * base + (r < rem ? r : rem);
}

int wb_partition_owner(int64_t n, int p, int64_t i)
{
    int64_t base = n / p, rem = n % p, big = rem * (base + 1);
    if (i < big)
        return (int)(i / (base + 1));
    return (int)(rem + (i - big) / base); /* i >= big implies base >= 1 */
}
