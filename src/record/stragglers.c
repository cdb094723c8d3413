/* wavebench stragglers: the slowest rank of a table from its raw series. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/stragglers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double wb_stragglers_median(double *x, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            x[k++] = x[i];
    if (k == 0)
        return NAN;
    qsort(x, k, sizeof *x, cmp_double);
    return k % 2 ? x[k / 2] : (x[k / 2 - 1] + x[k / 2]) / 2;
}

/* Whether raw series name is one of the comma-separated list. */
static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p += len + (p[len] == ',');
    }
    return 0;
}

int wb_stragglers_note(struct wb_table *t, const struct wb_world *w, struct wb_error *err)
{
    const struct wb_attr *a = wb_table_attr(t, WB_STRAGGLER_SERIES);
    if (!a || !a->is_text || t->nrows == 0)
        return WB_OK;
    size_t n = 0;
    for (size_t s = 0; s < t->nraw; s++)
        n += listed(a->text, t->raw[s].name) ? t->nrows : 0;
    /* [0, n): this rank's mean per (series, row); [n, 2n): 1 where it measured */
    double *mine = calloc(2 * n + 1, sizeof *mine), *sum = calloc(2 * n + 1, sizeof *sum);
    double *scores = malloc(sizeof *scores * (size_t)w->size);
    int ok = mine && sum && scores, all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, w->comm);
    if (!all_ok) {
        free(mine);
        free(sum);
        free(scores);
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (stragglers of %s)", t->path);
    }
    size_t i = 0;
    for (size_t s = 0; s < t->nraw; s++) {
        if (!listed(a->text, t->raw[s].name))
            continue;
        for (size_t r = 0; r < t->nrows; r++, i++) {
            const double *v = wb_table_raw(t, (int)s, r);
            double total = 0;
            size_t count = 0;
            for (size_t k = 0; k < t->raw[s].nreps; k++)
                if (isfinite(v[k])) {
                    total += v[k];
                    count++;
                }
            if (count) {
                mine[i] = total / (double)count;
                mine[n + i] = 1;
            }
        }
    }
    int rc = MPI_Allreduce(mine, sum, (int)(2 * n), MPI_DOUBLE, MPI_SUM, w->comm);
    if (rc != MPI_SUCCESS)
        wb_world_fatal_mpi(w->comm, w->rank, rc, "stragglers");
    for (i = 0; i < n; i++) {
        double avg = sum[n + i] > 0 ? sum[i] / sum[n + i] : NAN;
        mine[i] = mine[n + i] > 0 && avg > 0 ? mine[i] / avg : NAN;
    }
    double score = wb_stragglers_median(mine, n);
    rc = MPI_Allgather(&score, 1, MPI_DOUBLE, scores, 1, MPI_DOUBLE, w->comm);
    if (rc != MPI_SUCCESS)
        wb_world_fatal_mpi(w->comm, w->rank, rc, "stragglers");
    int slowest = -1;
    for (int r = 0; r < w->size; r++)
        if (isfinite(scores[r]) && (slowest < 0 || scores[r] > scores[slowest]))
            slowest = r;
    if (slowest >= 0) {
        char words[WB_HOST_LEN + 96];
        snprintf(words, sizeof words, "rank %d on %s (locality %d), %.2fx the average rank's time",
                 slowest, w->hostnames[slowest], w->locality_of[slowest], scores[slowest]);
        wb_table_attr_text(t, "slowest", words);
        wb_table_attr_num(t, "slowest_rank", slowest);
        wb_table_attr_num(t, "slowest_ratio", scores[slowest]);
    }
    free(mine);
    free(sum);
    free(scores);
    return WB_OK;
}
