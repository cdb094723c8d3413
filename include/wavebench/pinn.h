/* wavebench PINN core: wave problems, point sampling, a Taylor-mode MLP with its loss and gradient, Adam.
 *
 * What this module promises (CPU, no MPI; the training loop sits on top of it):
 * - Problems wave1d and wave2d exactly as in DESIGN.md. Inputs are (x, t) or
 *   (x, y, t): d = 2 or 3, time always last.
 * - Points come from a counter-based generator: point i of a kind is a pure
 *   function of (seed, epoch, kind, i), so a rank generates only its contiguous
 *   share and the point set does not depend on the rank count.
 *   Generator: splitmix64's finaliser ("mix") applied as
 *     h(seed, stream, i) = mix(mix(mix(seed) ^ stream) ^ i),
 *     stream = ((epoch * 8 + kind) * 8 + coordinate) + 1,
 *   a uniform in [0,1) is (h >> 11) * 2^-53. Interior points are uniform in the
 *   open space-time box, initial points uniform in space with t = 0, boundary
 *   points pick a face of the spatial boundary (coordinate slot 7; wave1d x = 0
 *   or 1, wave2d one of the four edges) and are uniform along it and in t.
 * - Initialisation: Glorot normal, std = sqrt(2 / (fan_in + fan_out)), biases 0.
 *   Parameter j's normal is Box-Muller (cosine branch) of the two uniforms
 *   h(seed, WB_PINN_STREAM_INIT, 2j) and h(seed, WB_PINN_STREAM_INIT, 2j + 1),
 *   computed in double and rounded to the model's precision.
 * - Parameters live in one buffer: hidden layer 0 W[width][d] then b[width],
 *   hidden layers 1..depth-1 W[width][width] then b[width], output W[1][width]
 *   then b[1]; the gradient buffer has the same layout plus WB_PINN_NTERMS
 *   trailing slots holding this rank's share of each loss term, so ONE
 *   MPI_Allreduce(SUM) of n_params + WB_PINN_NTERMS elements yields the global
 *   gradient and the global loss terms.
 * - fp32 and fp64 (enum wb_precision): an fp32 model keeps parameters,
 *   gradients, activations and Adam state in float.
 * - Nothing allocates after wb_pinn_model_create / wb_pinn_model_set_threads /
 *   wb_pinn_adam_create.
 *
 * Loss (global means; a rank contributes sum over its points / global count):
 *   terms[WB_PINN_PDE] = mean over interior of r^2,  r = u_tt - c^2 laplacian(u)
 *   terms[WB_PINN_IC]  = mean over initial of (u - u0)^2
 *   terms[WB_PINN_ICT] = mean over initial of u_t^2
 *   terms[WB_PINN_BC]  = mean over boundary of u^2
 *   loss = sum_i weights[i] * terms[i].
 * With hard constraints the network output N is transformed to
 *   wave1d u = u0(x) + x(1-x) t^2 N,  wave2d u = u0(x,y) + x(1-x) y(1-y) t^2 N,
 * which meets the initial and boundary conditions exactly (t = 0 and x(1-x) = 0
 * are exact in floating point); the IC, ICT and BC terms are then identically
 * zero, so initial and boundary points are not evaluated at all and only the
 * interior points cost work. */
#ifndef WB_PINN_H
#define WB_PINN_H

#include <stdbool.h>
#include <stdint.h>

#include "wavebench/blas_probe.h" /* struct wb_blas_gemm */
#include "wavebench/common.h"
#include "wavebench/config.h" /* enum wb_problem_id, enum wb_precision */

enum wb_pinn_kind { WB_PINN_INTERIOR, WB_PINN_INITIAL, WB_PINN_BOUNDARY, WB_PINN_KIND_COUNT };
enum wb_pinn_term { WB_PINN_PDE, WB_PINN_IC, WB_PINN_ICT, WB_PINN_BC, WB_PINN_NTERMS };

/* Generator stream of the initial parameters (far from any sampling stream). */
#define WB_PINN_STREAM_INIT UINT64_C(0xC0FFEE0000000000)

