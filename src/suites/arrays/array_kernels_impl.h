/* wavebench array kernels, written once for both element types.
 *
 * Included by array_kernels.c once per type, after it defines T (float or double),
 * FN(name) (a name suffixed by type) and ABS (fabsf or fabs). No include guard on purpose.
 *
 * Reductions run over blocks of WB_AK_BLOCK elements with WB_AK_ACC = 16 independent
 * accumulators of type T in scalar variables (not an array: GCC keeps scalars in
 * registers and pairs them into vectors), so the adds of a block overlap instead of
 * waiting on each other; one `s += x[i]` chain reaches about half the memory bandwidth.
 * Each accumulator adds WB_AK_BLOCK / WB_AK_ACC = 16 elements; the 16 are combined pairwise in double, and
 * the block sums by recursive pairwise halving in double (as NumPy's pairwise sum, whose
 * float32 version stays in float32 throughout).
 * The element-wise loops use `#pragma omp simd` (-fopenmp-simd, no OpenMP runtime),
 * which GCC vectorises at -O2 whatever the trip count. */

#define DECL16 T s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0, \
    s9 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0, s14 = 0, s15 = 0

/* op(s, k) folds element i + k into lane accumulator s: all 16 lanes, or the tail of
 * r < 16 elements, one element per lane. */
#define LANES16(op)                                                                  \
    do {                                                                             \
        op(s0, 0); op(s1, 1); op(s2, 2); op(s3, 3);                                  \
        op(s4, 4); op(s5, 5); op(s6, 6); op(s7, 7);                                  \
        op(s8, 8); op(s9, 9); op(s10, 10); op(s11, 11);                              \
        op(s12, 12); op(s13, 13); op(s14, 14); op(s15, 15);                          \
    } while (0)
#define LANE_TAIL(op, r)                                                             \
    do {                                                                             \
        if ((r) > 0) op(s0, 0);                                                      \
        if ((r) > 1) op(s1, 1);                                                      \
        if ((r) > 2) op(s2, 2);                                                      \
        if ((r) > 3) op(s3, 3);                                                      \
        if ((r) > 4) op(s4, 4);                                                      \
        if ((r) > 5) op(s5, 5);                                                      \
        if ((r) > 6) op(s6, 6);                                                      \
        if ((r) > 7) op(s7, 7);                                                      \
        if ((r) > 8) op(s8, 8);                                                      \
        if ((r) > 9) op(s9, 9);                                                      \
        if ((r) > 10) op(s10, 10);                                                   \
        if ((r) > 11) op(s11, 11);                                                   \
        if ((r) > 12) op(s12, 12);                                                   \
        if ((r) > 13) op(s13, 13);                                                   \
        if ((r) > 14) op(s14, 14);                                                   \
    } while (0)
#define D(s) ((double)(s))
#define PAIRWISE16                                                                   \
    ((((D(s0) + D(s1)) + (D(s2) + D(s3))) + ((D(s4) + D(s5)) + (D(s6) + D(s7)))) +   \
     (((D(s8) + D(s9)) + (D(s10) + D(s11))) + ((D(s12) + D(s13)) + (D(s14) + D(s15)))))

/* One block (n <= WB_AK_BLOCK) of a sum-like reduction, then recursive halving on a
 * multiple of 16 elements down to single blocks. */
