/* wavebench PINN kernels, written once for both precisions.
 *
 * Included by mlp.c once per precision, after it defines REAL (float or double),
 * FN(name) (a name suffixed by precision), GEMM (cblas_?gemm), TANH (fast_tanhf
 * or fast_tanh), WB_CLONES (attributes of the elementwise kernels) and FOR_J(j)
 * (j over the padded row length ld in fixed-size blocks). No include guard on
 * purpose.
 *
 * Row layout of every activation matrix [rows][ld] (struct wb_pinn_layout; ld is the
 * width padded to a multiple of WB_LANES, the padding columns kept zero): value
 * rows of all points first (interior, initial, boundary), then per input k the
 * first-derivative rows f[k] (interior points; for time also the initial
 * points), then per input k the second-derivative rows s[k] (interior points).
 * Row f[k] + p and row s[k] + p belong to the point of value row p, so one GEMM
 * per layer covers every (channel, point) row.
 *
 * Threads: a call of the loss and gradient splits the tiles into contiguous
 * runs, one per slot (struct slot: a thread's activations, scratch and
 * gradient accumulator); the kernels below touch only their slot and read the
 * shared, read-only inputs and prepared weights. */

/* Rows of derivative channel blocks of point p: how many inputs have first
 * (and second) derivative rows, and which input the first one is. */
