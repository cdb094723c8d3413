/* wavebench PINN kernels, written once for both precisions.
 *
 * Included by mlp.c once per precision, after it defines REAL (float or double),
 * FN(name) (a name suffixed by precision), GEMM and GEMV (cblas_?gemm, cblas_?gemv),
 * TANH (fast_tanhf or fast_tanh), WB_KERNEL (attributes of the elementwise
 * kernels) and FOR_J(j) (j over the padded row length ld
 * in fixed-size blocks). No include guard on purpose.
 *
 * Row layout of every activation matrix [rows][ld] (struct layout; ld is the
 * width padded to a multiple of WB_LANES, the padding columns kept zero): value
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

/* Row kernels: restrict lets the vectoriser go without run-time alias checks. */
static inline void FN(row_tanh)(REAL *restrict a0, REAL *restrict sp, REAL *restrict spp,
                                const REAL *restrict z0, const REAL *restrict b, int ld)
{
    FOR_J(j) {
        REAL s = TANH(z0[j] + b[j]);
        a0[j] = s;
        sp[j] = 1 - s * s;
        spp[j] = -2 * s * sp[j];
    }
}

static inline void FN(row_first)(REAL *restrict ak, const REAL *restrict sp, const REAL *restrict zk, int ld)
{
    FOR_J(j) ak[j] = sp[j] * zk[j];
}

static inline void FN(row_second)(REAL *restrict akk, const REAL *restrict sp, const REAL *restrict spp,
                                  const REAL *restrict zk, const REAL *restrict zkk, int ld)
{
    FOR_J(j) akk[j] = spp[j] * zk[j] * zk[j] + sp[j] * zkk[j];
}

static inline void FN(row_axpy)(REAL *restrict y, const REAL *restrict x, REAL alpha, int ld)
{
    FOR_J(j) y[j] += alpha * x[j];
}

static inline void FN(row_derivs)(REAL *restrict sp, REAL *restrict spp, REAL *restrict sppp,
                                  REAL *restrict acc, const REAL *restrict a0, const REAL *restrict g0,
                                  int ld)
{
    FOR_J(j) {
        REAL s = a0[j];
        sp[j] = 1 - s * s;
        spp[j] = -2 * s * sp[j];
        sppp[j] = -2 * (sp[j] * sp[j] + s * spp[j]);
        acc[j] = sp[j] * g0[j];
    }
}

/* zk holds z_k on entry and dz_k on return. */
static inline void FN(row_back_first)(REAL *restrict acc, REAL *restrict zk, const REAL *restrict gk,
                                      const REAL *restrict sp, const REAL *restrict spp, int ld)
{
    FOR_J(j) {
        REAL zkj = zk[j], gkj = gk[j];
        acc[j] += spp[j] * zkj * gkj;
        zk[j] = sp[j] * gkj;
    }
}

/* zk, zkk hold z_k, z_kk on entry and dz_k, dz_kk on return. */
static inline void FN(row_back_second)(REAL *restrict acc, REAL *restrict zk, REAL *restrict zkk,
                                       const REAL *restrict gk, const REAL *restrict gkk,
                                       const REAL *restrict sp, const REAL *restrict spp,
                                       const REAL *restrict sppp, int ld)
{
    FOR_J(j) {
        REAL zkj = zk[j], zkkj = zkk[j], gkj = gk[j], gkkj = gkk[j];
        acc[j] += spp[j] * zkj * gkj + (sppp[j] * zkj * zkj + spp[j] * zkkj) * gkkj;
        zk[j] = sp[j] * gkj + 2 * spp[j] * zkj * gkkj;
        zkk[j] = sp[j] * gkkj;
    }
}

static inline void FN(row_add)(REAL *restrict y, const REAL *restrict x, int ld)
{
    FOR_J(j) y[j] += x[j];
}

static inline void FN(row_copy)(REAL *restrict y, const REAL *restrict x, int ld)
{
    FOR_J(j) y[j] = x[j];
}

