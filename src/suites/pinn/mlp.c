/* wavebench PINN network: one parameter buffer, Taylor-mode forward, GEMM-shaped backward, loss. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/pinn.h"
#include "wavebench/clones.h"
#include "wavebench/pool.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows per tile of the loss and gradient: at most WB_SMALL_MNK / width^2, so
 * that every GEMM of a tile (rows x width x width) stays within OpenBLAS's
 * small-matrix limit (M N K <= 1e6 in 0.3.21's SkylakeX kernels): those run
 * unpacked, near peak, where the packed path reaches 50-60% of it at these
 * sizes (measured: fp32 190 vs 115 GFLOP/s, fp64 95 vs 50, one core).
 * Width 64 gives 244 rows, 48 points of wave1d (5 channels) or 34 of wave2d
 * (7); the activations of a tile stay in L2. Points per tile are kept within
 * [MIN_TILE, MAX_TILE] for other widths. */
#define WB_SMALL_MNK 1000000
#define MIN_TILE 16
#define MAX_TILE 128
#define ALIGN 64
#define MAX_DEPTH 64
#define MAX_THREADS WB_POOL_MAX_THREADS
#define PI 3.14159265358979323846

/* Row scratch of a slot, in rows of ld: slots 0..3 for the tanh passes, then
 * layer 0's dz_k (WB_PINN_MAX_DIM rows), then layer 0's transposed weight
 * gradient, a bias gradient, an output-weight gradient and two rows of the
 * last hidden layer's activation gradient. */
#define WB_TMP_DW0T (4 + WB_PINN_MAX_DIM)
#define WB_TMP_DB (WB_TMP_DW0T + WB_PINN_MAX_DIM)
#define WB_TMP_DW (WB_TMP_DB + 1)
#define WB_TMP_G (WB_TMP_DW + 1)
#define WB_TMP_ROWS (WB_TMP_G + 2)

/* Rows are padded to a multiple of WB_LANES and the elementwise loops run in
 * blocks of WB_LANES: a constant trip count is what GCC's -O2 vectoriser
 * (cost model "very cheap") needs, and 16 fills a 512-bit register of floats. */
#define WB_LANES 16
/* The elementwise kernels (WB_CLONES) also get AVX-512 and AVX2 builds; the baseline
 * build keeps its tanh scalar (SSE2 cannot if-convert it). */
const char *wb_pinn_kernel_variant(void)
{
    return wb_clones_variant();
}
#define FOR_J(j) for (int jb_ = 0; jb_ < ld; jb_ += WB_LANES) for (int j = jb_; j < jb_ + WB_LANES; j++)

/* -std=c11 turns GCC's floating-point contraction off; the kernels (tanh's
 * polynomial, the chain rule) want their multiply-adds fused where the target
 * has FMA: 10-15% of an fp32 step. Still deterministic: the same code on the
 * same machine rounds the same way. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=fast")
#elif defined(__clang__)
#pragma clang fp contract(fast)
#endif

/* What one thread works in: a tile's activations, scratch, its own gradient
 * accumulator and loss sums, and its run of tiles in the current call. */
struct slot {
    void *a[MAX_DEPTH];  /* depth x [rows_cap][ld] activations */
    void *z[MAX_DEPTH];  /* depth x [rows_cap][ld] pre-activations, then their gradient; z[0] unused */
    void *g;             /* [rows_cap][ld] gradient w.r.t. the activations */
    void *out;           /* [rows_cap] network output N per row */
    void *dout;          /* [rows_cap] gradient w.r.t. out */
    void *tmp;           /* [WB_TMP_ROWS][ld] row scratch */
    void *grad;          /* [n_params] gradient accumulator; slot 0's is m->grads */
    double sum[WB_PINN_NTERMS];
    int64_t tile0, tile1;
};

