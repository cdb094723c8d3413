/* wavebench export: results tables flattened into records (one per tuple of independent
 * variables), written as CSV or one JSON document; and the summary metrics of the push
 * in the Prometheus text exposition format or JSON. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- records ---------------------------------------------------------------------------- */

static const char *const placement_prefix[2] = {"oop_", "ip_"};

/* One record: a table row, split by placement when the table has oop_/ip_ columns. */
struct rec {
    const struct wb_table *t;
    size_t row;
    int place; /* -1: the table has no placements; 0 out-of-place; 1 in-place */
    char suite[WB_NAME_LEN], op[WB_NAME_LEN], type[WB_NAME_LEN], size[32];
    char ranks[32], localities[32], backend[WB_NAME_LEN];
    int op_col, type_col, size_col; /* columns consumed as fixed fields, or -1 */
};

static const char *const fixed_names[] = {"suite", "table", "op", "type", "size", "in_place",
                                          "ranks", "localities", "backend"};

static int placement_of(const char *name)
{
    for (int p = 0; p < 2; p++)
        if (strncmp(name, placement_prefix[p], strlen(placement_prefix[p])) == 0)
            return p;
    return -1;
}

/* The name a column has in a record of placement place; NULL when it belongs to the other
 * placement or is a fixed field. */
static const char *rec_col_name(const struct rec *r, int c)
{
    const struct wb_column *col = &r->t->cols[c];
    if (c == r->op_col || c == r->type_col || c == r->size_col)
        return NULL;
    int p = placement_of(col->name);
    const char *name = col->name;
    if (p >= 0 && r->place >= 0) {
        if (p != r->place)
            return NULL;
        name += strlen(placement_prefix[p]);
    }
    for (size_t i = 0; i < WB_ARRAY_LEN(fixed_names); i++)
        if (strcmp(name, fixed_names[i]) == 0)
            return NULL;
    return name;
}

static void num_text(char *out, size_t size, double v)
{
    snprintf(out, size, "%.15g", v);
    if (strtod(out, NULL) != v)
        snprintf(out, size, "%.17g", v);
}

static void cell_text(const struct wb_column *c, size_t row, char *out, size_t size)
{
    if (c->type == WB_COL_I64)
        snprintf(out, size, "%lld", (long long)c->data.i64[row]);
    else if (c->type == WB_COL_STR)
        snprintf(out, size, "%s", c->data.str[row]);
    else if (isnan(c->data.f64[row]))
        out[0] = '\0';
    else
        num_text(out, size, c->data.f64[row]);
}

static int first_col(const struct wb_table *t, const char *const *names)
{
    for (; *names; names++) {
        int c = wb_table_col(t, *names);
        if (c >= 0 && t->cols[c].type != WB_COL_F64)
            return c;
    }
    return -1;
}

static void attr_or_meta(char *out, size_t size, const struct wb_table *t, const struct wb_table *meta,
                         const char *name)
{
    const struct wb_attr *a = wb_report_attr(t, name);
    if (!a)
        a = wb_report_attr(meta, name);
    if (!a)
        out[0] = '\0';
    else if (a->is_text)
        snprintf(out, size, "%.*s", (int)(size ? size - 1 : 0), a->text);
    else
        num_text(out, size, a->number);
}

static bool table_has_placements(const struct wb_table *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (placement_of(t->cols[i].name) >= 0)
            return true;
    return false;
}

/* Whether any figure of the record has a value (broadcast has no out-of-place figures). */
static bool rec_has_figures(const struct rec *r)
{
    bool any_figure = false;
    for (size_t c = 0; c < r->t->ncols; c++) {
        if (!rec_col_name(r, (int)c) || wb_report_col_role(&r->t->cols[c]) != WB_ROLE_FIGURE)
            continue;
        any_figure = true;
        if (!isnan(r->t->cols[c].data.f64[r->row]))
            return true;
    }
    return !any_figure;
}

