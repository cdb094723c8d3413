/* wavebench PINN on the GPU: device buffers, the cuBLAS + CUDA-kernel executor of the
 * driver (gpu_pinn_driver.h), points, Adam, prediction and the gradient all-reduce. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/gpu_pinn.h"

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wavebench/gpu_check.h"
#include "wavebench/gpu_kernels.h"
#include "wavebench/gpu_pinn_driver.h"

#define NT WB_PINN_NTERMS
#define ALIGN 256
#define MAX_TILE 65536
/* Activations of one tile stay under this many bytes (so wide or deep nets still fit). */
#define TILE_BYTES (1ull << 30)

struct wb_gpu_pinn {
    struct wb_pinn_drv D;
    struct wb_pinn_exec E;
    int problem;
    struct wb_pinn_counts cap;
    int64_t rows_cap;      /* rows of the largest tile, and points of a predict chunk */
    size_t rs;             /* bytes per element */
    cudaStream_t stream;
    cublasHandle_t blas;
    cudaEvent_t ev[3];     /* start of loss_grad, its end, end of the all-reduce */
    int have_stream, have_blas, n_events;
    void *d_adam;          /* [2 n_params]: m then v */
    void *d_ws;            /* the workspace: every other device buffer */
    void *xp;              /* [rows_cap][d] inputs of a predict chunk */
    double *partials;      /* loss blocks' partial sums */
    /* host staging, allocated once (pinned) */
    void *h_stage;         /* elements of the model precision, stage_n of them */
    int64_t stage_n;
    double *h_pts, *h_coef, *h_r0, *h_u0, *h_out;
};

/* ---- the executor: cuBLAS and the kernels on the model's stream ---- */

static int ex_zero(void *ctx, void *p, int64_t bytes, struct wb_error *err)
{
    struct wb_gpu_pinn *g = ctx;
    WB_CUDA_CHECK(err, cudaMemsetAsync(p, 0, (size_t)bytes, g->stream));
    return WB_OK;
}

static int ex_gemm(void *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha,
                   const void *A, int64_t lda, const void *B, int64_t ldb, double beta, void *C,
                   int64_t ldc, struct wb_error *err)
{
    struct wb_gpu_pinn *g = ctx;
    if (m == 0 || n == 0)
        return WB_OK;
    cublasOperation_t oa = ta ? CUBLAS_OP_T : CUBLAS_OP_N, ob = tb ? CUBLAS_OP_T : CUBLAS_OP_N;
    if (g->D.precision == WB_FP32) {
        float a = (float)alpha, b = (float)beta;
        WB_CUBLAS_CHECK(err, cublasSgemm(g->blas, oa, ob, (int)m, (int)n, (int)k, &a, A, (int)lda, B,
                                         (int)ldb, &b, C, (int)ldc));
    } else {
        WB_CUBLAS_CHECK(err, cublasDgemm(g->blas, oa, ob, (int)m, (int)n, (int)k, &alpha, A, (int)lda,
                                         B, (int)ldb, &beta, C, (int)ldc));
    }
    return WB_OK;
}

static int ex_gemv(void *ctx, bool ta, int64_t m, int64_t n, double alpha, const void *A,
                   int64_t lda, const void *x, double beta, void *y, struct wb_error *err)
{
    struct wb_gpu_pinn *g = ctx;
    if ((ta ? n : m) == 0)
        return WB_OK;
    cublasOperation_t oa = ta ? CUBLAS_OP_T : CUBLAS_OP_N;
    if (g->D.precision == WB_FP32) {
        float a = (float)alpha, b = (float)beta;
        WB_CUBLAS_CHECK(err, cublasSgemv(g->blas, oa, (int)m, (int)n, &a, A, (int)lda, x, 1, &b, y, 1));
    } else {
        WB_CUBLAS_CHECK(err, cublasDgemv(g->blas, oa, (int)m, (int)n, &alpha, A, (int)lda, x, 1, &beta,
                                         y, 1));
    }
    return WB_OK;
}

