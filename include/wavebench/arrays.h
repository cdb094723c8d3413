/* wavebench distributed arrays suite: block-partitioned arrays, reductions, element-wise
 * operations, a scan and a strided slice, timed against a serial baseline and checked.
 *
 * A global array of n elements is split into one contiguous block per rank, balanced:
 * the first n % p ranks hold one element more. The data are small integers (see
 * wb_arrays_value), so every exact answer is known in closed form and every sum the
 * kernels form is exact in double precision. */
#ifndef WB_ARRAYS_H
#define WB_ARRAYS_H

#include <stddef.h>
#include <stdint.h>

#include "wavebench/config.h"
#include "wavebench/table.h"
#include "wavebench/world.h"

/* ---- partition --------------------------------------------------------------------- */

/* Block of rank r of p over n elements: first global index *lo and *count (0 when n < p
 * and r >= n). */
void wb_arrays_partition(int64_t n, int p, int r, int64_t *lo, int64_t *count);

/* The rank whose block holds global index i (0 <= i < n). */
int wb_arrays_owner(int64_t n, int p, int64_t i);

/* ---- slice a[start:stop:step] ------------------------------------------------------- */

/* Python semantics for start >= 0, step >= 1: stop -1 means the end, start and stop are
 * clamped to n. Returns the number of selected elements. */
int64_t wb_arrays_slice_len(int64_t n, int64_t start, int64_t stop, int64_t step);

/* How many selected elements (start + k*step, k < m) have global index < i. */
int64_t wb_arrays_slice_before(int64_t i, int64_t start, int64_t step, int64_t m);

/* One rank's part in a slice: which of its elements are selected, which block of the
 * result (itself block-partitioned over the same p ranks) it holds, and the element
 * counts it sends to and receives from every rank (MPI_Alltoallv). */
struct wb_arrays_slice_plan {
    int64_t m;         /* selected elements, global */
    int64_t first;     /* local index of this rank's first selected element */
    int64_t nsel;      /* selected elements in this rank's block */
    int64_t out_lo;    /* this rank's block of the result */
    int64_t out_count;
    int64_t remote;    /* of nsel, those sent to another rank */
};

/* Fills plan and, when not NULL, sendcounts[p] and recvcounts[p] (elements). */
void wb_arrays_slice_plan(struct wb_arrays_slice_plan *plan, int64_t n, int p, int r,
                          int64_t start, int64_t stop, int64_t step, int64_t *sendcounts,
                          int64_t *recvcounts);

/* ---- data and exact answers ---------------------------------------------------------- */

/* Element i of input a of an n-element array: ((13 i + 7) mod 31) - 14 (values -14..16,
 * each period of 31 sums to 31), except two minima -20 at n/2 and n-1 and two maxima
 * +20 at n/3 and 2n/3 (a minimum wins where they coincide). */
int64_t wb_arrays_value(int64_t i, int64_t n);
/* Element i of input b: ((7 i + 3) mod 17) - 8 (values -8..8). */
int64_t wb_arrays_value_b(int64_t i);

/* Fills buf[count] (float or double, enum wb_array_dtype) with a (which 0) or b (which 1)
 * at global indices lo .. lo+count-1. */
void wb_arrays_fill(int dtype, void *buf, int which, int64_t lo, int64_t count, int64_t n);

/* Exact answers over the whole array, from the periods in O(1). */
struct wb_arrays_exact {
    int64_t sum, sum_abs;   /* sum of a, sum of |a| */
    int64_t dot, dot_abs;   /* sum of a*b, sum of |a*b| */
    int64_t sumsq;          /* sum of a^2 */
    int64_t min, max;       /* values */
    int64_t imin, imax;     /* lowest global index of each */
};
void wb_arrays_exact(struct wb_arrays_exact *e, int64_t n);

/* Sum of a over global indices 0 .. i-1. */
int64_t wb_arrays_prefix(int64_t i, int64_t n);

