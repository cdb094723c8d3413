/* wavebench collectives suite: the harness (sweep, timing, statistics, check) and,
 * per collective, only its counts, data set-up, call and check (the nccl-tests split). */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/collectives.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "wavebench/progress.h"
#include "wavebench/stats.h"
#ifdef WB_HAVE_CUDA
#include "wavebench/gpu_coll.h"
#endif

size_t wb_dtype_size(int dtype)
{
    static const size_t sizes[WB_DTYPE_COUNT] = {4, 8, 4, 8};
    return sizes[dtype];
}

static MPI_Datatype mpi_dtype(int dtype)
{
    static const MPI_Datatype types[WB_DTYPE_COUNT] = {MPI_INT32_T, MPI_INT64_T, MPI_FLOAT,
                                                       MPI_DOUBLE};
    return types[dtype];
}

static MPI_Op mpi_op(int op)
{
    return op == WB_REDOP_MIN ? MPI_MIN : op == WB_REDOP_MAX ? MPI_MAX : MPI_SUM;
}

int wb_coll_is_reduction(int coll)
{
    return coll == WB_COLL_ALLREDUCE || coll == WB_COLL_REDUCE || coll == WB_COLL_REDUCE_SCATTER;
}

double wb_coll_busbw_factor(int coll, int n)
{
    switch (coll) {
    case WB_COLL_ALLREDUCE: return 2.0 * (n - 1) / n;
    case WB_COLL_REDUCE_SCATTER:
    case WB_COLL_ALLGATHER:
    case WB_COLL_ALLTOALL: return (double)(n - 1) / n;
    default: return 1.0;
    }
}

void wb_coll_counts(struct wb_coll_counts *out, int coll, size_t bytes, size_t type_size,
                    int nranks)
{
    size_t count = bytes / type_size, n = (size_t)nranks;
    switch (coll) {
    case WB_COLL_REDUCE_SCATTER: /* bytes: the full input; each rank gets one block */
        out->count = count / n;
        out->recv_count = out->count;
        out->send_count = out->count * n;
        break;
    case WB_COLL_ALLGATHER: /* bytes: the full output */
        out->count = count / n;
        out->send_count = out->count;
        out->recv_count = out->count * n;
        break;
    case WB_COLL_ALLTOALL: /* bytes: a rank's whole buffer; count: one block */
        out->count = count / n;
        out->send_count = out->recv_count = out->count * n;
        break;
    default:
        out->count = out->send_count = out->recv_count = count;
        break;
    }
    size_t larger = out->send_count > out->recv_count ? out->send_count : out->recv_count;
    out->bytes = larger * type_size;
}

int64_t wb_coll_auto_iters(size_t bytes)
{
    int64_t iters = (int64_t)((64u << 20) / (bytes ? bytes : 1));
    return iters < 5 ? 5 : iters > 100 ? 100 : iters;
}

int64_t wb_coll_input(int rank, size_t i)
{
    return (int64_t)(((size_t)rank * 7u + i * 13u) % 31u) + 1;
}

#define FILL_AS(T)                                          \
    do {                                                    \
        T *p = buf;                                         \
        for (size_t i = 0; i < n; i++)                      \
            p[i] = (T)wb_coll_input(rank, offset + i);      \
    } while (0)

void wb_coll_fill(void *buf, int dtype, int rank, size_t offset, size_t n)
{
    switch (dtype) {
    case WB_DTYPE_INT32: FILL_AS(int32_t); break;
    case WB_DTYPE_INT64: FILL_AS(int64_t); break;
    case WB_DTYPE_FLOAT: FILL_AS(float); break;
    default: FILL_AS(double); break;
    }
}

static int64_t expected_value(int op, int nranks, int src_rank, size_t i)
{
    if (op < 0)
        return wb_coll_input(src_rank, i);
    int64_t acc = wb_coll_input(0, i);
    for (int r = 1; r < nranks; r++) {
        int64_t v = wb_coll_input(r, i);
        acc = op == WB_REDOP_SUM ? acc + v : op == WB_REDOP_MIN ? (v < acc ? v : acc)
                                                                 : (v > acc ? v : acc);
    }
    return acc;
}

/* The inputs repeat with period 31 in i, so the expected values are computed once per
 * residue and the check stays a cheap compare even for large messages and many ranks. */
