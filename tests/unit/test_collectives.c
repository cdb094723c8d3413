/* Unit tests of the collectives: the check data, every descriptor's counts, factor and regions,
 * and every descriptor run through the harness on the MPI host engine: correct results pass,
 * a falsified one is counted, an operation that does nothing is caught, an engine that cannot
 * run is a usage error. Runs on one rank under make check; tests/mpi/test_collectives.sh
 * also runs it on 3 ranks. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "wavebench/coll_data.h"
#include "wavebench/coll_desc.h"
#include "wavebench/coll_mpi.h"
#include "wavebench/collectives.h"

static struct wb_world world;

static void test_busbw_factors(void **state)
{
    (void)state;
    /* nccl-tests PERFORMANCE.md */
    assert_true(wb_coll_desc_get(WB_COLL_ALLREDUCE)->busbw_factor(4) == 1.5);
    assert_true(wb_coll_desc_get(WB_COLL_ALLREDUCE)->busbw_factor(1) == 0);
    assert_true(wb_coll_desc_get(WB_COLL_REDUCE_SCATTER)->busbw_factor(4) == 0.75);
    assert_true(wb_coll_desc_get(WB_COLL_ALLGATHER)->busbw_factor(2) == 0.5);
    assert_true(wb_coll_desc_get(WB_COLL_ALLTOALL)->busbw_factor(8) == 7.0 / 8);
    assert_true(wb_coll_desc_get(WB_COLL_REDUCE)->busbw_factor(8) == 1);
    assert_true(wb_coll_desc_get(WB_COLL_BROADCAST)->busbw_factor(8) == 1);
}

static void counts(struct wb_coll_counts *c, int coll, size_t bytes, size_t ts, int n)
{
    wb_coll_desc_counts(c, wb_coll_desc_get(coll), bytes, ts, n);
}

static void test_counts(void **state)
{
    (void)state;
    struct wb_coll_counts c;
    counts(&c, WB_COLL_ALLREDUCE, 1024, 4, 4);
    assert_true(c.count == 256 && c.send_count == 256 && c.recv_count == 256 && c.bytes == 1024);
    counts(&c, WB_COLL_ALLGATHER, 1024, 4, 4);
    assert_true(c.count == 64 && c.send_count == 64 && c.recv_count == 256 && c.bytes == 1024);
    counts(&c, WB_COLL_REDUCE_SCATTER, 1024, 8, 3);
    assert_true(c.count == 42 && c.send_count == 126 && c.recv_count == 42 && c.bytes == 1008);
    counts(&c, WB_COLL_ALLTOALL, 64, 8, 4);
    assert_true(c.count == 2 && c.send_count == 8 && c.recv_count == 8);
    counts(&c, WB_COLL_ALLGATHER, 8, 8, 2); /* too small: skipped */
    assert_int_equal(c.count, 0);
    assert_int_equal(wb_coll_auto_iters(8), 100);
    assert_int_equal(wb_coll_auto_iters(64u << 20), 5);
}

/* The reference answer over ranks, computed directly. */
static int64_t reference(int op, int nranks, size_t i)
{
    int64_t acc = wb_coll_data_input(0, nranks, i, 0, WB_COLL_DATA_REDUCED);
    for (int r = 1; r < nranks; r++) {
        int64_t v = wb_coll_data_input(r, nranks, i, 0, WB_COLL_DATA_REDUCED);
        acc = op == WB_REDOP_SUM ? acc + v : op == WB_REDOP_MIN ? (v < acc ? v : acc) : (v > acc ? v : acc);
    }
    return acc;
}

static int64_t wrong_in(const void *buf, int dtype, int op, int nranks, int src, size_t offset, size_t n)
{
    struct wb_coll_data_period p;
    wb_coll_data_tabulate(&p, op, src, nranks, 0, op >= 0 ? WB_COLL_DATA_REDUCED : WB_COLL_DATA_MOVED);
    return wb_coll_data_count_wrong(buf, dtype, &p, offset, n);
}

