/* Host-side tests of the GPU backend, run without a GPU: the collectives' device engines
 * (their table layout and NCCL's deviations from the descriptors), the driver's tiling, and the
 * whole GPU PINN algorithm (driver + element functions of the kernels) executed on the CPU
 * against the CPU backend's loss, gradient, prediction and Adam. */
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

#include "host_exec.h"
#include "wavebench/gpu_coll.h"
#include "wavebench/gpu_comm.h"
#include "wavebench/pinn.h"
#include "wavebench/world.h"

static struct wb_world world;

/* ---- collectives ---- */

/* The engines of backend cuda: NCCL (when compiled in) first, then MPI on device buffers, in
 * the suite's table layout; NCCL's documented deviations from the descriptors (no in-place
 * alltoall, an out-of-place broadcast, in-place reduce_scatter's result at the rank's block),
 * and the MPI engine on the descriptors' own placements and regions. */
static void test_coll_engines(void **state)
{
    (void)state;
    struct wb_coll_engines e;
    wb_gpu_coll_engines(&e);
    assert_non_null(e.if_none);
    assert_true(strstr(e.if_none, "NCCL") && strstr(e.if_none, "CUDA-aware"));
    const struct wb_coll_engine *mpi = e.list[e.n - 1];
    assert_string_equal(mpi->name, "collectives_mpi_device");
    assert_string_equal(mpi->library, "MPI");
    assert_null(mpi->placements);
    assert_null(mpi->locate);
    assert_non_null(mpi->available);
    char why[256] = "", how[64];
    struct wb_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.cuda_aware_mpi = WB_CUDA_AWARE_AUTO;
    int aware = mpi->available(&world, &cfg, why, sizeof why);
    assert_int_equal(aware, wb_gpu_mpi_cuda_aware(how, sizeof how));
    assert_true(aware || strstr(why, "not CUDA-aware"));
    /* The override wins over what the library says, both ways. */
    cfg.cuda_aware_mpi = WB_CUDA_AWARE_YES;
    assert_int_equal(mpi->available(&world, &cfg, why, sizeof why), 1);
    cfg.cuda_aware_mpi = WB_CUDA_AWARE_NO;
    assert_int_equal(mpi->available(&world, &cfg, why, sizeof why), 0);
    assert_non_null(strstr(why, "--cuda-aware-mpi no"));
    /* A library that says it only through its switch (Cray MPICH, MVAPICH2-GDR). */
    setenv("MV2_USE_CUDA", "1", 1);
    assert_int_equal(wb_gpu_mpi_cuda_aware(how, sizeof how), 1);
    assert_string_equal(how, "MV2_USE_CUDA=1");
    unsetenv("MV2_USE_CUDA");
#ifdef WB_HAVE_NCCL
    assert_int_equal(e.n, 2);
    const struct wb_coll_engine *nccl = e.list[0];
    assert_string_equal(nccl->name, "collectives");
    assert_string_equal(nccl->library, "NCCL");
    assert_string_equal(nccl->backend, "cuda");
    assert_null(nccl->available);
    const unsigned both = (1u << WB_PLACE_OUT) | (1u << WB_PLACE_IN);
    for (int coll = 0; coll < WB_COLL_COUNT; coll++) {
        const struct wb_coll_desc *d = wb_coll_desc_get(coll);
        unsigned want = coll == WB_COLL_ALLTOALL ? 1u << WB_PLACE_OUT : both;
        assert_int_equal(nccl->placements(d), want);
        for (int ip = 0; ip <= 1; ip++) {
            struct wb_coll_shape s = {.rank = 2, .nranks = 3, .root = d->rooted ? 2 : -1,
                                      .in_place = ip, .dtype = WB_DTYPE_FLOAT};
            wb_coll_desc_counts(&s.cnt, d, 1200, 4, 3);
            struct wb_coll_region r, moved;
            for (int k = 0; d->result(&s, k, &r); k++) {
                moved = r;
                nccl->locate(d, &s, &moved);
                size_t at = ip && coll == WB_COLL_REDUCE_SCATTER ? 2 * r.n : r.at;
                assert_int_equal(moved.at, at);
                assert_int_equal(moved.n, r.n);
                assert_int_equal(moved.offset, r.offset);
            }
        }
    }
#else
    assert_int_equal(e.n, 1);
#endif
}

