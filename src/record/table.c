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

/* Makes room for one more element in *p (n in use, *cap allocated): capacity doubles.
 * Returns 0, or -1 when out of memory (*p unchanged). */
static int reserve(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t new_cap = *cap ? 2 * *cap : 8;
    void *q = realloc(*p, new_cap * size);
    if (!q)
        return -1;
    *p = q;
    *cap = new_cap;
    return 0;
}

/* Figures and verdicts say which way is better, and nothing else does; they and spreads
 * are floating (NaN: not applicable), which is how every reader of them reads them. */
static bool meaning_valid(enum wb_col_type type, enum wb_col_role role, enum wb_col_better better)
{
    bool judged = role == WB_ROLE_FIGURE || role == WB_ROLE_VERDICT;
    bool directed = better == WB_BETTER_HIGHER || better == WB_BETTER_LOWER;
    bool known = role == WB_ROLE_KEY || role == WB_ROLE_SPREAD || role == WB_ROLE_CONTEXT || judged;
    return known && (judged ? directed : better == WB_BETTER_NONE) &&
           (type == WB_COL_F64 || !(judged || role == WB_ROLE_SPREAD));
}

int wb_table_add_col(struct wb_table *t, const char *name, enum wb_col_type type,
                     enum wb_col_role role, enum wb_col_better better, const char *head,
                     const char *unit, const char *group, int width, int precision)
{
    if (!meaning_valid(type, role, better) || t->nrows > 0 ||
        reserve((void **)&t->cols, &t->cols_cap, t->ncols, sizeof *t->cols))
        return -1;
    struct wb_column *c = &t->cols[t->ncols];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->head, sizeof c->head, "%s", head ? head : name);
    snprintf(c->unit, sizeof c->unit, "%s", unit ? unit : "");
    snprintf(c->group, sizeof c->group, "%s", group ? group : "");
    c->type = type;
    c->role = role;
    c->better = better;
    c->width = width;
    c->precision = precision;
    return (int)t->ncols++;
}

void wb_table_set_threshold(struct wb_table *t, int col, const char *key)
{
    if (col >= 0)
        snprintf(t->cols[col].threshold, sizeof t->cols[col].threshold, "%s", key ? key : "");
}

int wb_table_add_raw(struct wb_table *t, const char *name, const char *unit, size_t nreps)
{
    if (t->nrows > 0 || nreps == 0 ||
        reserve((void **)&t->raw, &t->raw_cap, t->nraw, sizeof *t->raw))
        return -1;
    struct wb_raw *r = &t->raw[t->nraw];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->unit, sizeof r->unit, "%s", unit);
    r->nreps = nreps;
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

void wb_table_keep_rows(struct wb_table *t, size_t nrows)
{
    if (nrows < t->nrows)
        t->nrows = nrows;
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
    if (reserve((void **)&t->attrs, &t->attrs_cap, t->nattrs, sizeof *t->attrs))
        return NULL;
    struct wb_attr *a = &t->attrs[t->nattrs++];
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s", name);
    return a;
}

int wb_table_attr_num(struct wb_table *t, const char *name, double v)
{
    struct wb_attr *a = new_attr(t, name);
    if (!a)
        return -1;
    a->is_text = false;
    a->number = v;
    return 0;
}

int wb_table_attr_text(struct wb_table *t, const char *name, const char *v)
{
    struct wb_attr *a = new_attr(t, name);
    if (!a)
        return -1;
    a->is_text = true;
    snprintf(a->text, sizeof a->text, "%s", v);
    return 0;
}

int wb_table_col(const struct wb_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

void wb_table_free(struct wb_table *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        free(t->cols[i].data.f64);
    for (size_t i = 0; i < t->nraw; i++)
        free(t->raw[i].data);
    free(t->cols);
    free(t->raw);
    free(t->attrs);
    memset(t, 0, sizeof *t);
}

struct wb_table *wb_results_new_table(struct wb_results *r, const char *path, const char *title)
{
    if (reserve((void **)&r->tables, &r->cap, r->ntables, sizeof *r->tables))
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
    free(r->tables);
    memset(r, 0, sizeof *r);
}

/* ---- meaning and attributes ------------------------------------------------------- */

static const char *const role_names[] = {
    [WB_ROLE_KEY] = "key", [WB_ROLE_FIGURE] = "figure", [WB_ROLE_SPREAD] = "spread",
    [WB_ROLE_CONTEXT] = "context", [WB_ROLE_VERDICT] = "verdict",
};

const char *wb_table_role_name(enum wb_col_role role)
{
    return (unsigned)role < sizeof role_names / sizeof role_names[0] ? role_names[role] : "?";
}

const char *wb_table_better_name(enum wb_col_better better)
{
    return better == WB_BETTER_HIGHER ? "higher" : better == WB_BETTER_LOWER ? "lower" : "none";
}

int wb_table_role_parse(const char *name, enum wb_col_role *role)
{
    for (size_t i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
        if (strcmp(name, role_names[i]) == 0) {
            *role = (enum wb_col_role)i;
            return 0;
        }
    return -1;
}

int wb_table_better_parse(const char *name, enum wb_col_better *better)
{
    static const enum wb_col_better all[] = {WB_BETTER_LOWER, WB_BETTER_NONE, WB_BETTER_HIGHER};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(name, wb_table_better_name(all[i])) == 0) {
            *better = all[i];
            return 0;
        }
    return -1;
}

bool wb_table_time_unit(const char *unit)
{
    return strcmp(unit, "s") == 0 || strcmp(unit, "ms") == 0 || strcmp(unit, "us") == 0 ||
           strcmp(unit, "ns") == 0;
}

bool wb_table_printed(const struct wb_table *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (t->cols[i].width > 0)
            return true;
    return false;
}

const struct wb_attr *wb_table_attr(const struct wb_table *t, const char *name)
{
    for (size_t i = 0; i < t->nattrs; i++)
        if (strcmp(t->attrs[i].name, name) == 0)
            return &t->attrs[i];
    return NULL;
}
