/* Unit tests of the PINN problems: exact solutions, residual, ansatz, sampling, grids. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wavebench/pinn.h"

typedef void taylor_fn(double *out, const double *pts, int64_t n, int problem);

/* Channels of fn against central differences of its own value and first channels. */
static void check_channels(taylor_fn *fn, int problem)
{
    int d = wb_pinn_dim(problem), nc = 1 + 2 * d;
    enum { NP = 20 };
    double pts[NP * WB_PINN_MAX_DIM];
    wb_pinn_sample(pts, problem, WB_PINN_INTERIOR, 3, 0, 0, NP);
    const double h = 1e-5;
    for (int p = 0; p < NP; p++) {
        double o[WB_PINN_MAX_CHANNELS];
        fn(o, pts + p * d, 1, problem);
        for (int k = 0; k < d; k++) {
            double xp[WB_PINN_MAX_DIM], xm[WB_PINN_MAX_DIM], op[WB_PINN_MAX_CHANNELS], om[WB_PINN_MAX_CHANNELS];
            memcpy(xp, pts + p * d, (size_t)d * sizeof *xp);
            memcpy(xm, pts + p * d, (size_t)d * sizeof *xm);
            xp[k] += h;
            xm[k] -= h;
            fn(op, xp, 1, problem);
            fn(om, xm, 1, problem);
            double d1 = (op[0] - om[0]) / (2 * h), d2 = (op[1 + k] - om[1 + k]) / (2 * h);
            assert_true(fabs(d1 - o[1 + k]) <= 1e-7 * fmax(1.0, fabs(o[1 + k])));
            assert_true(fabs(d2 - o[1 + d + k]) <= 1e-7 * fmax(1.0, fabs(o[1 + d + k])));
        }
        (void)nc;
    }
}

static void test_dims(void **state)
{
    (void)state;
    assert_int_equal(wb_pinn_dim(WB_PROBLEM_WAVE1D), 2);
    assert_int_equal(wb_pinn_dim(WB_PROBLEM_WAVE2D), 3);
    assert_int_equal(wb_pinn_dim(42), 0);
    assert_true(wb_pinn_speed(WB_PROBLEM_WAVE1D) == 2.0);
    assert_true(wb_pinn_speed(WB_PROBLEM_WAVE2D) == 1.0);
}

static void test_channels(void **state)
{
    (void)state;
    for (int problem = WB_PROBLEM_WAVE1D; problem <= WB_PROBLEM_WAVE2D; problem++) {
        check_channels(wb_pinn_exact_taylor, problem);
        check_channels(wb_pinn_initial_taylor, problem);
        check_channels(wb_pinn_ansatz_taylor, problem);
    }
}

/* The exact solution solves the PDE and meets the initial and boundary conditions. */
static void test_exact_solution(void **state)
{
    (void)state;
    enum { NP = 200 };
    for (int problem = WB_PROBLEM_WAVE1D; problem <= WB_PROBLEM_WAVE2D; problem++) {
        int d = wb_pinn_dim(problem), nc = 1 + 2 * d;
        double pts[NP * WB_PINN_MAX_DIM], o[NP * WB_PINN_MAX_CHANNELS], u0[NP * WB_PINN_MAX_CHANNELS];
        double r[NP], u[NP];
        wb_pinn_sample(pts, problem, WB_PINN_INTERIOR, 1, 0, 0, NP);
        wb_pinn_exact_taylor(o, pts, NP, problem);
        wb_pinn_residual(r, o, NP, problem);
        double scale = 0.0;
        for (int p = 0; p < NP; p++)
            scale = fmax(scale, fabs(o[p * nc + 2 * d]));
        assert_true(scale > 1.0); /* a residual of zero from zero channels proves nothing */
        for (int p = 0; p < NP; p++)
            assert_true(fabs(r[p]) <= 1e-13 * scale);
        wb_pinn_exact(u, pts, NP, problem);
        for (int p = 0; p < NP; p++)
            assert_true(u[p] == o[p * nc]);
        /* t = 0: u = u0 with its spatial derivatives, u_t = 0 */
        wb_pinn_sample(pts, problem, WB_PINN_INITIAL, 1, 0, 0, NP);
        wb_pinn_exact_taylor(o, pts, NP, problem);
        wb_pinn_initial_taylor(u0, pts, NP, problem);
        for (int p = 0; p < NP; p++) {
            assert_true(fabs(o[p * nc] - u0[p * nc]) <= 1e-15);
            assert_true(fabs(o[p * nc + d]) <= 1e-15);
            for (int k = 0; k < d - 1; k++) {
                assert_true(fabs(o[p * nc + 1 + k] - u0[p * nc + 1 + k]) <= 1e-13);
                assert_true(fabs(o[p * nc + 1 + d + k] - u0[p * nc + 1 + d + k]) <= 1e-12);
            }
        }
        wb_pinn_sample(pts, problem, WB_PINN_BOUNDARY, 1, 0, 0, NP);
        wb_pinn_exact(u, pts, NP, problem);
        for (int p = 0; p < NP; p++)
            assert_true(fabs(u[p]) <= 1e-15);
    }
}

