/* wavebench PINN kernels, written once for both precisions.
 *
 * Included by mlp.c once per precision, after it defines REAL (float or double),
 * FN(name) (a name suffixed by precision), GEMM and GEMV (cblas_?gemm, cblas_?gemv)
 * and TANH (fast_tanhf or fast_tanh). No include guard on purpose.
 *
 * Row layout of every activation matrix [rows][width] (struct layout): value
 * rows of all points first (interior, initial, boundary), then per input k the
 * first-derivative rows f[k] (interior points; for time also the initial
 * points), then per input k the second-derivative rows s[k] (interior points).
 * Row f[k] + p and row s[k] + p belong to the point of value row p, so one GEMM
 * per layer covers every (channel, point) row. */

/* Rows of derivative channel blocks of point p: how many inputs have first
 * (and second) derivative rows, and which input the first one is. */
static inline void FN(point_channels)(int *k0, int *k1, int *nsecond, const struct layout *L, int64_t p,
                                      int d)
{
    if (p < L->ni) {
        *k0 = 0; *k1 = d; *nsecond = d;
    } else if (p < L->ni + L->n0) {
        *k0 = d - 1; *k1 = d; *nsecond = 0;
    } else {
        *k0 = 0; *k1 = 0; *nsecond = 0;
    }
}

/* tanh layer with its Taylor chain rule, in place of the pre-activations' rows.
 * Layer 0 (z == NULL) computes z0 = W0 x + b from the inputs x [nv][d] and uses
 * the constant derivative rows z_k = W0[:,k], z_kk = 0 (the inputs' Taylor
 * channels are e_k and 0). Other layers read z [rows][w] (no bias yet).
 * a: [rows][w] output activations. w0t: [d][w] layer 0's weights transposed. */
static void FN(tanh_forward)(REAL *a, const REAL *z, const REAL *x, const REAL *w0t, const REAL *b,
                             const struct layout *L, int d, int w, REAL *tmp)
{
    REAL *sp = tmp, *spp = tmp + w, *zrow = tmp + 2 * w, *zero = tmp + 3 * w;
    for (int j = 0; j < w; j++)
        zero[j] = 0;
    for (int64_t p = 0; p < L->nv; p++) {
        const REAL *z0 = zrow;
        if (z) {
            z0 = z + p * w;
        } else {
            for (int j = 0; j < w; j++) {
                REAL acc = b[j];
                for (int k = 0; k < d; k++)
                    acc += w0t[k * w + j] * x[p * d + k];
                zrow[j] = acc;
            }
        }
        const REAL *bias = z ? b : zero; /* layer 0 has its bias in zrow already */
        REAL *a0 = a + p * w;
        for (int j = 0; j < w; j++) {
            REAL s = TANH(z0[j] + bias[j]);
            a0[j] = s;
            sp[j] = 1 - s * s;
            spp[j] = -2 * s * sp[j];
        }
        int k0, k1, ns;
        FN(point_channels)(&k0, &k1, &ns, L, p, d);
        for (int k = k0; k < k1; k++) {
            const REAL *zk = z ? z + (L->f[k] + p) * w : w0t + k * w;
            REAL *ak = a + (L->f[k] + p) * w;
            for (int j = 0; j < w; j++)
                ak[j] = sp[j] * zk[j];
            if (ns == 0)
                continue;
            const REAL *zkk = z ? z + (L->s[k] + p) * w : zero;
            REAL *akk = a + (L->s[k] + p) * w;
            for (int j = 0; j < w; j++)
                akk[j] = spp[j] * zk[j] * zk[j] + sp[j] * zkk[j];
        }
    }
}

/* Reverse of tanh_forward. g: [rows][w] gradient w.r.t. a. Layers > 0 write
 * the gradient w.r.t. the pre-activations into z in place (dz: [rows][w]) and
 * add the bias gradient to db. Layer 0 (z == NULL) instead adds straight into
 * dw0t [d][w] (transposed) and db, since its inputs' channels are x, e_k, 0. */
