/* wavebench collectives' engines on device buffers: NCCL (its own call per collective and its
 * documented deviations from the descriptors) and MPI on device buffers (the descriptors' own
 * MPI calls). Both share the device context (stream, buffers, check counter) and the fill and
 * check kernels. NCCL is timed by CUDA events on the stream around the timed loop, MPI by
 * MPI_Wtime (its calls on device buffers return complete). */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/gpu_coll.h"

#include <cuda_runtime_api.h>
#include <stdio.h>
#include <stdlib.h>

#include "wavebench/coll_mpi.h"
#include "wavebench/gpu_check.h"
#include "wavebench/gpu_comm.h"
#include "wavebench/gpu_kernels.h"

struct gctx {
    const struct wb_world *w;
    struct wb_gpu_comm gc; /* the NCCL engine's communicator */
    char *buf[2];          /* device, [enum wb_coll_buf], each at least the sweep's largest size */
    cudaStream_t stream;
    cudaEvent_t ev[2];
    unsigned long long *d_wrong;
};

/* A failed call on one rank cannot be agreed on without risking a hang. */
static void fatal(const struct gctx *c, const char *what, const char *msg)
{
    fprintf(stderr, "wavebench: error: rank %d: %s: %s\n", c->w->rank, what, msg);
    MPI_Abort(c->w->comm, WB_ERR_RUNTIME);
}

static void cuda_ok(const struct gctx *c, cudaError_t rc, const char *what)
{
    if (rc != cudaSuccess)
        fatal(c, what, cudaGetErrorString(rc));
}

static char *at(const struct gctx *c, int buf, size_t elem, int dtype)
{
    return c->buf[buf] + elem * wb_coll_data_type_size(dtype);
}

/* ---- the device context and the hooks both engines share ---- */

static void close_ctx(void *ctx)
{
    struct gctx *c = ctx;
    if (c->stream)
        cudaStreamSynchronize(c->stream);
    cudaFree(c->buf[WB_COLL_SEND]);
    cudaFree(c->buf[WB_COLL_RECV]);
    cudaFree(c->d_wrong);
    if (c->ev[0])
        cudaEventDestroy(c->ev[0]);
    if (c->ev[1])
        cudaEventDestroy(c->ev[1]);
    if (c->stream)
        cudaStreamDestroy(c->stream);
    wb_gpu_comm_free(&c->gc);
    free(c);
}

static int alloc(struct gctx *c, size_t bytes, struct wb_error *err)
{
    WB_CUDA_CHECK(err, cudaStreamCreateWithFlags(&c->stream, cudaStreamNonBlocking));
    WB_CUDA_CHECK(err, cudaEventCreate(&c->ev[0]));
    WB_CUDA_CHECK(err, cudaEventCreate(&c->ev[1]));
    for (int b = 0; b < 2; b++) {
        WB_CUDA_CHECK(err, cudaMalloc((void **)&c->buf[b], bytes));
        /* On the engine's own (non-blocking) stream, which the first fill follows: a
         * memset on the legacy default stream would not order before it. */
        WB_CUDA_CHECK(err, cudaMemsetAsync(c->buf[b], 0, bytes, c->stream));
    }
    WB_CUDA_CHECK(err, cudaStreamSynchronize(c->stream));
    WB_CUDA_CHECK(err, cudaMalloc((void **)&c->d_wrong, sizeof *c->d_wrong));
    return WB_OK;
}

/* Collective: the device context; with_nccl, also the NCCL communicator. */
static int open_ctx(void **ctx, const struct wb_world *w, size_t bytes, int with_nccl,
                    struct wb_error *err)
{
    struct gctx *c = calloc(1, sizeof *c);
    if (!c)
        WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (device context)");
    int status = wb_world_agree(w, err);
    if (status == WB_OK) {
        c->w = w;
        if (with_nccl)
            status = wb_gpu_comm_create(&c->gc, w, err);
    }
    if (status == WB_OK) {
        alloc(c, (bytes + 4095) / 4096 * 4096, err);
        status = wb_world_agree(w, err);
    }
    if (status != WB_OK && c) {
        close_ctx(c);
        c = NULL;
    }
    *ctx = c;
    return status;
}

