/* wavebench PINN training loop: local loss and gradient -> one allreduce -> Adam step,
 * with logging, evaluation, checkpoints, and the figures of the run; the math runs on
 * the backend that main.c hands in (pinn_backend.h). */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "wavebench/train.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "config.h"
#include "wavebench/checkpoint.h"
#include "wavebench/pinn.h"
#include "wavebench/memory.h"
#include "wavebench/pinn_backend.h"
#include "wavebench/progress.h"
#include "wavebench/signals.h"
#ifdef WB_HAVE_OPENBLAS
#include <cblas.h>
#endif

/* The backend's operations and its state. The host model keeps what checkpoints and the
 * tables read; it is refreshed from the backend (state_out) before each of them. */
struct backend {
    const struct wb_pinn_backend *ops;
    void *ctx;
};

/* Grid points, predictions and exact values of one evaluation chunk. */
struct eval {
    int64_t chunk; /* points: the backend's predict_chunk */
    double *pts;   /* [chunk][d] */
    double *u;     /* [chunk] */
    double *ex;    /* [chunk] */
};

static const char *const term_names[WB_PINN_NTERMS] = {"pde", "ic", "ict", "bc"};

static MPI_Datatype mpi_real(int precision)
{
    return precision == WB_FP32 ? MPI_FLOAT : MPI_DOUBLE;
}

static double real_at(const void *buf, int precision, int64_t i)
{
    return precision == WB_FP32 ? ((const float *)buf)[i] : ((const double *)buf)[i];
}

static struct wb_pinn_counts global_counts(const struct wb_pinn_config *pc)
{
    return (struct wb_pinn_counts){pc->n_interior, pc->n_initial, pc->n_boundary};
}

/* Most points any rank holds of each kind. */
static struct wb_pinn_counts capacity(const struct wb_pinn_counts *g, int nranks)
{
    struct wb_pinn_counts c = {(g->interior + nranks - 1) / nranks,
                               (g->initial + nranks - 1) / nranks,
                               (g->boundary + nranks - 1) / nranks};
    return c;
}

static int64_t total_points(const struct wb_pinn_counts *c, bool hard)
{
    return c->interior + (hard ? 0 : c->initial + c->boundary);
}

/* A checkpoint write is rank 0's; everyone learns how it went. */
static int checkpoint(const struct wb_world *w, const struct wb_config *cfg,
                      const struct wb_pinn_model *m, const struct wb_pinn_adam *opt,
                      int64_t iteration, struct wb_error *err)
{
    if (w->rank == 0)
        wb_checkpoint_write(cfg->checkpoint_path, m, opt, &cfg->pinn, w->size, iteration, err);
    return wb_world_agree(w, err);
}

static int resume(const struct wb_world *w, const struct wb_config *cfg, struct wb_pinn_model *m,
                  struct wb_pinn_adam *opt, int64_t *start, struct wb_error *err)
{
    if (w->rank == 0)
        wb_checkpoint_read(cfg->pinn.resume, m, opt, start, err);
    int status = wb_world_agree(w, err);
    if (status != WB_OK)
        return status;
    MPI_Datatype t = mpi_real(m->precision);
    int64_t pos[2] = {*start, opt->step};
    if (MPI_Bcast(pos, 2, MPI_INT64_T, 0, w->comm) != MPI_SUCCESS ||
        MPI_Bcast(m->params, (int)m->n_params, t, 0, w->comm) != MPI_SUCCESS ||
        MPI_Bcast(opt->m, (int)opt->n, t, 0, w->comm) != MPI_SUCCESS ||
        MPI_Bcast(opt->v, (int)opt->n, t, 0, w->comm) != MPI_SUCCESS)
        return WB_FAIL(err, WB_ERR_RUNTIME, "broadcast of the resumed state failed");
    *start = pos[0];
    opt->step = pos[1];
    return WB_OK;
}

/* A backend failure inside the loop or its evaluation cannot be agreed on (the other
 * ranks may be in a collective): one line, then MPI_Abort (DESIGN.md's fallback). */
static void or_abort(const struct wb_world *w, int status, const struct wb_error *err)
{
    if (status == WB_OK)
        return;
    fprintf(stderr, "wavebench: error: rank %d: %s\n", w->rank, err->msg);
    MPI_Abort(w->comm, WB_ERR_RUNTIME);
}

