/* wavebench collectives' engines on device buffers (collectives.h): NCCL, with its own call per
 * collective (tables collectives/<name>, library NCCL, timed by CUDA events on the stream), and
 * MPI on device buffers through the descriptors' MPI calls when the MPI library is CUDA-aware
 * (tables collectives_mpi_device/<name>, timed by MPI_Wtime). Inputs are made and results
 * checked by kernels (gpu_kernels.h). Needs the device bound (wb_gpu_select). */
#ifndef WB_GPU_COLL_H
#define WB_GPU_COLL_H

#include "wavebench/collectives.h"

/* The engines of backend cuda into out, in the order they run: NCCL when compiled in, then
 * MPI on device buffers, which is skipped with a note unless every rank's MPI is CUDA-aware.
 * out->if_none: the usage error when neither can run. */
void wb_gpu_coll_engines(struct wb_coll_engines *out);

#endif
