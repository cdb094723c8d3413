/* Unit tests of the arrays suite's parts: partition, slice plans, data and exact answers,
 * every kernel against a naive reference (odd lengths, unaligned starts), memory, one
 * rank's arrays and the operations that need no communication. No MPI call. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wavebench/array_kernels.h"
#include "wavebench/cache.h"
#include "wavebench/config.h"
#include "wavebench/darray.h"
#include "wavebench/exact.h"
#include "wavebench/membw.h"
#include "wavebench/memory.h"
#include "wavebench/ops.h"
#include "wavebench/partition.h"
#include "wavebench/slice.h"

static void test_partition(void **state)
{
    (void)state;
    for (int64_t n = 0; n <= 80; n++) {
        for (int p = 1; p <= 7; p++) {
            int64_t next = 0, base = n / p;
            for (int r = 0; r < p; r++) {
                int64_t lo, count;
                wb_partition_block(n, p, r, &lo, &count);
                assert_int_equal(lo, next); /* contiguous, in rank order */
                assert_int_equal(count, base + (r < n % p ? 1 : 0));
                for (int64_t i = lo; i < lo + count; i++)
                    assert_int_equal(wb_partition_owner(n, p, i), r);
                next += count;
            }
            assert_int_equal(next, n);
        }
    }
    /* Large n: the blocks still tile the array. */
    int64_t lo, count, n = (int64_t)1 << 40;
    wb_partition_block(n + 5, 7, 6, &lo, &count);
    assert_int_equal(lo + count, n + 5);
    assert_int_equal(wb_partition_owner(n + 5, 7, n + 4), 6);
    assert_int_equal(wb_partition_owner(n + 5, 7, 0), 0);
}

/* Python's len(range(n)[start:stop:step]) for start >= 0, step >= 1 (stop -1: the end). */
static int64_t naive_slice_len(int64_t n, int64_t start, int64_t stop, int64_t step)
{
    int64_t k = 0;
    int64_t end = stop < 0 || stop > n ? n : stop;
    for (int64_t i = start; i < end; i += step)
        k++;
    return k;
}

/* Simulates the slice on p ranks: each rank packs its selected elements, splits them by
 * sendcounts, each rank receives by recvcounts in source order; compares the assembled
 * result with a[start:stop:step] taken directly. */
static void check_slice(int64_t n, int p, int64_t start, int64_t stop, int64_t step)
{
    int64_t m = wb_slice_len(n, start, stop, step);
    assert_int_equal(m, naive_slice_len(n, start, stop, step));
    double *a = malloc(sizeof(double) * (size_t)(n + 1));
    double *result = malloc(sizeof(double) * (size_t)(m + 1));
    int64_t send[7][7], recv[7][7];
    struct wb_slice_plan plan[7];
    assert_non_null(a);
    assert_non_null(result);
    for (int64_t i = 0; i < n; i++)
        a[i] = (double)(i * 10 + 1);
    for (int r = 0; r < p; r++)
        wb_slice_plan(&plan[r], n, p, r, start, stop, step, send[r], recv[r]);
    for (int64_t k = 0; k < m; k++)
        result[k] = -1;
    for (int q = 0; q < p; q++) { /* receiver q */
        int64_t pos = plan[q].out_lo, sum_recv = 0;
        for (int r = 0; r < p; r++) {   /* from source r, in order */
            assert_int_equal(recv[q][r], send[r][q]);
            int64_t lo, count, skip = 0;
            wb_partition_block(n, p, r, &lo, &count);
            for (int s = 0; s < q; s++)
                skip += send[r][s];
            double pack[64];
            assert_true(plan[r].nsel <= 64);
            wb_ak_gather(WB_ADTYPE_DOUBLE, pack, a + lo, (size_t)plan[r].first, (size_t)step,
                         (size_t)plan[r].nsel);
            for (int64_t k = 0; k < recv[q][r]; k++)
                result[pos++] = pack[skip + k];
            sum_recv += recv[q][r];
        }
        assert_int_equal(sum_recv, plan[q].out_count);
    }
    int64_t total_sel = 0, remote = 0;
    for (int r = 0; r < p; r++) {
        int64_t sent = 0;
        for (int q = 0; q < p; q++)
            sent += send[r][q];
        assert_int_equal(sent, plan[r].nsel);
        assert_int_equal(plan[r].m, m);
        assert_int_equal(plan[r].remote, plan[r].nsel - send[r][r]);
        total_sel += plan[r].nsel;
        remote += plan[r].remote;
    }
    assert_int_equal(total_sel, m);
    assert_true(remote <= m);
    for (int64_t k = 0; k < m; k++)
        assert_true(result[k] == a[start + k * step]);
    free(a);
    free(result);
}

