/* wavebench tools: the report, compare and export subcommands (tools.h). */
#define _XOPEN_SOURCE 700
#include "wavebench/tools.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wavebench/compare.h"
#include "wavebench/export.h"
#include "wavebench/h5.h"
#include "wavebench/report.h"

bool wb_tools_is_command(const char *argv1)
{
    return argv1 && (strcmp(argv1, "report") == 0 || strcmp(argv1, "compare") == 0 ||
                     strcmp(argv1, "export") == 0);
}

static int usage_error(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, "wavebench: error: %s: %s%s%s\n", cmd, msg, arg ? " " : "", arg ? arg : "");
    return WB_ERR_USAGE;
}

static const char report_usage[] = "usage: wavebench report FILE.h5 [--markdown] [--plots DIR] [-o OUT]\n";
static const char compare_usage[] =
    "usage: wavebench compare BASE.h5 NEW.h5 [--threshold PCT] [--allow-mismatch]\n";
static const char export_usage[] = "usage: wavebench export FILE.h5 --csv|--json [-o OUT]\n";

/* -o OUT is written under OUT.partial and renamed when whole, like the results file, so
 * OUT is never half-written and an earlier OUT survives a failure. */
struct out_file {
    FILE *f;
    const char *path; /* NULL: stdout */
    char tmp[4096];
};

static int open_out(struct out_file *o, const char *cmd, const char *path)
{
    o->path = path;
    if (!path) {
        o->f = stdout;
        return WB_OK;
    }
    snprintf(o->tmp, sizeof o->tmp, "%s.partial", path);
    o->f = fopen(o->tmp, "w");
    if (!o->f) {
        fprintf(stderr, "wavebench: error: %s: cannot write '%s': %s\n", cmd, path, strerror(errno));
        return WB_ERR_USAGE;
    }
    return WB_OK;
}

/* Finishes the output; with ok false (the content failed), discards it. */
static int close_out(struct out_file *o, const char *cmd, bool ok)
{
    if (!o->path)
        return fflush(stdout) == 0 && ok ? WB_OK : WB_ERR_RUNTIME;
    int closed = fclose(o->f) == 0;
    if (ok && closed && rename(o->tmp, o->path) == 0)
        return WB_OK;
    unlink(o->tmp);
    if (ok)
        fprintf(stderr, "wavebench: error: %s: cannot write '%s'\n", cmd, o->path);
    return WB_ERR_RUNTIME;
}

static int cmd_report(int argc, char **argv)
{
    const char *file = NULL, *plots = NULL, *outp = NULL;
    bool markdown = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--markdown") == 0)
            markdown = true;
        else if (strcmp(argv[i], "--plots") == 0 && i + 1 < argc)
            plots = argv[++i];
        else if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc)
            outp = argv[++i];
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(report_usage, stdout);
            return WB_OK;
        } else if (argv[i][0] == '-')
            return usage_error("report", "unknown option or missing argument:", argv[i]);
        else if (!file)
            file = argv[i];
        else
            return usage_error("report", "one results file only; extra:", argv[i]);
    }
    if (!file)
        return usage_error("report", "no results file given; usage: report FILE.h5 [--markdown] [--plots DIR] [-o OUT]", NULL);
    struct wb_error err;
    wb_error_clear(&err);
    struct wb_results_file f;
    if (wb_h5_read_results(&f, file, &err) != WB_OK) {
        wb_h5_results_file_free(&f);
        return usage_error("report", err.msg, NULL);
    }
    struct out_file out;
    int status = open_out(&out, "report", outp);
    if (status == WB_OK) {
        if (markdown)
            wb_report_markdown(&f, file, out.f);
        else
            wb_report_text(&f, out.f);
        status = close_out(&out, "report", true);
    }
    wb_h5_results_file_free(&f);
    if (status == WB_OK && plots) {
        if (wb_report_plots(file, plots, &err) != WB_OK) {
            fprintf(stderr, "wavebench: error: %s\n", err.msg);
            return err.status;
        }
        fprintf(stderr, "wavebench: plots written to %s\n", plots);
    }
    return status;
}

