/* wavebench records: a run's tables flattened into records, one per tuple of independent
 * variables (a table row, split in two when the table has oop_/ip_ column pairs), with
 * the run's fixed fields (suite, op, type, size, ranks, localities, backend). Export
 * writes them as CSV or JSON; the push turns them into summary metrics. */
#ifndef WB_RECORDS_H
#define WB_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "wavebench/table.h"

/* One record: a table row, split by placement when the table has oop_/ip_ columns. */
struct wb_record {
    const struct wb_table *t;
    size_t row;
    int place; /* -1: the table has no placements; 0 out-of-place; 1 in-place */
    char suite[WB_NAME_LEN], op[WB_NAME_LEN], type[WB_NAME_LEN], size[32];
    char ranks[32], localities[32], backend[WB_NAME_LEN];
    int op_col, type_col, size_col; /* columns consumed as fixed fields, or -1 */
};

/* The names of the fixed fields, the first columns of every export. */
#define WB_RECORD_NFIXED 9
extern const char *const wb_record_fixed[WB_RECORD_NFIXED];

/* The name column c has in record r; NULL when it belongs to the other placement or is
 * one of the fixed fields. */
const char *wb_record_col_name(const struct wb_record *r, int c);

/* v as the shortest of %.15g and %.17g that reads back exactly. */
void wb_record_num_text(char *out, size_t size, double v);

/* A cell as text; "" for a NaN. */
void wb_record_cell_text(const struct wb_column *c, size_t row, char *out, size_t size);

/* Calls fn for every record of every printed table (history tables only when history);
 * stops at and returns the first non-zero. */
typedef int (*wb_record_fn)(const struct wb_record *r, void *ctx);
int wb_record_each(const struct wb_table *meta, const struct wb_results *res, bool history,
                   wb_record_fn fn, void *ctx);

#endif
