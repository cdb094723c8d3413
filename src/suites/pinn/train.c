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
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "wavebench/stragglers.h"
#include "wavebench/watchdog.h"
#include "wavebench/blas_probe.h"
#include "wavebench/checkpoint.h"
#include "wavebench/pinn.h"
#include "wavebench/memory.h"
#include "wavebench/pinn_backend.h"
#include "wavebench/pinn_timing.h"
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

/* The bound probe's time boxes (s) and its square GEMM's largest size. */
#define PROBE_SHAPES_S 0.1
#define PROBE_SQUARE_S 0.2
#define PROBE_SQUARE_MAX 1024

/* The GEMM rates PINN GFLOP/s is read against (blas_probe.h), all ranks together. */
struct bound {
    struct wb_blas_gemm gemm[3]; /* the network's GEMMs (wb_pinn_gemm_shapes) */
    int n_gemm;
    struct wb_blas_rate shapes, square; /* this rank's */
    double shapes_gflops, square_gflops; /* sum over ranks; NaN when not probed */
};

/* The rel L2 thresholds whose time to accuracy is recorded (MLPerf HPC's time to train,
 * SciML's work-precision). */
static const double tta_levels[] = {1e-1, 1e-2, 1e-3, 1e-4};
#define TTA_N (sizeof tta_levels / sizeof tta_levels[0])

struct run_figures {
    int64_t start, done;      /* first iteration of this invocation, iterations run */
    double trained;           /* rank 0's training time so far, s: the iterations' own */
    /* Per level, and last the target (pinn.target_rel_l2) when there is one: */
    int64_t tta_iter[TTA_N + 1]; /* the first iteration whose evaluation was below it; -1 */
    double tta_time[TTA_N + 1];  /* the training time then, s; NaN when not reached */
    double target;               /* the target level, 0 none */
    bool target_reached;
    double terms[WB_PINN_NTERMS], loss, rel_l2;
    struct wb_pinn_timing timing; /* steady state, slowest rank per iteration */
    struct bound bound;
    int threads;              /* compute threads of each rank, as resolved */
};

/* The GEMM shapes as text, e.g. "240x64x64 NN lda 64 ldb 64 ldc 64 beta 0 (x3); ...". */
static void shapes_text(char *out, size_t len, const struct bound *b)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < b->n_gemm && used < len; i++) {
        const struct wb_blas_gemm *g = &b->gemm[i];
        int n = snprintf(out + used, len - used, "%s%dx%dx%d %s lda %d ldb %d ldc %d beta %d (x%d)",
                         i ? "; " : "", g->m, g->n, g->k, g->trans_a ? "TN" : "NN", g->lda,
                         g->ldb, g->ldc, g->accumulate ? 1 : 0, g->calls);
        used += n > 0 ? (size_t)n : 0;
    }
}

/* An evaluation of rel L2 at iteration it, after f->trained s of training: the levels it is
 * the first below. */
static void note_accuracy(struct run_figures *f, double rel_l2, int64_t it, double trained)
{
    for (size_t k = 0; k < TTA_N + 1; k++) {
        bool below = k < TTA_N ? rel_l2 < tta_levels[k] : f->target > 0 && rel_l2 <= f->target;
        if (f->tta_iter[k] < 0 && below) {
            f->tta_iter[k] = it;
            f->tta_time[k] = trained;
        }
    }
}

/* pinn/time_to_accuracy: one row per level (and the target, its row's rel_l2_below the
 * target itself, reached at or below): reached or not, the iteration and training time of
 * the first evaluation below it. */
