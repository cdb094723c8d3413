/* wavebench text tables: the human form of a results table, as rank 0 prints it during
 * a run and `wavebench report` prints it afterwards. */
#ifndef WB_TEXT_H
#define WB_TEXT_H

#include <stdio.h>

#include "wavebench/table.h"

/* Prints a fixed-width table that greps well: '#' header lines (title, groups, heads,
 * units), one line a row, then the attributes as '# name: value'. Data tables (no
 * printed column) print nothing. */
void wb_text_table(const struct wb_table *t, FILE *out);

#endif
