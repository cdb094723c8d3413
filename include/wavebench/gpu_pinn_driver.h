/* wavebench GPU PINN driver: the sequence of GEMMs and fused kernels of one loss and
 * gradient, written once against an abstract executor (struct wb_pinn_exec), so the same
 * code drives cuBLAS and the CUDA kernels (src/cuda/gpu_pinn.c) and a plain-C executor
 * in the tests (tests/gpu/), which checks it against the CPU backend without a GPU.
 *
 * Matrices are column-major, as cuBLAS wants them. An activation matrix of a tile is
 * [rows][w] row-major, i.e. column-major w x rows with leading dimension w; row r is the
 * Taylor channel of one point (struct wb_pinn_layout: value rows of all points first,
 * then per input k the first-derivative rows f[k], then the second-derivative rows s[k],
 * the same row order as the CPU backend). Weights W[out][in] row-major are, read
 * column-major, W^T (in x out, ld in), so z = W a is gemm(T, N).
 *
 * Layer 0 is an ordinary layer over an input matrix Xin [rows][d]: value rows hold the
 * point, first-derivative rows of input k hold e_k, second-derivative rows hold 0 (the
 * inputs' Taylor channels). Then z_k = W0 e_k = W0[:,k] and z_kk = 0, exactly the CPU's
 * special-cased layer 0, and its weight gradient is one gemm, Xin dZ^T. */
#ifndef WB_GPU_PINN_DRIVER_H
#define WB_GPU_PINN_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "wavebench/pinn.h"

#define WB_PINN_GPU_MAX_DEPTH 64

/* struct wb_pinn_layout and wb_pinn_layout_make: pinn.h (shared with the CPU model). */

/* Splits points [p0, p1) of the concatenation interior (ni_all) | initial (n0_all) |
 * boundary into its kinds, as the CPU's loss_grad does: ni interior points from
 * *i0, n0 initial points from *q0 (index among the initial points), nb boundary points. */
void wb_pinn_tile_split(int64_t *ni, int64_t *i0, int64_t *n0, int64_t *q0, int64_t *nb,
                        int64_t p0, int64_t p1, int64_t ni_all, int64_t n0_all);

/* Rows of the largest tile of `tile` points with d inputs (all interior: 1 + 2d each). */
int64_t wb_pinn_tile_rows(int64_t tile, int d);

/* The operations the driver needs. Every function returns WB_OK or a status with a
 * message in err; pointers are the executor's (device memory for CUDA). Element types
 * are the driver's precision (ctx knows it), except acc and terms (double). */
struct wb_pinn_exec {
    void *ctx;
    /* bytes of zeros at p */
    int (*zero)(void *ctx, void *p, int64_t bytes, struct wb_error *err);
    /* C = alpha op(A) op(B) + beta C, column-major, cuBLAS's gemm contract */
    int (*gemm)(void *ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha,
                const void *A, int64_t lda, const void *B, int64_t ldb, double beta, void *C,
                int64_t ldc, struct wb_error *err);
    /* y = alpha op(A) x + beta y, A m x n column-major, unit strides: cuBLAS's gemv */
    int (*gemv)(void *ctx, bool ta, int64_t m, int64_t n, double alpha, const void *A,
                int64_t lda, const void *x, double beta, void *y, struct wb_error *err);
    /* Xin [rows][d] of the tile from its points x [nv][d] */
    int (*inputs)(void *ctx, void *xin, const void *x, const struct wb_pinn_layout *L, int d,
                  struct wb_error *err);
    /* a = tanh Taylor chain rule of z (+ bias b [w] on value rows); a, z: [rows][w] */
    int (*tanh_fwd)(void *ctx, void *a, const void *z, const void *b,
                    const struct wb_pinn_layout *L, int d, int w, struct wb_error *err);
    /* z [rows][w] holds z on entry, dL/dz on return; g: dL/da, a: the activations */
    int (*tanh_bwd)(void *ctx, void *z, const void *g, const void *a,
                    const struct wb_pinn_layout *L, int d, int w, struct wb_error *err);
    /* out[p] += b[0] for value rows p < nv */
    int (*out_bias)(void *ctx, void *out, const void *b, int64_t nv, struct wb_error *err);
    /* acc[4] += the tile's term sums; dout [rows] = dL/dout when dout != NULL. coef, r0
     * start at the tile's first interior point, u0 at its first initial point. */
    int (*loss)(void *ctx, double *acc, void *dout, const void *out, const void *coef,
                const void *r0, const void *u0, const struct wb_pinn_layout *L, int d,
                const double scale[WB_PINN_NTERMS], struct wb_error *err);
    /* g [rows][w] = dout[r] * wout[j] */
    int (*out_grad)(void *ctx, void *g, const void *dout, const void *wout, int64_t rows,
                    int w, struct wb_error *err);
    /* acc[i] = acc[i] / count[i] (0 when count[i] == 0) and tail[i] = that, rounded */
    int (*terms)(void *ctx, void *tail, double *acc, const int64_t count[WB_PINN_NTERMS],
                 struct wb_error *err);
};

/* Buffers and shape of one model as the driver sees them (executor memory). */
struct wb_pinn_drv {
    int precision, d, width, depth;
    bool hard;
    int64_t n_params;
    int64_t tile;                        /* points per tile */
    struct wb_pinn_counts local, global; /* as the CPU model's (hard: interior only) */
    void *params;                        /* [n_params] */
    void *grads;                         /* [n_params + WB_PINN_NTERMS] */
    void *x;                             /* [local points][d]: interior, initial, boundary */
    void *coef;                          /* [ni][1 + 2d] residual coefficients (mlp.c) */
    void *r0;                            /* [ni] */
    void *u0;                            /* [n0] */
    void *xin;                           /* [rows][d] */
    void *a[WB_PINN_GPU_MAX_DEPTH];      /* depth x [rows][w] */
    void *z[WB_PINN_GPU_MAX_DEPTH];      /* depth x [rows][w] */
    void *g;                             /* [rows][w] */
    void *out, *dout;                    /* [rows] */
    void *ones;                          /* [rows] of 1 */
    double *acc;                         /* [WB_PINN_NTERMS] term sums, then terms */
};

/* Forward of one tile: D->a[*], D->z[*] and D->out [rows] from points x [nv][d]. */
int wb_gpu_pinn_drv_forward(const struct wb_pinn_exec *E, const struct wb_pinn_drv *D,
                        const struct wb_pinn_layout *L, const void *x, struct wb_error *err);

/* Loss terms (and with grad the gradient) over the current points, tile by tile, as the
 * CPU's wb_pinn_loss_grad: D->grads [n_params] overwritten with this rank's share of
 * the gradient of sum_i weights[i] terms[i] (grad only), D->grads' last WB_PINN_NTERMS
 * slots and D->acc with this rank's share of the terms. */
int wb_gpu_pinn_drv_loss_grad(const struct wb_pinn_exec *E, const struct wb_pinn_drv *D, bool grad,
                          const double weights[WB_PINN_NTERMS], struct wb_error *err);

/* Host-side per-point constants of the loss, as the CPU's set_points computes them:
 * coef [n][1 + 2d] and r0 [n] at interior points (double), u0 [n0] at initial points. */
void wb_gpu_pinn_drv_constants(double *coef, double *r0, const double *interior, int64_t n,
                           double *u0, const double *initial, int64_t n0, int problem,
                           bool hard);

#endif