static void test_slice(void **state)
{
    (void)state;
    const int64_t sizes[] = {0, 1, 2, 3, 5, 7, 8, 13, 31, 40};
    for (size_t s = 0; s < WB_ARRAY_LEN(sizes); s++) {
        int64_t n = sizes[s];
        const int64_t starts[] = {0, 1, 2, n - 1, n, n + 1, n / 2};
        for (int p = 1; p <= 7; p++)
            for (size_t a = 0; a < WB_ARRAY_LEN(starts); a++) {
                int64_t start = starts[a];
                if (start < 0)
                    continue;
                const int64_t stops[] = {-1, 0, 1, n - 1, n, n + 1, n + 5, start + 1, start};
                for (size_t b = 0; b < WB_ARRAY_LEN(stops); b++)
                    for (int64_t step = 1; step <= 5; step++)
                        if (stops[b] >= -1)
                            check_slice(n, p, start, stops[b], step);
            }
    }
    /* Steps larger than the array and huge stops. */
    check_slice(40, 3, 3, -1, 1000);
    check_slice(40, 4, 0, (int64_t)1 << 50, 39);
    assert_int_equal(wb_slice_len(10, 0, -1, 2), 5);
    assert_int_equal(wb_slice_len(10, 10, -1, 1), 0);
    assert_int_equal(wb_slice_len(10, 3, 3, 1), 0);
    assert_int_equal(wb_slice_len((int64_t)1 << 40, 1, -1, 3), (((int64_t)1 << 40) - 1 + 2) / 3);
}

/* The closed forms against sums over wb_exact_a itself, and the fill against it. */
static void test_exact(void **state)
{
    (void)state;
    const int64_t extra[] = {1999, 4096, 100003};
    for (int64_t t = 1; t <= 700 + (int64_t)WB_ARRAY_LEN(extra); t++) {
        int64_t n = t <= 700 ? t : extra[t - 701];
        struct wb_exact_answers e;
        wb_exact_answers(&e, n);
        int64_t sum = 0, sabs = 0, sq = 0, dot = 0, dabs = 0, mn = 0, mx = 0, imn = -1, imx = -1;
        int64_t mabs = 0, mdabs = 0;
        for (int64_t i = 0; i < n; i++) {
            int64_t a = wb_exact_a(i, n), b = wb_exact_b(i);
            assert_true(a >= -20 && a <= 20 && b >= -8 && b <= 8);
            if (i % 97 == 0 || i == n - 1)
                assert_int_equal(wb_exact_prefix(i, n), sum);
            sum += a;
            sabs += a < 0 ? -a : a;
            sq += a * a;
            dot += a * b;
            dabs += a * b < 0 ? -a * b : a * b;
            mabs = a < 0 && -a > mabs ? -a : a > mabs ? a : mabs;
            mdabs = llabs(a * b) > mdabs ? llabs(a * b) : mdabs;
            if (imn < 0 || a < mn) {
                mn = a;
                imn = i;
            }
            if (imx < 0 || a > mx) {
                mx = a;
                imx = i;
            }
        }
        assert_int_equal(wb_exact_prefix(n, n), sum);
        assert_int_equal(e.sum, sum);
        assert_int_equal(e.sum_abs, sabs);
        assert_int_equal(e.sumsq, sq);
        assert_int_equal(e.dot, dot);
        assert_int_equal(e.dot_abs, dabs);
        assert_int_equal(e.max_abs, mabs);
        assert_int_equal(e.dot_max_abs, mdabs);
        assert_int_equal(e.min, mn);
        assert_int_equal(e.imin, imn);
        assert_int_equal(e.max, mx);
        assert_int_equal(e.imax, imx);
    }
    /* The planted extremes are ties: the lowest index wins. */
    struct wb_exact_answers e;
    wb_exact_answers(&e, 1000);
    assert_int_equal(e.min, -20);
    assert_int_equal(e.imin, 500);
    assert_int_equal(e.max, 20);
    assert_int_equal(e.imax, 333);
    /* Fill of any block equals the values, both types, both inputs. */
    const int64_t n = 1001;
    double d[1001];
    float f[1001];
    for (int64_t lo = 0; lo < n; lo += 97) {
        int64_t count = lo + 300 > n ? n - lo : 300;
        for (int which = 0; which < 2; which++) {
            wb_exact_fill(WB_ADTYPE_DOUBLE, d, which, lo, count, n);
            wb_exact_fill(WB_ADTYPE_FLOAT, f, which, lo, count, n);
            for (int64_t i = 0; i < count; i++) {
                int64_t v = which ? wb_exact_b(lo + i) : wb_exact_a(lo + i, n);
                assert_true(d[i] == (double)v);
                assert_true(f[i] == (float)v);
            }
        }
    }
}

/* ---- kernels against naive references --------------------------------------------- */

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 11;
}

/* Fills n values of type dtype: small integers (ties) or reals in [-1, 1). */
static void fill_random(int dtype, void *buf, size_t n, int integers, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t r = lcg(&seed);
        double v = integers ? (double)(int)(r % 9) - 4 : (double)(r >> 11) / 4503599627370496.0 * 2 - 1;
        if (dtype == WB_ADTYPE_FLOAT)
            ((float *)buf)[i] = (float)v;
        else
            ((double *)buf)[i] = v;
    }
}

static double at(int dtype, const void *buf, size_t i)
{
    return dtype == WB_ADTYPE_FLOAT ? (double)((const float *)buf)[i] : ((const double *)buf)[i];
}

static double unit(int dtype)
{
    return dtype == WB_ADTYPE_FLOAT ? FLT_EPSILON / 2 : DBL_EPSILON / 2;
}

enum { MAXN = 20000, PAD = 8 };

