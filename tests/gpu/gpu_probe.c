/* tests/gpu: exits 0 when a CUDA device is visible (prints how many), 77 (skip) otherwise.
 * usage: gpu_probe [MIN_DEVICES] */
#include <stdio.h>
#include <stdlib.h>

#include <cuda_runtime_api.h>

int main(int argc, char **argv)
{
    int want = argc > 1 ? atoi(argv[1]) : 1, n = 0;
    cudaError_t rc = cudaGetDeviceCount(&n);
    if (rc != cudaSuccess || n < want) {
        printf("SKIP: %d CUDA device(s) visible, %d needed (%s)\n", rc == cudaSuccess ? n : 0, want,
               rc == cudaSuccess ? "no error" : cudaGetErrorString(rc));
        return 77;
    }
    printf("%d\n", n);
    return 0;
}
