// wavebench collectives on the GPU: input fill and on-device check of every result.
// Kernels first, then the C-callable launchers (gpu_kernels.h).
#include "wavebench/config.h"
#include "wavebench/gpu_kernels.h"

namespace {

constexpr int kThreads = 256;

unsigned grid_for(size_t n)
{
    size_t blocks = (n + kThreads - 1) / kThreads;
    return (unsigned)(blocks < 65536 ? (blocks ? blocks : 1) : 65536);
}

// wb_coll_input(rank, i) = ((7 rank + 13 i) mod 31) + 1, the host's arithmetic (size_t).
template <typename T>
__global__ void fill_kernel(T *buf, unsigned long long rank, unsigned long long offset, size_t n)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x)
        buf[i] = (T)(long long)((rank * 7ull + (offset + i) * 13ull) % 31ull + 1ull);
}

template <typename T>
__global__ void count_wrong_kernel(const T *buf, size_t offset, size_t n, wb_coll_expect expect,
                                   unsigned long long *count)
{
    __shared__ T table[31];
    __shared__ unsigned long long block_sum;
    if (threadIdx.x < 31)
        table[threadIdx.x] = (T)expect.v[threadIdx.x];
    if (threadIdx.x == 0)
        block_sum = 0;
    __syncthreads();
    unsigned long long wrong = 0;
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x)
        wrong += buf[i] != table[(offset + i) % 31];
    if (wrong)
        atomicAdd(&block_sum, wrong);
    __syncthreads();
    if (threadIdx.x == 0 && block_sum)
        atomicAdd(count, block_sum);
}

template <typename T>
cudaError_t fill_as(void *buf, int rank, size_t offset, size_t n, cudaStream_t s)
{
    if (n == 0)
        return cudaSuccess;
    fill_kernel<T><<<grid_for(n), kThreads, 0, s>>>((T *)buf, (unsigned long long)rank, offset, n);
    return cudaGetLastError();
}

template <typename T>
cudaError_t count_as(const void *buf, size_t offset, size_t n, wb_coll_expect e,
                     unsigned long long *count, cudaStream_t s)
{
    if (n == 0)
        return cudaSuccess;
    count_wrong_kernel<T><<<grid_for(n), kThreads, 0, s>>>((const T *)buf, offset, n, e, count);
    return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t wb_gpuk_coll_fill(void *buf, int dtype, int rank, size_t offset, size_t n,
                                         cudaStream_t stream)
{
    switch (dtype) {
    case WB_DTYPE_INT32: return fill_as<int32_t>(buf, rank, offset, n, stream);
    case WB_DTYPE_INT64: return fill_as<int64_t>(buf, rank, offset, n, stream);
    case WB_DTYPE_FLOAT: return fill_as<float>(buf, rank, offset, n, stream);
    case WB_DTYPE_DOUBLE: return fill_as<double>(buf, rank, offset, n, stream);
    default: return cudaErrorInvalidValue;
    }
}

extern "C" cudaError_t wb_gpuk_coll_count_wrong(const void *buf, int dtype, size_t offset, size_t n,
                                                struct wb_coll_expect expect,
                                                unsigned long long *count, cudaStream_t stream)
{
    switch (dtype) {
    case WB_DTYPE_INT32: return count_as<int32_t>(buf, offset, n, expect, count, stream);
    case WB_DTYPE_INT64: return count_as<int64_t>(buf, offset, n, expect, count, stream);
    case WB_DTYPE_FLOAT: return count_as<float>(buf, offset, n, expect, count, stream);
    case WB_DTYPE_DOUBLE: return count_as<double>(buf, offset, n, expect, count, stream);
    default: return cudaErrorInvalidValue;
    }
}