static void check_kernels(int dtype, size_t n, size_t offset, int integers)
{
    size_t es = dtype == WB_ADTYPE_FLOAT ? 4 : 8;
    char *bx = malloc((MAXN + PAD) * es), *by = malloc((MAXN + PAD) * es);
    char *bo = malloc((MAXN + PAD) * es);
    assert_non_null(bx);
    assert_non_null(by);
    assert_non_null(bo);
    void *x = bx + offset * es, *y = by + offset * es, *o = bo + offset * es;
    fill_random(dtype, x, n, integers, 1 + n * 7 + offset);
    fill_random(dtype, y, n, integers, 1000 + n * 3 + offset);
    double u = unit(dtype);
    long double s = 0, sa = 0, d = 0, da = 0, q = 0;
    double mx = 0, mn = 0, mxa = 0;
    int64_t imn = -1, imx = -1;
    for (size_t i = 0; i < n; i++) {
        double v = at(dtype, x, i), w = at(dtype, y, i);
        s += v;
        sa += fabs(v);
        d += (long double)v * w;
        da += fabsl((long double)v * w);
        q += (long double)v * v;
        if (imn < 0 || v < mn) {
            mn = v;
            imn = (int64_t)i;
        }
        if (imx < 0 || v > mx) {
            mx = v;
            imx = (int64_t)i;
        }
        mxa = fabs(v) > mxa ? fabs(v) : mxa;
    }
    /* The stage-by-stage bound holds for reals (no exact stage) as for integers. */
    double mxy = 0;
    for (size_t i = 0; i < n; i++)
        mxy = fmax(mxy, fabs(at(dtype, x, i) * at(dtype, y, i)));
    assert_true(fabsl(wb_ak_sum(dtype, x, n) - s) <=
                wb_ak_sum_bound(dtype, n, 0, (double)sa, mxa, integers, 0));
    assert_true(fabsl(wb_ak_dot(dtype, x, y, n) - d) <=
                wb_ak_sum_bound(dtype, n, 0, (double)da, mxy, integers, 1));
    assert_true(fabsl(wb_ak_sumsq(dtype, x, n, 1.0) - q) <=
                wb_ak_sum_bound(dtype, n, 0, (double)q, mxa * mxa, integers, 1));
    assert_true(fabsl(wb_ak_sumsq(dtype, x, n, 0.125) - q / 64) <=
                wb_ak_sum_bound(dtype, n, 0, (double)q / 64, mxa * mxa / 64, 0, 1));
    if (integers) { /* small integers: every sum is exact */
        assert_true(wb_ak_sum(dtype, x, n) == (double)s);
        assert_true(wb_ak_dot(dtype, x, y, n) == (double)d);
    }
    assert_true(wb_ak_maxabs(dtype, x, n) == mxa);
    double v;
    int64_t idx;
    wb_ak_minloc(dtype, x, n, 0, &v, &idx);
    assert_int_equal(idx, imn);
    if (n)
        assert_true(v == mn);
    wb_ak_minloc(dtype, x, n, 1, &v, &idx);
    assert_int_equal(idx, imx);
    if (n)
        assert_true(v == mx);

    /* Element-wise: exactly the expression in the element type. */
    wb_ak_scale(dtype, o, x, n, 2.0);
    for (size_t i = 0; i < n; i++)
        assert_true(at(dtype, o, i) == 2 * at(dtype, x, i));
    wb_ak_add(dtype, o, x, y, n);
    for (size_t i = 0; i < n; i++) {
        if (dtype == WB_ADTYPE_FLOAT)
            assert_true(((float *)o)[i] == ((float *)x)[i] + ((float *)y)[i]);
        else
            assert_true(((double *)o)[i] == ((double *)x)[i] + ((double *)y)[i]);
    }
    memcpy(o, y, n * es);
    wb_ak_axpy(dtype, o, x, n, 0.75);
    for (size_t i = 0; i < n; i++) {
        if (dtype == WB_ADTYPE_FLOAT) {
            float t = 0.75f * ((float *)x)[i];
            assert_true(((float *)o)[i] == ((float *)y)[i] + t);
        } else {
            double t = 0.75 * ((double *)x)[i];
            assert_true(((double *)o)[i] == ((double *)y)[i] + t);
        }
    }
    /* cumsum: within a few roundings of the exact running sum (exact for integers). */
    double last = wb_ak_cumsum(dtype, o, x, n, 3.0);
    long double run = 3.0, run_abs = 3.0;
    for (size_t i = 0; i < n; i++) {
        run += at(dtype, x, i);
        run_abs += fabs(at(dtype, x, i));
        /* The carried double sum (one add per group of 8), then (T)s + in-group prefix. */
        double carried = (double)(i / 8 + 8) * DBL_EPSILON * (double)run_abs;
        double tol = integers ? 0 : 2 * u * fabsl(run) + 64 * u + carried;
        assert_true(fabsl(at(dtype, o, i) - run) <= tol);
    }
    assert_true(fabsl(last - run) <= (integers ? 0 : (double)(n / 8 + 8) * DBL_EPSILON * run_abs));
    /* gather: strided copy. */
    for (size_t step = 1; step <= 4 && n > 0; step++) {
        size_t first = n > 3 ? 3 : 0, count = (n - first + step - 1) / step;
        wb_ak_gather(dtype, o, x, first, step, count);
        for (size_t k = 0; k < count; k++)
            assert_true(at(dtype, o, k) == at(dtype, x, first + k * step));
    }
    free(bx);
    free(by);
    free(bo);
}

