/* wavebench array kernels, written once for both element types.
 *
 * Included by array_kernels.c once per type, after it defines T (float or double),
 * FN(name) (a name suffixed by type), ABS (fabsf or fabs) and STREAM_CHUNK(out, t) (store
 * WB_AK_CHUNK elements of t at out, non-temporally where the target can). No include
 * guard on purpose.
 *
 * Reductions run over blocks of WB_AK_BLOCK elements with WB_AK_ACC = 16 independent
 * accumulators of type T, so the adds of a block overlap instead of waiting on each other;
 * each accumulator adds WB_AK_BLOCK / WB_AK_ACC = 16 elements; the 16 are combined
 * pairwise in double, and the block sums by recursive pairwise halving in double (as
 * NumPy's pairwise sum, whose float32 version stays in float32 throughout). Over large n
 * the blocks of WB_AK_RSEGS segments are summed side by side (the streams in flight,
 * array_kernels.h); the single-stream code (16 scalar accumulators: GCC keeps scalars in
 * registers and pairs them into vectors) does the rest and small n.
 * The element-wise loops use `omp simd` (-fopenmp-simd, no OpenMP runtime), which GCC
 * vectorises at -O2 whatever the trip count. The hot loops are WB_CLONES (clones.h). */

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

/* The same tree as PAIRWISE16, over an array of WB_AK_ACC lanes. */
static inline double FN(pair16)(const T *a)
{
    return (((D(a[0]) + D(a[1])) + (D(a[2]) + D(a[3]))) +
            ((D(a[4]) + D(a[5])) + (D(a[6]) + D(a[7])))) +
           (((D(a[8]) + D(a[9])) + (D(a[10]) + D(a[11]))) +
            ((D(a[12]) + D(a[13])) + (D(a[14]) + D(a[15]))));
}

/* One block of each of the WB_AK_RSEGS segments (m elements apart), side by side:
 * out[j] is segment j's block sum, lane by lane as FN(blk_*) would add it. */
