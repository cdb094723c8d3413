/* wavebench compare: figures of two runs matched by table and key columns; ratios new/base;
 * a regression is a figure worse by more than the threshold AND outside the spread
 * recorded in both files (so noise is not called a regression). */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/compare.h"

#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wavebench/records.h"
#include "wavebench/stats.h"

/* ---- configuration differences ------------------------------------------------------ */

struct ini_kv {
    char key[128]; /* "section.key" */
    char value[256];
};

static size_t parse_ini(const char *text, struct ini_kv *kv, size_t cap)
{
    size_t n = 0;
    char section[64] = "";
    const char *p = text ? text : "";
    while (*p && n < cap) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
        p += len + (eol ? 1 : 0);
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (end)
                snprintf(section, sizeof section, "%.*s", (int)(end - s - 1), s + 1);
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq || *s == ';' || *s == '#')
            continue;
        char *ke = eq;
        while (ke > s && (ke[-1] == ' ' || ke[-1] == '\t'))
            ke--;
        char *v = eq + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        snprintf(kv[n].key, sizeof kv[n].key, "%s.%.*s", section, (int)(ke - s), s);
        snprintf(kv[n].value, sizeof kv[n].value, "%s", v);
        n++;
    }
    return n;
}

/* Keys that name where things go or how they are reported, not what was measured. */
static bool ignored_key(const char *key)
{
    static const char *const keys[] = {"run.output_dir", "run.output", "run.quiet",
                                       "run.verbose", "pinn.checkpoint", "pinn.resume",
                                       "pinn.checkpoint_every", NULL};
    if (strncmp(key, "report.", 7) == 0 || strncmp(key, "debug.", 6) == 0)
        return true;
    for (const char *const *k = keys; *k; k++)
        if (strcmp(key, *k) == 0)
            return true;
    return false;
}

static void append(char *out, size_t size, const char *fmt, const char *a, const char *b,
                   const char *c)
{
    size_t used = strlen(out);
    if (used + 1 < size)
        snprintf(out + used, size - used, fmt, a, b, c);
}

int wb_compare_config_diff(const char *ini_a, const char *ini_b, char *out, size_t size)
{
    enum { CAP = 256 };
    struct ini_kv *a = calloc(CAP, sizeof *a), *b = calloc(CAP, sizeof *b);
    int ndiff = 0;
    if (size)
        out[0] = '\0';
    if (!a || !b) {
        free(a);
        free(b);
        return 0;
    }
    size_t na = parse_ini(ini_a, a, CAP), nb = parse_ini(ini_b, b, CAP);
    for (size_t i = 0; i < na; i++) {
        if (ignored_key(a[i].key))
            continue;
        const char *other = NULL;
        for (size_t j = 0; j < nb && !other; j++)
            if (strcmp(a[i].key, b[j].key) == 0)
                other = b[j].value;
        if (!other || strcmp(a[i].value, other) != 0) {
            append(out, size, "%s%s: '%s'", ndiff ? "; " : "", a[i].key, a[i].value);
            append(out, size, " vs '%s'%s%s", other ? other : "(absent)", "", "");
            ndiff++;
        }
    }
    for (size_t j = 0; j < nb; j++) {
        if (ignored_key(b[j].key))
            continue;
        bool found = false;
        for (size_t i = 0; i < na && !found; i++)
            found = strcmp(a[i].key, b[j].key) == 0;
        if (!found) {
            append(out, size, "%s%s: (absent) vs '%s'", ndiff ? "; " : "", b[j].key, b[j].value);
            ndiff++;
        }
    }
    free(a);
    free(b);
    return ndiff;
}

/* ---- spread --------------------------------------------------------------------------- */

struct side {
    const struct wb_results_file *f;
    const char *path;
    hid_t file; /* opened lazily for raw series */
};

static double col_f64(const struct wb_table *t, const char *name, size_t row)
{
    int c = wb_table_col(t, name);
    return c >= 0 && t->cols[c].type == WB_COL_F64 ? t->cols[c].data.f64[row] : NAN;
}

