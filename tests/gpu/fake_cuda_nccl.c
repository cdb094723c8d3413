/* tests/gpu: the fake CUDA runtime and NCCL of fake_cuda_nccl.h. Compiled against the real
 * cuda_runtime_api.h and nccl.h, so every type and signature is the real one; linked instead
 * of libcudart and libnccl. Only what the collectives' engine and device selection call. */
#define _POSIX_C_SOURCE 200809L
#include "fake_cuda_nccl.h"

#include <cuda_runtime_api.h>
#include <limits.h>
#include <math.h>
#include <mpi.h>
#include <nccl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wavebench/coll_data.h"
#include "wavebench/gpu_kernels.h"

const struct fake_fault *fake_fault(void)
{
    static struct fake_fault f;
    static int parsed;
    if (parsed)
        return &f;
    parsed = 1;
    const char *s = getenv("WB_FAULT"), *min = getenv("WB_FAULT_MIN_BYTES");
    f.min_bytes = min ? (size_t)strtoull(min, NULL, 10) : 0;
    static const struct { const char *name; enum fake_fault_kind kind; } names[] = {
        {"none", FAKE_NONE},          {"half", FAKE_HALF},
        {"drop1", FAKE_DROP1},        {"double0", FAKE_DOUBLE0},
        {"wrongblock", FAKE_WRONGBLOCK}, {"samegpu", FAKE_SAMEGPU},
    };
    f.kind = s && *s ? FAKE_BAD : FAKE_NONE;
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0)
            f.kind = names[i].kind;
    if (s && strncmp(s, "untouched:", 10) == 0) {
        f.kind = FAKE_UNTOUCHED;
        f.after = atol(s + 10);
    }
    return &f;
}

/* Whether the fault applies to a call of bytes (every rank decides alike: the engine's calls
 * and their sizes are the same on every rank, so an untouched call communicates nowhere). */
static int faulted(enum fake_fault_kind kind, size_t bytes)
{
    const struct fake_fault *f = fake_fault();
    return f->kind == kind && bytes >= f->min_bytes;
}

static int untouched(size_t bytes)
{
    static long calls;
    return faulted(FAKE_UNTOUCHED, bytes) && ++calls > fake_fault()->after;
}

/* ---- device memory: host memory, each allocation remembered so that every pointer the
 * engine passes can be checked to lie inside one ---- */

enum { MAX_ALLOCS = 16 };
static struct { uintptr_t p; size_t bytes; } allocs[MAX_ALLOCS];

static int on_device(const void *p, size_t bytes)
{
    uintptr_t a = (uintptr_t)p;
    for (int i = 0; i < MAX_ALLOCS; i++)
        if (allocs[i].p && a >= allocs[i].p && bytes <= allocs[i].bytes &&
            a - allocs[i].p <= allocs[i].bytes - bytes)
            return 1;
    return 0;
}

static int overlap(const void *a, size_t an, const void *b, size_t bn)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return x < y + bn && y < x + an;
}

cudaError_t cudaMalloc(void **devPtr, size_t size)
{
    for (int i = 0; i < MAX_ALLOCS; i++)
        if (!allocs[i].p) {
            void *p = malloc(size ? size : 1);
            if (!p)
                return cudaErrorMemoryAllocation;
            allocs[i].p = (uintptr_t)p;
            allocs[i].bytes = size;
            *devPtr = p;
            return cudaSuccess;
        }
    return cudaErrorMemoryAllocation;
}

cudaError_t cudaFree(void *devPtr)
{
    if (!devPtr)
        return cudaSuccess;
    for (int i = 0; i < MAX_ALLOCS; i++)
        if (allocs[i].p == (uintptr_t)devPtr) {
            free(devPtr);
            allocs[i].p = 0;
            return cudaSuccess;
        }
    return cudaErrorInvalidValue;
}

/* ---- streams and events: work is done when enqueued; the engine must use its own stream ---- */

#define MAGIC 0x57424e43u

struct CUstream_st { unsigned magic; };
struct CUevent_st { unsigned magic; int recorded; double t; };

static int stream_ok(cudaStream_t s)
{
    return s && s->magic == MAGIC;
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags)
{
    (void)flags;
    if (!(*pStream = malloc(sizeof **pStream)))
        return cudaErrorMemoryAllocation;
    (*pStream)->magic = MAGIC;
    return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream)
{
    return stream_ok(stream) ? cudaSuccess : cudaErrorInvalidResourceHandle;
}

