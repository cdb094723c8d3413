/* wavebench configuration: one table of keys drives defaults, INI parsing, the
 * command line, validation, --help and the INI dump. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "wavebench/config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "wavebench/safefile.h"

enum key_type { KEY_BOOL, KEY_INT, KEY_SIZE, KEY_DOUBLE, KEY_STRING, KEY_ENUM, KEY_SET };

struct key {
    const char *section;
    const char *name;
    enum key_type type;
    size_t offset;
    double lo, hi;              /* inclusive range for numbers */
    const char *const *choices; /* ENUM and SET */
    const char *opt;            /* long option, NULL when INI-only */
    int short_opt;              /* 0 when none */
    const char *deflt;          /* embedded default, as INI text */
    const char *help;
    unsigned flags;
};

enum { KEY_AUTO_OK = 1u << 0, /* INT: "auto" is allowed and stored as 0 */
       KEY_EMPTY_OK = 1u << 1 /* STRING: may be empty */ };

static const char *const suite_names[] = {"collectives", "arrays", "pinn", NULL};
static const char *const backend_names[] = {"cpu", "cuda", NULL};
static const char *const cuda_aware_names[] = {"auto", "yes", "no", NULL};
#define COLL_NAME(id, name) #name,
static const char *const coll_names[] = {WB_COLL_LIST(COLL_NAME) NULL};
#undef COLL_NAME
/* ",allreduce,reduce,...": every collective; the default is this past its first comma. */
#define COLL_ITEM(id, name) "," #name
#define COLL_ALL ("" WB_COLL_LIST(COLL_ITEM))
static const char *const dtype_names[] = {"int32", "int64", "float", "double", NULL};
static const char *const redop_names[] = {"sum", "min", "max", NULL};
static const char *const placement_names[] = {"out", "in", NULL};
static const char *const scope_names[] = {"world", "intra", "inter", NULL};
static const char *const array_op_names[] = {"sum", "min", "max", "dot", "norm", "scale",
                                             "add", "axpy", "cumsum", "slice", NULL};
static const char *const array_dtype_names[] = {"float", "double", NULL};
static const char *const problem_names[] = {"wave1d", "wave2d", NULL};
static const char *const precision_names[] = {"fp32", "fp64", NULL};

#define OFF(field) offsetof(struct wb_config, field)
#define BIG 9.0e18