/* Relative interval [*lo, *hi] of the row's time (1 = the reported time) from raw
 * series in a time unit: per repetition, the slowest rank's sum over the series; the
 * 95% CI of their median (min and max below 6 repetitions), divided by the median. */
static bool raw_spread(struct side *s, const struct wb_table *t, size_t row, double *lo, double *hi)
{
    if (t->nraw == 0)
        return false;
    if (s->file < 0) {
        s->file = H5Fopen(s->path, H5F_ACC_RDONLY, H5P_DEFAULT);
        if (s->file < 0)
            return false;
    }
    double *total = NULL;
    size_t nranks = 0, nrows = 0, nreps = 0;
    bool ok = true;
    for (size_t k = 0; k < t->nraw && ok; k++) {
        if (!wb_table_time_unit(t->raw[k].unit))
            continue;
        char name[256];
        snprintf(name, sizeof name, "/%s/%s", t->path, t->raw[k].name);
        hid_t d = H5Dopen2(s->file, name, H5P_DEFAULT);
        if (d < 0) {
            ok = false;
            break;
        }
        hid_t space = H5Dget_space(d);
        hsize_t dims[3] = {0, 0, 0};
        ok = H5Sget_simple_extent_ndims(space) == 3 &&
             H5Sget_simple_extent_dims(space, dims, NULL) == 3 && dims[1] > row && dims[2] > 0;
        double *buf = NULL;
        if (ok && !total) {
            nranks = dims[0];
            nrows = dims[1];
            nreps = dims[2];
            total = calloc(nranks * nreps, sizeof *total);
        }
        ok = ok && total && dims[0] == nranks && dims[1] == nrows && dims[2] == nreps;
        if (ok) {
            buf = malloc(sizeof *buf * nranks * nrows * nreps);
            ok = buf && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
        }
        for (size_t r = 0; ok && r < nranks; r++)
            for (size_t i = 0; i < nreps; i++)
                total[r * nreps + i] += buf[(r * nrows + row) * nreps + i];
        free(buf);
        H5Sclose(space);
        H5Dclose(d);
    }
    struct wb_summary sum = {0};
    if (ok && total) {
        double *slowest = malloc(sizeof *slowest * nreps);
        ok = slowest != NULL;
        for (size_t i = 0; ok && i < nreps; i++) {
            slowest[i] = total[i];
            for (size_t r = 1; r < nranks; r++)
                if (total[r * nreps + i] > slowest[i])
                    slowest[i] = total[r * nreps + i];
        }
        ok = ok && wb_summarize(&sum, slowest, nreps) == 0 && sum.median > 0;
        free(slowest);
    }
    free(total);
    if (!ok || !total)
        return false;
    *lo = (isnan(sum.ci_lo) ? sum.min : sum.ci_lo) / sum.median;
    *hi = (isnan(sum.ci_hi) ? sum.max : sum.ci_hi) / sum.median;
    return true;
}

/* Interval [*lo, *hi] of figure c's value at row: its own spread columns, else the
 * spread of the time it derives from (time columns: the same interval; rates: inverted),
 * else raw series. False when the file records no spread for it (a deterministic figure
 * such as an error or a loss). */