static void FN(tanh_backward)(REAL *z, REAL *dw0t, REAL *db, const REAL *g, const REAL *a,
                              const REAL *x, const REAL *w0t, const struct layout *L, int d, int w,
                              REAL *tmp)
{
    REAL *sp = tmp, *spp = tmp + w, *sppp = tmp + 2 * w, *acc = tmp + 3 * w, *zero = tmp + 4 * w;
    REAL *dzscr = tmp + 5 * w; /* [2d][w] layer 0's per-point derivative-row gradients */
    for (int j = 0; j < w; j++)
        zero[j] = 0;
    for (int64_t p = 0; p < L->nv; p++) {
        const REAL *a0 = a + p * w, *g0 = g + p * w;
        for (int j = 0; j < w; j++) {
            REAL s = a0[j];
            sp[j] = 1 - s * s;
            spp[j] = -2 * s * sp[j];
            sppp[j] = -2 * (sp[j] * sp[j] + s * spp[j]);
            acc[j] = sp[j] * g0[j];
        }
        int k0, k1, ns;
        FN(point_channels)(&k0, &k1, &ns, L, p, d);
        for (int k = k0; k < k1; k++) {
            const REAL *zk = z ? z + (L->f[k] + p) * w : w0t + k * w;
            const REAL *gk = g + (L->f[k] + p) * w;
            REAL *dzk = z ? z + (L->f[k] + p) * w : dzscr + k * w;
            if (ns == 0) {
                for (int j = 0; j < w; j++) {
                    REAL zkj = zk[j];
                    acc[j] += spp[j] * zkj * gk[j];
                    dzk[j] = sp[j] * gk[j];
                }
            } else {
                const REAL *zkk = z ? z + (L->s[k] + p) * w : zero;
                const REAL *gkk = g + (L->s[k] + p) * w;
                REAL *dzkk = z ? z + (L->s[k] + p) * w : dzscr + (d + k) * w;
                for (int j = 0; j < w; j++) {
                    REAL zkj = zk[j], zkkj = zkk[j], gkj = gk[j], gkkj = gkk[j];
                    acc[j] += spp[j] * zkj * gkj + (sppp[j] * zkj * zkj + spp[j] * zkkj) * gkkj;
                    dzk[j] = sp[j] * gkj + 2 * spp[j] * zkj * gkkj;
                    dzkk[j] = sp[j] * gkkj;
                }
            }
        }
        for (int j = 0; j < w; j++)
            db[j] += acc[j];
        if (z) {
            REAL *dz0 = z + p * w;
            for (int j = 0; j < w; j++)
                dz0[j] = acc[j];
        } else {
            /* z0 = W0 x + b and z_k = W0[:,k]: dW0[:,k] += dz0 x_k + dz_k */
            for (int k = 0; k < d; k++) {
                REAL xk = x[p * d + k];
                REAL *dwk = dw0t + k * w;
                if (k >= k0 && k < k1) {
                    const REAL *dzk = dzscr + k * w;
                    for (int j = 0; j < w; j++)
                        dwk[j] += acc[j] * xk + dzk[j];
                } else {
                    for (int j = 0; j < w; j++)
                        dwk[j] += acc[j] * xk;
                }
            }
        }
    }
}

/* Forward over layout L: activations ws->a[l] for every hidden layer and the
 * network output per row in ws->out [rows]. x: [nv][d] inputs. */
static void FN(forward)(struct wb_pinn_model *m, const struct layout *L, const REAL *x)
{
    struct wb_pinn_ws *ws = m->ws;
    int d = m->d, w = m->width;
    const REAL *par = m->params;
    REAL *tmp = ws->tmp;
    REAL *w0t = tmp + WB_TMP_W0T * w;
    for (int k = 0; k < d; k++)
        for (int j = 0; j < w; j++)
            w0t[k * w + j] = par[j * d + k];
    FN(tanh_forward)(ws->a[0], NULL, x, w0t, par + w * d, L, d, w, tmp);
    const REAL *wl = par + w * (d + 1);
    for (int l = 1; l < m->depth; l++) {
        GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)L->rows, w, w, 1, ws->a[l - 1], w, wl, w, 0,
             ws->z[l], w);
        FN(tanh_forward)(ws->a[l], ws->z[l], NULL, NULL, wl + w * w, L, d, w, tmp);
        wl += w * (w + 1);
    }
    REAL *out = ws->out;
    GEMV(CblasRowMajor, CblasNoTrans, (int)L->rows, w, 1, ws->a[m->depth - 1], w, wl, 1, 0, out, 1);
    for (int64_t p = 0; p < L->nv; p++)
        out[p] += wl[w];
}

/* Loss terms at the training points from ws->out; with dout != NULL also the
 * gradient of the weighted loss w.r.t. every output row, dout: [rows]. */