/* The ansatz factor vanishes exactly at t = 0 (with its time derivative) and on the boundary. */
static void test_ansatz_zeros(void **state)
{
    (void)state;
    enum { NP = 100 };
    for (int problem = WB_PROBLEM_WAVE1D; problem <= WB_PROBLEM_WAVE2D; problem++) {
        int d = wb_pinn_dim(problem), nc = 1 + 2 * d;
        double pts[NP * WB_PINN_MAX_DIM], h[NP * WB_PINN_MAX_CHANNELS];
        wb_pinn_sample(pts, problem, WB_PINN_INITIAL, 2, 0, 0, NP);
        wb_pinn_ansatz_taylor(h, pts, NP, problem);
        for (int p = 0; p < NP; p++)
            assert_true(h[p * nc] == 0.0 && h[p * nc + d] == 0.0);
        wb_pinn_sample(pts, problem, WB_PINN_BOUNDARY, 2, 0, 0, NP);
        wb_pinn_ansatz_taylor(h, pts, NP, problem);
        for (int p = 0; p < NP; p++)
            assert_true(h[p * nc] == 0.0);
    }
}

/* Shares generated separately are the slices of the whole, for any rank count. */
static void test_sampling_shares(void **state)
{
    (void)state;
    enum { N = 1001 };
    double *whole = malloc(N * WB_PINN_MAX_DIM * sizeof *whole);
    double *part = malloc(N * WB_PINN_MAX_DIM * sizeof *part);
    assert_non_null(whole);
    assert_non_null(part);
    for (int problem = WB_PROBLEM_WAVE1D; problem <= WB_PROBLEM_WAVE2D; problem++) {
        int d = wb_pinn_dim(problem);
        for (int kind = 0; kind < WB_PINN_KIND_COUNT; kind++) {
            wb_pinn_sample(whole, problem, kind, 123, 4, 0, N);
            for (int nranks = 1; nranks <= 7; nranks += 3) {
                int64_t next = 0;
                for (int rank = 0; rank < nranks; rank++) {
                    int64_t first, count;
                    wb_pinn_share(&first, &count, N, rank, nranks);
                    assert_int_equal(first, next);
                    next = first + count;
                    wb_pinn_sample(part, problem, kind, 123, 4, first, count);
                    assert_memory_equal(part, whole + first * d, (size_t)(count * d) * sizeof *part);
                }
                assert_int_equal(next, N);
            }
            /* another epoch or seed gives other points */
            wb_pinn_sample(part, problem, kind, 123, 5, 0, N);
            assert_true(memcmp(part, whole, N * (size_t)d * sizeof *part) != 0);
            wb_pinn_sample(part, problem, kind, 124, 4, 0, N);
            assert_true(memcmp(part, whole, N * (size_t)d * sizeof *part) != 0);
        }
    }
    free(whole);
    free(part);
}

/* Points lie in the domain; initial points at t = 0; boundary points on the
 * spatial boundary with every face used; coordinates roughly uniform. */
