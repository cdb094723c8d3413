/* wavebench BLAS probe: timed GEMMs at given shapes and at a large square one. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/blas_probe.h"

#include <cblas.h>
#include <stdlib.h>
#include <time.h>

#include "config.h"
#include "wavebench/config.h" /* enum wb_precision */
#include "wavebench/pool.h"

#define MAX_REPS (1 << 20)
#define MAX_CALLS 3

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static size_t elem_size(int precision)
{
    return precision == WB_FP32 ? sizeof(float) : sizeof(double);
}

/* n elements of precision in [-1, 1], mean about zero (accumulating calls stay bounded),
 * none denormal; NULL when out of memory. */
static void *operand(size_t n, int precision)
{
    void *p = malloc(elem_size(precision) * (n ? n : 1));
    for (size_t i = 0; p && i < n; i++) {
        double v = (double)((int)(i * 7 % 17) - 8) / 8.0;
        if (precision == WB_FP32)
            ((float *)p)[i] = (float)v;
        else
            ((double *)p)[i] = v;
    }
    return p;
}

static void gemm(const struct wb_blas_gemm *g, int precision, const void *a, const void *b, void *c)
{
    enum CBLAS_TRANSPOSE ta = g->trans_a ? CblasTrans : CblasNoTrans;
    if (precision == WB_FP32)
        cblas_sgemm(CblasRowMajor, ta, CblasNoTrans, g->m, g->n, g->k, 1, a, g->lda, b, g->ldb,
                    g->accumulate ? 1 : 0, c, g->ldc);
    else
        cblas_dgemm(CblasRowMajor, ta, CblasNoTrans, g->m, g->n, g->k, 1, a, g->lda, b, g->ldb,
                    g->accumulate ? 1 : 0, c, g->ldc);
}

double wb_blas_probe_flops(const struct wb_blas_gemm *g, int n)
{
    double f = 0;
    for (int i = 0; i < n; i++)
        f += 2.0 * g[i].m * g[i].n * g[i].k * g[i].calls;
    return f;
}

/* A probe: one call of the given size (repetitions or square n) and its FLOPs. */
struct probe {
    double (*call)(struct probe *p, int size); /* seconds */
    double (*flops)(const struct probe *p, int size);
    int precision;
    /* sequence */
    const struct wb_blas_gemm *g;
    int n, reps;
    struct wb_pool *pool;
    void **a, **b, **c; /* [threads] */
    /* square */
    void *sa, *sb, *sc;
};

/* Grows size until a call takes budget / 10, then keeps the best of up to MAX_CALLS
 * calls within the budget. */
static void timebox(struct wb_blas_rate *out, struct probe *p, int size, int max_size,
                    double budget)
{
    double t = p->call(p, size);
    while (t < budget / 10 && size <= max_size / 2)
        t = p->call(p, size *= 2);
    double best = t, spent = t;
    int calls = 1;
    for (; calls < MAX_CALLS && spent + best <= budget; calls++) {
        t = p->call(p, size);
        spent += t;
        best = t < best ? t : best;
    }
    out->size = size;
    out->calls = calls;
    out->seconds = best;
    out->gflops = p->flops(p, size) / best / 1e9;
}

static void sequence_job(void *arg, int t)
{
    const struct probe *p = arg;
    for (int r = 0; r < p->reps; r++)
        for (int i = 0; i < p->n; i++)
            for (int j = 0; j < p->g[i].calls; j++)
                gemm(&p->g[i], p->precision, p->a[t], p->b[t], p->c[t]);
}

static double sequence_call(struct probe *p, int reps)
{
    p->reps = reps;
    double t0 = now();
    wb_pool_run(p->pool, sequence_job, p);
    return now() - t0;
}

static double sequence_flops(const struct probe *p, int reps)
{
    return wb_blas_probe_flops(p->g, p->n) * reps * wb_pool_size(p->pool);
}

int wb_blas_probe_sequence(struct wb_blas_rate *out, const struct wb_blas_gemm *g, int n,
                           int precision, int threads, double budget_s, struct wb_error *err)
{
    size_t na = 0, nb = 0, nc = 0;
    for (int i = 0; i < n; i++) {
        size_t a = (size_t)(g[i].trans_a ? g[i].k : g[i].m) * (size_t)g[i].lda;
        size_t b = (size_t)g[i].k * (size_t)g[i].ldb, c = (size_t)g[i].m * (size_t)g[i].ldc;
        na = a > na ? a : na;
        nb = b > nb ? b : nb;
        nc = c > nc ? c : nc;
    }
    struct probe p = {.call = sequence_call, .flops = sequence_flops, .precision = precision,
                      .g = g, .n = n};
    int status = wb_pool_create(&p.pool, threads, err);
    if (status != WB_OK)
        return status;
    p.a = calloc((size_t)threads, sizeof *p.a);
    p.b = calloc((size_t)threads, sizeof *p.b);
    p.c = calloc((size_t)threads, sizeof *p.c);
    bool ok = p.a && p.b && p.c;
    for (int t = 0; ok && t < threads; t++)
        ok = (p.a[t] = operand(na, precision)) && (p.b[t] = operand(nb, precision)) &&
             (p.c[t] = operand(nc, precision));
    if (ok)
        timebox(out, &p, 1, MAX_REPS, budget_s);
    else
        status = WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (BLAS probe operands)");
    for (int t = 0; t < threads; t++) {
        free(p.a ? p.a[t] : NULL);
        free(p.b ? p.b[t] : NULL);
        free(p.c ? p.c[t] : NULL);
    }
    free(p.a);
    free(p.b);
    free(p.c);
    wb_pool_free(p.pool);
    return status;
}

static double square_call(struct probe *p, int size)
{
    struct wb_blas_gemm g = {size, size, size, size, size, size, false, false, 1};
    double t0 = now();
    gemm(&g, p->precision, p->sa, p->sb, p->sc);
    return now() - t0;
}

static double square_flops(const struct probe *p, int size)
{
    (void)p;
    return 2.0 * size * size * (double)size;
}

int wb_blas_probe_square(struct wb_blas_rate *out, int max_size, int precision, int threads,
                         double budget_s, struct wb_error *err)
{
    size_t n = (size_t)max_size * (size_t)max_size;
    struct probe p = {.call = square_call, .flops = square_flops, .precision = precision,
                      .sa = operand(n, precision), .sb = operand(n, precision),
                      .sc = operand(n, precision)};
    int status = WB_OK;
    if (p.sa && p.sb && p.sc) {
#ifdef WB_HAVE_OPENBLAS
        int was = openblas_get_num_threads();
        openblas_set_num_threads(threads);
#else
        (void)threads;
#endif
        timebox(out, &p, max_size < 128 ? max_size : 128, max_size, budget_s);
#ifdef WB_HAVE_OPENBLAS
        openblas_set_num_threads(was);
#endif
    } else {
        status = WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (BLAS probe, %d x %d)", max_size,
                         max_size);
    }
    free(p.sa);
    free(p.sb);
    free(p.sc);
    return status;
}