static int accuracy_table(const struct wb_config *cfg, const struct run_figures *f,
                          struct wb_table *t)
{
    /* The level as the row's op: exports and pushes tell the rows apart by it. */
    int c_op = wb_table_add_col(t, "op", WB_COL_STR, WB_ROLE_KEY, WB_BETTER_NONE, "level", "", "",
                                16, 0);
    int c_level = wb_table_add_col(t, "rel_l2_below", WB_COL_F64, WB_ROLE_CONTEXT,
                                   WB_BETTER_NONE, NULL, "", "", 0, 0);
    int c_reached = wb_table_add_col(t, "reached", WB_COL_I64, WB_ROLE_CONTEXT, WB_BETTER_NONE,
                                     "reached", "", "", 7, 0);
    int c_iter = wb_table_add_col(t, "iteration", WB_COL_I64, WB_ROLE_CONTEXT, WB_BETTER_NONE,
                                  "iter", "", "", 8, 0);
    int c_time = wb_table_add_col(t, "train_time", WB_COL_F64, WB_ROLE_FIGURE, WB_BETTER_LOWER,
                                  "train time", "s", "", 10, 3);
    if (c_op < 0 || c_level < 0 || c_reached < 0 || c_iter < 0 || c_time < 0)
        return -1;
    for (size_t k = 0; k < TTA_N + (f->target > 0); k++) {
        long row = wb_table_add_row(t);
        if (row < 0)
            return -1;
        double level = k < TTA_N ? tta_levels[k] : f->target;
        char op[WB_STR_LEN];
        snprintf(op, sizeof op, k < TTA_N ? "rel_l2<%.0e" : "rel_l2<=%.3g (target)", level);
        wb_table_set_str(t, (size_t)row, c_op, op);
        wb_table_set_f64(t, (size_t)row, c_level, level);
        wb_table_set_i64(t, (size_t)row, c_reached, f->tta_iter[k] >= 0);
        wb_table_set_i64(t, (size_t)row, c_iter, f->tta_iter[k]);
        wb_table_set_f64(t, (size_t)row, c_time, f->tta_time[k]);
    }
    wb_table_attr_text(t, "train_time",
                       "rank 0's training time when the first evaluation below the level ran: "
                       "the iterations' own time, evaluations and checkpoints excluded; from "
                       "the start of this invocation (a resumed run counts from its resume)");
    wb_table_attr_num(t, "eval_every", (double)cfg->pinn.eval_every);
    wb_table_attr_num(t, "target_rel_l2", cfg->pinn.target_rel_l2);
    wb_table_attr_text(t, "target_reached", f->target_reached ? "yes" : "no");
    return 0;
}

static int summary_table(const struct wb_world *w, const struct wb_config *cfg,
                         const struct wb_pinn_model *m, const struct run_figures *f,
                         double *const series[WB_PINN_T_COUNT], const struct wb_pinn_events *ev,
                         struct wb_table *t)
{
    const struct wb_pinn_config *pc = &cfg->pinn;
    const struct wb_pinn_timing *tm = &f->timing;
    struct wb_pinn_counts g = global_counts(pc);
    int64_t points = total_points(&g, pc->hard_constraints);
    const struct wb_summary *it = &tm->s[WB_PINN_T_ITER].slowest;
    double per_iter = it->median; /* NaN without timed iterations */
    double flops = wb_pinn_flops_per_iter(m->d, m->width, m->depth, m->hard, &g);
    double gflops = flops / per_iter / 1e9;

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss = (double)ru.ru_maxrss / 1024.0, rss_max; /* KiB -> MiB */
    MPI_Allreduce(&rss, &rss_max, 1, MPI_DOUBLE, MPI_MAX, w->comm);

