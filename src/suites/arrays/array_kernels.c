/* wavebench array kernels: the local, memory-bound part of every array operation.
 *
 * Built into its own library (libwbkernels.a, src/suites/arrays/local.am) with -fopenmp-simd
 * (the `omp simd` loops) and -ffinite-math-only -fno-signed-zeros (so that `a < b ? a : b`
 * is a min GCC can vectorise: inputs hold no NaN or infinity, which the suite's data
 * never do); the kernels themselves are in array_kernels_impl.h, once per element type. */
#include "wavebench/array_kernels.h"

#include <float.h>
#include <math.h>

#define T float
#define FN(name) name##_f
#define ABS fabsf
#include "array_kernels_impl.h"
#undef T
#undef FN
#undef ABS

#define T double
#define FN(name) name##_d
#define ABS fabs
#include "array_kernels_impl.h"
#undef T
#undef FN
#undef ABS

#define IS_FLOAT(dtype) ((dtype) == WB_ADTYPE_FLOAT)

int wb_ak_sum_depth(size_t n)
{
    /* Lanes of at most BLOCK / ACC adds, log2(ACC) = 4 pairwise levels, then one level
     * per split; the upper part of a split is the larger one. */
    int depth = WB_AK_BLOCK / WB_AK_ACC + 4;
    while (n > WB_AK_BLOCK) {
        n -= n / 32 * 16;
        depth++;
    }
    return depth;
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
    return IS_FLOAT(dtype) ? sum_rec_f(x, n) : sum_rec_d(x, n);
}

double wb_ak_dot(int dtype, const void *x, const void *y, size_t n)
{
    return IS_FLOAT(dtype) ? dot_rec_f(x, y, n) : dot_rec_d(x, y, n);
}

double wb_ak_sumsq(int dtype, const void *x, size_t n, double scale)
{
    if (scale == 1)
        return IS_FLOAT(dtype) ? sumsq_rec_f(x, n) : sumsq_rec_d(x, n);
    return IS_FLOAT(dtype) ? sumsq_scaled_rec_f(x, n, (float)scale)
                           : sumsq_scaled_rec_d(x, n, scale);
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
