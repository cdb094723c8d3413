/* wavebench report: text and Markdown reports of a results file, and the plots (report.h). */
#define _XOPEN_SOURCE 700
#include "wavebench/report.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "wavebench/config.h"
#include "wavebench/text.h"

#ifndef WB_PLOTS_INSTALLED
#define WB_PLOTS_INSTALLED "/usr/local/share/wavebench/wavebench_plots.py"
#endif
#ifndef WB_PLOTS_SOURCE
#define WB_PLOTS_SOURCE ""
#endif
#ifndef WB_BUILD_DIR
#define WB_BUILD_DIR ""
#endif


static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *attr_text(const struct wb_table *t, const char *name)
{
    const struct wb_attr *a = wb_table_attr(t, name);
    return a && a->is_text ? a->text : "";
}

static double attr_num(const struct wb_table *t, const char *name)
{
    const struct wb_attr *a = wb_table_attr(t, name);
    return a && !a->is_text ? a->number : NAN;
}

/* A clock in MHz, or "unknown" where the machine did not say (NaN). */
static const char *mhz_text(char *buf, size_t size, double mhz)
{
    if (isnan(mhz))
        snprintf(buf, size, "unknown");
    else
        snprintf(buf, size, "%.0f MHz", mhz);
    return buf;
}

/* ---- key figures ------------------------------------------------------------------- */

/* One line per printed table: its verdict and the best value of each printed figure (the
 * largest bandwidth, the smallest error), and where. Verdict columns are summed up by the
 * table's verdict. */
static void key_figures(const struct wb_results_file *f, FILE *out, bool markdown)
{
    for (size_t i = 0; i < f->results.ntables; i++) {
        const struct wb_table *t = f->results.tables[i];
        if (!wb_table_printed(t) || t->nrows == 0 || ends_with(t->path, "/history"))
            continue;
        char line[1024];
        size_t used = 0;
        line[0] = '\0';
        const char *verdict = attr_text(t, "verdict");
        int size = wb_table_col(t, "size");
        for (size_t c = 0; c < t->ncols && used < sizeof line - 384; c++) {
            const struct wb_column *col = &t->cols[c];
            int dir = col->better;
            if (!col->width || col->role != WB_ROLE_FIGURE)
                continue;
            if (wb_table_time_unit(col->unit) && t->nrows > 1)
                continue; /* times across sizes have no single best */
            long best = -1;
            for (size_t r = 0; r < t->nrows; r++) {
                double v = col->data.f64[r];
                if (!isnan(v) && (best < 0 || (dir > 0 ? v > col->data.f64[best]
                                                       : v < col->data.f64[best])))
                    best = (long)r;
            }
            if (best < 0)
                continue;
            char item[256], where[96] = "";
            if (size >= 0 && t->nrows > 1)
                snprintf(where, sizeof where, " at %lld B", (long long)t->cols[size].data.i64[best]);
            snprintf(item, sizeof item, "%s%s %s%.4g%s%s%s%s%s", used ? ", " : "",
                     col->head[0] ? col->head : col->name, t->nrows > 1 ? (dir > 0 ? "max " : "min ") : "",
                     col->data.f64[best], col->unit[0] ? " " : "", col->unit,
                     col->group[0] ? " (" : "", col->group, col->group[0] ? ")" : "");
            int n = snprintf(line + used, sizeof line - used, "%s%s", item, where);
            if (n > 0)
                used += (size_t)n < sizeof line - used ? (size_t)n : sizeof line - used - 1;
        }
        if (markdown)
            fprintf(out, "| `%s` | %s | %s |\n", t->path, verdict[0] ? verdict : "-",
                    line[0] ? line : "-");
        else
            fprintf(out, "#   %-26s %-9s %s\n", t->path, verdict[0] ? verdict : "-", line);
    }
}

/* ---- text report ------------------------------------------------------------------- */

