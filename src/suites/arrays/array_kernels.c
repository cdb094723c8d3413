/* wavebench array kernels: the local, memory-bound part of every array operation.
 *
 * Built into its own library (libwbkernels.a, src/suites/arrays/local.am) with -fopenmp-simd
 * (the `omp simd` loops) and -ffinite-math-only -fno-signed-zeros (so that `a < b ? a : b`
 * is a min GCC can vectorise: inputs hold no NaN or infinity, which the suite's data
 * never do); the kernels themselves are in array_kernels_impl.h, once per element type. */
#include "wavebench/array_kernels.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

#include "wavebench/clones.h"

static size_t nontemporal_min = SIZE_MAX;

void wb_ak_set_nontemporal_min(size_t bytes)
{
    nontemporal_min = bytes;
}

size_t wb_ak_nontemporal_min(void)
{
    return nontemporal_min;
}

/* Non-temporal stores of one chunk from t (SSE2's, in every x86-64 clone; the stores, not
 * their width, are what saves the read); elsewhere plain stores. */
#if defined(__SSE2__)
#include <emmintrin.h>
#define STREAM_FENCE() _mm_sfence()
static inline void stream_chunk_f(float *out, const float *t)
{
    for (int k = 0; k < WB_AK_CHUNK; k += 4)
        _mm_stream_ps(out + k, _mm_loadu_ps(t + k));
}
static inline void stream_chunk_d(double *out, const double *t)
{
    for (int k = 0; k < WB_AK_CHUNK; k += 2)
        _mm_stream_pd(out + k, _mm_loadu_pd(t + k));
}
#else
#define STREAM_FENCE() ((void)0)
static inline void stream_chunk_f(float *out, const float *t)
{
    for (int k = 0; k < WB_AK_CHUNK; k++)
        out[k] = t[k];
}
static inline void stream_chunk_d(double *out, const double *t)
{
    for (int k = 0; k < WB_AK_CHUNK; k++)
        out[k] = t[k];
}
#endif

#define T float
#define FN(name) name##_f
#define ABS fabsf
#define STREAM_CHUNK stream_chunk_f
#include "array_kernels_impl.h"
#undef T
#undef FN
#undef ABS
#undef STREAM_CHUNK

#define T double
#define FN(name) name##_d
#define ABS fabs
#define STREAM_CHUNK stream_chunk_d
#include "array_kernels_impl.h"
#undef T
#undef FN
#undef ABS
#undef STREAM_CHUNK

#define IS_FLOAT(dtype) ((dtype) == WB_ADTYPE_FLOAT)

/* The single-stream sum: lanes of at most BLOCK / ACC adds, log2(ACC) = 4 pairwise
 * levels, then one level per split; the upper part of a split is the larger one. */
static int depth_one_stream(size_t n)
{
    int depth = WB_AK_BLOCK / WB_AK_ACC + 4;
    while (n > WB_AK_BLOCK) {
        n -= n / 32 * 16;
        depth++;
    }
    return depth;
}

int wb_ak_sum_depth(size_t n)
{
    size_t nb = n / (WB_AK_RSEGS * WB_AK_BLOCK), done = nb * WB_AK_RSEGS * WB_AK_BLOCK;
    if (nb == 0)
        return depth_one_stream(n);
    /* A segment's blocks: ceil(log2 nb) halvings; the segments: log2 RSEGS levels; then
     * the rest, if any, one more add for all. */
    int depth = WB_AK_BLOCK / WB_AK_ACC + 4;
    for (size_t b = 1; b < nb; b *= 2)
        depth++;
    for (int s = 1; s < WB_AK_RSEGS; s *= 2)
        depth++;
    if (done == n)
        return depth;
    int rest = depth_one_stream(n - done);
    return (depth > rest ? depth : rest) + 1;
}

/* gamma_k = k u / (1 - k u), Higham (3.8). */
static double gamma_k(double k, double u)
{
    return k * u / (1 - k * u);
}