#define SEG_BLOCK(name, params, term)                                                \
    WB_CLONES static void FN(sblk_##name) params                                     \
    {                                                                                \
        T a[WB_AK_RSEGS][WB_AK_ACC] = {{0}};                                         \
        for (size_t i = 0; i < WB_AK_BLOCK; i += WB_AK_ACC)                          \
            for (size_t j = 0; j < WB_AK_RSEGS; j++) {                               \
                size_t q = j * m + i;                                                \
                _Pragma("omp simd") for (size_t k = 0; k < WB_AK_ACC; k++)           \
                    a[j][k] += term;                                                 \
            }                                                                        \
        for (size_t j = 0; j < WB_AK_RSEGS; j++)                                     \
            out[j] = FN(pair16)(a[j]);                                               \
    }

SEG_BLOCK(sum, (const T *restrict x, size_t m, double *restrict out), x[q + k])
SEG_BLOCK(dot, (const T *restrict x, const T *restrict y, size_t m, double *restrict out),
          x[q + k] * y[q + k])
SEG_BLOCK(sumsq, (const T *restrict x, size_t m, double *restrict out), x[q + k] * x[q + k])
SEG_BLOCK(sumsq_scaled, (const T *restrict x, size_t m, T sc, double *restrict out),
          (x[q + k] * sc) * (x[q + k] * sc))

enum { FN(K_SUM), FN(K_DOT), FN(K_SUMSQ), FN(K_SUMSQ_SCALED) };

/* Blocks lo..hi-1 of every segment (m elements each), recursive pairwise halving. */
static void FN(seg_rec)(int kind, const T *x, const T *y, T sc, size_t m, size_t lo,
                        size_t hi, double *out)
{
    if (hi - lo == 1) {
        size_t b = lo * WB_AK_BLOCK;
        if (kind == FN(K_SUM))
            FN(sblk_sum)(x + b, m, out);
        else if (kind == FN(K_DOT))
            FN(sblk_dot)(x + b, y + b, m, out);
        else if (kind == FN(K_SUMSQ))
            FN(sblk_sumsq)(x + b, m, out);
        else
            FN(sblk_sumsq_scaled)(x + b, m, sc, out);
        return;
    }
    size_t mid = lo + (hi - lo) / 2;
    double a[WB_AK_RSEGS], c[WB_AK_RSEGS];
    FN(seg_rec)(kind, x, y, sc, m, lo, mid, a);
    FN(seg_rec)(kind, x, y, sc, m, mid, hi, c);
    for (size_t j = 0; j < WB_AK_RSEGS; j++)
        out[j] = a[j] + c[j];
}

/* The segments' sums pairwise, then the rest (single stream) added. */
static double FN(reduce)(int kind, const T *x, const T *y, T sc, size_t n)
{
    size_t nb = n / (WB_AK_RSEGS * WB_AK_BLOCK), done = nb * WB_AK_RSEGS * WB_AK_BLOCK;
    double s[WB_AK_RSEGS], r = 0;
    if (nb > 0) {
        FN(seg_rec)(kind, x, y, sc, nb * WB_AK_BLOCK, 0, nb, s);
        for (size_t w = WB_AK_RSEGS / 2; w > 0; w /= 2)
            for (size_t j = 0; j < w; j++)
                s[j] = s[2 * j] + s[2 * j + 1];
        r = s[0];
        if (done == n)
            return r;
    }
    x += done;
    y = y ? y + done : NULL;
    n -= done;
    double rest = kind == FN(K_SUM)   ? FN(sum_rec)(x, n)
                  : kind == FN(K_DOT) ? FN(dot_rec)(x, y, n)
                  : kind == FN(K_SUMSQ) ? FN(sumsq_rec)(x, n)
                                        : FN(sumsq_scaled_rec)(x, n, sc);
    return nb > 0 ? r + rest : rest;
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

static double FN(maxabs1)(const T *restrict x, size_t n)
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

/* WB_AK_RSEGS segments of m elements side by side (m a multiple of WB_AK_ACC). */
WB_CLONES static double FN(maxabs_seg)(const T *restrict x, size_t m)
{
    T a[WB_AK_RSEGS][WB_AK_ACC] = {{0}};
    for (size_t i = 0; i < m; i += WB_AK_ACC)
        for (size_t j = 0; j < WB_AK_RSEGS; j++) {
            size_t q = j * m + i;
            _Pragma("omp simd") for (size_t k = 0; k < WB_AK_ACC; k++)
                a[j][k] = ABS(x[q + k]) > a[j][k] ? ABS(x[q + k]) : a[j][k];
        }
    T r = 0;
    for (size_t j = 0; j < WB_AK_RSEGS; j++)
        for (size_t k = 0; k < WB_AK_ACC; k++)
            r = a[j][k] > r ? a[j][k] : r;
    return r;
}

static double FN(maxabs)(const T *x, size_t n)
{
    size_t m = n / (WB_AK_RSEGS * WB_AK_ACC) * WB_AK_ACC, done = m * WB_AK_RSEGS;
    double r = m > 0 ? FN(maxabs_seg)(x, m) : 0, rest = FN(maxabs1)(x + done, n - done);
    return rest > r ? rest : r;
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

/* The same over WB_AK_RSEGS segments of m elements (a multiple of WB_AK_BLOCK) side by
 * side: each segment's extreme in best[j] at its own index idx[j]. */
#define MINLOC_SEG_BODY(BETTER)                                                    \
    for (size_t b = 0; b < m; b += WB_AK_BLOCK) {                                       \
        T a[WB_AK_RSEGS][WB_AK_ACC];                                                     \
        for (size_t j = 0; j < WB_AK_RSEGS; j++)                                         \
            for (size_t k = 0; k < WB_AK_ACC; k++)                                       \
                a[j][k] = x[j * m + b];                                                  \
        for (size_t i = 0; i < WB_AK_BLOCK; i += WB_AK_ACC)                              \
            for (size_t j = 0; j < WB_AK_RSEGS; j++) {                                   \
                const T *restrict p = x + j * m + b + i;                                 \
                _Pragma("omp simd") for (size_t k = 0; k < WB_AK_ACC; k++)               \
                    a[j][k] = BETTER(p[k], a[j][k]) ? p[k] : a[j][k];                    \
            }                                                                            \
        for (size_t j = 0; j < WB_AK_RSEGS; j++) {                                       \
            T v = a[j][0];                                                               \
            for (size_t k = 1; k < WB_AK_ACC; k++)                                       \
                v = BETTER(a[j][k], v) ? a[j][k] : v;                                    \
            if (b == 0 || BETTER(v, best[j])) {                                          \
                const T *p = x + j * m + b;                                              \
                size_t i = 0;                                                            \
                while (p[i] != v)                                                        \
                    i++;                                                                 \
                best[j] = v;                                                             \
                idx[j] = b + i;                                                          \
            }                                                                            \
        }                                                                                \
    }

#define LESS(a, b) ((a) < (b))
#define GREATER(a, b) ((a) > (b))

WB_CLONES static void FN(minloc_seg)(const T *restrict x, size_t m, int want_max,
                                     T *restrict best, size_t *restrict idx)
{
    if (want_max) {
        MINLOC_SEG_BODY(GREATER)
    } else {
        MINLOC_SEG_BODY(LESS)
    }
}

/* One stream: the extreme of x[0..n) in *value at the lowest index *index (-1 if n 0). */
static void FN(minloc1)(const T *x, size_t n, int want_max, T *value, int64_t *index)
{
    T best = 0;
    int64_t best_i = -1;
#define KEEP_LESS(s, k) ((s) = p[i + (k)] < (s) ? p[i + (k)] : (s))
#define KEEP_GREATER(s, k) ((s) = p[i + (k)] > (s) ? p[i + (k)] : (s))
    if (want_max) {
        MINLOC_BODY(GREATER, KEEP_GREATER)
    } else {
        MINLOC_BODY(LESS, KEEP_LESS)
    }
#undef KEEP_LESS
#undef KEEP_GREATER
    *value = best;
    *index = best_i;
}

static void FN(minloc)(const T *x, size_t n, int want_max, double *value, int64_t *index)
{
    size_t m = n / (WB_AK_RSEGS * WB_AK_BLOCK) * WB_AK_BLOCK, done = m * WB_AK_RSEGS;
    T v[WB_AK_RSEGS + 1];
    int64_t at[WB_AK_RSEGS + 1];
    size_t parts = 0;
    if (m > 0) {
        size_t idx[WB_AK_RSEGS];
        FN(minloc_seg)(x, m, want_max, v, idx);
        for (; parts < WB_AK_RSEGS; parts++)
            at[parts] = (int64_t)(parts * m + idx[parts]);
    }
    FN(minloc1)(x + done, n - done, want_max, &v[parts], &at[parts]);
    if (at[parts] >= 0) {
        at[parts] += (int64_t)done;
        parts++;
    }
    /* The parts in index order, strictly better only: ties keep the lowest index. */
    T best = 0;
    int64_t best_i = -1;
    for (size_t j = 0; j < parts; j++)
        if (best_i < 0 || (want_max ? GREATER(v[j], best) : LESS(v[j], best))) {
            best = v[j];
            best_i = at[j];
        }
    *value = best;
    *index = best_i;
}
#undef LESS
#undef GREATER

/* out[q] = val(q) for q < n, over WB_AK_WSEGS segments side by side; with nt each chunk
 * is computed into t_ and stored by STREAM_CHUNK, then fenced (non-temporal stores are
 * weakly ordered). out must be 16-byte aligned for nt (every chunk then is). */
#define ELEMENTWISE(out, n, nt, val)                                                     \
    do {                                                                                 \
        size_t m_ = (n) / (WB_AK_WSEGS * WB_AK_CHUNK) * WB_AK_CHUNK;                     \
        if (nt) {                                                                        \
            for (size_t i_ = 0; i_ < m_; i_ += WB_AK_CHUNK)                              \
                for (size_t j_ = 0; j_ < WB_AK_WSEGS; j_++) {                            \
                    size_t q0 = j_ * m_ + i_;                                            \
                    T t_[WB_AK_CHUNK];                                                   \
                    _Pragma("omp simd") for (size_t k_ = 0; k_ < WB_AK_CHUNK; k_++)      \
                        t_[k_] = val(q0 + k_);                                           \
                    STREAM_CHUNK((out) + q0, t_);                                        \
                }                                                                        \
            STREAM_FENCE();                                                              \
        } else {                                                                         \
            for (size_t i_ = 0; i_ < m_; i_ += WB_AK_CHUNK)                              \
                for (size_t j_ = 0; j_ < WB_AK_WSEGS; j_++) {                            \
                    size_t q0 = j_ * m_ + i_;                                            \
                    _Pragma("omp simd") for (size_t k_ = 0; k_ < WB_AK_CHUNK; k_++)      \
                        (out)[q0 + k_] = val(q0 + k_);                                   \
                }                                                                        \
        }                                                                                \
        for (size_t q_ = m_ * WB_AK_WSEGS; q_ < (n); q_++)                               \
            (out)[q_] = val(q_);                                                         \
    } while (0)

/* Non-temporal output: large enough, and aligned as the stores need. */
static int FN(nt)(const T *out, size_t n)
{
    return n * sizeof(T) >= wb_ak_nontemporal_min() && (uintptr_t)out % 16 == 0;
}

WB_CLONES static void FN(scale)(T *restrict out, const T *restrict x, size_t n, T alpha)
{
#define VAL(q) (alpha * x[q])
    ELEMENTWISE(out, n, FN(nt)(out, n), VAL);
#undef VAL
}

WB_CLONES static void FN(add)(T *restrict out, const T *restrict x, const T *restrict y,
                              size_t n)
{
#define VAL(q) (x[q] + y[q])
    ELEMENTWISE(out, n, FN(nt)(out, n), VAL);
#undef VAL
}

/* In place: y's lines are read anyway, so plain stores. */
WB_CLONES static void FN(axpy)(T *restrict y, const T *restrict x, size_t n, T alpha)
{
#define VAL(q) (y[q] + alpha * x[q])
    ELEMENTWISE(y, n, 0, VAL);
#undef VAL
}

WB_CLONES static void FN(copy)(T *restrict out, const T *restrict x, size_t n)
{
#define VAL(q) (x[q])
    ELEMENTWISE(out, n, FN(nt)(out, n), VAL);
#undef VAL
}

WB_CLONES static void FN(triad)(T *restrict out, const T *restrict x, const T *restrict y,
                                size_t n, T alpha)
{
#define VAL(q) (x[q] + alpha * y[q])
    ELEMENTWISE(out, n, FN(nt)(out, n), VAL);
#undef VAL
}

/* Groups of 8: the in-group prefixes do not depend on the carried sum, so only one add
 * per group waits on the previous group. The carried sum stays double (its error does
 * not grow with n as a float running sum's would); each output is (T)s + prefix, in T.
 * Writes v's group to dst and returns the sum carried past it. */
static inline double FN(group8)(const T *restrict v, T *restrict dst, double s)
{
    T p0 = v[0], p1 = p0 + v[1], p2 = p1 + v[2], p3 = p2 + v[3];
    T p4 = p3 + v[4], p5 = p4 + v[5], p6 = p5 + v[6], p7 = p6 + v[7];
    T c = (T)s;
    dst[0] = c + p0; dst[1] = c + p1; dst[2] = c + p2; dst[3] = c + p3;
    dst[4] = c + p4; dst[5] = c + p5; dst[6] = c + p6; dst[7] = c + p7;
    /* The group's total in double (for double, p7 is that already). */
    if (sizeof(T) < sizeof(double))
        return s + ((((double)v[0] + v[1]) + ((double)v[2] + v[3])) +
                    (((double)v[4] + v[5]) + ((double)v[6] + v[7])));
    return s + p7;
}

/* One stream (each group needs the last); output a chunk of groups at a time. */
WB_CLONES static double FN(cumsum)(T *restrict out, const T *restrict x, size_t n, double s)
{
    int nt = FN(nt)(out, n);
    size_t i = 0;
    for (; i + WB_AK_CHUNK <= n; i += WB_AK_CHUNK) {
        if (nt) {
            T t[WB_AK_CHUNK];
            for (size_t g = 0; g < WB_AK_CHUNK; g += 8)
                s = FN(group8)(x + i + g, t + g, s);
            STREAM_CHUNK(out + i, t);
        } else {
            for (size_t g = 0; g < WB_AK_CHUNK; g += 8)
                s = FN(group8)(x + i + g, out + i + g, s);
        }
    }
    if (nt)
        STREAM_FENCE();
    for (; i + 8 <= n; i += 8)
        s = FN(group8)(x + i, out + i, s);
    for (; i < n; i++) {
        s += x[i];
        out[i] = (T)s;
    }
    return s;
}

WB_CLONES static void FN(gather)(T *restrict out, const T *restrict x, size_t first,
                                 size_t step, size_t count)
{
    const T *restrict p = x + first;
#define VAL(q) (p[(q) * step])
    ELEMENTWISE(out, count, FN(nt)(out, count), VAL);
#undef VAL
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
#undef MINLOC_SEG_BODY
#undef SEG_BLOCK
#undef ELEMENTWISE
