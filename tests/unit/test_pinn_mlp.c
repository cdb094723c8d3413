/* Unit tests of the PINN network: gradient vs finite differences, Taylor channels,
 * hard constraints, rank-count independence, fp32 vs fp64, threads, a short training. */
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

#include "wavebench/pinn.h"

static const double weights[WB_PINN_NTERMS] = {1.0, 0.7, 0.3, 1.3};

/* A small fp64 or fp32 model with sampled points; fails the test on error. */
static void make_model(struct wb_pinn_model *m, int problem, int precision, int width, int depth,
                       bool hard, const struct wb_pinn_counts *n, uint64_t seed)
{
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_pinn_model_create(m, problem, precision, width, depth, hard, n, &err), WB_OK);
    wb_pinn_model_init(m, seed);
    assert_int_equal(wb_pinn_model_sample(m, seed, 0, n, 0, 1, &err), WB_OK);
}

static double loss_at(struct wb_pinn_model *m)
{
    double terms[WB_PINN_NTERMS];
    wb_pinn_loss(m, terms);
    return wb_pinn_loss_total(terms, weights);
}

/* Every parameter's gradient against a fourth-order central difference. */
static void check_gradient(int problem, bool hard)
{
    struct wb_pinn_counts n = {7, 5, 4};
    struct wb_pinn_model m;
    make_model(&m, problem, WB_FP64, 8, 2, hard, &n, 11);
    double *p = m.params, *g = m.grads, terms[WB_PINN_NTERMS];
    /* nonzero biases, so their paths are exercised too */
    for (int64_t i = 0; i < m.n_params; i++)
        p[i] += 0.1 * sin(1.0 + (double)i);
    wb_pinn_loss_grad(&m, terms, weights);
    double *grad = malloc((size_t)m.n_params * sizeof *grad);
    assert_non_null(grad);
    memcpy(grad, g, (size_t)m.n_params * sizeof *grad);
    for (int t = 0; t < WB_PINN_NTERMS; t++)
        assert_true(g[m.n_params + t] == terms[t]);
    double gmax = 0.0;
    for (int64_t i = 0; i < m.n_params; i++)
        gmax = fmax(gmax, fabs(grad[i]));
    assert_true(gmax > 0.0);
    double worst = 0.0;
    const double h = 1e-4;
    for (int64_t i = 0; i < m.n_params; i++) {
        double p0 = p[i];
        p[i] = p0 + h;     double f1 = loss_at(&m);
        p[i] = p0 - h;     double fm1 = loss_at(&m);
        p[i] = p0 + 2 * h; double f2 = loss_at(&m);
        p[i] = p0 - 2 * h; double fm2 = loss_at(&m);
        p[i] = p0;
        double fd = (8 * (f1 - fm1) - (f2 - fm2)) / (12 * h);
        double den = fmax(fmax(fabs(fd), fabs(grad[i])), 1e-6 * gmax);
        double rel = fabs(fd - grad[i]) / den;
        if (rel > worst)
            worst = rel;
        if (rel >= 1e-6)
            print_error("param %lld: analytic %.12e fd %.12e rel %.3e\n", (long long)i, grad[i], fd, rel);
    }
    print_message("problem %d hard %d: %lld params, worst relative error %.3e\n", problem, hard,
                  (long long)m.n_params, worst);
    assert_true(worst < 1e-6);
    free(grad);
    wb_pinn_model_free(&m);
}

static void test_gradient_wave1d(void **state)
{
    (void)state;
    check_gradient(WB_PROBLEM_WAVE1D, false);
}

static void test_gradient_wave1d_hard(void **state)
{
    (void)state;
    check_gradient(WB_PROBLEM_WAVE1D, true);
}

static void test_gradient_wave2d(void **state)
{
    (void)state;
    check_gradient(WB_PROBLEM_WAVE2D, false);
}

static void test_gradient_wave2d_hard(void **state)
{
    (void)state;
    check_gradient(WB_PROBLEM_WAVE2D, true);
}

/* Taylor channels against central differences: first derivatives from the
 * value, second derivatives from the first-derivative channel. */
