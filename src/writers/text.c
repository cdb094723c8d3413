/* wavebench text tables: a table for people, nccl-tests style (text.h). */
#include "wavebench/text.h"

#include <math.h>
#include <string.h>

void wb_text_table(const struct wb_table *t, FILE *out)
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
