/* wavebench report: what people and automation do with a results file afterwards:
 * `report` (tables, summary, Markdown, plots), `compare` (ratios, regressions),
 * `export` (CSV, JSON) and the summary metrics that the HTTP push sends.
 *
 * Everything here reads tables generically (struct wb_table from the serial reader
 * or from a run); only plots know the suites' layouts. Nothing here computes a figure:
 * ratios, unit formatting and the spread already recorded in the file, nothing more. */
#ifndef WB_REPORT_H
#define WB_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "wavebench/common.h"
#include "wavebench/h5.h"
#include "wavebench/table.h"

/* ---- subcommands --------------------------------------------------------------------- */

/* Whether argv1 names a subcommand (report, compare, export). */
bool wb_tools_is_command(const char *argv1);

/* Runs `wavebench report|compare|export ...` without MPI. Returns the exit code:
 * 0 ok, 2 bad input (one error line on stderr), 3 a regression (compare --threshold),
 * 1 a runtime failure (e.g. the plotting tool failed). */
int wb_tools_main(int argc, char **argv);

/* ---- columns ------------------------------------------------------------------------- */

/* What a column is to compare and export:
 * KEY: an independent variable (text or integer columns such as size, type, op);
 * FIGURE: a measured figure with a better direction;
 * SPREAD: recorded spread of a figure (time_rep_min, time_ci_hi, ...), never compared alone;
 * CONTEXT: a floating value that describes the run (width, points, lr) and must agree. */
enum wb_col_role { WB_ROLE_KEY, WB_ROLE_FIGURE, WB_ROLE_SPREAD, WB_ROLE_CONTEXT };

enum wb_col_role wb_report_col_role(const struct wb_column *c);

/* +1 when a larger value is better (bandwidth, rates, speedup), -1 when smaller is better
 * (times, errors, losses, wrong values, memory), 0 when c is not a figure. */
int wb_report_direction(const struct wb_column *c);

/* Whether the run printed this table (some column has a width); data tables
 * (solution grids, parameters) are not printed, exported or compared. */
bool wb_report_table_printed(const struct wb_table *t);

/* Attribute of a table by name, or NULL. */
const struct wb_attr *wb_report_attr(const struct wb_table *t, const char *name);

/* ---- report -------------------------------------------------------------------------- */

/* Prints the summary (system, versions, ranks and localities, key figures, verdict)
 * and every printed table with wb_table_print. */
void wb_report_text(const struct wb_results_file *f, FILE *out);

/* Writes a Markdown evidence report: run and system metadata, key figures, the tables,
 * the configuration and the verdict. */
void wb_report_markdown(const struct wb_results_file *f, const char *path, FILE *out);

/* The plotting tool: $WAVEBENCH_PLOTS, else the source tree's copy for a binary run
 * from the build tree, else the installed copy. Writes the path into out. */
void wb_report_plots_script(char *out, size_t size);

/* Runs the plotting tool on results_path writing PNGs into dir (created if missing).
 * Returns WB_OK, WB_ERR_USAGE (dir unusable) or WB_ERR_RUNTIME (the tool failed). */
int wb_report_plots(const char *results_path, const char *dir, struct wb_error *err);

/* ---- compare ------------------------------------------------------------------------- */

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

/* ---- export -------------------------------------------------------------------------- */

/* One CSV row per tuple of independent variables: suite, table, op, type, size, in_place,
 * ranks, localities, backend, then every other key and figure column (the union over the
 * printed tables; oop_/ip_ column pairs become two rows with in_place 0 and 1). */
int wb_export_csv(const struct wb_results_file *f, FILE *out, struct wb_error *err);

/* The same records as one JSON document with the run metadata and table descriptions. */
int wb_export_json(const struct wb_results_file *f, FILE *out, struct wb_error *err);

/* ---- summary metrics (the push) --------------------------------------------------------- */

#define WB_METRIC_MAX_LABELS 12

struct wb_metric {
    char name[WB_NAME_LEN];  /* e.g. wavebench_busbw_gbps */
    char help[96];
    size_t nlabels;
    char label[WB_METRIC_MAX_LABELS][2][WB_NAME_LEN]; /* name, value */
    double value;
};

struct wb_metrics {
    size_t n, cap;
    struct wb_metric *m;
};

/* Collects the summary metrics of a run: meta holds run attributes (ranks, localities,
 * backend, run_id, verdict, exit_status, wavebench_version) as table attributes; res its
 * tables. History and data tables are left out. Returns WB_OK or WB_ERR_RUNTIME (memory). */
int wb_metrics_collect(struct wb_metrics *out, const struct wb_table *meta,
                       const struct wb_results *res, struct wb_error *err);
void wb_metrics_free(struct wb_metrics *m);

/* Prometheus text exposition format (version 0.0.4): one # HELP and # TYPE gauge per
 * family, samples grouped by family, label values escaped. malloc'd; NULL on failure. */
char *wb_metrics_prometheus(const struct wb_metrics *m);

/* One JSON document {"job","run_id",...,"metrics":[{"name","labels","value"}]}.
 * malloc'd; NULL on failure. */
char *wb_metrics_json(const struct wb_metrics *m, const struct wb_table *meta);

/* Copies s into out as a Prometheus metric or label name: [a-zA-Z0-9_], others to '_'. */
void wb_metrics_sanitize(char *out, size_t size, const char *s);

#endif