struct wb_pinn_ws {
    int64_t tile;        /* points per tile of the loss and gradient */
    int64_t ld;          /* row length of the matrices below: width padded to WB_LANES */
    int64_t rows_cap;    /* rows every slot matrix has room for: one tile of interior points */
    int nthreads;        /* slots in use (wb_pinn_model_set_threads) */
    void *x;             /* [nv_cap][d] training inputs: interior, initial, boundary */
    void *xp;            /* [rows_cap][d] inputs of a predict chunk */
    void *coef;          /* [ni_cap][1+2d] residual r = r0 + sum_c coef[c] * N_c */
    void *r0;            /* [ni_cap] */
    void *u0;            /* [n0_cap] initial condition at the initial points */
    void *w0t;           /* [d][ld] layer 0's weights transposed (prepare) */
    void *bias;          /* [depth][ld] hidden biases, zero-padded */
    void *wt;            /* [depth][width][ld] layer l >= 1's weights transposed */
    void *wout;          /* [ld + 1] output weights, then the output bias */
    double *pts;         /* [nv_cap][d] sampled points before conversion */
    bool job_grad;       /* arguments of the current threaded call */
    double job_scale[WB_PINN_NTERMS];
    struct slot slot[MAX_THREADS];
    struct wb_pool *pool; /* threads 1..nthreads-1 (NULL: one thread) */
    void *base;          /* the one allocation of params, grads, shared buffers and slot 0 */
    void *extra;         /* slots 1..nthreads-1 */
};

void wb_pinn_layout_make(struct wb_pinn_layout *L, int64_t ni, int64_t n0, int64_t nb, int d)
{
    memset(L, 0, sizeof *L);
    L->ni = ni;
    L->n0 = n0;
    L->nb = nb;
    L->nv = ni + n0 + nb;
    int64_t r = L->nv;
    for (int k = 0; k < d; k++) {
        L->f[k] = r;
        r += (k == d - 1) ? ni + n0 : ni;
    }
    for (int k = 0; k < d; k++) {
        L->s[k] = r;
        r += ni;
    }
    L->rows = r;
}

/* A tanh that vectorises (libm's does not): tanh|x| = (1 - e) / (1 + e),
 * e = exp(-2|x|), with exp by range reduction to |r| <= ln2/2 and a Taylor
 * polynomial; absolute error a few ulp of 1, which is what the network needs
 * (s' = 1 - s^2 stays consistent to that level). Past |x| = 20 (double) or 9
 * (float) tanh is 1 to working precision. n = round(y / ln2) by adding
 * 1.5 * 2^52 (2^23), whose low mantissa bits then hold n, shifted into the
 * exponent field for 2^n: no floor, no int conversion, so it vectorises with
 * plain SSE2. */
static inline double fast_tanh(double x)
{
    const double magic = 0x1.8p52;
    double ax = fabs(x) < 20.0 ? fabs(x) : 20.0;
    double y = -2.0 * ax;
    double kd = y * 1.4426950408889634 + magic;
    double n = kd - magic;
    double r = (y - n * 0.693145751953125) - n * 1.42860682030941723212e-6;
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    uint64_t bits;
    memcpy(&bits, &kd, sizeof bits);
    bits = (bits << 52) + (UINT64_C(1023) << 52);
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    double e = p * scale;
    double t = (1.0 - e) / (1.0 + e);
    return copysign(t, x);
}

static inline float fast_tanhf(float x)
{
    const float magic = 0x1.8p23f;
    float ax = fabsf(x) < 9.0f ? fabsf(x) : 9.0f;
    float y = -2.0f * ax;
    float kd = y * 1.44269504f + magic;
    float n = kd - magic;
    float r = (y - n * 0.693359375f) - n * -2.12194440e-4f;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    uint32_t bits;
    memcpy(&bits, &kd, sizeof bits);
    bits = (bits << 23) + (UINT32_C(127) << 23);
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    float e = p * scale;
    float t = (1.0f - e) / (1.0f + e);
    return copysignf(t, x);
}

/* Splits this call's tiles into nthreads contiguous runs of about equal
 * rows (a tile's work is proportional to its rows: interior points have
 * 1 + 2d, initial points 2, boundary points 1), slot t taking run t. The
 * split depends only on the points and the thread count. Returns nthreads. */