    static const char *const raw_names[WB_PINN_T_COUNT] = {
        "iteration_raw", "compute_raw", "allreduce_raw", "wait_raw", "other_raw", "stop_check_raw"};
    static const char *const ev_names[WB_PINN_EV_COUNT] = {"eval_raw", "checkpoint_raw"};
    int raw[WB_PINN_T_COUNT], raw_ev[WB_PINN_EV_COUNT];
    for (int k = 0; k < WB_PINN_T_COUNT; k++)
        if ((raw[k] = wb_table_add_raw(t, raw_names[k], "s", f->done ? (size_t)f->done : 1)) < 0)
            return -1;
    for (int k = 0; k < WB_PINN_EV_COUNT; k++)
        if (ev->n[k] && (raw_ev[k] = wb_table_add_raw(t, ev_names[k], "s", (size_t)ev->n[k])) < 0)
            return -1;
    const double ms = 1e3;
#define MEDIAN_MS(k) (tm->s[k].slowest.median * ms)
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
        {"warmup_iters", WB_ROLE_CONTEXT, WB_BETTER_NONE, "warm", "", 4, 0, (double)tm->warmup},
        {"timed_iters", WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL, "", 0, 0, (double)tm->timed},
        {"loss", WB_ROLE_FIGURE, WB_BETTER_LOWER, "loss", "", 10, -2, f->loss},
        {"pde", WB_ROLE_FIGURE, WB_BETTER_LOWER, NULL, "", 0, 0, f->terms[WB_PINN_PDE]},
        {"ic", WB_ROLE_FIGURE, WB_BETTER_LOWER, NULL, "", 0, 0, f->terms[WB_PINN_IC]},
        {"ict", WB_ROLE_FIGURE, WB_BETTER_LOWER, NULL, "", 0, 0, f->terms[WB_PINN_ICT]},
        {"bc", WB_ROLE_FIGURE, WB_BETTER_LOWER, NULL, "", 0, 0, f->terms[WB_PINN_BC]},
        {"rel_l2", WB_ROLE_FIGURE, WB_BETTER_LOWER, "rel L2", "", 9, -2, f->rel_l2},
        {"train_time", WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL, "s", 0, 0, f->trained},
        {"time_to_1e-1", WB_ROLE_FIGURE, WB_BETTER_LOWER, "t<1e-1", "s", 8, 2, f->tta_time[0]},
        {"time_to_1e-2", WB_ROLE_FIGURE, WB_BETTER_LOWER, "t<1e-2", "s", 8, 2, f->tta_time[1]},
        {"time_to_1e-3", WB_ROLE_FIGURE, WB_BETTER_LOWER, "t<1e-3", "s", 8, 2, f->tta_time[2]},
        {"time_to_1e-4", WB_ROLE_FIGURE, WB_BETTER_LOWER, "t<1e-4", "s", 8, 2, f->tta_time[3]},
        {"time_per_iter", WB_ROLE_FIGURE, WB_BETTER_LOWER, "t/iter", "ms", 8, 3, per_iter * ms},
        {"time_per_iter_ci_lo", WB_ROLE_SPREAD, WB_BETTER_NONE, NULL, "ms", 0, 0, it->ci_lo * ms},
        {"time_per_iter_ci_hi", WB_ROLE_SPREAD, WB_BETTER_NONE, NULL, "ms", 0, 0, it->ci_hi * ms},
        {"time_per_iter_min", WB_ROLE_SPREAD, WB_BETTER_NONE, NULL, "ms", 0, 0, it->min * ms},
        {"time_per_iter_max", WB_ROLE_SPREAD, WB_BETTER_NONE, NULL, "ms", 0, 0, it->max * ms},
        {"compute", WB_ROLE_FIGURE, WB_BETTER_LOWER, "compute", "ms", 8, 3, MEDIAN_MS(WB_PINN_T_COMPUTE)},
        {"allreduce", WB_ROLE_FIGURE, WB_BETTER_LOWER, "allred", "ms", 7, 3, MEDIAN_MS(WB_PINN_T_ALLREDUCE)},
        {"allreduce_transfer", WB_ROLE_FIGURE, WB_BETTER_LOWER, "xfer", "ms", 7, 3,
         tm->transfer.slowest.median * ms},
        {"allreduce_wait", WB_ROLE_FIGURE, WB_BETTER_LOWER, "wait", "ms", 7, 3, MEDIAN_MS(WB_PINN_T_WAIT)},
        {"other", WB_ROLE_FIGURE, WB_BETTER_LOWER, "other", "ms", 7, 3, MEDIAN_MS(WB_PINN_T_OTHER)},
        {"stop_check", WB_ROLE_FIGURE, WB_BETTER_LOWER, NULL, "ms", 0, 0, MEDIAN_MS(WB_PINN_T_STOP)},
        {"eval_time", WB_ROLE_FIGURE, WB_BETTER_LOWER, "eval", "ms", 8, 2,
         tm->ev[WB_PINN_EV_EVAL].slowest.median * ms},
        {"evaluations", WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL, "", 0, 0, (double)ev->n[WB_PINN_EV_EVAL]},
        {"checkpoint_time", WB_ROLE_FIGURE, WB_BETTER_LOWER, "ckpt", "ms", 8, 2,
         tm->ev[WB_PINN_EV_CHECKPOINT].slowest.median * ms},
        {"checkpoints", WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL, "", 0, 0,
         (double)ev->n[WB_PINN_EV_CHECKPOINT]},
        {"points_per_s", WB_ROLE_FIGURE, WB_BETTER_HIGHER, "points/s", "", 10, -2, (double)points / per_iter},
        {"gflops", WB_ROLE_FIGURE, WB_BETTER_HIGHER, "GFLOP/s", "", 8, 2, gflops},
        {"blas_gemm_gflops", WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL, "", 0, 0, f->bound.shapes_gflops},
        {"blas_square_gflops", WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL, "", 0, 0, f->bound.square_gflops},
        {"gflops_pct_of_blas_bound", WB_ROLE_FIGURE, WB_BETTER_HIGHER, "%BLAS", "", 6, 1,
         100 * gflops / f->bound.shapes_gflops},
        {"gflops_pct_of_blas_square", WB_ROLE_CONTEXT, WB_BETTER_NONE, "%BLASsq", "", 7, 1,
         100 * gflops / f->bound.square_gflops},
        {"flops_per_iter", WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL, "", 0, 0, flops},
        {"peak_rss", WB_ROLE_FIGURE, WB_BETTER_LOWER, "peak mem", "MiB", 8, 1, rss_max},
    };