static int ex_inputs(void *ctx, void *xin, const void *x, const struct wb_pinn_layout *L, int d,
                     struct wb_error *err)
{
    struct wb_gpu_pinn *g = ctx;
    WB_CUDA_CHECK(err, wb_gpuk_pinn_inputs(g->D.precision, xin, x, *L, d, g->stream));
    return WB_OK;
}

static int ex_tanh_fwd(void *ctx, void *a, const void *z, const void *b,
                       const struct wb_pinn_layout *L, int d, int w, struct wb_error *err)
{
    struct wb_gpu_pinn *g = ctx;
    WB_CUDA_CHECK(err, wb_gpuk_pinn_tanh_fwd(g->D.precision, a, z, b, *L, d, w, g->stream));
    return WB_OK;
}

static int ex_tanh_bwd(void *ctx, void *z, const void *gr, const void *a,
                       const struct wb_pinn_layout *L, int d, int w, struct wb_error *err)
{
    struct wb_gpu_pinn *g = ctx;
    WB_CUDA_CHECK(err, wb_gpuk_pinn_tanh_bwd(g->D.precision, z, gr, a, *L, d, w, g->stream));
    return WB_OK;
}

static int ex_out_bias(void *ctx, void *out, const void *b, int64_t nv, struct wb_error *err)
{
    struct wb_gpu_pinn *g = ctx;
    WB_CUDA_CHECK(err, wb_gpuk_pinn_out_bias(g->D.precision, out, b, nv, g->stream));
    return WB_OK;
}

static int ex_loss(void *ctx, double *acc, void *dout, const void *out, const void *coef,
                   const void *r0, const void *u0, const struct wb_pinn_layout *L, int d,
                   const double scale[NT], struct wb_error *err)
{
    struct wb_gpu_pinn *g = ctx;
    WB_CUDA_CHECK(err, wb_gpuk_pinn_loss(g->D.precision, acc, g->partials, dout, out, coef, r0, u0, *L,
                                         d, scale, g->stream));
    return WB_OK;
}

static int ex_out_grad(void *ctx, void *gr, const void *dout, const void *wout, int64_t rows,
                       int w, struct wb_error *err)
{
    struct wb_gpu_pinn *g = ctx;
    WB_CUDA_CHECK(err, wb_gpuk_pinn_out_grad(g->D.precision, gr, dout, wout, rows, w, g->stream));
    return WB_OK;
}

static int ex_terms(void *ctx, void *tail, double *acc, const int64_t count[NT],
                    struct wb_error *err)
{
    struct wb_gpu_pinn *g = ctx;
    WB_CUDA_CHECK(err, wb_gpuk_pinn_terms(g->D.precision, tail, acc, count, g->stream));
    return WB_OK;
}

/* ---- allocation ---- */

static size_t round_up(size_t n)
{
    return (n + ALIGN - 1) / ALIGN * ALIGN;
}

/* Carves n elements of size bytes from *cursor; with base NULL it only counts. */
static void *carve(char *base, size_t *cursor, int64_t n, size_t size)
{
    size_t at = *cursor;
    *cursor += round_up((size_t)(n > 0 ? n : 1) * size);
    return base ? base + at : NULL;
}

