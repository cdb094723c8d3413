/* wavebench Adam update, written once for both precisions.
 *
 * Included by adam.c once per precision, after it defines REAL, FN(name) and
 * SQRT. No include guard on purpose. */

/* One bias-corrected Adam update of n elements. p, m, v: [n] updated in place;
 * g: [n]. bc1, bc2 are 1 - beta^t for this step t. */
static void FN(adam_update)(REAL *p, REAL *m, REAL *v, const REAL *g, int64_t n, double lr,
                            double beta1, double beta2, double eps, double bc1, double bc2)
{
    const REAL b1 = (REAL)beta1, b2 = (REAL)beta2, e = (REAL)eps;
    const REAL c1 = (REAL)(1.0 / bc1), c2 = (REAL)(1.0 / bc2), a = (REAL)lr;
    for (int64_t i = 0; i < n; i++) {
        REAL gi = g[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        p[i] -= a * (m[i] * c1) / (SQRT(v[i] * c2) + e);
    }
}