static void dev_fill(void *ctx, const struct wb_coll_shape *s, const struct wb_coll_region *r,
                     const struct wb_coll_data_period *p)
{
    struct gctx *c = ctx;
    cuda_ok(c, wb_gpuk_coll_fill(at(c, r->buf, r->at, s->dtype), s->dtype, *p, r->offset, r->n,
                                 c->stream),
            "input kernel");
    /* Complete on return: MPI does not order itself after the stream. */
    cuda_ok(c, cudaStreamSynchronize(c->stream), "input kernel");
}

static int64_t dev_count_wrong(void *ctx, const struct wb_coll_shape *s,
                               const struct wb_coll_region *r, const struct wb_coll_data_period *p)
{
    struct gctx *c = ctx;
    unsigned long long wrong = 0;
    cuda_ok(c, cudaMemsetAsync(c->d_wrong, 0, sizeof *c->d_wrong, c->stream), "check counter");
    cuda_ok(c, wb_gpuk_coll_count_wrong(at(c, r->buf, r->at, s->dtype), s->dtype, *p, r->offset,
                                        r->n, c->d_wrong, c->stream),
            "check kernel");
    cuda_ok(c, cudaMemcpyAsync(&wrong, c->d_wrong, sizeof wrong, cudaMemcpyDeviceToHost, c->stream),
            "check counter");
    cuda_ok(c, cudaStreamSynchronize(c->stream), "check");
    return (int64_t)wrong;
}

static void annotate_runtime(struct wb_table *t)
{
    int rt = 0;
    cudaRuntimeGetVersion(&rt);
    wb_table_attr_num(t, "cuda_runtime", rt);
}

/* ---- NCCL ---- */

#ifdef WB_HAVE_NCCL
/* One NCCL operation of s enqueued on the stream. NCCL counts are elements; in place is
 * NCCL's pointer convention (sendbuff == recvbuff, or its rank's block of it). */
typedef ncclResult_t (*nccl_call_fn)(const struct gctx *c, const struct wb_coll_shape *s,
                                     ncclDataType_t t, ncclRedOp_t op);

static const void *nccl_src(const struct gctx *c, const struct wb_coll_shape *s)
{
    return c->buf[s->in_place ? WB_COLL_RECV : WB_COLL_SEND];
}

static ncclResult_t nccl_allreduce(const struct gctx *c, const struct wb_coll_shape *s,
                                   ncclDataType_t t, ncclRedOp_t op)
{
    return ncclAllReduce(nccl_src(c, s), c->buf[WB_COLL_RECV], s->cnt.count, t, op, c->gc.nccl,
                         c->stream);
}

static ncclResult_t nccl_reduce(const struct gctx *c, const struct wb_coll_shape *s,
                                ncclDataType_t t, ncclRedOp_t op)
{
    return ncclReduce(nccl_src(c, s), c->buf[WB_COLL_RECV], s->cnt.count, t, op, s->root,
                      c->gc.nccl, c->stream);
}

static ncclResult_t nccl_reduce_scatter(const struct gctx *c, const struct wb_coll_shape *s,
                                        ncclDataType_t t, ncclRedOp_t op)
{
    size_t mine = s->in_place ? (size_t)s->rank * s->cnt.recv_count : 0;
    return ncclReduceScatter(nccl_src(c, s), at(c, WB_COLL_RECV, mine, s->dtype), s->cnt.recv_count,
                             t, op, c->gc.nccl, c->stream);
}

static ncclResult_t nccl_allgather(const struct gctx *c, const struct wb_coll_shape *s,
                                   ncclDataType_t t, ncclRedOp_t op)
{
    (void)op;
    const void *src = s->in_place ? at(c, WB_COLL_RECV, (size_t)s->rank * s->cnt.count, s->dtype)
                                  : c->buf[WB_COLL_SEND];
    return ncclAllGather(src, c->buf[WB_COLL_RECV], s->cnt.count, t, c->gc.nccl, c->stream);
}

