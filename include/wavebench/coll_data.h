/* wavebench collectives' check data: the one place that says what every rank's input holds,
 * and so what every result must hold. A change of the data is a change of wb_coll_data_input.
 *
 * Inputs are positive integers, exact in every element type, and a negative value is never
 * expected. What a faulty collective would get wrong decides them:
 * - inputs of a reduction (WB_COLL_DATA_REDUCED) are numbers 4m + 1 in 2049..8191: none is
 *   exact in half precision (or bfloat16), and each rounds down there by one (no two errors
 *   cancel), so a reduction done in a narrower type is wrong; at
 *   every element the ranks' inputs are distinct (a permutation of the ranks), so a
 *   contribution dropped, doubled or taken from another rank moves a sum; an element term
 *   makes min and max differ from element to element; sums over up to
 *   WB_COLL_DATA_WIDE_RANKS ranks stay exact in float. Beyond that many ranks
 *   (WB_COLL_DATA_REDUCED_MANY) they are 1..91 (exact in float sums up to 184000 ranks),
 *   distinct only among 31 ranks, with the same element term;
 * - inputs that are moved, not reduced, hold their rank (32 * rank + 1..31): a block from any
 *   other rank, whatever the rank count, is wrong (exact in float up to 2^19 ranks);
 * - a salt (the sweep's step) shifts the pattern, so what one size left in a buffer is wrong
 *   for the next.
 * - blocked inputs (reduce_scatter, alltoall) start each block one element further on in
 *   the pattern (coll_desc.c), so a block handed to the wrong rank is wrong even where a
 *   block's length is a multiple of the period.
 * They repeat with period WB_COLL_DATA_PERIOD in the element index, so the values of any run
 * of elements are a table of WB_COLL_DATA_PERIOD entries (wb_coll_data_tabulate) that a check
 * indexes by element index mod the period: the host check below and the device kernels
 * (gpu_kernels.h) both take such a table, not a formula.
 * No MPI, no CUDA: this header is also read by nvcc. */
#ifndef WB_COLL_DATA_H
#define WB_COLL_DATA_H

#include <stddef.h>
#include <stdint.h>

#define WB_COLL_DATA_PERIOD 31

/* A value no input and no reduction of inputs ever takes (the debug option's falsified one). */
#define WB_COLL_DATA_NEVER (-1)

/* The values of a run of elements by element index mod WB_COLL_DATA_PERIOD. */
struct wb_coll_data_period {
    int64_t v[WB_COLL_DATA_PERIOD];
};

/* Size in bytes of an element type (enum wb_dtype). */
size_t wb_coll_data_type_size(int dtype);

/* Which data a collective's inputs hold. */
enum wb_coll_data_kind { WB_COLL_DATA_MOVED, WB_COLL_DATA_REDUCED, WB_COLL_DATA_REDUCED_MANY };
#define WB_COLL_DATA_WIDE_RANKS 1400

/* The kind for a collective that reduces (reduction non-zero) or moves data, on nranks. */
int wb_coll_data_kind(int reduction, int nranks);

/* The input of rank r of nranks at element index i under salt, of that kind; periodic in i. */
int64_t wb_coll_data_input(int rank, int nranks, size_t i, unsigned salt, int kind);

/* out->v[i] = the value at element index i (mod the period) of: rank src's input when
 * op < 0; the reduction op (enum wb_redop) over the inputs of ranks 0..nranks-1 when op >= 0
 * (whose inputs are of a reduced kind: kind MOVED reads as REDUCED there). */
void wb_coll_data_tabulate(struct wb_coll_data_period *out, int op, int src, int nranks,
                           unsigned salt, int kind);

/* Every entry WB_COLL_DATA_NEVER. */
void wb_coll_data_never(struct wb_coll_data_period *out);

/* buf[k] = p->v[(offset + k) % period] for k < n, converted to dtype. */
void wb_coll_data_fill(void *buf, int dtype, const struct wb_coll_data_period *p, size_t offset,
                       size_t n);

/* The number of k < n with buf[k] != p->v[(offset + k) % period] converted to dtype. */
int64_t wb_coll_data_count_wrong(const void *buf, int dtype, const struct wb_coll_data_period *p,
                                 size_t offset, size_t n);

#endif
