/* GPU tests (exit 77 without a device): each kernel against the host executor running the
 * same element functions (abs + rel tolerance), the collectives' fill and check kernels
 * against the host's, and the GPU model (cuBLAS + kernels) against the CPU backend:
 * gradient, terms, prediction and a short Adam trajectory. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cuda_runtime_api.h>

#include "host_exec.h"
#include "wavebench/coll_data.h"
#include "wavebench/gpu_kernels.h"
#include "wavebench/gpu_pinn.h"

#define CK(call) assert_int_equal((int)(call), (int)cudaSuccess)

static void *dev_copy(const void *host, size_t bytes)
{
    void *d = NULL;
    CK(cudaMalloc(&d, bytes ? bytes : 1));
    if (bytes)
        CK(cudaMemcpy(d, host, bytes, cudaMemcpyHostToDevice));
    return d;
}

static void to_host(void *host, const void *dev, size_t bytes)
{
    CK(cudaDeviceSynchronize());
    CK(cudaMemcpy(host, dev, bytes, cudaMemcpyDeviceToHost));
}

/* max |a - b| <= atol + rtol |b| elementwise. */
static void near(const void *a, const void *b, int64_t n, int prec, double rtol, double atol, const char *what)
{
    double worst = 0;
    for (int64_t i = 0; i < n; i++) {
        double x = host_get(a, i, prec), y = host_get(b, i, prec);
        double ex = fabs(x - y) - rtol * fabs(y);
        worst = fmax(worst, fabs(x - y));
        if (!(ex <= atol)) {
            print_error("%s[%lld]: gpu %.17g host %.17g\n", what, (long long)i, x, y);
            fail();
        }
    }
    print_message("%s: %lld values, max |diff| %.3e\n", what, (long long)n, worst);
}

/* The largest magnitude among n values: the scale of an absolute floor. */
static double max_abs(const void *a, int64_t n, int prec)
{
    double m = 0;
    for (int64_t i = 0; i < n; i++)
        m = fmax(m, fabs(host_get(a, i, prec)));
    return m;
}

/* ---- collectives kernels ---- */

static void test_coll_kernels(void **state)
{
    (void)state;
    size_t n = 1000, offset = 12345;
    for (int dt = 0; dt < WB_DTYPE_COUNT; dt++) {
        size_t ts = wb_coll_data_type_size(dt);
        char *host = malloc(n * ts), *back = malloc(n * ts);
        assert_true(host && back);
        void *d = NULL;
        unsigned long long *cnt = NULL, wrong = 0;
        CK(cudaMalloc(&d, n * ts));
        CK(cudaMalloc((void **)&cnt, sizeof *cnt));
        /* rank 3's input (gather semantics): the device fill is the host's */
        struct wb_coll_data_period e;
        wb_coll_data_tabulate(&e, -1, 3, 4, 0, WB_COLL_DATA_MOVED);
        CK(wb_gpuk_coll_fill(d, dt, e, offset, n, 0));
        wb_coll_data_fill(host, dt, &e, offset, n);
        to_host(back, d, n * ts);
        assert_memory_equal(back, host, n * ts);
        /* the check kernel accepts it and counts one corruption */
        CK(cudaMemset(cnt, 0, sizeof *cnt));
        CK(wb_gpuk_coll_count_wrong(d, dt, e, offset, n, cnt, 0));
        to_host(&wrong, cnt, sizeof wrong);
        assert_int_equal(wrong, 0);
        CK(cudaMemset((char *)d + 7 * ts, 0, ts)); /* 0 is never an input */
        CK(cudaMemset(cnt, 0, sizeof *cnt));
        CK(wb_gpuk_coll_count_wrong(d, dt, e, offset, n, cnt, 0));
        to_host(&wrong, cnt, sizeof wrong);
        assert_int_equal(wrong, 1);
        /* a sum over 5 ranks: host fills, device counts */
        wb_coll_data_tabulate(&e, WB_REDOP_SUM, 0, 5, 0, WB_COLL_DATA_REDUCED);
        wb_coll_data_fill(host, dt, &e, offset, n);
        assert_int_equal(wb_coll_data_count_wrong(host, dt, &e, offset, n), 0);
        CK(cudaMemcpy(d, host, n * ts, cudaMemcpyHostToDevice));
        CK(cudaMemset(cnt, 0, sizeof *cnt));
        CK(wb_gpuk_coll_count_wrong(d, dt, e, offset, n, cnt, 0));
        to_host(&wrong, cnt, sizeof wrong);
        assert_int_equal(wrong, 0);
        cudaFree(d);
        cudaFree(cnt);
        free(host);
        free(back);
    }
}