static int plan_tiles(struct wb_pinn_model *m)
{
    struct wb_pinn_ws *ws = m->ws;
    int n = ws->nthreads, nc = 1 + 2 * m->d;
    int64_t ni = m->local.interior, n0 = m->local.initial, nv = ni + n0 + m->local.boundary;
    int64_t ntiles = (nv + ws->tile - 1) / ws->tile;
    int64_t total = ni * nc + n0 * 2 + m->local.boundary, cum = 0;
    int t = 0;
    ws->slot[0].tile0 = 0;
    for (int64_t i = 0; i < ntiles && n > 1; i++) {
        int64_t p0 = i * ws->tile, p1 = p0 + ws->tile < nv ? p0 + ws->tile : nv;
        int64_t in = (p1 < ni ? p1 : ni) - (p0 < ni ? p0 : ni);
        int64_t q0 = p0 < ni ? ni : p0, q1 = p1 < ni + n0 ? p1 : ni + n0;
        int64_t init = q1 > q0 ? q1 - q0 : 0;
        int64_t rows = in * nc + init * 2 + (p1 - p0 - in - init);
        int64_t owner = (2 * cum + rows) * n / (2 * total);
        if (owner > n - 1)
            owner = n - 1;
        while (t < owner) {
            ws->slot[t].tile1 = i;
            ws->slot[++t].tile0 = i;
        }
        cum += rows;
    }
    ws->slot[t].tile1 = ntiles;
    while (t < n - 1) {
        ws->slot[++t].tile0 = ntiles;
        ws->slot[t].tile1 = ntiles;
    }
    return n;
}

#define REAL float
#define FN(name) name##_f32
#define GEMM cblas_sgemm
#define TANH fast_tanhf
#include "mlp_impl.h"
#undef REAL
#undef FN
#undef GEMM
#undef TANH

#define REAL double
#define FN(name) name##_f64
#define GEMM cblas_dgemm
#define TANH fast_tanh
#include "mlp_impl.h"
#undef REAL
#undef FN
#undef GEMM
#undef TANH

/* Element i of a buffer of the model's precision, as double. */
static double get(const void *buf, int precision, int64_t i)
{
    return precision == WB_FP32 ? (double)((const float *)buf)[i] : ((const double *)buf)[i];
}

static void put(void *buf, int precision, int64_t i, double v)
{
    if (precision == WB_FP32)
        ((float *)buf)[i] = (float)v;
    else
        ((double *)buf)[i] = v;
}

int64_t wb_pinn_param_count(int d, int width, int depth)
{
    int64_t w = width;
    return w * (d + 1) + (int64_t)(depth - 1) * w * (w + 1) + w + 1;
}

/* Carves n elements of size bytes out of *cursor (64-byte aligned); with
 * base NULL it only counts. */
static void *carve(char *base, size_t *cursor, int64_t n, size_t size)
{
    size_t at = *cursor;
    *cursor += ((size_t)n * size + ALIGN - 1) / ALIGN * ALIGN;
    return base ? base + at : NULL;
}

/* Carves a slot's buffers (not its gradient) out of base at *cursor. */
static void slot_carve(struct slot *sl, char *base, size_t *cursor, const struct wb_pinn_model *m)
{
    size_t rs = m->precision == WB_FP32 ? sizeof(float) : sizeof(double);
    int64_t ld = m->ws->ld, rows = m->ws->rows_cap;
    for (int l = 0; l < m->depth; l++) {
        sl->a[l] = carve(base, cursor, rows * ld, rs);
        sl->z[l] = l > 0 ? carve(base, cursor, rows * ld, rs) : NULL;
    }
    sl->g = carve(base, cursor, rows * ld, rs);
    sl->out = carve(base, cursor, rows, rs);
    sl->dout = carve(base, cursor, rows, rs);
    sl->tmp = carve(base, cursor, (int64_t)WB_TMP_ROWS * ld, rs);
}