static void test_checker_accepts_and_rejects(void **state)
{
    (void)state;
    enum { N = 1000, RANKS = 5 };
    for (int op = 0; op < WB_REDOP_COUNT; op++) {
        double d[N];
        float f[N];
        int32_t i32[N];
        int64_t i64[N];
        for (size_t i = 0; i < N; i++) {
            int64_t e = reference(op, RANKS, i + 17);
            d[i] = (double)e;
            f[i] = (float)e;
            i32[i] = (int32_t)e;
            i64[i] = e;
        }
        assert_int_equal(wrong_in(d, WB_DTYPE_DOUBLE, op, RANKS, 0, 17, N), 0);
        assert_int_equal(wrong_in(f, WB_DTYPE_FLOAT, op, RANKS, 0, 17, N), 0);
        assert_int_equal(wrong_in(i32, WB_DTYPE_INT32, op, RANKS, 0, 17, N), 0);
        assert_int_equal(wrong_in(i64, WB_DTYPE_INT64, op, RANKS, 0, 17, N), 0);
        d[3] += 1;
        f[999] = -1;
        i32[0] = 0;
        i64[500] *= 2;
        assert_int_equal(wrong_in(d, WB_DTYPE_DOUBLE, op, RANKS, 0, 17, N), 1);
        assert_int_equal(wrong_in(f, WB_DTYPE_FLOAT, op, RANKS, 0, 17, N), 1);
        assert_int_equal(wrong_in(i32, WB_DTYPE_INT32, op, RANKS, 0, 17, N), 1);
        assert_int_equal(wrong_in(i64, WB_DTYPE_INT64, op, RANKS, 0, 17, N), 1);
        /* The wrong offset is caught too. */
        assert_true(wrong_in(i64, WB_DTYPE_INT64, op, RANKS, 0, 18, N) > 0 || op != WB_REDOP_SUM);
    }
}

static void test_fill_and_gather_check(void **state)
{
    (void)state;
    float buf[64];
    struct wb_coll_data_period p, never;
    wb_coll_data_tabulate(&p, -1, 3, 4, 0, WB_COLL_DATA_MOVED);
    wb_coll_data_fill(buf, WB_DTYPE_FLOAT, &p, 10, 64);
    for (size_t i = 0; i < 64; i++)
        assert_true(buf[i] == (float)wb_coll_data_input(3, 4, 10 + i, 0, WB_COLL_DATA_MOVED));
    assert_int_equal(wrong_in(buf, WB_DTYPE_FLOAT, -1, 4, 3, 10, 64), 0);
    assert_int_equal(wrong_in(buf, WB_DTYPE_FLOAT, -1, 4, 2, 10, 64), 64);
    wb_coll_data_never(&never);
    for (size_t i = 0; i < 1000; i++) {
        /* 4m + 1 in 2049..8191: not exact in half precision (spacing 2 or 4 there), each
         * rounding down by one, so a reduction through fp16 is wrong; sums over
         * WB_COLL_DATA_WIDE_RANKS ranks exact in float. */
        int64_t v = wb_coll_data_input(7, 10, i, 0, WB_COLL_DATA_REDUCED);
        assert_true(v > 2048 && v % 4 == 1);
        assert_true(v == wb_coll_data_input(7, 10, i % WB_COLL_DATA_PERIOD, 0, WB_COLL_DATA_REDUCED));
        int64_t widest = 0;
        for (int r = 0; r < WB_COLL_DATA_WIDE_RANKS; r++) {
            int64_t x = wb_coll_data_input(r, WB_COLL_DATA_WIDE_RANKS, i, 0, WB_COLL_DATA_REDUCED);
            widest = x > widest ? x : widest;
        }
        assert_true(widest < 8192 && widest * WB_COLL_DATA_WIDE_RANKS < (1 << 24));
        /* Moved data hold their rank: no two ranks share a value, for any rank count. */
        assert_true(wb_coll_data_input(7, 40, i, 0, WB_COLL_DATA_MOVED) / 32 == 7);
        assert_true(wb_coll_data_input(7 + WB_COLL_DATA_PERIOD, 40, i, 0, WB_COLL_DATA_MOVED) !=
                    wb_coll_data_input(7, 40, i, 0, WB_COLL_DATA_MOVED));
    }
    for (int op = -1; op < WB_REDOP_COUNT; op++) {
        wb_coll_data_tabulate(&p, op, 2, 6, 0, WB_COLL_DATA_REDUCED);
        for (size_t i = 0; i < WB_COLL_DATA_PERIOD; i++)
            assert_true(p.v[i] > 0 && p.v[i] != never.v[i]);
    }
    /* The salt moves the pattern: what one size left behind is wrong for the next. */
    struct wb_coll_data_period a, b;
    wb_coll_data_tabulate(&a, WB_REDOP_SUM, 0, 4, 0, WB_COLL_DATA_REDUCED);
    wb_coll_data_tabulate(&b, WB_REDOP_SUM, 0, 4, 1, WB_COLL_DATA_REDUCED);
    for (size_t i = 0; i < WB_COLL_DATA_PERIOD; i++)
        assert_true(a.v[i] != b.v[i]);
    /* min and max differ across elements, whatever the rank count. */
    for (int nranks = 1; nranks <= 8192; nranks *= 2)
        for (int op = WB_REDOP_MIN; op <= WB_REDOP_MAX; op++) {
            wb_coll_data_tabulate(&a, op, 0, nranks, 0, wb_coll_data_kind(1, nranks));
            int varies = 0;
            for (size_t i = 1; i < WB_COLL_DATA_PERIOD; i++)
                varies |= a.v[i] != a.v[0];
            assert_true(varies);
        }
    /* Beyond WB_COLL_DATA_WIDE_RANKS the reduced data stay exact in float sums. */
    for (size_t i = 0; i < WB_COLL_DATA_PERIOD; i++)
        assert_true(wb_coll_data_input(5, 184000, i, 3, WB_COLL_DATA_REDUCED_MANY) * 184000 < (1 << 24));
    assert_true(reference(WB_REDOP_MIN, 4, 5) < reference(WB_REDOP_MAX, 4, 5));
}