#define BLOCKED_SUM(name, params, args, step_op)                                     \
    static double FN(blk_##name) params                                              \
    {                                                                                \
        DECL16;                                                                      \
        size_t i = 0;                                                                \
        for (; i + 16 <= n; i += 16)                                                 \
            LANES16(step_op);                                                        \
        LANE_TAIL(step_op, n - i);                                                   \
        return PAIRWISE16;                                                           \
    }

#define ADD_X(s, k) ((s) += x[i + (k)])
#define ADD_XY(s, k) ((s) += x[i + (k)] * y[i + (k)])
#define ADD_SQ(s, k) ((s) += x[i + (k)] * x[i + (k)])
#define ADD_SQ_SCALED(s, k) ((s) += (x[i + (k)] * sc) * (x[i + (k)] * sc))

BLOCKED_SUM(sum, (const T *restrict x, size_t n), (x, n), ADD_X)
BLOCKED_SUM(dot, (const T *restrict x, const T *restrict y, size_t n), (x, y, n), ADD_XY)
BLOCKED_SUM(sumsq, (const T *restrict x, size_t n), (x, n), ADD_SQ)
BLOCKED_SUM(sumsq_scaled, (const T *restrict x, size_t n, T sc), (x, n, sc), ADD_SQ_SCALED)

static double FN(sum_rec)(const T *x, size_t n)
{
    if (n <= WB_AK_BLOCK)
        return FN(blk_sum)(x, n);
    size_t h = n / 32 * 16;
    return FN(sum_rec)(x, h) + FN(sum_rec)(x + h, n - h);
}

static double FN(dot_rec)(const T *x, const T *y, size_t n)
{
    if (n <= WB_AK_BLOCK)
        return FN(blk_dot)(x, y, n);
    size_t h = n / 32 * 16;
    return FN(dot_rec)(x, y, h) + FN(dot_rec)(x + h, y + h, n - h);
}

static double FN(sumsq_rec)(const T *x, size_t n)
{
    if (n <= WB_AK_BLOCK)
        return FN(blk_sumsq)(x, n);
    size_t h = n / 32 * 16;
    return FN(sumsq_rec)(x, h) + FN(sumsq_rec)(x + h, n - h);
}

/* The same with every element multiplied by sc (a power of two) before squaring. */
static double FN(sumsq_scaled_rec)(const T *x, size_t n, T sc)
{
    if (n <= WB_AK_BLOCK)
        return FN(blk_sumsq_scaled)(x, n, sc);
    size_t h = n / 32 * 16;
    return FN(sumsq_scaled_rec)(x, h, sc) + FN(sumsq_scaled_rec)(x + h, n - h, sc);
}

#define MAX16(r)                                                                         \
    do {                                                                                 \
        s0 = s1 > s0 ? s1 : s0; s2 = s3 > s2 ? s3 : s2; s4 = s5 > s4 ? s5 : s4;          \
        s6 = s7 > s6 ? s7 : s6; s8 = s9 > s8 ? s9 : s8; s10 = s11 > s10 ? s11 : s10;     \
        s12 = s13 > s12 ? s13 : s12; s14 = s15 > s14 ? s15 : s14;                        \
        s0 = s2 > s0 ? s2 : s0; s4 = s6 > s4 ? s6 : s4; s8 = s10 > s8 ? s10 : s8;        \
        s12 = s14 > s12 ? s14 : s12; s0 = s4 > s0 ? s4 : s0; s8 = s12 > s8 ? s12 : s8;   \
        r = s8 > s0 ? s8 : s0;                                                           \
    } while (0)

static double FN(maxabs)(const T *restrict x, size_t n)
{
    DECL16;
#define MAX_ABS(s, k) ((s) = ABS(x[i + (k)]) > (s) ? ABS(x[i + (k)]) : (s))
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        LANES16(MAX_ABS);
    LANE_TAIL(MAX_ABS, n - i);
#undef MAX_ABS
    T r;
    MAX16(r);
    return r;
}

/* Blockwise: the block's extreme from 16 lanes, and only when it beats the best so far
 * a second look (in L1) for its first position. Strict comparisons keep the lowest
 * index. min is max of the negated order: BETTER and KEEP name the direction. */
#define MINLOC_BODY(BETTER, KEEP)                                                        \
    for (size_t b = 0; b < n; b += WB_AK_BLOCK) {                                       \
        size_t m = n - b < WB_AK_BLOCK ? n - b : WB_AK_BLOCK;                            \
        const T *restrict p = x + b;                                                     \
        T s0 = p[0], s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;     \
        T s8 = s0, s9 = s0, s10 = s0, s11 = s0, s12 = s0, s13 = s0, s14 = s0, s15 = s0; \
        size_t i = 0;                                                                    \
        for (; i + 16 <= m; i += 16)                                                     \
            LANES16(KEEP);                                                               \
        LANE_TAIL(KEEP, m - i);                                                          \
        s0 = BETTER(s1, s0) ? s1 : s0; s2 = BETTER(s3, s2) ? s3 : s2;                    \
        s4 = BETTER(s5, s4) ? s5 : s4; s6 = BETTER(s7, s6) ? s7 : s6;                    \
        s8 = BETTER(s9, s8) ? s9 : s8; s10 = BETTER(s11, s10) ? s11 : s10;               \
        s12 = BETTER(s13, s12) ? s13 : s12; s14 = BETTER(s15, s14) ? s15 : s14;          \
        s0 = BETTER(s2, s0) ? s2 : s0; s4 = BETTER(s6, s4) ? s6 : s4;                    \
        s8 = BETTER(s10, s8) ? s10 : s8; s12 = BETTER(s14, s12) ? s14 : s12;             \
        s0 = BETTER(s4, s0) ? s4 : s0; s8 = BETTER(s12, s8) ? s12 : s8;                  \
        s0 = BETTER(s8, s0) ? s8 : s0;                                                   \
        if (best_i < 0 || BETTER(s0, best)) {                                            \
            for (i = 0; p[i] != s0; i++)                                                 \
                ;                                                                        \
            best = s0;                                                                   \
            best_i = (int64_t)(b + i);                                                   \
        }                                                                                \
    }

static void FN(minloc)(const T *x, size_t n, int want_max, double *value, int64_t *index)
{
    T best = 0;
    int64_t best_i = -1;
#define LESS(a, b) ((a) < (b))
#define GREATER(a, b) ((a) > (b))
#define KEEP_LESS(s, k) ((s) = p[i + (k)] < (s) ? p[i + (k)] : (s))
#define KEEP_GREATER(s, k) ((s) = p[i + (k)] > (s) ? p[i + (k)] : (s))
    if (want_max) {
        MINLOC_BODY(GREATER, KEEP_GREATER)
    } else {
        MINLOC_BODY(LESS, KEEP_LESS)
    }
#undef LESS
#undef GREATER
#undef KEEP_LESS
#undef KEEP_GREATER
    *value = best;
    *index = best_i;
}

static void FN(scale)(T *restrict out, const T *restrict x, size_t n, T alpha)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++)
        out[i] = alpha * x[i];
}