static void test_kernels(void **state)
{
    (void)state;
    /* Around one step of the segmented loops (WB_AK_RSEGS * WB_AK_BLOCK = 2048 elements
     * for the reductions, WB_AK_WSEGS * WB_AK_CHUNK = 64 element-wise) and with rests. */
    const size_t sizes[] = {0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 63, 64, 65, 127, 255, 256,
                            257, 511, 513, 1001, 2047, 2048, 2049, 4097, 6149, 16401, MAXN};
    /* Plain stores, then non-temporal ones wherever the output is aligned for them
     * (offsets 0 and, for double, 2). */
    const size_t nt_min[] = {SIZE_MAX, 0};
    for (size_t t = 0; t < WB_ARRAY_LEN(nt_min); t++) {
        wb_ak_set_nontemporal_min(nt_min[t]);
        for (int dtype = 0; dtype < WB_ADTYPE_COUNT; dtype++)
            for (size_t s = 0; s < WB_ARRAY_LEN(sizes); s++)
                for (size_t off = 0; off < 4; off++) {
                    check_kernels(dtype, sizes[s], off, 1);
                    check_kernels(dtype, sizes[s], off, 0);
                }
    }
    wb_ak_set_nontemporal_min(SIZE_MAX);
}

/* The segmented minloc: ties between segments, lanes and the rest keep the lowest index;
 * an extreme in the rest alone is found there. */
static void test_minloc_segments(void **state)
{
    (void)state;
    enum { N = 2 * WB_AK_RSEGS * WB_AK_BLOCK + 100 };
    static float x[N];
    for (size_t i = 0; i < N; i++)
        x[i] = 5;
    double v;
    int64_t idx;
    x[N - 3] = -2;
    wb_ak_minloc(WB_ADTYPE_FLOAT, x, N, 0, &v, &idx);
    assert_int_equal(idx, N - 3);
    assert_true(v == -2);
    /* Segment 5 (512 elements each) and segment 2, both late in their blocks. */
    x[5 * 512 + 300] = x[2 * 512 + 511] = x[2 * 512 + 510 - 16] = -2;
    wb_ak_minloc(WB_ADTYPE_FLOAT, x, N, 0, &v, &idx);
    assert_int_equal(idx, 2 * 512 + 510 - 16);
    x[7 * 512 + 3] = 8;
    x[N - 1] = 8;
    x[6 * 512 + 500] = 7;
    wb_ak_minloc(WB_ADTYPE_FLOAT, x, N, 1, &v, &idx);
    assert_int_equal(idx, 7 * 512 + 3);
    assert_true(v == 8);
}

/* Ties across blocks and lanes: the first index wins. */
static void test_minloc_ties(void **state)
{
    (void)state;
    double x[1000];
    for (size_t i = 0; i < 1000; i++)
        x[i] = 5;
    double v;
    int64_t idx;
    wb_ak_minloc(WB_ADTYPE_DOUBLE, x, 1000, 0, &v, &idx);
    assert_int_equal(idx, 0);
    x[700] = x[300] = x[999] = -1;
    wb_ak_minloc(WB_ADTYPE_DOUBLE, x, 1000, 0, &v, &idx);
    assert_int_equal(idx, 300);
    assert_true(v == -1);
    x[17] = x[18] = 9;
    wb_ak_minloc(WB_ADTYPE_DOUBLE, x, 1000, 1, &v, &idx);
    assert_int_equal(idx, 17);
    wb_ak_minloc(WB_ADTYPE_DOUBLE, x, 0, 1, &v, &idx);
    assert_int_equal(idx, -1);
}

/* The summation is at least as accurate as pairwise summation: its error stays within
 * the depth bound, far below the error of a plain loop in the element type. */
static void test_sum_accuracy(void **state)
{
    (void)state;
    enum { N = 1 << 22 };
    float *x = malloc(sizeof(float) * N);
    assert_non_null(x);
    for (size_t i = 0; i < N; i++)
        x[i] = 0.1f;
    long double exact = (long double)0.1f * N;
    float plain = 0;
    for (size_t i = 0; i < N; i++)
        plain += x[i];
    double got = wb_ak_sum(WB_ADTYPE_FLOAT, x, N), K = wb_ak_sum_depth(N);
    assert_true(K < 16 + 4 + 22 + 2);
    assert_true(fabsl(got - exact) <= K * FLT_EPSILON / 2 * exact);
    assert_true(fabsl(got - exact) * 100 < fabsl(plain - exact));
    free(x);
}

/* The bound is 0 only where the data make every stage exact, and holds where they do not:
 * integers too large for the float lanes, reals, sums past 2^53, more ranks. */
