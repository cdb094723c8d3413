/* wavebench collectives suite: MPI collective sweeps over message sizes on host buffers,
 * timed the nccl-tests/OSU way, every result checked against a known exact answer. */
#ifndef WB_COLLECTIVES_H
#define WB_COLLECTIVES_H

#include <stddef.h>
#include <stdint.h>

#include "wavebench/config.h"
#include "wavebench/table.h"
#include "wavebench/world.h"

/* Element counts of one operation, nccl-tests conventions: `bytes` is the sweep size,
 * the larger of a rank's send and receive buffers. count 0 means "too small; skip". */
struct wb_coll_counts {
    size_t send_count; /* elements a rank sends */
    size_t recv_count; /* elements a rank receives */
    size_t count;      /* the "count" column: elements per rank's contribution */
    size_t bytes;      /* the size actually moved per the convention (may round down) */
};

void wb_coll_counts(struct wb_coll_counts *out, int coll, size_t bytes, size_t type_size,
                    int nranks);

/* Bus-bandwidth factor of a collective on n ranks (nccl-tests PERFORMANCE.md). */
double wb_coll_busbw_factor(int coll, int nranks);

/* Whether the collective reduces (takes an op). */
int wb_coll_is_reduction(int coll);

/* Size in bytes of a datatype. */
size_t wb_dtype_size(int dtype);

/* Timed iterations used when iters = auto: 100 for small messages, fewer for large. */
int64_t wb_coll_auto_iters(size_t bytes);

/* The known input of rank r at element i: a small integer, so every sum is exact. */
int64_t wb_coll_input(int rank, size_t i);

/* Fills buf[n] with rank's input starting at element offset. */
void wb_coll_fill(void *buf, int dtype, int rank, size_t offset, size_t n);

/* Counts elements of result[n] that differ from the expected reduction over nranks
 * of the inputs at elements offset..offset+n-1 (op over ranks), or from rank
 * src_rank's input when op < 0 (gather/broadcast semantics). */
int64_t wb_coll_count_wrong(const void *result, int dtype, int op, int nranks, int src_rank,
                            size_t offset, size_t n);

/* What runs the operations of a sweep: MPI on host buffers here, NCCL or CUDA-aware MPI
 * on device buffers in src/cuda. The harness (wb_coll_sweep) owns the loops, the table,
 * the statistics across ranks and the check's verdict (the nccl-tests split). */
struct wb_coll_backend {
    void *ctx;
    /* Sets up the next row: element type, reduction op and counts. */
    void (*begin_row)(void *ctx, int dtype, int op, const struct wb_coll_counts *cnt);
    /* Whether the placement (in-place or not) exists for the collective. */
    int (*has_placement)(void *ctx, int coll, int in_place);
    /* Warm-up, then nreps timed repetitions of iters operations: this rank's microseconds
     * per operation go to raw[nreps]. Then, when cfg checks results, one checked
     * operation (falsified on debug.corrupt_rank); returns this rank's wrong elements.
     * A failed operation ends the job (MPI_Abort): a collective cannot be agreed on. */
    int64_t (*time_and_check)(void *ctx, const struct wb_config *cfg, int coll, int in_place,
                              int64_t iters, double *raw, size_t nreps);
};

/* Sweeps one collective over the configured types, ops, sizes and placements into t,
 * with the table layout of docs/results-format.md and its summary attributes (ranks,
 * localities, busbw_factor, avg_busbw, wrong, verdict). *wrong gets the wrong elements
 * summed over ranks. Returns WB_OK, WB_ERR_INTERRUPTED on a stop request, or
 * WB_ERR_RUNTIME. */
int wb_coll_sweep(const struct wb_world *w, const struct wb_config *cfg, int coll,
                  const struct wb_coll_backend *be, struct wb_table *t, int64_t *wrong,
                  struct wb_error *err);

/* Checks what depends on the rank count (the root). Returns WB_OK or WB_ERR_USAGE. */
int wb_coll_validate(const struct wb_world *w, const struct wb_config *cfg, struct wb_error *err);

/* Runs the sweep of every configured collective, type, op and placement; appends one
 * table per collective to results. Returns WB_OK, WB_ERR_CHECK if any result was wrong
 * (every rank the same), or WB_ERR_RUNTIME. */
int wb_coll_run(const struct wb_world *w, const struct wb_config *cfg,
                struct wb_results *results, struct wb_error *err);

#endif