/* u at n points on the backend, as wb_pinn_predict. */
static void predict(const struct wb_world *w, const struct backend *b, double *u,
                    const double *pts, int64_t n)
{
    struct wb_error err;
    wb_error_clear(&err);
    or_abort(w, b->ops->predict(b->ctx, u, pts, n, &err), &err);
}

/* Relative L2 error on the evaluation grid, each rank its share of the grid points. */
static double rel_l2(const struct wb_world *w, const struct backend *b, const struct eval *e,
                     int problem, int64_t g)
{
    int d = wb_pinn_dim(problem);
    int64_t n = 1, first, count;
    for (int k = 0; k < d; k++)
        n *= g;
    wb_pinn_share(&first, &count, n, w->rank, w->size);
    double sums[2] = {0, 0}, global[2];
    for (int64_t p = 0; p < count; p += e->chunk) {
        int64_t c = count - p < e->chunk ? count - p : e->chunk;
        wb_pinn_grid(e->pts, problem, g, first + p, c);
        predict(w, b, e->u, e->pts, c);
        wb_pinn_exact(e->ex, e->pts, c, problem);
        for (int64_t i = 0; i < c; i++) {
            double diff = e->u[i] - e->ex[i];
            sums[0] += diff * diff;
            sums[1] += e->ex[i] * e->ex[i];
        }
    }
    MPI_Allreduce(sums, global, 2, MPI_DOUBLE, MPI_SUM, w->comm);
    return sqrt(global[0] / global[1]);
}

struct history_cols {
    int iter, loss, term[WB_PINN_NTERMS], lr, elapsed, rel_l2;
};

static int define_history(struct wb_table *t, struct history_cols *h)
{
    int bad = 0;
    bad |= (h->iter = wb_table_add_col(t, "iteration", WB_COL_I64, WB_ROLE_KEY, WB_BETTER_NONE,
                                       "iter", "", "", 8, 0)) < 0;
    bad |= (h->loss = wb_table_add_col(t, "loss", WB_COL_F64, WB_ROLE_FIGURE, WB_BETTER_LOWER,
                                       "loss", "", "", 11, -3)) < 0;
    for (int k = 0; k < WB_PINN_NTERMS; k++)
        bad |= (h->term[k] = wb_table_add_col(t, term_names[k], WB_COL_F64, WB_ROLE_FIGURE,
                                              WB_BETTER_LOWER, term_names[k], "", "terms", 11,
                                              -3)) < 0;
    bad |= (h->lr = wb_table_add_col(t, "lr", WB_COL_F64, WB_ROLE_CONTEXT, WB_BETTER_NONE, "lr",
                                     "", "", 10, -2)) < 0;
    bad |= (h->elapsed = wb_table_add_col(t, "elapsed", WB_COL_F64, WB_ROLE_CONTEXT,
                                          WB_BETTER_NONE, "elapsed", "s", "", 9, 2)) < 0;
    bad |= (h->rel_l2 = wb_table_add_col(t, "rel_l2", WB_COL_F64, WB_ROLE_FIGURE, WB_BETTER_LOWER,
                                         "rel L2", "", "", 10, -3)) < 0;
    return bad ? -1 : 0;
}

static long log_row(struct wb_table *t, const struct history_cols *h, int64_t iter,
                    const double terms[WB_PINN_NTERMS], double loss, double lr, double elapsed)
{
    long r = wb_table_add_row(t);
    if (r < 0)
        return r;
    wb_table_set_i64(t, (size_t)r, h->iter, iter);
    wb_table_set_f64(t, (size_t)r, h->loss, loss);
    for (int k = 0; k < WB_PINN_NTERMS; k++)
        wb_table_set_f64(t, (size_t)r, h->term[k], terms[k]);
    wb_table_set_f64(t, (size_t)r, h->lr, lr);
    wb_table_set_f64(t, (size_t)r, h->elapsed, elapsed);
    wb_table_set_f64(t, (size_t)r, h->rel_l2, NAN);
    return r;
}

/* Predicted and exact solution on the evaluation grid; rank 0 computes, every rank
 * holds a table of the same shape (only rank 0's data is written). */