cudaError_t cudaStreamDestroy(cudaStream_t stream)
{
    if (!stream_ok(stream))
        return cudaErrorInvalidResourceHandle;
    stream->magic = 0;
    free(stream);
    return cudaSuccess;
}

cudaError_t cudaEventCreate(cudaEvent_t *event)
{
    if (!(*event = calloc(1, sizeof **event)))
        return cudaErrorMemoryAllocation;
    (*event)->magic = MAGIC;
    return cudaSuccess;
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream)
{
    if (!event || event->magic != MAGIC || !stream_ok(stream))
        return cudaErrorInvalidResourceHandle;
    event->recorded = 1;
    event->t = MPI_Wtime();
    return cudaSuccess;
}

cudaError_t cudaEventSynchronize(cudaEvent_t event)
{
    return event && event->magic == MAGIC ? cudaSuccess : cudaErrorInvalidResourceHandle;
}

cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end)
{
    if (!start || !end || start->magic != MAGIC || end->magic != MAGIC)
        return cudaErrorInvalidResourceHandle;
    if (!start->recorded || !end->recorded)
        return cudaErrorInvalidResourceHandle;
    *ms = (float)((end->t - start->t) * 1e3);
    return cudaSuccess;
}

cudaError_t cudaEventDestroy(cudaEvent_t event)
{
    if (!event || event->magic != MAGIC)
        return cudaErrorInvalidResourceHandle;
    event->magic = 0;
    free(event);
    return cudaSuccess;
}

cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream)
{
    if (!stream_ok(stream) || !on_device(devPtr, count))
        return cudaErrorInvalidValue;
    memset(devPtr, value, count);
    return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind,
                            cudaStream_t stream)
{
    int dst_dev = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
    int src_dev = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
    if (!stream_ok(stream) || (dst_dev && !on_device(dst, count)) ||
        (src_dev && !on_device(src, count)))
        return cudaErrorInvalidValue;
    memcpy(dst, src, count);
    return cudaSuccess;
}

/* ---- the device: one per rank, bound by cudaSetDevice before NCCL may join ---- */

static int bound = -1;

cudaError_t cudaGetDeviceCount(int *count)
{
    *count = 1;
    return cudaSuccess;
}

cudaError_t cudaSetDevice(int device)
{
    if (device != 0)
        return cudaErrorInvalidDevice;
    bound = device;
    return cudaSuccess;
}

cudaError_t cudaGetDevice(int *device)
{
    *device = bound < 0 ? 0 : bound;
    return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *prop, int device)
{
    if (device != 0)
        return cudaErrorInvalidDevice;
    memset(prop, 0, sizeof *prop);
    snprintf(prop->name, sizeof prop->name, "wavebench fake device");
    prop->totalGlobalMem = (size_t)16 << 30;
    prop->major = 9;
    return cudaSuccess;
}

/* A bus of its own per rank of the world (samegpu: rank 0's on every rank). */
cudaError_t cudaDeviceGetPCIBusId(char *pciBusId, int len, int device)
{
    int rank = 0;
    if (device != 0)
        return cudaErrorInvalidDevice;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (fake_fault()->kind == FAKE_SAMEGPU)
        rank = 0;
    snprintf(pciBusId, (size_t)len, "%04x:%02x:00.0", rank / 255, rank % 255 + 1);
    return cudaSuccess;
}

cudaError_t cudaDriverGetVersion(int *driverVersion)
{
    *driverVersion = CUDART_VERSION;
    return cudaSuccess;
}

cudaError_t cudaRuntimeGetVersion(int *runtimeVersion)
{
    *runtimeVersion = CUDART_VERSION;
    return cudaSuccess;
}

const char *cudaGetErrorString(cudaError_t error)
{
    switch (error) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument (fake CUDA)";
    case cudaErrorMemoryAllocation: return "out of memory (fake CUDA)";
    case cudaErrorInvalidDevice: return "invalid device ordinal (fake CUDA)";
    case cudaErrorInvalidResourceHandle: return "invalid resource handle (fake CUDA)";
    default: return "unknown error (fake CUDA)";
    }
}

/* ---- the launchers: the kernels' loops over the same period table, on the host ---- */

cudaError_t wb_gpuk_probe(void)
{
    return cudaSuccess;
}

