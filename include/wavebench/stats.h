/* wavebench statistics: nonparametric summaries of repeated timings (median, spread, CI). */
#ifndef WB_STATS_H
#define WB_STATS_H

#include <mpi.h>
#include <stddef.h>

struct wb_summary {
    double min, median, max, mean;
    double ci_lo, ci_hi; /* 95% CI of the median; NAN when n is too small (n < 6) */
    size_t n;
};

/* Summarises x[n] (n >= 1); x is left unchanged. Returns 0, or -1 on allocation failure. */
int wb_summarize(struct wb_summary *out, const double *x, size_t n);

/* One measurement's timings across ranks, as every suite reports them. */
struct wb_rank_stats {
    struct wb_summary slowest;           /* over repetitions of the slowest rank's time */
    double rank_min, rank_avg, rank_max; /* over ranks of each rank's mean over repetitions */
};

/* Collective over comm: summarises raw[nreps], this rank's time of each repetition.
 * Returns MPI_SUCCESS, an MPI error code, or MPI_ERR_NO_MEM. */
int wb_stats_across_ranks(struct wb_rank_stats *out, const double *raw, size_t nreps,
                          MPI_Comm comm);

/* The same over the ranks of comm that pass active non-zero (at least one must): the others
 * take part in the reductions without a time of their own (raw unread). */
int wb_stats_across_active(struct wb_rank_stats *out, const double *raw, size_t nreps,
                           int active, MPI_Comm comm);

/* Ranks (1-based) of the order statistics bounding a 95% confidence interval of
 * the median of n samples (binomial, Le Boudec); 0 when n < 6. */
void wb_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

#endif