void wb_report_text(const struct wb_results_file *f, FILE *out)
{
    const struct wb_table *m = &f->meta;
    fprintf(out, "# wavebench results: run %s, %s .. %s\n", attr_text(m, "run_id"),
            attr_text(m, "start_utc"), attr_text(m, "end_utc"));
    fprintf(out, "# wavebench %s (%s); %s\n", attr_text(m, "wavebench_version"),
            attr_text(m, "git_revision"), attr_text(m, "compiler"));
    fprintf(out, "# %.0f ranks on %.0f localities, backend %s\n", attr_num(m, "ranks"),
            attr_num(m, "localities"), attr_text(m, "backend"));
    fprintf(out, "# CPU %s, %.0f CPUs, %.1f GiB; %s\n", attr_text(m, "cpu_model"),
            attr_num(m, "cpus_online"), attr_num(m, "mem_total_gib"), attr_text(m, "os"));
    fprintf(out, "# %s; HDF5 %s; BLAS %s; CUDA %s; NCCL %s; curl %s\n", attr_text(m, "mpi_library"),
            attr_text(m, "hdf5_version"), attr_text(m, "blas"), attr_text(m, "cuda"),
            attr_text(m, "nccl"), attr_text(m, "curl"));
    if (attr_text(m, "blas_core")[0]) /* files before the kernel was recorded have none */
        fprintf(out, "# BLAS kernels: %s%s%s\n", attr_text(m, "blas_core"),
                attr_text(m, "blas_warning")[0] ? "; warning: " : "", attr_text(m, "blas_warning"));
    if (attr_text(m, "compiler_flags")[0]) { /* files from before these were recorded */
        char mhz[32], max[32];
        fprintf(out, "# build flags: %s; BLAS threading %s, %.0f threads at start; CPU clock "
                     "%s (max %s), governor %s\n",
                attr_text(m, "compiler_flags"), attr_text(m, "blas_parallel"),
                attr_num(m, "blas_threads"), mhz_text(mhz, sizeof mhz, attr_num(m, "cpu_mhz")),
                mhz_text(max, sizeof max, attr_num(m, "cpu_max_mhz")),
                attr_text(m, "cpu_governor"));
    }
    fprintf(out, "# timer: MPI_Wtick %.3g s, MPI_WTIME_IS_GLOBAL %.0f\n", attr_num(m, "wtick"),
            attr_num(m, "wtime_is_global"));
    fprintf(out, "# command line: %s\n", attr_text(m, "command_line"));
    for (size_t i = 0; i < f->results.ntables; i++)
        wb_text_table(f->results.tables[i], out);
    fprintf(out, "#\n# key figures\n");
    key_figures(f, out, false);
    fprintf(out, "#\n# verdict: %s (exit %.0f%s)\n", attr_text(m, "verdict"),
            attr_num(m, "exit_status"), attr_num(m, "complete") == 0 ? ", incomplete" : "");
}

/* ---- Markdown ---------------------------------------------------------------------- */

/* Table cells: '|' would end the cell, newlines the row. */
static void md_cell(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", out);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
}

static void md_value(FILE *out, const struct wb_column *c, size_t r)
{
    if (c->type == WB_COL_I64)
        fprintf(out, "%lld", (long long)c->data.i64[r]);
    else if (c->type == WB_COL_STR)
        md_cell(out, c->data.str[r]);
    else if (isnan(c->data.f64[r]))
        fputs("n/a", out);
    else if (c->precision < 0)
        fprintf(out, "%.*e", -c->precision, c->data.f64[r]);
    else
        fprintf(out, "%.*f", c->precision, c->data.f64[r]);
}

static void md_table(FILE *out, const struct wb_table *t)
{
    fprintf(out, "### %s\n\n`/%s`\n\n|", t->title, t->path);
    for (size_t i = 0; i < t->ncols; i++) {
        const struct wb_column *c = &t->cols[i];
        if (!c->width)
            continue;
        fputc(' ', out);
        if (c->group[0]) {
            md_cell(out, c->group);
            fputc(' ', out);
        }
        md_cell(out, c->head[0] ? c->head : c->name);
        if (c->unit[0]) {
            fputs(" (", out);
            md_cell(out, c->unit);
            fputc(')', out);
        }
        fputs(" |", out);
    }
    fputs("\n|", out);
    for (size_t i = 0; i < t->ncols; i++)
        if (t->cols[i].width)
            fputs(t->cols[i].type == WB_COL_STR ? "---|" : "---:|", out);
    fputc('\n', out);
    for (size_t r = 0; r < t->nrows; r++) {
        fputc('|', out);
        for (size_t i = 0; i < t->ncols; i++) {
            if (!t->cols[i].width)
                continue;
            fputc(' ', out);
            md_value(out, &t->cols[i], r);
            fputs(" |", out);
        }
        fputc('\n', out);
    }
    if (t->nattrs)
        fputc('\n', out);
    for (size_t i = 0; i < t->nattrs; i++) {
        const struct wb_attr *a = &t->attrs[i];
        fprintf(out, "- %s: ", a->name);
        if (a->is_text)
            md_cell(out, a->text);
        else
            fprintf(out, "%.6g", a->number);
        fputc('\n', out);
    }
    fputc('\n', out);
}

