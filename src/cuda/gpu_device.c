/* wavebench GPU backend: device discovery and binding of ranks to devices. */
#include "wavebench/gpu_device.h"

#include <cuda_runtime_api.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "wavebench/gpu_kernels.h"

int wb_gpu_select(struct wb_gpu *gpu, const struct wb_world *w, struct wb_error *err)
{
    memset(gpu, 0, sizeof *gpu);
    gpu->device = -1;
    cudaError_t rc = cudaGetDeviceCount(&gpu->count);
    if (rc != cudaSuccess || gpu->count == 0)
        WB_FAIL(err, WB_ERR_USAGE,
                "[run] backend: cuda asked for, but no CUDA device is visible (%s); use --backend cpu",
                rc != cudaSuccess ? cudaGetErrorString(rc) : "0 devices");
    if (err->status == WB_OK) {
        gpu->device = w->node_rank % gpu->count;
        struct cudaDeviceProp prop;
        if ((rc = cudaSetDevice(gpu->device)) != cudaSuccess ||
            (rc = cudaGetDeviceProperties(&prop, gpu->device)) != cudaSuccess) {
            WB_FAIL(err, WB_ERR_RUNTIME, "CUDA device %d: %s", gpu->device, cudaGetErrorString(rc));
        } else {
            snprintf(gpu->name, sizeof gpu->name, "%s", prop.name);
            gpu->mem_gib = (double)prop.totalGlobalMem / (1024.0 * 1024 * 1024);
            gpu->cc_major = prop.major;
            gpu->cc_minor = prop.minor;
            /* For the results file only: a failed query leaves "unknown" / 0. */
            if (cudaDeviceGetPCIBusId(gpu->pci_bus_id, (int)sizeof gpu->pci_bus_id,
                                      gpu->device) != cudaSuccess)
                snprintf(gpu->pci_bus_id, sizeof gpu->pci_bus_id, "unknown");
            cudaDriverGetVersion(&gpu->driver_version);
            cudaRuntimeGetVersion(&gpu->runtime_version);
            if ((rc = wb_gpuk_probe()) == cudaErrorNoKernelImageForDevice)
                WB_FAIL(err, WB_ERR_USAGE,
                        "[run] backend: this build has no GPU code for %s (compute capability "
                        "%d.%d; built for CUDA_ARCHS=\"%s\"): rebuild with ./configure "
                        "CUDA_ARCHS=\"%d%d\" or use --backend cpu",
                        gpu->name, prop.major, prop.minor, WB_CUDA_ARCHS, prop.major, prop.minor);
            else if (rc != cudaSuccess)
                WB_FAIL(err, WB_ERR_RUNTIME, "CUDA device %d: probe kernel: %s", gpu->device,
                        cudaGetErrorString(rc));
        }
    }
    return wb_world_agree(w, err);
}
