/* wavebench results file: one parallel-HDF5 file per run, written collectively under a
 * temporary name and renamed when complete; and the serial reader used by report,
 * compare and export. Layout: docs/results-format.md. */
#ifndef WB_H5_H
#define WB_H5_H

#include <stdbool.h>

#include "wavebench/common.h"
#include "wavebench/config.h"
#include "wavebench/sysinfo.h"
#include "wavebench/table.h"
#include "wavebench/world.h"

#define WB_RUN_TEXT_LEN 4096

/* What a run records about itself besides the tables. */
struct wb_run_info {
    char command_line[WB_RUN_TEXT_LEN];
    char run_id[64];
    char start_utc[32], end_utc[32];
    int exit_status;  /* the run's exit code as far as known at write time */
    bool complete;    /* false when interrupted: the tables hold what was done */
    char verdict[32]; /* "PASSED", "FAILED", "INCOMPLETE" */
};

/* Collective over w->comm. Writes run info, system information, world layout, the
 * resolved configuration and every table of res into final_path (size bytes). The file
 * is made under an unpredictable temporary name beside it (wavebench/safefile.h) and
 * appears under final_path only when complete; a failed write leaves nothing and removes
 * the temporary file. An existing final_path is replaced only with cfg->overwrite (and
 * only when it is a regular file); otherwise the file stays under its temporary name,
 * which the error names. The default name (cfg->output empty) that another run took
 * meanwhile becomes the next free wavebench-STAMP-K.h5, written back into final_path.
 * Every rank returns the same status: WB_OK or WB_ERR_RUNTIME. */
int wb_h5_write_results(const struct wb_world *w, const struct wb_config *cfg,
                        const struct wb_run_info *run, const struct wb_sysinfo *si,
                        const struct wb_results *res, char *final_path, size_t size,
                        struct wb_error *err);

/* The name of a partial file beside final_path: STEM-incomplete.h5 (never the name a
 * complete run's file takes). */
void wb_h5_partial_name(const char *final_path, char *out, size_t size);

/* This rank alone, with no MPI call (safe while another thread is blocked inside MPI):
 * writes the root information and the first ntables tables of res, as far as this rank
 * knows them (other ranks' raw rows read NaN), under a temporary name, then as final_path
 * (as wb_h5_write_results places it). For a run that cannot finish (the watchdog). Returns
 * WB_OK or WB_ERR_RUNTIME; a failed data write ends the process (exit 1). */
int wb_h5_write_partial(const struct wb_world *w, const struct wb_config *cfg,
                        const struct wb_run_info *run, const struct wb_sysinfo *si,
                        const struct wb_results *res, size_t ntables, char *final_path,
                        size_t size, struct wb_error *err);

/* A results file read back (serially). Tables get their columns in written order;
 * raw series are not loaded (data NULL, nreps set). Root attributes become attrs. */
struct wb_results_file {
    struct wb_table meta; /* root attributes as table attrs; no columns */
    char *config_ini;     /* malloc'd */
    struct wb_results results;
};

/* Reads path. Returns WB_OK, or WB_ERR_USAGE if it is missing or not a wavebench file.
 * Columns get the role and better direction the file records, or, in a file written
 * before columns declared them, those of wb_h5_legacy_meaning. */
int wb_h5_read_results(struct wb_results_file *out, const char *path, struct wb_error *err);
void wb_h5_results_file_free(struct wb_results_file *f);

/* The meaning of a column of a file written before columns declared theirs (no "role"
 * attribute): the rules by name and unit that wavebench guessed with until then, set so
 * that the columns of those files mean what their suites now declare, and a file of
 * either age compares with the other. For old files only: a new column declares its
 * meaning where it is created and is never named to fit these rules. */
void wb_h5_legacy_meaning(const char *name, enum wb_col_type type, const char *unit, int width,
                          enum wb_col_role *role, enum wb_col_better *better);

#endif