#undef MEDIAN_MS
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
    for (int k = 0; k < WB_PINN_T_COUNT; k++)
        if (f->done)
            memcpy(wb_table_raw(t, raw[k], 0), series[k], sizeof(double) * (size_t)f->done);
    for (int k = 0; k < WB_PINN_EV_COUNT; k++)
        if (ev->n[k])
            memcpy(wb_table_raw(t, raw_ev[k], 0), ev->t[k], sizeof(double) * (size_t)ev->n[k]);
    wb_table_attr_text(t, "backend", wb_backend_name(cfg->backend));
    wb_table_attr_text(t, "hard_constraints", pc->hard_constraints ? "yes" : "no");
    wb_table_attr_num(t, "interior_points", (double)pc->n_interior);
    wb_table_attr_num(t, "initial_points", (double)pc->n_initial);
    wb_table_attr_num(t, "boundary_points", (double)pc->n_boundary);
    wb_table_attr_num(t, "resumed_from_iteration", (double)f->start);
    wb_table_attr_num(t, "threads", f->threads);
    /* Its own work: the iteration and the all-reduce last as long as the slowest rank's. */
    wb_table_attr_text(t, WB_STRAGGLER_SERIES, "compute_raw");
    wb_table_attr_text(t, "kernel_variant", cfg->backend == WB_BACKEND_CPU
                                                ? wb_pinn_kernel_variant()
                                                : "device kernels (see the CUDA module)");
    wb_table_attr_text(t, "threads_rule",
                       pc->threads ? "configured"
                                   : "auto: min(CPUs in the rank's affinity mask, online CPUs / "
                                     "ranks on the node)");
    wb_table_attr_text(t, "checkpoint", cfg->checkpoint_path);
    wb_table_attr_num(t, "warmup_iters_configured", (double)pc->warmup_iters);
    wb_table_attr_text(t, "timing",
                       "t/iter, compute, allreduce, other, stop_check: per iteration the slowest "
                       "rank, median over the timed iterations (the first warmup_iters left out); "
                       "t/iter excludes evaluation, checkpoints and the stop check");
    wb_table_attr_text(t, "timing_allreduce",
                       "allreduce: the rank's time in the gradient all-reduce, waiting included; "
                       "allreduce_transfer: min over ranks per iteration (the last to arrive "
                       "waits least); allreduce_wait: the rank's all-reduce less that min");
    wb_table_attr_text(t, "timing_events",
                       "eval_time, checkpoint_time: per evaluation of rel L2 on the grid / "
                       "checkpoint write (the final ones included), slowest rank, median");
    if (cfg->backend != WB_BACKEND_CPU) {
        wb_table_attr_text(t, "blas_probe", "not measured: the GEMMs run on the device");
        return 0;
    }
    char text[256];
    wb_table_attr_text(t, "blas_probe",
                       "GEMM GFLOP/s measured after training on every rank at once, summed over "
                       "ranks, best of up to 3 calls; gflops_pct_of_blas_bound = gflops / "
                       "blas_gemm_gflops");
    shapes_text(text, sizeof text, &f->bound);
    /* No shapes: depth 1 has no GEMMs, or the probe did not run (the run ended early). */
    wb_table_attr_text(t, "blas_gemm_shapes",
                       text[0]          ? text
                       : m->depth <= 1 ? "none (depth 1: no GEMMs)"
                                       : "not measured (the run ended before the probe)");
    snprintf(text, sizeof text,
             "%d threads a rank at once, each single-threaded BLAS on its own operands, as "
             "training does; %d repetitions a call",
             f->threads, f->bound.shapes.size);
    wb_table_attr_text(t, "blas_gemm_rule", text);
    wb_table_attr_num(t, "blas_square_size", f->bound.square.size);
    wb_table_attr_text(t, "blas_square_rule",
#ifdef WB_HAVE_OPENBLAS
                       "one n x n x n GEMM NN a rank, the BLAS's own threads set to threads"
#else
                       "one n x n x n GEMM NN a rank, the BLAS's default threads"
#endif
    );
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
    if (pc->target_rel_l2 > 0 && pc->eval_every == 0)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[pinn] target_rel_l2: %g is checked at evaluations, but eval_every is 0 "
                       "(only the final one); set eval_every",
                       pc->target_rel_l2);
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
                 double *const series[WB_PINN_T_COUNT], struct wb_pinn_events *events,
                 struct wb_error *err)
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
        wb_watchdog_arm("pinn iteration %lld", (long long)it); /* outside the timed part */
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
        /* Test-only (debug.sleep_ms): this rank reaches the all-reduce late, the others wait. */
        if (cfg->debug_corrupt_rank == w->rank && cfg->debug_sleep_ms > 0)
            nanosleep(&(struct timespec){cfg->debug_sleep_ms / 1000,
                                         cfg->debug_sleep_ms % 1000 * 1000000},
                      NULL);
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
        int64_t i = f->done++;
        /* The iteration's own time is completed at its end; a break before leaves it
         * compute + all-reduce. */
        series[WB_PINN_T_COMPUTE][i] = compute;
        series[WB_PINN_T_ALLREDUCE][i] = allreduce;
        series[WB_PINN_T_ITER][i] = compute + allreduce;
        series[WB_PINN_T_OTHER][i] = series[WB_PINN_T_STOP][i] = 0;
        double side = 0; /* seconds of this iteration's evaluation and checkpoint */
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
            if (evaluate) {
                double te = MPI_Wtime();
                double err_l2 = rel_l2(w, b, ev, m->problem, pc->eval_grid);
                wb_table_set_f64(hist, (size_t)row, hc->rel_l2, err_l2);
                side += events->t[WB_PINN_EV_EVAL][events->n[WB_PINN_EV_EVAL]++] = MPI_Wtime() - te;
                /* This iteration's own time so far: up to the evaluation. */
                note_accuracy(f, err_l2, it, f->trained + (te - t0));
                /* rel L2 is the same on every rank: they all end here together. */
                f->target_reached = pc->target_rel_l2 > 0 && err_l2 <= pc->target_rel_l2;
            }
            double pps = (double)total_points(&g, m->hard) * (double)f->done /
                         (MPI_Wtime() - t_start);
            snprintf(detail, sizeof detail, "iter %lld/%lld loss %.3e points/s %.3g",
                     (long long)next, (long long)pc->iters, f->loss, pps);
            wb_progress_update(&progress, (double)next / (double)pc->iters, false, detail);
        }
        if (pc->checkpoint_every && next % pc->checkpoint_every == 0 && next < pc->iters) {
            double tc = MPI_Wtime();
            state_out(w, b, m, opt);
            status = checkpoint(w, cfg, m, opt, next, err);
            side += events->t[WB_PINN_EV_CHECKPOINT][events->n[WB_PINN_EV_CHECKPOINT]++] =
                MPI_Wtime() - tc;
            if (status != WB_OK)
                break;
        }
        double ts = MPI_Wtime();
        int any_stop = wb_world_stop_requested(w);
        series[WB_PINN_T_STOP][i] = MPI_Wtime() - ts;
        series[WB_PINN_T_ITER][i] = ts - t0 - side;
        series[WB_PINN_T_OTHER][i] = ts - t2 - side;
        f->trained += series[WB_PINN_T_ITER][i];
        if (any_stop) {
            status = WB_FAIL(err, WB_ERR_INTERRUPTED,
                             "pinn: stop requested (%s) after iteration %lld; checkpoint "
                             "written, resume with --resume %s",
                             wb_signal_name(any_stop), (long long)next, cfg->checkpoint_path);
            break;
        }
        if (f->target_reached) {
            if (w->rank == 0 && !cfg->quiet)
                printf("# %s: rel L2 at most the target %.3g after iteration %lld, %.3f s of "
                       "training: done\n",
                       label, pc->target_rel_l2, (long long)it, f->trained);
            break;
        }
    }
    wb_watchdog_disarm();
    state_out(w, b, m, opt); /* the final checkpoint and the tables read the host */
    wb_progress_update(&progress, (double)(f->start + f->done) / (double)pc->iters, true, detail);
    wb_progress_end(&progress);
    return status;
}