static int solution_table(const struct wb_world *w, const struct wb_config *cfg,
                          const struct backend *b, struct wb_pinn_model *m, struct wb_table *t)
{
    static const char *const axes[2][3] = {{"x", "t", ""}, {"x", "y", "t"}};
    int d = m->d, col[WB_PINN_MAX_DIM + 2];
    int64_t g = cfg->pinn.eval_grid, n = 1;
    for (int k = 0; k < d; k++) {
        n *= g;
        col[k] = wb_table_add_col(t, axes[d - 2][k], WB_COL_F64, WB_ROLE_KEY, WB_BETTER_NONE, NULL,
                                  "", "", 0, 0);
    }
    col[d] = wb_table_add_col(t, "u_pred", WB_COL_F64, WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL, "",
                              "", 0, 0);
    col[d + 1] = wb_table_add_col(t, "u_exact", WB_COL_F64, WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL,
                                  "", "", 0, 0);
    for (int k = 0; k < d + 2; k++)
        if (col[k] < 0) /* out of memory */
            return -1;
    for (int64_t i = 0; i < n; i++)
        if (wb_table_add_row(t) < 0)
            return -1;
    wb_table_attr_num(t, "grid_points_per_axis", (double)g);
    wb_table_attr_text(t, "order", "x fastest, t slowest");
    if (w->rank != 0)
        return 0;
    double *pts = malloc(sizeof(double) * (size_t)(n * d));
    double *u = malloc(sizeof(double) * (size_t)n), *ex = malloc(sizeof(double) * (size_t)n);
    int rc = pts && u && ex ? 0 : -1;
    if (rc == 0) {
        wb_pinn_grid(pts, m->problem, g, 0, n);
        predict(w, b, u, pts, n);
        wb_pinn_exact(ex, pts, n, m->problem);
        for (int64_t i = 0; i < n; i++) {
            for (int k = 0; k < d; k++)
                wb_table_set_f64(t, (size_t)i, col[k], pts[i * d + k]);
            wb_table_set_f64(t, (size_t)i, col[d], u[i]);
            wb_table_set_f64(t, (size_t)i, col[d + 1], ex[i]);
        }
    }
    free(pts);
    free(u);
    free(ex);
    return rc;
}

static int model_table(const struct wb_pinn_model *m, struct wb_table *t)
{
    int col = wb_table_add_col(t, "params", WB_COL_F64, WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL, "",
                               "", 0, 0);
    if (col < 0)
        return -1;
    for (int64_t i = 0; i < m->n_params; i++) {
        if (wb_table_add_row(t) < 0)
            return -1;
        wb_table_set_f64(t, (size_t)i, col, real_at(m->params, m->precision, i));
    }
    wb_table_attr_text(t, "layout",
                       "layer l: W[out][in] row-major then b[out]; inputs (x[,y],t), tanh hidden "
                       "layers, linear output");
    wb_table_attr_num(t, "inputs", m->d);
    wb_table_attr_num(t, "width", m->width);
    wb_table_attr_num(t, "depth", m->depth);
    return 0;
}

/* Per-iteration times of this rank, split as the tables report them. */
enum { T_COMPUTE, T_ALLREDUCE, T_OTHER, T_COUNT };

struct run_figures {
    int64_t start, done;      /* first iteration of this invocation, iterations run */
    double terms[WB_PINN_NTERMS], loss, rel_l2;
    double mean[T_COUNT];     /* max over ranks of each rank's mean seconds per iteration */
    double wall;              /* seconds of the timed loop, max over ranks */
    int threads;              /* compute threads of each rank, as resolved */
};

