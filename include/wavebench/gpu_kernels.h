/* wavebench CUDA launchers: C-callable (extern "C") wrappers of the kernels in
 * the .cu files of src/cuda. Every launcher takes a stream, enqueues asynchronously and returns the
 * launch's cudaError_t (cudaGetLastError), which callers check with WB_CUDA_CHECK.
 * Sizes are elements. prec is enum wb_precision, dtype enum wb_dtype. */
#ifndef WB_GPU_KERNELS_H
#define WB_GPU_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include <cuda_runtime_api.h>

#include "wavebench/coll_data.h"
#include "wavebench/gpu_pinn_driver.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- device probe (gpu_probe.cu) ---- */

/* Launches an empty kernel on the current device and waits: cudaErrorNoKernelImageForDevice
 * when this build has no code the device can run. */
cudaError_t wb_gpuk_probe(void);

/* ---- collectives (gpu_coll_kernels.cu): the values come as a period table (coll_data.h),
 * so the data scheme stays in one place, on the host ---- */

/* buf[k] = (dtype)p.v[(offset + k) % WB_COLL_DATA_PERIOD] for k < n. */
cudaError_t wb_gpuk_coll_fill(void *buf, int dtype, struct wb_coll_data_period p, size_t offset,
                              size_t n, cudaStream_t stream);

/* *count += number of k < n with buf[k] != (dtype)p.v[(offset + k) % WB_COLL_DATA_PERIOD]. */
cudaError_t wb_gpuk_coll_count_wrong(const void *buf, int dtype, struct wb_coll_data_period p,
                                     size_t offset, size_t n, unsigned long long *count,
                                     cudaStream_t stream);

/* ---- PINN (gpu_pinn_kernels.cu): the executor operations of gpu_pinn_driver.h ---- */

cudaError_t wb_gpuk_pinn_inputs(int prec, void *xin, const void *x, struct wb_pinn_layout L, int d,
                                cudaStream_t stream);
cudaError_t wb_gpuk_pinn_tanh_fwd(int prec, void *a, const void *z, const void *b,
                                  struct wb_pinn_layout L, int d, int w, cudaStream_t stream);
cudaError_t wb_gpuk_pinn_tanh_bwd(int prec, void *z, const void *g, const void *a,
                                  struct wb_pinn_layout L, int d, int w, cudaStream_t stream);
cudaError_t wb_gpuk_pinn_out_bias(int prec, void *out, const void *b, int64_t nv, cudaStream_t stream);

/* Blocks of wb_gpuk_pinn_loss for nv points: partials needs 4 doubles per block. */
int64_t wb_gpuk_pinn_loss_blocks(int64_t nv);

/* acc[4] += term sums over the tile's nv points (deterministic: per-block partial sums
 * in partials, then one block adds them in a fixed order); dout as wb_el_loss. */
cudaError_t wb_gpuk_pinn_loss(int prec, double *acc, double *partials, void *dout, const void *out,
                              const void *coef, const void *r0, const void *u0,
                              struct wb_pinn_layout L, int d, const double scale[4],
                              cudaStream_t stream);
cudaError_t wb_gpuk_pinn_out_grad(int prec, void *g, const void *dout, const void *wout,
                                  int64_t rows, int w, cudaStream_t stream);
cudaError_t wb_gpuk_pinn_terms(int prec, void *tail, double *acc, const int64_t count[4],
                               cudaStream_t stream);
cudaError_t wb_gpuk_pinn_fill(int prec, void *p, double value, int64_t n, cudaStream_t stream);

/* One Adam step over n elements (wb_el_adam); hyper-parameters as the CPU's adam_update. */
cudaError_t wb_gpuk_pinn_adam(int prec, void *p, void *m, void *v, const void *g, int64_t n,
                              double lr, double beta1, double beta2, double eps, double bc1,
                              double bc2, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
