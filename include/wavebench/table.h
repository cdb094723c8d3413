/* wavebench tables: the one results record every suite fills and every writer reads.
 *
 * A table is a list of named, typed columns (one HDF5 dataset each) plus optional
 * raw series: per-row repetition timings kept on every rank, written as
 * [ranks][rows][repetitions]. Suites fill tables; writers (text, HDF5, export)
 * never compute. Every rank holds the same summary columns. */
#ifndef WB_TABLE_H
#define WB_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define WB_STR_LEN 32
#define WB_NAME_LEN 64

enum wb_col_type { WB_COL_I64, WB_COL_F64, WB_COL_STR };

struct wb_column {
    char name[WB_NAME_LEN];  /* dataset name, e.g. "oop_busbw" */
    char head[WB_STR_LEN];   /* printed header, e.g. "busbw" */
    char unit[WB_STR_LEN];   /* e.g. "GB/s"; "" when dimensionless */
    char group[WB_STR_LEN];  /* printed above a run of columns, e.g. "out-of-place" */
    enum wb_col_type type;
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
    char title[160];
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

/* Adds a column; returns its index, or -1 when rows already exist or out of memory. */
int wb_table_add_col(struct wb_table *t, const char *name, enum wb_col_type type,
                     const char *head, const char *unit, const char *group, int width,
                     int precision);

/* Adds a raw series of nreps values per row; returns its index, or -1 when rows already
 * exist, nreps is 0 or out of memory. */
int wb_table_add_raw(struct wb_table *t, const char *name, const char *unit, size_t nreps);

/* Appends a zeroed row; returns its index, or -1 on allocation failure. */
long wb_table_add_row(struct wb_table *t);

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

/* What a column is to compare and export:
 * KEY: an independent variable (text or integer columns such as size, type, op);
 * FIGURE: a measured figure with a better direction;
 * SPREAD: recorded spread of a figure (time_rep_min, time_ci_hi, ...), never compared alone;
 * CONTEXT: a floating value that describes the run (width, points, lr) and must agree. */
enum wb_col_role { WB_ROLE_KEY, WB_ROLE_FIGURE, WB_ROLE_SPREAD, WB_ROLE_CONTEXT };
enum wb_col_role wb_table_col_role(const struct wb_column *c);

/* +1 when a larger value is better (bandwidth, rates, speedup), -1 when smaller is better
 * (times, errors, losses, wrong values, memory), 0 when c is not a figure. */
int wb_table_col_direction(const struct wb_column *c);

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
