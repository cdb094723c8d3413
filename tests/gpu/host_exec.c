/* tests/gpu: the plain-C executor of the GPU PINN driver (see host_exec.h). */
#define _POSIX_C_SOURCE 200809L
#include "host_exec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WB_HD

#include "wavebench/gpu_pinn_elem.h"

/* ctx is a pointer to the precision (int). */
#define PREC(ctx) (*(const int *)(ctx))

double host_get(const void *src, int64_t i, int prec)
{
    return prec == WB_FP32 ? (double)((const float *)src)[i] : ((const double *)src)[i];
}

static void set(void *dst, int64_t i, double v, int prec)
{
    if (prec == WB_FP32)
        ((float *)dst)[i] = (float)v;
    else
        ((double *)dst)[i] = v;
}

void host_put(void *dst, const double *src, int64_t n, int prec)
{
    for (int64_t i = 0; i < n; i++)
        set(dst, i, src[i], prec);
}

static int ex_zero(void *ctx, void *p, int64_t bytes, struct wb_error *err)
{
    (void)ctx;
    (void)err;
    memset(p, 0, (size_t)bytes);
    return WB_OK;
}

/* cuBLAS gemm: C = alpha op(A) op(B) + beta C, column-major; beta 0 does not read C. */
static int ex_gemm(void *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha,
                   const void *A, int64_t lda, const void *B, int64_t ldb, double beta, void *C,
                   int64_t ldc, struct wb_error *err)
{
    (void)err;
    int prec = PREC(ctx);
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < m; i++) {
            double s = 0;
            for (int64_t l = 0; l < k; l++)
                s += host_get(A, ta ? l + i * lda : i + l * lda, prec) *
                     host_get(B, tb ? j + l * ldb : l + j * ldb, prec);
            double c = alpha * s;
            if (beta != 0)
                c += beta * host_get(C, i + j * ldc, prec);
            set(C, i + j * ldc, c, prec);
        }
    return WB_OK;
}

/* cuBLAS gemv: y = alpha op(A) x + beta y, A m x n column-major. */
static int ex_gemv(void *ctx, bool ta, int64_t m, int64_t n, double alpha, const void *A,
                   int64_t lda, const void *x, double beta, void *y, struct wb_error *err)
{
    (void)err;
    int prec = PREC(ctx);
    int64_t ny = ta ? n : m, nx = ta ? m : n;
    for (int64_t i = 0; i < ny; i++) {
        double s = 0;
        for (int64_t l = 0; l < nx; l++)
            s += host_get(A, ta ? l + i * lda : i + l * lda, prec) * host_get(x, l, prec);
        double v = alpha * s;
        if (beta != 0)
            v += beta * host_get(y, i, prec);
        set(y, i, v, prec);
    }
    return WB_OK;
}

static int ex_inputs(void *ctx, void *xin, const void *x, const struct wb_pinn_layout *L, int d,
                     struct wb_error *err)
{
    (void)err;
    for (int64_t p = 0; p < L->nv; p++)
        if (PREC(ctx) == WB_FP32)
            wb_el_inputs_f32(xin, x, L, d, p);
        else
            wb_el_inputs_f64(xin, x, L, d, p);
    return WB_OK;
}

static int ex_tanh_fwd(void *ctx, void *a, const void *z, const void *b,
                       const struct wb_pinn_layout *L, int d, int w, struct wb_error *err)
{
    (void)err;
    for (int64_t p = 0; p < L->nv; p++)
        for (int j = 0; j < w; j++)
            if (PREC(ctx) == WB_FP32)
                wb_el_tanh_fwd_f32(a, z, b, L, d, w, p, j);
            else
                wb_el_tanh_fwd_f64(a, z, b, L, d, w, p, j);
    return WB_OK;
}

static int ex_tanh_bwd(void *ctx, void *z, const void *g, const void *a,
                       const struct wb_pinn_layout *L, int d, int w, struct wb_error *err)
{
    (void)err;
    for (int64_t p = 0; p < L->nv; p++)
        for (int j = 0; j < w; j++)
            if (PREC(ctx) == WB_FP32)
                wb_el_tanh_bwd_f32(z, g, a, L, d, w, p, j);
            else
                wb_el_tanh_bwd_f64(z, g, a, L, d, w, p, j);
    return WB_OK;
}

static int ex_out_bias(void *ctx, void *out, const void *b, int64_t nv, struct wb_error *err)
{
    (void)err;
    int prec = PREC(ctx);
    for (int64_t p = 0; p < nv; p++)
        set(out, p, host_get(out, p, prec) + host_get(b, 0, prec), prec);
    return WB_OK;
}

static int ex_loss(void *ctx, double *acc, void *dout, const void *out, const void *coef,
                   const void *r0, const void *u0, const struct wb_pinn_layout *L, int d,
                   const double scale[WB_PINN_NTERMS], struct wb_error *err)
{
    (void)err;
    for (int64_t p = 0; p < L->nv; p++) {
        double s[4];
        if (PREC(ctx) == WB_FP32)
            wb_el_loss_f32(s, dout, out, coef, r0, u0, L, d, p, scale);
        else
            wb_el_loss_f64(s, dout, out, coef, r0, u0, L, d, p, scale);
        for (int i = 0; i < 4; i++)
            acc[i] += s[i];
    }
    return WB_OK;
}

