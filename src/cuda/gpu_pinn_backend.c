/* wavebench PINN cuda backend: pinn_backend.h's operations as calls of the GPU model. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/gpu_pinn_backend.h"

#include <stdlib.h>

#include "wavebench/gpu_comm.h"
#include "wavebench/gpu_pinn.h"

/* Points per predict call of a chunked evaluation: enough to keep the device busy (the
 * GPU model splits a call by its own tile), few enough to keep the host buffers small. */
#define PREDICT_CHUNK (1 << 16)

struct gpu {
    const struct wb_world *w;
    struct wb_gpu_comm c;
    struct wb_gpu_pinn *m;
};

static int gpu_create(void **ctx, const struct wb_world *w, struct wb_pinn_model *host,
                      struct wb_error *err)
{
    struct gpu *g = calloc(1, sizeof *g);
    *ctx = g;
    if (!g)
        return WB_FAIL(err, WB_ERR_RUNTIME, "pinn: out of memory (cuda backend)");
    g->w = w;
    int status = wb_gpu_comm_create(&g->c, w, err);
    if (status != WB_OK)
        return status;
    return wb_gpu_pinn_create(&g->m, host, err);
}

static void gpu_free(void *ctx)
{
    struct gpu *g = ctx;
    if (!g)
        return;
    wb_gpu_pinn_free(g->m);
    wb_gpu_comm_free(&g->c);
    free(g);
}

static int gpu_state_in(void *ctx, const struct wb_pinn_model *host, const struct wb_pinn_adam *opt,
                        struct wb_error *err)
{
    return wb_gpu_pinn_upload(((struct gpu *)ctx)->m, host, opt, err);
}

static int gpu_state_out(void *ctx, struct wb_pinn_model *host, struct wb_pinn_adam *opt,
                         struct wb_error *err)
{
    return wb_gpu_pinn_download(((struct gpu *)ctx)->m, host, opt, err);
}

static int gpu_sample(void *ctx, uint64_t seed, uint64_t epoch, const struct wb_pinn_counts *global,
                      struct wb_error *err)
{
    struct gpu *g = ctx;
    return wb_gpu_pinn_sample(g->m, seed, epoch, global, g->w->rank, g->w->size, err);
}

static int gpu_loss_grad(void *ctx, const double weights[WB_PINN_NTERMS], struct wb_error *err)
{
    return wb_gpu_pinn_loss_grad(((struct gpu *)ctx)->m, weights, err);
}

static int gpu_poison(void *ctx, struct wb_error *err)
{
    return wb_gpu_pinn_poison(((struct gpu *)ctx)->m, err);
}

static int gpu_allreduce(void *ctx, double terms[WB_PINN_NTERMS], struct wb_error *err)
{
    struct gpu *g = ctx;
    int status = wb_gpu_pinn_allreduce(g->m, &g->c, err);
    return status == WB_OK ? wb_gpu_pinn_terms(g->m, terms, err) : status;
}

static int gpu_times(void *ctx, double t0, double *compute, double *allreduce,
                     struct wb_error *err)
{
    (void)t0; /* the events time the GPU's work, not the host's */
    return wb_gpu_pinn_times(((struct gpu *)ctx)->m, compute, allreduce, err);
}

static int gpu_step(void *ctx, struct wb_pinn_adam *opt, struct wb_error *err)
{
    return wb_gpu_pinn_adam_step(((struct gpu *)ctx)->m, opt, err);
}

static int gpu_predict(void *ctx, double *u, const double *pts, int64_t n, struct wb_error *err)
{
    return wb_gpu_pinn_predict(((struct gpu *)ctx)->m, u, pts, n, err);
}

static int64_t gpu_predict_chunk(void *ctx)
{
    (void)ctx;
    return PREDICT_CHUNK;
}

static const struct wb_pinn_backend gpu_ops = {
    .create = gpu_create,
    .free = gpu_free,
    .state_in = gpu_state_in,
    .state_out = gpu_state_out,
    .sample = gpu_sample,
    .loss_grad = gpu_loss_grad,
    .poison = gpu_poison,
    .allreduce = gpu_allreduce,
    .times = gpu_times,
    .step = gpu_step,
    .predict = gpu_predict,
    .predict_chunk = gpu_predict_chunk,
};

const struct wb_pinn_backend *wb_gpu_pinn_backend(void)
{
    return &gpu_ops;
}