cudaError_t wb_gpuk_coll_fill(void *buf, int dtype, struct wb_coll_data_period p, size_t offset,
                              size_t n, cudaStream_t stream)
{
    if (!stream_ok(stream) || !on_device(buf, n * wb_coll_data_type_size(dtype)))
        return cudaErrorInvalidValue;
    wb_coll_data_fill(buf, dtype, &p, offset, n);
    return cudaSuccess;
}

cudaError_t wb_gpuk_coll_count_wrong(const void *buf, int dtype, struct wb_coll_data_period p,
                                     size_t offset, size_t n, unsigned long long *count,
                                     cudaStream_t stream)
{
    if (!stream_ok(stream) || !on_device(buf, n * wb_coll_data_type_size(dtype)) ||
        !on_device(count, sizeof *count))
        return cudaErrorInvalidValue;
    *count += (unsigned long long)wb_coll_data_count_wrong(buf, dtype, &p, offset, n);
    return cudaSuccess;
}

/* ---- NCCL on MPI ---- */

struct ncclComm {
    unsigned magic;
    MPI_Comm comm;
    int rank, nranks;
};

const char *ncclGetErrorString(ncclResult_t result)
{
    switch (result) {
    case ncclSuccess: return "no error";
    case ncclSystemError: return "system error (fake NCCL: an MPI call failed)";
    case ncclInvalidArgument: return "invalid argument (fake NCCL)";
    case ncclInvalidUsage: return "invalid usage (fake NCCL)";
    default: return "unknown result (fake NCCL)";
    }
}

ncclResult_t ncclGetVersion(int *version)
{
    *version = NCCL_VERSION_CODE;
    return ncclSuccess;
}

ncclResult_t ncclGetUniqueId(ncclUniqueId *uniqueId)
{
    static int made;
    memset(uniqueId, 0, sizeof *uniqueId);
    snprintf(uniqueId->internal, sizeof uniqueId->internal, "wavebench fake NCCL %ld.%d",
             (long)getpid(), made++);
    return ncclSuccess;
}

/* Joins only when every rank was given rank 0's id, its own rank of nranks, and had bound
 * its device: what the caller must have arranged over MPI. */
ncclResult_t ncclCommInitRank(ncclComm_t *comm, int nranks, ncclUniqueId commId, int rank)
{
    struct ncclComm *c = calloc(1, sizeof *c);
    ncclUniqueId root = commId;
    int ok = 0, all = 0;
    if (!c || MPI_Comm_dup(MPI_COMM_WORLD, &c->comm) != MPI_SUCCESS)
        return ncclSystemError;
    MPI_Comm_rank(c->comm, &c->rank);
    MPI_Comm_size(c->comm, &c->nranks);
    if (MPI_Bcast(&root, (int)sizeof root, MPI_BYTE, 0, c->comm) != MPI_SUCCESS)
        return ncclSystemError;
    ok = c->nranks == nranks && c->rank == rank && bound >= 0 &&
         memcmp(&root, &commId, sizeof root) == 0;
    if (MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, c->comm) != MPI_SUCCESS)
        return ncclSystemError;
    if (!all) {
        MPI_Comm_free(&c->comm);
        free(c);
        return ncclInvalidUsage;
    }
    c->magic = MAGIC;
    *comm = c;
    return ncclSuccess;
}

ncclResult_t ncclCommDestroy(ncclComm_t comm)
{
    if (!comm || comm->magic != MAGIC)
        return ncclInvalidArgument;
    comm->magic = 0;
    MPI_Comm_free(&comm->comm);
    free(comm);
    return ncclSuccess;
}

static size_t type_size(ncclDataType_t t)
{
    switch (t) {
    case ncclInt32:
    case ncclFloat32: return 4;
    case ncclInt64:
    case ncclFloat64: return 8;
    default: return 0; /* not one wavebench uses */
    }
}

/* What every call checks: a live communicator, the engine's stream, a known type (and op). */
static int call_ok(ncclComm_t comm, cudaStream_t stream, ncclDataType_t t)
{
    return comm && comm->magic == MAGIC && stream_ok(stream) && type_size(t) > 0;
}

static int op_ok(ncclRedOp_t op)
{
    return op == ncclSum || op == ncclMin || op == ncclMax;
}

/* x with 11 significant bits, as half precision keeps. */
static double through_half(double x)
{
    int e;
    double m = frexp(x, &e);
    return ldexp(nearbyint(ldexp(m, 11)), e - 11);
}

