/* wavebench: options -> configuration -> world -> suites -> outputs. Nothing else lives here. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "wavebench/arrays.h"
#include "wavebench/backend.h"
#include "wavebench/collectives.h"
#include "wavebench/config.h"
#include "wavebench/devices.h"
#include "wavebench/h5.h"
#include "wavebench/push.h"
#include "wavebench/tools.h"
#include "wavebench/signals.h"
#include "wavebench/stragglers.h"
#include "wavebench/sysinfo.h"
#include "wavebench/table.h"
#include "wavebench/text.h"
#include "wavebench/train.h"
#include "wavebench/watchdog.h"
#include "wavebench/world.h"

static void utc_now(char *buf, size_t size, const char *fmt)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, size, fmt, &tm);
}

static void join_argv(char *out, size_t size, int argc, char **argv)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < argc && used + 1 < size; i++) {
        int quote = strpbrk(argv[i], " \t\"'") != NULL || argv[i][0] == '\0';
        int n = snprintf(out + used, size - used, "%s%s%s%s", i ? " " : "", quote ? "'" : "",
                         argv[i], quote ? "'" : "");
        used += n > 0 ? (size_t)n : 0;
    }
}

static void print_banner(const struct wb_world *w, const struct wb_config *cfg,
                         const struct wb_sysinfo *si, const char *path)
{
    printf("# wavebench %s (%s): %d ranks on %d localities, backend %s\n", si->version,
           si->git_revision, w->size, w->n_localities, wb_backend_name(cfg->backend));
    for (int l = 0; l < w->n_localities; l++) {
        int first = 0;
        while (w->locality_of[first] != l)
            first++;
        printf("#   locality %d: %s, %d ranks\n", l, w->hostnames[first],
               w->ranks_per_locality[l]);
    }
    printf("# CPU %s, %d CPUs, %.1f GiB; %s\n", si->cpu_model, si->cpus_online,
           si->mem_total_gib, si->mpi_library);
    if (si->blas_warning[0])
        printf("# warning: %s\n", si->blas_warning);
    printf("# results file: %s\n", path);
}

/* The one error line, from rank 0; verbose: ending with where the error was raised. */
static void print_error(const struct wb_error *err, bool verbose)
{
    if (verbose && err->file[0])
        fprintf(stderr, "wavebench: error: %s (%s:%d)\n", err->msg, err->file, err->line);
    else
        fprintf(stderr, "wavebench: error: %s\n", err->msg);
}

typedef int (*suite_fn)(const struct wb_world *w, const struct wb_config *cfg,
                        const struct wb_backends *be, struct wb_results *res,
                        struct wb_error *err);

static int run_collectives(const struct wb_world *w, const struct wb_config *cfg,
                           const struct wb_backends *be, struct wb_results *res,
                           struct wb_error *err)
{
    return wb_coll_run(w, cfg, &be->coll, res, err);
}

static int run_arrays(const struct wb_world *w, const struct wb_config *cfg,
                      const struct wb_backends *be, struct wb_results *res, struct wb_error *err)
{
    (void)be; /* host memory only */
    return wb_arrays_run(w, cfg, res, err);
}

static int run_pinn(const struct wb_world *w, const struct wb_config *cfg,
                    const struct wb_backends *be, struct wb_results *res, struct wb_error *err)
{
    return wb_pinn_run(w, cfg, be->pinn, res, err);
}

/* The suites, in the order they run. */
static const struct { unsigned bit; suite_fn run; } suites[] = {
    {WB_SUITE_COLLECTIVES, run_collectives},
    {WB_SUITE_ARRAYS, run_arrays},
    {WB_SUITE_PINN, run_pinn},
};

/* What the watchdog's hook needs to write the tables finished so far (rank 0). */
struct partial {
    const struct wb_world *w;
    struct wb_config *cfg;
    struct wb_run_info *run;
    const struct wb_sysinfo *si;
    const struct wb_results *res;
};

/* The watchdog fired: the main thread is blocked inside MPI, so no MPI call here. Rank 0
 * writes what is finished under NAME-incomplete.h5; the others have nothing to add. */
static void write_partial(void *ctx, const char *what, size_t tables_done)
{
    struct partial *p = ctx;
    if (p->w->rank != 0)
        return;
    utc_now(p->run->end_utc, sizeof p->run->end_utc, "%Y-%m-%dT%H:%M:%SZ");
    p->run->exit_status = WB_ERR_RUNTIME;
    p->run->complete = false;
    snprintf(p->run->verdict, sizeof p->run->verdict, "INCOMPLETE");
    char name[sizeof p->cfg->results_path];
    wb_h5_partial_name(p->cfg->results_path, name, sizeof name);
    snprintf(p->cfg->results_path, sizeof p->cfg->results_path, "%s", name);
    struct wb_error err;
    wb_error_clear(&err);
    if (wb_h5_write_partial(p->w, p->cfg, p->run, p->si, p->res, tables_done,
                            p->cfg->results_path, sizeof p->cfg->results_path, &err) == WB_OK)
        fprintf(stderr, "wavebench: the %zu tables finished before %s are in %s (incomplete)\n",
                tables_done, what, p->cfg->results_path);
    else
        fprintf(stderr, "wavebench: error: %s\n", err.msg);
}