static void ws_carve(struct wb_pinn_ws *ws, char *base, size_t *cursor, const struct wb_pinn_model *m)
{
    size_t rs = m->precision == WB_FP32 ? sizeof(float) : sizeof(double);
    int d = m->d;
    int64_t ld = ws->ld;
    int64_t ni = m->cap.interior, n0 = m->cap.initial, nb = m->cap.boundary;
    int64_t nv = ni + n0 + nb, rows = ws->rows_cap;
    ws->x = carve(base, cursor, nv * d, rs);
    ws->xp = carve(base, cursor, rows * d, rs);
    ws->coef = carve(base, cursor, ni * (1 + 2 * d), rs);
    ws->r0 = carve(base, cursor, ni, rs);
    ws->u0 = carve(base, cursor, n0, rs);
    ws->w0t = carve(base, cursor, d * ld, rs);
    ws->bias = carve(base, cursor, m->depth * ld, rs);
    ws->wt = carve(base, cursor, (int64_t)m->depth * m->width * ld, rs);
    ws->wout = carve(base, cursor, ld + 1, rs);
    slot_carve(&ws->slot[0], base, cursor, m);
    ws->pts = carve(base, cursor, nv * d, sizeof(double));
}

/* The model's sizes and its workspace's tiling, nothing allocated. */
static void shape(struct wb_pinn_model *m, struct wb_pinn_ws *ws, int problem, int precision,
                  int width, int depth, bool hard, const struct wb_pinn_counts *cap)
{
    int d = wb_pinn_dim(problem);
    m->problem = problem;
    m->precision = precision;
    m->d = d;
    m->width = width;
    m->depth = depth;
    m->hard = hard;
    m->n_params = wb_pinn_param_count(d, width, depth);
    m->cap = *cap;
    int64_t tile = WB_SMALL_MNK / ((int64_t)width * width) / (1 + 2 * d);
    ws->tile = tile < MIN_TILE ? MIN_TILE : tile > MAX_TILE ? MAX_TILE : tile;
    ws->ld = (width + WB_LANES - 1) / WB_LANES * WB_LANES;
    ws->rows_cap = ws->tile * (1 + 2 * d);
    ws->nthreads = 1;
    m->ws = ws;
}

/* Bytes of the one allocation: parameters, gradients, shared buffers and slot 0. */
static size_t base_bytes(const struct wb_pinn_model *m)
{
    size_t rs = m->precision == WB_FP32 ? sizeof(float) : sizeof(double);
    size_t bytes = 0;
    carve(NULL, &bytes, m->n_params, rs);
    carve(NULL, &bytes, m->n_params + WB_PINN_NTERMS, rs);
    ws_carve(m->ws, NULL, &bytes, m);
    return bytes;
}

/* Bytes of one more thread's slot and gradient. */
static size_t thread_bytes(const struct wb_pinn_model *m)
{
    size_t rs = m->precision == WB_FP32 ? sizeof(float) : sizeof(double);
    size_t bytes = 0;
    struct slot sl;
    slot_carve(&sl, NULL, &bytes, m);
    carve(NULL, &bytes, m->n_params, rs);
    return bytes;
}

double wb_pinn_model_bytes(int problem, int precision, int width, int depth, bool hard,
                           const struct wb_pinn_counts *cap, int threads)
{
    struct wb_pinn_model m;
    struct wb_pinn_ws ws;
    memset(&m, 0, sizeof m);
    memset(&ws, 0, sizeof ws);
    shape(&m, &ws, problem, precision, width, depth, hard, cap);
    return (double)base_bytes(&m) + (double)(threads > 1 ? threads - 1 : 0) * (double)thread_bytes(&m);
}