static const struct key keys[] = {
    {"run", "suites", KEY_SET, OFF(suites), 0, 0, suite_names, "suite", 's',
     "collectives,arrays,pinn", "suites to run", 0},
    {"run", "backend", KEY_ENUM, OFF(backend), 0, 0, backend_names, "backend", 0, "cpu",
     "where the math runs", 0},
    {"run", "cuda_aware_mpi", KEY_ENUM, OFF(cuda_aware_mpi), 0, 0, cuda_aware_names,
     "cuda-aware-mpi", 0, "auto",
     "backend cuda: whether MPI takes device buffers (auto: ask the MPI library)", 0},
    {"run", "output_dir", KEY_STRING, OFF(output_dir), 0, 0, NULL, "output-dir", 0, ".",
     "directory of the results file (must exist and be writable)", 0},
    {"run", "output", KEY_STRING, OFF(output), 0, 0, NULL, "output", 0, "",
     "results file name (default wavebench-YYYYmmdd-HHMMSS.h5)", KEY_EMPTY_OK},
    {"run", "overwrite", KEY_BOOL, OFF(overwrite), 0, 0, NULL, "overwrite", 0, "false",
     "replace an existing results file of the same name (never done otherwise)", 0},
    {"run", "quiet", KEY_BOOL, OFF(quiet), 0, 0, NULL, "quiet", 'q', "false",
     "print nothing but errors", 0},
    {"run", "verbose", KEY_BOOL, OFF(verbose), 0, 0, NULL, "verbose", 'v', "false",
     "end the error line with the source file and line that raised it", 0},
    {"run", "timeout", KEY_DOUBLE, OFF(timeout), 0, 1e7, NULL, "timeout", 'T', "300",
     "seconds one measurement or PINN iteration may take before the run ends, exit 1, with "
     "the tables so far in NAME-incomplete.h5 (0: never)", 0},

    {"collectives", "collectives", KEY_SET, OFF(coll.colls), 0, 0, coll_names, "coll", 'c',
     COLL_ALL + 1, "collectives to sweep", 0},
    {"collectives", "datatypes", KEY_SET, OFF(coll.dtypes), 0, 0, dtype_names, "datatype", 'd',
     "float", "element types", 0},
    {"collectives", "ops", KEY_SET, OFF(coll.redops), 0, 0, redop_names, "op", 'o', "sum",
     "reduction operations", 0},
    {"collectives", "placements", KEY_SET, OFF(coll.placements), 0, 0, placement_names,
     "placement", 0, "out,in", "out-of-place and/or in-place", 0},
    {"collectives", "scopes", KEY_SET, OFF(coll.scopes), 0, 0, scope_names, "scopes", 0, "world",
     "ranks each sweep runs over: world (all), intra (each locality's own, all localities at "
     "once; the slowest reported), inter (one rank per locality)", 0},
    {"collectives", "link_gbps", KEY_DOUBLE, OFF(coll.link_gbps), 0, 1e7, NULL, "link-gbps", 0,
     "0", "rate of the link between localities in Gbit/s, for the inter scope's link fraction "
     "(0: unknown)", 0},
    {"collectives", "min_bytes", KEY_SIZE, OFF(coll.min_bytes), 1, 1LL << 40, NULL, "min-bytes",
     'b', "8", "smallest message size", 0},
    {"collectives", "max_bytes", KEY_SIZE, OFF(coll.max_bytes), 1, 1LL << 40, NULL, "max-bytes",
     'e', "64M", "largest message size", 0},
    {"collectives", "step_factor", KEY_INT, OFF(coll.factor), 2, 1 << 20, NULL, "step-factor",
     'f', "2", "size multiplication factor between steps", 0},
    {"collectives", "warmup", KEY_INT, OFF(coll.warmup), 0, 1e6, NULL, "warmup-iters", 'w', "5",
     "untimed iterations before each timed repetition", 0},
    {"collectives", "iters", KEY_INT, OFF(coll.iters), 1, 1e7, NULL, "iters", 'n', "auto",
     "timed iterations per repetition (auto: 100, fewer for large messages)", KEY_AUTO_OK},
    /* 10 by default: the median's 95% CI needs 6 repetitions, and from 10 it is narrower
     * than the range (ranks 2 and 9). */
    {"collectives", "repetitions", KEY_INT, OFF(coll.reps), 1, 1e5, NULL, "repetitions", 'R',
     "10", "timed repetitions per size (a CI of the median needs 6)", 0},
    {"collectives", "root", KEY_INT, OFF(coll.root), 0, 1e9, NULL, "root", 'r', "0",
     "root rank of reduce and broadcast", 0},
    {"collectives", "check", KEY_BOOL, OFF(coll.check), 0, 0, NULL, "check", 0, "true",
     "check every result", 0},

    {"arrays", "size", KEY_SIZE, OFF(arrays.n), 1, 1LL << 50, NULL, "array-size", 0, "4M",
     "global element count", 0},
    {"arrays", "datatypes", KEY_SET, OFF(arrays.dtypes), 0, 0, array_dtype_names,
     "array-datatype", 0, "double", "element types", 0},
    {"arrays", "ops", KEY_SET, OFF(arrays.ops), 0, 0, array_op_names, "ops", 0,
     "sum,min,max,dot,norm,scale,add,axpy,cumsum,slice", "operations", 0},
    {"arrays", "warmup", KEY_INT, OFF(arrays.warmup), 0, 1e6, NULL, "array-warmup", 0, "1",
     "untimed runs of each operation", 0},
    {"arrays", "repetitions", KEY_INT, OFF(arrays.reps), 1, 1e6, NULL, "array-repetitions", 0,
     "10", "timed runs of each operation (a CI of the median needs 6)", 0},
    {"arrays", "alpha", KEY_DOUBLE, OFF(arrays.alpha), -1e6, 1e6, NULL, "alpha", 0, "0.5",
     "alpha of axpy", 0},
    {"arrays", "slice_start", KEY_INT, OFF(arrays.slice_start), 0, BIG, NULL, "slice-start", 0,
     "0", "first index of slice", 0},
    {"arrays", "slice_stop", KEY_INT, OFF(arrays.slice_stop), -1, BIG, NULL, "slice-stop", 0,
     "-1", "end index of slice, exclusive (-1: the end)", 0},
    {"arrays", "slice_step", KEY_INT, OFF(arrays.slice_step), 1, BIG, NULL, "slice-step", 0,
     "2", "step of slice (positive)", 0},
    {"arrays", "serial_baseline", KEY_BOOL, OFF(arrays.serial_baseline), 0, 0, NULL,
     "serial-baseline", 0, "true", "time the same code on one rank for speedup", 0},

    {"pinn", "problem", KEY_ENUM, OFF(pinn.problem), 0, 0, problem_names, "problem", 0, "wave1d",
     "PDE to learn", 0},
    {"pinn", "precision", KEY_ENUM, OFF(pinn.precision), 0, 0, precision_names, "precision", 0,
     "fp64", "floating-point precision", 0},
    {"pinn", "width", KEY_INT, OFF(pinn.width), 1, 4096, NULL, "width", 0, "32",
     "neurons per hidden layer", 0},
    {"pinn", "depth", KEY_INT, OFF(pinn.depth), 1, 64, NULL, "depth", 0, "3", "hidden layers",
     0},
    {"pinn", "interior_points", KEY_INT, OFF(pinn.n_interior), 1, 1e9, NULL, "interior-points",
     0, "2048", "collocation points inside the domain", 0},
    {"pinn", "initial_points", KEY_INT, OFF(pinn.n_initial), 1, 1e9, NULL, "initial-points", 0,
     "256", "points at t = 0", 0},
    {"pinn", "boundary_points", KEY_INT, OFF(pinn.n_boundary), 1, 1e9, NULL, "boundary-points",
     0, "256", "points on the spatial boundary", 0},
    {"pinn", "iters", KEY_INT, OFF(pinn.iters), 1, 1e9, NULL, "pinn-iters", 0, "200",
     "training iterations", 0},
    {"pinn", "lr", KEY_DOUBLE, OFF(pinn.lr), 1e-12, 10, NULL, "lr", 0, "1e-3",
     "Adam learning rate", 0},
    {"pinn", "lr_decay", KEY_DOUBLE, OFF(pinn.lr_decay), 1e-6, 1, NULL, "lr-decay", 0, "1",
     "learning-rate factor per decay_steps iterations (1: constant)", 0},
    {"pinn", "decay_steps", KEY_INT, OFF(pinn.decay_steps), 1, 1e9, NULL, "decay-steps", 0,
     "1000", "iterations per lr_decay factor", 0},
    {"pinn", "w_pde", KEY_DOUBLE, OFF(pinn.w_pde), 0, 1e12, NULL, "w-pde", 0, "1",
     "weight of the PDE residual term", 0},
    {"pinn", "w_ic", KEY_DOUBLE, OFF(pinn.w_ic), 0, 1e12, NULL, "w-ic", 0, "1",
     "weight of the initial-value term", 0},
    {"pinn", "w_ict", KEY_DOUBLE, OFF(pinn.w_ict), 0, 1e12, NULL, "w-ict", 0, "1",
     "weight of the initial-velocity term", 0},
    {"pinn", "w_bc", KEY_DOUBLE, OFF(pinn.w_bc), 0, 1e12, NULL, "w-bc", 0, "1",
     "weight of the boundary term", 0},
    {"pinn", "hard_constraints", KEY_BOOL, OFF(pinn.hard_constraints), 0, 0, NULL,
     "hard-constraints", 0, "false", "impose IC and BC exactly by an output transform", 0},
    {"pinn", "seed", KEY_INT, OFF(pinn.seed), 0, BIG, NULL, "seed", 0, "1234",
     "seed of points and initial weights", 0},
    {"pinn", "threads", KEY_INT, OFF(pinn.threads), 1, 256, NULL, "threads", 0, "auto",
     "compute threads per rank (auto: the node's cores / its ranks)", KEY_AUTO_OK},
    {"pinn", "resample_every", KEY_INT, OFF(pinn.resample_every), 0, 1e9, NULL,
     "resample-every", 0, "0", "draw new points every K iterations (0: never)", 0},
    {"pinn", "log_every", KEY_INT, OFF(pinn.log_every), 1, 1e9, NULL, "log-every", 0, "50",
     "iterations between logged losses", 0},
    {"pinn", "eval_every", KEY_INT, OFF(pinn.eval_every), 0, 1e9, NULL, "eval-every", 0, "0",
     "iterations between error evaluations (0: only at the end)", 0},
    {"pinn", "target_rel_l2", KEY_DOUBLE, OFF(pinn.target_rel_l2), 0, 1e9, NULL,
     "target-rel-l2", 0, "0",
     "end training at the first evaluation (eval_every) whose relative L2 error is at most "
     "this (0: train all iterations)", 0},
    {"pinn", "warmup_iters", KEY_INT, OFF(pinn.warmup_iters), 0, 1e9, NULL, "pinn-warmup", 0,
     "5", "first iterations left out of the timing figures (all but one at most)", 0},
    {"pinn", "eval_grid", KEY_INT, OFF(pinn.eval_grid), 2, 4096, NULL, "eval-grid", 0, "64",
     "evaluation grid points per axis", 0},
    {"pinn", "checkpoint_every", KEY_INT, OFF(pinn.checkpoint_every), 0, 1e9, NULL,
     "checkpoint-every", 0, "0", "iterations between checkpoints (0: only at the end)", 0},
    {"pinn", "checkpoint", KEY_STRING, OFF(pinn.checkpoint), 0, 0, NULL, "checkpoint", 0, "",
     "checkpoint file (default: beside the results file)", KEY_EMPTY_OK},
    {"pinn", "resume", KEY_STRING, OFF(pinn.resume), 0, 0, NULL, "resume", 0, "",
     "continue from this checkpoint file", KEY_EMPTY_OK},

    {"report", "push", KEY_STRING, OFF(report.push), 0, 0, NULL, "push", 0, "",
     "Prometheus Pushgateway URL", KEY_EMPTY_OK},
    {"report", "push_json", KEY_STRING, OFF(report.push_json), 0, 0, NULL, "push-json", 0, "",
     "URL to POST a JSON summary to", KEY_EMPTY_OK},
    {"report", "push_required", KEY_BOOL, OFF(report.push_required), 0, 0, NULL,
     "push-required", 0, "false", "a failed push fails the run (exit 1)", 0},
    {"report", "push_timeout", KEY_DOUBLE, OFF(report.push_timeout), 0.1, 3600, NULL,
     "push-timeout", 0, "10", "seconds per push attempt", 0},
    {"report", "push_retries", KEY_INT, OFF(report.push_retries), 0, 10, NULL, "push-retries", 0,
     "3", "retries after a failed push, with back-off", 0},
    {"report", "push_insecure", KEY_BOOL, OFF(report.push_insecure), 0, 0, NULL,
     "push-insecure", 0, "false", "turn TLS certificate verification off", 0},
    {"report", "push_ca_file", KEY_STRING, OFF(report.push_ca_file), 0, 0, NULL, "push-ca-file", 0,
     "", "CA certificates (PEM file) that verify the push server, e.g. a private CA",
     KEY_EMPTY_OK},
    {"report", "min_busbw", KEY_DOUBLE, OFF(report.min_busbw), 0, 1e9, NULL, "min-busbw", 0,
     "0", "exit 3 if a collective's bus bandwidth (GB/s) at the largest size is below", 0},
    {"report", "max_rel_l2", KEY_DOUBLE, OFF(report.max_rel_l2), 0, 1e9, NULL, "max-rel-l2", 0,
     "0", "exit 3 if the PINN relative L2 error is above (0: off)", 0},

    {"debug", "corrupt_rank", KEY_INT, OFF(debug_corrupt_rank), -1, 1e9, NULL,
     "debug-corrupt-rank", 0, "-1", "TEST ONLY: this rank falsifies one checked value", 0},
    {"debug", "nan_iteration", KEY_INT, OFF(debug_nan_iteration), -1, 1e9, NULL,
     "debug-nan-iteration", 0, "-1", "TEST ONLY: corrupt_rank's PINN loss turns NaN here", 0},
    {"debug", "sleep_ms", KEY_INT, OFF(debug_sleep_ms), 0, 1e6, NULL, "debug-sleep-ms", 0, "0",
     "TEST ONLY: corrupt_rank sleeps this long before each PINN gradient all-reduce", 0},
};