void wb_report_markdown(const struct wb_results_file *f, const char *path, FILE *out)
{
    const struct wb_table *m = &f->meta;
    const char *verdict = attr_text(m, "verdict");
    fprintf(out, "# wavebench evidence report: run %s\n\n", attr_text(m, "run_id"));
    fprintf(out, "**Verdict: %s** (exit status %.0f%s)\n\n", verdict[0] ? verdict : "unknown",
            attr_num(m, "exit_status"), attr_num(m, "complete") == 0 ? ", run incomplete" : "");
    fprintf(out, "## Run\n\n| | |\n|---|---|\n");
    fprintf(out, "| results file | `");
    md_cell(out, path);
    fprintf(out, "` |\n| start, end (UTC) | %s, %s |\n", attr_text(m, "start_utc"),
            attr_text(m, "end_utc"));
    fprintf(out, "| command line | `");
    md_cell(out, attr_text(m, "command_line"));
    fprintf(out, "` |\n| ranks, localities | %.0f, %.0f |\n| backend | %s |\n",
            attr_num(m, "ranks"), attr_num(m, "localities"), attr_text(m, "backend"));
    fprintf(out, "| timer | MPI_Wtick %.3g s, MPI_WTIME_IS_GLOBAL %.0f |\n\n",
            attr_num(m, "wtick"), attr_num(m, "wtime_is_global"));
    fprintf(out, "## System and software\n\n| | |\n|---|---|\n");
    static const char *const keys[][2] = {
        {"CPU", "cpu_model"}, {"OS", "os"}, {"wavebench", "wavebench_version"},
        {"git revision", "git_revision"}, {"configure", "configure_args"},
        {"compiler", "compiler"}, {"MPI", "mpi_library"}, {"HDF5", "hdf5_version"},
        {"BLAS", "blas"}, {"BLAS kernels", "blas_core"}, {"BLAS warning", "blas_warning"},
        {"compiler flags", "compiler_flags"}, {"BLAS threading", "blas_parallel"},
        {"CPU governor", "cpu_governor"}, {"CUDA", "cuda"}, {"NCCL", "nccl"}, {"curl", "curl"}};
    for (size_t i = 0; i < WB_ARRAY_LEN(keys); i++) {
        fprintf(out, "| %s | ", keys[i][0]);
        md_cell(out, attr_text(m, keys[i][1]));
        fputs(" |\n", out);
    }
    fprintf(out, "| CPUs online, memory | %.0f, %.1f GiB |\n", attr_num(m, "cpus_online"),
            attr_num(m, "mem_total_gib"));
    char mhz[32], max[32];
    fprintf(out, "| CPU clock, maximum (rank 0) | %s, %s |\n\n",
            mhz_text(mhz, sizeof mhz, attr_num(m, "cpu_mhz")),
            mhz_text(max, sizeof max, attr_num(m, "cpu_max_mhz")));
    fprintf(out, "## Key figures\n\n| table | verdict | figures |\n|---|---|---|\n");
    key_figures(f, out, true);
    fprintf(out, "\n## Tables\n\n");
    for (size_t i = 0; i < f->results.ntables; i++)
        if (wb_table_printed(f->results.tables[i]))
            md_table(out, f->results.tables[i]);
    fprintf(out, "## Configuration\n\n```ini\n%s```\n\n", f->config_ini ? f->config_ini : "");
    fprintf(out, "Every repetition's time on every rank is in the results file (raw datasets);"
                 " the tables above are summaries of it.\n");
}

/* ---- plots ------------------------------------------------------------------------- */

void wb_report_plots_script(char *out, size_t size)
{
    const char *env = getenv("WAVEBENCH_PLOTS");
    if (env && env[0]) {
        snprintf(out, size, "%s", env);
        return;
    }
    /* A binary in the build tree uses the source tree's script; an installed one its own. */
    char exe[PATH_MAX], dir[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0 && WB_BUILD_DIR[0] && WB_PLOTS_SOURCE[0] && realpath(WB_BUILD_DIR, dir)) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        if (strcmp(exe, dir) == 0 && access(WB_PLOTS_SOURCE, R_OK) == 0) {
            snprintf(out, size, "%s", WB_PLOTS_SOURCE);
            return;
        }
    }
    snprintf(out, size, "%s", WB_PLOTS_INSTALLED);
}

int wb_report_plots(const char *results_path, const char *dir, struct wb_error *err)
{
    char script[PATH_MAX + 64];
    wb_report_plots_script(script, sizeof script);
    if (access(script, R_OK) != 0)
        return WB_FAIL(err, WB_ERR_RUNTIME, "plots: cannot read the plotting tool '%s' (set WAVEBENCH_PLOTS)",
                       script);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return WB_FAIL(err, WB_ERR_USAGE, "--plots: cannot create '%s': %s", dir, strerror(errno));
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return WB_FAIL(err, WB_ERR_USAGE, "--plots: '%s' is not a directory", dir);
    const char *python = getenv("WAVEBENCH_PYTHON");
    if (!python || !python[0])
        python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return WB_FAIL(err, WB_ERR_RUNTIME, "plots: fork: %s", strerror(errno));
    if (pid == 0) {
        char *args[] = {(char *)python, script, (char *)results_path, (char *)dir, NULL};
        execvp(python, args);
        fprintf(stderr, "wavebench: error: plots: cannot run %s: %s\n", python, strerror(errno));
        _exit(127);
    }
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            return WB_FAIL(err, WB_ERR_RUNTIME, "plots: waitpid: %s", strerror(errno));
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
        return WB_FAIL(err, WB_ERR_RUNTIME, "plots: %s %s failed (exit %d)", python, script,
                       WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
    return WB_OK;
}