/* Every region of every descriptor, on every rank of 1 to 5, both placements and several
 * sizes, lies within its buffer's cnt.bytes; regions of one list do not overlap; only a
 * non-root of reduce has nothing to check; reductions check reductions. */
static void check_list(const struct wb_coll_desc *d, const struct wb_coll_shape *s, int results)
{
    struct wb_coll_region r[16];
    int n = 0;
    while ((results ? d->result : d->input)(s, n, &r[n])) {
        size_t ts = wb_coll_data_type_size(s->dtype);
        assert_true(r[n].buf == WB_COLL_SEND || r[n].buf == WB_COLL_RECV);
        assert_true(r[n].n > 0 && (r[n].at + r[n].n) * ts <= s->cnt.bytes);
        assert_true(results && d->reduction ? r[n].op == s->op : r[n].op == -1);
        for (int k = 0; k < n; k++)
            assert_true(r[k].buf != r[n].buf || r[k].at + r[k].n <= r[n].at ||
                        r[n].at + r[n].n <= r[k].at);
        n++;
        assert_true(n < 16);
    }
    int none_expected = results && d->coll == WB_COLL_REDUCE && s->rank != s->root;
    assert_int_equal(n == 0, none_expected);
}

static void test_regions(void **state)
{
    (void)state;
    for (int coll = 0; coll < WB_COLL_COUNT; coll++) {
        const struct wb_coll_desc *d = wb_coll_desc_get(coll);
        assert_int_equal(d->coll, coll);
        assert_true(d->busbw_factor && d->input && d->result && d->mpi && d->placements);
        for (int nranks = 1; nranks <= 5; nranks++)
            for (int rank = 0; rank < nranks; rank++)
                for (int ip = 0; ip <= 1; ip++)
                    for (size_t bytes = 8; bytes <= 4096; bytes = bytes * 3 + 8) {
                        struct wb_coll_shape s = {.rank = rank, .nranks = nranks,
                                                  .root = d->rooted ? nranks - 1 : -1,
                                                  .in_place = ip, .dtype = WB_DTYPE_INT64,
                                                  .op = d->reduction ? WB_REDOP_MAX : 0};
                        wb_coll_desc_counts(&s.cnt, d, bytes, 8, nranks);
                        if (s.cnt.count == 0)
                            continue;
                        assert_true(s.cnt.bytes <= bytes);
                        check_list(d, &s, 0);
                        check_list(d, &s, 1);
                    }
    }
}