#define NKEYS WB_ARRAY_LEN(keys)

/* getopt codes: keys at OPT_KEY + index, clear of characters and of the options below. */
enum { OPT_CONFIG = 1000, OPT_HELP, OPT_VERSION, OPT_DRY_RUN, OPT_LIST_KEYS, OPT_KEY = 2000 };

static int choice_index(const char *const *choices, const char *s, size_t len)
{
    for (int i = 0; choices[i]; i++)
        if (strlen(choices[i]) == len && strncmp(choices[i], s, len) == 0)
            return i;
    return -1;
}

static void join_choices(char *buf, size_t size, const char *const *choices)
{
    buf[0] = '\0';
    for (int i = 0; choices[i]; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", i ? ", " : "", choices[i]);
    }
}

static int is_blank(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

int wb_parse_int(const char *text, int64_t *out)
{
    if (!text || is_blank(text))
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno == ERANGE || end == text || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int wb_parse_double(const char *text, double *out)
{
    if (!text || is_blank(text))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno == ERANGE || end == text || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int wb_parse_size(const char *text, int64_t *out)
{
    if (!text || is_blank(text) || text[0] == '-' || text[0] == '+' || isspace((unsigned char)text[0]))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno == ERANGE || end == text || !isfinite(v) || v < 0)
        return -1;
    for (const char *p = text; p < end; p++) /* decimal only: no hex, no inf/nan spellings */
        if (!isdigit((unsigned char)*p) && !strchr(".eE+-", *p))
            return -1;
    double mult = 1;
    switch (toupper((unsigned char)*end)) {
    case 'K': mult = 1024.0; end++; break;
    case 'M': mult = 1024.0 * 1024; end++; break;
    case 'G': mult = 1024.0 * 1024 * 1024; end++; break;
    case 'T': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
    default: break;
    }
    if (mult > 1 && *end == 'i')
        end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end != '\0')
        return -1;
    double bytes = v * mult;
    if (bytes != floor(bytes) || bytes >= 9.2e18)
        return -1;
    *out = (int64_t)bytes;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on", NULL};
    static const char *const no[] = {"0", "false", "no", "off", NULL};
    for (int i = 0; yes[i]; i++)
        if (strcasecmp(s, yes[i]) == 0)
            return *out = true, 0;
    for (int i = 0; no[i]; i++)
        if (strcasecmp(s, no[i]) == 0)
            return *out = false, 0;
    return -1;
}

/* s as an error line may show it: control characters (a newline would split the line, an
 * escape sequence would reach the terminal) written as \n, \t or \xHH, cut to fit. */
static const char *shown(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (; *s && n + 5 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n' || c == '\t')
            n += (size_t)snprintf(buf + n, size - n, "\\%c", c == '\n' ? 'n' : 't');
        else if (c < 0x20 || c == 0x7f)
            n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
        else
            buf[n++] = (char)c;
    }
    buf[n] = '\0';
    return buf;
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* Names the key the way the user wrote it: an option or a section.key. */
static void key_label(char *buf, size_t size, const struct key *k, int from_cli)
{
    if (from_cli && k->opt)
        snprintf(buf, size, "--%s", k->opt);
    else
        snprintf(buf, size, "[%s] %s", k->section, k->name);
}

static int set_key(struct wb_config *cfg, const struct key *k, const char *value, int from_cli,
                   struct wb_error *err)
{
    char label[96];
    key_label(label, sizeof label, k, from_cli);
    void *field = (char *)cfg + k->offset;
    char allowed[256], buf[WB_ERR_MSG_LEN / 2];
    const char *raw = value;
    value = shown(raw, buf, sizeof buf);

    switch (k->type) {
    case KEY_BOOL:
        if (parse_bool(raw, field) != 0)
            return WB_FAIL(err, WB_ERR_USAGE, "%s: '%s' is not a boolean; use true or false",
                           label, value);
        return WB_OK;
    case KEY_INT:
    case KEY_SIZE: {
        int64_t v;
        if ((k->flags & KEY_AUTO_OK) && strcmp(raw, "auto") == 0) {
            *(int64_t *)field = 0;
            return WB_OK;
        }
        if ((k->type == KEY_INT ? wb_parse_int(raw, &v) : wb_parse_size(raw, &v)) != 0)
            return WB_FAIL(err, WB_ERR_USAGE, "%s: '%s' is not %s", label, value,
                           k->type == KEY_INT
                               ? ((k->flags & KEY_AUTO_OK) ? "an integer or auto" : "an integer")
                               : "a size; use a whole number with an optional K, M, G or T suffix");
        if ((double)v < k->lo || (double)v > k->hi)
            return WB_FAIL(err, WB_ERR_USAGE, "%s: %s is out of range; allowed %.0f to %.0f",
                           label, value, k->lo, k->hi);
        *(int64_t *)field = v;
        return WB_OK;
    }
    case KEY_DOUBLE: {
        double v;
        if (wb_parse_double(raw, &v) != 0)
            return WB_FAIL(err, WB_ERR_USAGE, "%s: '%s' is not a finite number", label, value);
        if (v < k->lo || v > k->hi)
            return WB_FAIL(err, WB_ERR_USAGE, "%s: %s is out of range; allowed %g to %g", label,
                           value, k->lo, k->hi);
        *(double *)field = v;
        return WB_OK;
    }
    case KEY_STRING:
        if (!(k->flags & KEY_EMPTY_OK) && is_blank(raw))
            return WB_FAIL(err, WB_ERR_USAGE, "%s: must not be empty", label);
        /* A newline would break the configuration's INI dump (config_ini, --dry-run). */
        if (has_control(raw))
            return WB_FAIL(err, WB_ERR_USAGE,
                           "%s: '%s' contains a control character (newline, tab, escape...)",
                           label, value);
        if (strlen(raw) >= WB_PATH_LEN)
            return WB_FAIL(err, WB_ERR_USAGE, "%s: longer than %d characters", label,
                           WB_PATH_LEN - 1);
        strcpy(field, raw);
        return WB_OK;
    case KEY_ENUM: {
        int i = choice_index(k->choices, raw, strlen(raw));
        if (i < 0) {
            join_choices(allowed, sizeof allowed, k->choices);
            return WB_FAIL(err, WB_ERR_USAGE, "%s: unknown value '%s'; allowed: %s", label,
                           value, allowed);
        }
        *(int *)field = i;
        return WB_OK;
    }
    case KEY_SET: {
        unsigned bits = 0;
        const char *p = raw;
        for (;;) {
            while (*p == ' ')
                p++;
            size_t len = strcspn(p, ", ");
            int i = choice_index(k->choices, p, len);
            if (len == 0 || i < 0) {
                join_choices(allowed, sizeof allowed, k->choices);
                return WB_FAIL(err, WB_ERR_USAGE,
                               "%s: '%s' is not a comma-separated list of: %s", label, value,
                               allowed);
            }
            bits |= 1u << i;
            p += len;
            while (*p == ' ')
                p++;
            if (*p == '\0')
                break;
            if (*p++ != ',' || *p == '\0') {
                join_choices(allowed, sizeof allowed, k->choices);
                return WB_FAIL(err, WB_ERR_USAGE,
                               "%s: '%s' is not a comma-separated list of: %s", label, value,
                               allowed);
            }
        }
        *(unsigned *)field = bits;
        return WB_OK;
    }
    }
    return WB_FAIL(err, WB_ERR_RUNTIME, "internal: key type");
}

static const struct key *find_key(const char *section, const char *name, int *section_known)
{
    *section_known = 0;
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].section, section) != 0)
            continue;
        *section_known = 1;
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    }
    return NULL;
}

