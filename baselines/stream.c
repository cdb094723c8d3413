/* stream.c: STREAM-style memory bandwidth (McCalpin's copy, scale, add, triad, plus the
 * reductions sum and dot) as the bound for wavebench's arrays suite.
 *
 * Built and run by baselines/arrays_vs_stream.sh with wavebench's own compiler flags plus
 * -fopenmp; threads from OMP_NUM_THREADS. Arrays are allocated as wavebench allocates
 * them (2 MiB aligned, madvise MADV_HUGEPAGE), first touched by the threads that use
 * them, and reused between repetitions. Bytes per element, STREAM's convention (reads +
 * writes, no write-allocate): copy 2, scale 2, add 3, triad 3, sum 1, dot 2 words.
 *
 * usage: stream N REPS  (N elements of double per array)
 * prints: one line per kernel: name, bytes, min/median/max time (s), GB/s at the median
 * and at the minimum, and a checksum line; exits 1 if a result is wrong. */
#define _DEFAULT_SOURCE
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { COPY, SCALE, ADD, TRIAD, SUM, DOT, NKERNELS };
static const char *const names[NKERNELS] = {"copy", "scale", "add", "triad", "sum", "dot"};
static const int words[NKERNELS] = {2, 2, 3, 3, 1, 2};

static double *alloc(size_t n)
{
    size_t huge = 2u << 20, bytes = (n * sizeof(double) + huge - 1) / huge * huge;
    void *p = NULL;
    if (posix_memalign(&p, huge, bytes) != 0)
        return NULL;
    madvise(p, bytes, MADV_HUGEPAGE);
    return p;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: stream N REPS\n");
        return 2;
    }
    char *end;
    size_t n = (size_t)strtod(argv[1], &end);
    long reps = strtol(argv[2], NULL, 10);
    if (*end || n < 1 || reps < 1) {
        fprintf(stderr, "stream: bad N or REPS\n");
        return 2;
    }
    double *a = alloc(n), *b = alloc(n), *c = alloc(n);
    double *t = malloc(sizeof(double) * NKERNELS * (size_t)reps);
    if (!a || !b || !c || !t) {
        fprintf(stderr, "stream: out of memory\n");
        return 1;
    }
    const double q = 3.0;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        a[i] = 1.0;
        b[i] = 2.0;
        c[i] = 0.0;
    }
    double sum = 0, dot = 0;
    for (long r = 0; r < reps; r++) {
        double t0 = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++)
            c[i] = a[i];
        double t1 = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++)
            b[i] = q * c[i];
        double t2 = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++)
            c[i] = a[i] + b[i];
        double t3 = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] + q * c[i];
        double t4 = omp_get_wtime();
        double s = 0;
#pragma omp parallel for simd schedule(static) reduction(+ : s)
        for (size_t i = 0; i < n; i++)
            s += a[i];
        double t5 = omp_get_wtime();
        double d = 0;
#pragma omp parallel for simd schedule(static) reduction(+ : d)
        for (size_t i = 0; i < n; i++)
            d += a[i] * b[i];
        double t6 = omp_get_wtime();
        double *row = t + (size_t)r * NKERNELS;
        row[COPY] = t1 - t0;
        row[SCALE] = t2 - t1;
        row[ADD] = t3 - t2;
        row[TRIAD] = t4 - t3;
        row[SUM] = t5 - t4;
        row[DOT] = t6 - t5;
        sum = s;
        dot = d;
    }
    /* McCalpin's recurrence from a = 1, b = 2, c = 0, repeated reps times. */
    double ea = 1, eb = 2, ec = 0;
    for (long r = 0; r < reps; r++) {
        ec = ea;
        eb = q * ec;
        ec = ea + eb;
        ea = eb + q * ec;
    }
    /* The sums of n equal terms round as they grow: n u relative at worst. */
    double tol = 1e-16 * (double)n + 1e-13;
    int bad = fabs(a[n - 1] - ea) > 1e-13 * fabs(ea) || fabs(b[0] - eb) > 1e-13 * fabs(eb) ||
              fabs(c[n / 2] - ec) > 1e-13 * fabs(ec) ||
              fabs(sum - ea * (double)n) > tol * fabs(ea * (double)n) ||
              fabs(dot - ea * eb * (double)n) > tol * fabs(ea * eb * (double)n);
    printf("# stream: n %zu doubles per array, %ld repetitions, %d threads\n", n, reps,
           omp_get_max_threads());
    printf("# %-6s %14s %12s %12s %12s %10s %10s\n", "kernel", "bytes", "min_s", "median_s",
           "max_s", "GB/s_med", "GB/s_best");
    double *col = malloc(sizeof(double) * (size_t)reps);
    for (int k = 0; k < NKERNELS && col; k++) {
        for (long r = 0; r < reps; r++)
            col[r] = t[(size_t)r * NKERNELS + k];
        qsort(col, (size_t)reps, sizeof(double), cmp);
        double med = reps % 2 ? col[reps / 2] : 0.5 * (col[reps / 2 - 1] + col[reps / 2]);
        double bytes = (double)words[k] * sizeof(double) * (double)n;
        printf("  %-6s %14.0f %12.6f %12.6f %12.6f %10.2f %10.2f\n", names[k], bytes, col[0], med,
               col[reps - 1], bytes / med / 1e9, bytes / col[0] / 1e9);
    }
    printf("# check: %s\n", bad ? "FAILED" : "ok");
    free(col);
    free(t);
    free(a);
    free(b);
    free(c);
    return bad ? 1 : 0;
}
