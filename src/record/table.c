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

int wb_table_add_col(struct wb_table *t, const char *name, enum wb_col_type type,
                     const char *head, const char *unit, const char *group, int width,
                     int precision)
{
    if (t->nrows > 0 || reserve((void **)&t->cols, &t->cols_cap, t->ncols, sizeof *t->cols))
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

/* ---- column roles and attributes ---------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* The name without a placement prefix (oop_, ip_). */
static const char *base_name(const char *name)
{
    if (strncmp(name, "oop_", 4) == 0)
        return name + 4;
    if (strncmp(name, "ip_", 3) == 0)
        return name + 3;
    return name;
}

static bool is_spread_name(const char *name)
{
    static const char *const suffixes[] = {"_min", "_max", "_lo", "_hi", "_avg", "_std",
                                           "_iters", "_raw", NULL};
    if (strstr(name, "_rank_") || strstr(name, "_ci_") || strstr(name, "_rep_"))
        return true;
    for (const char *const *s = suffixes; *s; s++)
        if (ends_with(name, *s))
            return true;
    return strcmp(base_name(name), "iters") == 0;
}

static bool is_time_unit(const char *unit)
{
    static const char *const units[] = {"s", "ms", "us", "ns", NULL};
    return in_list(unit, units);
}

int wb_table_col_direction(const struct wb_column *c)
{
    static const char *const lower[] = {"time", "loss", "pde", "ic", "ict", "bc", "rel_l2",
                                        "wrong", "time_per_iter", "compute", "allreduce", "other",
                                        "peak_rss", "error", NULL};
    static const char *const higher[] = {"algbw", "busbw", "points_per_s", "gflops", "speedup",
                                         "efficiency", "bandwidth", "gbps", NULL};
    static const char *const context[] = {"elapsed", "flops_per_iter", "lr", NULL};
    if (c->type != WB_COL_F64 || is_spread_name(c->name))
        return 0;
    const char *b = base_name(c->name);
    if (in_list(b, context))
        return 0;
    if (in_list(b, higher) || strstr(b, "speedup") || strstr(b, "efficiency") ||
        strstr(b, "busbw") || strstr(b, "algbw") || strstr(b, "gbps") || strstr(c->unit, "/s"))
        return +1;
    if (in_list(b, lower) || is_time_unit(c->unit) || strncmp(b, "time", 4) == 0 ||
        ends_with(b, "_time") || strstr(b, "error") || strstr(b, "rel_l2") || ends_with(b, "_loss"))
        return -1;
    return 0;
}

enum wb_col_role wb_table_col_role(const struct wb_column *c)
{
    if (is_spread_name(c->name))
        return WB_ROLE_SPREAD;
    if (c->type != WB_COL_F64)
        return WB_ROLE_KEY;
    return wb_table_col_direction(c) ? WB_ROLE_FIGURE : WB_ROLE_CONTEXT;
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
