/* wavebench compare: two results files side by side, table by table and row by row,
 * ratios new/base per figure, regressions judged against the spread both files recorded. */
#ifndef WB_COMPARE_H
#define WB_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "wavebench/common.h"
#include "wavebench/h5.h"

struct wb_compare_options {
    double threshold;    /* percent; <= 0: report only, never a regression */
    bool allow_mismatch; /* compare even when configurations differ (they are listed) */
};

/* Compares new against base table by table and row by row (matched on key columns),
 * printing ratios new/base per figure and the regressions. new_path and base_path are
 * read again for raw series (the spread of figures without recorded spread columns).
 * Returns WB_OK, WB_ERR_CHECK when a figure regressed beyond the threshold and beyond
 * the spread recorded in both files, or WB_ERR_USAGE when the configurations differ
 * (one line in err naming the differences) and allow_mismatch is off. */
int wb_compare(const struct wb_results_file *base, const char *base_path,
               const struct wb_results_file *new_file, const char *new_path,
               const struct wb_compare_options *opt, FILE *out, struct wb_error *err);

/* Configuration keys whose values differ between two INI texts, ignoring keys that do
 * not change results (output names, [report], [debug], checkpoint paths); written into
 * out as "[section] key: A vs B; ...". Returns how many differ. */
int wb_compare_config_diff(const char *ini_a, const char *ini_b, char *out, size_t size);

#endif
