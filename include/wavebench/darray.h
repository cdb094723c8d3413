/* wavebench darray: one rank's share of the arrays suite's distributed arrays of one type
 * over one communicator: inputs a and b filled with the exact module's data, a result
 * array, and the slice's result, pack buffer and all-to-all counts. */
#ifndef WB_DARRAY_H
#define WB_DARRAY_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "wavebench/common.h"
#include "wavebench/config.h"
#include "wavebench/slice.h"

/* One set of distributed arrays of one type over one communicator (the world, or
 * MPI_COMM_SELF for the serial baseline). */
struct wb_darray {
    MPI_Comm comm;
    int rank, size;
    int dtype;
    size_t es;
    MPI_Datatype type;
    int64_t n, lo, count;
    void *a, *b, *c;  /* inputs a, b; the result array, reused by every operation */
    void *s, *pack;   /* slice result and its pack buffer (step > 1) */
    struct wb_slice_plan plan;
    int *scounts, *sdispls, *rcounts, *rdispls;
    int huge;         /* madvise(MADV_HUGEPAGE) accepted on every large array */
    int64_t self_skip, self_count, self_dst; /* slice: my elements that stay with me */
    int64_t axpy_applied;
    MPI_Datatype pair;     /* (value, index) as two doubles */
    MPI_Op minloc, maxloc;
};

/* Allocates and fills rank's block of ac->n elements of dtype over size ranks of comm
 * (no MPI call); pair, minloc and maxloc are the caller's. Returns WB_OK, or
 * WB_ERR_RUNTIME (this rank only) with nothing left allocated. */
int wb_darray_init(struct wb_darray *A, MPI_Comm comm, int rank, int size, int dtype,
                   const struct wb_arrays_config *ac, struct wb_error *err);

/* Frees what wb_darray_init allocated; safe on a zeroed or already freed A. */
void wb_darray_free(struct wb_darray *A);

/* Bytes rank r of p allocates in wb_darray_init with elements of elem_size: a, b, result,
 * slice output and pack buffer. */
int64_t wb_darray_rank_bytes(const struct wb_arrays_config *ac, int p, int r,
                             size_t elem_size);

#endif