/* ---- every descriptor through the harness on the MPI host engine ---- */

static void small_sweep(struct wb_config *cfg, int coll)
{
    wb_config_defaults(cfg);
    cfg->quiet = true;
    cfg->coll.colls = 1u << coll;
    cfg->coll.dtypes = (1u << WB_DTYPE_COUNT) - 1;
    cfg->coll.redops = (1u << WB_REDOP_COUNT) - 1;
    cfg->coll.placements = (1u << WB_PLACE_COUNT) - 1;
    cfg->coll.min_bytes = 8;
    cfg->coll.max_bytes = 4096;
    cfg->coll.factor = 8;
    cfg->coll.warmup = 1;
    cfg->coll.iters = 2;
    cfg->coll.reps = 2;
    cfg->coll.root = world.size - 1;
    cfg->coll.check = true;
}

/* Runs cfg on engine e; returns the status, the table in *t (results to free). */
static int run_on(const struct wb_config *cfg, const struct wb_coll_engine *e,
                  struct wb_results *res, const struct wb_table **t)
{
    struct wb_coll_engines engines = {.list = {e}, .n = 1, .if_none = "no engine"};
    struct wb_error err;
    wb_error_clear(&err);
    memset(res, 0, sizeof *res);
    int status = wb_coll_run(&world, cfg, &engines, res, &err);
    *t = res->ntables == 1 ? res->tables[0] : NULL;
    return status;
}

/* The #wrong of placement p (0 out of place, 1 in place) in each row: calls want(row, value). */
static void each_wrong(const struct wb_table *t, int p, void (*want)(double wrong, int nranks))
{
    int col = wb_table_col(t, p ? "ip_wrong" : "oop_wrong");
    assert_true(col >= 0 && t->nrows > 0);
    for (size_t r = 0; r < t->nrows; r++)
        want(t->cols[col].data.f64[r], world.size);
}

static void want_zero(double wrong, int nranks)
{
    (void)nranks;
    assert_true(wrong == 0);
}

static void want_one(double wrong, int nranks)
{
    (void)nranks;
    assert_true(wrong == 1);
}

static void want_absent(double wrong, int nranks)
{
    (void)nranks;
    assert_true(isnan(wrong));
}

static void want_some(double wrong, int nranks)
{
    (void)nranks;
    assert_true(wrong > 0);
}

/* In place on one rank, many collectives are rightly no-ops. */
static void want_some_if_ranks(double wrong, int nranks)
{
    assert_true(nranks == 1 || wrong > 0);
}

static void test_every_descriptor_mpi(void **state)
{
    (void)state;
    for (int coll = 0; coll < WB_COLL_COUNT; coll++) {
        const struct wb_coll_desc *d = wb_coll_desc_get(coll);
        struct wb_config cfg;
        struct wb_results res;
        const struct wb_table *t;
        small_sweep(&cfg, coll);
        assert_int_equal(run_on(&cfg, wb_coll_mpi_engine(), &res, &t), WB_OK);
        assert_non_null(t);
        char path[64];
        snprintf(path, sizeof path, "collectives/%s", wb_coll_name(coll));
        assert_string_equal(t->path, path);
        /* every type, and every op of a reduction: one row per size */
        size_t rows = 0;
        for (int dt = 0; dt < WB_DTYPE_COUNT; dt++)
            for (int64_t b = 8; b <= 4096; b *= 8) {
                struct wb_coll_counts c;
                wb_coll_desc_counts(&c, d, (size_t)b, wb_coll_data_type_size(dt), world.size);
                rows += c.count ? (d->reduction ? WB_REDOP_COUNT : 1) : 0;
            }
        assert_int_equal(t->nrows, rows);
        for (int p = 0; p < WB_PLACE_COUNT; p++)
            each_wrong(t, p, d->placements & (1u << p) ? want_zero : want_absent);
        wb_results_free(&res);
    }
}

