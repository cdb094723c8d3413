/* wavebench GPU PINN driver: one loss and gradient as GEMMs plus fused kernels, against an
 * abstract executor (gpu_pinn_driver.h); no CUDA here, so the tests run it on the CPU. */
#include "wavebench/gpu_pinn_driver.h"

#include <string.h>

#define NT WB_PINN_NTERMS

void wb_pinn_tile_split(int64_t *ni, int64_t *i0, int64_t *n0, int64_t *q0, int64_t *nb,
                        int64_t p0, int64_t p1, int64_t ni_all, int64_t n0_all)
{
    int64_t a = p0 < ni_all ? p0 : ni_all, b = p1 < ni_all ? p1 : ni_all; /* interior [a, b) */
    int64_t e0 = ni_all + n0_all;
    int64_t c = p0 < e0 ? (p0 > ni_all ? p0 : ni_all) : e0; /* initial [c, e) */
    int64_t e = p1 < e0 ? (p1 > ni_all ? p1 : ni_all) : e0;
    *ni = b - a;
    *i0 = a;
    *n0 = e - c;
    *q0 = c - ni_all;
    *nb = (p1 - p0) - (b - a) - (e - c);
}

int64_t wb_pinn_tile_rows(int64_t tile, int d)
{
    return tile * (1 + 2 * d);
}

/* Element i of a buffer of the driver's precision. */
static const void *at(const struct wb_pinn_drv *D, const void *p, int64_t i)
{
    return (const char *)p + i * (D->precision == WB_FP32 ? 4 : 8);
}

static void *at_mut(const struct wb_pinn_drv *D, void *p, int64_t i)
{
    return (char *)p + i * (D->precision == WB_FP32 ? 4 : 8);
}

/* Parameter offsets: layer l's W then b (pinn.h); l == depth is the output layer. */
static int64_t layer_offset(const struct wb_pinn_drv *D, int l)
{
    int64_t w = D->width;
    return l == 0 ? 0 : w * (D->d + 1) + (int64_t)(l - 1) * w * (w + 1);
}

int wb_gpu_pinn_drv_forward(const struct wb_pinn_exec *E, const struct wb_pinn_drv *D,
                        const struct wb_pinn_layout *L, const void *x, struct wb_error *err)
{
    int d = D->d, w = D->width, st;
    int64_t rows = L->rows;
    if ((st = E->inputs(E->ctx, D->xin, x, L, d, err)) != WB_OK)
        return st;
    for (int l = 0; l < D->depth; l++) {
        int64_t in = l == 0 ? d : w, off = layer_offset(D, l);
        const void *prev = l == 0 ? D->xin : D->a[l - 1];
        /* Z_l (w x rows) = W_l (w x in) A_{l-1} (in x rows); W_l stored as W^T (in x w) */
        if ((st = E->gemm(E->ctx, true, false, w, rows, in, 1.0, at(D, D->params, off), in, prev,
                          in, 0.0, D->z[l], w, err)) != WB_OK ||
            (st = E->tanh_fwd(E->ctx, D->a[l], D->z[l], at(D, D->params, off + in * w), L, d, w,
                              err)) != WB_OK)
            return st;
    }
    int64_t off = layer_offset(D, D->depth);
    /* out (rows) = A^T wout, then the output bias on value rows */
    if ((st = E->gemv(E->ctx, true, w, rows, 1.0, D->a[D->depth - 1], w, at(D, D->params, off), 0.0,
                      D->out, err)) != WB_OK)
        return st;
    return E->out_bias(E->ctx, D->out, at(D, D->params, off + w), L->nv, err);
}

/* Backward of one tile from D->dout, adding into D->grads. */
static int backward(const struct wb_pinn_exec *E, const struct wb_pinn_drv *D,
                    const struct wb_pinn_layout *L, struct wb_error *err)
{
    int d = D->d, w = D->width, depth = D->depth, st;
    int64_t rows = L->rows, off = layer_offset(D, depth);
    void *grad = D->grads;
    /* output layer: dwout += A dout; dbout += sum of dout over value rows; G = dout wout^T */
    if ((st = E->gemv(E->ctx, false, w, rows, 1.0, D->a[depth - 1], w, D->dout, 1.0,
                      at_mut(D, grad, off), err)) != WB_OK ||
        (st = E->gemv(E->ctx, false, 1, L->nv, 1.0, D->dout, 1, D->ones, 1.0,
                      at_mut(D, grad, off + w), err)) != WB_OK ||
        (st = E->out_grad(E->ctx, D->g, D->dout, at(D, D->params, off), rows, w, err)) != WB_OK)
        return st;
    for (int l = depth - 1; l >= 0; l--) {
        int64_t in = l == 0 ? d : w;
        off = layer_offset(D, l);
        const void *prev = l == 0 ? D->xin : D->a[l - 1];
        /* dZ_l in place of Z_l; db_l += dZ_l's value rows summed; dW_l^T += A_{l-1} dZ_l^T */
        if ((st = E->tanh_bwd(E->ctx, D->z[l], D->g, D->a[l], L, d, w, err)) != WB_OK ||
            (st = E->gemv(E->ctx, false, w, L->nv, 1.0, D->z[l], w, D->ones, 1.0,
                          at_mut(D, grad, off + in * w), err)) != WB_OK ||
            (st = E->gemm(E->ctx, false, true, in, w, rows, 1.0, prev, in, D->z[l], w, 1.0,
                          at_mut(D, grad, off), in, err)) != WB_OK)
            return st;
        /* G (w x rows) = W_l^T-stored (in x w) dZ_l: the gradient w.r.t. A_{l-1} */
        if (l > 0 && (st = E->gemm(E->ctx, false, false, in, rows, w, 1.0, at(D, D->params, off),
                                   in, D->z[l], w, 0.0, D->g, in, err)) != WB_OK)
            return st;
    }
    return WB_OK;
}