/* ---- tiling ---- */

static void test_tiles_cover_points(void **state)
{
    (void)state;
    const int64_t counts[][3] = {{7, 5, 4}, {64, 0, 0}, {3, 9, 1}, {0, 0, 5}, {100, 31, 17}};
    for (size_t c = 0; c < 5; c++)
        for (int64_t tile = 1; tile <= 40; tile += 3) {
            int64_t ni = counts[c][0], n0 = counts[c][1], nb = counts[c][2], nv = ni + n0 + nb;
            int64_t seen_i = 0, seen_0 = 0, seen_b = 0;
            for (int64_t p0 = 0; p0 < nv; p0 += tile) {
                int64_t p1 = p0 + tile < nv ? p0 + tile : nv, a, i0, b, q0, e;
                wb_pinn_tile_split(&a, &i0, &b, &q0, &e, p0, p1, ni, n0);
                assert_int_equal(a + b + e, p1 - p0);
                assert_int_equal(i0, seen_i);  /* interior points in order, none twice */
                assert_int_equal(q0, seen_0);
                seen_i += a;
                seen_0 += b;
                seen_b += e;
                for (int d = 2; d <= 3; d++) {
                    struct wb_pinn_layout L;
                    wb_pinn_layout_make(&L, a, b, e, d);
                    assert_int_equal(L.rows, L.nv + a * (2 * d - 1) + (a + b));
                    assert_true(L.rows <= wb_pinn_tile_rows(tile, d));
                    assert_int_equal(L.f[0], L.nv);
                    assert_int_equal(L.s[d - 1] + a, L.rows);
                }
            }
            assert_int_equal(seen_i, ni);
            assert_int_equal(seen_0, n0);
            assert_int_equal(seen_b, nb);
        }
}

/* ---- the GPU PINN algorithm on the host vs the CPU backend ---- */

static const double weights[WB_PINN_NTERMS] = {1.0, 0.7, 0.3, 1.3};

static void cpu_model(struct wb_pinn_model *m, int problem, int prec, int width, int depth,
                      bool hard, const struct wb_pinn_counts *n, uint64_t seed)
{
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_pinn_model_create(m, problem, prec, width, depth, hard, n, &err), WB_OK);
    wb_pinn_model_init(m, seed);
    /* nonzero biases, so their gradients are exercised */
    for (int64_t i = 0; i < m->n_params; i++) {
        double v = host_get(m->params, i, prec) + 0.05 * sin(1.0 + (double)i);
        host_put((char *)m->params + i * (prec == WB_FP32 ? 4 : 8), &v, 1, prec);
    }
    assert_int_equal(wb_pinn_model_sample(m, seed, 0, n, 0, 1, &err), WB_OK);
}

/* max |a - b| <= atol + rtol max|b| over the gradient and terms. */
static void compare_grads(const struct wb_pinn_model *m, const void *gpu, double rtol, double atol,
                          const char *what)
{
    int64_t n = m->n_params + WB_PINN_NTERMS;
    double gmax = 0, worst = 0;
    int64_t at = -1;
    for (int64_t i = 0; i < n; i++)
        gmax = fmax(gmax, fabs(host_get(m->grads, i, m->precision)));
    for (int64_t i = 0; i < n; i++) {
        double diff = fabs(host_get(gpu, i, m->precision) - host_get(m->grads, i, m->precision));
        if (diff > worst) {
            worst = diff;
            at = i;
        }
    }
    print_message("%s: max |gpu - cpu| %.3e at %lld (max |grad| %.3e)\n", what, worst, (long long)at, gmax);
    assert_true(gmax > 0);
    assert_true(worst <= atol + rtol * gmax);
}