static void ws_carve(struct wb_gpu_pinn *g, char *base, size_t *cursor)
{
    struct wb_pinn_drv *D = &g->D;
    int d = D->d, nc = 1 + 2 * d;
    int64_t w = D->width, rows = g->rows_cap;
    int64_t nv = g->cap.interior + g->cap.initial + g->cap.boundary;
    D->params = carve(base, cursor, D->n_params, g->rs);
    D->grads = carve(base, cursor, D->n_params + NT, g->rs);
    D->x = carve(base, cursor, nv * d, g->rs);
    D->coef = carve(base, cursor, g->cap.interior * nc, g->rs);
    D->r0 = carve(base, cursor, g->cap.interior, g->rs);
    D->u0 = carve(base, cursor, g->cap.initial, g->rs);
    D->xin = carve(base, cursor, rows * d, g->rs);
    g->xp = carve(base, cursor, rows * d, g->rs);
    for (int l = 0; l < D->depth; l++) {
        D->a[l] = carve(base, cursor, rows * w, g->rs);
        D->z[l] = carve(base, cursor, rows * w, g->rs);
    }
    D->g = carve(base, cursor, rows * w, g->rs);
    D->out = carve(base, cursor, rows, g->rs);
    D->dout = carve(base, cursor, rows, g->rs);
    D->ones = carve(base, cursor, rows, g->rs);
    D->acc = carve(base, cursor, NT, sizeof(double));
    g->partials = carve(base, cursor, 4 * wb_gpuk_pinn_loss_blocks(D->tile), sizeof(double));
}

static int create(struct wb_gpu_pinn *g, const struct wb_pinn_model *host, struct wb_error *err)
{
    struct wb_pinn_drv *D = &g->D;
    int d = host->d, nc = 1 + 2 * d;
    D->precision = host->precision;
    D->d = d;
    D->width = host->width;
    D->depth = host->depth;
    D->hard = host->hard;
    D->n_params = host->n_params;
    g->problem = host->problem;
    g->cap = host->cap;
    g->rs = host->precision == WB_FP32 ? sizeof(float) : sizeof(double);
    if (host->depth > WB_PINN_GPU_MAX_DEPTH)
        return WB_FAIL(err, WB_ERR_USAGE, "pinn: depth %d exceeds the GPU backend's %d", host->depth,
                       WB_PINN_GPU_MAX_DEPTH);
    int64_t nv = g->cap.interior + g->cap.initial + g->cap.boundary;
    /* Tile: as many points as fit TILE_BYTES of activations (2 depth + 1 matrices). */
    int64_t per_point = (int64_t)(2 * host->depth + 1) * (1 + 2 * d) * host->width * (int64_t)g->rs;
    int64_t tile = (int64_t)(TILE_BYTES / (uint64_t)per_point);
    tile = tile > MAX_TILE ? MAX_TILE : tile < 256 ? 256 : tile;
    D->tile = tile < nv ? tile : nv;
    g->rows_cap = wb_pinn_tile_rows(D->tile, d);

    WB_CUDA_CHECK(err, cudaStreamCreateWithFlags(&g->stream, cudaStreamNonBlocking));
    g->have_stream = 1;
    for (; g->n_events < 3; g->n_events++)
        WB_CUDA_CHECK(err, cudaEventCreate(&g->ev[g->n_events]));
    WB_CUBLAS_CHECK(err, cublasCreate(&g->blas));
    g->have_blas = 1;
    WB_CUBLAS_CHECK(err, cublasSetStream(g->blas, g->stream));
    /* Pinned rather than left to a default: fp32 GEMMs at least in fp32 (never TF32), so
     * fp32 results and rates mean what they say; the torch baseline pins the same. */
    WB_CUBLAS_CHECK(err, cublasSetMathMode(g->blas, CUBLAS_DEFAULT_MATH));

    size_t bytes = 0;
    ws_carve(g, NULL, &bytes);
    WB_CUDA_CHECK(err, cudaMalloc(&g->d_ws, bytes));
    size_t cursor = 0;
    ws_carve(g, g->d_ws, &cursor);
    WB_CUDA_CHECK(err, cudaMalloc(&g->d_adam, 2 * (size_t)D->n_params * g->rs));
    WB_CUDA_CHECK(err, cudaMemsetAsync(g->d_ws, 0, bytes, g->stream));
    WB_CUDA_CHECK(err, cudaMemsetAsync(g->d_adam, 0, 2 * (size_t)D->n_params * g->rs, g->stream));
    WB_CUDA_CHECK(err, wb_gpuk_pinn_fill(D->precision, D->ones, 1.0, g->rows_cap, g->stream));

    /* Host staging: the largest of points, constants, predict chunks and the gradient. */
    int64_t n = nv * d;
    int64_t cand[] = {g->cap.interior * nc, g->rows_cap * d, D->n_params + NT};
    for (size_t i = 0; i < WB_ARRAY_LEN(cand); i++)
        n = cand[i] > n ? cand[i] : n;
    g->stage_n = n;
    WB_CUDA_CHECK(err, cudaMallocHost(&g->h_stage, (size_t)n * g->rs));
    size_t dbl = sizeof(double) * (size_t)(nv * d + g->cap.interior * (nc + 1) + g->cap.initial +
                                           g->rows_cap + 4);
    g->h_pts = malloc(dbl);
    if (!g->h_pts)
        return WB_FAIL(err, WB_ERR_RUNTIME, "pinn: out of memory (GPU model host staging)");
    g->h_coef = g->h_pts + nv * d;
    g->h_r0 = g->h_coef + g->cap.interior * nc;
    g->h_u0 = g->h_r0 + g->cap.interior;
    g->h_out = g->h_u0 + g->cap.initial;

    g->E = (struct wb_pinn_exec){g, ex_zero, ex_gemm, ex_gemv, ex_inputs, ex_tanh_fwd, ex_tanh_bwd,
                                 ex_out_bias, ex_loss, ex_out_grad, ex_terms};
    return wb_gpu_pinn_upload(g, host, NULL, err);
}

