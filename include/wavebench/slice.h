/* wavebench slice: which elements a[start:stop:step] selects from a block-partitioned
 * array (partition.h), and the plan that moves them into a result partitioned the same
 * way over the same ranks. */
#ifndef WB_SLICE_H
#define WB_SLICE_H

#include <stdint.h>

/* Python semantics for start >= 0, step >= 1: stop -1 means the end, start and stop are
 * clamped to n. Returns the number of selected elements. */
int64_t wb_slice_len(int64_t n, int64_t start, int64_t stop, int64_t step);

/* How many selected elements (start + k*step, k < m) have global index < i. */
int64_t wb_slice_before(int64_t i, int64_t start, int64_t step, int64_t m);

/* One rank's part in a slice: which of its elements are selected, which block of the
 * result (itself block-partitioned over the same p ranks) it holds, and the element
 * counts it sends to and receives from every rank (MPI_Alltoallv). */
struct wb_slice_plan {
    int64_t m;         /* selected elements, global */
    int64_t first;     /* local index of this rank's first selected element */
    int64_t nsel;      /* selected elements in this rank's block */
    int64_t out_lo;    /* this rank's block of the result */
    int64_t out_count;
    int64_t remote;    /* of nsel, those sent to another rank */
};

/* Fills plan and, when not NULL, sendcounts[p] and recvcounts[p] (elements). */
void wb_slice_plan(struct wb_slice_plan *plan, int64_t n, int p, int r, int64_t start,
                   int64_t stop, int64_t step, int64_t *sendcounts, int64_t *recvcounts);

#endif