int wb_pinn_model_create(struct wb_pinn_model *m, int problem, int precision, int width,
                         int depth, bool hard, const struct wb_pinn_counts *cap,
                         struct wb_error *err)
{
    memset(m, 0, sizeof *m);
    int d = wb_pinn_dim(problem);
    if (d == 0)
        return WB_FAIL(err, WB_ERR_USAGE, "pinn: unknown problem %d", problem);
    if (precision != WB_FP32 && precision != WB_FP64)
        return WB_FAIL(err, WB_ERR_USAGE, "pinn: unknown precision %d", precision);
    if (width < 1 || depth < 1 || depth > MAX_DEPTH)
        return WB_FAIL(err, WB_ERR_USAGE, "pinn: width must be >= 1 and depth in 1..%d (got %d, %d)",
                       MAX_DEPTH, width, depth);
    if (cap->interior < 1 || cap->initial < 0 || cap->boundary < 0)
        return WB_FAIL(err, WB_ERR_USAGE, "pinn: point capacity must have interior >= 1, others >= 0");
    struct wb_pinn_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return WB_FAIL(err, WB_ERR_RUNTIME, "pinn: out of memory for the workspace");
    shape(m, ws, problem, precision, width, depth, hard, cap);
    size_t bytes = base_bytes(m);
    ws->base = aligned_alloc(ALIGN, bytes);
    if (!ws->base) {
        wb_pinn_model_free(m);
        return WB_FAIL(err, WB_ERR_RUNTIME, "pinn: out of memory (%.1f MiB for the model)",
                       (double)bytes / (1 << 20));
    }
    memset(ws->base, 0, bytes);
    size_t rs = precision == WB_FP32 ? sizeof(float) : sizeof(double);
    size_t cursor = 0;
    m->params = carve(ws->base, &cursor, m->n_params, rs);
    m->grads = carve(ws->base, &cursor, m->n_params + WB_PINN_NTERMS, rs);
    ws_carve(ws, ws->base, &cursor, m);
    ws->slot[0].grad = m->grads;
    return WB_OK;
}

int wb_pinn_model_set_threads(struct wb_pinn_model *m, int threads, struct wb_error *err)
{
    struct wb_pinn_ws *ws = m->ws;
    if (threads < 1 || threads > MAX_THREADS)
        return WB_FAIL(err, WB_ERR_USAGE, "pinn: threads must be in 1..%d (got %d)", MAX_THREADS, threads);
    if (threads == ws->nthreads)
        return WB_OK;
    wb_pool_free(ws->pool);
    ws->pool = NULL;
    free(ws->extra);
    ws->extra = NULL;
    ws->nthreads = 1;
    if (threads == 1)
        return WB_OK;
    size_t rs = m->precision == WB_FP32 ? sizeof(float) : sizeof(double);
    size_t bytes = (size_t)(threads - 1) * thread_bytes(m);
    ws->extra = aligned_alloc(ALIGN, bytes);
    if (!ws->extra)
        return WB_FAIL(err, WB_ERR_RUNTIME, "pinn: out of memory (%.1f MiB for %d threads' workspaces)",
                       (double)bytes / (1 << 20), threads);
    memset(ws->extra, 0, bytes);
    size_t cursor = 0;
    for (int t = 1; t < threads; t++) {
        slot_carve(&ws->slot[t], ws->extra, &cursor, m);
        ws->slot[t].grad = carve(ws->extra, &cursor, m->n_params, rs);
    }
    struct wb_error perr;
    wb_error_clear(&perr);
    if (wb_pool_create(&ws->pool, threads, &perr) != WB_OK) {
        free(ws->extra);
        ws->extra = NULL;
        return wb_error_set(err, perr.status, perr.file, perr.line, "pinn: %s", perr.msg);
    }
    ws->nthreads = threads;
    return WB_OK;
}

void wb_pinn_model_free(struct wb_pinn_model *m)
{
    if (m->ws) {
        wb_pool_free(m->ws->pool);
        free(m->ws->extra);
        free(m->ws->base);
    }
    free(m->ws);
    m->ws = NULL;
    m->params = NULL;
    m->grads = NULL;
}