static void test_sampling_domain(void **state)
{
    (void)state;
    enum { N = 4000 };
    double *pts = malloc(N * WB_PINN_MAX_DIM * sizeof *pts);
    assert_non_null(pts);
    for (int problem = WB_PROBLEM_WAVE1D; problem <= WB_PROBLEM_WAVE2D; problem++) {
        int d = wb_pinn_dim(problem);
        for (int kind = 0; kind < WB_PINN_KIND_COUNT; kind++) {
            wb_pinn_sample(pts, problem, kind, 9, 0, 0, N);
            int faces[2 * WB_PINN_MAX_DIM] = {0};
            double mean_t = 0.0;
            for (int p = 0; p < N; p++) {
                const double *x = pts + p * d;
                for (int k = 0; k < d; k++)
                    assert_true(x[k] >= 0.0 && x[k] <= 1.0);
                mean_t += x[d - 1] / N;
                if (kind == WB_PINN_INITIAL)
                    assert_true(x[d - 1] == 0.0);
                if (kind == WB_PINN_BOUNDARY) {
                    int on = 0;
                    for (int k = 0; k < d - 1; k++)
                        if (x[k] == 0.0 || x[k] == 1.0) {
                            on++;
                            faces[2 * k + (x[k] == 1.0)]++;
                        }
                    assert_int_equal(on, 1);
                }
            }
            if (kind != WB_PINN_INITIAL)
                assert_true(fabs(mean_t - 0.5) < 0.02);
            if (kind == WB_PINN_BOUNDARY)
                for (int f = 0; f < 2 * (d - 1); f++)
                    assert_true(abs(faces[f] - N / (2 * (d - 1))) < N / 10);
        }
    }
    free(pts);
}

static void test_share(void **state)
{
    (void)state;
    int64_t first, count;
    wb_pinn_share(&first, &count, 10, 0, 4);
    assert_int_equal(first, 0);
    assert_int_equal(count, 3);
    wb_pinn_share(&first, &count, 10, 3, 4);
    assert_int_equal(first, 8);
    assert_int_equal(count, 2);
    wb_pinn_share(&first, &count, 2, 3, 4);
    assert_int_equal(first, 2);
    assert_int_equal(count, 0);
}

static void test_grid(void **state)
{
    (void)state;
    double pts[5 * 5 * 5 * 3], part[7 * 3];
    wb_pinn_grid(pts, WB_PROBLEM_WAVE2D, 5, 0, 125);
    /* index = (it * g + iy) * g + ix, nodes k / (g - 1) */
    assert_true(pts[0] == 0.0 && pts[1] == 0.0 && pts[2] == 0.0);
    assert_true(pts[3 * 1 + 0] == 0.25);
    assert_true(pts[3 * 5 + 1] == 0.25);
    assert_true(pts[3 * 25 + 2] == 0.25);
    assert_true(pts[3 * 124 + 0] == 1.0 && pts[3 * 124 + 1] == 1.0 && pts[3 * 124 + 2] == 1.0);
    wb_pinn_grid(part, WB_PROBLEM_WAVE2D, 5, 60, 7);
    assert_memory_equal(part, pts + 60 * 3, sizeof part);
    double p1[4 * 2];
    wb_pinn_grid(p1, WB_PROBLEM_WAVE1D, 2, 0, 4);
    const double want[8] = {0, 0, 1, 0, 0, 1, 1, 1};
    assert_memory_equal(p1, want, sizeof want);
}

static void test_uniform(void **state)
{
    (void)state;
    double s = 0.0, lo = 1.0, hi = 0.0;
    for (uint64_t i = 0; i < 100000; i++) {
        double u = wb_pinn_uniform(1, 2, i);
        assert_true(u >= 0.0 && u < 1.0);
        s += u;
        lo = fmin(lo, u);
        hi = fmax(hi, u);
    }
    assert_true(fabs(s / 100000 - 0.5) < 0.005);
    assert_true(lo < 1e-3 && hi > 1 - 1e-3);
    /* a pure function of (seed, stream, index) */
    assert_true(wb_pinn_uniform(5, 6, 7) == wb_pinn_uniform(5, 6, 7));
    assert_true(wb_pinn_uniform(5, 6, 7) != wb_pinn_uniform(5, 6, 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dims),
        cmocka_unit_test(test_channels),
        cmocka_unit_test(test_exact_solution),
        cmocka_unit_test(test_ansatz_zeros),
        cmocka_unit_test(test_sampling_shares),
        cmocka_unit_test(test_sampling_domain),
        cmocka_unit_test(test_share),
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_uniform),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