/* Collective: the GEMM rates of this machine's BLAS at the network's shapes and at a large
 * square shape, every rank at once as in training, summed over ranks into bd. NaN on the
 * cuda backend (its GEMMs are cuBLAS's), and the shapes' rate for depth 1 (no GEMMs). */
static int probe_bound(const struct wb_world *w, const struct wb_config *cfg,
                       const struct wb_pinn_model *m, int threads, struct bound *bd,
                       struct wb_error *err)
{
    double rates[2] = {NAN, NAN};
    bd->shapes_gflops = bd->square_gflops = NAN;
    if (cfg->backend != WB_BACKEND_CPU)
        return WB_OK;
    bd->n_gemm = wb_pinn_gemm_shapes(m, bd->gemm);
    MPI_Barrier(w->comm);
    if (bd->n_gemm && wb_blas_probe_sequence(&bd->shapes, bd->gemm, bd->n_gemm, m->precision,
                                             threads, PROBE_SHAPES_S, err) == WB_OK)
        rates[0] = bd->shapes.gflops;
    MPI_Barrier(w->comm);
    if (err->status == WB_OK && wb_blas_probe_square(&bd->square, PROBE_SQUARE_MAX, m->precision,
                                                     threads, PROBE_SQUARE_S, err) == WB_OK)
        rates[1] = bd->square.gflops;
    int status = wb_world_agree(w, err);
    if (status == WB_OK)
        WB_MPI_CHECK(err, MPI_Allreduce(MPI_IN_PLACE, rates, 2, MPI_DOUBLE, MPI_SUM, w->comm));
    /* The probes are time-boxed on each rank, so their sizes can differ between ranks; the
     * table's attributes must not (the file's metadata is written collectively, and
     * attributes that differ between ranks deadlocked the close under load): rank 0's. */
    int sizes[4] = {bd->shapes.size, bd->shapes.calls, bd->square.size, bd->square.calls};
    if (status == WB_OK)
        WB_MPI_CHECK(err, MPI_Bcast(sizes, 4, MPI_INT, 0, w->comm));
    bd->shapes.size = sizes[0];
    bd->shapes.calls = sizes[1];
    bd->square.size = sizes[2];
    bd->square.calls = sizes[3];
    bd->shapes_gflops = rates[0];
    bd->square_gflops = rates[1];
    return status;
}