static int ex_out_grad(void *ctx, void *g, const void *dout, const void *wout, int64_t rows,
                       int w, struct wb_error *err)
{
    (void)err;
    int prec = PREC(ctx);
    for (int64_t r = 0; r < rows; r++)
        for (int j = 0; j < w; j++) {
            /* the kernel's product, in the model precision */
            if (prec == WB_FP32)
                ((float *)g)[r * w + j] = ((const float *)dout)[r] * ((const float *)wout)[j];
            else
                ((double *)g)[r * w + j] = ((const double *)dout)[r] * ((const double *)wout)[j];
        }
    return WB_OK;
}

static int ex_terms(void *ctx, void *tail, double *acc, const int64_t count[WB_PINN_NTERMS],
                    struct wb_error *err)
{
    (void)err;
    for (int i = 0; i < WB_PINN_NTERMS; i++) {
        acc[i] = count[i] > 0 ? acc[i] / (double)count[i] : 0.0;
        set(tail, i, acc[i], PREC(ctx));
    }
    return WB_OK;
}

const struct wb_pinn_exec host_exec_ops = {NULL, ex_zero, ex_gemm, ex_gemv, ex_inputs, ex_tanh_fwd,
                                           ex_tanh_bwd, ex_out_bias, ex_loss, ex_out_grad, ex_terms};

void host_adam(int prec, void *p, void *m, void *v, const void *g, int64_t n, double lr,
               double beta1, double beta2, double eps, double bc1, double bc2)
{
    for (int64_t i = 0; i < n; i++)
        if (prec == WB_FP32)
            wb_el_adam_f32(p, m, v, g, i, (float)beta1, (float)beta2, (float)eps, (float)(1.0 / bc1),
                           (float)(1.0 / bc2), (float)lr);
        else
            wb_el_adam_f64(p, m, v, g, i, beta1, beta2, eps, 1.0 / bc1, 1.0 / bc2, lr);
}

int host_model_create(struct host_model *h, const struct wb_pinn_model *m, int64_t tile)
{
    memset(h, 0, sizeof *h);
    struct wb_pinn_drv *D = &h->D;
    int d = m->d, nc = 1 + 2 * d;
    size_t rs = m->precision == WB_FP32 ? 4 : 8;
    D->precision = h->prec = m->precision;
    D->d = d;
    D->width = m->width;
    D->depth = m->depth;
    D->hard = m->hard;
    D->n_params = m->n_params;
    D->tile = tile;
    h->problem = m->problem;
    int64_t nv = m->cap.interior + m->cap.initial + m->cap.boundary, w = m->width;
    int64_t rows = wb_pinn_tile_rows(tile < nv ? tile : nv, d);
    int64_t sizes[] = {m->n_params, m->n_params + WB_PINN_NTERMS, nv * d, m->cap.interior * nc,
                       m->cap.interior, m->cap.initial + 1, rows * d, rows * w, rows, rows, rows};
    int64_t total = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        total += sizes[i];
    total += (2 * (int64_t)m->depth) * rows * w;
    h->mem = calloc((size_t)total * rs + WB_PINN_NTERMS * sizeof(double), 1);
    if (!h->mem)
        return -1;
    char *c = h->mem;
    void **slots[] = {&D->params, &D->grads, &D->x, &D->coef, &D->r0, &D->u0, &D->xin, &D->g,
                      &D->out, &D->dout, &D->ones};
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        *slots[i] = c;
        c += sizes[i] * (int64_t)rs;
    }
    for (int l = 0; l < m->depth; l++) {
        D->a[l] = c;
        c += rows * w * (int64_t)rs;
        D->z[l] = c;
        c += rows * w * (int64_t)rs;
    }
    D->acc = (double *)c;
    for (int64_t i = 0; i < rows; i++)
        set(D->ones, i, 1.0, h->prec);
    memcpy(D->params, m->params, (size_t)m->n_params * rs);
    h->E = host_exec_ops;
    h->E.ctx = &h->prec;
    return 0;
}

void host_model_free(struct host_model *h)
{
    free(h->mem);
    h->mem = NULL;
}

int host_model_sample(struct host_model *h, uint64_t seed, uint64_t epoch,
                      const struct wb_pinn_counts *global, int rank, int nranks)
{
    struct wb_pinn_drv *D = &h->D;
    int d = D->d, nc = 1 + 2 * d;
    const int64_t gc[3] = {global->interior, global->initial, global->boundary};
    int64_t first[3], count[3], total = 0;
    for (int k = 0; k < 3; k++) {
        wb_pinn_share(&first[k], &count[k], gc[k], rank, nranks);
        total += count[k];
    }
    double *pts = malloc(sizeof(double) * (size_t)(total * d + count[0] * (nc + 1) + count[1] + 1));
    if (!pts)
        return -1;
    double *cursor = pts;
    for (int k = 0; k < 3; k++) {
        wb_pinn_sample(cursor, h->problem, k, seed, epoch, first[k], count[k]);
        cursor += count[k] * d;
    }
    D->local = (struct wb_pinn_counts){count[0], count[1], count[2]};
    D->global = *global;
    if (D->hard) {
        D->local.initial = D->local.boundary = 0;
        D->global.initial = D->global.boundary = 0;
    }
    int64_t ni = D->local.interior, n0 = D->local.initial, nb = D->local.boundary;
    double *coef = pts + total * d, *r0 = coef + ni * nc, *u0 = r0 + ni;
    host_put(D->x, pts, (ni + n0 + nb) * d, h->prec);
    wb_gpu_pinn_drv_constants(coef, r0, pts, ni, u0, pts + ni * d, n0, h->problem, D->hard);
    host_put(D->coef, coef, ni * nc, h->prec);
    host_put(D->r0, r0, ni, h->prec);
    host_put(D->u0, u0, n0, h->prec);
    free(pts);
    return 0;
}