/* Every rank's bytes at send, in rank order, into a new array (free it); NULL on failure. */
static char *gather_all(ncclComm_t c, const void *send, size_t bytes)
{
    char *all = bytes <= INT_MAX ? malloc(bytes * (size_t)c->nranks + 1) : NULL;
    if (all && MPI_Allgather(send, (int)bytes, MPI_BYTE, all, (int)bytes, MPI_BYTE, c->comm) !=
                   MPI_SUCCESS) {
        free(all);
        all = NULL;
    }
    return all;
}

#define REDUCE_AS(T)                                                                        \
    do {                                                                                    \
        T *o = out;                                                                         \
        const T *a = (const T *)all;                                                        \
        for (size_t k = 0; k < n; k++) {                                                    \
            T acc = 0;                                                                      \
            int first = 1;                                                                  \
            for (int r = 0; r < nranks; r++)                                                \
                for (int rep = 0; rep < (twice && r == 0 ? 2 : 1) && !(drop && r == 1);     \
                     rep++) {                                                               \
                    T v = a[(size_t)r * stride + at + k];                                   \
                    v = half ? (T)through_half((double)v) : v;                              \
                    acc = first ? v                                                         \
                        : op == ncclSum ? acc + v                                           \
                        : op == ncclMin ? (v < acc ? v : acc)                               \
                                        : (v > acc ? v : acc);                              \
                    acc = half ? (T)through_half((double)acc) : acc;                        \
                    first = 0;                                                              \
                }                                                                           \
            o[k] = acc;                                                                     \
        }                                                                                   \
    } while (0)

/* out[k] = op over the ranks' elements at + k (k < n) of all (nranks rows of stride
 * elements), in rank order, with the fault's changes when fault_bytes is a faulted size. */
static void reduce_rows(void *out, const char *all, size_t stride, size_t at, size_t n,
                        ncclDataType_t t, ncclRedOp_t op, int nranks, size_t fault_bytes)
{
    int drop = faulted(FAKE_DROP1, fault_bytes);
    int twice = faulted(FAKE_DOUBLE0, fault_bytes) && op == ncclSum;
    int half = faulted(FAKE_HALF, fault_bytes) && (t == ncclFloat32 || t == ncclFloat64);
    switch (t) {
    case ncclInt32: half = 0; REDUCE_AS(int32_t); break;
    case ncclInt64: half = 0; REDUCE_AS(int64_t); break;
    case ncclFloat32: REDUCE_AS(float); break;
    default: REDUCE_AS(double); break;
    }
}

ncclResult_t ncclAllReduce(const void *sendbuff, void *recvbuff, size_t count,
                           ncclDataType_t datatype, ncclRedOp_t op, ncclComm_t comm,
                           cudaStream_t stream)
{
    if (!call_ok(comm, stream, datatype) || !op_ok(op))
        return ncclInvalidArgument;
    size_t bytes = count * type_size(datatype);
    if (!on_device(sendbuff, bytes) || !on_device(recvbuff, bytes) ||
        (sendbuff != recvbuff && overlap(sendbuff, bytes, recvbuff, bytes)))
        return ncclInvalidArgument;
    if (untouched(bytes))
        return ncclSuccess;
    char *all = gather_all(comm, sendbuff, bytes);
    if (!all)
        return ncclSystemError;
    reduce_rows(recvbuff, all, count, 0, count, datatype, op, comm->nranks, bytes);
    free(all);
    return ncclSuccess;
}

/* recvbuff is read on the root only. */
ncclResult_t ncclReduce(const void *sendbuff, void *recvbuff, size_t count, ncclDataType_t datatype,
                        ncclRedOp_t op, int root, ncclComm_t comm, cudaStream_t stream)
{
    if (!call_ok(comm, stream, datatype) || !op_ok(op) || root < 0 || root >= comm->nranks)
        return ncclInvalidArgument;
    size_t bytes = count * type_size(datatype);
    int at_root = comm->rank == root;
    if (!on_device(sendbuff, bytes) ||
        (at_root && (!on_device(recvbuff, bytes) ||
                     (sendbuff != recvbuff && overlap(sendbuff, bytes, recvbuff, bytes)))))
        return ncclInvalidArgument;
    if (untouched(bytes))
        return ncclSuccess;
    char *all = gather_all(comm, sendbuff, bytes);
    if (!all)
        return ncclSystemError;
    if (at_root)
        reduce_rows(recvbuff, all, count, 0, count, datatype, op, comm->nranks, bytes);
    free(all);
    return ncclSuccess;
}