static void check_taylor(int problem, bool hard)
{
    struct wb_pinn_counts n = {16, 4, 4};
    struct wb_pinn_model m;
    make_model(&m, problem, WB_FP64, 16, 3, hard, &n, 5);
    int d = m.d, nc = 1 + 2 * d;
    enum { NP = 6 };
    double pts[NP * WB_PINN_MAX_DIM], out[NP * WB_PINN_MAX_CHANNELS];
    wb_pinn_sample(pts, problem, WB_PINN_INTERIOR, 99, 0, 0, NP);
    wb_pinn_predict_taylor(&m, out, pts, NP);
    const double h = 1e-5;
    for (int p = 0; p < NP; p++)
        for (int k = 0; k < d; k++) {
            double xp[WB_PINN_MAX_DIM], xm[WB_PINN_MAX_DIM];
            double op[WB_PINN_MAX_CHANNELS], om[WB_PINN_MAX_CHANNELS];
            memcpy(xp, pts + p * d, (size_t)d * sizeof *xp);
            memcpy(xm, pts + p * d, (size_t)d * sizeof *xm);
            xp[k] += h;
            xm[k] -= h;
            wb_pinn_predict_taylor(&m, op, xp, 1);
            wb_pinn_predict_taylor(&m, om, xm, 1);
            double d1 = (op[0] - om[0]) / (2 * h), d2 = (op[1 + k] - om[1 + k]) / (2 * h);
            double a1 = out[p * nc + 1 + k], a2 = out[p * nc + 1 + d + k];
            assert_true(fabs(d1 - a1) <= 1e-7 * fmax(1.0, fabs(a1)));
            assert_true(fabs(d2 - a2) <= 1e-6 * fmax(1.0, fabs(a2)));
        }
    /* predict (value only) agrees with the Taylor value channel */
    double u[NP];
    wb_pinn_predict(&m, u, pts, NP);
    for (int p = 0; p < NP; p++)
        assert_true(fabs(u[p] - out[p * nc]) <= 1e-14 * fmax(1.0, fabs(u[p])));
    wb_pinn_model_free(&m);
}

static void test_taylor_wave1d(void **state)
{
    (void)state;
    check_taylor(WB_PROBLEM_WAVE1D, false);
    check_taylor(WB_PROBLEM_WAVE1D, true);
}

static void test_taylor_wave2d(void **state)
{
    (void)state;
    check_taylor(WB_PROBLEM_WAVE2D, false);
    check_taylor(WB_PROBLEM_WAVE2D, true);
}

/* The hard-constraint model meets the initial and boundary conditions exactly. */
static void check_hard_conditions(int problem)
{
    struct wb_pinn_counts n = {8, 8, 8};
    struct wb_pinn_model m;
    make_model(&m, problem, WB_FP64, 8, 2, true, &n, 3);
    int d = m.d, nc = 1 + 2 * d;
    enum { NP = 32 };
    double pts[NP * WB_PINN_MAX_DIM], out[NP * WB_PINN_MAX_CHANNELS], u0[NP * WB_PINN_MAX_CHANNELS];
    wb_pinn_sample(pts, problem, WB_PINN_INITIAL, 4, 0, 0, NP);
    wb_pinn_predict_taylor(&m, out, pts, NP);
    wb_pinn_initial_taylor(u0, pts, NP, problem);
    for (int p = 0; p < NP; p++) {
        assert_true(out[p * nc] == u0[p * nc]);  /* u = u0 */
        assert_true(out[p * nc + d] == 0.0);     /* u_t = 0 */
    }
    wb_pinn_sample(pts, problem, WB_PINN_BOUNDARY, 4, 0, 0, NP);
    wb_pinn_predict_taylor(&m, out, pts, NP);
    wb_pinn_initial_taylor(u0, pts, NP, problem);
    for (int p = 0; p < NP; p++) {
        assert_true(out[p * nc] == u0[p * nc]); /* h = 0 exactly on the boundary */
        assert_true(fabs(out[p * nc]) < 1e-15); /* u0 = 0 there up to sin(pi) rounding */
    }
    /* the IC and BC terms vanish identically */
    double terms[WB_PINN_NTERMS];
    wb_pinn_loss(&m, terms);
    assert_true(terms[WB_PINN_PDE] > 0.0);
    assert_true(terms[WB_PINN_IC] == 0.0 && terms[WB_PINN_ICT] == 0.0 && terms[WB_PINN_BC] == 0.0);
    wb_pinn_model_free(&m);
}

static void test_hard_conditions(void **state)
{
    (void)state;
    check_hard_conditions(WB_PROBLEM_WAVE1D);
    check_hard_conditions(WB_PROBLEM_WAVE2D);
}

