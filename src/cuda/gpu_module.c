/* wavebench CUDA module's table (cuda_module.h): what the program opens at run time. */
#include "wavebench/cuda_module.h"

#include <cuda_runtime_api.h>
#include <stdio.h>

#include "config.h"
#include "wavebench/gpu_coll.h"
#include "wavebench/gpu_pinn_backend.h"
#ifdef WB_HAVE_NCCL
#include <nccl.h>
#endif

static void versions(char *cuda, size_t cuda_size, char *nccl, size_t nccl_size)
{
    int rt = 0;
    cudaRuntimeGetVersion(&rt);
    snprintf(cuda, cuda_size, "runtime %d.%d", rt / 1000, (rt % 1000) / 10);
    snprintf(nccl, nccl_size, "none");
#ifdef WB_HAVE_NCCL
    int nv = 0;
    ncclGetVersion(&nv);
    snprintf(nccl, nccl_size, "%d.%d.%d", nv / 10000, (nv / 100) % 100, nv % 100);
#endif
}

const struct wb_cuda_module wb_cuda_module = {
    .abi = WB_CUDA_MODULE_ABI,
    .select = wb_gpu_select,
    .coll_engines = wb_gpu_coll_engines,
    .pinn_backend = wb_gpu_pinn_backend,
    .versions = versions,
};