static int cmd_compare(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL};
    struct wb_compare_options opt = {0, false};
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--threshold") == 0 && i + 1 < argc) {
            if (wb_parse_double(argv[++i], &opt.threshold) != 0 || !(opt.threshold > 0) ||
                opt.threshold > 1e6)
                return usage_error("compare", "--threshold: expected a percentage > 0, got",
                                   argv[i]);
        } else if (strcmp(argv[i], "--allow-mismatch") == 0)
            opt.allow_mismatch = true;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(compare_usage, stdout);
            return WB_OK;
        } else if (argv[i][0] == '-')
            return usage_error("compare", "unknown option or missing argument:", argv[i]);
        else if (!files[0])
            files[0] = argv[i];
        else if (!files[1])
            files[1] = argv[i];
        else
            return usage_error("compare", "two results files only; extra:", argv[i]);
    }
    if (!files[1])
        return usage_error("compare", "two results files needed; usage: compare BASE.h5 NEW.h5 [--threshold PCT]", NULL);
    struct wb_error err;
    wb_error_clear(&err);
    struct wb_results_file f[2];
    memset(f, 0, sizeof f);
    int status = WB_OK;
    for (int k = 0; k < 2 && status == WB_OK; k++)
        status = wb_h5_read_results(&f[k], files[k], &err);
    if (status == WB_OK)
        status = wb_compare(&f[0], files[0], &f[1], files[1], &opt, stdout, &err);
    fflush(stdout);
    if (status == WB_ERR_USAGE || status == WB_ERR_RUNTIME)
        fprintf(stderr, "wavebench: error: compare: %s\n", err.msg);
    wb_h5_results_file_free(&f[0]);
    wb_h5_results_file_free(&f[1]);
    return status;
}

static int cmd_export(int argc, char **argv)
{
    const char *file = NULL, *outp = NULL;
    int format = 0; /* 1 csv, 2 json */
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--csv") == 0 || strcmp(argv[i], "--json") == 0) {
            int f = argv[i][2] == 'c' ? 1 : 2;
            if (format && format != f)
                return usage_error("export", "choose one of --csv and --json", NULL);
            format = f;
        } else if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc)
            outp = argv[++i];
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(export_usage, stdout);
            return WB_OK;
        } else if (argv[i][0] == '-')
            return usage_error("export", "unknown option or missing argument:", argv[i]);
        else if (!file)
            file = argv[i];
        else
            return usage_error("export", "one results file only; extra:", argv[i]);
    }
    if (!file)
        return usage_error("export", "no results file given; usage: export FILE.h5 --csv|--json [-o OUT]", NULL);
    if (!format)
        return usage_error("export", "--csv or --json is required", NULL);
    struct wb_error err;
    wb_error_clear(&err);
    struct wb_results_file f;
    if (wb_h5_read_results(&f, file, &err) != WB_OK) {
        wb_h5_results_file_free(&f);
        return usage_error("export", err.msg, NULL);
    }
    struct out_file out;
    int status = open_out(&out, "export", outp);
    if (status == WB_OK) {
        status = format == 1 ? wb_export_csv(&f, out.f, &err) : wb_export_json(&f, out.f, &err);
        if (status != WB_OK)
            fprintf(stderr, "wavebench: error: export: %s\n", err.msg);
        int cs = close_out(&out, "export", status == WB_OK);
        status = status != WB_OK ? status : cs;
    }
    wb_h5_results_file_free(&f);
    return status;
}

int wb_tools_main(int argc, char **argv)
{
    if (argc < 2)
        return WB_ERR_USAGE;
    if (strcmp(argv[1], "report") == 0)
        return cmd_report(argc, argv);
    if (strcmp(argv[1], "compare") == 0)
        return cmd_compare(argc, argv);
    if (strcmp(argv[1], "export") == 0)
        return cmd_export(argc, argv);
    return usage_error(argv[1], "unknown subcommand; allowed: report, compare, export", NULL);
}
