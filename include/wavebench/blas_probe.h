/* wavebench BLAS probe: the GEMM rate this machine's BLAS reaches, measured in the run,
 * so that a GFLOP/s figure can be read as a share of what the BLAS does.
 *
 * What this module promises:
 * - Rates are GFLOP/s counting 2 m n k per GEMM (a multiply-add is 2), the FLOPs of all
 *   threads together over the wall time of a call; the best (shortest) call is kept.
 * - Time-boxed: the work per call grows (doubling) from small until one call takes a
 *   tenth of budget_s, then calls repeat while the budget lasts, 3 at most (1 at least),
 *   so a probe takes about budget_s, and stays short under a slow tool (valgrind).
 * - Operands are allocated here, filled with fixed values in [-1, 1] and freed before
 *   return; nothing else is touched. Rank-local: no MPI.
 * - Returns WB_OK, or WB_ERR_RUNTIME (allocation, thread start) with a message in err. */
#ifndef WB_BLAS_PROBE_H
#define WB_BLAS_PROBE_H

#include <stdbool.h>

#include "wavebench/common.h"

/* One GEMM, row-major: C[m][n] = op(A) B (+ C when accumulate), op(A) [m][k], B [k][n];
 * A is stored [m][lda], or [k][lda] when trans_a; B [k][ldb]; C [m][ldc]. */
struct wb_blas_gemm {
    int m, n, k;
    int lda, ldb, ldc;
    bool trans_a;
    bool accumulate;
    int calls; /* times it runs per sequence */
};

struct wb_blas_rate {
    double gflops;  /* the best call's */
    double seconds; /* the best call's wall time */
    int calls;      /* calls timed at the chosen size */
    int size;       /* square: n; sequence: repetitions of the sequence per thread and call */
};

/* FLOPs of one pass over the sequence g[0..n-1]. */
double wb_blas_probe_flops(const struct wb_blas_gemm *g, int n);

/* threads threads (1..256) run the sequence g[0..n-1] at once, each on its own operands
 * and each calling the BLAS single-threaded (the caller keeps the BLAS's own threading
 * off, as the PINN's threads need), precision enum wb_precision. */
int wb_blas_probe_sequence(struct wb_blas_rate *out, const struct wb_blas_gemm *g, int n,
                           int precision, int threads, double budget_s, struct wb_error *err);

/* One square GEMM of size n (at most max_size, doubling from 128) on the BLAS's own
 * threads set to threads (OpenBLAS; any other BLAS runs its default), set back to what it
 * was afterwards. */
int wb_blas_probe_square(struct wb_blas_rate *out, int max_size, int precision, int threads,
                         double budget_s, struct wb_error *err);

#endif