void wb_pinn_model_init(struct wb_pinn_model *m, uint64_t seed)
{
    int d = m->d, w = m->width;
    int64_t i = 0;
    for (int l = 0; l <= m->depth; l++) {
        int fan_in = l == 0 ? d : w, fan_out = l == m->depth ? 1 : w;
        double std = sqrt(2.0 / (fan_in + fan_out));
        for (int64_t e = 0; e < (int64_t)fan_in * fan_out; e++, i++) {
            double u1 = 1.0 - wb_pinn_uniform(seed, WB_PINN_STREAM_INIT, 2 * (uint64_t)i);
            double u2 = wb_pinn_uniform(seed, WB_PINN_STREAM_INIT, 2 * (uint64_t)i + 1);
            put(m->params, m->precision, i, std * sqrt(-2.0 * log(u1)) * cos(2 * PI * u2));
        }
        for (int e = 0; e < fan_out; e++, i++)
            put(m->params, m->precision, i, 0.0);
    }
}

int wb_pinn_check_counts(const struct wb_pinn_counts *local, const struct wb_pinn_counts *global,
                         const struct wb_pinn_counts *cap, bool hard, struct wb_error *err)
{
    const int64_t lc[3] = {local->interior, local->initial, local->boundary};
    const int64_t gc[3] = {global->interior, global->initial, global->boundary};
    const int64_t cc[3] = {cap->interior, cap->initial, cap->boundary};
    static const char *names[3] = {"interior", "initial", "boundary"};
    for (int k = 0; k < 3; k++) {
        if (lc[k] < 0 || lc[k] > cc[k] || lc[k] > gc[k])
            return WB_FAIL(err, WB_ERR_USAGE,
                           "pinn: %lld local %s points (capacity %lld, global %lld)",
                           (long long)lc[k], names[k], (long long)cc[k], (long long)gc[k]);
        if (gc[k] < 1 && (k == 0 || !hard))
            return WB_FAIL(err, WB_ERR_USAGE, "pinn: no %s points", names[k]);
    }
    return WB_OK;
}

int wb_pinn_model_set_points(struct wb_pinn_model *m, const double *interior,
                             const double *initial, const double *boundary,
                             const struct wb_pinn_counts *local,
                             const struct wb_pinn_counts *global, struct wb_error *err)
{
    if (wb_pinn_check_counts(local, global, &m->cap, m->hard, err) != WB_OK)
        return err->status;
    int d = m->d, nc = 1 + 2 * d, prec = m->precision;
    struct wb_pinn_ws *ws = m->ws;
    m->local = *local;
    m->global = *global;
    if (m->hard) {
        m->local.initial = m->local.boundary = 0;
        m->global.initial = m->global.boundary = 0;
    }
    int64_t v = 0;
    const double *src[3] = {interior, initial, boundary};
    const int64_t n[3] = {m->local.interior, m->local.initial, m->local.boundary};
    for (int k = 0; k < 3; k++)
        for (int64_t i = 0; i < n[k] * d; i++, v++)
            put(ws->x, prec, v, src[k][i]);
    /* r = sum_k sigma_k u_kk with sigma = -c^2 (space), 1 (time); with
     * u = u0 + h N the product rule makes r linear in N's channels. */
    double c2 = wb_pinn_speed(m->problem) * wb_pinn_speed(m->problem);
    for (int64_t p = 0; p < m->local.interior; p++) {
        double h[WB_PINN_MAX_CHANNELS], u0[WB_PINN_MAX_CHANNELS], coef[WB_PINN_MAX_CHANNELS] = {0};
        double r0 = 0.0;
        if (m->hard) {
            wb_pinn_ansatz_taylor(h, interior + p * d, 1, m->problem);
            wb_pinn_initial_taylor(u0, interior + p * d, 1, m->problem);
        }
        for (int k = 0; k < d; k++) {
            double sigma = k == d - 1 ? 1.0 : -c2;
            if (m->hard) {
                r0 += sigma * u0[1 + d + k];
                coef[0] += sigma * h[1 + d + k];
                coef[1 + k] = 2 * sigma * h[1 + k];
                coef[1 + d + k] = sigma * h[0];
            } else {
                coef[1 + d + k] = sigma;
            }
        }
        for (int c = 0; c < nc; c++)
            put(ws->coef, prec, p * nc + c, coef[c]);
        put(ws->r0, prec, p, r0);
    }
    for (int64_t q = 0; q < m->local.initial; q++) {
        double u0[WB_PINN_MAX_CHANNELS];
        wb_pinn_initial_taylor(u0, initial + q * d, 1, m->problem);
        put(ws->u0, prec, q, u0[0]);
    }
    return WB_OK;
}