int wb_gpu_pinn_create(struct wb_gpu_pinn **out, const struct wb_pinn_model *host,
                       struct wb_error *err)
{
    *out = NULL;
    struct wb_gpu_pinn *g = calloc(1, sizeof *g);
    if (!g)
        return WB_FAIL(err, WB_ERR_RUNTIME, "pinn: out of memory (GPU model)");
    int status = create(g, host, err);
    if (status != WB_OK) {
        wb_gpu_pinn_free(g);
        return status;
    }
    *out = g;
    return WB_OK;
}

void wb_gpu_pinn_free(struct wb_gpu_pinn *g)
{
    if (!g)
        return;
    if (g->have_stream)
        cudaStreamSynchronize(g->stream);
    if (g->have_blas)
        cublasDestroy(g->blas);
    for (int i = 0; i < g->n_events; i++)
        cudaEventDestroy(g->ev[i]);
    cudaFree(g->d_ws);
    cudaFree(g->d_adam);
    cudaFreeHost(g->h_stage);
    free(g->h_pts);
    if (g->have_stream)
        cudaStreamDestroy(g->stream);
    free(g);
}

/* ---- host <-> device ---- */

/* Converts n doubles to the model precision in the staging buffer, copies them to dst. */
static int put(struct wb_gpu_pinn *g, void *dst, const double *src, int64_t n, struct wb_error *err)
{
    if (n <= 0)
        return WB_OK;
    if (g->D.precision == WB_FP32)
        for (int64_t i = 0; i < n; i++)
            ((float *)g->h_stage)[i] = (float)src[i];
    else
        memcpy(g->h_stage, src, (size_t)n * sizeof(double));
    WB_CUDA_CHECK(err, cudaMemcpyAsync(dst, g->h_stage, (size_t)n * g->rs, cudaMemcpyHostToDevice,
                                       g->stream));
    WB_CUDA_CHECK(err, cudaStreamSynchronize(g->stream)); /* the staging buffer is reused */
    return WB_OK;
}