static inline void FN(point_channels)(int *k0, int *k1, int *nsecond, const struct wb_pinn_layout *L, int64_t p,
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

/* Layer 0's pre-activation row (bias not yet added): z0 = W0 x. */
static inline void FN(row_affine0)(REAL *restrict z0, const REAL *restrict w0t, const REAL *restrict x,
                                   int d, int ld)
{
    REAL x0 = x[0];
    FOR_J(j) z0[j] = w0t[j] * x0;
    for (int k = 1; k < d; k++) {
        const REAL *restrict wk = w0t + k * ld;
        REAL xk = x[k];
        FOR_J(j) z0[j] += wk[j] * xk;
    }
}

static inline void FN(row_first)(REAL *restrict ak, const REAL *restrict sp, const REAL *restrict zk, int ld)
{
    FOR_J(j) ak[j] = sp[j] * zk[j];
}

/* First and second derivative rows of one input at once. */
static inline void FN(row_first_second)(REAL *restrict ak, REAL *restrict akk, const REAL *restrict sp,
                                        const REAL *restrict spp, const REAL *restrict zk,
                                        const REAL *restrict zkk, int ld)
{
    FOR_J(j) {
        REAL zkj = zk[j];
        ak[j] = sp[j] * zkj;
        akk[j] = spp[j] * zkj * zkj + sp[j] * zkk[j];
    }
}

/* As row_first_second with z_kk = 0 (layer 0: the inputs' second channels vanish). */
static inline void FN(row_first_second0)(REAL *restrict ak, REAL *restrict akk, const REAL *restrict sp,
                                         const REAL *restrict spp, const REAL *restrict zk, int ld)
{
    FOR_J(j) {
        REAL zkj = zk[j];
        ak[j] = sp[j] * zkj;
        akk[j] = spp[j] * zkj * zkj;
    }
}

static inline void FN(row_derivs)(REAL *restrict sp, REAL *restrict spp, REAL *restrict sppp,
                                  REAL *restrict acc, const REAL *restrict a0, const REAL *restrict g0,
                                  int ld)
{
    FOR_J(j) {
        REAL s = a0[j];
        REAL s1 = 1 - s * s;
        REAL s2 = -2 * s * s1;
        sp[j] = s1;
        spp[j] = s2;
        sppp[j] = -2 * (s1 * s1 + s * s2);
        acc[j] = s1 * g0[j];
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

/* Layer 0's row_back_first: z_k = zin (a weight column), dz_k into dz. */
static inline void FN(row_back_first0)(REAL *restrict acc, REAL *restrict dz, const REAL *restrict zin,
                                       const REAL *restrict gk, const REAL *restrict sp,
                                       const REAL *restrict spp, int ld)
{
    FOR_J(j) {
        REAL zkj = zin[j], gkj = gk[j];
        acc[j] += spp[j] * zkj * gkj;
        dz[j] = sp[j] * gkj;
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

/* Layer 0's row_back_second: z_k = zin (a weight column), z_kk = 0, and only
 * dz_k is needed (into dz). */
static inline void FN(row_back_second0)(REAL *restrict acc, REAL *restrict dz, const REAL *restrict zin,
                                        const REAL *restrict gk, const REAL *restrict gkk,
                                        const REAL *restrict sp, const REAL *restrict spp,
                                        const REAL *restrict sppp, int ld)
{
    FOR_J(j) {
        REAL zkj = zin[j], gkj = gk[j], gkkj = gkk[j];
        acc[j] += spp[j] * zkj * gkj + sppp[j] * zkj * zkj * gkkj;
        dz[j] = sp[j] * gkj + 2 * spp[j] * zkj * gkkj;
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

/* dW0t[k] += dz0 x_k (+ dz_k when input k has derivative rows). */
static inline void FN(row_dw0)(REAL *restrict dw, const REAL *restrict acc, const REAL *restrict dzk,
                               REAL xk, int ld)
{
    if (dzk) {
        FOR_J(j) dw[j] += acc[j] * xk + dzk[j];
    } else {
        FOR_J(j) dw[j] += acc[j] * xk;
    }
}

/* tanh layer with its Taylor chain rule. Layer 0 (z == NULL) computes
 * z0 = W0 x + b from the inputs x [nv][d] and uses the constant derivative rows
 * z_k = W0[:,k], z_kk = 0 (the inputs' Taylor channels are e_k and 0). Other
 * layers read z [rows][ld] (no bias yet). a: [rows][ld] output activations.
 * w0t: [d][ld] layer 0's weights transposed; b: [ld] bias, zero-padded.
 * Columns w..ld-1 are padding: zero in z, b, w0t, hence zero in a. */
WB_CLONES static void FN(tanh_forward)(REAL *a, const REAL *z, const REAL *x, const REAL *w0t,
                                       const REAL *b, const struct wb_pinn_layout *L, int d, int ld, REAL *tmp)
{
    REAL *sp = tmp, *spp = tmp + ld, *zrow = tmp + 2 * ld;
    for (int64_t p = 0; p < L->nv; p++) {
        const REAL *z0 = zrow;
        if (z)
            z0 = z + p * ld;
        else
            FN(row_affine0)(zrow, w0t, x + p * d, d, ld);
        FN(row_tanh)(a + p * ld, sp, spp, z0, b, ld);
        int k0, k1, ns;
        FN(point_channels)(&k0, &k1, &ns, L, p, d);
        for (int k = k0; k < k1; k++) {
            const REAL *zk = z ? z + (L->f[k] + p) * ld : w0t + k * ld;
            REAL *ak = a + (L->f[k] + p) * ld;
            if (ns == 0)
                FN(row_first)(ak, sp, zk, ld);
            else if (z)
                FN(row_first_second)(ak, a + (L->s[k] + p) * ld, sp, spp, zk, z + (L->s[k] + p) * ld, ld);
            else
                FN(row_first_second0)(ak, a + (L->s[k] + p) * ld, sp, spp, zk, ld);
        }
    }
}

/* g's row r, or with g == NULL (the last hidden layer, before the linear
 * output) dout[r] * wout built in the scratch row buf. */
static inline const REAL *FN(grad_row)(const REAL *g, const REAL *restrict dout, const REAL *restrict wout,
                                       REAL *restrict buf, int64_t r, int ld)
{
    if (g)
        return g + r * ld;
    REAL dr = dout[r];
    FOR_J(j) buf[j] = dr * wout[j];
    return buf;
}

/* Reverse of tanh_forward. g: [rows][ld] gradient w.r.t. a, or NULL for
 * dout [rows] times wout [ld] (the output layer's reverse, not stored).
 * Layers > 0 write the gradient w.r.t. the pre-activations into z in place
 * (dz: [rows][ld]). Layer 0 (z == NULL) instead adds straight into dw0t
 * [d][ld] (transposed), since its inputs' channels are x, e_k, 0. Both add
 * the bias gradient to db [ld]. Padding columns stay zero (g is zero there). */
WB_CLONES static void FN(tanh_backward)(REAL *z, REAL *dw0t, REAL *db, const REAL *g, const REAL *dout,
                                        const REAL *wout, const REAL *a, const REAL *x, const REAL *w0t,
                                        const struct wb_pinn_layout *L, int d, int ld, REAL *tmp)
{
    REAL *sp = tmp, *spp = tmp + ld, *sppp = tmp + 2 * ld, *acc0 = tmp + 3 * ld;
    REAL *dzscr = tmp + 4 * ld; /* [d][ld] layer 0's dz_k */
    REAL *ga = tmp + WB_TMP_G * ld, *gb = ga + ld;
    for (int64_t p = 0; p < L->nv; p++) {
        /* layers > 0: dz0 accumulates in place of z0, which is not needed again */
        REAL *acc = z ? z + p * ld : acc0;
        FN(row_derivs)(sp, spp, sppp, acc, a + p * ld, FN(grad_row)(g, dout, wout, ga, p, ld), ld);
        int k0, k1, ns;
        FN(point_channels)(&k0, &k1, &ns, L, p, d);
        for (int k = k0; k < k1; k++) {
            const REAL *gk = FN(grad_row)(g, dout, wout, ga, L->f[k] + p, ld);
            const REAL *gkk = ns ? FN(grad_row)(g, dout, wout, gb, L->s[k] + p, ld) : NULL;
            if (z) {
                REAL *zk = z + (L->f[k] + p) * ld;
                if (ns == 0)
                    FN(row_back_first)(acc, zk, gk, sp, spp, ld);
                else
                    FN(row_back_second)(acc, zk, z + (L->s[k] + p) * ld, gk, gkk, sp, spp, sppp, ld);
            } else {
                if (ns == 0)
                    FN(row_back_first0)(acc, dzscr + k * ld, w0t + k * ld, gk, sp, spp, ld);
                else
                    FN(row_back_second0)(acc, dzscr + k * ld, w0t + k * ld, gk, gkk, sp, spp, sppp, ld);
            }
        }
        FN(row_add)(db, acc, ld);
        if (!z) {
            /* z0 = W0 x + b and z_k = W0[:,k]: dW0[:,k] += dz0 x_k + dz_k */
            for (int k = 0; k < d; k++)
                FN(row_dw0)(dw0t + k * ld, acc, (k >= k0 && k < k1) ? dzscr + k * ld : NULL, x[p * d + k], ld);
        }
    }
}

/* wout . a in WB_LANES partial sums added in a fixed order. */
static inline REAL FN(row_dot)(const REAL *restrict a, const REAL *restrict wout, int ld)
{
    REAL acc[WB_LANES];
    for (int j = 0; j < WB_LANES; j++)
        acc[j] = 0;
    for (int jb = 0; jb < ld; jb += WB_LANES)
        for (int j = 0; j < WB_LANES; j++)
            acc[j] += a[jb + j] * wout[jb + j];
    for (int h = WB_LANES / 2; h > 0; h /= 2)
        for (int j = 0; j < h; j++)
            acc[j] += acc[j + h];
    return acc[0];
}

static inline void FN(row_out_back)(REAL *restrict dw, const REAL *restrict a, REAL dr, int ld)
{
    FOR_J(j) dw[j] += dr * a[j];
}

/* Output layer: out[r] = wout . a[r] (+ bias on value rows r < nv). wout:
 * [ld + 1], the bias in wout[ld]. */
WB_CLONES static void FN(output_forward)(REAL *out, const REAL *a, const REAL *wout, int64_t rows,
                                         int64_t nv, int ld)
{
    for (int64_t r = 0; r < rows; r++)
        out[r] = FN(row_dot)(a + r * ld, wout, ld) + (r < nv ? wout[ld] : 0);
}

/* Output weights' part of the reverse of output_forward: dw [ld] += sum_r
 * dout[r] a[r]. (The activations' part, dout[r] wout, tanh_backward forms
 * row by row.) */
WB_CLONES static void FN(output_backward)(REAL *dw, const REAL *dout, const REAL *a, int64_t rows, int ld)
{
    for (int64_t r = 0; r < rows; r++)
        FN(row_out_back)(dw, a + r * ld, dout[r], ld);
}

/* The weights in the shapes the kernels read, from m->params: layer 0's W
 * transposed [d][ld], every hidden layer's bias [ld], layers 1.. transposed
 * [w][ld] (so the forward GEMM is NN, which OpenBLAS runs faster than NT),
 * the output weights [ld] and bias. Once per call, before any tile. */
static void FN(prepare)(struct wb_pinn_model *m)
{
    struct wb_pinn_ws *ws = m->ws;
    int d = m->d, w = m->width, ld = (int)ws->ld;
    const REAL *par = m->params;
    REAL *w0t = ws->w0t, *bias = ws->bias, *wt = ws->wt, *wout = ws->wout;
    for (int k = 0; k < d; k++)
        for (int j = 0; j < w; j++)
            w0t[k * ld + j] = par[j * d + k];
    for (int j = 0; j < w; j++)
        bias[j] = par[w * d + j];
    const REAL *wl = par + w * (d + 1);
    for (int l = 1; l < m->depth; l++) {
        REAL *t = wt + (int64_t)l * w * ld;
        for (int o = 0; o < w; o++)
            for (int i = 0; i < w; i++)
                t[i * ld + o] = wl[o * w + i];
        for (int j = 0; j < w; j++)
            bias[l * ld + j] = wl[w * w + j];
        wl += w * (w + 1);
    }
    for (int j = 0; j < w; j++)
        wout[j] = wl[j];
    wout[ld] = wl[w];
}

/* Forward over layout L: activations s->a[l] for every hidden layer and the
 * network output per row in s->out [rows]. x: [nv][d] inputs. Needs prepare. */
static void FN(forward)(struct wb_pinn_model *m, struct slot *s, const struct wb_pinn_layout *L, const REAL *x)
{
    struct wb_pinn_ws *ws = m->ws;
    int d = m->d, w = m->width, ld = (int)ws->ld;
    const REAL *bias = ws->bias, *wt = ws->wt;
    FN(tanh_forward)(s->a[0], NULL, x, ws->w0t, bias, L, d, ld, s->tmp);
    for (int l = 1; l < m->depth; l++) {
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)L->rows, w, w, 1, s->a[l - 1], ld,
             wt + (int64_t)l * w * ld, ld, 0, s->z[l], ld);
        FN(tanh_forward)(s->a[l], s->z[l], NULL, NULL, bias + l * ld, L, d, ld, s->tmp);
    }
    FN(output_forward)(s->out, s->a[m->depth - 1], ws->wout, L->rows, L->nv, ld);
}

/* Adds a tile's sums of the loss terms (r^2, (u - u0)^2, u_t^2, u^2) to sum
 * from s->out; with dout != NULL also writes the gradient of the weighted
 * loss w.r.t. every output row of the tile, dout: [rows]. The tile's interior
 * points are interior points i0.., its initial points initial points q0.. .
 * scale: d(loss)/d(term sum) per term, weights[i] / global count. */
static void FN(loss_tile)(struct wb_pinn_model *m, struct slot *s, double sum[WB_PINN_NTERMS], REAL *dout,
                          const struct wb_pinn_layout *L, int64_t i0, int64_t q0,
                          const double scale[WB_PINN_NTERMS])
{
    struct wb_pinn_ws *ws = m->ws;
    int d = m->d, nc = 1 + 2 * d, t = d - 1;
    const REAL *out = s->out, *coef = (const REAL *)ws->coef + i0 * nc, *r0 = (const REAL *)ws->r0 + i0;
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

/* Backward of a tile from s->dout [rows] through the network, adding into
 * s->grad. x: [nv][d] the tile's inputs. */
static void FN(backward)(struct wb_pinn_model *m, struct slot *s, const struct wb_pinn_layout *L, const REAL *x)
{
    struct wb_pinn_ws *ws = m->ws;
    int d = m->d, w = m->width, ld = (int)ws->ld, depth = m->depth;
    int64_t rows = L->rows;
    const REAL *par = m->params;
    REAL *grad = s->grad, *g = s->g, *dout = s->dout, *tmp = s->tmp;
    REAL *db = tmp + WB_TMP_DB * ld, *dw = tmp + WB_TMP_DW * ld;
    int64_t off = w * (d + 1) + (int64_t)(depth - 1) * w * (w + 1); /* output layer */
    FOR_J(j) dw[j] = 0;
    FN(output_backward)(dw, dout, s->a[depth - 1], rows, ld);
    REAL dbout = 0;
    for (int64_t p = 0; p < L->nv; p++)
        dbout += dout[p];
    for (int j = 0; j < w; j++)
        grad[off + j] += dw[j];
    grad[off + w] += dbout;
    for (int l = depth - 1; l >= 1; l--) {
        off -= w * (w + 1);
        const REAL *wl = par + off;
        FOR_J(j) db[j] = 0;
        /* the last hidden layer's g is dout wout, formed row by row */
        FN(tanh_backward)(s->z[l], NULL, db, l == depth - 1 ? NULL : g, dout, ws->wout, s->a[l], NULL, NULL, L,
                          d, ld, tmp);
        for (int j = 0; j < w; j++)
            grad[off + w * w + j] += db[j];
        GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, w, w, (int)rows, 1, s->z[l], ld, s->a[l - 1], ld, 1,
             grad + off, w);
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, w, w, 1, s->z[l], ld, wl, w, 0, g, ld);
    }
    REAL *dw0t = tmp + WB_TMP_DW0T * ld;
    for (int k = 0; k < d; k++)
        FOR_J(j) dw0t[k * ld + j] = 0;
    FOR_J(j) db[j] = 0;
    FN(tanh_backward)(NULL, dw0t, db, depth == 1 ? NULL : g, dout, ws->wout, s->a[0], x, ws->w0t, L, d, ld,
                      tmp);
    for (int j = 0; j < w; j++) {
        grad[w * d + j] += db[j];
        for (int k = 0; k < d; k++)
            grad[j * d + k] += dw0t[k * ld + j];
    }
}

/* Slot t's share of a loss (and gradient) call: its tiles [tile0, tile1),
 * sums into s->sum, gradient into s->grad (zeroed first). */
static void FN(loss_grad_slot)(void *arg, int t)
{
    struct wb_pinn_model *m = arg;
    struct wb_pinn_ws *ws = m->ws;
    struct slot *s = &ws->slot[t];
    int d = m->d;
    bool grad = ws->job_grad;
    int64_t ni = m->local.interior, n0 = m->local.initial, nv = ni + n0 + m->local.boundary;
    for (int i = 0; i < WB_PINN_NTERMS; i++)
        s->sum[i] = 0.0;
    REAL *gr = s->grad;
    if (grad)
        for (int64_t i = 0; i < m->n_params; i++)
            gr[i] = 0;
    const REAL *x = ws->x;
    for (int64_t tile = s->tile0; tile < s->tile1; tile++) {
        int64_t p0 = tile * ws->tile;
        int64_t p1 = p0 + ws->tile < nv ? p0 + ws->tile : nv;
        int64_t a = p0 < ni ? p0 : ni, b = p1 < ni ? p1 : ni;          /* interior [a, b) */
        int64_t c = p0 < ni + n0 ? (p0 > ni ? p0 : ni) : ni + n0;       /* initial [c, e) */
        int64_t e = p1 < ni + n0 ? (p1 > ni ? p1 : ni) : ni + n0;
        struct wb_pinn_layout L;
        wb_pinn_layout_make(&L, b - a, e - c, (p1 - p0) - (b - a) - (e - c), d);
        FN(forward)(m, s, &L, x + p0 * d);
        FN(loss_tile)(m, s, s->sum, grad ? s->dout : NULL, &L, a, c - ni, ws->job_scale);
        if (grad)
            FN(backward)(m, s, &L, x + p0 * d);
    }
}

/* Loss terms (global means' local share) and, with grad, the gradient in
 * m->grads, over the training points tile by tile: a tile's activations stay
 * in cache from its forward through its backward, and the workspace is the
 * size of one tile per thread. Slot t > 0 accumulates privately; the slots'
 * sums are added in slot order, so a given thread count gives the same bits
 * every run. */
static void FN(loss_grad)(struct wb_pinn_model *m, double terms[WB_PINN_NTERMS], bool grad,
                          const double weights[WB_PINN_NTERMS])
{
    struct wb_pinn_ws *ws = m->ws;
    const int64_t gc[WB_PINN_NTERMS] = {m->global.interior, m->global.initial, m->global.initial,
                                        m->global.boundary};
    for (int i = 0; i < WB_PINN_NTERMS; i++)
        ws->job_scale[i] = gc[i] > 0 ? weights[i] / (double)gc[i] : 0.0;
    ws->job_grad = grad;
    FN(prepare)(m);
    int n = plan_tiles(m);
    wb_pool_run(ws->pool, FN(loss_grad_slot), m);
    double sum[WB_PINN_NTERMS] = {0, 0, 0, 0};
    REAL *gr = m->grads;
    for (int t = 0; t < n; t++) {
        for (int i = 0; i < WB_PINN_NTERMS; i++)
            sum[i] += ws->slot[t].sum[i];
        if (grad && t > 0) {
            const REAL *st = ws->slot[t].grad;
            for (int64_t i = 0; i < m->n_params; i++)
                gr[i] += st[i];
        }
    }
    for (int i = 0; i < WB_PINN_NTERMS; i++)
        terms[i] = gc[i] > 0 ? sum[i] / (double)gc[i] : 0.0;
}
