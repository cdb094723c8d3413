/* wavebench tools: the subcommands that read a results file after the run, without MPI:
 * `report` (report.h), `compare` (compare.h) and `export` (export.h). */
#ifndef WB_TOOLS_H
#define WB_TOOLS_H

#include <stdbool.h>

/* Whether argv1 names a subcommand (report, compare, export). */
bool wb_tools_is_command(const char *argv1);

/* Runs `wavebench report|compare|export ...` without MPI. Returns the exit code:
 * 0 ok, 2 bad input (one error line on stderr), 3 a regression (compare --threshold),
 * 1 a runtime failure (e.g. the plotting tool failed). */
int wb_tools_main(int argc, char **argv);

/* Flushes standard output; when it (or an earlier flush) failed, e.g. a full disk or a
 * closed pipe, prints "wavebench: error: cannot write standard output: ..." and returns
 * 1 (WB_ERR_RUNTIME); else 0. */
int wb_tools_check_stdout(void);

#endif
