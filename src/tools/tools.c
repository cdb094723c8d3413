/* wavebench tools: the report, compare and export subcommands (tools.h). */
#define _GNU_SOURCE /* fopencookie */
#include "wavebench/tools.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wavebench/compare.h"
#include "wavebench/export.h"
#include "wavebench/h5.h"
#include "wavebench/report.h"
#include "wavebench/safefile.h"

bool wb_tools_is_command(const char *argv1)
{
    return argv1 && (strcmp(argv1, "report") == 0 || strcmp(argv1, "compare") == 0 ||
                     strcmp(argv1, "export") == 0);
}

static int usage_error(const char *cmd, const char *msg, const char *arg)
{
    struct wb_error err; /* which makes control characters in arg '?': one line */
    wb_error_clear(&err);
    WB_FAIL(&err, WB_ERR_USAGE, "%s: %s%s%s", cmd, msg, arg ? " " : "", arg ? arg : "");
    fprintf(stderr, "wavebench: error: %s\n", err.msg);
    return WB_ERR_USAGE;
}

static const char report_usage[] = "usage: wavebench report FILE.h5 [--markdown] [--plots DIR] [-o OUT]\n";
static const char compare_usage[] =
    "usage: wavebench compare BASE.h5 NEW.h5 [--threshold PCT] [--allow-mismatch]\n";
static const char export_usage[] = "usage: wavebench export FILE.h5 --csv|--json [-o OUT]\n";

/* Everything the tools print passes through this filter: a results file is data from
 * anywhere, and a title or name carrying ESC or another control character must not reach
 * (and drive) a terminal. Newline and tab pass; other C0 controls, DEL and the C1 controls
 * (UTF-8 C2 80..C2 9F, which terminals also obey) become '?'. */
struct clean_out {
    FILE *to;
    bool pending_c2; /* the last write ended in 0xC2: the next byte decides what it was */
    int error;       /* errno of the first failed write, 0 while none */
};

static int clean_put(struct clean_out *c, const char *buf, size_t n)
{
    if (n && fwrite(buf, 1, n, c->to) != n) {
        if (!c->error)
            c->error = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

static ssize_t clean_write(void *cookie, const char *buf, size_t n)
{
    struct clean_out *c = cookie;
    char out[4096];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)buf[i];
        if (k + 2 > sizeof out) {
            if (clean_put(c, out, k) != 0)
                return -1;
            k = 0;
        }
        if (c->pending_c2) {
            c->pending_c2 = false;
            if (b >= 0x80 && b <= 0x9f) {
                out[k++] = '?';
                continue;
            }
            out[k++] = (char)0xc2;
        }
        if (b == 0xc2)
            c->pending_c2 = true;
        else if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7f)
            out[k++] = '?';
        else
            out[k++] = (char)b;
    }
    return clean_put(c, out, k) == 0 ? (ssize_t)n : -1;
}

static int clean_close(void *cookie)
{
    struct clean_out *c = cookie;
    int rc = c->pending_c2 ? clean_put(c, "\xc2", 1) : 0;
    c->pending_c2 = false;
    return rc;
}

/* Where a tool's output goes. A new or regular OUT is written under an unpredictable
 * exclusive temporary beside it and put in place when whole (an earlier OUT survives a
 * failure, and a planted OUT.partial symlink is never followed). Anything else at OUT (a
 * device, a FIFO, a symbolic link) is written through as the shell's > would, and never
 * replaced: as root, /dev/null would otherwise become a regular file. */
struct out_file {
    FILE *f;          /* what the tool writes to: the filter over raw */
    FILE *raw;        /* stdout, OUT itself, or the temporary */
    struct clean_out clean;
    const char *path; /* NULL: standard output */
    bool direct;      /* path is written in place */
    char tmp[4096];
};

static int out_fail(const char *cmd, const char *path, int e)
{
    if (path)
        fprintf(stderr, "wavebench: error: %s: cannot write '%s': %s\n", cmd, path, strerror(e));
    else
        fprintf(stderr, "wavebench: error: cannot write standard output: %s\n", strerror(e));
    return WB_ERR_RUNTIME;
}

int wb_tools_check_stdout(void)
{
    /* ferror too: a flush that failed earlier (a full buffer) left the stream marked. */
    int failed = fflush(stdout) != 0, e = errno;
    if (!failed && !ferror(stdout))
        return WB_OK;
    return out_fail(NULL, NULL, failed ? e : EIO);
}

/* Opens path for writing in place (it exists and is not a regular file). O_NONBLOCK: a
 * FIFO with no reader is refused instead of waited for; writes then block as usual. */
static FILE *open_direct(const char *cmd, const char *path)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    int flags = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
    if (fd < 0 || fstat(fd, &st) != 0 || flags < 0 ||
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ||
        (S_ISREG(st.st_mode) && ftruncate(fd, 0) != 0)) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        if (e == ENXIO)
            fprintf(stderr, "wavebench: error: %s: cannot write '%s': nothing reads from it\n",
                    cmd, path);
        else
            fprintf(stderr, "wavebench: error: %s: cannot write '%s': %s\n", cmd, path,
                    strerror(e));
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        fprintf(stderr, "wavebench: error: %s: cannot write '%s': %s\n", cmd, path, strerror(errno));
        close(fd);
    }
    return f;
}