int wb_pinn_model_sample(struct wb_pinn_model *m, uint64_t seed, uint64_t epoch,
                         const struct wb_pinn_counts *global, int rank, int nranks,
                         struct wb_error *err)
{
    const int64_t gc[3] = {global->interior, global->initial, global->boundary};
    int64_t first[3], count[3];
    double *at[3];
    double *cursor = m->ws->pts;
    const int64_t cc[3] = {m->cap.interior, m->cap.initial, m->cap.boundary};
    for (int k = 0; k < 3; k++) {
        wb_pinn_share(&first[k], &count[k], gc[k], rank, nranks);
        if (count[k] > cc[k])
            return WB_FAIL(err, WB_ERR_USAGE, "pinn: rank %d's share of %lld points exceeds its capacity %lld",
                           rank, (long long)count[k], (long long)cc[k]);
        at[k] = cursor;
        wb_pinn_sample(at[k], m->problem, k, seed, epoch, first[k], count[k]);
        cursor += count[k] * m->d;
    }
    struct wb_pinn_counts local = {count[0], count[1], count[2]};
    return wb_pinn_model_set_points(m, at[0], at[1], at[2], &local, global, err);
}

/* Forward on slot 0 (single-threaded: prediction and evaluation). */
static void forward(struct wb_pinn_model *m, const struct wb_pinn_layout *L, const void *x)
{
    if (m->precision == WB_FP32) {
        prepare_f32(m);
        forward_f32(m, &m->ws->slot[0], L, x);
    } else {
        prepare_f64(m);
        forward_f64(m, &m->ws->slot[0], L, x);
    }
}

void wb_pinn_loss(struct wb_pinn_model *m, double terms[WB_PINN_NTERMS])
{
    static const double none[WB_PINN_NTERMS] = {0, 0, 0, 0};
    if (m->precision == WB_FP32)
        loss_grad_f32(m, terms, false, none);
    else
        loss_grad_f64(m, terms, false, none);
}

void wb_pinn_loss_grad(struct wb_pinn_model *m, double terms[WB_PINN_NTERMS],
                       const double weights[WB_PINN_NTERMS])
{
    if (m->precision == WB_FP32)
        loss_grad_f32(m, terms, true, weights);
    else
        loss_grad_f64(m, terms, true, weights);
    for (int i = 0; i < WB_PINN_NTERMS; i++)
        put(m->grads, m->precision, m->n_params + i, terms[i]);
}

double wb_pinn_loss_total(const double terms[WB_PINN_NTERMS], const double weights[WB_PINN_NTERMS])
{
    double s = 0.0;
    for (int i = 0; i < WB_PINN_NTERMS; i++)
        s += weights[i] * terms[i];
    return s;
}

/* Network channels at n <= chunk points, hard transform applied, into out
 * [n][1 + 2d] (taylor) or [n] (value only). */
