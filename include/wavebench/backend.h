/* wavebench backends: the implementations a run's suites use, chosen once from the
 * configuration. Backend cpu (the MPI host engine of the collectives, the CPU PINN) is
 * built in; backend cuda comes from the CUDA module (cuda_module.h), which is opened
 * only then. */
#ifndef WB_BACKEND_H
#define WB_BACKEND_H

#include "wavebench/collectives.h"
#include "wavebench/config.h"
#include "wavebench/cuda_module.h"
#include "wavebench/gpu_device.h"
#include "wavebench/pinn_backend.h"
#include "wavebench/world.h"

struct wb_backends {
    struct wb_coll_engines coll;        /* the collectives' engines, in the order they run */
    const struct wb_pinn_backend *pinn; /* the PINN's operations */
    const struct wb_cuda_module *cuda;  /* the open CUDA module; NULL on backend cpu */
    struct wb_gpu gpu;                  /* backend cuda: this rank's device */
};

/* Collective. Fills be for cfg->backend; for cuda opens the module and binds every rank
 * to a device. Returns WB_OK, or WB_ERR_USAGE with one line when the module or a library
 * it needs cannot be loaded or no device is visible; the same on every rank. */
int wb_backend_open(struct wb_backends *be, const struct wb_world *w, const struct wb_config *cfg,
                    struct wb_error *err);

/* Where the CUDA module is looked for, in order: $WAVEBENCH_CUDA_MODULE; beside the
 * executable (a build tree); EXE_DIR/../lib/wavebench (a relocated install: containers,
 * Spack); the configured pkglibdir. Writes the i-th candidate into out; returns 0 past
 * the last. */
int wb_backend_module_path(int i, char *out, size_t size);

#endif