/* path NULL or "-": standard output. */
static int open_out(struct out_file *o, const char *cmd, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = path && strcmp(path, "-") != 0 ? path : NULL;
    struct stat st;
    if (!o->path) {
        o->raw = stdout;
    } else if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        o->direct = true;
        o->raw = open_direct(cmd, path);
    } else {
        struct wb_error err;
        wb_error_clear(&err);
        o->raw = wb_safefile_create(path, o->tmp, sizeof o->tmp, &err);
        if (!o->raw)
            fprintf(stderr, "wavebench: error: %s: %s\n", cmd, err.msg);
    }
    if (!o->raw)
        return WB_ERR_USAGE;
    o->clean.to = o->raw;
    o->f = fopencookie(&o->clean, "w",
                       (cookie_io_functions_t){.write = clean_write, .close = clean_close});
    if (!o->f) {
        fprintf(stderr, "wavebench: error: %s: out of memory\n", cmd);
        if (o->raw != stdout)
            fclose(o->raw);
        if (o->tmp[0])
            unlink(o->tmp);
        return WB_ERR_RUNTIME;
    }
    return WB_OK;
}

/* Finishes the output; with ok false (the content failed), discards a new file. A failed
 * write is one line and exit 1. */
static int close_out(struct out_file *o, const char *cmd, bool ok)
{
    int e = ferror(o->f) ? (o->clean.error ? o->clean.error : EIO) : 0;
    if (fclose(o->f) != 0 && !e)
        e = o->clean.error ? o->clean.error : errno ? errno : EIO;
    if (!o->path) {
        int failed = fflush(stdout) != 0;
        if (!e && (failed || ferror(stdout)))
            e = failed ? errno : EIO;
    } else if (fclose(o->raw) != 0 && !e) {
        e = errno;
    }
    int status = e && ok ? out_fail(cmd, o->path, e) : ok ? WB_OK : WB_ERR_RUNTIME;
    if (!o->path || o->direct)
        return status;
    if (status == WB_OK) {
        struct wb_error err;
        wb_error_clear(&err);
        if (wb_safefile_place(o->tmp, o->path, true, &err) == WB_OK)
            return WB_OK;
        fprintf(stderr, "wavebench: error: %s: %s\n", cmd, err.msg);
        return WB_ERR_RUNTIME; /* the output is kept in the temporary it names */
    }
    unlink(o->tmp);
    return status;
}

/* A results file to read must be a regular file: HDF5 would wait forever on a FIFO.
 * Opened without blocking and checked on the descriptor, so it is the file it names. */
static int check_input(const char *cmd, const char *path)
{
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return WB_OK; /* the reader names the reason */
    struct stat st;
    bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    close(fd);
    return regular ? WB_OK : usage_error(cmd, "not a regular file:", path);
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
            return wb_tools_check_stdout();
        } else if (argv[i][0] == '-')
            return usage_error("report", "unknown option or missing argument:", argv[i]);
        else if (!file)
            file = argv[i];
        else
            return usage_error("report", "one results file only; extra:", argv[i]);
    }
    if (!file)
        return usage_error("report", "no results file given; usage: report FILE.h5 [--markdown] [--plots DIR] [-o OUT]", NULL);
    if (check_input("report", file) != WB_OK)
        return WB_ERR_USAGE;
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
            return wb_tools_check_stdout();
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
    for (int k = 0; k < 2; k++)
        if (check_input("compare", files[k]) != WB_OK)
            return WB_ERR_USAGE;
    struct wb_error err;
    wb_error_clear(&err);
    struct wb_results_file f[2];
    memset(f, 0, sizeof f);
    int status = WB_OK;
    for (int k = 0; k < 2 && status == WB_OK; k++)
        status = wb_h5_read_results(&f[k], files[k], &err);
    struct out_file out;
    if (status == WB_OK && (status = open_out(&out, "compare", NULL)) == WB_OK) {
        status = wb_compare(&f[0], files[0], &f[1], files[1], &opt, out.f, &err);
        /* Output lost is worse than any verdict in it. */
        int cs = close_out(&out, "compare", true);
        status = cs != WB_OK && status != WB_ERR_USAGE ? cs : status;
    }
    if (status == WB_ERR_USAGE || (status == WB_ERR_RUNTIME && err.status != WB_OK))
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
            return wb_tools_check_stdout();
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
    if (check_input("export", file) != WB_OK)
        return WB_ERR_USAGE;
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
        /* A failed write is close_out's to name (with its reason), not the exporter's. */
        bool write_failed = ferror(out.f) != 0;
        if (status != WB_OK && !write_failed)
            fprintf(stderr, "wavebench: error: export: %s\n", err.msg);
        int cs = close_out(&out, "export", status == WB_OK || write_failed);
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