static int summary_table(const struct wb_world *w, const struct wb_config *cfg,
                         const struct wb_pinn_model *m, const struct run_figures *f,
                         double *const times[T_COUNT], struct wb_table *t)
{
    const struct wb_pinn_config *pc = &cfg->pinn;
    struct wb_pinn_counts g = global_counts(pc);
    int64_t points = total_points(&g, pc->hard_constraints);
    double per_iter = f->done ? f->wall / (double)f->done : NAN;
    double flops = wb_pinn_flops_per_iter(m->d, m->width, m->depth, m->hard, &g);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss = (double)ru.ru_maxrss / 1024.0, rss_max; /* KiB -> MiB */
    MPI_Allreduce(&rss, &rss_max, 1, MPI_DOUBLE, MPI_MAX, w->comm);

    static const char *const raw_names[T_COUNT] = {"compute_raw", "allreduce_raw", "other_raw"};
    int raw[T_COUNT];
    for (int k = 0; k < T_COUNT; k++)
        if ((raw[k] = wb_table_add_raw(t, raw_names[k], "s", f->done ? (size_t)f->done : 1)) < 0)
            return -1;
    struct {
        const char *name;
        enum wb_col_role role;
        enum wb_col_better better;
        const char *head, *unit;
        int width, prec;
        double value;
    } figs[] = {
        {"width", WB_ROLE_CONTEXT, WB_BETTER_NONE, "width", "", 5, 0, m->width},
        {"depth", WB_ROLE_CONTEXT, WB_BETTER_NONE, "depth", "", 5, 0, m->depth},
        {"params", WB_ROLE_CONTEXT, WB_BETTER_NONE, "params", "", 7, 0, (double)m->n_params},
        {"points", WB_ROLE_CONTEXT, WB_BETTER_NONE, "points", "", 8, 0, (double)points},
        {"ranks", WB_ROLE_CONTEXT, WB_BETTER_NONE, "ranks", "", 5, 0, w->size},
        {"localities", WB_ROLE_CONTEXT, WB_BETTER_NONE, "nodes", "", 5, 0, w->n_localities},
        {"iterations", WB_ROLE_CONTEXT, WB_BETTER_NONE, "iters", "", 7, 0, (double)(f->start + f->done)},
        {"loss", WB_ROLE_FIGURE, WB_BETTER_LOWER, "loss", "", 10, -2, f->loss},
        {"pde", WB_ROLE_FIGURE, WB_BETTER_LOWER, NULL, "", 0, 0, f->terms[WB_PINN_PDE]},
        {"ic", WB_ROLE_FIGURE, WB_BETTER_LOWER, NULL, "", 0, 0, f->terms[WB_PINN_IC]},
        {"ict", WB_ROLE_FIGURE, WB_BETTER_LOWER, NULL, "", 0, 0, f->terms[WB_PINN_ICT]},
        {"bc", WB_ROLE_FIGURE, WB_BETTER_LOWER, NULL, "", 0, 0, f->terms[WB_PINN_BC]},
        {"rel_l2", WB_ROLE_FIGURE, WB_BETTER_LOWER, "rel L2", "", 9, -2, f->rel_l2},
        {"time_per_iter", WB_ROLE_FIGURE, WB_BETTER_LOWER, "t/iter", "ms", 8, 3, per_iter * 1e3},
        {"compute", WB_ROLE_FIGURE, WB_BETTER_LOWER, "compute", "ms", 8, 3, f->mean[T_COMPUTE] * 1e3},
        {"allreduce", WB_ROLE_FIGURE, WB_BETTER_LOWER, "allred", "ms", 7, 3, f->mean[T_ALLREDUCE] * 1e3},
        {"other", WB_ROLE_FIGURE, WB_BETTER_LOWER, "other", "ms", 7, 3, f->mean[T_OTHER] * 1e3},
        {"points_per_s", WB_ROLE_FIGURE, WB_BETTER_HIGHER, "points/s", "", 10, -2, (double)points / per_iter},
        {"gflops", WB_ROLE_FIGURE, WB_BETTER_HIGHER, "GFLOP/s", "", 8, 2, flops / per_iter / 1e9},
        {"flops_per_iter", WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL, "", 0, 0, flops},
        {"peak_rss", WB_ROLE_FIGURE, WB_BETTER_LOWER, "peak mem", "MiB", 8, 1, rss_max},
    };
    int ci_problem = wb_table_add_col(t, "problem", WB_COL_STR, WB_ROLE_KEY, WB_BETTER_NONE,
                                      "problem", "", "", 7, 0);
    int ci_prec = wb_table_add_col(t, "precision", WB_COL_STR, WB_ROLE_KEY, WB_BETTER_NONE, "prec",
                                   "", "", 5, 0);
    int cols[WB_ARRAY_LEN(figs)], bad = ci_problem < 0 || ci_prec < 0;
    for (size_t i = 0; i < WB_ARRAY_LEN(figs); i++)
        bad |= (cols[i] = wb_table_add_col(t, figs[i].name, WB_COL_F64, figs[i].role, figs[i].better,
                                           figs[i].head, figs[i].unit, "", figs[i].width,
                                           figs[i].prec)) < 0;
    wb_table_set_threshold(t, wb_table_col(t, "rel_l2"), "max_rel_l2");
    if (bad || wb_table_add_row(t) < 0)
        return -1;
    wb_table_set_str(t, 0, ci_problem, wb_problem_name(pc->problem));
    wb_table_set_str(t, 0, ci_prec, wb_precision_name(pc->precision));
    for (size_t i = 0; i < WB_ARRAY_LEN(figs); i++)
        wb_table_set_f64(t, 0, cols[i], figs[i].value);
    for (int k = 0; k < T_COUNT; k++)
        if (f->done)
            memcpy(wb_table_raw(t, raw[k], 0), times[k], sizeof(double) * (size_t)f->done);
    wb_table_attr_text(t, "backend", wb_backend_name(cfg->backend));
    wb_table_attr_text(t, "hard_constraints", pc->hard_constraints ? "yes" : "no");
    wb_table_attr_num(t, "interior_points", (double)pc->n_interior);
    wb_table_attr_num(t, "initial_points", (double)pc->n_initial);
    wb_table_attr_num(t, "boundary_points", (double)pc->n_boundary);
    wb_table_attr_num(t, "resumed_from_iteration", (double)f->start);
    wb_table_attr_num(t, "threads", f->threads);
    wb_table_attr_text(t, "threads_rule",
                       pc->threads ? "configured"
                                   : "auto: min(CPUs in the rank's affinity mask, online CPUs / "
                                     "ranks on the node)");
    wb_table_attr_text(t, "checkpoint", cfg->checkpoint_path);
    wb_table_attr_text(t, "timing",
                       "s/iter: wall time of the loop / iterations (slowest rank); compute, "
                       "allreduce, other: max over ranks of each rank's mean");
    return 0;
}