int wb_config_set(struct wb_config *cfg, const char *section, const char *key, const char *value,
                  struct wb_error *err)
{
    int section_known;
    const struct key *k = find_key(section, key, &section_known);
    if (!section_known)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[%s]: unknown section; allowed: run, collectives, arrays, pinn, report, "
                       "debug",
                       section);
    if (!k)
        return WB_FAIL(err, WB_ERR_USAGE, "[%s] %s: unknown key", section, key);
    return set_key(cfg, k, value, 0, err);
}

void wb_config_defaults(struct wb_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < NKEYS; i++) {
        struct wb_error err;
        wb_error_clear(&err);
        set_key(cfg, &keys[i], keys[i].deflt, 0, &err);
    }
}

/* INI loading: remembers which keys the file set, to refuse duplicates. */
struct ini_state {
    struct wb_config *cfg;
    struct wb_error *err;
    unsigned char seen[NKEYS];
    const char *path;
};

static int on_ini_entry(struct ini_state *st, const char *section, const char *name,
                        const char *value, int lineno)
{
    char a[WB_ERR_MSG_LEN / 4], b[WB_ERR_MSG_LEN / 4];
    section = shown(section, a, sizeof a);
    name = shown(name, b, sizeof b);
    int section_known;
    const struct key *k = find_key(section, name, &section_known);
    if (k) {
        size_t idx = (size_t)(k - keys);
        if (st->seen[idx]) {
            WB_FAIL(st->err, WB_ERR_USAGE, "%s: line %d: [%s] %s: duplicate key", st->path,
                    lineno, section, name);
            return 0;
        }
        st->seen[idx] = 1;
    }
    struct wb_error local;
    wb_error_clear(&local);
    if (wb_config_set(st->cfg, section, name, value, &local) != WB_OK) {
        WB_FAIL(st->err, WB_ERR_USAGE, "%s: line %d: %s", st->path, lineno, local.msg);
        return 0;
    }
    return 1;
}

