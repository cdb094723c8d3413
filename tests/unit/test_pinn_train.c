/* Unit tests of the training loop's pure parts: the threads = auto rule, the timing
 * summary (warm-up, events, the wait/transfer split) on one rank, and the BLAS probe. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <mpi.h>

#include "wavebench/blas_probe.h"
#include "wavebench/pinn.h"
#include "wavebench/pinn_timing.h"
#include "wavebench/train.h"

static void test_auto_threads(void **state)
{
    (void)state;
    /* Unbound: the node's CPUs shared by its ranks. */
    assert_int_equal(wb_pinn_auto_threads(2, 2, 2), 1);
    assert_int_equal(wb_pinn_auto_threads(16, 16, 2), 8);
    /* mpirun --bind-to core: one CPU each, whatever the node has. */
    assert_int_equal(wb_pinn_auto_threads(16, 1, 4), 1);
    /* srun --cpus-per-task=4 on a 64-CPU node with 16 tasks. */
    assert_int_equal(wb_pinn_auto_threads(64, 4, 16), 4);
    /* More ranks than CPUs, or a mask the node share exceeds: never below one. */
    assert_int_equal(wb_pinn_auto_threads(2, 2, 16), 1);
    assert_int_equal(wb_pinn_auto_threads(512, 512, 1), 256);
}

static void test_warmup_rule(void **state)
{
    (void)state;
    assert_int_equal(wb_pinn_timing_warmup(5, 50), 5);
    assert_int_equal(wb_pinn_timing_warmup(0, 50), 0);
    /* A short run keeps one timed iteration. */
    assert_int_equal(wb_pinn_timing_warmup(5, 3), 2);
    assert_int_equal(wb_pinn_timing_warmup(5, 1), 0);
    assert_int_equal(wb_pinn_timing_warmup(5, 0), 0);
}

#define N 40
#define WARM 5

/* A run of N iterations of 10 ms each, of which compute 7 and all-reduce 2, with cold
 * first iterations (1 s), and evaluations and checkpoints of 5 s kept out of them. */
static void fill(double *series[WB_PINN_T_COUNT], struct wb_pinn_events *ev)
{
    for (int i = 0; i < N; i++) {
        double cold = i < WARM ? 1.0 : 0;
        series[WB_PINN_T_ITER][i] = 0.010 + cold + 1e-6 * (i % 3);
        series[WB_PINN_T_COMPUTE][i] = 0.007 + cold;
        series[WB_PINN_T_ALLREDUCE][i] = 0.002;
        series[WB_PINN_T_WAIT][i] = 0;
        series[WB_PINN_T_OTHER][i] = 0.001;
        series[WB_PINN_T_STOP][i] = 1e-5;
    }
    ev->n[WB_PINN_EV_EVAL] = 4;
    ev->n[WB_PINN_EV_CHECKPOINT] = 1;
    for (int k = 0; k < 4; k++)
        ev->t[WB_PINN_EV_EVAL][k] = 5.0 + k;
    ev->t[WB_PINN_EV_CHECKPOINT][0] = 3.0;
}

static void test_timing_summary(void **state)
{
    (void)state;
    double buf[WB_PINN_T_COUNT][N], evbuf[WB_PINN_EV_COUNT][N];
    double *series[WB_PINN_T_COUNT];
    struct wb_pinn_events ev = {{evbuf[0], evbuf[1]}, {0, 0}};
    for (int k = 0; k < WB_PINN_T_COUNT; k++)
        series[k] = buf[k];
    fill(series, &ev);
    struct wb_pinn_timing tm;
    assert_int_equal(wb_pinn_timing_split_wait(series[WB_PINN_T_WAIT], series[WB_PINN_T_ALLREDUCE],
                                               N, MPI_COMM_WORLD),
                     MPI_SUCCESS);
    assert_int_equal(wb_pinn_timing_summarize(&tm, series, N, WARM, &ev, MPI_COMM_WORLD),
                     MPI_SUCCESS);
    /* Warm-up left out and counted: the cold iterations do not reach the figures. */
    assert_int_equal(tm.warmup, WARM);
    assert_int_equal(tm.timed, N - WARM);
    assert_int_equal(tm.s[WB_PINN_T_ITER].slowest.n, N - WARM);
    assert_true(fabs(tm.s[WB_PINN_T_ITER].slowest.median - 0.010) < 2e-6);
    assert_true(tm.s[WB_PINN_T_ITER].slowest.max < 0.011);
    assert_true(fabs(tm.s[WB_PINN_T_COMPUTE].slowest.median - 0.007) < 1e-12);
    /* 35 timed iterations: a CI of the median exists and holds it. */
    assert_true(tm.s[WB_PINN_T_ITER].slowest.ci_lo <= tm.s[WB_PINN_T_ITER].slowest.median);
    assert_true(tm.s[WB_PINN_T_ITER].slowest.ci_hi >= tm.s[WB_PINN_T_ITER].slowest.median);
    /* Events are their own figures, over all of them. */
    assert_int_equal(tm.n_ev[WB_PINN_EV_EVAL], 4);
    assert_true(fabs(tm.ev[WB_PINN_EV_EVAL].slowest.median - 6.5) < 1e-12);
    assert_true(fabs(tm.ev[WB_PINN_EV_CHECKPOINT].slowest.median - 3.0) < 1e-12);
    /* One rank: it is the last to arrive, so it waits nothing; all of it is transfer. */
    assert_true(tm.s[WB_PINN_T_WAIT].slowest.max == 0);
    assert_true(fabs(tm.transfer.slowest.median - 0.002) < 1e-12);
}

