// wavebench PINN on the GPU: the fused kernels of the driver (gpu_pinn_driver.h), one
// thread per (point, neuron) or per point, each calling the element functions shared
// with the host tests (gpu_pinn_elem_impl.h). Kernels first, then the C launchers.
#include <math.h>

#include "wavebench/gpu_kernels.h"

#define WB_HD __host__ __device__

#include "wavebench/gpu_pinn_elem.h"

namespace {

constexpr int kThreads = 256;

unsigned grid_for(int64_t n)
{
    int64_t blocks = (n + kThreads - 1) / kThreads;
    return (unsigned)(blocks < 1 ? 1 : blocks > (1 << 20) ? (1 << 20) : blocks);
}

#define GRID_STRIDE(i, n) \
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < (n); i += (int64_t)gridDim.x * blockDim.x)

// Overloads pick the element function of each precision.
WB_HD inline void el_inputs(float *xin, const float *x, const wb_pinn_layout *L, int d, int64_t p) { wb_el_inputs_f32(xin, x, L, d, p); }
WB_HD inline void el_inputs(double *xin, const double *x, const wb_pinn_layout *L, int d, int64_t p) { wb_el_inputs_f64(xin, x, L, d, p); }
WB_HD inline void el_fwd(float *a, const float *z, const float *b, const wb_pinn_layout *L, int d, int w, int64_t p, int j) { wb_el_tanh_fwd_f32(a, z, b, L, d, w, p, j); }
WB_HD inline void el_fwd(double *a, const double *z, const double *b, const wb_pinn_layout *L, int d, int w, int64_t p, int j) { wb_el_tanh_fwd_f64(a, z, b, L, d, w, p, j); }
WB_HD inline void el_bwd(float *z, const float *g, const float *a, const wb_pinn_layout *L, int d, int w, int64_t p, int j) { wb_el_tanh_bwd_f32(z, g, a, L, d, w, p, j); }
WB_HD inline void el_bwd(double *z, const double *g, const double *a, const wb_pinn_layout *L, int d, int w, int64_t p, int j) { wb_el_tanh_bwd_f64(z, g, a, L, d, w, p, j); }
WB_HD inline void el_loss(double s[4], float *dout, const float *out, const float *coef, const float *r0, const float *u0, const wb_pinn_layout *L, int d, int64_t p, const double *scale) { wb_el_loss_f32(s, dout, out, coef, r0, u0, L, d, p, scale); }
WB_HD inline void el_loss(double s[4], double *dout, const double *out, const double *coef, const double *r0, const double *u0, const wb_pinn_layout *L, int d, int64_t p, const double *scale) { wb_el_loss_f64(s, dout, out, coef, r0, u0, L, d, p, scale); }
WB_HD inline void el_adam(float *p, float *m, float *v, const float *g, int64_t i, float b1, float b2, float e, float c1, float c2, float a) { wb_el_adam_f32(p, m, v, g, i, b1, b2, e, c1, c2, a); }
WB_HD inline void el_adam(double *p, double *m, double *v, const double *g, int64_t i, double b1, double b2, double e, double c1, double c2, double a) { wb_el_adam_f64(p, m, v, g, i, b1, b2, e, c1, c2, a); }

struct scale4 {
    double v[4];
};

template <typename T>
__global__ void inputs_kernel(T *xin, const T *x, wb_pinn_layout L, int d)
{
    GRID_STRIDE(p, L.nv) el_inputs(xin, x, &L, d, p);
}

// Threads run along j (a row's neurons are contiguous): coalesced loads and stores.
template <typename T>
__global__ void tanh_fwd_kernel(T *a, const T *z, const T *b, wb_pinn_layout L, int d, int w)
{
    GRID_STRIDE(t, L.nv * w) el_fwd(a, z, b, &L, d, w, t / w, (int)(t % w));
}

template <typename T>
__global__ void tanh_bwd_kernel(T *z, const T *g, const T *a, wb_pinn_layout L, int d, int w)
{
    GRID_STRIDE(t, L.nv * w) el_bwd(z, g, a, &L, d, w, t / w, (int)(t % w));
}

template <typename T>
__global__ void out_bias_kernel(T *out, const T *b, int64_t nv)
{
    GRID_STRIDE(p, nv) out[p] += b[0];
}