/* Text with its surrounding blanks removed, in place. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* The INI syntax that inih read (sections, "key = value" or "key: value", ';' and '#'
 * comment lines, a ';' comment after a blank, a UTF-8 BOM), read here because inih cuts
 * lines at 200 characters (a long path in --dry-run output or config_ini could not be
 * read back), reads an indented line as the previous key's continuation (reported as a
 * duplicate) and ends a value at a NUL byte without a word. */
static int parse_ini(FILE *f, struct ini_state *st)
{
    struct wb_error *err = st->err;
    char *line = NULL, *section = strdup(""), shown_buf[WB_ERR_MSG_LEN / 4];
    size_t cap = 0;
    ssize_t n;
    int lineno = 0;
    if (!section)
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (configuration file)");
    while (err->status == WB_OK && (n = getline(&line, &cap, f)) >= 0) {
        char *p = line;
        if (++lineno == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            p += 3, n -= 3;
        char *nul = memchr(p, '\0', (size_t)n);
        if (nul) {
            size_t key_len = strcspn(p, "=:");
            if (p + key_len < nul) {
                p[key_len] = '\0';
                WB_FAIL(err, WB_ERR_USAGE, "%s: line %d: [%s] %s: the value contains a NUL byte",
                        st->path, lineno, shown(section, shown_buf, sizeof shown_buf), trim(p));
            } else {
                WB_FAIL(err, WB_ERR_USAGE, "%s: line %d: contains a NUL byte", st->path, lineno);
            }
            break;
        }
        p = trim(p);
        if (!*p || *p == ';' || *p == '#')
            continue;
        if (*p == '[') {
            char *end = strchr(p, ']');
            if (!end)
                break;
            *end = '\0';
            char *name = strdup(p + 1);
            if (!name) {
                WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (configuration file)");
                break;
            }
            free(section);
            section = name;
            continue;
        }
        char *sep = p + strcspn(p, "=:");
        if (!*sep)
            break;
        *sep = '\0';
        char *value = trim(sep + 1);
        for (char *c = value; *c; c++)
            if (c > value && *c == ';' && isspace((unsigned char)c[-1])) {
                *c = '\0';
                break;
            }
        if (!on_ini_entry(st, section, trim(p), trim(value), lineno))
            break;
    }
    int failed_line = err->status == WB_OK && n >= 0 ? lineno : 0;
    free(line);
    free(section);
    if (err->status != WB_OK)
        return err->status;
    if (failed_line)
        return WB_FAIL(err, WB_ERR_USAGE, "%s: line %d: not a 'key = value' or '[section]' line",
                       st->path, failed_line);
    if (ferror(f))
        return WB_FAIL(err, WB_ERR_USAGE, "--config: cannot read '%s'", st->path);
    return WB_OK;
}

static int load_file(struct wb_config *cfg, const char *path, struct wb_error *err)
{
    char buf[WB_ERR_MSG_LEN / 2];
    const char *name = shown(path, buf, sizeof buf);
    struct stat st;
    if (stat(path, &st) != 0)
        return WB_FAIL(err, WB_ERR_USAGE, "--config: cannot read '%s': %s", name, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return WB_FAIL(err, WB_ERR_USAGE, "--config: '%s' is a directory, not a file", name);
    if (!S_ISREG(st.st_mode)) /* a device or a pipe could be read forever */
        return WB_FAIL(err, WB_ERR_USAGE, "--config: '%s' is not a regular file", name);
    FILE *f = fopen(path, "r");
    if (!f)
        return WB_FAIL(err, WB_ERR_USAGE, "--config: cannot read '%s': %s", name, strerror(errno));
    struct ini_state state = {.cfg = cfg, .err = err, .path = name};
    int status = parse_ini(f, &state);
    fclose(f);
    return status;
}

static struct option *build_options(void)
{
    struct option *opts = calloc(NKEYS + 6, sizeof *opts);
    if (!opts)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < NKEYS; i++) {
        if (!keys[i].opt)
            continue;
        /* Booleans take an optional value: --check, --check=false. */
        opts[n++] = (struct option){keys[i].opt,
                                    keys[i].type == KEY_BOOL ? optional_argument
                                                             : required_argument,
                                    NULL, OPT_KEY + (int)i};
    }
    opts[n++] = (struct option){"config", required_argument, NULL, OPT_CONFIG};
    opts[n++] = (struct option){"help", no_argument, NULL, OPT_HELP};
    opts[n++] = (struct option){"version", no_argument, NULL, OPT_VERSION};
    opts[n++] = (struct option){"dry-run", no_argument, NULL, OPT_DRY_RUN};
    opts[n++] = (struct option){"list-keys", no_argument, NULL, OPT_LIST_KEYS};
    return opts;
}

static void build_shortopts(char *buf)
{
    char *p = buf;
    *p++ = ':'; /* report a missing argument as ':' */
    for (size_t i = 0; i < NKEYS; i++) {
        if (!keys[i].short_opt)
            continue;
        *p++ = (char)keys[i].short_opt;
        if (keys[i].type != KEY_BOOL)
            *p++ = ':';
    }
    *p++ = 'h';
    *p++ = 'V';
    *p = '\0';
}

static const struct key *key_by_short(int c)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].short_opt == c)
            return &keys[i];
    return NULL;
}