/* In place: recvbuff == sendbuff + rank * recvcount. */
ncclResult_t ncclReduceScatter(const void *sendbuff, void *recvbuff, size_t recvcount,
                               ncclDataType_t datatype, ncclRedOp_t op, ncclComm_t comm,
                               cudaStream_t stream)
{
    if (!call_ok(comm, stream, datatype) || !op_ok(op))
        return ncclInvalidArgument;
    size_t ts = type_size(datatype), block = recvcount * ts;
    size_t bytes = block * (size_t)comm->nranks;
    const char *mine = (const char *)sendbuff + (size_t)comm->rank * block;
    if (!on_device(sendbuff, bytes) || !on_device(recvbuff, block) ||
        ((const char *)recvbuff != mine && overlap(sendbuff, bytes, recvbuff, block)))
        return ncclInvalidArgument;
    if (untouched(bytes))
        return ncclSuccess;
    char *all = gather_all(comm, sendbuff, bytes);
    if (!all)
        return ncclSystemError;
    int from = faulted(FAKE_WRONGBLOCK, bytes) ? (comm->rank + 1) % comm->nranks : comm->rank;
    reduce_rows(recvbuff, all, recvcount * (size_t)comm->nranks, (size_t)from * recvcount,
                recvcount, datatype, op, comm->nranks, bytes);
    free(all);
    return ncclSuccess;
}

/* In place: sendbuff == recvbuff + rank * sendcount. */
ncclResult_t ncclAllGather(const void *sendbuff, void *recvbuff, size_t sendcount,
                           ncclDataType_t datatype, ncclComm_t comm, cudaStream_t stream)
{
    if (!call_ok(comm, stream, datatype))
        return ncclInvalidArgument;
    size_t block = sendcount * type_size(datatype), bytes = block * (size_t)comm->nranks;
    const char *mine = (const char *)recvbuff + (size_t)comm->rank * block;
    if (!on_device(sendbuff, block) || !on_device(recvbuff, bytes) ||
        ((const char *)sendbuff != mine && overlap(sendbuff, block, recvbuff, bytes)))
        return ncclInvalidArgument;
    if (untouched(bytes))
        return ncclSuccess;
    char *all = gather_all(comm, sendbuff, block);
    if (!all)
        return ncclSystemError;
    int shift = faulted(FAKE_WRONGBLOCK, bytes), drop = faulted(FAKE_DROP1, bytes);
    for (int q = 0; q < comm->nranks; q++)
        if (!(drop && q == 1))
            memcpy((char *)recvbuff + (size_t)q * block,
                   all + (size_t)((q + shift) % comm->nranks) * block, block);
    free(all);
    return ncclSuccess;
}

/* sendbuff is read on the root only; in place when it is recvbuff. */
ncclResult_t ncclBroadcast(const void *sendbuff, void *recvbuff, size_t count,
                           ncclDataType_t datatype, int root, ncclComm_t comm, cudaStream_t stream)
{
    if (!call_ok(comm, stream, datatype) || root < 0 || root >= comm->nranks)
        return ncclInvalidArgument;
    size_t bytes = count * type_size(datatype);
    int at_root = comm->rank == root;
    if (!on_device(recvbuff, bytes) ||
        (at_root && (!on_device(sendbuff, bytes) ||
                     (sendbuff != recvbuff && overlap(sendbuff, bytes, recvbuff, bytes)))))
        return ncclInvalidArgument;
    if (untouched(bytes))
        return ncclSuccess;
    char *data = bytes <= INT_MAX ? malloc(bytes + 1) : NULL;
    if (!data)
        return ncclSystemError;
    if (at_root)
        memcpy(data, sendbuff, bytes);
    int rc = MPI_Bcast(data, (int)bytes, MPI_BYTE, root, comm->comm);
    if (rc == MPI_SUCCESS && !(faulted(FAKE_DROP1, bytes) && root == 1))
        memcpy(recvbuff, data, bytes);
    free(data);
    return rc == MPI_SUCCESS ? ncclSuccess : ncclSystemError;
}

/* ---- groups of point-to-point operations, done at ncclGroupEnd ---- */

struct p2p {
    int is_send;
    void *buf;
    size_t bytes;
    int peer;
    ncclComm_t comm;
    char *got; /* a receive's data, before it is delivered */
};