static void test_falsified_result_counted(void **state)
{
    (void)state;
    for (int coll = 0; coll < WB_COLL_COUNT; coll++) {
        const struct wb_coll_desc *d = wb_coll_desc_get(coll);
        struct wb_config cfg;
        struct wb_results res;
        const struct wb_table *t;
        small_sweep(&cfg, coll);
        cfg.debug_corrupt_rank = world.size - 1; /* the root: reduce's result is there */
        assert_int_equal(run_on(&cfg, wb_coll_mpi_engine(), &res, &t), WB_ERR_CHECK);
        for (int p = 0; p < WB_PLACE_COUNT; p++)
            each_wrong(t, p, d->placements & (1u << p) ? want_one : want_absent);
        wb_results_free(&res);
    }
}

/* The MPI host engine with calls that do nothing. */
static double run_nothing(void *ctx, const struct wb_coll_desc *d, const struct wb_coll_shape *s,
                          int64_t n)
{
    (void)ctx, (void)d, (void)s, (void)n;
    return 1.0;
}

static void test_missing_operation_caught(void **state)
{
    (void)state;
    struct wb_coll_engine idle = *wb_coll_mpi_engine();
    idle.run = run_nothing;
    for (int coll = 0; coll < WB_COLL_COUNT; coll++) {
        const struct wb_coll_desc *d = wb_coll_desc_get(coll);
        struct wb_config cfg;
        struct wb_results res;
        const struct wb_table *t;
        small_sweep(&cfg, coll);
        /* one row on fresh (zeroed) buffers, so nothing left from an earlier row can pass */
        cfg.coll.dtypes = 1u << WB_DTYPE_INT32;
        cfg.coll.redops = 1u << WB_REDOP_SUM;
        cfg.coll.min_bytes = cfg.coll.max_bytes = 4096;
        int status = run_on(&cfg, &idle, &res, &t);
        assert_true(status == WB_ERR_CHECK || (world.size == 1 && status == WB_OK));
        assert_int_equal(t->nrows, 1);
        if (d->placements & (1u << WB_PLACE_OUT))
            each_wrong(t, 0, want_some);
        each_wrong(t, 1, want_some_if_ranks);
        wb_results_free(&res);
    }
}

static int never_available(const struct wb_world *w, const struct wb_config *cfg, char *why,
                           size_t size)
{
    (void)w;
    (void)cfg;
    snprintf(why, size, "not here");
    return 0;
}

static void test_unavailable_engine(void **state)
{
    (void)state;
    struct wb_coll_engine off = *wb_coll_mpi_engine();
    off.available = never_available;
    struct wb_coll_engines engines = {.list = {&off}, .n = 1, .if_none = "[run] no engine here"};
    struct wb_config cfg;
    struct wb_results res = {0};
    struct wb_error err;
    wb_error_clear(&err);
    small_sweep(&cfg, WB_COLL_ALLREDUCE);
    assert_int_equal(wb_coll_run(&world, &cfg, &engines, &res, &err), WB_ERR_USAGE);
    assert_string_equal(err.msg, "[run] no engine here");
    assert_int_equal(res.ntables, 0);
    /* a skipped engine before one that runs: only the second's tables */
    engines.list[1] = wb_coll_mpi_engine();
    engines.n = 2;
    wb_error_clear(&err);
    assert_int_equal(wb_coll_run(&world, &cfg, &engines, &res, &err), WB_OK);
    assert_int_equal(res.ntables, 1);
    wb_results_free(&res);
}

/* x through half precision: 11 significant bits, as a reduction done in fp16 keeps. */
static float through_half(float x)
{
    int e;
    float m = frexpf(x, &e);
    return ldexpf(nearbyintf(ldexpf(m, 11)), e - 11);
}