/* Most inputs of any problem (x, y, t) and most Taylor channels (1 + 2d). */
#define WB_PINN_MAX_DIM 3
#define WB_PINN_MAX_CHANNELS (1 + 2 * WB_PINN_MAX_DIM)

/* Point counts, one per enum wb_pinn_kind. */
struct wb_pinn_counts {
    int64_t interior, initial, boundary;
};

/* Rows of the Taylor-channel activation matrices of a tile of points: the value rows of
 * all points first (interior, initial, boundary), then per input k the first-derivative
 * rows (interior points; for time also initial points, whose u_t the loss needs), then
 * per input the unmixed second-derivative rows (interior points). */
struct wb_pinn_layout {
    int64_t ni, n0, nb;         /* interior, initial, boundary points of the tile */
    int64_t nv;                 /* value rows: ni + n0 + nb */
    int64_t f[WB_PINN_MAX_DIM]; /* first row of d/dx_k: ni rows (time: ni + n0) */
    int64_t s[WB_PINN_MAX_DIM]; /* first row of d2/dx_k2: ni rows */
    int64_t rows;
};

/* Fills L for a tile of ni interior, n0 initial and nb boundary points, d inputs. */
void wb_pinn_layout_make(struct wb_pinn_layout *L, int64_t ni, int64_t n0, int64_t nb, int d);

/* Checks a rank's point counts against their global counts and a model's capacity:
 * WB_OK, or WB_ERR_USAGE naming the kind (a kind the loss uses has no points, a local
 * count is negative or exceeds its capacity or global count). */
int wb_pinn_check_counts(const struct wb_pinn_counts *local, const struct wb_pinn_counts *global,
                         const struct wb_pinn_counts *cap, bool hard, struct wb_error *err);

struct wb_pinn_ws; /* private workspace */

/* A network, its gradient and its workspace. Fields are read-only for callers
 * except params (the optimizer and checkpoints write it) and grads (an
 * allreduce sums it in place). */
struct wb_pinn_model {
    int problem;      /* enum wb_problem_id */
    int precision;    /* enum wb_precision: element type of every buffer below */
    int d;            /* inputs: 2 (x, t) or 3 (x, y, t) */
    int width, depth; /* hidden layer width, number of hidden layers */
    bool hard;        /* hard-constraint output transform */
    int64_t n_params;
    void *params;     /* [n_params] float or double, layout in the header comment */
    void *grads;      /* [n_params + WB_PINN_NTERMS] same type */
    struct wb_pinn_counts cap;    /* most local points per kind */
    struct wb_pinn_counts local;  /* local points of the current set */
    struct wb_pinn_counts global; /* global points of the current set (the means' divisors) */
    struct wb_pinn_ws *ws;
};

/* Adam (Kingma & Ba) with bias correction over one flat buffer. The state
 * (step, m, v) is everything a checkpoint must save to resume bit-exactly. */
struct wb_pinn_adam {
    int precision;       /* enum wb_precision of m, v (and of the parameters) */
    int64_t n;           /* elements */
    int64_t step;        /* steps taken so far */
    void *m, *v;         /* [n] first and second moment, float or double */
    double lr, lr_decay; /* step k uses lr * lr_decay^(k / decay_steps) */
    int64_t decay_steps; /* <= 0: no decay */
    double beta1, beta2, eps;
};

/* ---- problems (problem.c) ---- */

/* Number of inputs of problem (2 or 3), or 0 for an unknown problem. */
int wb_pinn_dim(int problem);

/* Wave speed c of problem. */
double wb_pinn_speed(int problem);

/* The contiguous share of n items owned by rank of nranks (block distribution,
 * the first n % nranks ranks get one more). */
void wb_pinn_share(int64_t *first, int64_t *count, int64_t n, int rank, int nranks);

/* Counter-based uniform in [0,1): the generator described in the header comment. */
double wb_pinn_uniform(uint64_t seed, uint64_t stream, uint64_t index);

/* Writes points first..first+count-1 of kind for the given seed and epoch.
 * pts: [count][d]. Deterministic; a share equals the same slice of the whole. */
void wb_pinn_sample(double *pts, int problem, int kind, uint64_t seed, uint64_t epoch,
                    int64_t first, int64_t count);

