/* wavebench collectives on device buffers: the harness of collectives.c (sweep, timing,
 * statistics, table) with NCCL or CUDA-aware MPI calls, inputs made and results checked by
 * kernels (coll_kernels.cu). Timing: NCCL by CUDA events on the stream around the timed
 * loop; MPI by MPI_Wtime (its calls on device buffers return complete). */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/gpu_coll.h"

#include <cuda_runtime_api.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wavebench/collectives.h"
#include "wavebench/cuda_check.h"
#include "wavebench/gpu_comm.h"
#include "wavebench/gpu_kernels.h"
#include "wavebench/stats.h"

enum lib { LIB_NCCL, LIB_MPI };

void wb_gpu_coll_expect(int64_t expect[31], int op, int nranks, int src_rank)
{
    for (size_t i = 0; i < 31; i++) {
        if (op < 0) {
            expect[i] = wb_coll_input(src_rank, i);
            continue;
        }
        int64_t acc = wb_coll_input(0, i);
        for (int r = 1; r < nranks; r++) {
            int64_t v = wb_coll_input(r, i);
            acc = op == WB_REDOP_SUM ? acc + v : op == WB_REDOP_MIN ? (v < acc ? v : acc)
                                                                     : (v > acc ? v : acc);
        }
        expect[i] = acc;
    }
}

/* ---- one collective on device buffers ---- */

struct gctx {
    enum lib lib;
    const struct wb_gpu_comm *gc;
    MPI_Comm comm;
    int rank, n, root;
    int dtype, op;
    size_t tsize;
    struct wb_coll_counts cnt;
    char *send, *recv;          /* device, each at least the sweep's largest size */
    cudaStream_t stream;
    cudaEvent_t ev[2];
    unsigned long long *d_wrong;
};

static char *at(const struct gctx *c, char *buf, size_t elem)
{
    return buf + elem * c->tsize;
}

static MPI_Datatype mpi_dtype(int dtype)
{
    static const MPI_Datatype types[WB_DTYPE_COUNT] = {MPI_INT32_T, MPI_INT64_T, MPI_FLOAT, MPI_DOUBLE};
    return types[dtype];
}

static MPI_Op mpi_op(int op)
{
    return op == WB_REDOP_MIN ? MPI_MIN : op == WB_REDOP_MAX ? MPI_MAX : MPI_SUM;
}

/* A failed collective on one rank cannot be agreed on without risking a hang. */
static void fatal(const struct gctx *c, const char *what, const char *msg)
{
    fprintf(stderr, "wavebench: error: rank %d: %s: %s\n", c->rank, what, msg);
    MPI_Abort(c->comm, WB_ERR_RUNTIME);
}

static void cuda_ok(const struct gctx *c, cudaError_t rc, const char *what)
{
    if (rc != cudaSuccess)
        fatal(c, what, cudaGetErrorString(rc));
}

static void fill(const struct gctx *c, char *buf, int rank, size_t n)
{
    cuda_ok(c, wb_gpuk_coll_fill(buf, c->dtype, rank, 0, n, c->stream), "input kernel");
}

/* Prepares the inputs of a placement (as collectives.c's prepare_*). */
static void prepare(const struct gctx *c, int coll, int in_place)
{
    switch (coll) {
    case WB_COLL_ALLGATHER:
        fill(c, in_place ? at(c, c->recv, (size_t)c->rank * c->cnt.count) : c->send, c->rank,
             c->cnt.count);
        break;
    case WB_COLL_BROADCAST:
        /* Non-roots start from other data, so a missed broadcast shows. */
        fill(c, c->recv, c->rank == c->root ? c->root : c->root + 1, c->cnt.count);
        if (!in_place)
            fill(c, c->send, c->root, c->cnt.count);
        break;
    default:
        fill(c, in_place ? c->recv : c->send, c->rank, c->cnt.send_count);
        break;
    }
    if (c->lib == LIB_MPI) /* MPI does not order itself after the stream */
        cuda_ok(c, cudaStreamSynchronize(c->stream), "input kernel");
}