/* ---- local kernels (float or double data, accumulators of the element type) --------------------------
 *
 * Summation: blocks of WB_AK_BLOCK elements, each summed by WB_AK_ACC independent
 * accumulators (strided lanes) combined pairwise; block sums combined by recursive
 * pairwise halving, as NumPy's pairwise sum. Every input element passes through at
 * most wb_ak_sum_depth(n) additions, so the error is at most
 * gamma_K * sum|x_i| with K that depth, gamma_K = K u / (1 - K u) (Higham, ch. 4). */
#define WB_AK_BLOCK 256
#define WB_AK_ACC 16

int wb_ak_sum_depth(size_t n);

double wb_ak_sum(int dtype, const void *x, size_t n);
double wb_ak_dot(int dtype, const void *x, const void *y, size_t n);
/* Sum of (x_i * scale)^2; scale is a power of two (1 for the unscaled pass). */
double wb_ak_sumsq(int dtype, const void *x, size_t n, double scale);
double wb_ak_maxabs(int dtype, const void *x, size_t n);
/* Smallest (want_max 0) or largest value and the lowest local index holding it;
 * *index -1 when n is 0. NaN inputs are not supported. */
void wb_ak_minloc(int dtype, const void *x, size_t n, int want_max, double *value,
                  int64_t *index);
/* out = alpha x; out = x + y; y += alpha x (alpha rounded to the element type). */
void wb_ak_scale(int dtype, void *out, const void *x, size_t n, double alpha);
void wb_ak_add(int dtype, void *out, const void *x, const void *y, size_t n);
void wb_ak_axpy(int dtype, void *y, const void *x, size_t n, double alpha);
/* Inclusive running sum from offset: out_i = offset + x_0 + ... + x_i, accumulated in
 * double in groups of 8 (the carried sum adds once per group). Returns the last value. */
double wb_ak_cumsum(int dtype, void *out, const void *x, size_t n, double offset);
/* out[k] = x[first + k*step], k < count. */
void wb_ak_gather(int dtype, void *out, const void *x, size_t first, size_t step, size_t count);

/* The 2-norm of a distributed array, collective over comm (x: this rank's n elements of
 * n_global): one pass of the sum of squares; only when that over- or underflowed
 * (*scaled 1), max |x| and a second pass scaled by a power of two near 1/max, as BLAS
 * nrm2 is safe. comm MPI_COMM_NULL: x is the whole array, no MPI call. Returns an MPI
 * error code. */
int wb_arrays_norm(int dtype, const void *x, size_t n, int64_t n_global, MPI_Comm comm,
                   double *norm, int *scaled);

/* ---- memory -------------------------------------------------------------------------- */

/* Allocates bytes aligned to 2 MiB (64 B below 1 MiB) and asks for transparent huge pages
 * (madvise MADV_HUGEPAGE); *huge (if not NULL) says whether madvise accepted. NULL on
 * failure. Free with free(). */
void *wb_arrays_alloc(size_t bytes, int *huge);

/* Bytes one rank allocates for the suite: a, b, result, slice output and pack buffer. */
int64_t wb_arrays_rank_bytes(const struct wb_arrays_config *ac, int p, int r,
                             size_t elem_size);

/* ---- the suite ----------------------------------------------------------------------- */

/* Checks what must hold before any work, the same way on every rank: the slice selects
 * something, blocks fit MPI's int counts, and the arrays fit the memory available on
 * every locality. Returns WB_OK or WB_ERR_USAGE with one line in err. */
int wb_arrays_validate(const struct wb_world *w, const struct wb_config *cfg,
                       struct wb_error *err);

/* Runs every configured operation and type, in parallel and (serial_baseline) on rank 0
 * alone over the whole array; appends the table "arrays/ops" to results. Returns WB_OK,
 * WB_ERR_CHECK if any result was wrong (every rank the same), or WB_ERR_RUNTIME. */
int wb_arrays_run(const struct wb_world *w, const struct wb_config *cfg,
                  struct wb_results *results, struct wb_error *err);

#endif