static void rec_init(struct rec *r, const struct wb_table *t, const struct wb_table *meta,
                     size_t row, int place)
{
    static const char *const ops[] = {"op", "operation", "problem", NULL};
    static const char *const types[] = {"type", "dtype", "datatype", "precision", NULL};
    static const char *const sizes[] = {"size", "n", "bytes", NULL};
    memset(r, 0, sizeof *r);
    r->t = t;
    r->row = row;
    r->place = place;
    const char *slash = strchr(t->path, '/');
    snprintf(r->suite, sizeof r->suite, "%.*s", (int)(slash ? slash - t->path : (long)strlen(t->path)),
             t->path);
    r->op_col = first_col(t, ops);
    r->type_col = first_col(t, types);
    r->size_col = first_col(t, sizes);
    if (r->op_col >= 0)
        cell_text(&t->cols[r->op_col], row, r->op, sizeof r->op);
    else
        snprintf(r->op, sizeof r->op, "%s", slash ? strrchr(t->path, '/') + 1 : t->path);
    if (r->type_col >= 0)
        cell_text(&t->cols[r->type_col], row, r->type, sizeof r->type);
    if (r->size_col >= 0)
        cell_text(&t->cols[r->size_col], row, r->size, sizeof r->size);
    attr_or_meta(r->ranks, sizeof r->ranks, t, meta, "ranks");
    attr_or_meta(r->localities, sizeof r->localities, t, meta, "localities");
    attr_or_meta(r->backend, sizeof r->backend, t, meta, "backend");
}

static bool exported(const struct wb_table *t)
{
    return wb_report_table_printed(t);
}

/* Calls fn for every record of every exported table; stops at the first non-zero. */
typedef int (*rec_fn)(const struct rec *r, void *ctx);
static int for_each_record(const struct wb_table *meta, const struct wb_results *res, bool history,
                           rec_fn fn, void *ctx)
{
    for (size_t i = 0; i < res->ntables; i++) {
        const struct wb_table *t = res->tables[i];
        size_t n = strlen(t->path);
        if (!exported(t) || (!history && n >= 8 && strcmp(t->path + n - 8, "/history") == 0))
            continue;
        bool split = table_has_placements(t);
        for (size_t row = 0; row < t->nrows; row++)
            for (int p = split ? 0 : -1; p < (split ? 2 : 0); p++) {
                struct rec r;
                rec_init(&r, t, meta, row, p);
                if (split && !rec_has_figures(&r))
                    continue;
                int rc = fn(&r, ctx);
                if (rc)
                    return rc;
            }
    }
    return 0;
}

/* ---- CSV -------------------------------------------------------------------------------- */

struct names {
    size_t n, cap;
    char (*v)[WB_NAME_LEN];
};

static int names_add(const struct rec *r, void *ctx)
{
    struct names *nm = ctx;
    for (size_t c = 0; c < r->t->ncols; c++) {
        const char *name = rec_col_name(r, (int)c);
        if (!name)
            continue;
        bool seen = false;
        for (size_t i = 0; i < nm->n && !seen; i++)
            seen = strcmp(nm->v[i], name) == 0;
        if (seen)
            continue;
        if (nm->n == nm->cap) {
            size_t cap = nm->cap ? 2 * nm->cap : 64;
            void *p = realloc(nm->v, cap * sizeof *nm->v);
            if (!p)
                return -1;
            nm->v = p;
            nm->cap = cap;
        }
        snprintf(nm->v[nm->n++], WB_NAME_LEN, "%s", name);
    }
    return 0;
}