static bool spread(struct side *s, const struct wb_table *t, size_t row, const struct wb_column *c,
                   double *lo, double *hi)
{
    double v = c->data.f64[row];
    char a[WB_NAME_LEN + 16], b[WB_NAME_LEN + 16];
    static const char *const own[][2] = {{"_ci_lo", "_ci_hi"}, {"_min", "_max"}, {"_lo", "_hi"}};
    for (size_t k = 0; k < WB_ARRAY_LEN(own); k++) {
        snprintf(a, sizeof a, "%s%s", c->name, own[k][0]);
        snprintf(b, sizeof b, "%s%s", c->name, own[k][1]);
        double l = col_f64(t, a, row), h = col_f64(t, b, row);
        if (!isnan(l) && !isnan(h)) {
            *lo = l < v ? l : v;
            *hi = h > v ? h : v;
            return true;
        }
    }
    bool timelike = c->better == WB_BETTER_LOWER && wb_table_time_unit(c->unit);
    bool rate = c->better == WB_BETTER_HIGHER;
    if (!timelike && !rate)
        return false;
    /* The time this figure derives from: "<prefix>_time" for "<prefix>_<x>", or "time". */
    char prefix[WB_NAME_LEN] = "";
    const char *us = strchr(c->name, '_');
    if (us)
        snprintf(prefix, sizeof prefix, "%.*s", (int)(us - c->name + 1), c->name);
    static const char *const pairs[][2] = {{"time_ci_lo", "time_ci_hi"},
                                           {"time_rep_min", "time_rep_max"},
                                           {"time_min", "time_max"}};
    for (int p = 0; p < 2; p++) {
        const char *pre = p == 0 ? prefix : "";
        if (p == 0 && !pre[0])
            continue;
        snprintf(a, sizeof a, "%stime", pre);
        double t0 = col_f64(t, a, row);
        if (!(t0 > 0))
            continue;
        for (size_t k = 0; k < WB_ARRAY_LEN(pairs); k++) {
            snprintf(a, sizeof a, "%s%s", pre, pairs[k][0]);
            snprintf(b, sizeof b, "%s%s", pre, pairs[k][1]);
            double l = col_f64(t, a, row), h = col_f64(t, b, row);
            if (isnan(l) || isnan(h) || !(l > 0))
                continue;
            double rl = l / t0 < 1 ? l / t0 : 1, rh = h / t0 > 1 ? h / t0 : 1;
            *lo = timelike ? v * rl : v / rh;
            *hi = timelike ? v * rh : v / rl;
            return true;
        }
    }
    double rl, rh;
    if (raw_spread(s, t, row, &rl, &rh) && rl > 0) {
        *lo = timelike ? v * (rl < 1 ? rl : 1) : v / (rh > 1 ? rh : 1);
        *hi = timelike ? v * (rh > 1 ? rh : 1) : v / (rl < 1 ? rl : 1);
        return true;
    }
    return false;
}

/* ---- matching ------------------------------------------------------------------------- */

static const struct wb_table *find_table(const struct wb_results_file *f, const char *path)
{
    for (size_t i = 0; i < f->results.ntables; i++)
        if (strcmp(f->results.tables[i]->path, path) == 0)
            return f->results.tables[i];
    return NULL;
}

/* "size=1024 type=float" from the key columns of a row. */
static void row_key(const struct wb_table *t, size_t r, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < t->ncols && used + 1 < size; i++) {
        const struct wb_column *c = &t->cols[i];
        if (c->role != WB_ROLE_KEY)
            continue;
        char v[WB_STR_LEN + 32];
        wb_record_cell_text(c, r, v, sizeof v);
        int n = snprintf(out + used, size - used, "%s%s=%s", used ? " " : "", c->name, v);
        if (n > 0)
            used += (size_t)n;
    }
}

static long find_row(const struct wb_table *t, const char *key)
{
    char k[512];
    for (size_t r = 0; r < t->nrows; r++) {
        row_key(t, r, k, sizeof k);
        if (strcmp(k, key) == 0)
            return (long)r;
    }
    return -1;
}

static double meta_num(const struct wb_results_file *f, const char *name)
{
    const struct wb_attr *a = wb_table_attr(&f->meta, name);
    return a && !a->is_text ? a->number : NAN;
}

static const char *meta_text(const struct wb_results_file *f, const char *name)
{
    const struct wb_attr *a = wb_table_attr(&f->meta, name);
    return a && a->is_text ? a->text : "";
}