static void FN(loss)(struct wb_pinn_model *m, double terms[WB_PINN_NTERMS], REAL *dout,
                     const double weights[WB_PINN_NTERMS])
{
    struct wb_pinn_ws *ws = m->ws;
    const struct layout *L = &ws->train;
    int d = m->d, nc = 1 + 2 * d, t = d - 1;
    const REAL *out = ws->out, *coef = ws->coef, *r0 = ws->r0, *u0 = ws->u0;
    double inv[WB_PINN_KIND_COUNT] = {0, 0, 0};
    if (m->global.interior > 0) inv[WB_PINN_INTERIOR] = 1.0 / (double)m->global.interior;
    if (m->global.initial > 0) inv[WB_PINN_INITIAL] = 1.0 / (double)m->global.initial;
    if (m->global.boundary > 0) inv[WB_PINN_BOUNDARY] = 1.0 / (double)m->global.boundary;
    double g_pde = 0, g_ic = 0, g_ict = 0, g_bc = 0;
    if (dout) {
        g_pde = 2 * weights[WB_PINN_PDE] * inv[WB_PINN_INTERIOR];
        g_ic = 2 * weights[WB_PINN_IC] * inv[WB_PINN_INITIAL];
        g_ict = 2 * weights[WB_PINN_ICT] * inv[WB_PINN_INITIAL];
        g_bc = 2 * weights[WB_PINN_BC] * inv[WB_PINN_BOUNDARY];
    }
    double sum[WB_PINN_NTERMS] = {0, 0, 0, 0};
    for (int64_t p = 0; p < L->ni; p++) {
        const REAL *c = coef + p * nc;
        double r = (double)r0[p] + (double)c[0] * out[p];
        for (int k = 0; k < d; k++)
            r += (double)c[1 + k] * out[L->f[k] + p] + (double)c[1 + d + k] * out[L->s[k] + p];
        sum[WB_PINN_PDE] += r * r;
        if (dout) {
            double dr = g_pde * r;
            dout[p] = (REAL)(c[0] * dr);
            for (int k = 0; k < d; k++) {
                dout[L->f[k] + p] = (REAL)(c[1 + k] * dr);
                dout[L->s[k] + p] = (REAL)(c[1 + d + k] * dr);
            }
        }
    }
    for (int64_t q = 0; q < L->n0; q++) {
        int64_t p = L->ni + q;
        double e = (double)out[p] - u0[q], ut = out[L->f[t] + p];
        sum[WB_PINN_IC] += e * e;
        sum[WB_PINN_ICT] += ut * ut;
        if (dout) {
            dout[p] = (REAL)(g_ic * e);
            dout[L->f[t] + p] = (REAL)(g_ict * ut);
        }
    }
    for (int64_t q = 0; q < L->nb; q++) {
        int64_t p = L->ni + L->n0 + q;
        double u = out[p];
        sum[WB_PINN_BC] += u * u;
        if (dout)
            dout[p] = (REAL)(g_bc * u);
    }
    terms[WB_PINN_PDE] = sum[WB_PINN_PDE] * inv[WB_PINN_INTERIOR];
    terms[WB_PINN_IC] = sum[WB_PINN_IC] * inv[WB_PINN_INITIAL];
    terms[WB_PINN_ICT] = sum[WB_PINN_ICT] * inv[WB_PINN_INITIAL];
    terms[WB_PINN_BC] = sum[WB_PINN_BC] * inv[WB_PINN_BOUNDARY];
}

/* Backward from ws->dout [rows] through the network into m->grads (overwritten). */
static void FN(backward)(struct wb_pinn_model *m)
{
    struct wb_pinn_ws *ws = m->ws;
    const struct layout *L = &ws->train;
    int d = m->d, w = m->width, depth = m->depth;
    int64_t rows = L->rows;
    const REAL *par = m->params;
    REAL *grad = m->grads, *g = ws->g, *dout = ws->dout, *tmp = ws->tmp;
    for (int64_t i = 0; i < m->n_params; i++)
        grad[i] = 0;
    int64_t off = w * (d + 1) + (int64_t)(depth - 1) * w * (w + 1); /* output layer */
    const REAL *wout = par + off;
    const REAL *atop = ws->a[depth - 1];
    GEMV(CblasRowMajor, CblasTrans, (int)rows, w, 1, atop, w, dout, 1, 0, grad + off, 1);
    REAL dbout = 0;
    for (int64_t p = 0; p < L->nv; p++)
        dbout += dout[p];
    grad[off + w] = dbout;
    for (int64_t r = 0; r < rows; r++)
        for (int j = 0; j < w; j++)
            g[r * w + j] = dout[r] * wout[j];
    for (int l = depth - 1; l >= 1; l--) {
        off -= w * (w + 1);
        const REAL *wl = par + off;
        FN(tanh_backward)(ws->z[l], NULL, grad + off + w * w, g, ws->a[l], NULL, NULL, L, d, w, tmp);
        GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, w, w, (int)rows, 1, ws->z[l], w, ws->a[l - 1], w, 0,
             grad + off, w);
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, w, w, 1, ws->z[l], w, wl, w, 0, g, w);
    }
    REAL *w0t = tmp + WB_TMP_W0T * w, *dw0t = tmp + WB_TMP_DW0T * w;
    for (int k = 0; k < d; k++)
        for (int j = 0; j < w; j++) {
            w0t[k * w + j] = par[j * d + k];
            dw0t[k * w + j] = 0;
        }
    FN(tanh_backward)(NULL, dw0t, grad + w * d, g, ws->a[0], ws->x, w0t, L, d, w, tmp);
    for (int k = 0; k < d; k++)
        for (int j = 0; j < w; j++)
            grad[j * d + k] = dw0t[k * w + j];
}