/* The loss terms equal the definitions evaluated from predicted Taylor channels. */
static void check_loss_definition(int problem, bool hard)
{
    struct wb_pinn_counts n = {40, 12, 10};
    struct wb_pinn_model m;
    make_model(&m, problem, WB_FP64, 12, 2, hard, &n, 8);
    int d = m.d, nc = 1 + 2 * d;
    double terms[WB_PINN_NTERMS];
    wb_pinn_loss(&m, terms);
    double pts[40 * WB_PINN_MAX_DIM], out[40 * WB_PINN_MAX_CHANNELS], r[40], u0[40 * WB_PINN_MAX_CHANNELS];
    double want[WB_PINN_NTERMS] = {0, 0, 0, 0};
    wb_pinn_sample(pts, problem, WB_PINN_INTERIOR, 8, 0, 0, n.interior);
    wb_pinn_predict_taylor(&m, out, pts, n.interior);
    wb_pinn_residual(r, out, n.interior, problem);
    for (int p = 0; p < n.interior; p++)
        want[WB_PINN_PDE] += r[p] * r[p] / (double)n.interior;
    if (!hard) {
        wb_pinn_sample(pts, problem, WB_PINN_INITIAL, 8, 0, 0, n.initial);
        wb_pinn_predict_taylor(&m, out, pts, n.initial);
        wb_pinn_initial_taylor(u0, pts, n.initial, problem);
        for (int p = 0; p < n.initial; p++) {
            double e = out[p * nc] - u0[p * nc], ut = out[p * nc + d];
            want[WB_PINN_IC] += e * e / (double)n.initial;
            want[WB_PINN_ICT] += ut * ut / (double)n.initial;
        }
        wb_pinn_sample(pts, problem, WB_PINN_BOUNDARY, 8, 0, 0, n.boundary);
        wb_pinn_predict_taylor(&m, out, pts, n.boundary);
        for (int p = 0; p < n.boundary; p++)
            want[WB_PINN_BC] += out[p * nc] * out[p * nc] / (double)n.boundary;
    }
    for (int t = 0; t < WB_PINN_NTERMS; t++)
        assert_true(fabs(terms[t] - want[t]) <= 1e-11 * fmax(1e-3, fabs(want[t])));
    wb_pinn_model_free(&m);
}

static void test_loss_definition(void **state)
{
    (void)state;
    for (int problem = WB_PROBLEM_WAVE1D; problem <= WB_PROBLEM_WAVE2D; problem++) {
        check_loss_definition(problem, false);
        check_loss_definition(problem, true);
    }
}

/* The sum over simulated ranks of local loss shares and gradients equals the
 * one-rank result: the contract train.c's allreduce relies on. */
static void check_ranks(int problem, int precision)
{
    struct wb_pinn_counts global = {101, 37, 29};
    struct wb_pinn_model one;
    make_model(&one, problem, precision, 10, 3, false, &global, 21);
    double terms1[WB_PINN_NTERMS];
    wb_pinn_loss_grad(&one, terms1, weights);
    int64_t np = one.n_params + WB_PINN_NTERMS;
    double *sum = calloc((size_t)np, sizeof *sum);
    assert_non_null(sum);
    const int nranks = 3;
    for (int rank = 0; rank < nranks; rank++) {
        struct wb_pinn_counts cap = {34, 13, 10};
        struct wb_pinn_model m;
        struct wb_error err;
        wb_error_clear(&err);
        assert_int_equal(wb_pinn_model_create(&m, problem, precision, 10, 3, false, &cap, &err), WB_OK);
        wb_pinn_model_init(&m, 21);
        assert_int_equal(wb_pinn_model_sample(&m, 21, 0, &global, rank, nranks, &err), WB_OK);
        double terms[WB_PINN_NTERMS];
        wb_pinn_loss_grad(&m, terms, weights);
        for (int64_t i = 0; i < np; i++)
            sum[i] += precision == WB_FP32 ? ((float *)m.grads)[i] : ((double *)m.grads)[i];
        wb_pinn_model_free(&m);
    }
    double tol = precision == WB_FP32 ? 1e-4 : 1e-12, gmax = 0.0;
    for (int64_t i = 0; i < np; i++)
        gmax = fmax(gmax, fabs(sum[i]));
    for (int64_t i = 0; i < np; i++) {
        double a = precision == WB_FP32 ? ((float *)one.grads)[i] : ((double *)one.grads)[i];
        assert_true(fabs(a - sum[i]) <= tol * gmax);
    }
    for (int t = 0; t < WB_PINN_NTERMS; t++)
        assert_true(fabs(terms1[t] - sum[one.n_params + t]) <= tol * fmax(1.0, terms1[t]));
    free(sum);
    wb_pinn_model_free(&one);
}