int wb_gpu_pinn_upload(struct wb_gpu_pinn *g, const struct wb_pinn_model *host,
                       const struct wb_pinn_adam *opt, struct wb_error *err)
{
    size_t bytes = (size_t)g->D.n_params * g->rs;
    WB_CUDA_CHECK(err, cudaMemcpyAsync(g->D.params, host->params, bytes, cudaMemcpyHostToDevice, g->stream));
    if (opt) {
        WB_CUDA_CHECK(err, cudaMemcpyAsync(g->d_adam, opt->m, bytes, cudaMemcpyHostToDevice, g->stream));
        WB_CUDA_CHECK(err, cudaMemcpyAsync((char *)g->d_adam + bytes, opt->v, bytes,
                                           cudaMemcpyHostToDevice, g->stream));
    }
    WB_CUDA_CHECK(err, cudaStreamSynchronize(g->stream));
    return WB_OK;
}

int wb_gpu_pinn_download(struct wb_gpu_pinn *g, struct wb_pinn_model *host,
                         struct wb_pinn_adam *opt, struct wb_error *err)
{
    size_t bytes = (size_t)g->D.n_params * g->rs;
    WB_CUDA_CHECK(err, cudaMemcpyAsync(host->params, g->D.params, bytes, cudaMemcpyDeviceToHost, g->stream));
    if (opt) {
        WB_CUDA_CHECK(err, cudaMemcpyAsync(opt->m, g->d_adam, bytes, cudaMemcpyDeviceToHost, g->stream));
        WB_CUDA_CHECK(err, cudaMemcpyAsync(opt->v, (char *)g->d_adam + bytes, bytes,
                                           cudaMemcpyDeviceToHost, g->stream));
    }
    WB_CUDA_CHECK(err, cudaStreamSynchronize(g->stream));
    return WB_OK;
}

int wb_gpu_pinn_grads(struct wb_gpu_pinn *g, void *grads, struct wb_error *err)
{
    WB_CUDA_CHECK(err, cudaMemcpyAsync(grads, g->D.grads, (size_t)(g->D.n_params + NT) * g->rs,
                                       cudaMemcpyDeviceToHost, g->stream));
    WB_CUDA_CHECK(err, cudaStreamSynchronize(g->stream));
    return WB_OK;
}

/* ---- points ---- */

int wb_gpu_pinn_set_points(struct wb_gpu_pinn *g, const double *interior, const double *initial,
                           const double *boundary, const struct wb_pinn_counts *local,
                           const struct wb_pinn_counts *global, struct wb_error *err)
{
    struct wb_pinn_drv *D = &g->D;
    if (wb_pinn_check_counts(local, global, &g->cap, D->hard, err) != WB_OK)
        return err->status;
    int d = D->d, nc = 1 + 2 * d;
    D->local = *local;
    D->global = *global;
    if (D->hard) {
        D->local.initial = D->local.boundary = 0;
        D->global.initial = D->global.boundary = 0;
    }
    int64_t ni = D->local.interior, n0 = D->local.initial, nb = D->local.boundary;
    /* points, concatenated interior | initial | boundary */
    double *pts = g->h_pts;
    if (pts != interior)
        memmove(pts, interior, sizeof(double) * (size_t)(ni * d));
    if (pts + ni * d != initial)
        memmove(pts + ni * d, initial, sizeof(double) * (size_t)(n0 * d));
    if (pts + (ni + n0) * d != boundary)
        memmove(pts + (ni + n0) * d, boundary, sizeof(double) * (size_t)(nb * d));
    int st;
    if ((st = put(g, D->x, pts, (ni + n0 + nb) * d, err)) != WB_OK)
        return st;
    wb_gpu_pinn_drv_constants(g->h_coef, g->h_r0, pts, ni, g->h_u0, pts + ni * d, n0, g->problem, D->hard);
    if ((st = put(g, D->coef, g->h_coef, ni * nc, err)) != WB_OK ||
        (st = put(g, D->r0, g->h_r0, ni, err)) != WB_OK ||
        (st = put(g, D->u0, g->h_u0, n0, err)) != WB_OK)
        return st;
    return WB_OK;
}