static void FN(add)(T *restrict out, const T *restrict x, const T *restrict y, size_t n)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++)
        out[i] = x[i] + y[i];
}

static void FN(axpy)(T *restrict y, const T *restrict x, size_t n, T alpha)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++)
        y[i] = y[i] + alpha * x[i];
}

static void FN(copy)(T *restrict out, const T *restrict x, size_t n)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++)
        out[i] = x[i];
}

static void FN(triad)(T *restrict out, const T *restrict x, const T *restrict y, size_t n,
                      T alpha)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++)
        out[i] = x[i] + alpha * y[i];
}

/* Groups of 8: the in-group prefixes do not depend on the carried sum, so only one add
 * per group waits on the previous group. The carried sum stays double (its error does
 * not grow with n as a float running sum's would); each output is (T)s + prefix, in T. */
static double FN(cumsum)(T *restrict out, const T *restrict x, size_t n, double s)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        T p0 = x[i], p1 = p0 + x[i + 1], p2 = p1 + x[i + 2], p3 = p2 + x[i + 3];
        T p4 = p3 + x[i + 4], p5 = p4 + x[i + 5], p6 = p5 + x[i + 6], p7 = p6 + x[i + 7];
        T c = (T)s;
        out[i] = c + p0; out[i + 1] = c + p1; out[i + 2] = c + p2; out[i + 3] = c + p3;
        out[i + 4] = c + p4; out[i + 5] = c + p5; out[i + 6] = c + p6; out[i + 7] = c + p7;
        /* The group's total in double (for double, p7 is that already). */
        if (sizeof(T) < sizeof(double))
            s += (((double)x[i] + x[i + 1]) + ((double)x[i + 2] + x[i + 3])) +
                 (((double)x[i + 4] + x[i + 5]) + ((double)x[i + 6] + x[i + 7]));
        else
            s += p7;
    }
    for (; i < n; i++) {
        s += x[i];
        out[i] = (T)s;
    }
    return s;
}

static void FN(gather)(T *restrict out, const T *restrict x, size_t first, size_t step,
                       size_t count)
{
    const T *p = x + first;
    if (step == 2) {
#pragma omp simd
        for (size_t k = 0; k < count; k++)
            out[k] = p[2 * k];
        return;
    }
    for (size_t k = 0; k < count; k++)
        out[k] = p[k * step];
}

#undef DECL16
#undef LANES16
#undef LANE_TAIL
#undef D
#undef PAIRWISE16
#undef BLOCKED_SUM
#undef ADD_X
#undef ADD_XY
#undef ADD_SQ
#undef ADD_SQ_SCALED
#undef MAX16
#undef MINLOC_BODY
