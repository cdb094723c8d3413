/* Unit tests of the PINN optimizer: Adam against a hand-written reference, lr decay, state. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "wavebench/pinn.h"

enum { N = 5, STEPS = 25 };
static const double target[N] = {1.0, -2.0, 0.5, 3.0, -0.25};
static const double curv[N] = {1.0, 10.0, 0.1, 2.0, 50.0};

/* Gradient of f(p) = 1/2 sum curv (p - target)^2. */
static void quad_grad(double *g, const double *p)
{
    for (int i = 0; i < N; i++)
        g[i] = curv[i] * (p[i] - target[i]);
}

/* Adam as written in Kingma & Ba, Algorithm 1, with lr decayed per step. */
static void reference(double *p, int steps, double lr, double decay, int64_t decay_steps)
{
    double m[N] = {0}, v[N] = {0}, g[N];
    for (int t = 1; t <= steps; t++) {
        quad_grad(g, p);
        double a = decay_steps > 0 ? lr * pow(decay, (double)(t - 1) / (double)decay_steps) : lr;
        for (int i = 0; i < N; i++) {
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
            double mhat = m[i] / (1 - pow(0.9, t)), vhat = v[i] / (1 - pow(0.999, t));
            p[i] -= a * mhat / (sqrt(vhat) + 1e-8);
        }
    }
}

static void check_against_reference(int precision, double lr, double decay, int64_t decay_steps, double tol)
{
    struct wb_pinn_adam opt;
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_pinn_adam_create(&opt, precision, N, lr, decay, decay_steps, &err), WB_OK);
    double p[N] = {0}, want[N] = {0}, g[N];
    float pf[N] = {0}, gf[N];
    for (int t = 0; t < STEPS; t++) {
        if (precision == WB_FP64) {
            quad_grad(g, p);
            wb_pinn_adam_step(&opt, p, g);
        } else {
            double pd[N];
            for (int i = 0; i < N; i++)
                pd[i] = pf[i];
            quad_grad(g, pd);
            for (int i = 0; i < N; i++)
                gf[i] = (float)g[i];
            wb_pinn_adam_step(&opt, pf, gf);
        }
    }
    assert_int_equal(opt.step, STEPS);
    reference(want, STEPS, lr, decay, decay_steps);
    for (int i = 0; i < N; i++) {
        double got = precision == WB_FP64 ? p[i] : pf[i];
        assert_true(fabs(got - want[i]) <= tol * fmax(1.0, fabs(want[i])));
        assert_true(fabs(want[i]) > 0.1); /* the parameters really moved */
    }
    wb_pinn_adam_free(&opt);
    wb_pinn_adam_free(&opt);
}

static void test_adam_fp64(void **state)
{
    (void)state;
    check_against_reference(WB_FP64, 0.1, 1.0, 0, 1e-13);
}

static void test_adam_fp64_decay(void **state)
{
    (void)state;
    check_against_reference(WB_FP64, 0.1, 0.5, 10, 1e-13);
}

static void test_adam_fp32(void **state)
{
    (void)state;
    check_against_reference(WB_FP32, 0.1, 0.5, 10, 1e-5);
}

static void test_lr_schedule(void **state)
{
    (void)state;
    struct wb_pinn_adam opt;
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_pinn_adam_create(&opt, WB_FP64, 1, 1e-3, 0.9, 1000, &err), WB_OK);
    assert_true(wb_pinn_adam_lr(&opt) == 1e-3);
    opt.step = 1000;
    assert_true(fabs(wb_pinn_adam_lr(&opt) - 0.9e-3) < 1e-18);
    opt.step = 500;
    assert_true(fabs(wb_pinn_adam_lr(&opt) - 1e-3 * sqrt(0.9)) < 1e-18);
    opt.decay_steps = 0; /* no decay */
    assert_true(wb_pinn_adam_lr(&opt) == 1e-3);
    wb_pinn_adam_free(&opt);
}

/* Restoring (step, m, v) continues bit-exactly, as a checkpoint must. */
static void test_state_restore(void **state)
{
    (void)state;
    struct wb_pinn_adam a, b;
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_pinn_adam_create(&a, WB_FP64, N, 0.05, 0.7, 4, &err), WB_OK);
    assert_int_equal(wb_pinn_adam_create(&b, WB_FP64, N, 0.05, 0.7, 4, &err), WB_OK);
    double pa[N] = {0}, pb[N], g[N];
    for (int t = 0; t < 10; t++) {
        quad_grad(g, pa);
        wb_pinn_adam_step(&a, pa, g);
    }
    memcpy(pb, pa, sizeof pb);
    memcpy(b.m, a.m, sizeof(double) * N);
    memcpy(b.v, a.v, sizeof(double) * N);
    b.step = a.step;
    for (int t = 0; t < 10; t++) {
        quad_grad(g, pa);
        wb_pinn_adam_step(&a, pa, g);
        quad_grad(g, pb);
        wb_pinn_adam_step(&b, pb, g);
    }
    assert_memory_equal(pa, pb, sizeof pa);
    wb_pinn_adam_free(&a);
    wb_pinn_adam_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adam_fp64),
        cmocka_unit_test(test_adam_fp64_decay),
        cmocka_unit_test(test_adam_fp32),
        cmocka_unit_test(test_lr_schedule),
        cmocka_unit_test(test_state_restore),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