#ifdef WB_HAVE_NCCL
static ncclDataType_t nccl_dtype(int dtype)
{
    static const ncclDataType_t types[WB_DTYPE_COUNT] = {ncclInt32, ncclInt64, ncclFloat32, ncclFloat64};
    return types[dtype];
}

static ncclRedOp_t nccl_op(int op)
{
    return op == WB_REDOP_MIN ? ncclMin : op == WB_REDOP_MAX ? ncclMax : ncclSum;
}

/* Enqueues one operation on the stream. NCCL counts are elements. In place: NCCL's
 * convention (reduce_scatter's result and allgather's input at rank's block). */
static ncclResult_t run_nccl(const struct gctx *c, int coll, int in_place)
{
    ncclComm_t comm = c->gc->nccl;
    ncclDataType_t t = nccl_dtype(c->dtype);
    ncclRedOp_t op = nccl_op(c->op);
    const void *src = in_place ? c->recv : c->send;
    switch (coll) {
    case WB_COLL_ALLREDUCE:
        return ncclAllReduce(src, c->recv, c->cnt.count, t, op, comm, c->stream);
    case WB_COLL_REDUCE:
        return ncclReduce(src, c->recv, c->cnt.count, t, op, c->root, comm, c->stream);
    case WB_COLL_REDUCE_SCATTER:
        return ncclReduceScatter(src, in_place ? at(c, c->recv, (size_t)c->rank * c->cnt.recv_count)
                                               : c->recv,
                                 c->cnt.recv_count, t, op, comm, c->stream);
    case WB_COLL_ALLGATHER:
        return ncclAllGather(in_place ? at(c, c->recv, (size_t)c->rank * c->cnt.count) : c->send,
                             c->recv, c->cnt.count, t, comm, c->stream);
    case WB_COLL_BROADCAST:
        return ncclBroadcast(src, c->recv, c->cnt.count, t, c->root, comm, c->stream);
    case WB_COLL_ALLTOALL: { /* out of place only: grouped point-to-point */
        ncclResult_t rc = ncclGroupStart();
        for (int q = 0; q < c->n && rc == ncclSuccess; q++) {
            rc = ncclSend(at(c, c->send, (size_t)q * c->cnt.count), c->cnt.count, t, q, comm, c->stream);
            if (rc == ncclSuccess)
                rc = ncclRecv(at(c, c->recv, (size_t)q * c->cnt.count), c->cnt.count, t, q, comm,
                              c->stream);
        }
        ncclResult_t end = ncclGroupEnd();
        return rc != ncclSuccess ? rc : end;
    }
    default:
        return ncclInvalidArgument;
    }
}
#endif

/* One blocking MPI call on device buffers (collectives.c's run_*). */
static int run_mpi(const struct gctx *c, int coll, int in_place)
{
    MPI_Datatype t = mpi_dtype(c->dtype);
    MPI_Op op = mpi_op(c->op);
    int count = (int)c->cnt.count;
    switch (coll) {
    case WB_COLL_ALLREDUCE:
        return MPI_Allreduce(in_place ? MPI_IN_PLACE : c->send, c->recv, count, t, op, c->comm);
    case WB_COLL_REDUCE: {
        const void *send = in_place ? (c->rank == c->root ? MPI_IN_PLACE : c->recv) : c->send;
        return MPI_Reduce(send, c->rank == c->root ? c->recv : NULL, count, t, op, c->root, c->comm);
    }
    case WB_COLL_REDUCE_SCATTER:
        return MPI_Reduce_scatter_block(in_place ? MPI_IN_PLACE : c->send, c->recv,
                                        (int)c->cnt.recv_count, t, op, c->comm);
    case WB_COLL_ALLGATHER:
        return MPI_Allgather(in_place ? MPI_IN_PLACE : c->send, count, t, c->recv, count, t, c->comm);
    case WB_COLL_BROADCAST:
        return MPI_Bcast(c->recv, count, t, c->root, c->comm);
    default:
        return MPI_Alltoall(in_place ? MPI_IN_PLACE : c->send, count, t, c->recv, count, t, c->comm);
    }
}