/* tanh layer with its Taylor chain rule. Layer 0 (z == NULL) computes
 * z0 = W0 x + b from the inputs x [nv][d] and uses the constant derivative rows
 * z_k = W0[:,k], z_kk = 0 (the inputs' Taylor channels are e_k and 0). Other
 * layers read z [rows][ld] (no bias yet). a: [rows][ld] output activations.
 * w0t: [d][ld] layer 0's weights transposed; b: [ld] bias, zero-padded.
 * Columns w..ld-1 are padding: zero in z, b, w0t, hence zero in a. */
WB_KERNEL static void FN(tanh_forward)(REAL *a, const REAL *z, const REAL *x, const REAL *w0t,
                                       const REAL *b, const struct layout *L, int d, int ld, REAL *tmp)
{
    REAL *sp = tmp, *spp = tmp + ld, *zrow = tmp + 2 * ld, *zero = tmp + 3 * ld;
    FOR_J(j) zero[j] = 0;
    for (int64_t p = 0; p < L->nv; p++) {
        const REAL *z0 = zrow;
        if (z) {
            z0 = z + p * ld;
        } else {
            FOR_J(j) zrow[j] = 0;
            for (int k = 0; k < d; k++)
                FN(row_axpy)(zrow, w0t + k * ld, x[p * d + k], ld);
        }
        FN(row_tanh)(a + p * ld, sp, spp, z0, b, ld);
        int k0, k1, ns;
        FN(point_channels)(&k0, &k1, &ns, L, p, d);
        for (int k = k0; k < k1; k++) {
            const REAL *zk = z ? z + (L->f[k] + p) * ld : w0t + k * ld;
            FN(row_first)(a + (L->f[k] + p) * ld, sp, zk, ld);
            if (ns > 0)
                FN(row_second)(a + (L->s[k] + p) * ld, sp, spp, zk, z ? z + (L->s[k] + p) * ld : zero, ld);
        }
    }
}

/* Reverse of tanh_forward. g: [rows][ld] gradient w.r.t. a. Layers > 0 write
 * the gradient w.r.t. the pre-activations into z in place (dz: [rows][ld]).
 * Layer 0 (z == NULL) instead adds straight into dw0t [d][ld] (transposed),
 * since its inputs' channels are x, e_k, 0. Both add the bias gradient to
 * db [ld]. Padding columns stay zero (g is zero there). */
WB_KERNEL static void FN(tanh_backward)(REAL *z, REAL *dw0t, REAL *db, const REAL *g, const REAL *a,
                                        const REAL *x, const REAL *w0t, const struct layout *L, int d,
                                        int ld, REAL *tmp)
{
    REAL *sp = tmp, *spp = tmp + ld, *sppp = tmp + 2 * ld, *acc = tmp + 3 * ld;
    REAL *dzscr = tmp + 5 * ld; /* [2d][ld] layer 0's z_k, z_kk, then their gradients */
    for (int64_t p = 0; p < L->nv; p++) {
        FN(row_derivs)(sp, spp, sppp, acc, a + p * ld, g + p * ld, ld);
        int k0, k1, ns;
        FN(point_channels)(&k0, &k1, &ns, L, p, d);
        for (int k = k0; k < k1; k++) {
            REAL *zk = z ? z + (L->f[k] + p) * ld : dzscr + k * ld;
            const REAL *gk = g + (L->f[k] + p) * ld;
            if (!z)
                FN(row_copy)(zk, w0t + k * ld, ld);
            if (ns == 0) {
                FN(row_back_first)(acc, zk, gk, sp, spp, ld);
            } else {
                REAL *zkk = z ? z + (L->s[k] + p) * ld : dzscr + (d + k) * ld;
                if (!z)
                    FOR_J(j) zkk[j] = 0;
                FN(row_back_second)(acc, zk, zkk, gk, g + (L->s[k] + p) * ld, sp, spp, sppp, ld);
            }
        }
        FN(row_add)(db, acc, ld);
        if (z) {
            FN(row_copy)(z + p * ld, acc, ld);
        } else {
            /* z0 = W0 x + b and z_k = W0[:,k]: dW0[:,k] += dz0 x_k + dz_k */
            for (int k = 0; k < d; k++) {
                FN(row_axpy)(dw0t + k * ld, acc, x[p * d + k], ld);
                if (k >= k0 && k < k1)
                    FN(row_add)(dw0t + k * ld, dzscr + k * ld, ld);
            }
        }
    }
}