double wb_ak_sum_bound(int dtype, size_t n, int extra, double sum_abs, double max_abs,
                       int integers, int products)
{
    const int lane = WB_AK_BLOCK / WB_AK_ACC;
    double u = IS_FLOAT(dtype) ? FLT_EPSILON / 2 : DBL_EPSILON / 2;
    double digits = IS_FLOAT(dtype) ? FLT_MANT_DIG : DBL_MANT_DIG;
    int exact_lanes = integers && lane * max_abs <= ldexp(1.0, (int)digits);
    if (exact_lanes && sum_abs <= 0x1p53)
        return 0;
    double lane_err = exact_lanes ? 0 : gamma_k(lane - 1 + products, u);
    double levels = wb_ak_sum_depth(n) - lane + extra;
    return (lane_err + gamma_k(levels, DBL_EPSILON / 2) * (1 + lane_err)) * sum_abs;
}

double wb_ak_sum(int dtype, const void *x, size_t n)
{
    return IS_FLOAT(dtype) ? reduce_f(K_SUM_f, x, NULL, 0, n) : reduce_d(K_SUM_d, x, NULL, 0, n);
}

double wb_ak_dot(int dtype, const void *x, const void *y, size_t n)
{
    return IS_FLOAT(dtype) ? reduce_f(K_DOT_f, x, y, 0, n) : reduce_d(K_DOT_d, x, y, 0, n);
}

double wb_ak_sumsq(int dtype, const void *x, size_t n, double scale)
{
    if (scale == 1)
        return IS_FLOAT(dtype) ? reduce_f(K_SUMSQ_f, x, NULL, 0, n)
                               : reduce_d(K_SUMSQ_d, x, NULL, 0, n);
    return IS_FLOAT(dtype) ? reduce_f(K_SUMSQ_SCALED_f, x, NULL, (float)scale, n)
                           : reduce_d(K_SUMSQ_SCALED_d, x, NULL, scale, n);
}

double wb_ak_maxabs(int dtype, const void *x, size_t n)
{
    return IS_FLOAT(dtype) ? maxabs_f(x, n) : maxabs_d(x, n);
}

void wb_ak_minloc(int dtype, const void *x, size_t n, int want_max, double *value,
                  int64_t *index)
{
    if (IS_FLOAT(dtype))
        minloc_f(x, n, want_max, value, index);
    else
        minloc_d(x, n, want_max, value, index);
}

void wb_ak_scale(int dtype, void *out, const void *x, size_t n, double alpha)
{
    if (IS_FLOAT(dtype))
        scale_f(out, x, n, (float)alpha);
    else
        scale_d(out, x, n, alpha);
}

void wb_ak_add(int dtype, void *out, const void *x, const void *y, size_t n)
{
    if (IS_FLOAT(dtype))
        add_f(out, x, y, n);
    else
        add_d(out, x, y, n);
}

void wb_ak_axpy(int dtype, void *y, const void *x, size_t n, double alpha)
{
    if (IS_FLOAT(dtype))
        axpy_f(y, x, n, (float)alpha);
    else
        axpy_d(y, x, n, alpha);
}

double wb_ak_cumsum(int dtype, void *out, const void *x, size_t n, double offset)
{
    return IS_FLOAT(dtype) ? cumsum_f(out, x, n, offset) : cumsum_d(out, x, n, offset);
}

void wb_ak_copy(int dtype, void *out, const void *x, size_t n)
{
    if (IS_FLOAT(dtype))
        copy_f(out, x, n);
    else
        copy_d(out, x, n);
}

void wb_ak_triad(int dtype, void *out, const void *x, const void *y, size_t n, double alpha)
{
    if (IS_FLOAT(dtype))
        triad_f(out, x, y, n, (float)alpha);
    else
        triad_d(out, x, y, n, alpha);
}

void wb_ak_gather(int dtype, void *out, const void *x, size_t first, size_t step, size_t count)
{
    if (IS_FLOAT(dtype))
        gather_f(out, x, first, step, count);
    else
        gather_d(out, x, first, step, count);
}

const char *wb_ak_build_flags(void)
{
    return WB_AK_BUILD_FLAGS;
}

const char *wb_ak_kernel_variant(void)
{
    return wb_clones_variant();
}