static void test_rank_independence(void **state)
{
    (void)state;
    check_ranks(WB_PROBLEM_WAVE1D, WB_FP64);
    check_ranks(WB_PROBLEM_WAVE2D, WB_FP64);
    check_ranks(WB_PROBLEM_WAVE2D, WB_FP32);
}

static void test_fp32_vs_fp64(void **state)
{
    (void)state;
    for (int problem = WB_PROBLEM_WAVE1D; problem <= WB_PROBLEM_WAVE2D; problem++) {
        struct wb_pinn_counts n = {64, 16, 16};
        struct wb_pinn_model m32, m64;
        make_model(&m32, problem, WB_FP32, 32, 3, false, &n, 2);
        make_model(&m64, problem, WB_FP64, 32, 3, false, &n, 2);
        for (int64_t i = 0; i < m32.n_params; i++)
            assert_true(((float *)m32.params)[i] == (float)((double *)m64.params)[i]);
        int nc = 1 + 2 * m64.d;
        double pts[64 * WB_PINN_MAX_DIM], o32[64 * WB_PINN_MAX_CHANNELS], o64[64 * WB_PINN_MAX_CHANNELS];
        wb_pinn_sample(pts, problem, WB_PINN_INTERIOR, 77, 0, 0, 64);
        wb_pinn_predict_taylor(&m32, o32, pts, 64);
        wb_pinn_predict_taylor(&m64, o64, pts, 64);
        double scale = 0.0;
        for (int i = 0; i < 64 * nc; i++)
            scale = fmax(scale, fabs(o64[i]));
        for (int i = 0; i < 64 * nc; i++)
            assert_true(fabs(o32[i] - o64[i]) <= 2e-5 * scale);
        double t32[WB_PINN_NTERMS], t64[WB_PINN_NTERMS];
        wb_pinn_loss_grad(&m32, t32, weights);
        wb_pinn_loss_grad(&m64, t64, weights);
        for (int t = 0; t < WB_PINN_NTERMS; t++)
            assert_true(fabs(t32[t] - t64[t]) <= 1e-4 * fabs(t64[t]));
        double gmax = 0.0;
        for (int64_t i = 0; i < m64.n_params; i++)
            gmax = fmax(gmax, fabs(((double *)m64.grads)[i]));
        for (int64_t i = 0; i < m64.n_params; i++)
            assert_true(fabs(((float *)m32.grads)[i] - ((double *)m64.grads)[i]) <= 1e-4 * gmax);
        wb_pinn_model_free(&m32);
        wb_pinn_model_free(&m64);
    }
}

/* Glorot normal: biases zero, weights with the right spread, deterministic. */
static void test_init(void **state)
{
    (void)state;
    struct wb_pinn_counts n = {8, 8, 8};
    struct wb_pinn_model m, m2;
    make_model(&m, WB_PROBLEM_WAVE1D, WB_FP64, 64, 3, false, &n, 42);
    make_model(&m2, WB_PROBLEM_WAVE1D, WB_FP64, 64, 3, false, &n, 42);
    assert_int_equal(m.n_params, wb_pinn_param_count(2, 64, 3));
    assert_int_equal(wb_pinn_param_count(2, 8, 2), 8 * 3 + 8 * 9 + 9);
    assert_memory_equal(m.params, m2.params, (size_t)m.n_params * sizeof(double));
    const double *p = m.params;
    int64_t off = 64 * 3; /* hidden layer 1: W [64][64] then b [64] */
    double s = 0.0, s2 = 0.0;
    for (int i = 0; i < 64 * 64; i++) {
        s += p[off + i];
        s2 += p[off + i] * p[off + i];
    }
    double mean = s / 4096, sd = sqrt(s2 / 4096 - mean * mean);
    assert_true(fabs(mean) < 0.01);
    assert_true(fabs(sd / sqrt(2.0 / 128) - 1.0) < 0.05);
    for (int i = 0; i < 64; i++) {
        assert_true(p[64 * 2 + i] == 0.0);
        assert_true(p[off + 4096 + i] == 0.0);
    }
    wb_pinn_model_free(&m);
    wb_pinn_model_free(&m2);
}

