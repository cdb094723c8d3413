/* wavebench statistics: median, range and a distribution-free CI of the median. */
#include "wavebench/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void wb_median_ci_ranks(size_t n, size_t *lo, size_t *hi)
{
    /* Widest symmetric pair of order statistics whose coverage under Binomial(n, 1/2)
     * is at least 95% (Hoefler and Belli, SC15, after Le Boudec): the largest k with
     * P(X <= k-1) <= 0.025 gives [x_(k), x_(n-k+1)]. The probabilities are taken in logs:
     * 2^-n underflows a double from n = 1075 on. Below n/2 - 20 sigma the CDF is under
     * 1e-80, so the sum starts there and costs O(sqrt(n)). */
    *lo = *hi = 0;
    if (n < 6)
        return;
    double nd = (double)n, sigma = sqrt(nd) / 2, start = nd / 2 - 20 * sigma;
    size_t j = start > 0 ? (size_t)start : 0, k = 0;
    double log_norm = lgamma(nd + 1) - nd * log(2.0), cdf = 0;
    for (; j < n; j++) {
        cdf += exp(log_norm - lgamma((double)j + 1) - lgamma(nd - (double)j + 1));
        if (cdf > 0.025)
            break;
        k = j + 1;
    }
    if (k == 0)
        return;
    *lo = k;
    *hi = n - k + 1;
}

int wb_stats_across_ranks(struct wb_rank_stats *out, const double *raw, size_t nreps,
                          MPI_Comm comm)
{
    return wb_stats_across_active(out, raw, nreps, 1, comm);
}

int wb_stats_across_active(struct wb_rank_stats *out, const double *raw, size_t nreps,
                           int active, MPI_Comm comm)
{
    double *mine_raw = malloc(sizeof(double) * nreps), *slowest = malloc(sizeof(double) * nreps);
    if (!mine_raw || !slowest) {
        free(mine_raw);
        free(slowest);
        return MPI_ERR_NO_MEM;
    }
    /* An inactive rank is neutral in each reduction: -inf under max, +inf under min. */
    double mean = 0;
    for (size_t r = 0; r < nreps; r++) {
        mine_raw[r] = active ? raw[r] : -INFINITY;
        mean += active ? raw[r] / (double)nreps : 0;
    }
    double lo = active ? mean : INFINITY, hi = active ? mean : -INFINITY;
    double sum[2] = {mean, active ? 1 : 0}, total[2] = {0, 0};
    int rc;
    if ((rc = MPI_Allreduce(mine_raw, slowest, (int)nreps, MPI_DOUBLE, MPI_MAX, comm)) ||
        (rc = MPI_Allreduce(&lo, &out->rank_min, 1, MPI_DOUBLE, MPI_MIN, comm)) ||
        (rc = MPI_Allreduce(&hi, &out->rank_max, 1, MPI_DOUBLE, MPI_MAX, comm)) ||
        (rc = MPI_Allreduce(sum, total, 2, MPI_DOUBLE, MPI_SUM, comm))) {
        free(mine_raw);
        free(slowest);
        return rc;
    }
    out->rank_avg = total[0] / total[1];
    rc = wb_summarize(&out->slowest, slowest, nreps) == 0 ? MPI_SUCCESS : MPI_ERR_NO_MEM;
    free(mine_raw);
    free(slowest);
    return rc;
}

int wb_summarize(struct wb_summary *out, const double *x, size_t n)
{
    double *s = malloc(sizeof(double) * (n ? n : 1));
    if (!s)
        return -1;
    memcpy(s, x, sizeof(double) * n);
    qsort(s, n, sizeof(double), cmp_double);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += s[i];
    out->n = n;
    out->min = s[0];
    out->max = s[n - 1];
    out->mean = sum / (double)n;
    out->median = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    size_t lo, hi;
    wb_median_ci_ranks(n, &lo, &hi);
    out->ci_lo = lo ? s[lo - 1] : NAN;
    out->ci_hi = hi ? s[hi - 1] : NAN;
    free(s);
    return 0;
}