/* Collective: the wait/transfer split and the steady-state summary of the loop's times. */
static int summarize_times(const struct wb_world *w, const struct wb_config *cfg,
                           struct run_figures *f, double *const series[WB_PINN_T_COUNT],
                           const struct wb_pinn_events *events, struct wb_error *err)
{
    WB_MPI_CHECK(err, wb_pinn_timing_split_wait(series[WB_PINN_T_WAIT], series[WB_PINN_T_ALLREDUCE],
                                                f->done, w->comm));
    WB_MPI_CHECK(err, wb_pinn_timing_summarize(&f->timing, series, f->done,
                                               wb_pinn_timing_warmup(cfg->pinn.warmup_iters, f->done),
                                               events, w->comm));
    return WB_OK;
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
    for (size_t k = 0; k < TTA_N + 1; k++) {
        f.tta_iter[k] = -1;
        f.tta_time[k] = NAN;
    }
    f.target = pc->target_rel_l2;
    double *series[WB_PINN_T_COUNT] = {NULL};
    struct wb_pinn_events events = {{NULL}, {0}};

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
    /* Events: at most one per iteration, and the final evaluation and checkpoint. */
    for (int k = 0; k < WB_PINN_T_COUNT + WB_PINN_EV_COUNT && err->status == WB_OK; k++) {
        double **p = k < WB_PINN_T_COUNT ? &series[k] : &events.t[k - WB_PINN_T_COUNT];
        if (!(*p = malloc(sizeof(double) * (size_t)(pc->iters + 1))))
            WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (timings of %lld iterations)",
                    (long long)pc->iters);
    }
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
        status = train(w, cfg, &b, &ev, &m, &opt, hist, &hc, &f, series, &events, err);
        int ran = f.done > 0;
        /* After a NaN the parameters are garbage: keep the previous checkpoint. */
        if ((status == WB_OK || status == WB_ERR_INTERRUPTED) && ran) {
            struct wb_error cerr;
            wb_error_clear(&cerr);
            double tc = MPI_Wtime();
            int cs = checkpoint(w, cfg, &m, &opt, f.start + f.done, &cerr);
            events.t[WB_PINN_EV_CHECKPOINT][events.n[WB_PINN_EV_CHECKPOINT]++] = MPI_Wtime() - tc;
            if (cs != WB_OK && status == WB_OK) {
                wb_error_set(err, cerr.status, cerr.file, cerr.line, "%s", cerr.msg);
                status = cerr.status;
            }
        }
        f.rel_l2 = NAN;
        if (status != WB_ERR_RUNTIME) {
            double te = MPI_Wtime();
            f.rel_l2 = rel_l2(w, &b, &ev, m.problem, pc->eval_grid);
            events.t[WB_PINN_EV_EVAL][events.n[WB_PINN_EV_EVAL]++] = MPI_Wtime() - te;
            if (f.done)
                note_accuracy(&f, f.rel_l2, f.start + f.done - 1, f.trained);
        }
        /* Timing and probe failures are the run's only when it has none of its own. */
        struct wb_error terr;
        wb_error_clear(&terr);
        if (summarize_times(w, cfg, &f, series, &events, &terr) == WB_OK && status == WB_OK)
            probe_bound(w, cfg, &m, cpus, &f.bound, &terr);
        else
            f.bound.shapes_gflops = f.bound.square_gflops = NAN;
        if (terr.status != WB_OK && status == WB_OK) {
            wb_error_set(err, terr.status, terr.file, terr.line, "%s", terr.msg);
            status = terr.status;
        }
        if (hist->nrows && status != WB_ERR_RUNTIME)
            wb_table_set_f64(hist, hist->nrows - 1, hc.rel_l2, f.rel_l2);
        snprintf(title, sizeof title,
                 "pinn %s, %s: summary (rel L2 on a %lld-point grid per axis; times: median "
                 "over the timed iterations of the slowest rank)",
                 wb_problem_name(pc->problem), wb_precision_name(pc->precision),
                 (long long)pc->eval_grid);
        struct wb_table *sum = wb_results_new_table(results, "pinn/summary", title);
        struct wb_table *sol = wb_results_new_table(results, "pinn/solution",
                                                    "pinn: predicted and exact solution on the grid");
        struct wb_table *mod = wb_results_new_table(results, "pinn/model", "pinn: final parameters");
        struct wb_table *tta = wb_results_new_table(
            results, "pinn/time_to_accuracy",
            "pinn: training time to each relative L2 error (first evaluation below it)");
        if (!sum || !sol || !mod || !tta || summary_table(w, cfg, &m, &f, series, &events, sum) != 0 ||
            solution_table(w, cfg, &b, &m, sol) != 0 || model_table(&m, mod) != 0 ||
            accuracy_table(cfg, &f, tta) != 0)
            WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (results)");
        int table_status = wb_world_agree(w, err);
        if (status == WB_OK)
            status = table_status;
    }
    for (int k = 0; k < WB_PINN_T_COUNT; k++)
        free(series[k]);
    for (int k = 0; k < WB_PINN_EV_COUNT; k++)
        free(events.t[k]);
    free(ev.pts);
    free(ev.u);
    free(ev.ex);
    ops->free(b.ctx);
    wb_pinn_adam_free(&opt);
    wb_pinn_model_free(&m);
    return status;
}