static void test_errors(void **state)
{
    (void)state;
    struct wb_pinn_counts n = {8, 4, 4}, big = {9, 4, 4};
    struct wb_pinn_model m;
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_pinn_model_create(&m, WB_PROBLEM_WAVE1D, WB_FP64, 0, 2, false, &n, &err), WB_ERR_USAGE);
    wb_error_clear(&err);
    assert_int_equal(wb_pinn_model_create(&m, WB_PROBLEM_WAVE1D, WB_FP64, 4, 0, false, &n, &err), WB_ERR_USAGE);
    wb_error_clear(&err);
    assert_int_equal(wb_pinn_model_create(&m, 7, WB_FP64, 4, 2, false, &n, &err), WB_ERR_USAGE);
    wb_error_clear(&err);
    assert_int_equal(wb_pinn_model_create(&m, WB_PROBLEM_WAVE1D, WB_FP64, 4, 2, false, &n, &err), WB_OK);
    assert_int_equal(wb_pinn_model_sample(&m, 1, 0, &big, 0, 1, &err), WB_ERR_USAGE);
    assert_non_null(strstr(err.msg, "capacity"));
    wb_error_clear(&err);
    struct wb_pinn_counts none = {8, 0, 4};
    assert_int_equal(wb_pinn_model_sample(&m, 1, 0, &none, 0, 1, &err), WB_ERR_USAGE);
    wb_pinn_model_free(&m);
    wb_pinn_model_free(&m); /* a second free is harmless */
}

/* Loss and gradient on several threads: the same bits on every call with a
 * given thread count, the one-thread result up to rounding for any count
 * (also more threads than tiles), and back on one thread the one-thread bits. */
static void check_threads(int problem, int precision, bool hard)
{
    struct wb_pinn_counts n = {1000, 300, 200};
    struct wb_pinn_model m;
    make_model(&m, problem, precision, 12, 3, hard, &n, 5);
    size_t rs = precision == WB_FP32 ? sizeof(float) : sizeof(double);
    int64_t np = m.n_params + WB_PINN_NTERMS;
    char *one = malloc((size_t)np * rs), *many = malloc((size_t)np * rs);
    assert_non_null(one);
    assert_non_null(many);
    double t1[WB_PINN_NTERMS], t[WB_PINN_NTERMS], tl[WB_PINN_NTERMS];
    wb_pinn_loss_grad(&m, t1, weights);
    memcpy(one, m.grads, (size_t)np * rs);
    double gmax = 0.0;
    for (int64_t i = 0; i < np; i++)
        gmax = fmax(gmax, fabs(precision == WB_FP32 ? ((float *)(void *)one)[i] : ((double *)(void *)one)[i]));
    double tol = precision == WB_FP32 ? 1e-5 : 1e-13;
    struct wb_error err;
    wb_error_clear(&err);
    const int counts[] = {2, 3, 64};
    for (int c = 0; c < 3; c++) {
        assert_int_equal(wb_pinn_model_set_threads(&m, counts[c], &err), WB_OK);
        wb_pinn_loss_grad(&m, t, weights);
        memcpy(many, m.grads, (size_t)np * rs);
        for (int64_t i = 0; i < np; i++) {
            double a = precision == WB_FP32 ? ((float *)(void *)one)[i] : ((double *)(void *)one)[i];
            double b = precision == WB_FP32 ? ((float *)(void *)many)[i] : ((double *)(void *)many)[i];
            assert_true(fabs(a - b) <= tol * gmax);
        }
        for (int k = 0; k < WB_PINN_NTERMS; k++)
            assert_true(fabs(t[k] - t1[k]) <= tol * fmax(1.0, t1[k]));
        wb_pinn_loss_grad(&m, t, weights);
        assert_memory_equal(many, m.grads, (size_t)np * rs);
        wb_pinn_loss(&m, tl);
        for (int k = 0; k < WB_PINN_NTERMS; k++)
            assert_true(tl[k] == t[k]);
    }
    assert_int_equal(wb_pinn_model_set_threads(&m, 1, &err), WB_OK);
    wb_pinn_loss_grad(&m, t, weights);
    assert_memory_equal(one, m.grads, (size_t)np * rs);
    assert_int_equal(wb_pinn_model_set_threads(&m, 0, &err), WB_ERR_USAGE);
    assert_int_equal(wb_pinn_model_set_threads(&m, 2, &err), WB_OK);
    free(one);
    free(many);
    wb_pinn_model_free(&m); /* stops the workers */
}

static void test_threads(void **state)
{
    (void)state;
    check_threads(WB_PROBLEM_WAVE1D, WB_FP64, false);
    check_threads(WB_PROBLEM_WAVE2D, WB_FP64, false);
    check_threads(WB_PROBLEM_WAVE2D, WB_FP64, true);
    check_threads(WB_PROBLEM_WAVE1D, WB_FP32, false);
}