/* Runs the configured suites; prints each table on rank 0 as it completes. A failed
 * check does not stop later suites; a runtime failure does. A stop request ends the run
 * after the suite it reached (which stops within one repetition or iteration): the run is
 * interrupted even when that suite happened to be finishing, since later ones never ran. */
static int run_suites(const struct wb_world *w, const struct wb_config *cfg,
                      const struct wb_backends *be, struct wb_results *res, struct wb_error *err)
{
    int status = WB_OK;
    /* First the devices the figures will come from, printed like a suite's table. */
    if (be->cuda && (status = wb_devices_table(res, w, &be->gpu, err)) != WB_OK)
        return status;
    if (be->cuda && w->rank == 0 && !cfg->quiet)
        wb_text_table(res->tables[res->ntables - 1], stdout);
    for (size_t s = 0; s < sizeof suites / sizeof suites[0]; s++) {
        if (!(cfg->suites & suites[s].bit))
            continue;
        size_t first = res->ntables;
        wb_watchdog_tables_done(first);
        char phase[64];
        snprintf(phase, sizeof phase, "the %s suite (between its measurements)",
                 wb_suite_name(__builtin_ctz(suites[s].bit)));
        wb_watchdog_phase(phase);
        struct wb_error suite_err;
        wb_error_clear(&suite_err);
        int rc = suites[s].run(w, cfg, be, res, &suite_err);
        /* Every rank reaches here unless the suite ended the job: the note is collective. */
        for (size_t i = first; i < res->ntables && rc != WB_ERR_RUNTIME; i++)
            if (wb_stragglers_note(res->tables[i], w, &suite_err) != WB_OK)
                rc = WB_ERR_RUNTIME;
        wb_watchdog_phase(NULL);
        if (w->rank == 0 && !cfg->quiet) {
            for (size_t i = first; i < res->ntables; i++)
                wb_text_table(res->tables[i], stdout);
            fflush(stdout);
        }
        if (rc != WB_OK) {
            wb_error_set(err, rc, suite_err.file, suite_err.line, "%s", suite_err.msg);
            status = status == WB_OK ? rc : status;
            if (rc != WB_ERR_CHECK)
                break;
        }
        int stop = wb_world_stop_requested(w);
        if (stop) {
            if (status != WB_ERR_INTERRUPTED) {
                wb_error_clear(err);
                WB_FAIL(err, WB_ERR_INTERRUPTED,
                        "stop requested (%s); the results so far are written, marked incomplete",
                        wb_signal_name(stop));
            }
            return WB_ERR_INTERRUPTED;
        }
    }
    return status;
}

/* Acceptance thresholds: a figure that misses makes the run fail its check. The suites mark
 * the columns a threshold takes part in (wb_table_set_threshold): max_rel_l2 bounds every
 * value of the figures marked with it (NaN fails: a diverged run); min_busbw bounds the
 * figures marked with it (NaN: not measured) at the rows of the largest value of the key
 * marked with it, the message size. */
static int check_thresholds(const struct wb_config *cfg, const struct wb_results *res,
                            struct wb_error *err)
{
    for (size_t i = 0; i < res->ntables && cfg->report.max_rel_l2 > 0; i++) {
        const struct wb_table *t = res->tables[i];
        for (size_t c = 0; c < t->ncols; c++) {
            const struct wb_column *col = &t->cols[c];
            if (strcmp(col->threshold, "max_rel_l2") != 0 || col->role != WB_ROLE_FIGURE)
                continue;
            for (size_t r = 0; r < t->nrows; r++)
                if (!(col->data.f64[r] <= cfg->report.max_rel_l2))
                    return WB_FAIL(err, WB_ERR_CHECK,
                                   "%s: relative L2 error %.3e is above max_rel_l2 %.3e", t->path,
                                   col->data.f64[r], cfg->report.max_rel_l2);
        }
    }
    for (size_t i = 0; i < res->ntables && cfg->report.min_busbw > 0; i++) {
        const struct wb_table *t = res->tables[i];
        int size = -1;
        for (size_t c = 0; c < t->ncols && size < 0; c++)
            if (strcmp(t->cols[c].threshold, "min_busbw") == 0 && t->cols[c].role == WB_ROLE_KEY &&
                t->cols[c].type == WB_COL_I64)
                size = (int)c;
        if (size < 0 || t->nrows == 0)
            continue;
        int64_t largest = 0;
        for (size_t r = 0; r < t->nrows; r++)
            if (t->cols[size].data.i64[r] > largest)
                largest = t->cols[size].data.i64[r];
        for (size_t c = 0; c < t->ncols; c++) {
            const struct wb_column *col = &t->cols[c];
            if (strcmp(col->threshold, "min_busbw") != 0 || col->role != WB_ROLE_FIGURE)
                continue;
            for (size_t r = 0; r < t->nrows; r++) {
                double bw = col->data.f64[r];
                if (t->cols[size].data.i64[r] == largest && bw == bw && bw < cfg->report.min_busbw)
                    return WB_FAIL(err, WB_ERR_CHECK,
                                   "%s: bus bandwidth %.2f GB/s at %lld B is below min_busbw %.2f",
                                   t->path, bw, (long long)largest, cfg->report.min_busbw);
            }
        }
    }
    return WB_OK;
}

