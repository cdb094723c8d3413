/* wavebench array kernels: the local, memory-bound loops of the arrays suite, on float or
 * double data (dtype: enum wb_array_dtype), accumulators of the element type. No MPI.
 *
 * Summation: blocks of WB_AK_BLOCK elements, each summed by WB_AK_ACC independent
 * accumulators (strided lanes) combined pairwise; block sums combined by recursive
 * pairwise halving, as NumPy's pairwise sum. Every input element passes through at
 * most wb_ak_sum_depth(n) additions, so the error is at most
 * gamma_K * sum|x_i| with K that depth, gamma_K = K u / (1 - K u) (Higham, ch. 4). */
#ifndef WB_ARRAY_KERNELS_H
#define WB_ARRAY_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "wavebench/config.h"

#define WB_AK_BLOCK 256
#define WB_AK_ACC 16

/* The compiler flags this kernel library was built with (its own are added to the
 * project's). */
const char *wb_ak_build_flags(void);

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

#endif