/* The solution grid goes into the results file: bounded so that it stays a file. */
#define MAX_GRID_POINTS (1 << 22)

int wb_pinn_auto_threads(int online, int allowed, int node_size)
{
    /* A bound rank (mpirun --bind-to core, Slurm's task affinity) may use only its mask;
     * an unbound one shares the node's CPUs with the node's other ranks: more threads
     * than either only contend. */
    int share = node_size > 0 ? online / node_size : online;
    int n = allowed < share ? allowed : share;
    return n < 1 ? 1 : n > 256 ? 256 : n;
}

/* The threads a rank runs: the configured count, or auto's (wb_pinn_auto_threads). */
static int resolved_threads(const struct wb_world *w, const struct wb_pinn_config *pc)
{
    if (pc->threads)
        return (int)pc->threads;
    cpu_set_t mask;
    int online = (int)sysconf(_SC_NPROCESSORS_ONLN);
    int allowed = sched_getaffinity(0, sizeof mask, &mask) == 0 ? CPU_COUNT(&mask) : online;
    return wb_pinn_auto_threads(online, allowed, w->node_size);
}

int wb_pinn_validate(const struct wb_world *w, const struct wb_config *cfg, struct wb_error *err)
{
    const struct wb_pinn_config *pc = &cfg->pinn;
    double points = pow((double)pc->eval_grid, wb_pinn_dim(pc->problem));
    if (points > MAX_GRID_POINTS)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[pinn] eval_grid: %lld points per axis make %.0f grid points for %s; at "
                       "most %d",
                       (long long)pc->eval_grid, points, wb_problem_name(pc->problem),
                       MAX_GRID_POINTS);
    /* The model, its threads' slots and Adam's two moments, on every rank of a locality. */
    struct wb_pinn_counts g = global_counts(pc), cap = capacity(&g, w->size);
    int threads = resolved_threads(w, pc);
    double rs = pc->precision == WB_FP32 ? 4 : 8;
    double per_rank = wb_pinn_model_bytes(pc->problem, pc->precision, (int)pc->width,
                                          (int)pc->depth, pc->hard_constraints, &cap, threads) +
                      2 * rs * (double)wb_pinn_param_count(wb_pinn_dim(pc->problem),
                                                           (int)pc->width, (int)pc->depth);
    int here = w->ranks_per_locality[w->locality_of[w->rank]];
    int64_t avail = wb_memory_available();
    if (avail >= 0 && per_rank * here > (double)avail)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[pinn] width, depth, *_points: the model needs %.0f MiB per rank, %.0f MiB "
                       "on this locality's %d ranks, but %.0f MiB are available",
                       per_rank / (1 << 20), per_rank * here / (1 << 20), here,
                       (double)avail / (1 << 20));
    /* A checkpoint that cannot continue this run is a usage error before any work. */
    if (pc->resume[0] && w->rank == 0)
        return wb_checkpoint_check(pc->resume, pc, w->size, err);
    return WB_OK;
}

