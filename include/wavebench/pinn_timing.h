/* wavebench PINN timing: the training loop's per-iteration times and their steady-state
 * summary across ranks.
 *
 * What this module promises:
 * - A series is one value per iteration of this rank, in seconds (enum wb_pinn_series).
 *   ITER is the training iteration alone: its wall time less the evaluation, the
 *   checkpoint and the stop check it may contain; OTHER is ITER less COMPUTE and
 *   ALLREDUCE (Adam, logging). ALLREDUCE is this rank's time in the gradient all-reduce,
 *   waiting for the other ranks included; WAIT is the part of it spent waiting
 *   (wb_pinn_timing_split_wait). STOP is the stop flag's all-reduce.
 * - Events (enum wb_pinn_event) are not iterations: one value per evaluation of the
 *   error or checkpoint write, the final ones included; every rank has the same count.
 * - The summary leaves out the first warm-up iterations (cold caches, page faults, lazy
 *   initialisation) and summarises each series over the rest with wb_stats_across_ranks:
 *   per iteration the slowest rank, then the median, its 95% CI and the range over the
 *   timed iterations; each event kind likewise over all its events. */
#ifndef WB_PINN_TIMING_H
#define WB_PINN_TIMING_H

#include <mpi.h>
#include <stdint.h>

#include "wavebench/stats.h"

enum wb_pinn_series {
    WB_PINN_T_ITER,
    WB_PINN_T_COMPUTE,
    WB_PINN_T_ALLREDUCE,
    WB_PINN_T_WAIT,
    WB_PINN_T_OTHER,
    WB_PINN_T_STOP,
    WB_PINN_T_COUNT
};

enum wb_pinn_event { WB_PINN_EV_EVAL, WB_PINN_EV_CHECKPOINT, WB_PINN_EV_COUNT };

/* This rank's events: t[k][n[k]] seconds. */
struct wb_pinn_events {
    double *t[WB_PINN_EV_COUNT];
    int64_t n[WB_PINN_EV_COUNT];
};

struct wb_pinn_timing {
    int64_t warmup; /* iterations left out */
    int64_t timed;  /* iterations summarised */
    struct wb_rank_stats s[WB_PINN_T_COUNT];      /* NaN when timed is 0 */
    struct wb_rank_stats transfer;                /* ALLREDUCE less WAIT: the fastest rank's */
    struct wb_rank_stats ev[WB_PINN_EV_COUNT];    /* NaN for a kind without events */
    int64_t n_ev[WB_PINN_EV_COUNT];
};

/* Iterations left out of done as warm-up: configured, but all but one at most (a short
 * run still reports a time), 0 when done <= 1. */
int64_t wb_pinn_timing_warmup(int64_t configured, int64_t done);

/* Collective over comm: wait[i] = allreduce[i] - min over ranks of allreduce[i], for
 * i < n. The last rank to reach an all-reduce waits least; its time there is taken as
 * the transfer, the rest of each rank's time as waiting for the slowest. wait and
 * allreduce may not overlap. Returns MPI_SUCCESS or an MPI error code. */
int wb_pinn_timing_split_wait(double *wait, const double *allreduce, int64_t n, MPI_Comm comm);

/* Collective over comm: summarises series[k][done] and ev (this rank's) as the header
 * comment says, the first warmup iterations left out. Returns MPI_SUCCESS, an MPI error
 * code, or MPI_ERR_NO_MEM. */
int wb_pinn_timing_summarize(struct wb_pinn_timing *out, double *const series[WB_PINN_T_COUNT],
                             int64_t done, int64_t warmup, const struct wb_pinn_events *ev,
                             MPI_Comm comm);

#endif
