/* wavebench ops: the arrays suite's operations on a struct wb_darray (sum, min, max, dot,
 * norm, scale, add, axpy, cumsum, slice), one run each with its communication, and what
 * the harness needs around a run: the check against the exact answers, the value the
 * table records, the bytes moved and the reference answer. */
#ifndef WB_OPS_H
#define WB_OPS_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "wavebench/config.h"
#include "wavebench/darray.h"
#include "wavebench/exact.h"

struct wb_ops_result {
    double value;   /* reductions: the global result; others: sum of the output */
    int64_t index;  /* min, max: global index; else -1 */
    int scaled;     /* norm: the scaled two-pass path ran */
};

/* Creates the (value, index) pair type and the min/max-location ops the darray's pair,
 * minloc and maxloc fields take (lowest index wins a tie; index -1 means none). Returns
 * MPI_SUCCESS or the first failing call's code. Free with wb_ops_loc_free. */
int wb_ops_loc_create(MPI_Datatype *pair, MPI_Op *minloc, MPI_Op *maxloc);
void wb_ops_loc_free(MPI_Datatype *pair, MPI_Op *minloc, MPI_Op *maxloc);

/* The 2-norm of a distributed array, collective over comm (x: this rank's n elements of
 * n_global): one pass of the sum of squares; only when that over- or underflowed
 * (*scaled 1), max |x| and a second pass scaled by a power of two near 1/max, as BLAS
 * nrm2 is safe. comm MPI_COMM_NULL: x is the whole array, no MPI call. Returns an MPI
 * error code. */
int wb_ops_norm(int dtype, const void *x, size_t n, int64_t n_global, MPI_Comm comm,
                double *norm, int *scaled);

/* Sets A up for a series of runs of op: axpy starts again from y = b. */
void wb_ops_prepare(struct wb_darray *A, int op);

/* One run of op, communication included (collective over A->comm). Returns an MPI error
 * code. */
int wb_ops_run(struct wb_darray *A, const struct wb_arrays_config *ac, int op,
               struct wb_ops_result *res);

/* Counts wrong values of the last run of op on this rank (reductions: 0 or 1, this
 * rank's copy of the result), against the exact answers e. No MPI call. */
int64_t wb_ops_check(struct wb_darray *A, const struct wb_arrays_config *ac, int op,
                     const struct wb_ops_result *res, const struct wb_exact_answers *e);

/* Test-only (debug.corrupt_rank): falsifies this rank's copy of the result or its first
 * output element. */
void wb_ops_corrupt(struct wb_darray *A, int op, struct wb_ops_result *res);

/* What the table records of the output: the reductions' result (left as it is), else
 * res->value becomes the sum of the output array over A->comm (exact for this data, so
 * identical for any rank count). Returns an MPI error code. */
int wb_ops_record(struct wb_darray *A, int op, struct wb_ops_result *res);

/* What one run of op moves over the whole array, for its GB/s. */
struct wb_ops_traffic {
    int64_t n;        /* elements */
    int64_t m, step;  /* slice: selected elements, step */
    int64_t remote;   /* slice: selected elements sent to another rank (all ranks) */
    size_t es, line;  /* element size, cache line size (B) */
    int scaled;       /* norm: the scaled second pass ran */
};

/* Bytes of the operation itself, STREAM's convention (reads + writes, no write-allocate
 * traffic): each input element read once, each output written once, as a one-pass
 * algorithm would; the slice its m selected elements. */
double wb_ops_bytes_useful(int op, const struct wb_ops_traffic *t);

/* Bytes the code's memory traffic really is, same convention: cumsum reads its input
 * twice (local total, then the scan), the norm's scaled path two more reads, a strided
 * slice every cache line its selection spans and, packed for MPI, what leaves the rank
 * written and read once more (MPI's own buffers not counted). */
double wb_ops_bytes_streamed(int op, const struct wb_ops_traffic *t);

/* Bytes of the arrays op touches on rank r of p (inputs, output, slice pack). */
double wb_ops_footprint(int op, const struct wb_arrays_config *ac, int p, int r, size_t es);

/* The reference answer the table shows next to the result, and in *index the expected
 * global index (min, max; else -1). NAN for outputs, checked element by element. */
double wb_ops_expected(int op, const struct wb_exact_answers *e, int64_t *index);

#endif
