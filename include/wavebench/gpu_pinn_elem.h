/* wavebench GPU PINN element functions in both precisions (_f32, _f64), from the one
 * template gpu_pinn_elem_impl.h. Define WB_HD first: __host__ __device__ under nvcc,
 * empty in C (the host executor of the tests). */
#ifndef WB_GPU_PINN_ELEM_H
#define WB_GPU_PINN_ELEM_H

#define REAL float
#define FN(name) name##_f32
#define TANH tanhf
#define SQRT sqrtf
#include "wavebench/gpu_pinn_elem_impl.h"
#undef REAL
#undef FN
#undef TANH
#undef SQRT

#define REAL double
#define FN(name) name##_f64
#define TANH tanh
#define SQRT sqrt
#include "wavebench/gpu_pinn_elem_impl.h"
#undef REAL
#undef FN
#undef TANH
#undef SQRT

#endif
