/* wavebench statistics: nonparametric summaries of repeated timings (median, spread, CI). */
#ifndef WB_STATS_H
#define WB_STATS_H

#include <stddef.h>

struct wb_summary {
    double min, median, max, mean;
    double ci_lo, ci_hi; /* 95% CI of the median; NAN when n is too small (n < 6) */
    size_t n;
};

/* Summarises x[n] (n >= 1); x is left unchanged. Returns 0, or -1 on allocation failure. */
int wb_summarize(struct wb_summary *out, const double *x, size_t n);

/* Ranks (1-based) of the order statistics bounding a 95% confidence interval of
 * the median of n samples (binomial, Le Boudec); 0 when n < 6. */
void wb_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

#endif