int wb_gpu_pinn_sample(struct wb_gpu_pinn *g, uint64_t seed, uint64_t epoch,
                       const struct wb_pinn_counts *global, int rank, int nranks,
                       struct wb_error *err)
{
    const int64_t gc[3] = {global->interior, global->initial, global->boundary};
    const int64_t cc[3] = {g->cap.interior, g->cap.initial, g->cap.boundary};
    int64_t first[3], count[3];
    double *at[3], *cursor = g->h_pts;
    for (int k = 0; k < 3; k++) {
        wb_pinn_share(&first[k], &count[k], gc[k], rank, nranks);
        if (count[k] > cc[k])
            return WB_FAIL(err, WB_ERR_USAGE,
                           "pinn: rank %d's share of %lld points exceeds its capacity %lld", rank,
                           (long long)count[k], (long long)cc[k]);
        at[k] = cursor;
        wb_pinn_sample(at[k], g->problem, k, seed, epoch, first[k], count[k]);
        cursor += count[k] * g->D.d;
    }
    struct wb_pinn_counts local = {count[0], count[1], count[2]};
    return wb_gpu_pinn_set_points(g, at[0], at[1], at[2], &local, global, err);
}

/* ---- one iteration ---- */

int wb_gpu_pinn_loss_grad(struct wb_gpu_pinn *g, const double weights[NT], struct wb_error *err)
{
    WB_CUDA_CHECK(err, cudaEventRecord(g->ev[0], g->stream));
    int st = wb_gpu_pinn_drv_loss_grad(&g->E, &g->D, true, weights, err);
    if (st != WB_OK)
        return st;
    WB_CUDA_CHECK(err, cudaEventRecord(g->ev[1], g->stream));
    return WB_OK;
}

int wb_gpu_pinn_allreduce(struct wb_gpu_pinn *g, const struct wb_gpu_comm *c, struct wb_error *err)
{
    int64_t n = g->D.n_params + NT;
#ifdef WB_HAVE_NCCL
    if (c->have_nccl) {
        /* NCCL counts elements, not bytes. */
        WB_NCCL_CHECK(err, ncclAllReduce(g->D.grads, g->D.grads, (size_t)n,
                                         g->D.precision == WB_FP32 ? ncclFloat32 : ncclFloat64, ncclSum,
                                         c->nccl, g->stream));
        WB_CUDA_CHECK(err, cudaEventRecord(g->ev[2], g->stream));
        return WB_OK;
    }
#endif
    WB_CUDA_CHECK(err, cudaMemcpyAsync(g->h_stage, g->D.grads, (size_t)n * g->rs, cudaMemcpyDeviceToHost,
                                       g->stream));
    WB_CUDA_CHECK(err, cudaStreamSynchronize(g->stream));
    WB_MPI_CHECK(err, MPI_Allreduce(MPI_IN_PLACE, g->h_stage, (int)n,
                                    g->D.precision == WB_FP32 ? MPI_FLOAT : MPI_DOUBLE, MPI_SUM, c->mpi));
    WB_CUDA_CHECK(err, cudaMemcpyAsync(g->D.grads, g->h_stage, (size_t)n * g->rs, cudaMemcpyHostToDevice,
                                       g->stream));
    WB_CUDA_CHECK(err, cudaEventRecord(g->ev[2], g->stream));
    return WB_OK;
}

int wb_gpu_pinn_terms(struct wb_gpu_pinn *g, double terms[NT], struct wb_error *err)
{
    unsigned char tail[NT * sizeof(double)];
    WB_CUDA_CHECK(err, cudaMemcpyAsync(tail, (char *)g->D.grads + (size_t)g->D.n_params * g->rs,
                                       NT * g->rs, cudaMemcpyDeviceToHost, g->stream));
    WB_CUDA_CHECK(err, cudaStreamSynchronize(g->stream));
    for (int i = 0; i < NT; i++) {
        if (g->D.precision == WB_FP32) {
            float v;
            memcpy(&v, tail + i * sizeof v, sizeof v);
            terms[i] = v;
        } else {
            memcpy(&terms[i], tail + i * sizeof(double), sizeof(double));
        }
    }
    return WB_OK;
}