static void check_algorithm(int problem, int prec, bool hard, int64_t tile)
{
    struct wb_pinn_counts n = {23, 9, 11};
    struct wb_pinn_model m;
    cpu_model(&m, problem, prec, 12, 3, hard, &n, 5);
    double terms[WB_PINN_NTERMS];
    wb_pinn_loss_grad(&m, terms, weights);
    struct host_model h;
    assert_int_equal(host_model_create(&h, &m, tile), 0);
    assert_int_equal(host_model_sample(&h, 5, 0, &n, 0, 1), 0);
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_gpu_pinn_drv_loss_grad(&h.E, &h.D, true, weights, &err), WB_OK);
    char what[96];
    snprintf(what, sizeof what, "problem %d %s hard %d tile %lld", problem,
             prec == WB_FP32 ? "fp32" : "fp64", hard, (long long)tile);
    /* fp64: rounding only (different summation order); fp32: ~1e-6 relative per op */
    compare_grads(&m, h.D.grads, prec == WB_FP32 ? 2e-4 : 1e-11, 0, what);
    for (int i = 0; i < WB_PINN_NTERMS; i++)
        assert_true(fabs(h.D.acc[i] - terms[i]) <= (prec == WB_FP32 ? 1e-4 : 1e-12) * fmax(fabs(terms[i]), 1e-30) + 1e-300);
    host_model_free(&h);
    wb_pinn_model_free(&m);
}

static void test_algorithm_wave1d(void **state)
{
    (void)state;
    for (int prec = WB_FP32; prec <= WB_FP64; prec++)
        for (int hard = 0; hard <= 1; hard++)
            for (int64_t tile = 5; tile <= 64; tile *= 12) /* 5: tiles mix kinds; 60: one tile */
                check_algorithm(WB_PROBLEM_WAVE1D, prec, hard, tile);
}

static void test_algorithm_wave2d(void **state)
{
    (void)state;
    for (int prec = WB_FP32; prec <= WB_FP64; prec++)
        for (int hard = 0; hard <= 1; hard++)
            for (int64_t tile = 5; tile <= 64; tile *= 12)
                check_algorithm(WB_PROBLEM_WAVE2D, prec, hard, tile);
}

/* Two ranks' shares summed give the one-rank gradient (what the all-reduce relies on). */
static void test_algorithm_rank_shares(void **state)
{
    (void)state;
    struct wb_pinn_counts n = {23, 9, 11};
    struct wb_pinn_model m;
    cpu_model(&m, WB_PROBLEM_WAVE2D, WB_FP64, 10, 2, false, &n, 9);
    double terms[WB_PINN_NTERMS];
    wb_pinn_loss_grad(&m, terms, weights);
    int64_t ng = m.n_params + WB_PINN_NTERMS;
    double *sum = calloc((size_t)ng, sizeof *sum);
    assert_non_null(sum);
    for (int r = 0; r < 3; r++) {
        struct host_model h;
        assert_int_equal(host_model_create(&h, &m, 8), 0);
        assert_int_equal(host_model_sample(&h, 9, 0, &n, r, 3), 0);
        struct wb_error err;
        wb_error_clear(&err);
        assert_int_equal(wb_gpu_pinn_drv_loss_grad(&h.E, &h.D, true, weights, &err), WB_OK);
        for (int64_t i = 0; i < ng; i++)
            sum[i] += ((double *)h.D.grads)[i];
        host_model_free(&h);
    }
    compare_grads(&m, sum, 1e-11, 0, "3 rank shares summed");
    free(sum);
    wb_pinn_model_free(&m);
}

