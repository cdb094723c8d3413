// wavebench device probe: one empty kernel, launched once at device selection, so that a
// build without machine code (or PTX) for the device fails there with a clear line
// instead of at the first real kernel.
#include "wavebench/gpu_kernels.h"

static __global__ void probe_kernel(void) {}

extern "C" cudaError_t wb_gpuk_probe(void)
{
    probe_kernel<<<1, 1>>>();
    cudaError_t rc = cudaGetLastError();
    return rc != cudaSuccess ? rc : cudaDeviceSynchronize();
}
