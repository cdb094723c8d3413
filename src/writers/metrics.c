/* wavebench metrics: summary metrics of a run for the push (metrics.h). */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/metrics.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wavebench/records.h"

static json_t *json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

void wb_metrics_sanitize(char *out, size_t size, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < size; i++) {
        char ch = s[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
                  (ch >= '0' && ch <= '9' && i > 0);
        out[i] = ok ? ch : '_';
    }
    if (size)
        out[i] = '\0';
}

static const char *unit_suffix(const char *unit)
{
    static const char *const map[][2] = {{"GB/s", "gbps"}, {"us", "us"}, {"ms", "ms"},
                                         {"s", "seconds"}, {"ns", "ns"}, {"MiB", "mib"},
                                         {"GiB", "gib"}, {"B", "bytes"}};
    for (size_t i = 0; i < WB_ARRAY_LEN(map); i++)
        if (strcmp(unit, map[i][0]) == 0)
            return map[i][1];
    return "";
}

static int metrics_push(struct wb_metrics *m, const struct wb_metric *x)
{
    /* Series must be unique: the Pushgateway rejects a repeated name and label set. */
    for (size_t i = 0; i < m->n; i++) {
        const struct wb_metric *y = &m->m[i];
        if (strcmp(x->name, y->name) != 0 || x->nlabels != y->nlabels)
            continue;
        bool same = true;
        for (size_t l = 0; l < x->nlabels && same; l++)
            same = strcmp(x->label[l][0], y->label[l][0]) == 0 &&
                   strcmp(x->label[l][1], y->label[l][1]) == 0;
        if (same)
            return 0;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        void *p = realloc(m->m, cap * sizeof *m->m);
        if (!p)
            return -1;
        m->m = p;
        m->cap = cap;
    }
    m->m[m->n++] = *x;
    return 0;
}

static void add_label(struct wb_metric *x, const char *name, const char *value)
{
    if (!value[0] || x->nlabels == WB_METRIC_MAX_LABELS)
        return;
    wb_metrics_sanitize(x->label[x->nlabels][0], WB_NAME_LEN, name);
    snprintf(x->label[x->nlabels][1], WB_NAME_LEN, "%s", value);
    x->nlabels++;
}

static int metric_rec(const struct wb_record *r, void *ctx)
{
    struct wb_metrics *m = ctx;
    struct wb_metric x;
    memset(&x, 0, sizeof x);
    add_label(&x, "suite", r->suite);
    add_label(&x, "op", r->op);
    add_label(&x, "size", r->size);
    add_label(&x, "type", r->type);
    add_label(&x, "in_place", r->place < 0 ? "" : r->place ? "1" : "0");
    add_label(&x, "ranks", r->ranks);
    add_label(&x, "localities", r->localities);
    add_label(&x, "backend", r->backend);
    /* Further key columns tell series apart (redop). */
    for (size_t c = 0; c < r->t->ncols; c++) {
        const char *name = wb_record_col_name(r, (int)c);
        const struct wb_column *col = &r->t->cols[c];
        if (name && col->role == WB_ROLE_KEY) {
            char v[WB_STR_LEN + 32];
            wb_record_cell_text(col, r->row, v, sizeof v);
            add_label(&x, name, v);
        }
    }
    for (size_t c = 0; c < r->t->ncols; c++) {
        const char *name = wb_record_col_name(r, (int)c);
        const struct wb_column *col = &r->t->cols[c];
        /* Figures and verdicts (wrong values): the columns with a better direction. */
        if (!name || !col->width || col->better == WB_BETTER_NONE || isnan(col->data.f64[r->row]))
            continue;
        struct wb_metric y = x;
        char raw[160];
        const char *suffix = unit_suffix(col->unit);
        if (strcmp(name, "points_per_s") == 0)
            snprintf(raw, sizeof raw, "wavebench_%s_points_per_second", r->suite);
        else if (strcmp(r->suite, "collectives") == 0)
            snprintf(raw, sizeof raw, "wavebench_%s%s%s", name, suffix[0] ? "_" : "", suffix);
        else
            snprintf(raw, sizeof raw, "wavebench_%s_%s%s%s", r->suite, name, suffix[0] ? "_" : "",
                     suffix);
        wb_metrics_sanitize(y.name, sizeof y.name, raw);
        snprintf(y.help, sizeof y.help, "wavebench %s: %s%s%s%s", r->suite,
                 col->head[0] ? col->head : name, col->unit[0] ? " (" : "", col->unit,
                 col->unit[0] ? ")" : "");
        y.value = col->data.f64[r->row];
        if (metrics_push(m, &y) != 0)
            return -1;
    }
    return 0;
}

static const char *meta_text(const struct wb_table *meta, const char *name)
{
    const struct wb_attr *a = wb_table_attr(meta, name);
    return a && a->is_text ? a->text : "";
}

static double meta_num(const struct wb_table *meta, const char *name)
{
    const struct wb_attr *a = wb_table_attr(meta, name);
    return a && !a->is_text ? a->number : NAN;
}

