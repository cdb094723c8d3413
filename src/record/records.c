/* wavebench records: tables flattened into records (records.h). */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/records.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wavebench/common.h"
static const char *const placement_prefix[2] = {"oop_", "ip_"};


const char *const wb_record_fixed[WB_RECORD_NFIXED] = {"suite", "table", "op", "type", "size", "in_place",
                                          "ranks", "localities", "backend"};

static int placement_of(const char *name)
{
    for (int p = 0; p < 2; p++)
        if (strncmp(name, placement_prefix[p], strlen(placement_prefix[p])) == 0)
            return p;
    return -1;
}

const char *wb_record_col_name(const struct wb_record *r, int c)
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
    for (size_t i = 0; i < WB_ARRAY_LEN(wb_record_fixed); i++)
        if (strcmp(name, wb_record_fixed[i]) == 0)
            return NULL;
    return name;
}

void wb_record_num_text(char *out, size_t size, double v)
{
    snprintf(out, size, "%.15g", v);
    if (strtod(out, NULL) != v)
        snprintf(out, size, "%.17g", v);
}

void wb_record_cell_text(const struct wb_column *c, size_t row, char *out, size_t size)
{
    if (c->type == WB_COL_I64)
        snprintf(out, size, "%lld", (long long)c->data.i64[row]);
    else if (c->type == WB_COL_STR)
        snprintf(out, size, "%s", c->data.str[row]);
    else if (isnan(c->data.f64[row]))
        out[0] = '\0';
    else
        wb_record_num_text(out, size, c->data.f64[row]);
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
    const struct wb_attr *a = wb_table_attr(t, name);
    if (!a)
        a = wb_table_attr(meta, name);
    if (!a)
        out[0] = '\0';
    else if (a->is_text)
        snprintf(out, size, "%.*s", (int)(size ? size - 1 : 0), a->text);
    else
        wb_record_num_text(out, size, a->number);
}

static bool table_has_placements(const struct wb_table *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (placement_of(t->cols[i].name) >= 0)
            return true;
    return false;
}

/* Whether any figure of the record has a value (broadcast has no out-of-place figures). */
static bool rec_has_figures(const struct wb_record *r)
{
    bool any_figure = false;
    for (size_t c = 0; c < r->t->ncols; c++) {
        if (!wb_record_col_name(r, (int)c) || r->t->cols[c].role != WB_ROLE_FIGURE)
            continue;
        any_figure = true;
        if (!isnan(r->t->cols[c].data.f64[r->row]))
            return true;
    }
    return !any_figure;
}

static void rec_init(struct wb_record *r, const struct wb_table *t, const struct wb_table *meta,
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
        wb_record_cell_text(&t->cols[r->op_col], row, r->op, sizeof r->op);
    else
        snprintf(r->op, sizeof r->op, "%s", slash ? strrchr(t->path, '/') + 1 : t->path);
    if (r->type_col >= 0)
        wb_record_cell_text(&t->cols[r->type_col], row, r->type, sizeof r->type);
    if (r->size_col >= 0)
        wb_record_cell_text(&t->cols[r->size_col], row, r->size, sizeof r->size);
    attr_or_meta(r->ranks, sizeof r->ranks, t, meta, "ranks");
    attr_or_meta(r->localities, sizeof r->localities, t, meta, "localities");
    attr_or_meta(r->backend, sizeof r->backend, t, meta, "backend");
}

int wb_record_each(const struct wb_table *meta, const struct wb_results *res, bool history,
                           wb_record_fn fn, void *ctx)
{
    for (size_t i = 0; i < res->ntables; i++) {
        const struct wb_table *t = res->tables[i];
        size_t n = strlen(t->path);
        if (!wb_table_printed(t) || (!history && n >= 8 && strcmp(t->path + n - 8, "/history") == 0))
            continue;
        bool split = table_has_placements(t);
        for (size_t row = 0; row < t->nrows; row++)
            for (int p = split ? 0 : -1; p < (split ? 2 : 0); p++) {
                struct wb_record r;
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
