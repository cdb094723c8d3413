/* wavebench collectives on device buffers: NCCL sweeps (nccl-tests conventions) and MPI
 * sweeps on device buffers when the MPI library is CUDA-aware, in the same table and HDF5
 * layout as the MPI host sweep (collectives.h), results checked on the device. */
#ifndef WB_GPU_COLL_H
#define WB_GPU_COLL_H

#include <stddef.h>
#include <stdint.h>

#include "wavebench/config.h"
#include "wavebench/table.h"
#include "wavebench/world.h"

/* The suite with backend cuda: tables collectives/<name> (library NCCL, when compiled
 * in) and collectives_mpi_device/<name> (library MPI, device buffers, when the MPI
 * library is CUDA-aware; otherwise a note on rank 0's stdout). Needs the device bound
 * (wb_gpu_select). Returns WB_OK, WB_ERR_CHECK if any result was wrong (every rank the
 * same), WB_ERR_USAGE when neither NCCL nor CUDA-aware MPI is available, WB_ERR_RUNTIME. */
int wb_gpu_coll_run(const struct wb_world *w, const struct wb_config *cfg,
                    struct wb_results *results, struct wb_error *err);

/* The 31 expected values of a result element by index mod 31: the reduction op over
 * nranks ranks of wb_coll_input, or rank src_rank's input when op < 0 (the semantics of
 * wb_coll_count_wrong). */
void wb_gpu_coll_expect(int64_t expect[31], int op, int nranks, int src_rank);

#endif
