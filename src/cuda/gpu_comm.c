/* wavebench GPU communicator: NCCL from a unique id broadcast over MPI; CUDA-aware MPI query. */
#include "wavebench/gpu_comm.h"

#include <cuda_runtime_api.h>
#include <string.h>

#if defined(OPEN_MPI) && defined(__has_include)
#if __has_include(<mpi-ext.h>)
#include <mpi-ext.h>
#endif
#endif

#include "wavebench/gpu_check.h"

int wb_gpu_device_count(void)
{
    int n = 0;
    return cudaGetDeviceCount(&n) == cudaSuccess ? n : 0;
}

int wb_gpu_mpi_cuda_aware(void)
{
#if defined(MPIX_CUDA_AWARE_SUPPORT)
    return MPIX_Query_cuda_support() == 1;
#else
    return 0;
#endif
}

#ifdef WB_HAVE_NCCL
static int nccl_init(struct wb_gpu_comm *c, const struct wb_world *w, struct wb_error *err)
{
    struct { int ok; ncclUniqueId id; } msg;
    memset(&msg, 0, sizeof msg);
    if (w->rank == 0) {
        ncclResult_t rc = ncclGetUniqueId(&msg.id);
        msg.ok = rc == ncclSuccess;
        if (!msg.ok)
            WB_FAIL(err, WB_ERR_RUNTIME, "ncclGetUniqueId: %s", ncclGetErrorString(rc));
    }
    WB_MPI_CHECK(err, MPI_Bcast(&msg, (int)sizeof msg, MPI_BYTE, 0, w->comm));
    if (!msg.ok)
        return WB_FAIL(err, WB_ERR_RUNTIME, "NCCL: rank 0 could not create the unique id");
    WB_NCCL_CHECK(err, ncclCommInitRank(&c->nccl, w->size, msg.id, w->rank));
    c->have_nccl = 1;
    return WB_OK;
}
#endif

int wb_gpu_comm_create(struct wb_gpu_comm *c, const struct wb_world *w, struct wb_error *err)
{
    memset(c, 0, sizeof *c);
    c->mpi = w->comm;
    c->rank = w->rank;
    c->size = w->size;
#ifdef WB_HAVE_NCCL
    /* NCCL refuses two ranks on one GPU: say so before ncclCommInitRank can hang. */
    int ndev = wb_gpu_device_count();
    if (w->node_size > ndev)
        WB_FAIL(err, WB_ERR_USAGE,
                "[run] backend: cuda with NCCL needs one GPU per rank: %d ranks on %s, %d GPUs",
                w->node_size, w->hostnames[w->rank], ndev);
    if (wb_world_agree(w, err) == WB_OK)
        nccl_init(c, w, err);
#endif
    int status = wb_world_agree(w, err);
    if (status != WB_OK)
        wb_gpu_comm_free(c);
    return status;
}

void wb_gpu_comm_free(struct wb_gpu_comm *c)
{
#ifdef WB_HAVE_NCCL
    if (c->have_nccl)
        ncclCommDestroy(c->nccl);
#endif
    c->have_nccl = 0;
}
