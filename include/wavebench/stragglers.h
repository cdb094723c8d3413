/* wavebench stragglers: which rank, and so which node, was slowest in a table, from every
 * rank's own raw timings (the table figures are the slowest rank's per repetition, which
 * hides who it was).
 *
 * A suite names the raw series that measure a rank's own work (not time spent waiting for
 * the others) in the table's text attribute WB_STRAGGLER_SERIES, comma-separated. For
 * each row of each of them, a rank's time is its mean over repetitions divided by the
 * average rank's; a rank's score is the median of those ratios over rows. The rank of the
 * largest score is the table's straggler. */
#ifndef WB_STRAGGLERS_H
#define WB_STRAGGLERS_H

#include "wavebench/common.h"
#include "wavebench/table.h"
#include "wavebench/world.h"

#define WB_STRAGGLER_SERIES "straggler_series"

/* Collective over w; every rank holds the same table. When t names its series and some
 * rank measured, adds the attributes slowest (rank, host and locality, score in words),
 * slowest_rank and slowest_ratio (its score: 1.8 = 1.8x the average rank's time). Returns
 * WB_OK or WB_ERR_RUNTIME (out of memory), the same on every rank. */
int wb_stragglers_note(struct wb_table *t, const struct wb_world *w, struct wb_error *err);

/* The median of the finite values of x[n] (reordered); NaN when there are none. */
double wb_stragglers_median(double *x, size_t n);

#endif