/* The backend's parameters and Adam moments into the host model, for a checkpoint or
 * the tables. */
static void state_out(const struct wb_world *w, const struct backend *b, struct wb_pinn_model *m,
                      struct wb_pinn_adam *opt)
{
    struct wb_error err;
    wb_error_clear(&err);
    or_abort(w, b->ops->state_out(b->ctx, m, opt, &err), &err);
}

/* The loop proper; fills f and the per-iteration times. */
static int train(const struct wb_world *w, const struct wb_config *cfg, const struct backend *b,
                 const struct eval *ev, struct wb_pinn_model *m, struct wb_pinn_adam *opt,
                 struct wb_table *hist, const struct history_cols *hc, struct run_figures *f,
                 double *const times[T_COUNT], struct wb_error *err)
{
    const struct wb_pinn_config *pc = &cfg->pinn;
    const double weights[WB_PINN_NTERMS] = {pc->w_pde, pc->w_ic, pc->w_ict, pc->w_bc};
    struct wb_pinn_counts g = global_counts(pc);
    uint64_t epoch = pc->resample_every ? (uint64_t)(f->start / pc->resample_every) : 0;
    char label[64], detail[160] = "";
    snprintf(label, sizeof label, "pinn %s", wb_problem_name(pc->problem));
    struct wb_progress progress;
    wb_progress_start(&progress, w, cfg, label);

    b->ops->sample(b->ctx, (uint64_t)pc->seed, epoch, &g, err);
    int status = wb_world_agree(w, err);
    if (status != WB_OK) {
        wb_progress_end(&progress);
        return status;
    }
    MPI_Barrier(w->comm);
    double t_start = MPI_Wtime();
    bool estimated = false;
    for (int64_t it = f->start; it < pc->iters; it++) {
        double t0 = MPI_Wtime();
        if (pc->resample_every && it > f->start && it % pc->resample_every == 0) {
            epoch = (uint64_t)(it / pc->resample_every);
            b->ops->sample(b->ctx, (uint64_t)pc->seed, epoch, &g, err);
            if ((status = wb_world_agree(w, err)) != WB_OK)
                break;
        }
        or_abort(w, b->ops->loss_grad(b->ctx, weights, err), err);
        /* Test-only (debug.nan_iteration): this rank's loss share turns NaN. */
        if (cfg->debug_corrupt_rank == w->rank && cfg->debug_nan_iteration == it)
            or_abort(w, b->ops->poison(b->ctx, err), err);
        /* The global terms ride in the gradient's last slots: every rank sees the same. */
        or_abort(w, b->ops->allreduce(b->ctx, f->terms, err), err);
        double compute, allreduce;
        or_abort(w, b->ops->times(b->ctx, t0, &compute, &allreduce, err), err);
        double t2 = t0 + compute + allreduce; /* the all-reduce's end */
        f->loss = wb_pinn_loss_total(f->terms, weights);
        if (!isfinite(f->loss)) {
            status = WB_FAIL(err, WB_ERR_RUNTIME,
                             "pinn: the loss is not finite at iteration %lld; stopped on every "
                             "rank, last checkpoint kept",
                             (long long)it);
            break;
        }
        double lr = wb_pinn_adam_lr(opt);
        or_abort(w, b->ops->step(b->ctx, opt, err), err);
        f->done++;
        /* "Other" is completed at the end of the iteration; a break before leaves it 0. */
        times[T_COMPUTE][f->done - 1] = compute;
        times[T_ALLREDUCE][f->done - 1] = allreduce;
        times[T_OTHER][f->done - 1] = 0;
        int64_t next = it + 1;
        /* The first second of training is the probe for how long the rest will take; this
         * iteration's start time closes it (no extra clock read in the loop). */
        double so_far = t0 - t_start;
        if (!estimated && (so_far >= 1.0 || next == pc->iters)) {
            estimated = true;
            if (w->rank == 0 && !cfg->quiet && next < pc->iters && it > f->start) {
                char took[32];
                double per_iter = so_far / (double)(it - f->start);
                wb_progress_duration(per_iter * (double)(pc->iters - next), took, sizeof took);
                printf("# %s: about %s more for %lld iterations (%.3g ms per iteration so "
                       "far)\n",
                       label, took, (long long)(pc->iters - next), per_iter * 1e3);
                fflush(stdout);
            }
        }
        int evaluate = pc->eval_every && it % pc->eval_every == 0;
        if (it % pc->log_every == 0 || next == pc->iters || evaluate) {
            long row = log_row(hist, hc, it, f->terms, f->loss, lr, MPI_Wtime() - t_start);
            if (row < 0) {
                status = WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (loss history)");
                break;
            }
            if (evaluate)
                wb_table_set_f64(hist, (size_t)row, hc->rel_l2,
                                 rel_l2(w, b, ev, m->problem, pc->eval_grid));
            double pps = (double)total_points(&g, m->hard) * (double)f->done /
                         (MPI_Wtime() - t_start);
            snprintf(detail, sizeof detail, "iter %lld/%lld loss %.3e points/s %.3g",
                     (long long)next, (long long)pc->iters, f->loss, pps);
            wb_progress_update(&progress, (double)next / (double)pc->iters, false, detail);
        }
        if (pc->checkpoint_every && next % pc->checkpoint_every == 0 && next < pc->iters) {
            state_out(w, b, m, opt);
            if ((status = checkpoint(w, cfg, m, opt, next, err)) != WB_OK)
                break;
        }
        int any_stop = wb_world_stop_requested(w);
        times[T_OTHER][f->done - 1] = MPI_Wtime() - t2;
        if (any_stop) {
            status = WB_FAIL(err, WB_ERR_INTERRUPTED,
                             "pinn: stop requested (%s) after iteration %lld; checkpoint "
                             "written, resume with --resume %s",
                             wb_signal_name(any_stop), (long long)next, cfg->checkpoint_path);
            break;
        }
    }
    double wall = MPI_Wtime() - t_start;
    state_out(w, b, m, opt); /* the final checkpoint and the tables read the host */
    MPI_Allreduce(&wall, &f->wall, 1, MPI_DOUBLE, MPI_MAX, w->comm);
    for (int k = 0; k < T_COUNT; k++) {
        double mean = 0;
        for (int64_t i = 0; i < f->done; i++)
            mean += times[k][i] / (double)f->done;
        MPI_Allreduce(&mean, &f->mean[k], 1, MPI_DOUBLE, MPI_MAX, w->comm);
    }
    wb_progress_update(&progress, (double)(f->start + f->done) / (double)pc->iters, true, detail);
    wb_progress_end(&progress);
    return status;
}