/* A simulated float allreduce and allgather on 40 ranks (more than the data's period of
 * 31): correct ones check clean; a dropped or doubled contribution, a sum through half
 * precision and a block delivered from rank r + 31 instead of r are all wrong. */
static void test_simulated_many_ranks(void **state)
{
    (void)state;
    enum { RANKS = 40, N = 500 };
    static float in[RANKS][N], sum[N], moved[RANKS][N];
    struct wb_coll_data_period p;
    int reduced = wb_coll_data_kind(1, RANKS), kept = wb_coll_data_kind(0, RANKS);
    for (int r = 0; r < RANKS; r++) {
        wb_coll_data_tabulate(&p, -1, r, RANKS, 5, reduced);
        wb_coll_data_fill(in[r], WB_DTYPE_FLOAT, &p, 0, N);
    }
    for (size_t k = 0; k < N; k++) {
        sum[k] = 0;
        for (int r = 0; r < RANKS; r++)
            sum[k] += in[r][k];
    }
    wb_coll_data_tabulate(&p, WB_REDOP_SUM, 0, RANKS, 5, reduced);
    assert_int_equal(wb_coll_data_count_wrong(sum, WB_DTYPE_FLOAT, &p, 0, N), 0);
    float bad[N];
    for (size_t k = 0; k < N; k++)
        bad[k] = sum[k] - in[17][k];
    assert_int_equal(wb_coll_data_count_wrong(bad, WB_DTYPE_FLOAT, &p, 0, N), N);
    for (size_t k = 0; k < N; k++)
        bad[k] = sum[k] + in[0][k];
    assert_int_equal(wb_coll_data_count_wrong(bad, WB_DTYPE_FLOAT, &p, 0, N), N);
    for (size_t k = 0; k < N; k++)
        bad[k] = sum[k] - in[3][k] + in[3 + 31][k]; /* rank 34's data twice, rank 3's never */
    assert_int_equal(wb_coll_data_count_wrong(bad, WB_DTYPE_FLOAT, &p, 0, N), N);
    /* A sum in half precision: every input and partial sum rounded to 11 bits. */
    for (size_t k = 0; k < N; k++) {
        bad[k] = 0;
        for (int r = 0; r < RANKS; r++)
            bad[k] = through_half(bad[k] + through_half(in[r][k]));
    }
    assert_true(wb_coll_data_count_wrong(bad, WB_DTYPE_FLOAT, &p, 0, N) > 0);
    for (size_t k = 0; k < N; k++) { /* the inputs alone through fp16, the sum exact */
        bad[k] = 0;
        for (int r = 0; r < RANKS; r++)
            bad[k] += through_half(in[r][k]);
    }
    assert_int_equal(wb_coll_data_count_wrong(bad, WB_DTYPE_FLOAT, &p, 0, N), N);
    /* Even one rank's input through fp16 is wrong. */
    for (size_t k = 0; k < N; k++)
        assert_true(through_half(in[3][k]) != in[3][k]);

    for (int r = 0; r < RANKS; r++) {
        wb_coll_data_tabulate(&p, -1, r, RANKS, 5, kept);
        wb_coll_data_fill(moved[r], WB_DTYPE_FLOAT, &p, (size_t)r * N, N);
    }
    for (int r = 0; r < RANKS; r++) {
        wb_coll_data_tabulate(&p, -1, r, RANKS, 5, kept);
        assert_int_equal(wb_coll_data_count_wrong(moved[r], WB_DTYPE_FLOAT, &p, (size_t)r * N, N), 0);
    }
    wb_coll_data_tabulate(&p, -1, 3, RANKS, 5, kept);
    assert_int_equal(wb_coll_data_count_wrong(moved[3 + 31], WB_DTYPE_FLOAT, &p, 3 * N, N), N);
}

