/* wavebench slice: selection counts and the all-to-all plan of a strided slice. */
#include "wavebench/slice.h"

#include "wavebench/partition.h"

int64_t wb_slice_len(int64_t n, int64_t start, int64_t stop, int64_t step)
{
    if (stop < 0 || stop > n)
        stop = n;
    if (start >= stop)
        return 0;
    return (stop - start + step - 1) / step;
}

int64_t wb_slice_before(int64_t i, int64_t start, int64_t step, int64_t m)
{
    if (i <= start)
        return 0;
    int64_t k = (i - start + step - 1) / step;
    return k < m ? k : m;
}

static int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

void wb_slice_plan(struct wb_slice_plan *plan, int64_t n, int p, int r, int64_t start,
                   int64_t stop, int64_t step, int64_t *sendcounts, int64_t *recvcounts)
{
    int64_t m = wb_slice_len(n, start, stop, step), lo, count;
    wb_partition_block(n, p, r, &lo, &count);
    /* My selected elements are result elements k0 .. k1-1, in order. */
    int64_t k0 = wb_slice_before(lo, start, step, m);
    int64_t k1 = wb_slice_before(lo + count, start, step, m);
    plan->m = m;
    plan->nsel = k1 - k0;
    plan->first = plan->nsel ? start + k0 * step - lo : 0;
    wb_partition_block(m, p, r, &plan->out_lo, &plan->out_count);
    plan->remote = plan->nsel;
    for (int q = 0; q < p; q++) {
        int64_t qlo, qcount, olo, ocount;
        wb_partition_block(m, p, q, &olo, &ocount);
        int64_t send = overlap(k0, k1, olo, olo + ocount);
        if (q == r)
            plan->remote -= send;
        if (sendcounts)
            sendcounts[q] = send;
        if (recvcounts) {
            wb_partition_block(n, p, q, &qlo, &qcount);
            recvcounts[q] = overlap(wb_slice_before(qlo, start, step, m),
                                    wb_slice_before(qlo + qcount, start, step, m),
                                    plan->out_lo, plan->out_lo + plan->out_count);
        }
    }
}