int wb_gpu_pinn_drv_loss_grad(const struct wb_pinn_exec *E, const struct wb_pinn_drv *D, bool grad,
                          const double weights[WB_PINN_NTERMS], struct wb_error *err)
{
    int d = D->d, nc = 1 + 2 * d, st;
    int64_t ni = D->local.interior, n0 = D->local.initial, nv = ni + n0 + D->local.boundary;
    const int64_t gc[NT] = {D->global.interior, D->global.initial, D->global.initial,
                            D->global.boundary};
    double scale[NT];
    for (int i = 0; i < NT; i++)
        scale[i] = gc[i] > 0 ? weights[i] / (double)gc[i] : 0.0;
    if ((st = E->zero(E->ctx, D->acc, NT * (int64_t)sizeof(double), err)) != WB_OK)
        return st;
    if (grad && (st = E->zero(E->ctx, D->grads,
                              D->n_params * (D->precision == WB_FP32 ? 4 : 8), err)) != WB_OK)
        return st;
    for (int64_t p0 = 0; p0 < nv; p0 += D->tile) {
        int64_t p1 = p0 + D->tile < nv ? p0 + D->tile : nv;
        int64_t tni, i0, tn0, q0, tnb;
        wb_pinn_tile_split(&tni, &i0, &tn0, &q0, &tnb, p0, p1, ni, n0);
        struct wb_pinn_layout L;
        wb_pinn_layout_make(&L, tni, tn0, tnb, d);
        if ((st = wb_gpu_pinn_drv_forward(E, D, &L, at(D, D->x, p0 * d), err)) != WB_OK ||
            (st = E->loss(E->ctx, D->acc, grad ? D->dout : NULL, D->out, at(D, D->coef, i0 * nc),
                          at(D, D->r0, i0), at(D, D->u0, q0), &L, d, scale, err)) != WB_OK)
            return st;
        if (grad && (st = backward(E, D, &L, err)) != WB_OK)
            return st;
    }
    return E->terms(E->ctx, at_mut(D, D->grads, D->n_params), D->acc, gc, err);
}

void wb_gpu_pinn_drv_constants(double *coef, double *r0, const double *interior, int64_t n,
                           double *u0, const double *initial, int64_t n0, int problem,
                           bool hard)
{
    /* As wb_pinn_model_set_points (mlp.c): r = sum_k sigma_k u_kk, sigma = -c^2 (space),
     * 1 (time); with u = u0 + h N the product rule makes r linear in N's channels. */
    int d = wb_pinn_dim(problem), nc = 1 + 2 * d;
    double c2 = wb_pinn_speed(problem) * wb_pinn_speed(problem);
    for (int64_t p = 0; p < n; p++) {
        double h[WB_PINN_MAX_CHANNELS], u[WB_PINN_MAX_CHANNELS], c[WB_PINN_MAX_CHANNELS] = {0};
        double r = 0.0;
        if (hard) {
            wb_pinn_ansatz_taylor(h, interior + p * d, 1, problem);
            wb_pinn_initial_taylor(u, interior + p * d, 1, problem);
        }
        for (int k = 0; k < d; k++) {
            double sigma = k == d - 1 ? 1.0 : -c2;
            if (hard) {
                r += sigma * u[1 + d + k];
                c[0] += sigma * h[1 + d + k];
                c[1 + k] = 2 * sigma * h[1 + k];
                c[1 + d + k] = sigma * h[0];
            } else {
                c[1 + d + k] = sigma;
            }
        }
        memcpy(coef + p * nc, c, sizeof(double) * (size_t)nc);
        r0[p] = r;
    }
    for (int64_t q = 0; q < n0; q++) {
        double u[WB_PINN_MAX_CHANNELS];
        wb_pinn_initial_taylor(u, initial + q * d, 1, problem);
        u0[q] = u[0];
    }
}
