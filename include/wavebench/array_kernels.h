/* wavebench array kernels: the local, memory-bound loops of the arrays suite, on float or
 * double data (dtype: enum wb_array_dtype), accumulators of the element type. No MPI.
 *
 * Streams: one core reaches its memory bandwidth only with several streams in flight (on
 * a Xeon here one read stream gave 0.5 of what 8 gave). A reduction over n >=
 * WB_AK_RSEGS * WB_AK_BLOCK elements reads WB_AK_RSEGS equal segments at once, an
 * element-wise op works on WB_AK_WSEGS segments at once (2-3 streams each); the rest
 * (fewer elements than one step) runs as one stream. Element-wise ops whose output is at
 * least wb_ak_set_nontemporal_min bytes store it with non-temporal stores (x86-64): it
 * would not stay in cache anyway, and they save the read a normal store makes first.
 *
 * Summation: blocks of WB_AK_BLOCK elements, each summed by WB_AK_ACC independent
 * accumulators (strided lanes) of the element type, WB_AK_BLOCK / WB_AK_ACC terms each;
 * the lanes combined pairwise in double; the block sums of a segment by recursive
 * pairwise halving in double, the segment sums pairwise, then the rest added (itself a
 * pairwise sum of blocks). Every input element passes through at most
 * wb_ak_sum_depth(n) additions; wb_ak_sum_bound bounds the error stage by stage. */
#ifndef WB_ARRAY_KERNELS_H
#define WB_ARRAY_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "wavebench/config.h"

#define WB_AK_BLOCK 256
#define WB_AK_ACC 16
#define WB_AK_RSEGS 8  /* a power of two: the segment sums are added pairwise */
#define WB_AK_WSEGS 4
#define WB_AK_CHUNK 16 /* elements of one segment per step of an element-wise op */

/* Output size in bytes from which element-wise ops store non-temporally (the arrays suite
 * sets this rank's share of the last-level cache); SIZE_MAX, the default, never. */
void wb_ak_set_nontemporal_min(size_t bytes);
size_t wb_ak_nontemporal_min(void);

/* The compiler flags this kernel library was built with (its own are added to the
 * project's). */
const char *wb_ak_build_flags(void);
/* Which build of the kernels this CPU runs (AVX-512, AVX2 or the baseline clone). */
const char *wb_ak_kernel_variant(void);

int wb_ak_sum_depth(size_t n);

/* A bound on |computed - exact| of wb_ak_sum (products 0) or wb_ak_dot / unscaled
 * wb_ak_sumsq (products 1) over n terms, whose result then passes through `extra` more
 * additions in double (an MPI_SUM over p ranks: p - 1), from sum_abs = sum |term| and
 * max_abs = max |term| (a term of dot is x_i y_i). integers: every term is an integer.
 * Higham ch. 3-4: a lane (L = WB_AK_BLOCK / WB_AK_ACC terms, the first add into 0
 * exact) errs by at most gamma_{L-1+products}(u of the type) * its sum |term|; the
 * double stage (log2 WB_AK_ACC + the splits + extra levels) by gamma_D(2^-53) * sum
 * |lane sum|. Integer terms with L max_abs <= 2^digits of the type leave every lane
 * partial sum an integer the type holds: that stage is exact; then the double stage adds
 * integers no larger than sum_abs, exact while sum_abs <= 2^53: the bound is 0. */
double wb_ak_sum_bound(int dtype, size_t n, int extra, double sum_abs, double max_abs,
                       int integers, int products);

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
/* STREAM's copy out = x and triad out = x + alpha y (the memory bound, membw.h). */
void wb_ak_copy(int dtype, void *out, const void *x, size_t n);
void wb_ak_triad(int dtype, void *out, const void *x, const void *y, size_t n, double alpha);
/* out[k] = x[first + k*step], k < count. */
void wb_ak_gather(int dtype, void *out, const void *x, size_t first, size_t step, size_t count);

#endif