static void run(const struct gctx *c, int coll, int in_place, const char *what)
{
    if (c->lib == LIB_MPI) {
        int rc = run_mpi(c, coll, in_place);
        if (rc != MPI_SUCCESS) {
            char msg[MPI_MAX_ERROR_STRING];
            int len = 0;
            MPI_Error_string(rc, msg, &len);
            fatal(c, what, msg);
        }
        return;
    }
#ifdef WB_HAVE_NCCL
    ncclResult_t rc = run_nccl(c, coll, in_place);
    if (rc != ncclSuccess)
        fatal(c, what, ncclGetErrorString(rc));
#endif
}

/* Whether a placement exists: MPI_Bcast has one buffer; NCCL has no alltoall, and
 * grouped send/recv cannot run in place. */
static int has_placement(enum lib lib, int coll, int in_place)
{
    if (!in_place && lib == LIB_MPI && coll == WB_COLL_BROADCAST)
        return 0;
    if (in_place && lib == LIB_NCCL && coll == WB_COLL_ALLTOALL)
        return 0;
    return 1;
}

/* Counts wrong elements of n at buf against the expected values of (op, src_rank). */
static void count_wrong(const struct gctx *c, const char *buf, int op, int src_rank, size_t offset,
                        size_t n)
{
    struct wb_coll_expect e;
    wb_gpu_coll_expect(e.v, op, c->n, src_rank);
    cuda_ok(c, wb_gpuk_coll_count_wrong(buf, c->dtype, offset, n, e, c->d_wrong, c->stream),
            "check kernel");
}

/* This rank's wrong elements after the checked operation (collectives.c's check_*). */
static int64_t check(const struct gctx *c, int coll, int in_place)
{
    cuda_ok(c, cudaMemsetAsync(c->d_wrong, 0, sizeof *c->d_wrong, c->stream), "check counter");
    switch (coll) {
    case WB_COLL_ALLREDUCE:
        count_wrong(c, c->recv, c->op, 0, 0, c->cnt.count);
        break;
    case WB_COLL_REDUCE:
        if (c->rank == c->root)
            count_wrong(c, c->recv, c->op, 0, 0, c->cnt.count);
        break;
    case WB_COLL_REDUCE_SCATTER: {
        size_t block = (size_t)c->rank * c->cnt.recv_count;
        const char *res = c->lib == LIB_NCCL && in_place ? at(c, c->recv, block) : c->recv;
        count_wrong(c, res, c->op, 0, block, c->cnt.recv_count);
        break;
    }
    case WB_COLL_ALLGATHER:
        for (int q = 0; q < c->n; q++)
            count_wrong(c, at(c, c->recv, (size_t)q * c->cnt.count), -1, q, 0, c->cnt.count);
        break;
    case WB_COLL_BROADCAST:
        count_wrong(c, c->recv, -1, c->root, 0, c->cnt.count);
        break;
    default:
        for (int q = 0; q < c->n; q++)
            count_wrong(c, at(c, c->recv, (size_t)q * c->cnt.count), -1, q,
                        (size_t)c->rank * c->cnt.count, c->cnt.count);
        break;
    }
    unsigned long long wrong = 0;
    cuda_ok(c, cudaMemcpyAsync(&wrong, c->d_wrong, sizeof wrong, cudaMemcpyDeviceToHost, c->stream),
            "check counter");
    cuda_ok(c, cudaStreamSynchronize(c->stream), "check");
    return (int64_t)wrong;
}

/* Test-only (debug.corrupt_rank): one received value becomes -1 (never expected). */
static void corrupt(const struct gctx *c)
{
    int64_t i64 = -1;
    int32_t i32 = -1;
    float f = -1;
    double dd = -1;
    const void *src[WB_DTYPE_COUNT] = {&i32, &i64, &f, &dd};
    cuda_ok(c, cudaMemcpyAsync(c->recv, src[c->dtype], c->tsize, cudaMemcpyHostToDevice, c->stream),
            "debug corrupt");
    cuda_ok(c, cudaStreamSynchronize(c->stream), "debug corrupt");
}

/* ---- the harness (collectives.c's layout and statistics) ---- */

struct place_cols {
    int time, algbw, busbw, wrong;
    int t_min, t_avg, t_max, ci_lo, ci_hi, rep_min, rep_max, iters;
    int raw;
};