static ncclResult_t nccl_broadcast(const struct gctx *c, const struct wb_coll_shape *s,
                                   ncclDataType_t t, ncclRedOp_t op)
{
    (void)op;
    return ncclBroadcast(nccl_src(c, s), c->buf[WB_COLL_RECV], s->cnt.count, t, s->root,
                         c->gc.nccl, c->stream);
}

/* NCCL has no alltoall: grouped point-to-point, out of place only. */
static ncclResult_t nccl_alltoall(const struct gctx *c, const struct wb_coll_shape *s,
                                  ncclDataType_t t, ncclRedOp_t op)
{
    (void)op;
    size_t n = s->cnt.count;
    ncclResult_t rc = ncclGroupStart();
    for (int q = 0; q < s->nranks && rc == ncclSuccess; q++) {
        rc = ncclSend(at(c, WB_COLL_SEND, (size_t)q * n, s->dtype), n, t, q, c->gc.nccl, c->stream);
        if (rc == ncclSuccess)
            rc = ncclRecv(at(c, WB_COLL_RECV, (size_t)q * n, s->dtype), n, t, q, c->gc.nccl,
                          c->stream);
    }
    ncclResult_t end = ncclGroupEnd();
    return rc != ncclSuccess ? rc : end;
}

/* NCCL's call of each collective and where NCCL differs from the descriptor (MPI). */
static const struct {
    nccl_call_fn call;
    unsigned placements; /* NCCL's broadcast has an out-of-place form; its alltoall no in-place */
    int result_at_block; /* in place, the result stays at the rank's block of the buffer */
    const char *note;    /* the table's attribute note */
} nccl_colls[WB_COLL_COUNT] = {
#define BOTH ((1u << WB_PLACE_OUT) | (1u << WB_PLACE_IN))
    [WB_COLL_ALLREDUCE] = {nccl_allreduce, BOTH, 0, NULL},
    [WB_COLL_REDUCE] = {nccl_reduce, BOTH, 0, NULL},
    [WB_COLL_REDUCE_SCATTER] = {nccl_reduce_scatter, BOTH, 1, NULL},
    [WB_COLL_ALLGATHER] = {nccl_allgather, BOTH, 0, NULL},
    [WB_COLL_BROADCAST] = {nccl_broadcast, BOTH, 0, NULL},
    [WB_COLL_ALLTOALL] = {nccl_alltoall, 1u << WB_PLACE_OUT, 0,
                          "grouped ncclSend/ncclRecv; out-of-place only"},
#undef BOTH
};

static int nccl_open(void **ctx, const struct wb_world *w, size_t bytes, struct wb_error *err)
{
    return open_ctx(ctx, w, bytes, 1, err);
}

static unsigned nccl_placements(const struct wb_coll_desc *d)
{
    return nccl_colls[d->coll].placements;
}

static void nccl_locate(const struct wb_coll_desc *d, const struct wb_coll_shape *s,
                        struct wb_coll_region *r)
{
    if (s->in_place && nccl_colls[d->coll].result_at_block)
        r->at = (size_t)s->rank * r->n;
}

static void nccl_annotate(void *ctx, const struct wb_coll_desc *d, struct wb_table *t)
{
    (void)ctx;
    int version = 0;
    ncclGetVersion(&version);
    annotate_runtime(t);
    wb_table_attr_num(t, "nccl_version", version);
    if (nccl_colls[d->coll].note)
        wb_table_attr_text(t, "note", nccl_colls[d->coll].note);
}

/* Enqueues n operations of s. */
static void nccl_enqueue(const struct gctx *c, const struct wb_coll_desc *d,
                         const struct wb_coll_shape *s, int64_t n)
{
    static const ncclDataType_t types[WB_DTYPE_COUNT] = {ncclInt32, ncclInt64, ncclFloat32,
                                                         ncclFloat64};
    ncclDataType_t t = types[s->dtype];
    ncclRedOp_t op = s->op == WB_REDOP_MIN ? ncclMin : s->op == WB_REDOP_MAX ? ncclMax : ncclSum;
    for (int64_t i = 0; i < n; i++) {
        ncclResult_t rc = nccl_colls[d->coll].call(c, s, t, op);
        if (rc != ncclSuccess)
            fatal(c, "collective", ncclGetErrorString(rc));
    }
}