int wb_config_load(struct wb_config *cfg, int argc, char **argv, enum wb_action *action,
                   struct wb_error *err)
{
    wb_config_defaults(cfg);
    *action = WB_ACTION_RUN;

    /* The file comes first whatever its place on the command line, so options override it. */
    for (int i = 1; i < argc && err->status == WB_OK; i++) {
        const char *path = NULL;
        if (strcmp(argv[i], "--config") == 0) {
            if (i + 1 >= argc) {
                WB_FAIL(err, WB_ERR_USAGE, "--config: missing file name");
                break;
            }
            path = argv[++i];
        } else if (strncmp(argv[i], "--config=", 9) == 0) {
            path = argv[i] + 9;
        } else if (strcmp(argv[i], "--") == 0) {
            break;
        }
        if (path) {
            if (cfg->config_file[0])
                WB_FAIL(err, WB_ERR_USAGE, "--config: given more than once");
            else if (is_blank(path))
                WB_FAIL(err, WB_ERR_USAGE, "--config: missing file name");
            else
                snprintf(cfg->config_file, sizeof cfg->config_file, "%s", path);
            if (err->status == WB_OK)
                load_file(cfg, path, err);
        }
    }

    struct option *opts = build_options();
    if (!opts)
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory");
    char shortopts[2 * NKEYS + 8];
    build_shortopts(shortopts);
    unsigned char seen[NKEYS] = {0};

    optind = 0; /* 0, not 1: glibc then resets all of its state, so loading twice works */
    opterr = 0;
    /* After an error the options are still read, but only verbose takes effect: wherever it
     * stands, the error line then ends with its source location. */
    int known;
    const struct key *verbose = find_key("run", "verbose", &known);
    int c, longindex;
    char buf[WB_ERR_MSG_LEN / 2];
    while ((c = getopt_long(argc, argv, shortopts, opts, &longindex)) != -1) {
        const struct key *k = NULL;
        if (c >= OPT_KEY && (size_t)(c - OPT_KEY) < NKEYS) {
            k = &keys[c - OPT_KEY];
        } else if (c == OPT_CONFIG) {
            /* Loaded by the scan above, which knows only the full spelling. */
            if (strncmp(argv[optind - 1], "--config=", 9) != 0 &&
                (optind < 2 || strcmp(argv[optind - 2], "--config") != 0))
                WB_FAIL(err, WB_ERR_USAGE, "--config: write the option in full, not abbreviated");
            continue;
        } else if (c == OPT_HELP || c == 'h') {
            *action = WB_ACTION_HELP;
        } else if (c == OPT_VERSION || c == 'V') {
            *action = WB_ACTION_VERSION;
        } else if (c == OPT_DRY_RUN) {
            *action = WB_ACTION_DRY_RUN;
        } else if (c == OPT_LIST_KEYS) {
            *action = WB_ACTION_LIST_KEYS;
        } else if (c == ':') {
            WB_FAIL(err, WB_ERR_USAGE, "%s: missing value", shown(argv[optind - 1], buf, sizeof buf));
        } else if (c == '?') {
            if (optopt)
                WB_FAIL(err, WB_ERR_USAGE, "-%c: unknown option; see --help", optopt);
            else
                WB_FAIL(err, WB_ERR_USAGE, "%s: unknown option; see --help",
                        shown(argv[optind - 1], buf, sizeof buf));
        } else {
            k = key_by_short(c);
        }
        if (!k || (err->status != WB_OK && k != verbose))
            continue;
        size_t idx = (size_t)(k - keys);
        if (seen[idx]) {
            WB_FAIL(err, WB_ERR_USAGE, "--%s: given more than once", k->opt);
            continue;
        }
        seen[idx] = 1;
        const char *value = optarg ? optarg : (k->type == KEY_BOOL ? "true" : "");
        set_key(cfg, k, value, 1, err);
    }
    if (err->status == WB_OK && optind < argc)
        WB_FAIL(err, WB_ERR_USAGE, "'%s': unexpected argument; see --help",
                shown(argv[optind], buf, sizeof buf));
    free(opts);
    if (err->status != WB_OK)
        return err->status;
    if (*action == WB_ACTION_HELP || *action == WB_ACTION_VERSION || *action == WB_ACTION_LIST_KEYS)
        return WB_OK;
    return wb_config_validate(cfg, err);
}

int wb_config_validate(const struct wb_config *cfg, struct wb_error *err)
{
    const struct wb_coll_config *cc = &cfg->coll;
    if (cfg->suites == 0)
        return WB_FAIL(err, WB_ERR_USAGE, "[run] suites: empty; name at least one suite");
#ifndef WB_HAVE_CUDA
    if (cfg->backend == WB_BACKEND_CUDA)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[run] backend: cuda is not compiled in; rebuild with --with-cuda or use cpu");
#endif
    if (cc->min_bytes > cc->max_bytes)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[collectives] min_bytes (%lld) is larger than max_bytes (%lld)",
                       (long long)cc->min_bytes, (long long)cc->max_bytes);
    if (cfg->arrays.slice_stop >= 0 && cfg->arrays.slice_stop < cfg->arrays.slice_start)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[arrays] slice_stop (%lld) is smaller than slice_start (%lld)",
                       (long long)cfg->arrays.slice_stop, (long long)cfg->arrays.slice_start);
    if (cfg->pinn.hard_constraints && cfg->pinn.w_pde == 0)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[pinn] w_pde: must be positive with hard_constraints (nothing to learn)");
    if (cfg->pinn.w_pde + cfg->pinn.w_ic + cfg->pinn.w_ict + cfg->pinn.w_bc == 0)
        return WB_FAIL(err, WB_ERR_USAGE, "[pinn] w_pde, w_ic, w_ict, w_bc: all zero");
    if (cfg->report.push_required && !cfg->report.push[0] && !cfg->report.push_json[0])
        return WB_FAIL(err, WB_ERR_USAGE, "[report] push_required: no push or push_json URL given");
