/* wavebench collectives' check data: the one place that says what every rank's input holds,
 * and so what every result must hold. A change of the data is a change of wb_coll_data_input.
 *
 * Inputs are small positive integers, so sums over many ranks are exact in every element type
 * and a negative value is never expected. They repeat with period WB_COLL_DATA_PERIOD in the
 * element index, so the values of any run of elements are a table of WB_COLL_DATA_PERIOD entries
 * (wb_coll_data_tabulate) that a check indexes by element index mod the period: the host check
 * below and the device kernels (gpu_kernels.h) both take such a table, not a formula.
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

/* The input of rank r at element index i: in 1..31, periodic in i. */
int64_t wb_coll_data_input(int rank, size_t i);

/* out->v[i] = the value at element index i (mod the period) of: rank src's input when
 * op < 0; the reduction op (enum wb_redop) over the inputs of ranks 0..nranks-1 when op >= 0. */
void wb_coll_data_tabulate(struct wb_coll_data_period *out, int op, int src, int nranks);

/* Every entry WB_COLL_DATA_NEVER. */
void wb_coll_data_never(struct wb_coll_data_period *out);

/* buf[k] = p->v[(offset + k) % period] for k < n, converted to dtype. */
void wb_coll_data_fill(void *buf, int dtype, const struct wb_coll_data_period *p, size_t offset,
                       size_t n);

/* The number of k < n with buf[k] != p->v[(offset + k) % period] converted to dtype. */
int64_t wb_coll_data_count_wrong(const void *buf, int dtype, const struct wb_coll_data_period *p,
                                 size_t offset, size_t n);

#endif