// One point per thread (no grid stride: partials are per block); block sums of the four
// terms by a fixed tree, so the result does not depend on scheduling.
template <typename T>
__global__ void loss_kernel(double *partials, T *dout, const T *out, const T *coef, const T *r0,
                            const T *u0, wb_pinn_layout L, int d, scale4 scale)
{
    __shared__ double sh[4][kThreads];
    int64_t p = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    double s[4] = {0, 0, 0, 0};
    if (p < L.nv)
        el_loss(s, dout, out, coef, r0, u0, &L, d, p, scale.v);
    for (int i = 0; i < 4; i++)
        sh[i][threadIdx.x] = s[i];
    __syncthreads();
    for (int half = kThreads / 2; half > 0; half /= 2) {
        if (threadIdx.x < half)
            for (int i = 0; i < 4; i++)
                sh[i][threadIdx.x] += sh[i][threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x < 4)
        partials[blockIdx.x * 4 + threadIdx.x] = sh[threadIdx.x][0];
}

// One block: acc[i] += sum over blocks of partials, in a fixed order.
__global__ void loss_sum_kernel(double *acc, const double *partials, int64_t nblocks)
{
    __shared__ double sh[4][kThreads];
    double s[4] = {0, 0, 0, 0};
    for (int64_t b = threadIdx.x; b < nblocks; b += blockDim.x)
        for (int i = 0; i < 4; i++)
            s[i] += partials[b * 4 + i];
    for (int i = 0; i < 4; i++)
        sh[i][threadIdx.x] = s[i];
    __syncthreads();
    for (int half = kThreads / 2; half > 0; half /= 2) {
        if (threadIdx.x < half)
            for (int i = 0; i < 4; i++)
                sh[i][threadIdx.x] += sh[i][threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x < 4)
        acc[threadIdx.x] += sh[threadIdx.x][0];
}

template <typename T>
__global__ void out_grad_kernel(T *g, const T *dout, const T *wout, int64_t rows, int w)
{
    GRID_STRIDE(t, rows * w) g[t] = dout[t / w] * wout[t % w];
}

struct count4 {
    int64_t v[4];
};

template <typename T>
__global__ void terms_kernel(T *tail, double *acc, count4 count)
{
    if (threadIdx.x < 4) {
        int i = threadIdx.x;
        double t = count.v[i] > 0 ? acc[i] / (double)count.v[i] : 0.0;
        acc[i] = t;
        tail[i] = (T)t;
    }
}

template <typename T>
__global__ void fill_kernel(T *p, T value, int64_t n)
{
    GRID_STRIDE(i, n) p[i] = value;
}

template <typename T>
__global__ void adam_kernel(T *p, T *m, T *v, const T *g, int64_t n, T b1, T b2, T e, T c1, T c2, T a)
{
    GRID_STRIDE(i, n) el_adam(p, m, v, g, i, b1, b2, e, c1, c2, a);
}

template <typename T>
cudaError_t adam_as(void *p, void *m, void *v, const void *g, int64_t n, double lr, double beta1,
                    double beta2, double eps, double bc1, double bc2, cudaStream_t s)
{
    // The CPU's constants, rounded to the precision the same way (adam_impl.h).
    adam_kernel<T><<<grid_for(n), kThreads, 0, s>>>((T *)p, (T *)m, (T *)v, (const T *)g, n, (T)beta1,
                                                   (T)beta2, (T)eps, (T)(1.0 / bc1), (T)(1.0 / bc2), (T)lr);
    return cudaGetLastError();
}

} // namespace

#define DISPATCH(prec, call_f32, call_f64) ((prec) == WB_FP32 ? (call_f32) : (call_f64))

extern "C" cudaError_t wb_gpuk_pinn_inputs(int prec, void *xin, const void *x, wb_pinn_layout L, int d,
                                           cudaStream_t s)
{
    if (L.nv == 0)
        return cudaSuccess;
    if (prec == WB_FP32)
        inputs_kernel<float><<<grid_for(L.nv), kThreads, 0, s>>>((float *)xin, (const float *)x, L, d);
    else
        inputs_kernel<double><<<grid_for(L.nv), kThreads, 0, s>>>((double *)xin, (const double *)x, L, d);
    return cudaGetLastError();
}

extern "C" cudaError_t wb_gpuk_pinn_tanh_fwd(int prec, void *a, const void *z, const void *b,
                                             wb_pinn_layout L, int d, int w, cudaStream_t s)
{
    if (L.nv == 0)
        return cudaSuccess;
    unsigned grid = grid_for(L.nv * w);
    if (prec == WB_FP32)
        tanh_fwd_kernel<float><<<grid, kThreads, 0, s>>>((float *)a, (const float *)z, (const float *)b, L, d, w);
    else
        tanh_fwd_kernel<double><<<grid, kThreads, 0, s>>>((double *)a, (const double *)z, (const double *)b, L, d, w);
    return cudaGetLastError();
}

extern "C" cudaError_t wb_gpuk_pinn_tanh_bwd(int prec, void *z, const void *g, const void *a,
                                             wb_pinn_layout L, int d, int w, cudaStream_t s)
{
    if (L.nv == 0)
        return cudaSuccess;
    unsigned grid = grid_for(L.nv * w);
    if (prec == WB_FP32)
        tanh_bwd_kernel<float><<<grid, kThreads, 0, s>>>((float *)z, (const float *)g, (const float *)a, L, d, w);
    else
        tanh_bwd_kernel<double><<<grid, kThreads, 0, s>>>((double *)z, (const double *)g, (const double *)a, L, d, w);
    return cudaGetLastError();
}

extern "C" cudaError_t wb_gpuk_pinn_out_bias(int prec, void *out, const void *b, int64_t nv, cudaStream_t s)
{
    if (nv == 0)
        return cudaSuccess;
    if (prec == WB_FP32)
        out_bias_kernel<float><<<grid_for(nv), kThreads, 0, s>>>((float *)out, (const float *)b, nv);
    else
        out_bias_kernel<double><<<grid_for(nv), kThreads, 0, s>>>((double *)out, (const double *)b, nv);
    return cudaGetLastError();
}

extern "C" int64_t wb_gpuk_pinn_loss_blocks(int64_t nv)
{
    return nv > 0 ? (nv + kThreads - 1) / kThreads : 0;
}

extern "C" cudaError_t wb_gpuk_pinn_loss(int prec, double *acc, double *partials, void *dout,
                                         const void *out, const void *coef, const void *r0,
                                         const void *u0, wb_pinn_layout L, int d,
                                         const double scale[4], cudaStream_t s)
{
    int64_t blocks = wb_gpuk_pinn_loss_blocks(L.nv);
    if (blocks == 0)
        return cudaSuccess;
    scale4 sc = {{scale[0], scale[1], scale[2], scale[3]}};
    if (prec == WB_FP32)
        loss_kernel<float><<<(unsigned)blocks, kThreads, 0, s>>>(partials, (float *)dout, (const float *)out,
                                                                (const float *)coef, (const float *)r0,
                                                                (const float *)u0, L, d, sc);
    else
        loss_kernel<double><<<(unsigned)blocks, kThreads, 0, s>>>(partials, (double *)dout, (const double *)out,
                                                                 (const double *)coef, (const double *)r0,
                                                                 (const double *)u0, L, d, sc);
    cudaError_t rc = cudaGetLastError();
    if (rc != cudaSuccess)
        return rc;
    loss_sum_kernel<<<1, kThreads, 0, s>>>(acc, partials, blocks);
    return cudaGetLastError();
}

extern "C" cudaError_t wb_gpuk_pinn_out_grad(int prec, void *g, const void *dout, const void *wout,
                                             int64_t rows, int w, cudaStream_t s)
{
    if (rows == 0)
        return cudaSuccess;
    unsigned grid = grid_for(rows * w);
    if (prec == WB_FP32)
        out_grad_kernel<float><<<grid, kThreads, 0, s>>>((float *)g, (const float *)dout, (const float *)wout, rows, w);
    else
        out_grad_kernel<double><<<grid, kThreads, 0, s>>>((double *)g, (const double *)dout, (const double *)wout, rows, w);
    return cudaGetLastError();
}

extern "C" cudaError_t wb_gpuk_pinn_terms(int prec, void *tail, double *acc, const int64_t count[4],
                                          cudaStream_t s)
{
    count4 c = {{count[0], count[1], count[2], count[3]}};
    if (prec == WB_FP32)
        terms_kernel<float><<<1, 32, 0, s>>>((float *)tail, acc, c);
    else
        terms_kernel<double><<<1, 32, 0, s>>>((double *)tail, acc, c);
    return cudaGetLastError();
}

extern "C" cudaError_t wb_gpuk_pinn_fill(int prec, void *p, double value, int64_t n, cudaStream_t s)
{
    if (n == 0)
        return cudaSuccess;
    if (prec == WB_FP32)
        fill_kernel<float><<<grid_for(n), kThreads, 0, s>>>((float *)p, (float)value, n);
    else
        fill_kernel<double><<<grid_for(n), kThreads, 0, s>>>((double *)p, value, n);
    return cudaGetLastError();
}

extern "C" cudaError_t wb_gpuk_pinn_adam(int prec, void *p, void *m, void *v, const void *g, int64_t n,
                                         double lr, double beta1, double beta2, double eps, double bc1,
                                         double bc2, cudaStream_t s)
{
    if (n == 0)
        return cudaSuccess;
    return DISPATCH(prec, adam_as<float>(p, m, v, g, n, lr, beta1, beta2, eps, bc1, bc2, s),
                    adam_as<double>(p, m, v, g, n, lr, beta1, beta2, eps, bc1, bc2, s));
}
