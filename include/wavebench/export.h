/* wavebench export: a results file's records (records.h) as CSV or one JSON document. */
#ifndef WB_EXPORT_H
#define WB_EXPORT_H

#include <stdio.h>

#include "wavebench/common.h"
#include "wavebench/h5.h"

/* One CSV row per tuple of independent variables: suite, table, op, type, size, in_place,
 * ranks, localities, backend, then every other key and figure column (the union over the
 * printed tables; oop_/ip_ column pairs become two rows with in_place 0 and 1). */
int wb_export_csv(const struct wb_results_file *f, FILE *out, struct wb_error *err);

/* The same records as one JSON document with the run metadata and table descriptions. */
int wb_export_json(const struct wb_results_file *f, FILE *out, struct wb_error *err);

#endif