static void predict_chunk(struct wb_pinn_model *m, double *out, const double *pts, int64_t n, bool taylor)
{
    struct wb_pinn_ws *ws = m->ws;
    int d = m->d, nc = 1 + 2 * d;
    for (int64_t i = 0; i < n * d; i++)
        put(ws->xp, m->precision, i, pts[i]);
    struct wb_pinn_layout L;
    wb_pinn_layout_make(&L, taylor ? n : 0, 0, taylor ? 0 : n, d);
    forward(m, &L, ws->xp);
    for (int64_t p = 0; p < n; p++) {
        double N[WB_PINN_MAX_CHANNELS], h[WB_PINN_MAX_CHANNELS], u0[WB_PINN_MAX_CHANNELS];
        int ncp = taylor ? nc : 1;
        N[0] = get(ws->slot[0].out, m->precision, p);
        for (int k = 0; k < d && taylor; k++) {
            N[1 + k] = get(ws->slot[0].out, m->precision, L.f[k] + p);
            N[1 + d + k] = get(ws->slot[0].out, m->precision, L.s[k] + p);
        }
        double *o = out + p * ncp;
        if (!m->hard) {
            memcpy(o, N, (size_t)ncp * sizeof *o);
            continue;
        }
        wb_pinn_ansatz_taylor(h, pts + p * d, 1, m->problem);
        wb_pinn_initial_taylor(u0, pts + p * d, 1, m->problem);
        o[0] = u0[0] + h[0] * N[0];
        for (int k = 0; k < d && taylor; k++) {
            o[1 + k] = u0[1 + k] + h[1 + k] * N[0] + h[0] * N[1 + k];
            o[1 + d + k] = u0[1 + d + k] + h[1 + d + k] * N[0] + 2 * h[1 + k] * N[1 + k] +
                           h[0] * N[1 + d + k];
        }
    }
}

int64_t wb_pinn_predict_chunk(const struct wb_pinn_model *m)
{
    return m->ws->rows_cap;
}

void wb_pinn_predict(struct wb_pinn_model *m, double *u, const double *pts, int64_t n)
{
    int64_t chunk = wb_pinn_predict_chunk(m);
    for (int64_t p = 0; p < n; p += chunk)
        predict_chunk(m, u + p, pts + p * m->d, n - p < chunk ? n - p : chunk, false);
}

void wb_pinn_predict_taylor(struct wb_pinn_model *m, double *out, const double *pts, int64_t n)
{
    int nc = 1 + 2 * m->d;
    int64_t chunk = m->ws->tile;
    for (int64_t p = 0; p < n; p += chunk)
        predict_chunk(m, out + p * nc, pts + p * m->d, n - p < chunk ? n - p : chunk, true);
}

/* The calls of FN(forward) and FN(backward) in mlp_impl.h with L->rows = rows_cap. */
int wb_pinn_gemm_shapes(const struct wb_pinn_model *m, struct wb_blas_gemm g[3])
{
    if (m->depth < 2)
        return 0;
    int rows = (int)m->ws->rows_cap, w = m->width, ld = (int)m->ws->ld, calls = m->depth - 1;
    g[0] = (struct wb_blas_gemm){rows, w, w, ld, ld, ld, false, false, calls};
    g[1] = (struct wb_blas_gemm){w, w, rows, ld, ld, w, true, true, calls};
    g[2] = (struct wb_blas_gemm){rows, w, w, ld, w, ld, false, false, calls};
    return 3;
}

/* Linear-layer FLOPs (a multiply-add counts 2) of one loss and gradient, as
 * the kernels above execute them; tanh, its chain rule and the loss are
 * elementwise work, not counted (the figure is compared with BLAS peak).
 * Rows: R = Ni (1 + 2d) + 2 N0 + Nb (value, u_t, value), or R = Ni (1 + 2d)
 * with hard constraints; value rows V = Ni + N0 + Nb (or Ni); W width, D depth.
 *   forward:  layer 0 2 V d W (its derivative rows are W's columns, no work)
 *             hidden layers 1..D-1  (D - 1) 2 R W^2,   output 2 R W
 *   backward: output 2 R W (dW) + R W (dA = dout w^T)
 *             hidden layers (D - 1) 4 R W^2 (dW and dA)
 *             layer 0 2 V d W + (R - V) W (sums of derivative rows)
 *   total = 6 (D - 1) R W^2 + 5 R W + 4 V d W + (R - V) W. */
double wb_pinn_flops_per_iter(int d, int width, int depth, bool hard, const struct wb_pinn_counts *n)
{
    double ni = (double)n->interior, n0 = hard ? 0.0 : (double)n->initial;
    double nb = hard ? 0.0 : (double)n->boundary, w = width;
    double R = ni * (1 + 2 * d) + 2 * n0 + nb, V = ni + n0 + nb;
    return 6.0 * (depth - 1) * R * w * w + 5.0 * R * w + 4.0 * V * d * w + (R - V) * w;
}
