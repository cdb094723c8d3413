/* wavebench tables: the one results record every suite fills and every writer reads.
 *
 * A table is a list of named, typed columns (one HDF5 dataset each), each declaring what
 * it means where the suite creates it, plus optional raw series: per-row repetition
 * timings kept on every rank, written as [ranks][rows][repetitions]. Suites fill tables;
 * writers (text, HDF5, export) never compute. Every rank holds the same summary columns. */
#ifndef WB_TABLE_H
#define WB_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define WB_STR_LEN 32
#define WB_NAME_LEN 64

enum wb_col_type { WB_COL_I64, WB_COL_F64, WB_COL_STR };

/* What a column means, declared by the suite that creates it; report, compare, export
 * and the push read it and never guess from a column's name:
 * KEY: an independent variable: rows are matched and labelled by it (size, type, op, x);
 * FIGURE: a measured figure, with a better direction (time, busbw, rel_l2);
 * SPREAD: the recorded spread of a figure (time_rep_min, time_ci_hi), never judged alone;
 * CONTEXT: describes the run or the row (width, lr, count, bytes); shown, never judged;
 * VERDICT: a check's outcome, with the direction that passes (wrong values: lower). */
enum wb_col_role { WB_ROLE_KEY, WB_ROLE_FIGURE, WB_ROLE_SPREAD, WB_ROLE_CONTEXT, WB_ROLE_VERDICT };

/* Which way a figure or verdict is better; NONE for every other role. The values are the
 * sign of "better", so a comparison can multiply by them. */
enum wb_col_better { WB_BETTER_LOWER = -1, WB_BETTER_NONE = 0, WB_BETTER_HIGHER = 1 };

struct wb_column {
    char name[WB_NAME_LEN];  /* dataset name, e.g. "oop_busbw" */
    char head[WB_STR_LEN];   /* printed header, e.g. "busbw" */
    char unit[WB_STR_LEN];   /* e.g. "GB/s"; "" when dimensionless */
    char group[WB_STR_LEN];  /* printed above a run of columns, e.g. "out-of-place" */
    enum wb_col_type type;
    enum wb_col_role role;
    enum wb_col_better better;
    char threshold[WB_NAME_LEN]; /* the [report] acceptance threshold it takes part in, or "" */
    int width, precision;    /* print format; width 0: not printed */
    union { int64_t *i64; double *f64; char (*str)[WB_STR_LEN]; } data; /* [nrows] */
};

struct wb_raw {
    char name[WB_NAME_LEN];
    char unit[WB_STR_LEN];
    size_t nreps;
    double *data; /* [nrows][nreps], this rank's values */
};

struct wb_attr {
    char name[WB_NAME_LEN];
    bool is_text;
    double number;
    char text[256];
};

/* Columns, raw series and attributes grow as they are added: no table has a fixed limit. */
struct wb_table {
    char path[128];  /* HDF5 group, e.g. "collectives/allreduce" */
    char title[256];
    size_t nrows, cap;          /* rows; rows allocated in every column and raw series */
    size_t ncols, cols_cap;
    struct wb_column *cols;     /* [ncols] */
    size_t nraw, raw_cap;
    struct wb_raw *raw;         /* [nraw] */
    size_t nattrs, attrs_cap;
    struct wb_attr *attrs;      /* [nattrs] */
};

/* Starts an empty table. */
void wb_table_init(struct wb_table *t, const char *path, const char *title);

/* Adds a column that means role, better being its better direction: FIGURE and VERDICT
 * need HIGHER or LOWER, the other roles NONE; FIGURE, VERDICT and SPREAD need WB_COL_F64.
 * head NULL: the name. Returns its index, or -1 when the meaning does not fit (those
 * rules), rows already exist or out of memory. */
int wb_table_add_col(struct wb_table *t, const char *name, enum wb_col_type type,
                     enum wb_col_role role, enum wb_col_better better, const char *head,
                     const char *unit, const char *group, int width, int precision);

/* Marks column col as taking part in the acceptance threshold named key (a [report]
 * setting, e.g. "min_busbw"; NULL or "" unmarks): a figure is what the threshold bounds,
 * a key where it applies (main.c's check_thresholds says how each threshold reads its
 * marks). Ignored when col < 0, so it may follow a failed wb_table_add_col. */
void wb_table_set_threshold(struct wb_table *t, int col, const char *key);

/* Adds a raw series of nreps values per row; returns its index, or -1 when rows already
 * exist, nreps is 0 or out of memory. */
int wb_table_add_raw(struct wb_table *t, const char *name, const char *unit, size_t nreps);

/* Appends a zeroed row; returns its index, or -1 on allocation failure. */
long wb_table_add_row(struct wb_table *t);

/* Keeps the first nrows rows (fewer than now): rows an interrupted run did not fill. */
void wb_table_keep_rows(struct wb_table *t, size_t nrows);

void wb_table_set_i64(struct wb_table *t, size_t row, int col, int64_t v);
void wb_table_set_f64(struct wb_table *t, size_t row, int col, double v);
void wb_table_set_str(struct wb_table *t, size_t row, int col, const char *v);

/* This rank's nreps values of raw series r for a row. */
double *wb_table_raw(struct wb_table *t, int r, size_t row);

/* Table attributes (written as HDF5 attributes of the group); a name set again is
 * replaced. Return 0, or -1 when out of memory (the attribute is then absent). */
int wb_table_attr_num(struct wb_table *t, const char *name, double v);
int wb_table_attr_text(struct wb_table *t, const char *name, const char *v);

/* Column index by name, or -1. */
int wb_table_col(const struct wb_table *t, const char *name);

/* The names the results file and the JSON export give roles ("key", "figure", "spread",
 * "context", "verdict") and better directions ("higher", "lower", "none"). */
const char *wb_table_role_name(enum wb_col_role role);
const char *wb_table_better_name(enum wb_col_better better);

/* The role or direction a name gives; 0, or -1 when name is none of them. */
int wb_table_role_parse(const char *name, enum wb_col_role *role);
int wb_table_better_parse(const char *name, enum wb_col_better *better);

/* Whether unit is one of time (s, ms, us, ns). */
bool wb_table_time_unit(const char *unit);

/* Whether the table is printed (some column has a width); data tables (solution grids,
 * parameters) are not printed, exported or compared. */
bool wb_table_printed(const struct wb_table *t);

/* Attribute by name, or NULL. */
const struct wb_attr *wb_table_attr(const struct wb_table *t, const char *name);

void wb_table_free(struct wb_table *t);

/* A run's results: the tables of every suite, in the order they ran; starts as {0}. */
struct wb_results {
    size_t ntables, cap;
    struct wb_table **tables; /* [ntables] */
};

/* Appends a new table owned by r; NULL when out of memory. */
struct wb_table *wb_results_new_table(struct wb_results *r, const char *path, const char *title);
void wb_results_free(struct wb_results *r);

#endif