/* The driver's forward on value rows with the host's hard transform = wb_pinn_predict. */
static void test_predict(void **state)
{
    (void)state;
    for (int hard = 0; hard <= 1; hard++) {
        struct wb_pinn_counts n = {30, 4, 4};
        struct wb_pinn_model m;
        cpu_model(&m, WB_PROBLEM_WAVE1D, WB_FP64, 9, 3, hard, &n, 3);
        int64_t np = 17;
        double pts[17 * 2], u[17], v[17];
        wb_pinn_grid(pts, m.problem, 5, 3, np);
        wb_pinn_predict(&m, u, pts, np);
        struct host_model h;
        assert_int_equal(host_model_create(&h, &m, 30), 0);
        void *x = malloc(sizeof(double) * (size_t)np * 2);
        assert_non_null(x);
        host_put(x, pts, np * 2, WB_FP64);
        struct wb_pinn_layout L;
        wb_pinn_layout_make(&L, 0, 0, np, 2);
        struct wb_error err;
        wb_error_clear(&err);
        assert_int_equal(wb_gpu_pinn_drv_forward(&h.E, &h.D, &L, x, &err), WB_OK);
        for (int64_t i = 0; i < np; i++) {
            double N = ((double *)h.D.out)[i];
            if (hard) {
                double a[5], u0[5];
                wb_pinn_ansatz_taylor(a, pts + i * 2, 1, m.problem);
                wb_pinn_initial_taylor(u0, pts + i * 2, 1, m.problem);
                N = u0[0] + a[0] * N;
            }
            v[i] = N;
            assert_true(fabs(v[i] - u[i]) <= 1e-12 * (1 + fabs(u[i])));
        }
        free(x);
        host_model_free(&h);
        wb_pinn_model_free(&m);
    }
}

/* The Adam element function = wb_pinn_adam_step over several steps (both precisions). */
static void test_adam(void **state)
{
    (void)state;
    for (int prec = WB_FP32; prec <= WB_FP64; prec++) {
        size_t rs = prec == WB_FP32 ? 4 : 8;
        int64_t n = 37;
        struct wb_pinn_adam opt;
        struct wb_error err;
        wb_error_clear(&err);
        assert_int_equal(wb_pinn_adam_create(&opt, prec, n, 1e-2, 0.9, 3, &err), WB_OK);
        char *p = calloc((size_t)n, rs), *q = calloc((size_t)n, rs), *g = calloc((size_t)n, rs);
        char *hm = calloc((size_t)n, rs), *hv = calloc((size_t)n, rs);
        assert_true(p && q && g && hm && hv);
        for (int step = 0; step < 6; step++) {
            for (int64_t i = 0; i < n; i++) {
                double gi = sin(0.3 * (double)(i + 7 * step)) * pow(10.0, (double)(i % 5) - 2);
                host_put(g + i * (int64_t)rs, &gi, 1, prec);
            }
            double lr = wb_pinn_adam_lr(&opt), t = (double)(opt.step + 1);
            host_adam(prec, q, hm, hv, g, n, lr, opt.beta1, opt.beta2, opt.eps, 1.0 - pow(opt.beta1, t),
                      1.0 - pow(opt.beta2, t));
            wb_pinn_adam_step(&opt, p, g);
        }
        for (int64_t i = 0; i < n; i++) {
            double a = host_get(p, i, prec), b = host_get(q, i, prec);
            assert_true(fabs(a - b) <= (prec == WB_FP32 ? 1e-6 : 1e-15) * (1e-3 + fabs(a)));
        }
        free(p); free(q); free(g); free(hm); free(hv);
        wb_pinn_adam_free(&opt);
    }
}

int main(int argc, char **argv)
{
    struct wb_error err;
    wb_error_clear(&err);
    if (wb_world_init(&world, &argc, &argv, &err) != WB_OK) {
        fprintf(stderr, "MPI: %s\n", err.msg);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coll_engines),
        cmocka_unit_test(test_tiles_cover_points),
        cmocka_unit_test(test_algorithm_wave1d),
        cmocka_unit_test(test_algorithm_wave2d),
        cmocka_unit_test(test_algorithm_rank_shares),
        cmocka_unit_test(test_predict),
        cmocka_unit_test(test_adam),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    wb_world_finalize(&world);
    return failed ? 1 : 0;
}