static void test_sum_bound(void **state)
{
    (void)state;
    for (int dtype = 0; dtype < WB_ADTYPE_COUNT; dtype++) {
        assert_true(wb_ak_sum_bound(dtype, 1 << 22, 3, 1e8, 20, 1, 0) == 0);
        assert_true(wb_ak_sum_bound(dtype, 1 << 22, 3, 1e8, 20, 0, 0) > 0);
        assert_true(wb_ak_sum_bound(dtype, 1 << 22, 3, 0x1p54, 20, 1, 0) > 0);
        assert_true(wb_ak_sum_bound(dtype, 1 << 22, 3, 0x1p54, 20, 1, 0) <
                    wb_ak_sum_bound(dtype, 1 << 22, 3, 0x1p54, 20, 0, 0));
    }
    /* Lane terms of 2^21 + odd: from the 9th a lane sum passes 2^24, float rounds it. */
    enum { N = 100000 };
    float *x = malloc(sizeof(float) * N);
    assert_non_null(x);
    long double exact = 0, sabs = 0;
    for (size_t i = 0; i < N; i++) {
        x[i] = (float)((1 << 21) + 2 * (int)(i % 7) + 1);
        exact += x[i];
        sabs += x[i];
    }
    double bound = wb_ak_sum_bound(WB_ADTYPE_FLOAT, N, 0, (double)sabs, (1 << 21) + 13, 1, 0);
    double err = fabsl(wb_ak_sum(WB_ADTYPE_FLOAT, x, N) - exact);
    assert_true(err > 0 && err <= bound);
    free(x);
}

/* At the default size, a sum, dot or norm missing one element of the smallest nonzero
 * magnitude fails its check on any rank count; the exact answers pass. */
static void test_missing_element(void **state)
{
    (void)state;
    struct wb_config cfg;
    wb_config_defaults(&cfg);
    int64_t n = cfg.arrays.n;
    struct wb_exact_answers e;
    wb_exact_answers(&e, n);
    int64_t ia = -1, iab = -1;
    for (int64_t i = 0; i < n && (ia < 0 || iab < 0); i++) {
        int64_t a = wb_exact_a(i, n), ab = a * wb_exact_b(i);
        if (ia < 0 && (a == 1 || a == -1))
            ia = i;
        if (iab < 0 && (ab == 1 || ab == -1))
            iab = i;
    }
    assert_true(ia >= 0 && iab >= 0);
    double a = (double)wb_exact_a(ia, n), ab = (double)(wb_exact_a(iab, n) * wb_exact_b(iab));
    for (int dtype = 0; dtype < WB_ADTYPE_COUNT; dtype++)
        for (int p = 1; p <= 8; p *= 2) {
            struct wb_darray A = {.dtype = dtype, .n = n, .size = p};
            struct wb_ops_result r = {.index = -1};
            r.value = (double)e.sum;
            assert_int_equal(wb_ops_check(&A, &cfg.arrays, WB_AOP_SUM, &r, &e), 0);
            r.value = (double)e.sum - a;
            assert_int_equal(wb_ops_check(&A, &cfg.arrays, WB_AOP_SUM, &r, &e), 1);
            r.value = (double)e.dot;
            assert_int_equal(wb_ops_check(&A, &cfg.arrays, WB_AOP_DOT, &r, &e), 0);
            r.value = (double)e.dot - ab;
            assert_int_equal(wb_ops_check(&A, &cfg.arrays, WB_AOP_DOT, &r, &e), 1);
            r.value = sqrt((double)e.sumsq);
            assert_int_equal(wb_ops_check(&A, &cfg.arrays, WB_AOP_NORM, &r, &e), 0);
            r.value = sqrt((double)e.sumsq - a * a);
            assert_int_equal(wb_ops_check(&A, &cfg.arrays, WB_AOP_NORM, &r, &e), 1);
        }
}

static void test_norm_safe(void **state)
{
    (void)state;
    double d[100];
    float f[100];
    int scaled;
    double norm;
    const double scales[] = {1, 0x1p600, 0x1p-600, 0x1p1000, 0x1p-1060};
    for (size_t s = 0; s < WB_ARRAY_LEN(scales); s++) {
        for (int i = 0; i < 100; i++)
            d[i] = (i % 2 ? 3 : 4) * scales[s];
        /* 50 * 9 + 50 * 16 = 1250 */
        assert_int_equal(wb_ops_norm(WB_ADTYPE_DOUBLE, d, 100, 100, MPI_COMM_NULL, &norm,
                                     &scaled), MPI_SUCCESS);
        assert_int_equal(scaled, s != 0);
        assert_true(fabs(norm - sqrt(1250.0) * scales[s]) <= 1e-14 * sqrt(1250.0) * scales[s]);
    }
    const float fscales[] = {1, 0x1p100f, 0x1p-100f, 0x1p-140f};
    for (size_t s = 0; s < WB_ARRAY_LEN(fscales); s++) {
        for (int i = 0; i < 100; i++)
            f[i] = (i % 2 ? 3 : 4) * fscales[s];
        assert_int_equal(wb_ops_norm(WB_ADTYPE_FLOAT, f, 100, 100, MPI_COMM_NULL, &norm,
                                     &scaled), MPI_SUCCESS);
        assert_int_equal(scaled, s != 0);
        double want = sqrt(1250.0) * fscales[s];
        assert_true(fabs(norm - want) <= 1e-6 * want);
    }
    for (int i = 0; i < 100; i++)
        d[i] = 0;
    wb_ops_norm(WB_ADTYPE_DOUBLE, d, 100, 100, MPI_COMM_NULL, &norm, &scaled);
    assert_true(norm == 0);
}