/* Rank r's send buffer of s (double elements) as the descriptor's input regions fill it. */
static void fill_send(const struct wb_coll_desc *d, struct wb_coll_shape s, int r, double *send)
{
    struct wb_coll_region reg;
    struct wb_coll_data_period p;
    s.rank = r;
    for (int k = 0; d->input(&s, k, &reg); k++) {
        assert_int_equal(reg.buf, WB_COLL_SEND);
        wb_coll_data_tabulate(&p, reg.op, reg.src, s.nranks, s.salt,
                              wb_coll_data_kind(d->reduction, s.nranks));
        wb_coll_data_fill(send + reg.at, WB_DTYPE_DOUBLE, &p, reg.offset, reg.n);
    }
}

/* Wrong elements of rank r's receive buffer recv under the descriptor's result regions. */
static int64_t wrong_recv(const struct wb_coll_desc *d, struct wb_coll_shape s, int r,
                          const double *recv)
{
    struct wb_coll_region reg;
    struct wb_coll_data_period p;
    int64_t wrong = 0;
    s.rank = r;
    for (int k = 0; d->result(&s, k, &reg); k++) {
        wb_coll_data_tabulate(&p, reg.op, reg.src, s.nranks, s.salt,
                              wb_coll_data_kind(d->reduction, s.nranks));
        wrong += wb_coll_data_count_wrong(recv + reg.at, WB_DTYPE_DOUBLE, &p, reg.offset, reg.n);
    }
    return wrong;
}

/* Blocks whose length is a multiple of the data's period (62 = 2 x 31): a simulated
 * reduce_scatter and alltoall that deliver the right blocks check clean; one that hands
 * rank r the block meant for r + 1 is wrong in every element. */
static void test_blocks_at_the_period(void **state)
{
    (void)state;
    enum { RANKS = 4, COUNT = 2 * WB_COLL_DATA_PERIOD };
    static double send[RANKS][RANKS * COUNT], recv[RANKS * COUNT];
    static const int colls[] = {WB_COLL_REDUCE_SCATTER, WB_COLL_ALLTOALL};
    for (size_t c = 0; c < WB_ARRAY_LEN(colls); c++) {
        int coll = colls[c];
        const struct wb_coll_desc *d = wb_coll_desc_get(coll);
        struct wb_coll_shape s = {.nranks = RANKS, .root = -1, .dtype = WB_DTYPE_DOUBLE,
                                  .op = WB_REDOP_SUM, .salt = 3};
        wb_coll_desc_counts(&s.cnt, d, RANKS * COUNT * sizeof(double), sizeof(double), RANKS);
        assert_int_equal(s.cnt.count, COUNT);
        for (int r = 0; r < RANKS; r++)
            fill_send(d, s, r, send[r]);
        for (int shift = 0; shift < 2; shift++)
            for (int r = 0; r < RANKS; r++) {
                int b = (r + shift) % RANKS; /* the block this rank is handed */
                if (coll == WB_COLL_REDUCE_SCATTER)
                    for (size_t k = 0; k < COUNT; k++) {
                        recv[k] = 0;
                        for (int q = 0; q < RANKS; q++)
                            recv[k] += send[q][(size_t)b * COUNT + k];
                    }
                else
                    for (int q = 0; q < RANKS; q++)
                        memcpy(recv + (size_t)q * COUNT, send[q] + (size_t)b * COUNT,
                               sizeof(double) * COUNT);
                int64_t want = shift == 0 ? 0
                               : coll == WB_COLL_REDUCE_SCATTER ? COUNT
                                                                : (int64_t)RANKS * COUNT;
                assert_int_equal(wrong_recv(d, s, r, recv), want);
            }
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
        cmocka_unit_test(test_busbw_factors),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_checker_accepts_and_rejects),
        cmocka_unit_test(test_fill_and_gather_check),
        cmocka_unit_test(test_simulated_many_ranks),
        cmocka_unit_test(test_blocks_at_the_period),
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_every_descriptor_mpi),
        cmocka_unit_test(test_falsified_result_counted),
        cmocka_unit_test(test_missing_operation_caught),
        cmocka_unit_test(test_unavailable_engine),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    wb_world_finalize(&world);
    return failed ? 1 : 0;
}