#ifndef WB_HAVE_CURL
    if (cfg->report.push[0] || cfg->report.push_json[0])
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[report] push: HTTP push is not compiled in; rebuild with --with-curl");
#endif
    if (strchr(cfg->output, '/'))
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[run] output: '%s' must be a file name; put the directory in output_dir",
                       cfg->output);
    struct stat st;
    if (stat(cfg->output_dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return WB_FAIL(err, WB_ERR_USAGE, "[run] output_dir: '%s' is not an existing directory",
                       cfg->output_dir);
    if (access(cfg->output_dir, W_OK | X_OK) != 0)
        return WB_FAIL(err, WB_ERR_USAGE, "[run] output_dir: '%s' is not writable",
                       cfg->output_dir);
    if (cfg->pinn.resume[0] && access(cfg->pinn.resume, R_OK) != 0)
        return WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: cannot read '%s'", cfg->pinn.resume);
    if (cfg->pinn.resume[0] && (stat(cfg->pinn.resume, &st) != 0 || !S_ISREG(st.st_mode)))
        return WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: '%s' is not a regular file",
                       cfg->pinn.resume); /* a FIFO would hang every rank in the HDF5 open */
    return WB_OK;
}

/* The directory part of path ("." when none) into dir; returns the last component. */
static const char *split_dir(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, size, ".");
        return path;
    }
    snprintf(dir, size, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    return slash + 1;
}

/* Whether a and b name the same file: the same directory (resolved) and last component. */
static bool same_file_name(const char *a, const char *b)
{
    char pa[PATH_MAX], pb[PATH_MAX], da[PATH_MAX], db[PATH_MAX];
    if (strcmp(split_dir(a, pa, sizeof pa), split_dir(b, pb, sizeof pb)) != 0)
        return false;
    if (!realpath(pa, da) || !realpath(pb, db))
        return strcmp(pa, pb) == 0;
    return strcmp(da, db) == 0;
}

/* A file wavebench will write at path (what: its key): not a directory or any other
 * non-regular file, in an existing writable directory. */
static int check_writable_file(const char *path, const char *what, struct wb_error *err)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return WB_FAIL(err, WB_ERR_USAGE, "%s: '%s' is a directory, not a file name", what, path);
    if (wb_safefile_is_special(path))
        return WB_FAIL(err, WB_ERR_USAGE, "%s: '%s' exists and is not a regular file", what, path);
    char dir[PATH_MAX];
    split_dir(path, dir, sizeof dir);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return WB_FAIL(err, WB_ERR_USAGE, "%s: directory '%s' of '%s' does not exist", what, dir,
                       path);
    if (access(dir, W_OK | X_OK) != 0)
        return WB_FAIL(err, WB_ERR_USAGE, "%s: directory '%s' of '%s' is not writable", what,
                       dir, path);
    return WB_OK;
}

int wb_config_resolve_paths(struct wb_config *cfg, const char *stamp, struct wb_error *err)
{
    char base[WB_PATH_LEN + 48];
    struct stat st;
    if (cfg->output[0]) {
        snprintf(base, sizeof base, "%s", cfg->output);
        if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
            return WB_FAIL(err, WB_ERR_USAGE, "[run] output: '%s' is a directory, not a file name",
                           base);
    } else { /* the default name never takes an existing one: two runs in one second */
        char wanted[sizeof cfg->results_path], got[sizeof cfg->results_path];
        snprintf(wanted, sizeof wanted, "%s/wavebench-%s.h5", cfg->output_dir, stamp);
        wb_safefile_free_name(wanted, got, sizeof got);
        snprintf(base, sizeof base, "%s", strrchr(got, '/') + 1);
    }
    int n = snprintf(cfg->results_path, sizeof cfg->results_path, "%s/%s", cfg->output_dir, base);
    if (n < 0 || (size_t)n >= sizeof cfg->results_path)
        return WB_FAIL(err, WB_ERR_USAGE, "[run] output: the path is too long");
    size_t stem = strlen(base) > 3 && strcmp(base + strlen(base) - 3, ".h5") == 0
                      ? strlen(base) - 3 : strlen(base);
    if (cfg->pinn.checkpoint[0])
        snprintf(cfg->checkpoint_path, sizeof cfg->checkpoint_path, "%s", cfg->pinn.checkpoint);
    else
        snprintf(cfg->checkpoint_path, sizeof cfg->checkpoint_path, "%s/%.*s.ckpt.h5",
                 cfg->output_dir, (int)stem, base);

    if (check_writable_file(cfg->results_path, "[run] output", err) != WB_OK)
        return err->status;
    if (!cfg->overwrite && lstat(cfg->results_path, &st) == 0)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[run] output: results file '%s' exists; wavebench does not overwrite "
                       "results unless told to (--overwrite); choose another --output",
                       cfg->results_path);
    if (!(cfg->suites & WB_SUITE_PINN))
        return WB_OK;
    if (check_writable_file(cfg->checkpoint_path, "[pinn] checkpoint", err) != WB_OK)
        return err->status;
    if (same_file_name(cfg->checkpoint_path, cfg->results_path))
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[pinn] checkpoint: '%s' is the results file; they must differ",
                       cfg->checkpoint_path);
    return WB_OK;
}

