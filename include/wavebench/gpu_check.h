/* wavebench CUDA error checks: WB_CUDA_CHECK, WB_CUBLAS_CHECK, WB_NCCL_CHECK record the
 * failed call with file:line in a struct wb_error and return its status from the caller.
 * Usable from C (mpicc) and from CUDA files (nvcc). Include the library's own header
 * (cuda_runtime_api.h, cublas_v2.h, nccl.h) before using its macro. */
#ifndef WB_CUDA_CHECK_H
#define WB_CUDA_CHECK_H

#include "wavebench/common.h"

/* Each macro: evaluates call once; on failure records "call: library message (code)"
 * at this file:line as WB_ERR_RUNTIME (first failure wins) and returns WB_ERR_RUNTIME. */
#define WB_CUDA_CHECK(err, call)                                                          \
    do {                                                                                  \
        cudaError_t wb_cu_ = (call);                                                      \
        if (wb_cu_ != cudaSuccess)                                                        \
            return wb_error_set((err), WB_ERR_RUNTIME, __FILE__, __LINE__, "%s: %s (%d)", \
                                #call, cudaGetErrorString(wb_cu_), (int)wb_cu_);          \
    } while (0)

#define WB_CUBLAS_CHECK(err, call)                                                        \
    do {                                                                                  \
        cublasStatus_t wb_cb_ = (call);                                                   \
        if (wb_cb_ != CUBLAS_STATUS_SUCCESS)                                              \
            return wb_error_set((err), WB_ERR_RUNTIME, __FILE__, __LINE__, "%s: %s (%d)", \
                                #call, cublasGetStatusString(wb_cb_), (int)wb_cb_);       \
    } while (0)

#define WB_NCCL_CHECK(err, call)                                                          \
    do {                                                                                  \
        ncclResult_t wb_nc_ = (call);                                                     \
        if (wb_nc_ != ncclSuccess)                                                        \
            return wb_error_set((err), WB_ERR_RUNTIME, __FILE__, __LINE__, "%s: %s (%d)", \
                                #call, ncclGetErrorString(wb_nc_), (int)wb_nc_);          \
    } while (0)

#endif
