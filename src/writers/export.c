/* wavebench export: records as CSV or one JSON document (export.h). */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/export.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wavebench/records.h"

/* ---- CSV -------------------------------------------------------------------------------- */

struct names {
    size_t n, cap;
    char (*v)[WB_NAME_LEN];
};

static int names_add(const struct wb_record *r, void *ctx)
{
    struct names *nm = ctx;
    for (size_t c = 0; c < r->t->ncols; c++) {
        const char *name = wb_record_col_name(r, (int)c);
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
static int rec_find(const struct wb_record *r, const char *name)
{
    for (size_t c = 0; c < r->t->ncols; c++) {
        const char *n = wb_record_col_name(r, (int)c);
        if (n && strcmp(n, name) == 0)
            return (int)c;
    }
    return -1;
}

struct csv_ctx {
    FILE *out;
    const struct names *nm;
};

static int csv_row(const struct wb_record *r, void *ctx)
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
            wb_record_cell_text(&r->t->cols[c], r->row, cell, sizeof cell);
        csv_field(cx->out, cell, false);
    }
    fputc('\n', cx->out);
    return 0;
}

int wb_export_csv(const struct wb_results_file *f, FILE *out, struct wb_error *err)
{
    struct names nm = {0, 0, NULL};
    if (wb_record_each(&f->meta, &f->results, true, names_add, &nm) != 0) {
        free(nm.v);
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (export)");
    }
    for (size_t i = 0; i < WB_RECORD_NFIXED; i++)
        csv_field(out, wb_record_fixed[i], i == 0);
    for (size_t i = 0; i < nm.n; i++)
        csv_field(out, nm.v[i], false);
    fputc('\n', out);
    struct csv_ctx cx = {out, &nm};
    wb_record_each(&f->meta, &f->results, true, csv_row, &cx);
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

static int json_rec(const struct wb_record *r, void *ctx)
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
        const char *name = wb_record_col_name(r, (int)c);
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
        rc = wb_record_each(&f->meta, &f->results, true, json_rec, records);
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
        json_object_set_new(o, "exported", json_boolean(wb_table_printed(t)));
        json_object_set_new(o, "attributes", json_attrs(t, NULL));
        for (size_t c = 0; c < t->ncols; c++) {
            const struct wb_column *col = &t->cols[c];
            /* "better" is empty, not "none", for columns without a direction: the export
             * format said so before the results file recorded directions. */
            json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", col->name, "head",
                                  col->head, "unit", col->unit, "role",
                                  wb_table_role_name(col->role), "better",
                                  col->better != WB_BETTER_NONE ? wb_table_better_name(col->better)
                                                                : "");
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