#define COUNT_WRONG_AS(T)                                   \
    do {                                                    \
        const T *p = result;                                \
        for (size_t i = 0; i < n; i++)                      \
            wrong += p[i] != (T)expect[(offset + i) % 31];  \
    } while (0)

int64_t wb_coll_count_wrong(const void *result, int dtype, int op, int nranks, int src_rank,
                            size_t offset, size_t n)
{
    int64_t expect[31];
    for (size_t i = 0; i < 31; i++)
        expect[i] = expected_value(op, nranks, src_rank, i);
    int64_t wrong = 0;
    switch (dtype) {
    case WB_DTYPE_INT32: COUNT_WRONG_AS(int32_t); break;
    case WB_DTYPE_INT64: COUNT_WRONG_AS(int64_t); break;
    case WB_DTYPE_FLOAT: COUNT_WRONG_AS(float); break;
    default: COUNT_WRONG_AS(double); break;
    }
    return wrong;
}

static void set_minus_one(void *buf, int dtype)
{
    switch (dtype) {
    case WB_DTYPE_INT32: *(int32_t *)buf = -1; break;
    case WB_DTYPE_INT64: *(int64_t *)buf = -1; break;
    case WB_DTYPE_FLOAT: *(float *)buf = -1; break;
    default: *(double *)buf = -1; break;
    }
}

/* ---- one collective: set-up, call, check ---------------------------------------- */

struct ctx {
    MPI_Comm comm;
    int rank, n, root;
    int dtype, op;
    MPI_Datatype type;
    MPI_Op mop;
    size_t tsize;
    struct wb_coll_counts cnt;
    char *send, *recv; /* each holds at least the sweep's largest size */
};

struct coll_impl {
    int (*run)(const struct ctx *c, int in_place);
    void (*prepare)(const struct ctx *c, int in_place);
    int64_t (*check)(const struct ctx *c, int in_place);
    int has_out_of_place; /* MPI_Bcast has a single buffer */
};

static char *at(const struct ctx *c, char *buf, size_t elem)
{
    return buf + elem * c->tsize;
}

static void prepare_reduce(const struct ctx *c, int in_place)
{
    wb_coll_fill(in_place ? c->recv : c->send, c->dtype, c->rank, 0, c->cnt.send_count);
}

static int run_allreduce(const struct ctx *c, int in_place)
{
    return MPI_Allreduce(in_place ? MPI_IN_PLACE : c->send, c->recv, (int)c->cnt.count, c->type,
                         c->mop, c->comm);
}

static int64_t check_allreduce(const struct ctx *c, int in_place)
{
    (void)in_place;
    return wb_coll_count_wrong(c->recv, c->dtype, c->op, c->n, 0, 0, c->cnt.count);
}

static int run_reduce(const struct ctx *c, int in_place)
{
    const void *send = in_place ? (c->rank == c->root ? MPI_IN_PLACE : c->recv) : c->send;
    return MPI_Reduce(send, c->rank == c->root ? c->recv : NULL, (int)c->cnt.count, c->type,
                      c->mop, c->root, c->comm);
}

static int64_t check_reduce(const struct ctx *c, int in_place)
{
    return c->rank == c->root ? check_allreduce(c, in_place) : 0;
}

static int run_reduce_scatter(const struct ctx *c, int in_place)
{
    return MPI_Reduce_scatter_block(in_place ? MPI_IN_PLACE : c->send, c->recv,
                                    (int)c->cnt.recv_count, c->type, c->mop, c->comm);
}

static int64_t check_reduce_scatter(const struct ctx *c, int in_place)
{
    (void)in_place;
    return wb_coll_count_wrong(c->recv, c->dtype, c->op, c->n, 0,
                               (size_t)c->rank * c->cnt.recv_count, c->cnt.recv_count);
}

static void prepare_allgather(const struct ctx *c, int in_place)
{
    char *mine = in_place ? at(c, c->recv, (size_t)c->rank * c->cnt.count) : c->send;
    wb_coll_fill(mine, c->dtype, c->rank, 0, c->cnt.count);
}

static int run_allgather(const struct ctx *c, int in_place)
{
    return MPI_Allgather(in_place ? MPI_IN_PLACE : c->send, (int)c->cnt.count, c->type, c->recv,
                         (int)c->cnt.count, c->type, c->comm);
}

static int64_t check_allgather(const struct ctx *c, int in_place)
{
    (void)in_place;
    int64_t wrong = 0;
    for (int q = 0; q < c->n; q++)
        wrong += wb_coll_count_wrong(at(c, c->recv, (size_t)q * c->cnt.count), c->dtype, -1,
                                     c->n, q, 0, c->cnt.count);
    return wrong;
}