struct coll_table {
    int size, count, type, redop, root;
    struct place_cols place[WB_PLACE_COUNT];
};

/* Column for column collectives.c's define_table (tests/gpu/test_gpu_host.c checks it). */
static int define_table(struct wb_table *t, struct coll_table *ct, size_t nreps)
{
    static const char *const prefix[WB_PLACE_COUNT] = {"oop", "ip"};
    static const char *const label[WB_PLACE_COUNT] = {"out-of-place", "in-place"};
    int bad = 0;
    bad |= (ct->size = wb_table_add_col(t, "size", WB_COL_I64, "size", "B", "", 12, 0)) < 0;
    bad |= (ct->count = wb_table_add_col(t, "count", WB_COL_I64, "count", "elements", "", 12, 0)) < 0;
    bad |= (ct->type = wb_table_add_col(t, "type", WB_COL_STR, "type", "", "", 7, 0)) < 0;
    bad |= (ct->redop = wb_table_add_col(t, "redop", WB_COL_STR, "redop", "", "", 6, 0)) < 0;
    bad |= (ct->root = wb_table_add_col(t, "root", WB_COL_I64, "root", "", "", 5, 0)) < 0;
    for (int p = 0; p < WB_PLACE_COUNT; p++) {
        struct place_cols *pc = &ct->place[p];
        char name[WB_NAME_LEN];
#define COL(field, suffix, type, head, unit, width, prec)                                   \
    snprintf(name, sizeof name, "%s_%s", prefix[p], suffix);                                \
    bad |= (pc->field = wb_table_add_col(t, name, type, head, unit, label[p], width, prec)) < 0
        COL(time, "time", WB_COL_F64, "time", "us", 10, 2);
        COL(algbw, "algbw", WB_COL_F64, "algbw", "GB/s", 8, 2);
        COL(busbw, "busbw", WB_COL_F64, "busbw", "GB/s", 8, 2);
        COL(wrong, "wrong", WB_COL_F64, "#wrong", "", 7, 0);
        COL(t_min, "time_rank_min", WB_COL_F64, NULL, "us", 0, 0);
        COL(t_avg, "time_rank_avg", WB_COL_F64, NULL, "us", 0, 0);
        COL(t_max, "time_rank_max", WB_COL_F64, NULL, "us", 0, 0);
        COL(ci_lo, "time_ci_lo", WB_COL_F64, NULL, "us", 0, 0);
        COL(ci_hi, "time_ci_hi", WB_COL_F64, NULL, "us", 0, 0);
        COL(rep_min, "time_rep_min", WB_COL_F64, NULL, "us", 0, 0);
        COL(rep_max, "time_rep_max", WB_COL_F64, NULL, "us", 0, 0);
        COL(iters, "iters", WB_COL_I64, NULL, "", 0, 0);
#undef COL
        snprintf(name, sizeof name, "%s_time_raw", prefix[p]);
        bad |= (pc->raw = wb_table_add_raw(t, name, "us", nreps)) < 0;
    }
    return bad ? -1 : 0;
}

int wb_gpu_coll_define_table(struct wb_table *t, size_t nreps)
{
    struct coll_table ct;
    return define_table(t, &ct, nreps);
}

