/* wavebench GPU communicator: NCCL over the world's ranks (unique id broadcast over MPI),
 * shared by the PINN's gradient all-reduce and the NCCL collectives. */
#ifndef WB_GPU_COMM_H
#define WB_GPU_COMM_H

#include <stddef.h>

/* The build's config.h (WB_HAVE_NCCL), by the include path: "config.h" would find
 * wavebench/config.h beside this header and leave NCCL out of every file including it. */
#include <config.h>
#include "wavebench/world.h"
#ifdef WB_HAVE_NCCL
#include <nccl.h>
#endif

struct wb_gpu_comm {
    MPI_Comm mpi; /* the world's communicator (not owned) */
    int rank, size;
    int have_nccl; /* 1: nccl below is a communicator of all ranks */
#ifdef WB_HAVE_NCCL
    ncclComm_t nccl;
#endif
};

/* Collective over w->comm, after wb_gpu_select bound this rank's device. With NCCL, the
 * node's ranks first check that no two of them use one GPU (WB_ERR_USAGE). Rank 0 makes
 * the NCCL unique id, MPI_Bcast sends it, every rank joins with ncclCommInitRank. Without
 * NCCL compiled in, have_nccl is 0 and callers fall back to MPI. Returns WB_OK, WB_ERR_USAGE
 * or WB_ERR_RUNTIME, the same on every rank. */
int wb_gpu_comm_create(struct wb_gpu_comm *c, const struct wb_world *w, struct wb_error *err);

/* Destroys the NCCL communicator; safe on a zeroed or freed one. */
void wb_gpu_comm_free(struct wb_gpu_comm *c);

/* Whether the MPI library can take device pointers, by the library's own query: Open
 * MPI's MPIX_Query_cuda_support, MPICH 4's MPIX_GPU_query_support, else the switches of
 * Cray MPICH (MPICH_GPU_SUPPORT_ENABLED=1) and MVAPICH2-GDR (MV2_USE_CUDA=1); 0 when
 * unknown (--cuda-aware-mpi yes overrides). how gets the way it was decided. */
int wb_gpu_mpi_cuda_aware(char *how, size_t size);

/* PCI bus id as cudaDeviceGetPCIBusId writes it ("0000:3b:00.0"). */
#define WB_GPU_BUS_ID_LEN 32

/* Whether two of n ranks' devices are one (same PCI bus id, case aside; "" is unknown and
 * never matches): then *first < *second are the first such pair. */
int wb_gpu_shared_device(const char (*bus_ids)[WB_GPU_BUS_ID_LEN], int n, int *first, int *second);

#endif