int wb_compare(const struct wb_results_file *base, const char *base_path,
               const struct wb_results_file *new_file, const char *new_path,
               const struct wb_compare_options *opt, FILE *out, struct wb_error *err)
{
    /* Configurations first: a comparison of different set-ups is not a comparison. */
    char diff[2048] = "";
    int ndiff = 0;
    static const char *const run_nums[] = {"ranks", "localities"};
    for (size_t i = 0; i < WB_ARRAY_LEN(run_nums); i++) {
        double a = meta_num(base, run_nums[i]), b = meta_num(new_file, run_nums[i]);
        if (a != b) {
            char sa[32], sb[32];
            snprintf(sa, sizeof sa, "%.0f", a);
            snprintf(sb, sizeof sb, "%.0f", b);
            append(diff, sizeof diff, "%s%s: %s", ndiff ? "; " : "", run_nums[i], sa);
            append(diff, sizeof diff, " vs %s%s%s", sb, "", "");
            ndiff++;
        }
    }
    if (strcmp(meta_text(base, "backend"), meta_text(new_file, "backend")) != 0) {
        append(diff, sizeof diff, "%sbackend: %s vs %s", ndiff ? "; " : "",
               meta_text(base, "backend"), meta_text(new_file, "backend"));
        ndiff++;
    }
    size_t used = strlen(diff);
    int nconf = wb_compare_config_diff(base->config_ini, new_file->config_ini, diff + used +
                                       (used && used + 2 < sizeof diff ? 2 : 0),
                                       sizeof diff - used - (used + 2 < sizeof diff ? 2 : 0));
    if (nconf && used && used + 2 < sizeof diff)
        memcpy(diff + used, "; ", 2);
    ndiff += nconf;
    if (ndiff && !opt->allow_mismatch)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "configurations differ (%s); not compared (--allow-mismatch compares anyway)",
                       diff);

    fprintf(out, "# wavebench compare: BASE %s (run %s, %s)\n", base_path, meta_text(base, "run_id"),
            meta_text(base, "wavebench_version"));
    fprintf(out, "#                     NEW  %s (run %s, %s)\n", new_path,
            meta_text(new_file, "run_id"), meta_text(new_file, "wavebench_version"));
    if (ndiff)
        fprintf(out, "# WARNING: configurations differ: %s\n", diff);
    fprintf(out, "# ratio = NEW / BASE; better: higher for bandwidth and rates, lower for times, "
                 "errors and losses\n# marks: '!' regressed beyond the threshold and the spread, "
                 "'~' within the spread\n");

    struct side sb = {base, base_path, -1}, sn = {new_file, new_path, -1};
    long compared = 0, regressed = 0, improved = 0, only = 0;
    char regressions[8192] = "";
    for (size_t ti = 0; ti < new_file->results.ntables; ti++) {
        const struct wb_table *tn = new_file->results.tables[ti];
        if (!wb_table_printed(tn))
            continue;
        const struct wb_table *tb = find_table(base, tn->path);
        if (!tb) {
            fprintf(out, "#\n# %s: only in NEW\n", tn->path);
            only++;
            continue;
        }
        bool history = strlen(tn->path) >= 8 && strcmp(tn->path + strlen(tn->path) - 8, "/history") == 0;
        fprintf(out, "#\n# %s: %s\n#", tn->path, tn->title);
        /* Heads: keys as printed, then one ratio column per printed figure or verdict (the
         * columns with a better direction). */
        for (size_t i = 0; i < tn->ncols; i++) {
            const struct wb_column *c = &tn->cols[i];
            if (!c->width || c->role != WB_ROLE_KEY)
                continue;
            fprintf(out, " %*s", c->width, c->head);
        }
        for (size_t i = 0; i < tn->ncols; i++) {
            const struct wb_column *c = &tn->cols[i];
            if (c->width && c->better != WB_BETTER_NONE)
                fprintf(out, " %10.10s", c->name);
        }
        fputc('\n', out);
        for (size_t r = 0; r < tn->nrows; r++) {
            char key[512];
            row_key(tn, r, key, sizeof key);
            long rb = find_row(tb, key);
            if (rb < 0) {
                fprintf(out, "# only in NEW: %s\n", key);
                only++;
                continue;
            }
            fputc(' ', out);
            for (size_t i = 0; i < tn->ncols; i++) {
                const struct wb_column *c = &tn->cols[i];
                if (!c->width || c->role != WB_ROLE_KEY)
                    continue;
                char v[WB_STR_LEN + 32];
                wb_record_cell_text(c, r, v, sizeof v);
                fprintf(out, " %*s", c->width, v);
            }
            for (size_t i = 0; i < tn->ncols; i++) {
                const struct wb_column *c = &tn->cols[i];
                if (!c->width || c->better == WB_BETTER_NONE)
                    continue;
                int cb = wb_table_col(tb, c->name);
                double vn = c->data.f64[r];
                double vb = cb >= 0 && tb->cols[cb].type == WB_COL_F64 ? tb->cols[cb].data.f64[rb] : NAN;
                if (isnan(vn) || isnan(vb)) {
                    fprintf(out, " %10s", "n/a");
                    continue;
                }
                int dir = c->better;
                double ratio = vb != 0 ? vn / vb : vn == 0 ? 1 : INFINITY;
                /* How much worse NEW is, in percent of BASE (negative: better). */
                double worse = vb != 0 ? (dir > 0 ? (vb - vn) / fabs(vb) : (vn - vb) / fabs(vb)) * 100
                                       : vn == 0 ? 0 : (dir > 0 ? -INFINITY : INFINITY);
                double bl, bh, nl, nh;
                bool have = !history && spread(&sb, tb, (size_t)rb, &tb->cols[cb], &bl, &bh) &&
                            spread(&sn, tn, r, c, &nl, &nh);
                bool beyond = !have || (dir > 0 ? nh < bl : nl > bh);
                /* History rows (cumulative losses by iteration) are shown, never judged. */
                bool reg = !history && opt->threshold > 0 && worse > opt->threshold && beyond;
                compared++;
                if (reg)
                    regressed++;
                else if (worse < 0 && beyond && !history)
                    improved++;
                fprintf(out, " %9.3f%c", ratio, reg ? '!' : have && !beyond ? '~' : ' ');
                if (reg) {
                    char line[768];
                    snprintf(line, sizeof line,
                             "# REGRESSION %s %s %s: %.4g -> %.4g %s (%s%.1f%%, threshold %g%%%s)\n",
                             tn->path, key, c->name, vb, vn, c->unit, dir > 0 ? "-" : "+", worse,
                             opt->threshold, have ? ", outside the spread of both runs" : ", no spread recorded");
                    size_t l = strlen(regressions);
                    if (l + strlen(line) + 1 < sizeof regressions)
                        memcpy(regressions + l, line, strlen(line) + 1);
                }
            }
            fputc('\n', out);
        }
        for (size_t r = 0; r < tb->nrows; r++) {
            char key[512];
            row_key(tb, r, key, sizeof key);
            if (find_row(tn, key) < 0) {
                fprintf(out, "# only in BASE: %s\n", key);
                only++;
            }
        }
    }
    for (size_t ti = 0; ti < base->results.ntables; ti++) {
        const struct wb_table *tb = base->results.tables[ti];
        if (wb_table_printed(tb) && !find_table(new_file, tb->path)) {
            fprintf(out, "#\n# %s: only in BASE\n", tb->path);
            only++;
        }
    }
    if (sb.file >= 0)
        H5Fclose(sb.file);
    if (sn.file >= 0)
        H5Fclose(sn.file);
    fprintf(out, "#\n%s", regressions);
    fprintf(out, "# compare: %ld figures compared, %ld better beyond the spread, %ld regressed%s%s",
            compared, improved, regressed, opt->threshold > 0 ? " beyond " : "",
            opt->threshold > 0 ? "" : " (no --threshold: nothing is judged)");
    if (opt->threshold > 0)
        fprintf(out, "%g%% and the spread", opt->threshold);
    fprintf(out, "; %ld unmatched\n", only);
    if (regressed)
        return WB_FAIL(err, WB_ERR_CHECK, "%ld figures regressed", regressed);
    return WB_OK;
}
