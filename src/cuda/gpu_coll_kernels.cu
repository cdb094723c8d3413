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

// Both kernels index a period table (coll_data.h) by element index mod the period.
template <typename T>
__global__ void fill_kernel(T *buf, wb_coll_data_period p, size_t offset, size_t n)
{
    __shared__ T table[WB_COLL_DATA_PERIOD];
    if (threadIdx.x < WB_COLL_DATA_PERIOD)
        table[threadIdx.x] = (T)p.v[threadIdx.x];
    __syncthreads();
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x)
        buf[i] = table[(offset + i) % WB_COLL_DATA_PERIOD];
}

template <typename T>
__global__ void count_wrong_kernel(const T *buf, wb_coll_data_period p, size_t offset, size_t n,
                                   unsigned long long *count)
{
    __shared__ T table[WB_COLL_DATA_PERIOD];
    __shared__ unsigned long long block_sum;
    if (threadIdx.x < WB_COLL_DATA_PERIOD)
        table[threadIdx.x] = (T)p.v[threadIdx.x];
    if (threadIdx.x == 0)
        block_sum = 0;
    __syncthreads();
    unsigned long long wrong = 0;
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x)
        wrong += buf[i] != table[(offset + i) % WB_COLL_DATA_PERIOD];
    if (wrong)
        atomicAdd(&block_sum, wrong);
    __syncthreads();
    if (threadIdx.x == 0 && block_sum)
        atomicAdd(count, block_sum);
}

template <typename T>
cudaError_t fill_as(void *buf, wb_coll_data_period p, size_t offset, size_t n, cudaStream_t s)
{
    if (n == 0)
        return cudaSuccess;
    fill_kernel<T><<<grid_for(n), kThreads, 0, s>>>((T *)buf, p, offset, n);
    return cudaGetLastError();
}

template <typename T>
cudaError_t count_as(const void *buf, wb_coll_data_period p, size_t offset, size_t n,
                     unsigned long long *count, cudaStream_t s)
{
    if (n == 0)
        return cudaSuccess;
    count_wrong_kernel<T><<<grid_for(n), kThreads, 0, s>>>((const T *)buf, p, offset, n, count);
    return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t wb_gpuk_coll_fill(void *buf, int dtype, struct wb_coll_data_period p,
                                         size_t offset, size_t n, cudaStream_t stream)
{
    switch (dtype) {
    case WB_DTYPE_INT32: return fill_as<int32_t>(buf, p, offset, n, stream);
    case WB_DTYPE_INT64: return fill_as<int64_t>(buf, p, offset, n, stream);
    case WB_DTYPE_FLOAT: return fill_as<float>(buf, p, offset, n, stream);
    case WB_DTYPE_DOUBLE: return fill_as<double>(buf, p, offset, n, stream);
    default: return cudaErrorInvalidValue;
    }
}

extern "C" cudaError_t wb_gpuk_coll_count_wrong(const void *buf, int dtype,
                                                struct wb_coll_data_period p, size_t offset,
                                                size_t n, unsigned long long *count,
                                                cudaStream_t stream)
{
    switch (dtype) {
    case WB_DTYPE_INT32: return count_as<int32_t>(buf, p, offset, n, count, stream);
    case WB_DTYPE_INT64: return count_as<int64_t>(buf, p, offset, n, count, stream);
    case WB_DTYPE_FLOAT: return count_as<float>(buf, p, offset, n, count, stream);
    case WB_DTYPE_DOUBLE: return count_as<double>(buf, p, offset, n, count, stream);
    default: return cudaErrorInvalidValue;
    }
}