static void csv_field(FILE *out, const char *s, bool first)
{
    if (!first)
        fputc(',', out);
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* The column of a record holding logical name, or -1. */
static int rec_find(const struct rec *r, const char *name)
{
    for (size_t c = 0; c < r->t->ncols; c++) {
        const char *n = rec_col_name(r, (int)c);
        if (n && strcmp(n, name) == 0)
            return (int)c;
    }
    return -1;
}

struct csv_ctx {
    FILE *out;
    const struct names *nm;
};

static int csv_row(const struct rec *r, void *ctx)
{
    struct csv_ctx *cx = ctx;
    const char *fixed[] = {r->suite, r->t->path, r->op, r->type, r->size,
                           r->place < 0 ? "" : r->place ? "1" : "0", r->ranks, r->localities,
                           r->backend};
    for (size_t i = 0; i < WB_ARRAY_LEN(fixed); i++)
        csv_field(cx->out, fixed[i], i == 0);
    for (size_t i = 0; i < cx->nm->n; i++) {
        char cell[WB_STR_LEN + 32] = "";
        int c = rec_find(r, cx->nm->v[i]);
        if (c >= 0)
            cell_text(&r->t->cols[c], r->row, cell, sizeof cell);
        csv_field(cx->out, cell, false);
    }
    fputc('\n', cx->out);
    return 0;
}

int wb_export_csv(const struct wb_results_file *f, FILE *out, struct wb_error *err)
{
    struct names nm = {0, 0, NULL};
    if (for_each_record(&f->meta, &f->results, true, names_add, &nm) != 0) {
        free(nm.v);
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (export)");
    }
    for (size_t i = 0; i < WB_ARRAY_LEN(fixed_names); i++)
        csv_field(out, fixed_names[i], i == 0);
    for (size_t i = 0; i < nm.n; i++)
        csv_field(out, nm.v[i], false);
    fputc('\n', out);
    struct csv_ctx cx = {out, &nm};
    for_each_record(&f->meta, &f->results, true, csv_row, &cx);
    free(nm.v);
    return ferror(out) ? WB_FAIL(err, WB_ERR_RUNTIME, "write error (export)") : WB_OK;
}

/* ---- JSON ------------------------------------------------------------------------------- */

static json_t *json_num(double v)
{
    return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static json_t *json_cell(const struct wb_column *c, size_t row)
{
    if (c->type == WB_COL_I64)
        return json_integer((json_int_t)c->data.i64[row]);
    if (c->type == WB_COL_STR)
        return json_string(c->data.str[row]);
    return json_num(c->data.f64[row]);
}

static json_t *json_attrs(const struct wb_table *t, const char *skip)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < t->nattrs; i++) {
        const struct wb_attr *a = &t->attrs[i];
        if (skip && strcmp(a->name, skip) == 0)
            continue;
        json_object_set_new(o, a->name, a->is_text ? json_string(a->text) : json_num(a->number));
    }
    return o;
}

static int json_rec(const struct rec *r, void *ctx)
{
    json_t *o = json_object();
    if (!o)
        return -1;
    json_object_set_new(o, "suite", json_string(r->suite));
    json_object_set_new(o, "table", json_string(r->t->path));
    json_object_set_new(o, "op", json_string(r->op));
    json_object_set_new(o, "type", json_string(r->type));
    if (r->size_col >= 0)
        json_object_set_new(o, "size", json_cell(&r->t->cols[r->size_col], r->row));
    else
        json_object_set_new(o, "size", json_null());
    json_object_set_new(o, "in_place", r->place < 0 ? json_null() : json_boolean(r->place == 1));
    json_object_set_new(o, "ranks", json_integer(atoll(r->ranks)));
    json_object_set_new(o, "localities", json_integer(atoll(r->localities)));
    json_object_set_new(o, "backend", json_string(r->backend));
    for (size_t c = 0; c < r->t->ncols; c++) {
        const char *name = rec_col_name(r, (int)c);
        if (name)
            json_object_set_new(o, name, json_cell(&r->t->cols[c], r->row));
    }
    return json_array_append_new(ctx, o) == 0 ? 0 : -1;
}