static struct p2p *group;
static size_t group_n, group_cap;
static int group_depth;

/* A lone send or receive would block here where NCCL overlaps it with its peer's on the
 * GPU: point-to-point is accepted within a group only (the engine groups its alltoall). */
static ncclResult_t queue(int is_send, const void *buf, size_t count, ncclDataType_t datatype,
                          int peer, ncclComm_t comm, cudaStream_t stream)
{
    if (!call_ok(comm, stream, datatype) || peer < 0 || peer >= comm->nranks)
        return ncclInvalidArgument;
    size_t bytes = count * type_size(datatype);
    if (group_depth == 0)
        return ncclInvalidUsage;
    if (!on_device(buf, bytes) || bytes > INT_MAX)
        return ncclInvalidArgument;
    if (group_n == group_cap) {
        size_t cap = group_cap ? 2 * group_cap : 16;
        struct p2p *g = realloc(group, cap * sizeof *g);
        if (!g)
            return ncclSystemError;
        group = g;
        group_cap = cap;
    }
    group[group_n++] = (struct p2p){is_send, (void *)buf, bytes, peer, comm, NULL};
    return ncclSuccess;
}

ncclResult_t ncclSend(const void *sendbuff, size_t count, ncclDataType_t datatype, int peer,
                      ncclComm_t comm, cudaStream_t stream)
{
    return queue(1, sendbuff, count, datatype, peer, comm, stream);
}

ncclResult_t ncclRecv(void *recvbuff, size_t count, ncclDataType_t datatype, int peer,
                      ncclComm_t comm, cudaStream_t stream)
{
    return queue(0, recvbuff, count, datatype, peer, comm, stream);
}

ncclResult_t ncclGroupStart(void)
{
    group_depth++;
    return ncclSuccess;
}

/* The receive of the group that wrongblock delivers in place of g[i]'s: the one from the
 * next rank on the same communicator, if the group has one. */
static const struct p2p *next_peer(const struct p2p *g, size_t n, size_t i)
{
    int want = (g[i].peer + 1) % g[i].comm->nranks;
    for (size_t j = 0; j < n; j++)
        if (!g[j].is_send && g[j].comm == g[i].comm && g[j].peer == want &&
            g[j].bytes == g[i].bytes)
            return &g[j];
    return &g[i];
}

/* Posts every operation of the group at once (MPI keeps the order between two ranks, as
 * NCCL does), then delivers the receives, with the fault's changes. */
static ncclResult_t run_group(void)
{
    size_t bytes = 0;
    for (size_t i = 0; i < group_n; i++)
        bytes += group[i].is_send ? group[i].bytes : 0;
    if (untouched(bytes))
        return ncclSuccess;
    MPI_Request *req = malloc((group_n + 1) * sizeof *req);
    int ok = req != NULL;
    for (size_t i = 0; ok && i < group_n; i++) {
        struct p2p *o = &group[i];
        if (o->is_send)
            ok = MPI_Isend(o->buf, (int)o->bytes, MPI_BYTE, o->peer, 0, o->comm->comm,
                           &req[i]) == MPI_SUCCESS;
        else
            ok = (o->got = malloc(o->bytes + 1)) != NULL &&
                 MPI_Irecv(o->got, (int)o->bytes, MPI_BYTE, o->peer, 0, o->comm->comm,
                           &req[i]) == MPI_SUCCESS;
    }
    ok = ok && MPI_Waitall((int)group_n, req, MPI_STATUSES_IGNORE) == MPI_SUCCESS;
    int shift = faulted(FAKE_WRONGBLOCK, bytes), drop = faulted(FAKE_DROP1, bytes);
    for (size_t i = 0; ok && i < group_n; i++) {
        const struct p2p *o = &group[i];
        if (!o->is_send && !(drop && o->peer == 1))
            memcpy(o->buf, (shift ? next_peer(group, group_n, i) : o)->got, o->bytes);
    }
    for (size_t i = 0; i < group_n; i++)
        free(group[i].got);
    free(req);
    return ok ? ncclSuccess : ncclSystemError;
}

ncclResult_t ncclGroupEnd(void)
{
    if (group_depth == 0)
        return ncclInvalidUsage;
    if (--group_depth > 0)
        return ncclSuccess;
    ncclResult_t rc = run_group();
    group_n = 0;
    return rc;
}