static void test_timing_no_events(void **state)
{
    (void)state;
    double it[1] = {0.5}, zero[1] = {0};
    double *series[WB_PINN_T_COUNT] = {it, it, zero, zero, zero, zero};
    struct wb_pinn_events ev = {{NULL, NULL}, {0, 0}};
    struct wb_pinn_timing tm;
    assert_int_equal(wb_pinn_timing_summarize(&tm, series, 1, 0, &ev, MPI_COMM_WORLD), MPI_SUCCESS);
    assert_true(tm.s[WB_PINN_T_ITER].slowest.median == 0.5);
    assert_true(isnan(tm.ev[WB_PINN_EV_EVAL].slowest.median));
    assert_true(isnan(tm.ev[WB_PINN_EV_CHECKPOINT].slowest.median));
}

/* The probe at a network's own shapes and at a square one: positive, finite rates, and a
 * training step's GFLOP/s (GEMMs plus elementwise work) below them. */
static void test_blas_probe(void **state)
{
    (void)state;
    struct wb_error err;
    wb_error_clear(&err);
    struct wb_pinn_counts cap = {256, 32, 32};
    struct wb_pinn_model m = {0};
    assert_int_equal(wb_pinn_model_create(&m, WB_PROBLEM_WAVE1D, WB_FP64, 32, 3, false, &cap, &err), WB_OK);
    struct wb_blas_gemm g[3];
    assert_int_equal(wb_pinn_gemm_shapes(&m, g), 3);
    assert_int_equal(g[0].n, 32);
    assert_int_equal(g[1].k, g[0].m);
    assert_true(g[1].trans_a && g[1].accumulate);
    assert_int_equal(g[0].calls, 2);
    struct wb_blas_rate shapes = {0}, two = {0}, square = {0};
    assert_int_equal(wb_blas_probe_sequence(&shapes, g, 3, WB_FP64, 1, 0.05, &err), WB_OK);
    assert_int_equal(wb_blas_probe_sequence(&two, g, 3, WB_FP64, 2, 0.05, &err), WB_OK);
    assert_true(isfinite(two.gflops) && two.gflops > 0);
    assert_int_equal(wb_blas_probe_square(&square, 256, WB_FP64, 1, 0.05, &err), WB_OK);
    assert_true(isfinite(shapes.gflops) && shapes.gflops > 0);
    assert_true(isfinite(square.gflops) && square.gflops > 0);
    assert_true(shapes.calls >= 1 && shapes.calls <= 3 && square.size <= 256);
    /* What the loop achieves is a share of the bound: time one loss and gradient. */
    wb_pinn_model_init(&m, 1);
    struct wb_pinn_counts pts = {256, 32, 32};
    assert_int_equal(wb_pinn_model_sample(&m, 1, 0, &pts, 0, 1, &err), WB_OK);
    const double weights[WB_PINN_NTERMS] = {1, 1, 1, 1};
    double terms[WB_PINN_NTERMS], best = INFINITY;
    for (int r = 0; r < 5; r++) {
        double t0 = MPI_Wtime();
        wb_pinn_loss_grad(&m, terms, weights);
        double t = MPI_Wtime() - t0;
        best = t < best ? t : best;
    }
    double gflops = wb_pinn_flops_per_iter(m.d, m.width, m.depth, false, &pts) / best / 1e9;
    /* 150%: headroom for a noisy, shared machine. */
    assert_true(100 * gflops / shapes.gflops < 150);
    assert_int_equal(wb_pinn_gemm_shapes(&(struct wb_pinn_model){.depth = 1}, g), 0);
    wb_pinn_model_free(&m);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auto_threads),
        cmocka_unit_test(test_warmup_rule),
        cmocka_unit_test(test_timing_summary),
        cmocka_unit_test(test_timing_no_events),
        cmocka_unit_test(test_blas_probe),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