static void test_alloc(void **state)
{
    (void)state;
    int huge = -1;
    char *p = wb_memory_alloc((size_t)5 << 20, &huge);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % ((uintptr_t)2 << 20), 0);
    assert_true(huge == 0 || huge == 1);
    memset(p, 1, (size_t)5 << 20);
    free(p);
    p = wb_memory_alloc(100, NULL);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 64, 0);
    free(p);
    struct wb_arrays_config ac = {.n = 1000000, .ops = 1u << WB_AOP_SUM, .slice_step = 2,
                                  .slice_stop = -1};
    int64_t one = wb_darray_rank_bytes(&ac, 1, 0, 8), two = wb_darray_rank_bytes(&ac, 2, 0, 8);
    assert_true(one >= 3 * 8000000 && two >= 3 * 4000000 && two < one);
    ac.ops |= 1u << WB_AOP_SLICE;
    assert_true(wb_darray_rank_bytes(&ac, 1, 0, 8) >= one + 2 * 4000000);
}

static void test_memory(void **state)
{
    (void)state;
    const size_t mib = (size_t)1 << 20;
    /* Below 1 MiB: 64-byte multiples plus a spare line; from 1 MiB: whole huge pages. */
    assert_int_equal(wb_memory_size(1), 128);
    assert_int_equal(wb_memory_size(100), 192);
    assert_int_equal(wb_memory_size(mib - 1), mib + 64);
    assert_int_equal(wb_memory_size(mib), WB_MEMORY_HUGE_PAGE);
    assert_int_equal(wb_memory_size(5 * mib), 3 * WB_MEMORY_HUGE_PAGE);
    int64_t avail = wb_memory_available();
    assert_true(avail == -1 || avail > 0);
}