/* Collective: every rank must have resolved the same configuration (an MPMD launch, a
 * configuration file that differs between nodes or changed during the launch), or the
 * suites would wait for each other forever. One line naming the first difference. */
static int agree_config(const struct wb_world *w, const struct wb_config *cfg,
                        enum wb_action action, struct wb_error *err)
{
    int act[2] = {(int)action, -(int)action}, all[2];
    MPI_Allreduce(act, all, 2, MPI_INT, MPI_MIN, w->comm);
    if (all[0] != -all[1]) {
        WB_FAIL(err, WB_ERR_USAGE, "the ranks were given different actions (--help, "
                                   "--dry-run, --version, --list-keys or a run)");
        return wb_world_agree(w, err);
    }
    char *mine = wb_config_ini_string(cfg), *root = NULL;
    if (!mine)
        WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (configuration text)");
    int same = wb_world_same_text(w, mine ? mine : "", &root);
    if (same < 0)
        WB_FAIL(err, WB_ERR_RUNTIME, "cannot compare the ranks' configurations (MPI failed)");
    else if (same == 0 && mine && strcmp(mine, root) != 0) {
        char where[128];
        wb_config_first_difference(root, mine, where, sizeof where);
        WB_FAIL(err, WB_ERR_USAGE,
                "rank %d resolved a different configuration from rank 0's (first at %s); every "
                "rank must get the same options and configuration file",
                w->rank, where);
    }
    free(root);
    free(mine);
    return wb_world_agree(w, err);
}

/* Rank 0 names and checks the output files (wb_config_resolve_paths); every rank gets the
 * names. */
static int resolve_paths(const struct wb_world *w, struct wb_config *cfg, const char *stamp,
                         struct wb_error *err)
{
    if (w->rank == 0)
        wb_config_resolve_paths(cfg, stamp, err);
    MPI_Bcast(cfg->results_path, sizeof cfg->results_path, MPI_CHAR, 0, w->comm);
    MPI_Bcast(cfg->checkpoint_path, sizeof cfg->checkpoint_path, MPI_CHAR, 0, w->comm);
    return wb_world_agree(w, err);
}