static void write_value(FILE *out, const struct wb_config *cfg, const struct key *k)
{
    const void *field = (const char *)cfg + k->offset;
    switch (k->type) {
    case KEY_BOOL: fputs(*(const bool *)field ? "true" : "false", out); break;
    case KEY_INT:
        if ((k->flags & KEY_AUTO_OK) && *(const int64_t *)field == 0)
            fputs("auto", out);
        else
            fprintf(out, "%lld", (long long)*(const int64_t *)field);
        break;
    case KEY_SIZE: fprintf(out, "%lld", (long long)*(const int64_t *)field); break;
    case KEY_DOUBLE: fprintf(out, "%.17g", *(const double *)field); break;
    case KEY_STRING: fputs((const char *)field, out); break;
    case KEY_ENUM: fputs(k->choices[*(const int *)field], out); break;
    case KEY_SET: {
        unsigned bits = *(const unsigned *)field;
        int first = 1;
        for (int i = 0; k->choices[i]; i++)
            if (bits & (1u << i)) {
                fprintf(out, "%s%s", first ? "" : ",", k->choices[i]);
                first = 0;
            }
        break;
    }
    }
}

void wb_config_write_ini(const struct wb_config *cfg, FILE *out)
{
    const char *section = "";
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        if (strcmp(section, k->section) != 0) {
            fprintf(out, "%s[%s]\n", i ? "\n" : "", k->section);
            section = k->section;
        }
        fprintf(out, "%s = ", k->name);
        write_value(out, cfg, k);
        fputc('\n', out);
    }
}

char *wb_config_ini_string(const struct wb_config *cfg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    wb_config_write_ini(cfg, f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Copies the key of an INI line ("key = value") into out. */
static void line_key(const char *line, size_t len, char *out, size_t size)
{
    size_t k = 0;
    while (k < len && line[k] != '=' && line[k] != ' ')
        k++;
    snprintf(out, size, "%.*s", (int)k, line);
}

void wb_config_first_difference(const char *a, const char *b, char *out, size_t size)
{
    char section[64] = "";
    while (*a || *b) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || memcmp(a, b, la) != 0) {
            const char *line = la ? a : b;
            size_t len = la ? la : lb;
            char key[64];
            if (line[0] == '[')
                snprintf(out, size, "section %.*s", (int)len, line);
            else {
                line_key(line, len, key, sizeof key);
                snprintf(out, size, "%s %s", section, key);
            }
            return;
        }
        if (a[0] == '[')
            snprintf(section, sizeof section, "%.*s", (int)la, a);
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
    }
    snprintf(out, size, "nothing");
}

void wb_config_print_help(FILE *out)
{
    fprintf(out,
            "usage: wavebench [options]            run the configured suites\n"
            "       wavebench report FILE.h5 ...   print, summarise or plot a results file\n"
            "       wavebench compare BASE NEW     compare two results files\n"
            "       wavebench export FILE --csv|--json\n\n"
            "  --config FILE       INI file (defaults < file < command line)\n"
            "  --dry-run           print the resolved configuration as INI and exit\n"
            "  --list-keys         print every key as a tab-separated table (for tools)\n"
            "  -h, --help          this text\n"
            "  -V, --version       version and build options\n\n"
            "Every option is also a key of the INI file, [section] key:\n");
    const char *section = "";
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        if (strcmp(section, k->section) != 0) {
            fprintf(out, "\n[%s]\n", k->section);
            section = k->section;
        }
        char opt[64] = "";
        if (k->opt && k->short_opt)
            snprintf(opt, sizeof opt, "-%c, --%s", k->short_opt, k->opt);
        else if (k->opt)
            snprintf(opt, sizeof opt, "    --%s", k->opt);
        char allowed[256] = "";
        if (k->choices)
            join_choices(allowed, sizeof allowed, k->choices);
        fprintf(out, "  %-26s %-18s %s (default %s)%s%s\n", opt, k->name, k->help,
                k->deflt[0] ? k->deflt : "none",
                !allowed[0] ? "" : k->type == KEY_ENUM ? "; one of: " : "; one or more of: ",
                allowed);
    }
    fprintf(out, "\nSizes take K, M, G or T suffixes (powers of 1024).\n"
                 "Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration, 3 a result "
                 "failed its check, 4 interrupted (checkpoint written).\n");
}

void wb_config_print_keys(FILE *out)
{
    static const char *const type_names[] = {"bool", "int", "size", "double", "string", "enum", "set"};
    fprintf(out, "# section\tkey\toption\ttype\tmin\tmax\tchoices\tdefault\n");
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        char allowed[256] = "";
        if (k->choices)
            for (int c = 0; k->choices[c]; c++) {
                size_t used = strlen(allowed);
                snprintf(allowed + used, sizeof allowed - used, "%s%s", c ? "," : "", k->choices[c]);
            }
        int numeric = k->type == KEY_INT || k->type == KEY_SIZE || k->type == KEY_DOUBLE;
        fprintf(out, "%s\t%s\t%s\t%s%s\t", k->section, k->name, k->opt ? k->opt : "-",
                type_names[k->type], k->flags & KEY_AUTO_OK ? "|auto" : k->flags & KEY_EMPTY_OK ? "|empty" : "");
        if (numeric)
            fprintf(out, "%.17g\t%.17g\t", k->lo, k->hi);
        else
            fprintf(out, "-\t-\t");
        fprintf(out, "%s\t%s\n", allowed[0] ? allowed : "-", k->deflt);
    }
}

static const char *name_at(const char *const *names, size_t count, int i)
{
    return (i >= 0 && (size_t)i < count) ? names[i] : "?";
}

#define NAME_FN(fn, table) \
    const char *fn(int i) { return name_at(table, WB_ARRAY_LEN(table) - 1, i); }
NAME_FN(wb_coll_name, coll_names)
NAME_FN(wb_dtype_name, dtype_names)
NAME_FN(wb_redop_name, redop_names)
NAME_FN(wb_array_op_name, array_op_names)
NAME_FN(wb_array_dtype_name, array_dtype_names)
NAME_FN(wb_problem_name, problem_names)
NAME_FN(wb_precision_name, precision_names)
NAME_FN(wb_backend_name, backend_names)
NAME_FN(wb_suite_name, suite_names)
NAME_FN(wb_scope_name, scope_names)
