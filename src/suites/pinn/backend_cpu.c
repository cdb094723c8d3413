/* wavebench PINN cpu backend: the operations of pinn_backend.h on the host model itself,
 * one MPI_Allreduce of its gradient, MPI_Wtime for the timings. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/pinn_backend.h"

#include <math.h>
#include <stdlib.h>

struct cpu {
    const struct wb_world *w;
    struct wb_pinn_model *m; /* the host model: the backend's copy is the model itself */
    double t_reduce, t_done; /* MPI_Wtime at the start and the end of the last all-reduce */
};

static int cpu_create(void **ctx, const struct wb_world *w, struct wb_pinn_model *host,
                      struct wb_error *err)
{
    struct cpu *c = calloc(1, sizeof *c);
    *ctx = c;
    if (!c)
        return WB_FAIL(err, WB_ERR_RUNTIME, "pinn: out of memory (cpu backend)");
    c->w = w;
    c->m = host;
    return WB_OK;
}

static void cpu_free(void *ctx)
{
    free(ctx);
}

static int cpu_state_in(void *ctx, const struct wb_pinn_model *host, const struct wb_pinn_adam *opt,
                        struct wb_error *err)
{
    (void)ctx, (void)host, (void)opt, (void)err;
    return WB_OK;
}

static int cpu_state_out(void *ctx, struct wb_pinn_model *host, struct wb_pinn_adam *opt,
                         struct wb_error *err)
{
    (void)ctx, (void)host, (void)opt, (void)err;
    return WB_OK;
}

static int cpu_sample(void *ctx, uint64_t seed, uint64_t epoch, const struct wb_pinn_counts *global,
                      struct wb_error *err)
{
    struct cpu *c = ctx;
    return wb_pinn_model_sample(c->m, seed, epoch, global, c->w->rank, c->w->size, err);
}

static int cpu_loss_grad(void *ctx, const double weights[WB_PINN_NTERMS], struct wb_error *err)
{
    struct cpu *c = ctx;
    double local_terms[WB_PINN_NTERMS]; /* unread: the gradient's last slots hold them too */
    (void)err;
    wb_pinn_loss_grad(c->m, local_terms, weights);
    return WB_OK;
}

static int cpu_poison(void *ctx, struct wb_error *err)
{
    struct wb_pinn_model *m = ((struct cpu *)ctx)->m;
    (void)err;
    if (m->precision == WB_FP32)
        ((float *)m->grads)[m->n_params] = NAN;
    else
        ((double *)m->grads)[m->n_params] = NAN;
    return WB_OK;
}

static int cpu_allreduce(void *ctx, double terms[WB_PINN_NTERMS], struct wb_error *err)
{
    struct cpu *c = ctx;
    struct wb_pinn_model *m = c->m;
    MPI_Datatype type = m->precision == WB_FP32 ? MPI_FLOAT : MPI_DOUBLE;
    c->t_reduce = MPI_Wtime();
    int rc = MPI_Allreduce(MPI_IN_PLACE, m->grads, (int)(m->n_params + WB_PINN_NTERMS), type,
                           MPI_SUM, c->w->comm);
    c->t_done = MPI_Wtime();
    if (rc != MPI_SUCCESS)
        return wb_mpi_fail(err, rc, "MPI_Allreduce(gradient)", __FILE__, __LINE__);
    for (int k = 0; k < WB_PINN_NTERMS; k++)
        terms[k] = m->precision == WB_FP32 ? (double)((const float *)m->grads)[m->n_params + k]
                                           : ((const double *)m->grads)[m->n_params + k];
    return WB_OK;
}

static int cpu_times(void *ctx, double t0, double *compute, double *allreduce,
                     struct wb_error *err)
{
    struct cpu *c = ctx;
    (void)err;
    *compute = c->t_reduce - t0;
    *allreduce = c->t_done - c->t_reduce;
    return WB_OK;
}

static int cpu_step(void *ctx, struct wb_pinn_adam *opt, struct wb_error *err)
{
    struct wb_pinn_model *m = ((struct cpu *)ctx)->m;
    (void)err;
    wb_pinn_adam_step(opt, m->params, m->grads);
    return WB_OK;
}

static int cpu_predict(void *ctx, double *u, const double *pts, int64_t n, struct wb_error *err)
{
    (void)err;
    wb_pinn_predict(((struct cpu *)ctx)->m, u, pts, n);
    return WB_OK;
}

static int64_t cpu_predict_chunk(void *ctx)
{
    return wb_pinn_predict_chunk(((struct cpu *)ctx)->m);
}

static const struct wb_pinn_backend cpu_ops = {
    .create = cpu_create,
    .free = cpu_free,
    .state_in = cpu_state_in,
    .state_out = cpu_state_out,
    .sample = cpu_sample,
    .loss_grad = cpu_loss_grad,
    .poison = cpu_poison,
    .allreduce = cpu_allreduce,
    .times = cpu_times,
    .step = cpu_step,
    .predict = cpu_predict,
    .predict_chunk = cpu_predict_chunk,
};

const struct wb_pinn_backend *wb_pinn_backend_cpu(void)
{
    return &cpu_ops;
}