/* ---- PINN kernels, one by one, against the host executor ---- */

static const double weights[WB_PINN_NTERMS] = {1.0, 0.7, 0.3, 1.3};

static void random_fill(double *v, int64_t n, double scale, int seed)
{
    for (int64_t i = 0; i < n; i++)
        v[i] = scale * sin(1.7 * (double)i + 0.3 * seed) * cos(0.11 * (double)i * seed);
}

static void kernels_one(int prec, int d)
{
    size_t rs = prec == WB_FP32 ? 4 : 8;
    double rtol = prec == WB_FP32 ? 1e-5 : 1e-13, atol = prec == WB_FP32 ? 1e-5 : 1e-13;
    int w = 37;
    struct wb_pinn_layout L;
    wb_pinn_layout_make(&L, 300, 77, 41, d);
    int64_t rows = L.rows, nc = 1 + 2 * d;
    int hp = prec;
    struct wb_pinn_exec E = host_exec_ops;
    E.ctx = &hp;
    struct wb_error err;
    wb_error_clear(&err);
    /* host-side inputs, converted to the precision */
    double *dx = malloc(sizeof(double) * (size_t)(rows * w * 3 + rows * d + rows * nc + 8 * rows));
    assert_non_null(dx);
    double *dz = dx, *dg = dz + rows * w, *da = dg + rows * w, *dpts = da + rows * w;
    double *dcoef = dpts + rows * d, *dr0 = dcoef + rows * nc, *du0 = dr0 + rows, *dout = du0 + rows;
    double *db = dout + rows, *dwout = db + rows;
    random_fill(dz, rows * w, 1.5, 1);
    random_fill(dg, rows * w, 0.8, 2);
    random_fill(da, rows * w, 0.9, 3);
    random_fill(dpts, rows * d, 1.0, 4);
    random_fill(dcoef, rows * nc, 2.0, 5);
    random_fill(dr0, rows, 1.0, 6);
    random_fill(du0, rows, 1.0, 7);
    random_fill(dout, rows, 1.0, 8);
    random_fill(db, w, 0.3, 9);
    random_fill(dwout, w, 0.7, 10);
    char *buf[10];
    int64_t sizes[10] = {rows * w, rows * w, rows * w, rows * d, rows * nc, rows, rows, rows, w, w};
    double *srcs[10] = {dz, dg, da, dpts, dcoef, dr0, du0, dout, db, dwout};
    void *dev[10];
    for (int i = 0; i < 10; i++) {
        buf[i] = malloc((size_t)sizes[i] * rs);
        assert_non_null(buf[i]);
        host_put(buf[i], srcs[i], sizes[i], prec);
        dev[i] = dev_copy(buf[i], (size_t)sizes[i] * rs);
    }
    char *h1 = malloc((size_t)(rows * w) * rs), *h2 = malloc((size_t)(rows * w) * rs);
    assert_true(h1 && h2);
    void *d1 = NULL;
    CK(cudaMalloc(&d1, (size_t)(rows * w) * rs));

    /* inputs */
    CK(cudaMemset(d1, 0, (size_t)(rows * d) * rs));
    memset(h1, 0, (size_t)(rows * d) * rs);
    CK(wb_gpuk_pinn_inputs(prec, d1, dev[3], L, d, 0));
    assert_int_equal(E.inputs(E.ctx, h1, buf[3], &L, d, &err), WB_OK);
    to_host(h2, d1, (size_t)(rows * d) * rs);
    near(h2, h1, rows * d, prec, 0, 0, "inputs");

    /* tanh forward */
    CK(cudaMemset(d1, 0, (size_t)(rows * w) * rs));
    memset(h1, 0, (size_t)(rows * w) * rs);
    CK(wb_gpuk_pinn_tanh_fwd(prec, d1, dev[0], dev[8], L, d, w, 0));
    assert_int_equal(E.tanh_fwd(E.ctx, h1, buf[0], buf[8], &L, d, w, &err), WB_OK);
    to_host(h2, d1, (size_t)(rows * w) * rs);
    near(h2, h1, rows * w, prec, rtol * 4, atol * 4, "tanh_fwd"); /* device vs libm tanh */

    /* tanh backward (in place on a copy of z) */
    CK(cudaMemcpy(d1, buf[0], (size_t)(rows * w) * rs, cudaMemcpyHostToDevice));
    memcpy(h1, buf[0], (size_t)(rows * w) * rs);
    CK(wb_gpuk_pinn_tanh_bwd(prec, d1, dev[1], dev[2], L, d, w, 0));
    assert_int_equal(E.tanh_bwd(E.ctx, h1, buf[1], buf[2], &L, d, w, &err), WB_OK);
    to_host(h2, d1, (size_t)(rows * w) * rs);
    near(h2, h1, rows * w, prec, rtol, atol, "tanh_bwd");

    /* loss: term sums and dout */
    double scale[4] = {0.01, 0.02, 0.03, 0.04}, hacc[4] = {0, 0, 0, 0}, gacc[4];
    double *dacc = NULL, *partials = NULL;
    CK(cudaMalloc((void **)&dacc, 4 * sizeof(double)));
    CK(cudaMalloc((void **)&partials, 4 * sizeof(double) * (size_t)wb_gpuk_pinn_loss_blocks(L.nv)));
    CK(cudaMemset(dacc, 0, 4 * sizeof(double)));
    CK(cudaMemset(d1, 0, (size_t)rows * rs));
    memset(h1, 0, (size_t)rows * rs);
    CK(wb_gpuk_pinn_loss(prec, dacc, partials, d1, dev[7], dev[4], dev[5], dev[6], L, d, scale, 0));
    assert_int_equal(E.loss(E.ctx, hacc, h1, buf[7], buf[4], buf[5], buf[6], &L, d, scale, &err), WB_OK);
    to_host(gacc, dacc, sizeof gacc);
    to_host(h2, d1, (size_t)rows * rs);
    /* The same arithmetic, but nvcc fuses multiply-adds that the host rounds separately:
     * values that nearly cancel need an absolute floor on the scale of the data. */
    double dout_tol = prec == WB_FP32 ? 2.4e-7 : 1e-14;
    near(h2, h1, rows, prec, dout_tol, 4 * dout_tol * max_abs(h1, rows, prec), "loss dout");
    for (int i = 0; i < 4; i++)
        assert_true(fabs(gacc[i] - hacc[i]) <= 1e-12 * fabs(hacc[i]));

    /* output gradient */
    CK(wb_gpuk_pinn_out_grad(prec, d1, dev[7], dev[9], rows, w, 0));
    assert_int_equal(E.out_grad(E.ctx, h1, buf[7], buf[9], rows, w, &err), WB_OK);
    to_host(h2, d1, (size_t)(rows * w) * rs);
    near(h2, h1, rows * w, prec, 0, 0, "out_grad");

    /* Adam: several steps on device and host */
    int64_t n = rows;
    void *dp = dev_copy(buf[5], (size_t)n * rs), *dm = NULL, *dv = NULL;
    CK(cudaMalloc(&dm, (size_t)n * rs));
    CK(cudaMalloc(&dv, (size_t)n * rs));
    CK(cudaMemset(dm, 0, (size_t)n * rs));
    CK(cudaMemset(dv, 0, (size_t)n * rs));
    char *hm = calloc((size_t)n, rs), *hv = calloc((size_t)n, rs), *hpar = malloc((size_t)n * rs);
    assert_true(hm && hv && hpar);
    memcpy(hpar, buf[5], (size_t)n * rs);
    for (int t = 1; t <= 5; t++) {
        double bc1 = 1 - pow(0.9, t), bc2 = 1 - pow(0.999, t);
        CK(wb_gpuk_pinn_adam(prec, dp, dm, dv, dev[7], n, 1e-2, 0.9, 0.999, 1e-8, bc1, bc2, 0));
        host_adam(prec, hpar, hm, hv, buf[7], n, 1e-2, 0.9, 0.999, 1e-8, bc1, bc2);
    }
    to_host(h2, dp, (size_t)n * rs);
    near(h2, hpar, n, prec, rtol, atol, "adam");

    cudaFree(dp); cudaFree(dm); cudaFree(dv); cudaFree(dacc); cudaFree(partials); cudaFree(d1);
    free(hm); free(hv); free(hpar); free(h1); free(h2);
    for (int i = 0; i < 10; i++) {
        cudaFree(dev[i]);
        free(buf[i]);
    }
    free(dx);
}