/* Writes points first..first+count-1 of the evaluation grid of g nodes per
 * input (g >= 2, nodes k / (g - 1)), g^d points in all, x fastest and t
 * slowest: index = (it * g + iy) * g + ix. pts: [count][d]. */
void wb_pinn_grid(double *pts, int problem, int64_t g, int64_t first, int64_t count);

/* Exact solution at n points. u: [n], pts: [n][d]. */
void wb_pinn_exact(double *u, const double *pts, int64_t n, int problem);

/* Exact solution with its Taylor channels: out[p] = (u, u_1..u_d, u_11..u_dd),
 * first and unmixed second derivatives along each input. out: [n][1 + 2d]. */
void wb_pinn_exact_taylor(double *out, const double *pts, int64_t n, int problem);

/* Initial condition u0 (spatial, time-independent) with its Taylor channels as
 * above; the time channels are 0. out: [n][1 + 2d]. */
void wb_pinn_initial_taylor(double *out, const double *pts, int64_t n, int problem);

/* The hard-constraint factor h (x(1-x) t^2, or x(1-x) y(1-y) t^2) with its
 * Taylor channels; u = u0 + h N. out: [n][1 + 2d]. */
void wb_pinn_ansatz_taylor(double *out, const double *pts, int64_t n, int problem);

/* PDE residual r = u_tt - c^2 (sum of spatial u_kk) from Taylor channels.
 * r: [n], taylor: [n][1 + 2d]. */
void wb_pinn_residual(double *r, const double *taylor, int64_t n, int problem);

/* ---- network, loss, gradient (mlp.c) ---- */

/* Parameters of a network with d inputs, width, depth hidden layers, one output. */
int64_t wb_pinn_param_count(int d, int width, int depth);

/* Which build of the elementwise kernels this CPU runs: on x86-64 Linux with GCC they have
 * AVX-512, AVX2 and default clones, one picked at load time; elsewhere a single build. */
const char *wb_pinn_kernel_variant(void);

/* The bytes wb_pinn_model_create and wb_pinn_model_set_threads(threads) would take for
 * this shape (arguments as valid there): checked against memory before any work. */
double wb_pinn_model_bytes(int problem, int precision, int width, int depth, bool hard,
                           const struct wb_pinn_counts *cap, int threads);

/* Allocates everything a model needs for up to cap points per kind on this
 * rank; parameters are zero until wb_pinn_model_init. Returns WB_OK, or
 * WB_ERR_USAGE (bad problem, precision, width, depth or counts) or
 * WB_ERR_RUNTIME (allocation) with a message in err; on failure m owns nothing. */
int wb_pinn_model_create(struct wb_pinn_model *m, int problem, int precision, int width,
                         int depth, bool hard, const struct wb_pinn_counts *cap,
                         struct wb_error *err);

/* Releases what wb_pinn_model_create allocated; safe on a zeroed or freed model. */
void wb_pinn_model_free(struct wb_pinn_model *m);

/* Computes wb_pinn_loss and wb_pinn_loss_grad on threads threads: this one
 * and threads - 1 workers started here, each with its own workspace and
 * gradient accumulator, over a contiguous run of the tiles of points; the
 * threads' sums are added in thread order, so results are the same every run
 * and differ between thread counts only by rounding. The default is 1 (no
 * workers). The workers call the BLAS at the same time: use a thread-safe
 * BLAS and keep its own threading off (OpenBLAS: openblas_set_num_threads(1)).
 * Allocates: call it after wb_pinn_model_create, not per iteration. Returns
 * WB_OK, or WB_ERR_USAGE (threads outside 1..256) or WB_ERR_RUNTIME
 * (allocation, thread start) with a message in err; on failure the model
 * keeps working on one thread. */
int wb_pinn_model_set_threads(struct wb_pinn_model *m, int threads, struct wb_error *err);

/* Glorot-normal weights and zero biases from seed (header comment). */
void wb_pinn_model_init(struct wb_pinn_model *m, uint64_t seed);

/* Sets this rank's points: local->k points of each kind (arrays [local][d],
 * double), out of global->k in all ranks together. Converts them to the model
 * precision and precomputes the per-point constants of the loss. Returns
 * WB_OK, or WB_ERR_USAGE when a local count exceeds the capacity, is negative,
 * or exceeds its global count, or a global count of a kind the loss uses is 0. */
