/* wavebench CUDA module: the CUDA backend (src/cuda) is built as wavebench-cuda.so and
 * opened only when a run asks for --backend cuda. A CPU run thus neither loads nor
 * initialises the CUDA runtime, cuBLAS or NCCL (they cost ~150 MiB per rank), one binary
 * serves CPU-only and GPU nodes, and `ldd wavebench` lists no CUDA library.
 *
 * The module exports one table, named WB_CUDA_MODULE_SYMBOL. It calls the program's own
 * functions (world, tables, collectives' descriptors, the host PINN model: the program
 * exports its symbols); the program reaches the module only through this table. */
#ifndef WB_CUDA_MODULE_H
#define WB_CUDA_MODULE_H

#include <stddef.h>

#include "wavebench/collectives.h"
#include "wavebench/gpu_device.h"
#include "wavebench/pinn_backend.h"

/* Raised whenever the table below changes: a module of another build is refused. */
#define WB_CUDA_MODULE_ABI 2
#define WB_CUDA_MODULE_SYMBOL "wb_cuda_module"
#define WB_CUDA_MODULE_FILE "wavebench-cuda.so"

struct wb_cuda_module {
    int abi; /* WB_CUDA_MODULE_ABI of the module's build */
    /* Collective: binds every rank to its device (gpu_device.h). */
    int (*select)(struct wb_gpu *gpu, const struct wb_world *w, struct wb_error *err);
    /* The collectives' engines on device buffers (gpu_coll.h). */
    void (*coll_engines)(struct wb_coll_engines *out);
    /* The PINN's cuda backend (gpu_pinn_backend.h). */
    const struct wb_pinn_backend *(*pinn_backend)(void);
    /* The CUDA runtime's and NCCL's versions, as the results file records them. */
    void (*versions)(char *cuda, size_t cuda_size, char *nccl, size_t nccl_size);
};

#endif