/* Forward over layout L: activations ws->a[l] for every hidden layer and the
 * network output per row in ws->out [rows]. x: [nv][d] inputs. */
static void FN(forward)(struct wb_pinn_model *m, const struct layout *L, const REAL *x)
{
    struct wb_pinn_ws *ws = m->ws;
    int d = m->d, w = m->width, ld = (int)ws->ld;
    const REAL *par = m->params;
    REAL *tmp = ws->tmp;
    REAL *w0t = tmp + WB_TMP_W0T * ld, *bias = tmp + WB_TMP_BIAS * ld;
    for (int k = 0; k < d; k++)
        for (int j = 0; j < w; j++)
            w0t[k * ld + j] = par[j * d + k];
    for (int j = 0; j < w; j++)
        bias[j] = par[w * d + j];
    FN(tanh_forward)(ws->a[0], NULL, x, w0t, bias, L, d, ld, tmp);
    const REAL *wl = par + w * (d + 1);
    for (int l = 1; l < m->depth; l++) {
        GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)L->rows, w, w, 1, ws->a[l - 1], ld, wl, w, 0,
             ws->z[l], ld);
        for (int j = 0; j < w; j++)
            bias[j] = wl[w * w + j];
        FN(tanh_forward)(ws->a[l], ws->z[l], NULL, NULL, bias, L, d, ld, tmp);
        wl += w * (w + 1);
    }
    REAL *out = ws->out;
    GEMV(CblasRowMajor, CblasNoTrans, (int)L->rows, w, 1, ws->a[m->depth - 1], ld, wl, 1, 0, out, 1);
    for (int64_t p = 0; p < L->nv; p++)
        out[p] += wl[w];
}

/* Adds a tile's sums of the loss terms (r^2, (u - u0)^2, u_t^2, u^2) to sum
 * from ws->out; with dout != NULL also writes the gradient of the weighted
 * loss w.r.t. every output row of the tile, dout: [rows]. The tile's interior
 * points are interior points i0.., its initial points initial points q0.. .
 * scale: d(loss)/d(term sum) per term, weights[i] / global count. */
static void FN(loss_tile)(struct wb_pinn_model *m, double sum[WB_PINN_NTERMS], REAL *dout,
                          const struct layout *L, int64_t i0, int64_t q0,
                          const double scale[WB_PINN_NTERMS])
{
    struct wb_pinn_ws *ws = m->ws;
    int d = m->d, nc = 1 + 2 * d, t = d - 1;
    const REAL *out = ws->out, *coef = (const REAL *)ws->coef + i0 * nc, *r0 = (const REAL *)ws->r0 + i0;
    const REAL *u0 = (const REAL *)ws->u0 + q0;
    for (int64_t p = 0; p < L->ni; p++) {
        const REAL *c = coef + p * nc;
        double r = (double)r0[p] + (double)c[0] * out[p];
        for (int k = 0; k < d; k++)
            r += (double)c[1 + k] * out[L->f[k] + p] + (double)c[1 + d + k] * out[L->s[k] + p];
        sum[WB_PINN_PDE] += r * r;
        if (dout) {
            double dr = 2 * scale[WB_PINN_PDE] * r;
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
            dout[p] = (REAL)(2 * scale[WB_PINN_IC] * e);
            dout[L->f[t] + p] = (REAL)(2 * scale[WB_PINN_ICT] * ut);
        }
    }
    for (int64_t q = 0; q < L->nb; q++) {
        int64_t p = L->ni + L->n0 + q;
        double u = out[p];
        sum[WB_PINN_BC] += u * u;
        if (dout)
            dout[p] = (REAL)(2 * scale[WB_PINN_BC] * u);
    }
}

/* Backward of a tile from ws->dout [rows] through the network, adding into
 * m->grads. x: [nv][d] the tile's inputs. */
