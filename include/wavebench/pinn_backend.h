/* wavebench PINN backends: what the training loop (train.c) asks of the place where the
 * math runs, as one table of operations per backend. The loop is written once against
 * this table and compiled in every build; main.c picks the table by cfg->backend and
 * hands it to wb_pinn_run. The cpu table is here (backend_cpu.c); the cuda one comes
 * from gpu_pinn_backend.h (src/cuda, built only with CUDA).
 *
 * What a backend promises:
 * - It trains its own copy of a host model (struct wb_pinn_model, pinn.h): the same
 *   network, precision and point capacity. The host model and the Adam state
 *   (struct wb_pinn_adam) are what checkpoints and the results tables read; state_in
 *   and state_out move the parameters and the Adam moments between them. opt->step and
 *   the hyper-parameters always live on the host. The cpu backend's copy is the host
 *   model itself, so for it state_in and state_out do nothing.
 * - Its gradient has the CPU model's layout: n_params elements, then WB_PINN_NTERMS
 *   slots holding this rank's share of each loss term, so that one all-reduce sums the
 *   gradient and the loss terms together.
 * - An iteration is loss_grad, poison (test runs only), allreduce, times, step, in
 *   this order; sample goes before loss_grad, predict between iterations.
 * - Every operation returns WB_OK, or a status with the failed call and a message in
 *   err. Only create is collective; a failure of any other operation cannot be agreed
 *   on (the other ranks may be inside the all-reduce), so the loop ends the job on it.
 * - Nothing allocates after create. */
#ifndef WB_PINN_BACKEND_H
#define WB_PINN_BACKEND_H

#include <stdint.h>

#include "wavebench/pinn.h"
#include "wavebench/world.h"

struct wb_pinn_backend {
    /* *ctx: this backend's copy of host (its parameters; not yet the Adam moments).
     * Collective over w; w and host must outlive ctx. On failure *ctx may be
     * non-NULL: release it with free. */
    int (*create)(void **ctx, const struct wb_world *w, struct wb_pinn_model *host,
                  struct wb_error *err);
    /* Releases ctx (not the host model); safe on NULL. */
    void (*free)(void *ctx);
    /* host->params, opt->m and opt->v (host: the model given to create) into the
     * backend / the backend's into them. */
    int (*state_in)(void *ctx, const struct wb_pinn_model *host, const struct wb_pinn_adam *opt,
                    struct wb_error *err);
    int (*state_out)(void *ctx, struct wb_pinn_model *host, struct wb_pinn_adam *opt,
                     struct wb_error *err);
    /* This rank's share of the training points of (seed, epoch), as
     * wb_pinn_model_sample: the same points on every backend. */
    int (*sample)(void *ctx, uint64_t seed, uint64_t epoch, const struct wb_pinn_counts *global,
                  struct wb_error *err);
    /* This rank's share of the loss terms and of the gradient of
     * sum_i weights[i] * terms[i] at the current points, into the gradient. */
    int (*loss_grad)(void *ctx, const double weights[WB_PINN_NTERMS], struct wb_error *err);
    /* Test-only (debug.nan_iteration): this rank's first loss-term slot becomes NaN. */
    int (*poison)(void *ctx, struct wb_error *err);
    /* Sums the gradient with its loss-term slots over all ranks in place; terms = the
     * global terms from those slots, the same on every rank. */
    int (*allreduce)(void *ctx, double terms[WB_PINN_NTERMS], struct wb_error *err);
    /* Seconds of this iteration's compute and all-reduce. cpu: MPI_Wtime from t0 (the
     * iteration's start, so a resampling counts as compute) to the all-reduce, and the
     * all-reduce itself; cuda: CUDA events around loss_grad and around the all-reduce. */
    int (*times)(void *ctx, double t0, double *compute, double *allreduce, struct wb_error *err);
    /* One Adam step of the parameters with the gradient (wb_pinn_adam_step's
     * arithmetic, opt's hyper-parameters and step), then opt->step++. */
    int (*step)(void *ctx, struct wb_pinn_adam *opt, struct wb_error *err);
    /* u at n points with the backend's parameters, as wb_pinn_predict. u: [n], pts: [n][d]. */
    int (*predict)(void *ctx, double *u, const double *pts, int64_t n, struct wb_error *err);
    /* Points per predict call for a chunked caller (evaluation). cpu: wb_pinn_predict's
     * chunk, so that chunked and whole predictions are the same bits. */
    int64_t (*predict_chunk)(void *ctx);
};

/* The cpu backend: the host model itself, its threads (wb_pinn_model_set_threads) and
 * one MPI_Allreduce of its gradient on w->comm. */
const struct wb_pinn_backend *wb_pinn_backend_cpu(void);

#endif
