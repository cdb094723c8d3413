/* wavebench partition: a global array of n elements split into one contiguous block per
 * rank, balanced: the first n % p ranks hold one element more. */
#ifndef WB_PARTITION_H
#define WB_PARTITION_H

#include <stdint.h>

/* Block of rank r of p over n elements: first global index *lo and *count (0 when n < p
 * and r >= n). */
void wb_partition_block(int64_t n, int p, int r, int64_t *lo, int64_t *count);

/* The rank whose block holds global index i (0 <= i < n). */
int wb_partition_owner(int64_t n, int p, int64_t i);

#endif
