/* wavebench PINN on the GPU: the CPU model's API (pinn.h) mirrored on one device; the cuda
 * PINN backend (gpu_pinn_backend.h) hands these calls to the training loop.
 *
 * A GPU model shadows a host model (struct wb_pinn_model) of the same network: the host
 * model keeps what checkpoints, evaluation and the results tables read (params, and the
 * Adam state in struct wb_pinn_adam); the device holds params [n_params], grads
 * [n_params + WB_PINN_NTERMS] (last slots: this rank's share of the loss terms, exactly
 * like the CPU's grads) and the Adam state m|v [2 n_params] in one allocation each, plus
 * one workspace allocation. Everything runs on the model's stream with one cuBLAS handle;
 * nothing allocates after wb_gpu_pinn_create. Every function returns WB_OK, or
 * WB_ERR_USAGE / WB_ERR_RUNTIME with the failed call and file:line in err. */
#ifndef WB_PINN_GPU_H
#define WB_PINN_GPU_H

#include <stdbool.h>
#include <stdint.h>

#include "wavebench/gpu_comm.h"
#include "wavebench/pinn.h"

struct wb_gpu_pinn; /* opaque */

/* A GPU model shaped like host (problem, precision, width, depth, hard, capacity), on the
 * current device; parameters copied from host. */
int wb_gpu_pinn_create(struct wb_gpu_pinn **out, const struct wb_pinn_model *host,
                       struct wb_error *err);

/* Releases everything; safe on NULL. */
void wb_gpu_pinn_free(struct wb_gpu_pinn *g);

/* As wb_pinn_model_set_points / wb_pinn_model_sample: the per-point constants are computed
 * on the host by the CPU's formulas, converted to the model precision and copied. */
int wb_gpu_pinn_set_points(struct wb_gpu_pinn *g, const double *interior, const double *initial,
                           const double *boundary, const struct wb_pinn_counts *local,
                           const struct wb_pinn_counts *global, struct wb_error *err);
int wb_gpu_pinn_sample(struct wb_gpu_pinn *g, uint64_t seed, uint64_t epoch,
                       const struct wb_pinn_counts *global, int rank, int nranks,
                       struct wb_error *err);

/* Copies host->params (and opt->m, opt->v when opt != NULL) to the device / the device's
 * to host->params (and opt->m, opt->v). opt->step always lives on the host. Synchronous. */
int wb_gpu_pinn_upload(struct wb_gpu_pinn *g, const struct wb_pinn_model *host,
                       const struct wb_pinn_adam *opt, struct wb_error *err);
int wb_gpu_pinn_download(struct wb_gpu_pinn *g, struct wb_pinn_model *host,
                         struct wb_pinn_adam *opt, struct wb_error *err);

/* Enqueues forward and backward of the current points: device grads as the CPU's
 * wb_pinn_loss_grad leaves m->grads. Asynchronous; CUDA events mark its start and end. */
int wb_gpu_pinn_loss_grad(struct wb_gpu_pinn *g, const double weights[WB_PINN_NTERMS],
                          struct wb_error *err);

/* Enqueues the sum of grads (n_params + WB_PINN_NTERMS elements) over all ranks in place:
 * one ncclAllReduce on the model's stream, or without NCCL a copy to the host,
 * MPI_Allreduce and a copy back. Events mark its end. */
int wb_gpu_pinn_allreduce(struct wb_gpu_pinn *g, const struct wb_gpu_comm *c, struct wb_error *err);

/* Waits for the stream and reads the terms from grads' last slots (after the all-reduce:
 * the global terms, identical on every rank). */
int wb_gpu_pinn_terms(struct wb_gpu_pinn *g, double terms[WB_PINN_NTERMS], struct wb_error *err);

/* Seconds of the last loss_grad and all-reduce by CUDA events (call after terms). */
int wb_gpu_pinn_times(struct wb_gpu_pinn *g, double *compute, double *allreduce,
                      struct wb_error *err);

/* Enqueues one Adam step of the device params with opt's hyper-parameters and step
 * (wb_pinn_adam_step's arithmetic), then opt->step++. opt->m, opt->v are not touched. */
int wb_gpu_pinn_adam_step(struct wb_gpu_pinn *g, struct wb_pinn_adam *opt, struct wb_error *err);

/* u at n points (hard transform included) with the device params, as wb_pinn_predict. */
int wb_gpu_pinn_predict(struct wb_gpu_pinn *g, double *u, const double *pts, int64_t n,
                        struct wb_error *err);

/* Copies the device grads (n_params + WB_PINN_NTERMS of the model precision) to host. */
int wb_gpu_pinn_grads(struct wb_gpu_pinn *g, void *grads, struct wb_error *err);

/* Test-only (debug.nan_iteration): this rank's first loss slot becomes NaN. */
int wb_gpu_pinn_poison(struct wb_gpu_pinn *g, struct wb_error *err);

#endif
