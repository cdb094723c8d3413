/* wavebench tables: growable typed columns, raw per-rank series, fixed-width printing. */
#include "wavebench/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void wb_table_init(struct wb_table *t, const char *path, const char *title)
{
    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "%s", path);
    snprintf(t->title, sizeof t->title, "%s", title);
}

int wb_table_add_col(struct wb_table *t, const char *name, enum wb_col_type type,
                     const char *head, const char *unit, const char *group, int width,
                     int precision)
{
    if (t->ncols == WB_TABLE_MAX_COLS || t->nrows > 0)
        return -1;
    struct wb_column *c = &t->cols[t->ncols];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->head, sizeof c->head, "%s", head ? head : name);
    snprintf(c->unit, sizeof c->unit, "%s", unit ? unit : "");
    snprintf(c->group, sizeof c->group, "%s", group ? group : "");
    c->type = type;
    c->width = width;
    c->precision = precision;
    return (int)t->ncols++;
}

int wb_table_add_raw(struct wb_table *t, const char *name, const char *unit, size_t nreps)
{
    if (t->nraw == WB_TABLE_MAX_RAW || t->nrows > 0 || nreps == 0)
        return -1;
    struct wb_raw *r = &t->raw[t->nraw];
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->unit, sizeof r->unit, "%s", unit);
    r->nreps = nreps;
    r->data = NULL;
    return (int)t->nraw++;
}

static size_t elem_size(enum wb_col_type type)
{
    return type == WB_COL_I64 ? sizeof(int64_t) : type == WB_COL_F64 ? sizeof(double) : WB_STR_LEN;
}

static int grow(void **p, size_t old_cap, size_t new_cap, size_t size)
{
    void *q = realloc(*p, new_cap * size);
    if (!q)
        return -1;
    memset((char *)q + old_cap * size, 0, (new_cap - old_cap) * size);
    *p = q;
    return 0;
}

long wb_table_add_row(struct wb_table *t)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        for (size_t i = 0; i < t->ncols; i++)
            if (grow((void **)&t->cols[i].data.f64, t->cap, cap, elem_size(t->cols[i].type)))
                return -1;
        for (size_t i = 0; i < t->nraw; i++)
            if (grow((void **)&t->raw[i].data, t->cap, cap, sizeof(double) * t->raw[i].nreps))
                return -1;
        t->cap = cap;
    }
    return (long)t->nrows++;
}

void wb_table_set_i64(struct wb_table *t, size_t row, int col, int64_t v)
{
    t->cols[col].data.i64[row] = v;
}

void wb_table_set_f64(struct wb_table *t, size_t row, int col, double v)
{
    t->cols[col].data.f64[row] = v;
}

void wb_table_set_str(struct wb_table *t, size_t row, int col, const char *v)
{
    snprintf(t->cols[col].data.str[row], WB_STR_LEN, "%s", v);
}

double *wb_table_raw(struct wb_table *t, int r, size_t row)
{
    return t->raw[r].data + row * t->raw[r].nreps;
}

static struct wb_attr *new_attr(struct wb_table *t, const char *name)
{
    for (size_t i = 0; i < t->nattrs; i++)
        if (strcmp(t->attrs[i].name, name) == 0)
            return &t->attrs[i];
    if (t->nattrs == WB_TABLE_MAX_ATTRS)
        return NULL;
    struct wb_attr *a = &t->attrs[t->nattrs++];
    snprintf(a->name, sizeof a->name, "%s", name);
    return a;
}

void wb_table_attr_num(struct wb_table *t, const char *name, double v)
{
    struct wb_attr *a = new_attr(t, name);
    if (a) {
        a->is_text = false;
        a->number = v;
    }
}

void wb_table_attr_text(struct wb_table *t, const char *name, const char *v)
{
    struct wb_attr *a = new_attr(t, name);
    if (a) {
        a->is_text = true;
        snprintf(a->text, sizeof a->text, "%s", v);
    }
}

int wb_table_col(const struct wb_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

void wb_table_print(const struct wb_table *t, FILE *out)
{
    int printed = 0;
    for (size_t i = 0; i < t->ncols; i++)
        printed |= t->cols[i].width > 0;
    if (!printed) /* a data table (a solution grid, parameters): the results file only */
        return;
    fprintf(out, "#\n# %s\n", t->title);
    /* Group line: each group label centred over its run of printed columns. */
    int any_group = 0;
    for (size_t i = 0; i < t->ncols; i++)
        any_group |= t->cols[i].width > 0 && t->cols[i].group[0];
    if (any_group) {
        fputc('#', out);
        size_t i = 0;
        while (i < t->ncols) {
            if (t->cols[i].width == 0) {
                i++;
                continue;
            }
            int span = 0;
            size_t j = i;
            while (j < t->ncols && (t->cols[j].width == 0 ||
                                    strcmp(t->cols[j].group, t->cols[i].group) == 0)) {
                if (t->cols[j].width)
                    span += t->cols[j].width + 1;
                j++;
            }
            int len = (int)strlen(t->cols[i].group);
            int left = (span - len) / 2;
            fprintf(out, "%*s%s%*s", left, "", t->cols[i].group, span - len - left, "");
            i = j;
        }
        fputc('\n', out);
    }
    for (int line = 0; line < 2; line++) {
        fputc('#', out);
        for (size_t i = 0; i < t->ncols; i++)
            if (t->cols[i].width)
                fprintf(out, " %*s", t->cols[i].width,
                        line == 0 ? t->cols[i].head : t->cols[i].unit[0] ? t->cols[i].unit : "");
        fputc('\n', out);
    }
    for (size_t r = 0; r < t->nrows; r++) {
        fputc(' ', out);
        for (size_t i = 0; i < t->ncols; i++) {
            const struct wb_column *c = &t->cols[i];
            if (!c->width)
                continue;
            if (c->type == WB_COL_I64)
                fprintf(out, " %*lld", c->width, (long long)c->data.i64[r]);
            else if (c->type == WB_COL_STR)
                fprintf(out, " %*s", c->width, c->data.str[r]);
            else if (isnan(c->data.f64[r]))
                fprintf(out, " %*s", c->width, "n/a");
            else if (c->precision < 0) /* scientific */
                fprintf(out, " %*.*e", c->width, -c->precision, c->data.f64[r]);
            else
                fprintf(out, " %*.*f", c->width, c->precision, c->data.f64[r]);
        }
        fputc('\n', out);
    }
    for (size_t i = 0; i < t->nattrs; i++) {
        const struct wb_attr *a = &t->attrs[i];
        if (a->is_text)
            fprintf(out, "# %-22s: %s\n", a->name, a->text);
        else
            fprintf(out, "# %-22s: %.6g\n", a->name, a->number);
    }
}

void wb_table_free(struct wb_table *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        free(t->cols[i].data.f64);
    for (size_t i = 0; i < t->nraw; i++)
        free(t->raw[i].data);
    memset(t, 0, sizeof *t);
}

struct wb_table *wb_results_new_table(struct wb_results *r, const char *path, const char *title)
{
    if (r->ntables == sizeof r->tables / sizeof r->tables[0])
        return NULL;
    struct wb_table *t = malloc(sizeof *t);
    if (!t)
        return NULL;
    wb_table_init(t, path, title);
    r->tables[r->ntables++] = t;
    return t;
}

void wb_results_free(struct wb_results *r)
{
    for (size_t i = 0; i < r->ntables; i++) {
        wb_table_free(r->tables[i]);
        free(r->tables[i]);
    }
    r->ntables = 0;
}