static void prepare_broadcast(const struct ctx *c, int in_place)
{
    (void)in_place;
    /* Non-roots start from their own (different) data, so a missed broadcast shows. */
    wb_coll_fill(c->recv, c->dtype, c->rank == c->root ? c->root : c->root + 1, 0, c->cnt.count);
}

static int run_broadcast(const struct ctx *c, int in_place)
{
    (void)in_place;
    return MPI_Bcast(c->recv, (int)c->cnt.count, c->type, c->root, c->comm);
}

static int64_t check_broadcast(const struct ctx *c, int in_place)
{
    (void)in_place;
    return wb_coll_count_wrong(c->recv, c->dtype, -1, c->n, c->root, 0, c->cnt.count);
}

static int run_alltoall(const struct ctx *c, int in_place)
{
    return MPI_Alltoall(in_place ? MPI_IN_PLACE : c->send, (int)c->cnt.count, c->type, c->recv,
                        (int)c->cnt.count, c->type, c->comm);
}

static int64_t check_alltoall(const struct ctx *c, int in_place)
{
    (void)in_place;
    int64_t wrong = 0;
    for (int q = 0; q < c->n; q++)
        wrong += wb_coll_count_wrong(at(c, c->recv, (size_t)q * c->cnt.count), c->dtype, -1,
                                     c->n, q, (size_t)c->rank * c->cnt.count, c->cnt.count);
    return wrong;
}

static const struct coll_impl impls[WB_COLL_COUNT] = {
    [WB_COLL_ALLREDUCE] = {run_allreduce, prepare_reduce, check_allreduce, 1},
    [WB_COLL_REDUCE] = {run_reduce, prepare_reduce, check_reduce, 1},
    [WB_COLL_REDUCE_SCATTER] = {run_reduce_scatter, prepare_reduce, check_reduce_scatter, 1},
    [WB_COLL_ALLGATHER] = {run_allgather, prepare_allgather, check_allgather, 1},
    [WB_COLL_BROADCAST] = {run_broadcast, prepare_broadcast, check_broadcast, 0},
    [WB_COLL_ALLTOALL] = {run_alltoall, prepare_reduce, check_alltoall, 1},
};

/* ---- the harness ------------------------------------------------------------------ */

/* Column indices of one placement's figures. */
struct place_cols {
    int time, algbw, busbw, wrong;
    int t_min, t_avg, t_max, ci_lo, ci_hi, rep_min, rep_max, iters;
    int raw;
};

struct coll_table {
    int size, count, type, redop, root;
    struct place_cols place[WB_PLACE_COUNT];
};