static void test_flops(void **state)
{
    (void)state;
    struct wb_pinn_counts n = {100, 10, 10};
    /* d 2, W 4, D 2: R = 500 + 20 + 10 = 530, V = 120 */
    double want = 6.0 * 530 * 16 + 5.0 * 530 * 4 + 4.0 * 120 * 2 * 4 + (530 - 120) * 4;
    assert_true(wb_pinn_flops_per_iter(2, 4, 2, false, &n) == want);
    /* hard: R = 500, V = 100 */
    want = 6.0 * 500 * 16 + 5.0 * 500 * 4 + 4.0 * 100 * 2 * 4 + 400 * 4;
    assert_true(wb_pinn_flops_per_iter(2, 4, 2, true, &n) == want);
}

/* 300 Adam steps of a small net on wave1d lower the loss at least 5-fold (measured: about 10). */
static void check_training(int precision)
{
    struct wb_pinn_counts n = {256, 64, 64};
    struct wb_pinn_model m;
    make_model(&m, WB_PROBLEM_WAVE1D, precision, 16, 2, false, &n, 1);
    struct wb_pinn_adam opt;
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_pinn_adam_create(&opt, precision, m.n_params, 1e-2, 0.9, 100, &err), WB_OK);
    const double ones[WB_PINN_NTERMS] = {1, 1, 1, 1};
    double terms[WB_PINN_NTERMS], first = 0.0, last = 0.0;
    for (int it = 0; it < 300; it++) {
        wb_pinn_loss_grad(&m, terms, ones);
        if (it == 0)
            first = wb_pinn_loss_total(terms, ones);
        wb_pinn_adam_step(&opt, m.params, m.grads);
    }
    wb_pinn_loss(&m, terms);
    last = wb_pinn_loss_total(terms, ones);
    print_message("precision %d: loss %.4e -> %.4e after 300 steps (factor %.1f)\n", precision, first,
                  last, first / last);
    assert_true(isfinite(last));
    assert_true(last * 5.0 < first);
    wb_pinn_adam_free(&opt);
    wb_pinn_model_free(&m);
}

static void test_training(void **state)
{
    (void)state;
    check_training(WB_FP64);
    check_training(WB_FP32);
}

/* The flags of /proc/cpuinfo's first CPU contain every one of names. */
static int cpu_has_all(const char *const *names, size_t n)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[8192];
    int found = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "flags", 5) == 0) {
            found = 1;
            for (size_t i = 0; i < n; i++) {
                char word[64];
                snprintf(word, sizeof word, " %s", names[i]);
                size_t len = strlen(word);
                const char *p = line;
                int hit = 0;
                while ((p = strstr(p, word)) && !hit) {
                    hit = p[len] == ' ' || p[len] == '\n';
                    p += len;
                }
                found &= hit;
            }
            break;
        }
    if (f)
        fclose(f);
    return found;
}

/* The clone the results file names is the one the ISA levels' definitions pick, decided
 * here from /proc/cpuinfo's flags, not from the compiler's CPU model the code asks. */
static void test_kernel_variant(void **state)
{
    (void)state;
    const char *v = wb_pinn_kernel_variant();
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_THREAD__)
    static const char *const v4[] = {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"};
    static const char *const v3[] = {"avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe",
                                     "xsave"};
    const char *want = cpu_has_all(v4, 5) && cpu_has_all(v3, 8) ? "x86-64-v4"
                       : cpu_has_all(v3, 8)                     ? "x86-64-v3"
                                                                : "default";
    assert_true(strncmp(v, want, strlen(want)) == 0);
#else
    assert_true(strncmp(v, "single build", 12) == 0);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gradient_wave1d),
        cmocka_unit_test(test_gradient_wave1d_hard),
        cmocka_unit_test(test_gradient_wave2d),
        cmocka_unit_test(test_gradient_wave2d_hard),
        cmocka_unit_test(test_taylor_wave1d),
        cmocka_unit_test(test_taylor_wave2d),
        cmocka_unit_test(test_hard_conditions),
        cmocka_unit_test(test_loss_definition),
        cmocka_unit_test(test_rank_independence),
        cmocka_unit_test(test_fp32_vs_fp64),
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_flops),
        cmocka_unit_test(test_training),
        cmocka_unit_test(test_kernel_variant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