int wb_metrics_collect(struct wb_metrics *out, const struct wb_table *meta,
                       const struct wb_results *res, struct wb_error *err)
{
    memset(out, 0, sizeof *out);
    struct wb_metric x;
    memset(&x, 0, sizeof x);
    snprintf(x.name, sizeof x.name, "wavebench_run_info");
    snprintf(x.help, sizeof x.help, "wavebench run: version, verdict and layout (value 1)");
    add_label(&x, "version", meta_text(meta, "wavebench_version"));
    add_label(&x, "verdict", meta_text(meta, "verdict"));
    add_label(&x, "backend", meta_text(meta, "backend"));
    char num[32];
    wb_record_num_text(num, sizeof num, meta_num(meta, "ranks"));
    add_label(&x, "ranks", num);
    wb_record_num_text(num, sizeof num, meta_num(meta, "localities"));
    add_label(&x, "localities", num);
    x.value = 1;
    int rc = metrics_push(out, &x);
    memset(&x, 0, sizeof x);
    snprintf(x.name, sizeof x.name, "wavebench_exit_status");
    snprintf(x.help, sizeof x.help, "wavebench run: exit code (0 ok, 3 a check failed)");
    x.value = meta_num(meta, "exit_status");
    if (rc == 0 && !isnan(x.value))
        rc = metrics_push(out, &x);
    if (rc == 0)
        rc = wb_record_each(meta, res, false, metric_rec, out);
    if (rc != 0) {
        wb_metrics_free(out);
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (push metrics)");
    }
    return WB_OK;
}

void wb_metrics_free(struct wb_metrics *m)
{
    free(m->m);
    memset(m, 0, sizeof *m);
}

static void prom_escape(FILE *f, const char *s, bool quote_too)
{
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\\\", f);
        else if (*s == '\n')
            fputs("\\n", f);
        else if (*s == '"' && quote_too)
            fputs("\\\"", f);
        else
            fputc(*s, f);
    }
}

static void prom_value(FILE *f, double v)
{
    if (isnan(v))
        fputs("NaN", f);
    else if (isinf(v))
        fputs(v > 0 ? "+Inf" : "-Inf", f);
    else {
        char buf[40];
        wb_record_num_text(buf, sizeof buf, v);
        fputs(buf, f);
    }
}

char *wb_metrics_prometheus(const struct wb_metrics *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    bool *done = calloc(m->n ? m->n : 1, sizeof *done);
    for (size_t i = 0; done && i < m->n; i++) {
        if (done[i])
            continue;
        fprintf(f, "# HELP %s ", m->m[i].name);
        prom_escape(f, m->m[i].help, false);
        fprintf(f, "\n# TYPE %s gauge\n", m->m[i].name);
        for (size_t j = i; j < m->n; j++) {
            const struct wb_metric *x = &m->m[j];
            if (done[j] || strcmp(x->name, m->m[i].name) != 0)
                continue;
            done[j] = true;
            fputs(x->name, f);
            for (size_t l = 0; l < x->nlabels; l++) {
                fprintf(f, "%s%s=\"", l ? "," : "{", x->label[l][0]);
                prom_escape(f, x->label[l][1], true);
                fputc('"', f);
            }
            fputs(x->nlabels ? "} " : " ", f);
            prom_value(f, x->value);
            fputc('\n', f);
        }
    }
    bool ok = done != NULL;
    free(done);
    if (fclose(f) != 0 || !ok) {
        free(buf);
        return NULL;
    }
    return buf;
}

char *wb_metrics_json(const struct wb_metrics *m, const struct wb_table *meta)
{
    json_t *doc = json_object(), *list = json_array();
    if (!doc || !list) {
        json_decref(doc);
        json_decref(list);
        return NULL;
    }
    json_object_set_new(doc, "job", json_string("wavebench"));
    static const char *const texts[] = {"run_id", "verdict", "backend", "wavebench_version",
                                        "git_revision", "start_utc", "end_utc"};
    for (size_t i = 0; i < WB_ARRAY_LEN(texts); i++)
        json_object_set_new(doc, texts[i], json_string(meta_text(meta, texts[i])));
    static const char *const nums[] = {"ranks", "localities", "exit_status"};
    for (size_t i = 0; i < WB_ARRAY_LEN(nums); i++) {
        double v = meta_num(meta, nums[i]);
        json_object_set_new(doc, nums[i], isnan(v) ? json_null() : json_integer((json_int_t)v));
    }
    for (size_t i = 0; i < m->n; i++) {
        json_t *labels = json_object();
        for (size_t l = 0; labels && l < m->m[i].nlabels; l++)
            json_object_set_new(labels, m->m[i].label[l][0], json_string(m->m[i].label[l][1]));
        json_array_append_new(list, json_pack("{s:s, s:o, s:o}", "name", m->m[i].name, "labels",
                                              labels ? labels : json_object(), "value",
                                              json_num(m->m[i].value)));
    }
    json_object_set_new(doc, "metrics", list);
    char *text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(doc);
    return text;
}