static int define_table(struct wb_table *t, struct coll_table *ct, size_t nreps)
{
    static const char *const prefix[WB_PLACE_COUNT] = {"oop", "ip"};
    static const char *const label[WB_PLACE_COUNT] = {"out-of-place", "in-place"};
    int bad = 0;
    bad |= (ct->size = wb_table_add_col(t, "size", WB_COL_I64, WB_ROLE_KEY, WB_BETTER_NONE, "size",
                                        "B", "", 12, 0)) < 0;
    wb_table_set_threshold(t, ct->size, "min_busbw"); /* judged at the largest size */
    bad |= (ct->count = wb_table_add_col(t, "count", WB_COL_I64, WB_ROLE_CONTEXT, WB_BETTER_NONE,
                                         "count", "elements", "", 12, 0)) < 0;
    bad |= (ct->type = wb_table_add_col(t, "type", WB_COL_STR, WB_ROLE_KEY, WB_BETTER_NONE, "type",
                                        "", "", 7, 0)) < 0;
    bad |= (ct->redop = wb_table_add_col(t, "redop", WB_COL_STR, WB_ROLE_KEY, WB_BETTER_NONE,
                                         "redop", "", "", 6, 0)) < 0;
    bad |= (ct->root = wb_table_add_col(t, "root", WB_COL_I64, WB_ROLE_KEY, WB_BETTER_NONE, "root",
                                        "", "", 5, 0)) < 0;
    for (int p = 0; p < WB_PLACE_COUNT; p++) {
        struct place_cols *pc = &ct->place[p];
        char name[WB_NAME_LEN];
#define COL(field, suffix, type, role, better, head, unit, width, prec)                     \
    snprintf(name, sizeof name, "%s_%s", prefix[p], suffix);                                \
    bad |= (pc->field = wb_table_add_col(t, name, type, WB_ROLE_##role, WB_BETTER_##better, \
                                         head, unit, label[p], width, prec)) < 0
        COL(time, "time", WB_COL_F64, FIGURE, LOWER, "time", "us", 10, 2);
        COL(algbw, "algbw", WB_COL_F64, FIGURE, HIGHER, "algbw", "GB/s", 8, 2);
        COL(busbw, "busbw", WB_COL_F64, FIGURE, HIGHER, "busbw", "GB/s", 8, 2);
        wb_table_set_threshold(t, pc->busbw, "min_busbw");
        COL(wrong, "wrong", WB_COL_F64, VERDICT, LOWER, "#wrong", "", 7, 0);
        COL(t_min, "time_rank_min", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(t_avg, "time_rank_avg", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(t_max, "time_rank_max", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(ci_lo, "time_ci_lo", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(ci_hi, "time_ci_hi", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(rep_min, "time_rep_min", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(rep_max, "time_rep_max", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(iters, "iters", WB_COL_I64, CONTEXT, NONE, NULL, "", 0, 0);
#undef COL
        snprintf(name, sizeof name, "%s_time_raw", prefix[p]);
        bad |= (pc->raw = wb_table_add_raw(t, name, "us", nreps)) < 0;
    }
    return bad ? -1 : 0;
}

/* The MPI backend's timing and check of one placement (struct wb_coll_backend). */
static int64_t cpu_time_and_check(void *ctxp, const struct wb_config *cfg, int coll, int in_place,
                                  int64_t iters, double *raw, size_t nreps)
{
    struct ctx *c = ctxp;
    const struct coll_impl *impl = &impls[coll];
    int rc;
    impl->prepare(c, in_place);
    for (int64_t i = 0; i < cfg->coll.warmup; i++)
        if ((rc = impl->run(c, in_place)) != MPI_SUCCESS)
            wb_world_fatal_mpi(c->comm, c->rank, rc, "warm-up collective");
    for (size_t r = 0; r < nreps; r++) {
        MPI_Barrier(c->comm);
        double t0 = MPI_Wtime();
        for (int64_t i = 0; i < iters; i++)
            if ((rc = impl->run(c, in_place)) != MPI_SUCCESS)
                wb_world_fatal_mpi(c->comm, c->rank, rc, "timed collective");
        raw[r] = (MPI_Wtime() - t0) / (double)iters * 1e6;
    }
    if (!cfg->coll.check)
        return 0;
    impl->prepare(c, in_place);
    if ((rc = impl->run(c, in_place)) != MPI_SUCCESS)
        wb_world_fatal_mpi(c->comm, c->rank, rc, "checked collective");
    /* Test-only (debug.corrupt_rank): falsify one received value; every input is
     * positive, so -1 is never an expected result. */
    if (cfg->debug_corrupt_rank == c->rank && (coll != WB_COLL_REDUCE || c->rank == c->root))
        set_minus_one(c->recv, c->dtype);
    return impl->check(c, in_place);
}

static void cpu_begin_row(void *ctxp, int dtype, int op, const struct wb_coll_counts *cnt)
{
    struct ctx *c = ctxp;
    c->dtype = dtype;
    c->op = op;
    c->type = mpi_dtype(dtype);
    c->mop = mpi_op(op);
    c->tsize = wb_dtype_size(dtype);
    c->cnt = *cnt;
}

static int cpu_has_placement(void *ctxp, int coll, int in_place)
{
    (void)ctxp;
    return in_place || impls[coll].has_out_of_place;
}

/* Times one placement of one row through the backend and records its figures: the
 * operation's time in a repetition is the slowest rank's. Returns #wrong over ranks. */
static int64_t measure(const struct wb_world *w, const struct wb_config *cfg,
                       const struct wb_coll_backend *be, int coll, int in_place, size_t bytes,
                       struct wb_table *t, const struct place_cols *pc, size_t row)
{
    const struct wb_coll_config *cc = &cfg->coll;
    int64_t iters = cc->iters ? cc->iters : wb_coll_auto_iters(bytes);
    size_t nreps = (size_t)cc->reps;
    double *raw = wb_table_raw(t, pc->raw, row);
    int64_t wrong = be->time_and_check(be->ctx, cfg, coll, in_place, iters, raw, nreps);

    struct wb_rank_stats rs;
    int64_t wrong_total = 0;
    int rc;
    if ((rc = wb_stats_across_ranks(&rs, raw, nreps, w->comm)) ||
        (rc = MPI_Allreduce(&wrong, &wrong_total, 1, MPI_INT64_T, MPI_SUM, w->comm)))
        wb_world_fatal_mpi(w->comm, w->rank, rc, "statistics across ranks");
    const struct wb_summary s = rs.slowest;

    double gbps = (double)bytes / (s.median * 1e-6) / 1e9;
    wb_table_set_f64(t, row, pc->time, s.median);
    wb_table_set_f64(t, row, pc->algbw, gbps);
    wb_table_set_f64(t, row, pc->busbw, gbps * wb_coll_busbw_factor(coll, w->size));
    wb_table_set_f64(t, row, pc->wrong, cc->check ? (double)wrong_total : NAN);
    wb_table_set_f64(t, row, pc->t_min, rs.rank_min);
    wb_table_set_f64(t, row, pc->t_avg, rs.rank_avg);
    wb_table_set_f64(t, row, pc->t_max, rs.rank_max);
    wb_table_set_f64(t, row, pc->ci_lo, s.ci_lo);
    wb_table_set_f64(t, row, pc->ci_hi, s.ci_hi);
    wb_table_set_f64(t, row, pc->rep_min, s.min);
    wb_table_set_f64(t, row, pc->rep_max, s.max);
    wb_table_set_i64(t, row, pc->iters, iters);
    return wrong_total;
}

static void mark_absent(struct wb_table *t, const struct place_cols *pc, size_t row)
{
    const int cols[] = {pc->time, pc->algbw, pc->busbw, pc->wrong, pc->t_min, pc->t_avg,
                        pc->t_max, pc->ci_lo, pc->ci_hi, pc->rep_min, pc->rep_max};
    for (size_t i = 0; i < WB_ARRAY_LEN(cols); i++)
        wb_table_set_f64(t, row, cols[i], NAN);
    double *raw = wb_table_raw(t, pc->raw, row);
    for (size_t r = 0; r < t->raw[pc->raw].nreps; r++)
        raw[r] = NAN;
}

int wb_coll_sweep(const struct wb_world *w, const struct wb_config *cfg, int coll,
                  const struct wb_coll_backend *be, struct wb_table *t, int64_t *wrong,
                  struct wb_error *err)
{
    const struct wb_coll_config *cc = &cfg->coll;
    struct coll_table ct;
    double busbw_sum = 0;
    long busbw_n = 0;
    int status = WB_OK;
    *wrong = 0;
    if (define_table(t, &ct, (size_t)cc->reps) != 0)
        return WB_FAIL(err, WB_ERR_RUNTIME, "results table for %s", wb_coll_name(coll));
    for (int d = 0; d < WB_DTYPE_COUNT && status == WB_OK; d++) {
        if (!(cc->dtypes & (1u << d)))
            continue;
        for (int op = 0; op < WB_REDOP_COUNT && status == WB_OK; op++) {
            /* Non-reductions have no op: one pass per type. */
            if (wb_coll_is_reduction(coll) ? !(cc->redops & (1u << op)) : op != 0)
                continue;
            for (int64_t size = cc->min_bytes; size <= cc->max_bytes; size *= cc->factor) {
                if (wb_world_stop_requested(w)) {
                    status = WB_FAIL(err, WB_ERR_INTERRUPTED,
                                     "collectives: stop requested (signal) during %s; results "
                                     "so far written, marked incomplete",
                                     wb_coll_name(coll));
                    break;
                }
                struct wb_coll_counts cnt;
                wb_coll_counts(&cnt, coll, (size_t)size, wb_dtype_size(d), w->size);
                if (cnt.count == 0 || cnt.count > (size_t)INT32_MAX)
                    continue;
                long row = wb_table_add_row(t);
                if (row < 0) {
                    status = WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (results table)");
                    break;
                }
                be->begin_row(be->ctx, d, op, &cnt);
                int root = coll == WB_COLL_REDUCE || coll == WB_COLL_BROADCAST ? (int)cc->root : -1;
                wb_table_set_i64(t, (size_t)row, ct.size, (int64_t)cnt.bytes);
                wb_table_set_i64(t, (size_t)row, ct.count, (int64_t)cnt.count);
                wb_table_set_str(t, (size_t)row, ct.type, wb_dtype_name(d));
                wb_table_set_str(t, (size_t)row, ct.redop,
                                 wb_coll_is_reduction(coll) ? wb_redop_name(op) : "none");
                wb_table_set_i64(t, (size_t)row, ct.root, root);
                for (int p = 0; p < WB_PLACE_COUNT; p++) {
                    int in_place = p == WB_PLACE_IN;
                    if (!(cc->placements & (1u << p)) || !be->has_placement(be->ctx, coll, in_place)) {
                        mark_absent(t, &ct.place[p], (size_t)row);
                        continue;
                    }
                    *wrong += measure(w, cfg, be, coll, in_place, cnt.bytes, t, &ct.place[p],
                                      (size_t)row);
                    busbw_sum += t->cols[ct.place[p].busbw].data.f64[row];
                    busbw_n++;
                }
            }
        }
    }
    wb_table_attr_num(t, "ranks", w->size);
    wb_table_attr_num(t, "localities", w->n_localities);
    wb_table_attr_num(t, "busbw_factor", wb_coll_busbw_factor(coll, w->size));
    wb_table_attr_num(t, "avg_busbw", busbw_n ? busbw_sum / busbw_n : NAN);
    wb_table_attr_num(t, "wrong", (double)*wrong);
    wb_table_attr_text(t, "verdict", !cc->check ? "unchecked" : *wrong ? "FAILED" : "OK");
    return status;
}

int wb_coll_validate(const struct wb_world *w, const struct wb_config *cfg, struct wb_error *err)
{
    if (cfg->coll.root >= w->size)
        return WB_FAIL(err, WB_ERR_USAGE, "[collectives] root: %lld is not a rank; allowed 0 to %d",
                       (long long)cfg->coll.root, w->size - 1);
    return WB_OK;
}

int wb_coll_run(const struct wb_world *w, const struct wb_config *cfg,
                struct wb_results *results, struct wb_error *err)
{
#ifdef WB_HAVE_CUDA
    if (cfg->backend == WB_BACKEND_CUDA) /* NCCL and CUDA-aware MPI on device buffers */
        return wb_gpu_coll_run(w, cfg, results, err);
#endif
    const struct wb_coll_config *cc = &cfg->coll;
    struct ctx c = {.comm = w->comm, .rank = w->rank, .n = w->size, .root = (int)cc->root};
    {
        size_t bytes = (size_t)cc->max_bytes;
        bytes = (bytes + 4095) / 4096 * 4096;
        if (posix_memalign((void **)&c.send, 4096, bytes) != 0 ||
            posix_memalign((void **)&c.recv, 4096, bytes) != 0)
            WB_FAIL(err, WB_ERR_RUNTIME, "cannot allocate 2 x %zu bytes for message buffers",
                    bytes);
        else {
            memset(c.send, 0, bytes);
            memset(c.recv, 0, bytes);
        }
    }
    int status = wb_world_agree(w, err);
    int64_t wrong_total = 0;
    const struct wb_coll_backend be = {&c, cpu_begin_row, cpu_has_placement, cpu_time_and_check};
    struct wb_progress progress;
    wb_progress_start(&progress, w, cfg, "collectives");
    for (int coll = 0; status == WB_OK && coll < WB_COLL_COUNT; coll++) {
        if (!(cc->colls & (1u << coll)))
            continue;
        wb_progress_update(&progress, (double)coll / WB_COLL_COUNT, true, wb_coll_name(coll));
        char path[64], title[128];
        snprintf(path, sizeof path, "collectives/%s", wb_coll_name(coll));
        snprintf(title, sizeof title, "%s, MPI, host buffers, %d ranks, %d localities",
                 wb_coll_name(coll), w->size, w->n_localities);
        struct wb_table *t = wb_results_new_table(results, path, title);
        if (!t) {
            status = WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (results)");
            break;
        }
        wb_table_attr_text(t, "backend", "cpu");
        wb_table_attr_text(t, "library", "MPI");
        int64_t wrong = 0;
        status = wb_coll_sweep(w, cfg, coll, &be, t, &wrong, err);
        wrong_total += wrong;
    }
    wb_progress_end(&progress);
    free(c.send);
    free(c.recv);
    if (status == WB_OK && wrong_total > 0)
        status = WB_FAIL(err, WB_ERR_CHECK, "collectives: %lld wrong values", (long long)wrong_total);
    return status;
}
