/* wavebench report: a results file for people: the text summary (system, versions, ranks
 * and localities, key figures, verdict) with every printed table, a Markdown evidence
 * report, and plots. Nothing here computes a figure. */
#ifndef WB_REPORT_H
#define WB_REPORT_H

#include <stdio.h>

#include "wavebench/common.h"
#include "wavebench/h5.h"

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

#endif
