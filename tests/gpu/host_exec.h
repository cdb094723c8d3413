/* tests/gpu: a plain-C executor of the GPU PINN driver (gpu_pinn_driver.h). It implements
 * cuBLAS's column-major gemm/gemv contract with loops and runs the same element functions
 * as the CUDA kernels (gpu_pinn_elem_impl.h), so the driver's GEMM shapes, row layout and
 * kernel arithmetic are checked against the CPU backend on a machine without a GPU. */
#ifndef WB_TEST_HOST_EXEC_H
#define WB_TEST_HOST_EXEC_H

#include "wavebench/gpu_pinn_driver.h"

/* A driver model in host memory, shaped like the CPU model m. */
struct host_model {
    struct wb_pinn_drv D;
    struct wb_pinn_exec E;
    int problem;
    int prec;
    void *mem;
};

/* Allocates for m's capacity with the given tile (points); copies m's parameters. 0 or -1. */
int host_model_create(struct host_model *h, const struct wb_pinn_model *m, int64_t tile);
void host_model_free(struct host_model *h);

/* Samples rank's share of (seed, epoch, global) and sets it, as wb_pinn_model_sample. */
int host_model_sample(struct host_model *h, uint64_t seed, uint64_t epoch,
                      const struct wb_pinn_counts *global, int rank, int nranks);

/* Copies n doubles into a buffer of the model precision. */
void host_put(void *dst, const double *src, int64_t n, int prec);
double host_get(const void *src, int64_t i, int prec);

/* The executor's Adam update of n elements (wb_el_adam), hyper-parameters as the GPU's. */
void host_adam(int prec, void *p, void *m, void *v, const void *g, int64_t n, double lr,
               double beta1, double beta2, double eps, double bc1, double bc2);

/* The element functions, for the kernel-by-kernel tests. */
extern const struct wb_pinn_exec host_exec_ops;

#endif