/* Writes text to base/rel, making the directories on the way. */
static void put(const char *base, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", base, rel);
    for (char *p = path + strlen(base) + 1; (p = strchr(p, '/')); *p++ = '/') {
        *p = '\0';
        mkdir(path, 0755);
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The cgroup room is the least on the path from the process's own cgroup to the root, in
 * v1's memory hierarchy and in v2 (at the root or beside v1 in unified/), not the root's
 * alone: a made-up /proc/self/cgroup and tree, as Slurm lays out a job's limit. */
static void test_cgroup_room(void **state)
{
    (void)state;
    char dir[] = "/tmp/wb-cgroup.XXXXXX", self[64];
    assert_non_null(mkdtemp(dir));
    snprintf(self, sizeof self, "%s/self", dir);
    const char *none = "9223372036854771712\n";
    put(dir, "root/memory/memory.limit_in_bytes", none);
    put(dir, "root/memory/memory.usage_in_bytes", "5000000000\n");
    put(dir, "root/memory/slurm/uid_0/job_7/memory.limit_in_bytes", "3221225472\n");
    put(dir, "root/memory/slurm/uid_0/job_7/memory.usage_in_bytes", "1073741824\n");
    put(dir, "root/memory/slurm/uid_0/job_7/step_0/memory.limit_in_bytes", none);
    put(dir, "root/memory/slurm/uid_0/job_7/step_0/memory.usage_in_bytes", "1000\n");

    put(dir, "self", "4:memory:/\n0::/\n");
    assert_int_equal(wb_memory_cgroup_room(self, "/nonexistent"), -1);
    char root[64];
    snprintf(root, sizeof root, "%s/root", dir);
    assert_int_equal(wb_memory_cgroup_room(self, root), -1); /* the root sets no limit */
    put(dir, "self", "9:name=systemd:/x\n4:cpu,memory:/slurm/uid_0/job_7/step_0\n0::/\n");
    assert_int_equal(wb_memory_cgroup_room(self, root), 2147483648); /* the job's, 2 levels up */

    /* v2 beside v1 (hybrid): the tighter of the two. */
    put(dir, "root/unified/j/memory.max", "1500000000\n");
    put(dir, "root/unified/j/memory.current", "500000000\n");
    put(dir, "root/unified/j/t/memory.max", "max\n");
    put(dir, "self", "4:memory:/slurm/uid_0/job_7/step_0\n0::/j/t\n");
    assert_int_equal(wb_memory_cgroup_room(self, root), 1000000000);

    /* v2 alone at the root; a cgroup the namespace does not show counts from the root. */
    put(dir, "v2/a/memory.max", "100\n");
    put(dir, "v2/a/memory.current", "40\n");
    put(dir, "v2/a/b/memory.max", "max\n");
    snprintf(root, sizeof root, "%s/v2", dir);
    put(dir, "self", "0::/a/b\n");
    assert_int_equal(wb_memory_cgroup_room(self, root), 60);
    put(dir, "self", "0::/gone/a\n");
    assert_int_equal(wb_memory_cgroup_room(self, root), -1);
    put(dir, "v2/a/memory.current", "400\n"); /* over its limit: no room, not negative */
    put(dir, "self", "0::/a\n");
    assert_int_equal(wb_memory_cgroup_room(self, root), 0);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Every rank's block holds the data of its global indices; the slice's counts leave out
 * what stays on the rank, and the sizes match what rank_bytes promises. */
static void test_darray(void **state)
{
    (void)state;
    struct wb_arrays_config ac = {.n = 1001, .ops = (1u << WB_AOP_SUM) | (1u << WB_AOP_SLICE),
                                  .slice_start = 5, .slice_stop = 990, .slice_step = 3};
    for (int p = 1; p <= 4; p++) {
        int64_t m = wb_slice_len(ac.n, ac.slice_start, ac.slice_stop, ac.slice_step);
        int64_t received = 0;
        for (int r = 0; r < p; r++) {
            struct wb_darray A = {0};
            struct wb_error err;
            wb_error_clear(&err);
            assert_int_equal(wb_darray_init(&A, MPI_COMM_SELF, r, p, WB_ADTYPE_DOUBLE, &ac, &err),
                             WB_OK);
            int64_t lo, count;
            wb_partition_block(ac.n, p, r, &lo, &count);
            assert_int_equal(A.lo, lo);
            assert_int_equal(A.count, count);
            for (int64_t i = 0; i < count; i++) {
                assert_true(((double *)A.a)[i] == (double)wb_exact_a(lo + i, ac.n));
                assert_true(((double *)A.b)[i] == (double)wb_exact_b(lo + i));
            }
            int64_t sent = A.self_count, got = A.self_count;
            assert_int_equal(A.scounts[r], 0);
            assert_int_equal(A.rcounts[r], 0);
            for (int q = 0; q < p; q++) {
                sent += A.scounts[q];
                got += A.rcounts[q];
            }
            assert_int_equal(sent, A.plan.nsel);
            assert_int_equal(got, A.plan.out_count);
            assert_int_equal(A.plan.remote, A.plan.nsel - A.self_count);
            received += got;
            int64_t want = 3 * (int64_t)wb_memory_size((size_t)count * 8) +
                           (int64_t)wb_memory_size((size_t)A.plan.out_count * 8) +
                           (int64_t)wb_memory_size((size_t)A.plan.nsel * 8);
            assert_int_equal(wb_darray_rank_bytes(&ac, p, r, 8), want);
            wb_darray_free(&A);
            assert_null(A.a);
            assert_null(A.scounts);
            wb_darray_free(&A); /* twice is harmless */
        }
        assert_int_equal(received, m);
    }
}

/* The operations without communication on one rank: their check accepts the kernels'
 * output and catches a corrupted value; the reductions' check against the exact answers. */
static void test_ops(void **state)
{
    (void)state;
    struct wb_arrays_config ac = {.n = 4099, .ops = (1u << WB_AOP_COUNT) - 1, .alpha = 0.5,
                                  .slice_stop = -1, .slice_step = 2};
    struct wb_exact_answers e;
    wb_exact_answers(&e, ac.n);
    for (int dtype = 0; dtype < WB_ADTYPE_COUNT; dtype++) {
        struct wb_darray A = {0};
        struct wb_error err;
        wb_error_clear(&err);
        assert_int_equal(wb_darray_init(&A, MPI_COMM_SELF, 0, 1, dtype, &ac, &err), WB_OK);
        const int local[] = {WB_AOP_SCALE, WB_AOP_ADD, WB_AOP_AXPY, WB_AOP_CUMSUM};
        for (size_t k = 0; k < WB_ARRAY_LEN(local); k++) {
            int op = local[k];
            struct wb_ops_result res;
            wb_ops_prepare(&A, op);
            for (int run = 0; run < 3; run++)
                assert_int_equal(wb_ops_run(&A, &ac, op, &res), MPI_SUCCESS);
            assert_int_equal(res.index, -1);
            assert_int_equal(wb_ops_check(&A, &ac, op, &res, &e), 0);
            wb_ops_corrupt(&A, op, &res);
            assert_int_equal(wb_ops_check(&A, &ac, op, &res, &e), 1);
        }
        /* axpy ran three times from y = b: the check followed the count. */
        assert_int_equal(A.axpy_applied, 3);
        struct wb_ops_result sum = {.value = (double)e.sum, .index = -1};
        assert_int_equal(wb_ops_check(&A, &ac, WB_AOP_SUM, &sum, &e), 0);
        wb_ops_corrupt(&A, WB_AOP_SUM, &sum);
        assert_int_equal(wb_ops_check(&A, &ac, WB_AOP_SUM, &sum, &e), 1);
        struct wb_ops_result mn = {.value = (double)e.min, .index = e.imin};
        assert_int_equal(wb_ops_check(&A, &ac, WB_AOP_MIN, &mn, &e), 0);
        mn.index++;
        assert_int_equal(wb_ops_check(&A, &ac, WB_AOP_MIN, &mn, &e), 1);
        wb_darray_free(&A);
    }
    int64_t index;
    assert_true(wb_ops_expected(WB_AOP_SUM, &e, &index) == (double)e.sum && index == -1);
    assert_true(wb_ops_expected(WB_AOP_MAX, &e, &index) == (double)e.max && index == e.imax);
    assert_true(wb_ops_expected(WB_AOP_NORM, &e, &index) == sqrt((double)e.sumsq));
    assert_true(isnan(wb_ops_expected(WB_AOP_SCALE, &e, &index)) && index == -1);
}

/* STREAM's counting, reads plus writes: useful bytes each element once; streamed bytes
 * what the code moves: cumsum's two reads, the norm's second pass, a strided slice's
 * lines and pack. */
static void test_ops_bytes(void **state)
{
    (void)state;
    struct wb_ops_traffic t = {.n = 1000, .m = 300, .step = 1, .es = 8, .line = 64};
    assert_true(wb_ops_bytes_useful(WB_AOP_SUM, &t) == 8000);
    assert_true(wb_ops_bytes_streamed(WB_AOP_SUM, &t) == 8000);
    assert_true(wb_ops_bytes_useful(WB_AOP_CUMSUM, &t) == 16000);
    assert_true(wb_ops_bytes_streamed(WB_AOP_CUMSUM, &t) == 24000);
    assert_true(wb_ops_bytes_streamed(WB_AOP_NORM, &t) == 8000);
    t.scaled = 1;
    assert_true(wb_ops_bytes_useful(WB_AOP_NORM, &t) == 8000);
    assert_true(wb_ops_bytes_streamed(WB_AOP_NORM, &t) == 24000);
    assert_true(wb_ops_bytes_useful(WB_AOP_SLICE, &t) == 4800);
    assert_true(wb_ops_bytes_streamed(WB_AOP_SLICE, &t) == 4800); /* step 1: no pack */
    /* Step 2 over floats: every line between the first and last selected element is read,
     * the result written, 100 remote elements packed and read again. */
    t = (struct wb_ops_traffic){.n = 600, .m = 300, .step = 2, .remote = 100, .es = 4, .line = 64};
    assert_true(wb_ops_bytes_useful(WB_AOP_SLICE, &t) == 2400);
    assert_true(wb_ops_bytes_streamed(WB_AOP_SLICE, &t) == 599 * 4 + 1200 + 800);
    /* Step 32 over doubles: one line per selected element. */
    t = (struct wb_ops_traffic){.n = 9600, .m = 300, .step = 32, .es = 8, .line = 64};
    assert_true(wb_ops_bytes_streamed(WB_AOP_SLICE, &t) == 300 * 64 + 2400);
    /* The data an operation touches on a rank: sum one array, add three, slice its block,
     * result and pack. */
    struct wb_arrays_config ac = {.n = 1000, .slice_stop = -1, .slice_step = 2};
    assert_true(wb_ops_footprint(WB_AOP_SUM, &ac, 2, 1, 8) == 4000);
    assert_true(wb_ops_footprint(WB_AOP_ADD, &ac, 2, 1, 8) == 12000);
    assert_true(wb_ops_footprint(WB_AOP_AXPY, &ac, 1, 0, 4) == 8000);
    assert_true(wb_ops_footprint(WB_AOP_SLICE, &ac, 1, 0, 8) == (1000 + 500 + 500) * 8);
}

/* The last-level cache from a made-up sysfs: the highest level that is not an
 * instruction cache, its size in K or M, and its distinct instances. */
static void test_cache(void **state)
{
    (void)state;
    char dir[] = "/tmp/wb-cache.XXXXXX";
    assert_non_null(mkdtemp(dir));
    for (int cpu = 0; cpu < 4; cpu++) {
        char rel[96];
        const char *files[][2] = {
            {"index0/level", "1\n"}, {"index0/type", "Data\n"}, {"index0/size", "48K\n"},
            {"index1/level", "1\n"}, {"index1/type", "Instruction\n"}, {"index1/size", "32K\n"},
            {"index3/level", "3\n"}, {"index3/type", "Unified\n"}, {"index3/size", "32M\n"},
            {"index3/coherency_line_size", "128\n"},
            {"index3/shared_cpu_list", cpu < 2 ? "0-1\n" : "2-3\n"},
            {"index2/level", "2\n"}, {"index2/type", "Unified\n"}, {"index2/size", "2048K\n"}};
        for (size_t k = 0; k < WB_ARRAY_LEN(files); k++) {
            snprintf(rel, sizeof rel, "cpu%d/cache/%s", cpu, files[k][0]);
            put(dir, rel, files[k][1]);
        }
    }
    put(dir, "cpufreq/x", "not a cpu\n");
    struct wb_cache_llc c;
    assert_int_equal(wb_cache_llc(&c, dir), (int64_t)64 << 20);
    assert_int_equal(c.level, 3);
    assert_int_equal(c.bytes, (int64_t)32 << 20);
    assert_int_equal(c.instances, 2);
    assert_int_equal(c.line, 128);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    /* The probe's arrays: 4x the cache over the locality's ranks, at least 1 Mi elements. */
    assert_int_equal(wb_membw_elements((int64_t)32 << 20, 2), (int64_t)8 << 20);
    assert_int_equal(wb_membw_elements(1 << 20, 4), 1 << 20);
    assert_int_equal(wb_membw_elements(0, 1), (int64_t)32 << 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partition),
        cmocka_unit_test(test_slice),
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_kernels),
        cmocka_unit_test(test_minloc_ties),
        cmocka_unit_test(test_minloc_segments),
        cmocka_unit_test(test_sum_accuracy),
        cmocka_unit_test(test_sum_bound),
        cmocka_unit_test(test_missing_element),
        cmocka_unit_test(test_norm_safe),
        cmocka_unit_test(test_alloc),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_cgroup_room),
        cmocka_unit_test(test_darray),
        cmocka_unit_test(test_ops),
        cmocka_unit_test(test_ops_bytes),
        cmocka_unit_test(test_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
