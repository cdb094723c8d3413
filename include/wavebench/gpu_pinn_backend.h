/* wavebench PINN cuda backend: the operations of pinn_backend.h on a GPU model
 * (gpu_pinn.h) with its gradient summed over an NCCL communicator of all ranks
 * (gpu_comm.h; MPI through the host without NCCL), timed by CUDA events. */
#ifndef WB_GPU_PINN_BACKEND_H
#define WB_GPU_PINN_BACKEND_H

#include "wavebench/pinn_backend.h"

/* The cuda backend's table. Its create is collective: every rank joins the
 * communicator (wb_gpu_comm_create), after wb_gpu_select bound the rank's device. */
const struct wb_pinn_backend *wb_gpu_pinn_backend(void);

#endif