static void FN(backward)(struct wb_pinn_model *m, const struct layout *L, const REAL *x)
{
    struct wb_pinn_ws *ws = m->ws;
    int d = m->d, w = m->width, ld = (int)ws->ld, depth = m->depth;
    int64_t rows = L->rows;
    const REAL *par = m->params;
    REAL *grad = m->grads, *g = ws->g, *dout = ws->dout, *tmp = ws->tmp;
    REAL *db = tmp + WB_TMP_DB * ld;
    int64_t off = w * (d + 1) + (int64_t)(depth - 1) * w * (w + 1); /* output layer */
    const REAL *wout = par + off;
    GEMV(CblasRowMajor, CblasTrans, (int)rows, w, 1, ws->a[depth - 1], ld, dout, 1, 1, grad + off, 1);
    REAL dbout = 0;
    for (int64_t p = 0; p < L->nv; p++)
        dbout += dout[p];
    grad[off + w] += dbout;
    for (int64_t r = 0; r < rows; r++)
        for (int j = 0; j < w; j++)
            g[r * ld + j] = dout[r] * wout[j];
    for (int l = depth - 1; l >= 1; l--) {
        off -= w * (w + 1);
        const REAL *wl = par + off;
        FOR_J(j) db[j] = 0;
        FN(tanh_backward)(ws->z[l], NULL, db, g, ws->a[l], NULL, NULL, L, d, ld, tmp);
        for (int j = 0; j < w; j++)
            grad[off + w * w + j] += db[j];
        GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, w, w, (int)rows, 1, ws->z[l], ld, ws->a[l - 1], ld, 1,
             grad + off, w);
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, w, w, 1, ws->z[l], ld, wl, w, 0, g, ld);
    }
    REAL *w0t = tmp + WB_TMP_W0T * ld, *dw0t = tmp + WB_TMP_DW0T * ld;
    for (int k = 0; k < d; k++) {
        for (int j = 0; j < w; j++)
            w0t[k * ld + j] = par[j * d + k];
        FOR_J(j) dw0t[k * ld + j] = 0;
    }
    FOR_J(j) db[j] = 0;
    FN(tanh_backward)(NULL, dw0t, db, g, ws->a[0], x, w0t, L, d, ld, tmp);
    for (int j = 0; j < w; j++) {
        grad[w * d + j] += db[j];
        for (int k = 0; k < d; k++)
            grad[j * d + k] += dw0t[k * ld + j];
    }
}

/* Loss terms (global means' local share) and, with grad, the gradient in
 * m->grads, over the training points tile by tile: a tile's activations stay
 * in cache from its forward through its backward, and the workspace is the
 * size of one tile. */
static void FN(loss_grad)(struct wb_pinn_model *m, double terms[WB_PINN_NTERMS], bool grad,
                          const double weights[WB_PINN_NTERMS])
{
    struct wb_pinn_ws *ws = m->ws;
    int d = m->d;
    int64_t ni = m->local.interior, n0 = m->local.initial, nv = ni + n0 + m->local.boundary;
    const int64_t gc[WB_PINN_NTERMS] = {m->global.interior, m->global.initial, m->global.initial,
                                        m->global.boundary};
    double scale[WB_PINN_NTERMS], sum[WB_PINN_NTERMS] = {0, 0, 0, 0};
    for (int i = 0; i < WB_PINN_NTERMS; i++)
        scale[i] = gc[i] > 0 ? weights[i] / (double)gc[i] : 0.0;
    REAL *gr = m->grads;
    if (grad)
        for (int64_t i = 0; i < m->n_params; i++)
            gr[i] = 0;
    const REAL *x = ws->x;
    for (int64_t p0 = 0; p0 < nv; p0 += ws->tile) {
        int64_t p1 = p0 + ws->tile < nv ? p0 + ws->tile : nv;
        int64_t a = p0 < ni ? p0 : ni, b = p1 < ni ? p1 : ni;          /* interior [a, b) */
        int64_t c = p0 < ni + n0 ? (p0 > ni ? p0 : ni) : ni + n0;       /* initial [c, e) */
        int64_t e = p1 < ni + n0 ? (p1 > ni ? p1 : ni) : ni + n0;
        struct layout L;
        layout_make(&L, b - a, e - c, (p1 - p0) - (b - a) - (e - c), d);
        FN(forward)(m, &L, x + p0 * d);
        FN(loss_tile)(m, sum, grad ? ws->dout : NULL, &L, a, c - ni, scale);
        if (grad)
            FN(backward)(m, &L, x + p0 * d);
    }
    for (int i = 0; i < WB_PINN_NTERMS; i++)
        terms[i] = gc[i] > 0 ? sum[i] / (double)gc[i] : 0.0;
}