int wb_pinn_run(const struct wb_world *w, const struct wb_config *cfg,
                const struct wb_pinn_backend *ops, struct wb_results *results,
                struct wb_error *err)
{
    const struct wb_pinn_config *pc = &cfg->pinn;
    struct wb_pinn_counts g = global_counts(pc), cap = capacity(&g, w->size);
    struct wb_pinn_model m = {0};
    struct wb_pinn_adam opt = {0};
    struct run_figures f = {0};
    double *times[T_COUNT] = {NULL};

    int cpus = resolved_threads(w, pc);
    f.threads = cpus;
#ifdef WB_HAVE_OPENBLAS
    openblas_set_num_threads(1); /* the model's own threads call the BLAS */
#endif
    wb_pinn_model_create(&m, pc->problem, pc->precision, (int)pc->width, (int)pc->depth,
                         pc->hard_constraints, &cap, err);
    if (err->status == WB_OK)
        wb_pinn_model_set_threads(&m, cpus, err);
    if (err->status == WB_OK)
        wb_pinn_adam_create(&opt, pc->precision, m.n_params, pc->lr, pc->lr_decay,
                            pc->decay_steps, err);
    for (int k = 0; k < T_COUNT && err->status == WB_OK; k++)
        if (!(times[k] = malloc(sizeof(double) * (size_t)pc->iters)))
            WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (timings of %lld iterations)",
                    (long long)pc->iters);
    int status = wb_world_agree(w, err);
    if (status == WB_OK) {
        wb_pinn_model_init(&m, (uint64_t)pc->seed);
        if (pc->resume[0])
            status = resume(w, cfg, &m, &opt, &f.start, err);
    }
    struct backend b = {ops, NULL};
    struct eval ev = {0};
    if (status == WB_OK) {
        if (ops->create(&b.ctx, w, &m, err) == WB_OK &&
            ops->state_in(b.ctx, &m, &opt, err) == WB_OK) {
            ev.chunk = ops->predict_chunk(b.ctx);
            ev.pts = malloc(sizeof(double) * (size_t)(ev.chunk * m.d));
            ev.u = malloc(sizeof(double) * (size_t)ev.chunk);
            ev.ex = malloc(sizeof(double) * (size_t)ev.chunk);
            if (!ev.pts || !ev.u || !ev.ex)
                WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (evaluation of %lld points at a time)",
                        (long long)ev.chunk);
        }
        status = wb_world_agree(w, err);
    }
    if (status == WB_OK && f.start >= pc->iters)
        status = WB_FAIL(err, WB_ERR_USAGE,
                         "[pinn] iters: %lld, but the checkpoint is at iteration %lld already",
                         (long long)pc->iters, (long long)f.start);

    char title[192];
    snprintf(title, sizeof title, "pinn %s, %s, %lld x %lld tanh, %d ranks, %d localities: loss history",
             wb_problem_name(pc->problem), wb_precision_name(pc->precision),
             (long long)pc->width, (long long)pc->depth, w->size, w->n_localities);
    struct wb_table *hist = status == WB_OK ? wb_results_new_table(results, "pinn/history", title) : NULL;
    struct history_cols hc = {0};
    if (status == WB_OK && (!hist || define_history(hist, &hc) != 0))
        status = WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (results)");

    if (status == WB_OK) {
        status = train(w, cfg, &b, &ev, &m, &opt, hist, &hc, &f, times, err);
        int ran = f.done > 0;
        /* After a NaN the parameters are garbage: keep the previous checkpoint. */
        if ((status == WB_OK || status == WB_ERR_INTERRUPTED) && ran) {
            struct wb_error cerr;
            wb_error_clear(&cerr);
            if (checkpoint(w, cfg, &m, &opt, f.start + f.done, &cerr) != WB_OK && status == WB_OK) {
                wb_error_set(err, cerr.status, cerr.file, cerr.line, "%s", cerr.msg);
                status = cerr.status;
            }
        }
        f.rel_l2 = status == WB_ERR_RUNTIME ? NAN : rel_l2(w, &b, &ev, m.problem, pc->eval_grid);
        if (hist->nrows && status != WB_ERR_RUNTIME)
            wb_table_set_f64(hist, hist->nrows - 1, hc.rel_l2, f.rel_l2);
        snprintf(title, sizeof title, "pinn %s, %s: summary (rel L2 on a %lld-point grid per axis)",
                 wb_problem_name(pc->problem), wb_precision_name(pc->precision),
                 (long long)pc->eval_grid);
        struct wb_table *sum = wb_results_new_table(results, "pinn/summary", title);
        struct wb_table *sol = wb_results_new_table(results, "pinn/solution",
                                                    "pinn: predicted and exact solution on the grid");
        struct wb_table *mod = wb_results_new_table(results, "pinn/model", "pinn: final parameters");
        if (!sum || !sol || !mod || summary_table(w, cfg, &m, &f, times, sum) != 0 ||
            solution_table(w, cfg, &b, &m, sol) != 0 || model_table(&m, mod) != 0)
            WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (results)");
        int table_status = wb_world_agree(w, err);
        if (status == WB_OK)
            status = table_status;
    }
    for (int k = 0; k < T_COUNT; k++)
        free(times[k]);
    free(ev.pts);
    free(ev.u);
    free(ev.ex);
    ops->free(b.ctx);
    wb_pinn_adam_free(&opt);
    wb_pinn_model_free(&m);
    return status;
}
