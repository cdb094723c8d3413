/* wavebench GPU communicator: NCCL from a unique id broadcast over MPI; CUDA-aware MPI query. */
#include "wavebench/gpu_comm.h"

#include <cuda_runtime_api.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(OPEN_MPI) && defined(__has_include)
#if __has_include(<mpi-ext.h>)
#include <mpi-ext.h>
#endif
#endif

#include "wavebench/gpu_check.h"

int wb_gpu_mpi_cuda_aware(char *how, size_t size)
{
    snprintf(how, size, "unknown");
#if defined(MPIX_CUDA_AWARE_SUPPORT)
    /* Open MPI built with CUDA, or on a CUDA-aware UCX (Open MPI 5). */
    snprintf(how, size, "MPIX_Query_cuda_support");
    if (MPIX_Query_cuda_support() == 1)
        return 1;
#endif
#if defined(MPICH_NUMVERSION) && MPICH_NUMVERSION >= 40000000 && defined(MPIX_GPU_SUPPORT_CUDA)
    /* MPICH 4 and its derivatives (Intel MPI 2021+, Cray MPICH 8.1+). */
    int supported = 0;
    snprintf(how, size, "MPIX_GPU_query_support");
    if (MPIX_GPU_query_support(MPIX_GPU_SUPPORT_CUDA, &supported) == MPI_SUCCESS && supported)
        return 1;
#endif
    /* Libraries that say it only through their switch: Cray MPICH, MVAPICH2-GDR. */
    const char *cray = getenv("MPICH_GPU_SUPPORT_ENABLED"), *mv2 = getenv("MV2_USE_CUDA");
    if ((cray && strcmp(cray, "1") == 0) || (mv2 && strcmp(mv2, "1") == 0)) {
        snprintf(how, size, "%s=1", cray && strcmp(cray, "1") == 0 ? "MPICH_GPU_SUPPORT_ENABLED"
                                                                   : "MV2_USE_CUDA");
        return 1;
    }
    return 0;
}

int wb_gpu_shared_device(const char (*bus_ids)[WB_GPU_BUS_ID_LEN], int n, int *first, int *second)
{
    for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++) {
            if (!bus_ids[a][0] || strncasecmp(bus_ids[a], bus_ids[b], WB_GPU_BUS_ID_LEN) != 0)
                continue;
            *first = a;
            *second = b;
            return 1;
        }
    return 0;
}

#ifdef WB_HAVE_NCCL
/* NCCL refuses two ranks on one GPU, and ncclCommInitRank can hang on it: the node's ranks
 * compare the PCI bus ids of the devices they were bound to. Counting visible devices
 * would reject the usual launches that show each rank only its own GPU
 * (srun --gpus-per-task=1, CUDA_VISIBLE_DEVICES=$LOCAL_RANK). */
static int check_one_gpu_per_rank(const struct wb_world *w, struct wb_error *err)
{
    char mine[WB_GPU_BUS_ID_LEN] = ""; /* "" unknown: never taken for a shared device */
    int dev = -1;
    if (cudaGetDevice(&dev) != cudaSuccess ||
        cudaDeviceGetPCIBusId(mine, sizeof mine, dev) != cudaSuccess)
        mine[0] = '\0';
    size_t n = (size_t)w->node_size;
    char (*ids)[WB_GPU_BUS_ID_LEN] = calloc(n, sizeof *ids);
    int *ranks = calloc(n, sizeof *ranks);
    /* Every rank of the node takes part in the gathers, or none does. */
    int ok = ids && ranks, all_ok = 0, rc, a = 0, b = 0;
    if ((rc = MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, w->node_comm)) != MPI_SUCCESS ||
        (all_ok && ((rc = MPI_Allgather(mine, WB_GPU_BUS_ID_LEN, MPI_CHAR, ids, WB_GPU_BUS_ID_LEN,
                                        MPI_CHAR, w->node_comm)) != MPI_SUCCESS ||
                    (rc = MPI_Allgather(&w->rank, 1, MPI_INT, ranks, 1, MPI_INT,
                                        w->node_comm)) != MPI_SUCCESS)))
        wb_mpi_fail(err, rc, "MPI_Allgather(device map)", __FILE__, __LINE__);
    else if (!all_ok)
        WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (device map)");
    else if (wb_gpu_shared_device((const char (*)[WB_GPU_BUS_ID_LEN])ids, w->node_size, &a, &b))
        WB_FAIL(err, WB_ERR_USAGE,
                "[run] backend: cuda with NCCL needs one GPU per rank: ranks %d and %d on %s "
                "both use GPU %s (give each rank its own GPU, e.g. srun --gpus-per-task=1)",
                ranks[a], ranks[b], w->hostnames[w->rank], ids[a]);
    free(ids);
    free(ranks);
    return err->status;
}

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
    check_one_gpu_per_rank(w, err);
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