int main(int argc, char **argv)
{
    /* A closed pipe (| head) is a failed write, not a death before the results file. */
    signal(SIGPIPE, SIG_IGN);
    if (argc > 1 && wb_tools_is_command(argv[1]))
        return wb_tools_main(argc, argv); /* report, compare, export: no MPI */
    struct wb_error err;
    wb_error_clear(&err);
    struct wb_world w;
    if (wb_world_init(&w, &argc, &argv, &err) != WB_OK) {
        print_error(&err, false); /* before the options are read */
        return WB_ERR_RUNTIME;
    }

    struct wb_config cfg;
    enum wb_action action;
    struct wb_run_info run = {0};
    join_argv(run.command_line, sizeof run.command_line, argc, argv);
    utc_now(run.start_utc, sizeof run.start_utc, "%Y-%m-%dT%H:%M:%SZ");

    wb_signal_install(); /* a stop during start-up is honoured at the first safe point */
    /* One name for every rank: rank 0's clock decides. */
    char stamp[32];
    utc_now(stamp, sizeof stamp, "%Y%m%d-%H%M%S");
    MPI_Bcast(stamp, sizeof stamp, MPI_CHAR, 0, w.comm);
    snprintf(run.run_id, sizeof run.run_id, "%s-%d", stamp, w.size);

    wb_config_load(&cfg, argc, argv, &action, &err);
    if (wb_world_agree(&w, &err) == WB_OK && agree_config(&w, &cfg, action, &err) == WB_OK &&
        action == WB_ACTION_RUN && resolve_paths(&w, &cfg, stamp, &err) == WB_OK) {
        if (cfg.suites & WB_SUITE_COLLECTIVES)
            wb_coll_validate(&w, &cfg, &err);
        if (cfg.suites & WB_SUITE_ARRAYS)
            wb_arrays_validate(&w, &cfg, &err);
        if (cfg.suites & WB_SUITE_PINN)
            wb_pinn_validate(&w, &cfg, &err);
    }
#ifdef WB_HAVE_CURL
    if (err.status == WB_OK && (action == WB_ACTION_RUN || action == WB_ACTION_DRY_RUN))
        wb_push_validate(&w, &cfg, &err); /* the URLs would be in the results file */
#endif
    struct wb_backends be;
    if (wb_world_agree(&w, &err) == WB_OK && action == WB_ACTION_RUN)
        wb_backend_open(&be, &w, &cfg, &err);
    int status = wb_world_agree(&w, &err);
    if (status != WB_OK) {
        if (w.rank == 0)
            print_error(&err, cfg.verbose);
        wb_world_finalize(&w);
        return status;
    }

    struct wb_sysinfo si;
    wb_sysinfo_collect(&si);
    if (action == WB_ACTION_RUN && be.cuda)
        be.cuda->versions(si.cuda, sizeof si.cuda, si.nccl, sizeof si.nccl);
    if (action != WB_ACTION_RUN) {
        if (w.rank == 0) {
            if (action == WB_ACTION_HELP)
                wb_config_print_help(stdout);
            else if (action == WB_ACTION_LIST_KEYS)
                wb_config_print_keys(stdout);
            else if (action == WB_ACTION_VERSION)
                printf("wavebench %s (%s)\nconfigure: %s\nHDF5 %s; BLAS %s; CUDA %s; NCCL %s; curl %s\n%s\n",
                       si.version, si.git_revision, si.configure_args, si.hdf5, si.blas, si.cuda,
                       si.nccl, si.curl, si.mpi_library);
            else
                wb_config_write_ini(&cfg, stdout);
            status = wb_tools_check_stdout();
        }
        MPI_Bcast(&status, 1, MPI_INT, 0, w.comm); /* the same exit code on every rank */
        wb_world_finalize(&w);
        return status;
    }

    const char *path = cfg.results_path;

    if (w.rank == 0 && !cfg.quiet) {
        print_banner(&w, &cfg, &si, path);
        fflush(stdout);
    }

    struct wb_results res = {0};
    /* Rank 0's system information on every rank, as the results files (the watchdog's
     * partial one too) record it. */
    MPI_Bcast(&si, sizeof si, MPI_BYTE, 0, w.comm);
    struct partial partial = {&w, &cfg, &run, &si, &res};
    if (wb_watchdog_start(cfg.timeout, w.rank, write_partial, &partial) != 0 && w.rank == 0)
        fprintf(stderr, "wavebench: warning: no watchdog thread: [run] timeout not enforced\n");
    status = run_suites(&w, &cfg, &be, &res, &err);
    wb_watchdog_stop();
    if (status == WB_OK)
        status = check_thresholds(&cfg, &res, &err);

    int written = status == WB_OK || status == WB_ERR_CHECK || status == WB_ERR_INTERRUPTED;
    if (written) {
        utc_now(run.end_utc, sizeof run.end_utc, "%Y-%m-%dT%H:%M:%SZ");
        run.exit_status = status;
        run.complete = status != WB_ERR_INTERRUPTED;
        snprintf(run.verdict, sizeof run.verdict, "%s",
                 status == WB_OK ? "PASSED" : status == WB_ERR_CHECK ? "FAILED" : "INCOMPLETE");
        /* The file's attributes must be the same on every rank: rank 0's clock. */
        MPI_Bcast(&run, sizeof run, MPI_BYTE, 0, w.comm);
        struct wb_error werr;
        wb_error_clear(&werr);
        if (wb_h5_write_results(&w, &cfg, &run, &si, &res, cfg.results_path,
                                sizeof cfg.results_path, &werr) != WB_OK) {
            wb_error_set(&err, werr.status, werr.file, werr.line, "%s", werr.msg);
            status = werr.status;
            written = 0;
        }
    }
#ifdef WB_HAVE_CURL
    if (written) /* only once the results file is safely in place */
        status = wb_push_after_run(&w, &cfg, &run, &res, status, &err);
#endif

    if (w.rank == 0) {
        if (status != WB_OK)
            print_error(&err, cfg.verbose);
        if (!cfg.quiet)
            printf("#\n# wavebench: %s (exit %d)%s%s\n", written ? run.verdict : "FAILED",
                   status, written ? ", results in " : "", written ? path : "");
    }
    wb_results_free(&res);
    wb_world_finalize(&w);
    return status;
}
