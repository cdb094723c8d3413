/* wavebench GPU PINN element functions, written once for both precisions and for both
 * compilers: the CUDA kernels (src/cuda/gpu_pinn_kernels.cu, nvcc) call them per thread,
 * the host executor of the tests (tests/gpu/, C) calls them in plain loops, so what the
 * tests check on the CPU is the arithmetic the GPU runs.
 *
 * Included once per precision after defining REAL (float or double), FN(name) (name
 * suffixed by precision), TANH and SQRT of REAL, and WB_HD (__host__ __device__ under
 * nvcc, empty in C). Needs struct wb_pinn_layout (gpu_pinn_driver.h). No include guard on
 * purpose. Matrices [rows][w] as in gpu_pinn_driver.h; p is a tile-local value row
 * (a point), j a column (a neuron). The formulas are the CPU's (mlp_impl.h), term for
 * term and in the same order. */

/* Which derivative rows point p has: inputs k0..k1-1 have first-derivative rows, and
 * second-derivative rows too when ns > 0 (interior: all d inputs with both; initial:
 * the time derivative only; boundary: none). */
WB_HD static inline void FN(wb_el_channels)(int *k0, int *k1, int *ns, const struct wb_pinn_layout *L,
                                            int64_t p, int d)
{
    if (p < L->ni) {
        *k0 = 0; *k1 = d; *ns = d;
    } else if (p < L->ni + L->n0) {
        *k0 = d - 1; *k1 = d; *ns = 0;
    } else {
        *k0 = 0; *k1 = 0; *ns = 0;
    }
}

/* Xin rows of point p: its coordinates, e_k on first-derivative rows, 0 on second. */
WB_HD static inline void FN(wb_el_inputs)(REAL *xin, const REAL *x, const struct wb_pinn_layout *L,
                                          int d, int64_t p)
{
    for (int k = 0; k < d; k++)
        xin[p * d + k] = x[p * d + k];
    int k0, k1, ns;
    FN(wb_el_channels)(&k0, &k1, &ns, L, p, d);
    for (int k = k0; k < k1; k++) {
        for (int c = 0; c < d; c++)
            xin[(L->f[k] + p) * d + c] = (REAL)(c == k);
        if (ns > 0)
            for (int c = 0; c < d; c++)
                xin[(L->s[k] + p) * d + c] = 0;
    }
}

/* s = tanh(z0 + b), s' = 1 - s^2, s'' = -2 s s'; a_k = s' z_k; a_kk = s'' z_k^2 + s' z_kk. */
WB_HD static inline void FN(wb_el_tanh_fwd)(REAL *a, const REAL *z, const REAL *b,
                                            const struct wb_pinn_layout *L, int d, int w,
                                            int64_t p, int j)
{
    REAL s = TANH(z[p * w + j] + b[j]);
    REAL sp = 1 - s * s;
    REAL spp = -2 * s * sp;
    a[p * w + j] = s;
    int k0, k1, ns;
    FN(wb_el_channels)(&k0, &k1, &ns, L, p, d);
    for (int k = k0; k < k1; k++) {
        REAL zk = z[(L->f[k] + p) * w + j];
        a[(L->f[k] + p) * w + j] = sp * zk;
        if (ns > 0)
            a[(L->s[k] + p) * w + j] = spp * zk * zk + sp * z[(L->s[k] + p) * w + j];
    }
}

/* The reverse of wb_el_tanh_fwd for point p, neuron j: z holds z on entry and dL/dz on
 * return (only point p's rows, column j: threads never share an element). */
WB_HD static inline void FN(wb_el_tanh_bwd)(REAL *z, const REAL *g, const REAL *a,
                                            const struct wb_pinn_layout *L, int d, int w,
                                            int64_t p, int j)
{
    REAL s = a[p * w + j];
    REAL sp = 1 - s * s;
    REAL spp = -2 * s * sp;
    REAL sppp = -2 * (sp * sp + s * spp);
    REAL acc = sp * g[p * w + j];
    int k0, k1, ns;
    FN(wb_el_channels)(&k0, &k1, &ns, L, p, d);
    for (int k = k0; k < k1; k++) {
        int64_t rf = (L->f[k] + p) * w + j;
        REAL zk = z[rf], gk = g[rf];
        if (ns == 0) {
            acc += spp * zk * gk;
            z[rf] = sp * gk;
        } else {
            int64_t rs = (L->s[k] + p) * w + j;
            REAL zkk = z[rs], gkk = g[rs];
            acc += spp * zk * gk + (sppp * zk * zk + spp * zkk) * gkk;
            z[rf] = sp * gk + 2 * spp * zk * gkk;
            z[rs] = sp * gkk;
        }
    }
    z[p * w + j] = acc;
}

/* Point p's contributions to the term sums (sum[4], double) and, with dout, the
 * gradient of the weighted loss w.r.t. its output rows. scale[i] = weights[i] / count. */
WB_HD static inline void FN(wb_el_loss)(double sum[4], REAL *dout, const REAL *out, const REAL *coef,
                                        const REAL *r0, const REAL *u0,
                                        const struct wb_pinn_layout *L, int d, int64_t p,
                                        const double *scale)
{
    int nc = 1 + 2 * d, t = d - 1;
    sum[0] = sum[1] = sum[2] = sum[3] = 0;
    if (p < L->ni) {
        const REAL *c = coef + p * nc;
        double r = (double)r0[p] + (double)c[0] * out[p];
        for (int k = 0; k < d; k++)
            r += (double)c[1 + k] * out[L->f[k] + p] + (double)c[1 + d + k] * out[L->s[k] + p];
        sum[0] = r * r;
        if (dout) {
            double dr = 2 * scale[0] * r;
            dout[p] = (REAL)(c[0] * dr);
            for (int k = 0; k < d; k++) {
                dout[L->f[k] + p] = (REAL)(c[1 + k] * dr);
                dout[L->s[k] + p] = (REAL)(c[1 + d + k] * dr);
            }
        }
    } else if (p < L->ni + L->n0) {
        int64_t q = p - L->ni;
        double e = (double)out[p] - u0[q], ut = out[L->f[t] + p];
        sum[1] = e * e;
        sum[2] = ut * ut;
        if (dout) {
            dout[p] = (REAL)(2 * scale[1] * e);
            dout[L->f[t] + p] = (REAL)(2 * scale[2] * ut);
        }
    } else {
        double u = out[p];
        sum[3] = u * u;
        if (dout)
            dout[p] = (REAL)(2 * scale[3] * u);
    }
}

/* One bias-corrected Adam update of element i, as the CPU's adam_update (adam_impl.h). */
WB_HD static inline void FN(wb_el_adam)(REAL *p, REAL *m, REAL *v, const REAL *g, int64_t i,
                                        REAL b1, REAL b2, REAL e, REAL c1, REAL c2, REAL a)
{
    REAL gi = g[i];
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    p[i] -= a * (m[i] * c1) / (SQRT(v[i] * c2) + e);
}
