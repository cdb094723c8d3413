/* wavebench PINN timing: warm-up, the wait/transfer split and the steady-state summary. */
#include "wavebench/pinn_timing.h"

#include <math.h>
#include <stdlib.h>

int64_t wb_pinn_timing_warmup(int64_t configured, int64_t done)
{
    if (done <= 1)
        return 0;
    return configured < done - 1 ? configured : done - 1;
}

int wb_pinn_timing_split_wait(double *wait, const double *allreduce, int64_t n, MPI_Comm comm)
{
    if (n <= 0)
        return MPI_SUCCESS;
    int rc = MPI_Allreduce(allreduce, wait, (int)n, MPI_DOUBLE, MPI_MIN, comm);
    if (rc != MPI_SUCCESS)
        return rc;
    for (int64_t i = 0; i < n; i++)
        wait[i] = allreduce[i] - wait[i];
    return MPI_SUCCESS;
}

/* wb_stats_across_ranks, or NaN for no values (the same count on every rank). */
static int stats(struct wb_rank_stats *s, const double *x, int64_t n, MPI_Comm comm)
{
    if (n > 0)
        return wb_stats_across_ranks(s, x, (size_t)n, comm);
    s->slowest = (struct wb_summary){NAN, NAN, NAN, NAN, NAN, NAN, 0};
    s->rank_min = s->rank_avg = s->rank_max = NAN;
    return MPI_SUCCESS;
}

int wb_pinn_timing_summarize(struct wb_pinn_timing *out, double *const series[WB_PINN_T_COUNT],
                             int64_t done, int64_t warmup, const struct wb_pinn_events *ev,
                             MPI_Comm comm)
{
    out->warmup = warmup;
    out->timed = done - warmup;
    int rc = MPI_SUCCESS;
    for (int k = 0; k < WB_PINN_T_COUNT && rc == MPI_SUCCESS; k++)
        rc = stats(&out->s[k], series[k] + warmup, out->timed, comm);
    for (int k = 0; k < WB_PINN_EV_COUNT && rc == MPI_SUCCESS; k++)
        rc = stats(&out->ev[k], ev->t[k], out->n_ev[k] = ev->n[k], comm);
    if (rc != MPI_SUCCESS)
        return rc;
    double *transfer = malloc(sizeof(double) * (size_t)(out->timed > 0 ? out->timed : 1));
    if (!transfer)
        return MPI_ERR_NO_MEM;
    for (int64_t i = 0; i < out->timed; i++)
        transfer[i] = series[WB_PINN_T_ALLREDUCE][warmup + i] - series[WB_PINN_T_WAIT][warmup + i];
    rc = stats(&out->transfer, transfer, out->timed, comm);
    free(transfer);
    return rc;
}