int wb_pinn_model_set_points(struct wb_pinn_model *m, const double *interior,
                             const double *initial, const double *boundary,
                             const struct wb_pinn_counts *local,
                             const struct wb_pinn_counts *global, struct wb_error *err);

/* Samples this rank's share (rank of nranks, wb_pinn_share of each global
 * count) of the points of (seed, epoch) and sets them as wb_pinn_model_set_points. */
int wb_pinn_model_sample(struct wb_pinn_model *m, uint64_t seed, uint64_t epoch,
                         const struct wb_pinn_counts *global, int rank, int nranks,
                         struct wb_error *err);

/* This rank's share of the loss terms at the current points (forward only):
 * terms[i] = (sum over local points) / (global count). */
void wb_pinn_loss(struct wb_pinn_model *m, double terms[WB_PINN_NTERMS]);

/* Forward and backward: terms as wb_pinn_loss, and m->grads overwritten with
 * this rank's share of the gradient of sum_i weights[i] * terms[i], followed by
 * the terms themselves (rounded to the model precision) in its last
 * WB_PINN_NTERMS slots. Summing grads over ranks gives the global gradient and
 * terms. */
void wb_pinn_loss_grad(struct wb_pinn_model *m, double terms[WB_PINN_NTERMS],
                       const double weights[WB_PINN_NTERMS]);

/* sum_i weights[i] * terms[i]. */
double wb_pinn_loss_total(const double terms[WB_PINN_NTERMS], const double weights[WB_PINN_NTERMS]);

/* u (with the hard-constraint transform when enabled) at n points, any n, in
 * chunks of wb_pinn_predict_chunk points; uses the workspace, so the current
 * points' activations are overwritten (the points themselves are kept).
 * u: [n], pts: [n][d]. */
void wb_pinn_predict(struct wb_pinn_model *m, double *u, const double *pts, int64_t n);

/* Points per chunk of wb_pinn_predict: calls on consecutive runs of a multiple of
 * it give the same bits as one call over all of them. */
int64_t wb_pinn_predict_chunk(const struct wb_pinn_model *m);

/* u and its Taylor channels at n points, as wb_pinn_predict. out: [n][1 + 2d]. */
void wb_pinn_predict_taylor(struct wb_pinn_model *m, double *out, const double *pts, int64_t n);

/* The GEMMs wb_pinn_loss_grad issues for one tile of interior points (the tiles that do
 * most of the work), as its kernels call them: per hidden layer 1..depth-1 the forward
 * z = a W^T, and backward dW += dz^T a and da = dz W. Fills g[0..2] and returns 3, or 0
 * for depth 1 (its layers are no GEMMs). */
int wb_pinn_gemm_shapes(const struct wb_pinn_model *m, struct wb_blas_gemm g[3]);

/* FLOPs of one wb_pinn_loss_grad over n points per kind (see mlp.c for the formula). */
double wb_pinn_flops_per_iter(int d, int width, int depth, bool hard, const struct wb_pinn_counts *n);

/* ---- optimizer (adam.c) ---- */

/* Allocates zeroed state for n elements of precision; beta1 0.9, beta2 0.999,
 * eps 1e-8. Returns WB_OK, or WB_ERR_RUNTIME with a message on allocation failure. */
int wb_pinn_adam_create(struct wb_pinn_adam *opt, int precision, int64_t n, double lr,
                        double lr_decay, int64_t decay_steps, struct wb_error *err);

/* Releases the state; safe on a zeroed or freed optimizer. */
void wb_pinn_adam_free(struct wb_pinn_adam *opt);

/* The learning rate the next step uses: lr * lr_decay^(step / decay_steps). */
double wb_pinn_adam_lr(const struct wb_pinn_adam *opt);

/* One Adam step: params[i] -= lr_t * mhat / (sqrt(vhat) + eps), then step++.
 * params, grads: [n] of the optimizer's precision (grads may be longer). */
void wb_pinn_adam_step(struct wb_pinn_adam *opt, void *params, const void *grads);

#endif
