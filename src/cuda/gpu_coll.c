/* wavebench collectives on device buffers: the harness of collectives.c (sweep, timing,
 * statistics, table) with NCCL or CUDA-aware MPI calls, inputs made and results checked by
 * kernels (coll_kernels.cu). Timing: NCCL by CUDA events on the stream around the timed
 * loop; MPI by MPI_Wtime (its calls on device buffers return complete). */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/gpu_coll.h"

#include <cuda_runtime_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wavebench/collectives.h"
#include "wavebench/gpu_check.h"
#include "wavebench/gpu_comm.h"
#include "wavebench/gpu_kernels.h"

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

/* ---- the backend of collectives.c's harness (struct wb_coll_backend) ---- */

static void gpu_begin_row(void *ctx, int dtype, int op, const struct wb_coll_counts *cnt)
{
    struct gctx *c = ctx;
    c->dtype = dtype;
    c->op = op;
    c->tsize = wb_dtype_size(dtype);
    c->cnt = *cnt;
}

static int gpu_has_placement(void *ctx, int coll, int in_place)
{
    return has_placement(((struct gctx *)ctx)->lib, coll, in_place);
}

static int64_t gpu_time_and_check(void *ctx, const struct wb_config *cfg, int coll, int in_place,
                                  int64_t iters, double *raw, size_t nreps)
{
    struct gctx *c = ctx;
    prepare(c, coll, in_place);
    for (int64_t i = 0; i < cfg->coll.warmup; i++)
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
    if (!cfg->coll.check)
        return 0;
    prepare(c, coll, in_place);
    run(c, coll, in_place, "checked collective");
    if (cfg->debug_corrupt_rank == c->rank && (coll != WB_COLL_REDUCE || c->rank == c->root))
        corrupt(c);
    return check(c, coll, in_place);
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
        const struct wb_coll_backend be = {c, gpu_begin_row, gpu_has_placement, gpu_time_and_check};
        int64_t wrong = 0;
        status = wb_coll_sweep(w, cfg, coll, &be, t, &wrong, err);
        *wrong_total += wrong;
        /* report.min_busbw judges the fabric through NCCL; MPI on device buffers is shown
         * beside it, not judged (docs/results-format.md). */
        for (size_t i = 0; c->lib != LIB_NCCL && i < t->ncols; i++)
            wb_table_set_threshold(t, (int)i, NULL);
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