int wb_export_json(const struct wb_results_file *f, FILE *out, struct wb_error *err)
{
    json_t *doc = json_object(), *records = json_array(), *tables = json_array();
    int rc = doc && records && tables ? 0 : -1;
    if (rc == 0) {
        json_object_set_new(doc, "format", json_string("wavebench-export"));
        json_object_set_new(doc, "format_version", json_integer(1));
        json_object_set_new(doc, "run", json_attrs(&f->meta, NULL));
        json_object_set_new(doc, "config_ini", json_string(f->config_ini ? f->config_ini : ""));
        rc = for_each_record(&f->meta, &f->results, true, json_rec, records);
    }
    for (size_t i = 0; rc == 0 && i < f->results.ntables; i++) {
        const struct wb_table *t = f->results.tables[i];
        json_t *o = json_object(), *cols = json_array();
        if (!o || !cols) {
            json_decref(o);
            json_decref(cols);
            rc = -1;
            break;
        }
        json_object_set_new(o, "path", json_string(t->path));
        json_object_set_new(o, "title", json_string(t->title));
        json_object_set_new(o, "rows", json_integer((json_int_t)t->nrows));
        json_object_set_new(o, "exported", json_boolean(exported(t)));
        json_object_set_new(o, "attributes", json_attrs(t, NULL));
        static const char *const roles[] = {"key", "figure", "spread", "context"};
        for (size_t c = 0; c < t->ncols; c++) {
            const struct wb_column *col = &t->cols[c];
            int dir = wb_report_direction(col);
            json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", col->name, "head",
                                  col->head, "unit", col->unit, "role",
                                  roles[wb_report_col_role(col)], "better",
                                  dir > 0 ? "higher" : dir < 0 ? "lower" : "");
            json_array_append_new(cols, d);
        }
        json_object_set_new(o, "columns", cols);
        json_array_append_new(tables, o);
    }
    if (rc == 0) {
        json_object_set_new(doc, "records", records);
        json_object_set_new(doc, "tables", tables);
        records = tables = NULL;
        rc = json_dumpf(doc, out, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) == 0 ? 0 : -1;
        fputc('\n', out);
    }
    json_decref(records);
    json_decref(tables);
    json_decref(doc);
    if (rc != 0 || ferror(out))
        return WB_FAIL(err, WB_ERR_RUNTIME, "cannot write the JSON document (out of memory?)");
    return WB_OK;
}

/* ---- metrics ---------------------------------------------------------------------------- */

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

static int metric_rec(const struct rec *r, void *ctx)
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
    /* Further key columns tell series apart (redop); counts follow from size and type. */
    for (size_t c = 0; c < r->t->ncols; c++) {
        const char *name = rec_col_name(r, (int)c);
        const struct wb_column *col = &r->t->cols[c];
        if (name && wb_report_col_role(col) == WB_ROLE_KEY && strcmp(name, "count") != 0) {
            char v[WB_STR_LEN + 32];
            cell_text(col, r->row, v, sizeof v);
            add_label(&x, name, v);
        }
    }
    for (size_t c = 0; c < r->t->ncols; c++) {
        const char *name = rec_col_name(r, (int)c);
        const struct wb_column *col = &r->t->cols[c];
        if (!name || !col->width || wb_report_col_role(col) != WB_ROLE_FIGURE ||
            isnan(col->data.f64[r->row]))
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
    const struct wb_attr *a = wb_report_attr(meta, name);
    return a && a->is_text ? a->text : "";
}

static double meta_num(const struct wb_table *meta, const char *name)
{
    const struct wb_attr *a = wb_report_attr(meta, name);
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
    num_text(num, sizeof num, meta_num(meta, "ranks"));
    add_label(&x, "ranks", num);
    num_text(num, sizeof num, meta_num(meta, "localities"));
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
        rc = for_each_record(meta, res, false, metric_rec, out);
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
        num_text(buf, sizeof buf, v);
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