int wb_gpu_pinn_times(struct wb_gpu_pinn *g, double *compute, double *allreduce,
                      struct wb_error *err)
{
    float ms01 = 0, ms12 = 0;
    WB_CUDA_CHECK(err, cudaEventElapsedTime(&ms01, g->ev[0], g->ev[1]));
    WB_CUDA_CHECK(err, cudaEventElapsedTime(&ms12, g->ev[1], g->ev[2]));
    *compute = ms01 * 1e-3;
    *allreduce = ms12 * 1e-3;
    return WB_OK;
}

int wb_gpu_pinn_adam_step(struct wb_gpu_pinn *g, struct wb_pinn_adam *opt, struct wb_error *err)
{
    /* wb_pinn_adam_step's arithmetic (adam.c): lr of this step, bias corrections of t. */
    double lr = wb_pinn_adam_lr(opt), t = (double)(opt->step + 1);
    double bc1 = 1.0 - pow(opt->beta1, t), bc2 = 1.0 - pow(opt->beta2, t);
    int64_t n = g->D.n_params;
    WB_CUDA_CHECK(err, wb_gpuk_pinn_adam(g->D.precision, g->D.params, g->d_adam,
                                         (char *)g->d_adam + (size_t)n * g->rs, g->D.grads, n, lr,
                                         opt->beta1, opt->beta2, opt->eps, bc1, bc2, g->stream));
    opt->step++;
    return WB_OK;
}

int wb_gpu_pinn_poison(struct wb_gpu_pinn *g, struct wb_error *err)
{
    WB_CUDA_CHECK(err, wb_gpuk_pinn_fill(g->D.precision, (char *)g->D.grads + (size_t)g->D.n_params * g->rs,
                                         NAN, 1, g->stream));
    return WB_OK;
}

/* ---- prediction ---- */

int wb_gpu_pinn_predict(struct wb_gpu_pinn *g, double *u, const double *pts, int64_t n,
                        struct wb_error *err)
{
    struct wb_pinn_drv *D = &g->D;
    int d = D->d, st;
    for (int64_t p0 = 0; p0 < n; p0 += g->rows_cap) {
        int64_t m = n - p0 < g->rows_cap ? n - p0 : g->rows_cap;
        struct wb_pinn_layout L;
        wb_pinn_layout_make(&L, 0, 0, m, d); /* value rows only */
        if ((st = put(g, g->xp, pts + p0 * d, m * d, err)) != WB_OK ||
            (st = wb_gpu_pinn_drv_forward(&g->E, D, &L, g->xp, err)) != WB_OK)
            return st;
        WB_CUDA_CHECK(err, cudaMemcpyAsync(g->h_stage, D->out, (size_t)m * g->rs, cudaMemcpyDeviceToHost,
                                           g->stream));
        WB_CUDA_CHECK(err, cudaStreamSynchronize(g->stream));
        for (int64_t i = 0; i < m; i++) {
            double N = D->precision == WB_FP32 ? (double)((float *)g->h_stage)[i]
                                               : ((double *)g->h_stage)[i];
            if (D->hard) {
                /* u = u0 + h N, as the CPU's predict_chunk */
                double h[WB_PINN_MAX_CHANNELS], u0[WB_PINN_MAX_CHANNELS];
                wb_pinn_ansatz_taylor(h, pts + (p0 + i) * d, 1, g->problem);
                wb_pinn_initial_taylor(u0, pts + (p0 + i) * d, 1, g->problem);
                N = u0[0] + h[0] * N;
            }
            u[p0 + i] = N;
        }
    }
    return WB_OK;
}