static void test_pinn_kernels(void **state)
{
    (void)state;
    for (int prec = WB_FP32; prec <= WB_FP64; prec++)
        for (int d = 2; d <= 3; d++)
            kernels_one(prec, d);
}

/* ---- the GPU model against the CPU backend ---- */

static void model_pair(int problem, int prec, bool hard)
{
    struct wb_pinn_counts n = {700, 90, 110};
    struct wb_pinn_model m;
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_pinn_model_create(&m, problem, prec, 24, 3, hard, &n, &err), WB_OK);
    wb_pinn_model_init(&m, 7);
    assert_int_equal(wb_pinn_model_sample(&m, 7, 0, &n, 0, 1, &err), WB_OK);
    struct wb_gpu_pinn *g = NULL;
    assert_int_equal(wb_gpu_pinn_create(&g, &m, &err), WB_OK);
    assert_int_equal(wb_gpu_pinn_sample(g, 7, 0, &n, 0, 1, &err), WB_OK);
    size_t rs = prec == WB_FP32 ? 4 : 8;
    int64_t ng = m.n_params + WB_PINN_NTERMS;
    char *gg = malloc((size_t)ng * rs);
    assert_non_null(gg);

    /* gradient and terms */
    double terms[WB_PINN_NTERMS], gterms[WB_PINN_NTERMS];
    wb_pinn_loss_grad(&m, terms, weights);
    assert_int_equal(wb_gpu_pinn_loss_grad(g, weights, &err), WB_OK);
    assert_int_equal(wb_gpu_pinn_terms(g, gterms, &err), WB_OK);
    assert_int_equal(wb_gpu_pinn_grads(g, gg, &err), WB_OK);
    double gmax = 0;
    for (int64_t i = 0; i < m.n_params; i++)
        gmax = fmax(gmax, fabs(host_get(m.grads, i, prec)));
    near(gg, m.grads, ng, prec, 0, (prec == WB_FP32 ? 2e-4 : 1e-11) * gmax, "model gradient");
    for (int i = 0; i < WB_PINN_NTERMS; i++)
        assert_true(fabs(gterms[i] - host_get(m.grads, m.n_params + i, prec)) <=
                    (prec == WB_FP32 ? 1e-4 : 1e-12) * fabs(terms[i]) + 1e-300);

    /* prediction */
    double pts[64 * 2], u[64], v[64];
    wb_pinn_grid(pts, problem, 8, 0, problem == WB_PROBLEM_WAVE1D ? 64 : 32);
    int64_t np = problem == WB_PROBLEM_WAVE1D ? 64 : 21;
    wb_pinn_predict(&m, u, pts, np);
    assert_int_equal(wb_gpu_pinn_predict(g, v, pts, np, &err), WB_OK);
    for (int64_t i = 0; i < np; i++)
        assert_true(fabs(u[i] - v[i]) <= (prec == WB_FP32 ? 1e-5 : 1e-12) * (1 + fabs(u[i])));

    /* a short trajectory: 30 Adam steps each, losses compared every step */
    struct wb_pinn_adam opt_c, opt_g;
    assert_int_equal(wb_pinn_adam_create(&opt_c, prec, m.n_params, 1e-3, 1, 0, &err), WB_OK);
    assert_int_equal(wb_pinn_adam_create(&opt_g, prec, m.n_params, 1e-3, 1, 0, &err), WB_OK);
    assert_int_equal(wb_gpu_pinn_upload(g, &m, &opt_g, &err), WB_OK);
    double worst = 0;
    for (int it = 0; it < 30; it++) {
        wb_pinn_loss_grad(&m, terms, weights);
        wb_pinn_adam_step(&opt_c, m.params, m.grads);
        assert_int_equal(wb_gpu_pinn_loss_grad(g, weights, &err), WB_OK);
        assert_int_equal(wb_gpu_pinn_terms(g, gterms, &err), WB_OK);
        assert_int_equal(wb_gpu_pinn_adam_step(g, &opt_g, &err), WB_OK);
        double lc = wb_pinn_loss_total(terms, weights), lg = wb_pinn_loss_total(gterms, weights);
        worst = fmax(worst, fabs(lc - lg) / fabs(lc));
    }
    print_message("problem %d %s hard %d: 30 steps, worst relative loss difference %.3e\n", problem,
                  prec == WB_FP32 ? "fp32" : "fp64", hard, worst);
    assert_true(worst <= (prec == WB_FP32 ? 5e-3 : 1e-9));
    assert_int_equal(opt_g.step, 30);

    wb_pinn_adam_free(&opt_c);
    wb_pinn_adam_free(&opt_g);
    free(gg);
    wb_gpu_pinn_free(g);
    wb_pinn_model_free(&m);
}

static void test_model_vs_cpu(void **state)
{
    (void)state;
    for (int problem = WB_PROBLEM_WAVE1D; problem <= WB_PROBLEM_WAVE2D; problem++)
        for (int prec = WB_FP32; prec <= WB_FP64; prec++)
            for (int hard = 0; hard <= 1; hard++)
                model_pair(problem, prec, hard);
}

int main(void)
{
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess || n == 0) {
        printf("SKIP: no CUDA device visible\n");
        return 77;
    }
    if (cudaSetDevice(0) != cudaSuccess)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coll_kernels),
        cmocka_unit_test(test_pinn_kernels),
        cmocka_unit_test(test_model_vs_cpu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