/* Timed by CUDA events around the operations enqueued on the stream. */
static double nccl_run(void *ctx, const struct wb_coll_desc *d, const struct wb_coll_shape *s,
                       int64_t n)
{
    struct gctx *c = ctx;
    float ms = 0;
    cuda_ok(c, cudaEventRecord(c->ev[0], c->stream), "timing event");
    nccl_enqueue(c, d, s, n);
    cuda_ok(c, cudaEventRecord(c->ev[1], c->stream), "timing event");
    cuda_ok(c, cudaEventSynchronize(c->ev[1]), "collective");
    cuda_ok(c, cudaEventElapsedTime(&ms, c->ev[0], c->ev[1]), "timing event");
    return (double)ms * 1e3 / (double)n;
}

static const struct wb_coll_engine nccl_engine = {
    .name = "collectives",
    .what = "NCCL, device buffers",
    .backend = "cuda",
    .library = "NCCL",
    .buffers = "device",
    .timing = "CUDA events on the stream around the timed loop",
    .open = nccl_open,
    .close = close_ctx,
    .placements = nccl_placements,
    .locate = nccl_locate,
    .annotate = nccl_annotate,
    .fill = dev_fill,
    .run = nccl_run,
    .count_wrong = dev_count_wrong,
};
#endif

/* ---- MPI on device buffers ---- */

static int mpi_available(const struct wb_world *w, const struct wb_config *cfg, char *why,
                         size_t size)
{
    char how[64] = "";
    int aware = cfg->cuda_aware_mpi == WB_CUDA_AWARE_YES ? 1
              : cfg->cuda_aware_mpi == WB_CUDA_AWARE_NO  ? 0
                                                         : wb_gpu_mpi_cuda_aware(how, sizeof how);
    int all = 0;
    MPI_Allreduce(&aware, &all, 1, MPI_INT, MPI_MIN, w->comm);
    if (!all)
        snprintf(why, size, "%s", cfg->cuda_aware_mpi == WB_CUDA_AWARE_NO
                                      ? "--cuda-aware-mpi no"
                                      : "the MPI library is not CUDA-aware on every rank "
                                        "(--cuda-aware-mpi yes overrides)");
    return all;
}

static int mpi_open(void **ctx, const struct wb_world *w, size_t bytes, struct wb_error *err)
{
    return open_ctx(ctx, w, bytes, 0, err);
}

static void mpi_annotate(void *ctx, const struct wb_coll_desc *d, struct wb_table *t)
{
    (void)ctx;
    (void)d;
    annotate_runtime(t);
}

static double mpi_run(void *ctx, const struct wb_coll_desc *d, const struct wb_coll_shape *s,
                      int64_t n)
{
    struct gctx *c = ctx;
    return wb_coll_mpi_run(c->w, d, s, c->buf[WB_COLL_SEND], c->buf[WB_COLL_RECV], n);
}

static const struct wb_coll_engine mpi_device_engine = {
    .name = "collectives_mpi_device",
    .what = "MPI (CUDA-aware), device buffers",
    .backend = "cuda",
    .library = "MPI",
    .buffers = "device",
    .timing = "MPI_Wtime around the timed loop",
    .not_judged = true,
    .available = mpi_available,
    .open = mpi_open,
    .close = close_ctx,
    .annotate = mpi_annotate,
    .fill = dev_fill,
    .run = mpi_run,
    .count_wrong = dev_count_wrong,
};

void wb_gpu_coll_engines(struct wb_coll_engines *out)
{
    *out = (struct wb_coll_engines){
        .if_none = "[run] backend: cuda collectives need NCCL (rebuild --with-nccl) or a "
                   "CUDA-aware MPI; use --backend cpu",
    };
#ifdef WB_HAVE_NCCL
    out->list[out->n++] = &nccl_engine;
#endif
    out->list[out->n++] = &mpi_device_engine;
}