/* Times one placement of one row; fills its columns and raw series. Returns #wrong. */
static int64_t measure(const struct wb_world *w, const struct wb_config *cfg, struct gctx *c,
                       int coll, int in_place, struct wb_table *t, const struct place_cols *pc,
                       size_t row)
{
    const struct wb_coll_config *cc = &cfg->coll;
    int64_t iters = cc->iters ? cc->iters : wb_coll_auto_iters(c->cnt.bytes);
    size_t nreps = (size_t)cc->reps;
    double *raw = wb_table_raw(t, pc->raw, row);
    int rc;

    prepare(c, coll, in_place);
    for (int64_t i = 0; i < cc->warmup; i++)
        run(c, coll, in_place, "warm-up collective");
    cuda_ok(c, cudaStreamSynchronize(c->stream), "warm-up collective");
    for (size_t r = 0; r < nreps; r++) {
        MPI_Barrier(c->comm);
        if (c->lib == LIB_NCCL) {
            cuda_ok(c, cudaEventRecord(c->ev[0], c->stream), "timing event");
            for (int64_t i = 0; i < iters; i++)
                run(c, coll, in_place, "timed collective");
            cuda_ok(c, cudaEventRecord(c->ev[1], c->stream), "timing event");
            cuda_ok(c, cudaEventSynchronize(c->ev[1]), "timed collective");
            float ms = 0;
            cuda_ok(c, cudaEventElapsedTime(&ms, c->ev[0], c->ev[1]), "timing event");
            raw[r] = (double)ms * 1e3 / (double)iters;
        } else {
            double t0 = MPI_Wtime();
            for (int64_t i = 0; i < iters; i++)
                run(c, coll, in_place, "timed collective");
            raw[r] = (MPI_Wtime() - t0) / (double)iters * 1e6;
        }
    }

    int64_t wrong = 0;
    if (cc->check) {
        prepare(c, coll, in_place);
        run(c, coll, in_place, "checked collective");
        if (cfg->debug_corrupt_rank == w->rank && (coll != WB_COLL_REDUCE || c->rank == c->root))
            corrupt(c);
        wrong = check(c, coll, in_place);
    }

    double *slowest = malloc(sizeof(double) * nreps);
    double mine_avg = 0, rank_min, rank_max, rank_sum;
    for (size_t r = 0; r < nreps; r++)
        mine_avg += raw[r] / (double)nreps;
    int64_t wrong_total = 0;
    if (!slowest)
        fatal(c, "statistics buffer", "out of memory");
    if ((rc = MPI_Allreduce(raw, slowest, (int)nreps, MPI_DOUBLE, MPI_MAX, c->comm)) ||
        (rc = MPI_Allreduce(&mine_avg, &rank_min, 1, MPI_DOUBLE, MPI_MIN, c->comm)) ||
        (rc = MPI_Allreduce(&mine_avg, &rank_max, 1, MPI_DOUBLE, MPI_MAX, c->comm)) ||
        (rc = MPI_Allreduce(&mine_avg, &rank_sum, 1, MPI_DOUBLE, MPI_SUM, c->comm)) ||
        (rc = MPI_Allreduce(&wrong, &wrong_total, 1, MPI_INT64_T, MPI_SUM, c->comm)))
        fatal(c, "statistics reduction", "MPI_Allreduce failed");
    struct wb_summary s;
    if (wb_summarize(&s, slowest, nreps) != 0)
        fatal(c, "statistics buffer", "out of memory");
    free(slowest);

    double gbps = (double)c->cnt.bytes / (s.median * 1e-6) / 1e9;
    wb_table_set_f64(t, row, pc->time, s.median);
    wb_table_set_f64(t, row, pc->algbw, gbps);
    wb_table_set_f64(t, row, pc->busbw, gbps * wb_coll_busbw_factor(coll, c->n));
    wb_table_set_f64(t, row, pc->wrong, cc->check ? (double)wrong_total : NAN);
    wb_table_set_f64(t, row, pc->t_min, rank_min);
    wb_table_set_f64(t, row, pc->t_avg, rank_sum / c->n);
    wb_table_set_f64(t, row, pc->t_max, rank_max);
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

static int sweep_one(const struct wb_world *w, const struct wb_config *cfg, int coll,
                     struct gctx *c, struct wb_table *t, struct wb_error *err,
                     int64_t *wrong_total, double *busbw_sum, long *busbw_n)
{
    const struct wb_coll_config *cc = &cfg->coll;
    struct coll_table ct;
    if (define_table(t, &ct, (size_t)cc->reps) != 0)
        return WB_FAIL(err, WB_ERR_RUNTIME, "results table for %s", wb_coll_name(coll));
    for (int d = 0; d < WB_DTYPE_COUNT; d++) {
        if (!(cc->dtypes & (1u << d)))
            continue;
        for (int op = 0; op < WB_REDOP_COUNT; op++) {
            if (wb_coll_is_reduction(coll) ? !(cc->redops & (1u << op)) : op != 0)
                continue;
            c->dtype = d;
            c->op = op;
            c->tsize = wb_dtype_size(d);
            for (int64_t size = cc->min_bytes; size <= cc->max_bytes; size *= cc->factor) {
                if (wb_world_stop_requested(w))
                    return WB_FAIL(err, WB_ERR_INTERRUPTED,
                                   "collectives: stop requested (signal) during %s; results so "
                                   "far written, marked incomplete",
                                   wb_coll_name(coll));
                wb_coll_counts(&c->cnt, coll, (size_t)size, c->tsize, c->n);
                if (c->cnt.count == 0 || c->cnt.count > (size_t)INT32_MAX)
                    continue;
                long row = wb_table_add_row(t);
                if (row < 0)
                    return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (results table)");
                wb_table_set_i64(t, (size_t)row, ct.size, (int64_t)c->cnt.bytes);
                wb_table_set_i64(t, (size_t)row, ct.count, (int64_t)c->cnt.count);
                wb_table_set_str(t, (size_t)row, ct.type, wb_dtype_name(d));
                wb_table_set_str(t, (size_t)row, ct.redop,
                                 wb_coll_is_reduction(coll) ? wb_redop_name(op) : "none");
                wb_table_set_i64(t, (size_t)row, ct.root,
                                 coll == WB_COLL_REDUCE || coll == WB_COLL_BROADCAST ? c->root : -1);
                for (int p = 0; p < WB_PLACE_COUNT; p++) {
                    int in_place = p == WB_PLACE_IN;
                    if (!(cc->placements & (1u << p)) || !has_placement(c->lib, coll, in_place)) {
                        mark_absent(t, &ct.place[p], (size_t)row);
                        continue;
                    }
                    *wrong_total += measure(w, cfg, c, coll, in_place, t, &ct.place[p], (size_t)row);
                    *busbw_sum += t->cols[ct.place[p].busbw].data.f64[row];
                    (*busbw_n)++;
                }
            }
        }
    }
    return WB_OK;
}

/* Sweeps every configured collective with one library; appends its tables. */
static int sweep_lib(const struct wb_world *w, const struct wb_config *cfg, struct gctx *c,
                     struct wb_results *results, int64_t *wrong_total, struct wb_error *err)
{
    const struct wb_coll_config *cc = &cfg->coll;
    int status = WB_OK;
    int rt = 0, nccl_version = 0;
    cudaRuntimeGetVersion(&rt);
#ifdef WB_HAVE_NCCL
    ncclGetVersion(&nccl_version);
#endif
    for (int coll = 0; status == WB_OK && coll < WB_COLL_COUNT; coll++) {
        if (!(cc->colls & (1u << coll)))
            continue;
        char path[64], title[160];
        snprintf(path, sizeof path, "%s/%s",
                 c->lib == LIB_NCCL ? "collectives" : "collectives_mpi_device", wb_coll_name(coll));
        snprintf(title, sizeof title, "%s, %s, device buffers, %d ranks, %d localities",
                 wb_coll_name(coll), c->lib == LIB_NCCL ? "NCCL" : "MPI (CUDA-aware)", w->size,
                 w->n_localities);
        struct wb_table *t = wb_results_new_table(results, path, title);
        if (!t)
            return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (results)");
        int64_t wrong = 0;
        double busbw_sum = 0;
        long busbw_n = 0;
        status = sweep_one(w, cfg, coll, c, t, err, &wrong, &busbw_sum, &busbw_n);
        *wrong_total += wrong;
        wb_table_attr_text(t, "backend", "cuda");
        wb_table_attr_text(t, "library", c->lib == LIB_NCCL ? "NCCL" : "MPI");
        wb_table_attr_text(t, "buffers", "device");
        wb_table_attr_text(t, "timing", c->lib == LIB_NCCL
                                            ? "CUDA events on the stream around the timed loop"
                                            : "MPI_Wtime around the timed loop");
        wb_table_attr_num(t, "cuda_runtime", rt);
        if (c->lib == LIB_NCCL)
            wb_table_attr_num(t, "nccl_version", nccl_version);
        if (c->lib == LIB_NCCL && coll == WB_COLL_ALLTOALL)
            wb_table_attr_text(t, "note", "grouped ncclSend/ncclRecv; out-of-place only");
        wb_table_attr_num(t, "ranks", w->size);
        wb_table_attr_num(t, "localities", w->n_localities);
        wb_table_attr_num(t, "busbw_factor", wb_coll_busbw_factor(coll, w->size));
        wb_table_attr_num(t, "avg_busbw", busbw_n ? busbw_sum / busbw_n : NAN);
        wb_table_attr_num(t, "wrong", (double)wrong);
        wb_table_attr_text(t, "verdict", !cc->check ? "unchecked" : wrong ? "FAILED" : "OK");
    }
    return status;
}

static int alloc_buffers(struct gctx *c, size_t bytes, struct wb_error *err)
{
    WB_CUDA_CHECK(err, cudaStreamCreateWithFlags(&c->stream, cudaStreamNonBlocking));
    WB_CUDA_CHECK(err, cudaEventCreate(&c->ev[0]));
    WB_CUDA_CHECK(err, cudaEventCreate(&c->ev[1]));
    WB_CUDA_CHECK(err, cudaMalloc((void **)&c->send, bytes));
    WB_CUDA_CHECK(err, cudaMalloc((void **)&c->recv, bytes));
    WB_CUDA_CHECK(err, cudaMalloc((void **)&c->d_wrong, sizeof *c->d_wrong));
    WB_CUDA_CHECK(err, cudaMemset(c->send, 0, bytes));
    WB_CUDA_CHECK(err, cudaMemset(c->recv, 0, bytes));
    return WB_OK;
}

static void free_buffers(struct gctx *c)
{
    if (c->stream)
        cudaStreamSynchronize(c->stream);
    cudaFree(c->send);
    cudaFree(c->recv);
    cudaFree(c->d_wrong);
    if (c->ev[0])
        cudaEventDestroy(c->ev[0]);
    if (c->ev[1])
        cudaEventDestroy(c->ev[1]);
    if (c->stream)
        cudaStreamDestroy(c->stream);
}

int wb_gpu_coll_run(const struct wb_world *w, const struct wb_config *cfg,
                    struct wb_results *results, struct wb_error *err)
{
    const struct wb_coll_config *cc = &cfg->coll;
    struct wb_gpu_comm gc;
    int status = wb_gpu_comm_create(&gc, w, err);
    if (status != WB_OK)
        return status;
    int cuda_aware = wb_gpu_mpi_cuda_aware(), all_aware = 0;
    MPI_Allreduce(&cuda_aware, &all_aware, 1, MPI_INT, MPI_MIN, w->comm);
    if (!gc.have_nccl && !all_aware) {
        wb_gpu_comm_free(&gc);
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[run] backend: cuda collectives need NCCL (rebuild --with-nccl) or a "
                       "CUDA-aware MPI; use --backend cpu");
    }
    struct gctx c = {.gc = &gc, .comm = w->comm, .rank = w->rank, .n = w->size, .root = (int)cc->root};
    size_t bytes = ((size_t)cc->max_bytes + 4095) / 4096 * 4096;
    alloc_buffers(&c, bytes, err);
    status = wb_world_agree(w, err);
    int64_t wrong_total = 0;
    if (status == WB_OK && gc.have_nccl) {
        c.lib = LIB_NCCL;
        status = sweep_lib(w, cfg, &c, results, &wrong_total, err);
    }
    if (status == WB_OK) {
        if (all_aware) {
            c.lib = LIB_MPI;
            status = sweep_lib(w, cfg, &c, results, &wrong_total, err);
        } else if (w->rank == 0 && !cfg->quiet) {
            printf("# collectives_mpi_device: skipped, the MPI library is not CUDA-aware on every "
                   "rank (MPIX_Query_cuda_support)\n");
        }
    }
    free_buffers(&c);
    wb_gpu_comm_free(&gc);
    if (status == WB_OK && wrong_total > 0)
        status = WB_FAIL(err, WB_ERR_CHECK, "collectives (cuda): %lld wrong values",
                         (long long)wrong_total);
    return status;
}
