/* wavebench darray: allocation, first-touch fill and slice counts of one rank's arrays. */
#include "wavebench/darray.h"

#include <stdlib.h>
#include <string.h>

#include "wavebench/exact.h"
#include "wavebench/memory.h"
#include "wavebench/partition.h"

void wb_darray_free(struct wb_darray *A)
{
    free(A->a);
    free(A->b);
    free(A->c);
    free(A->s);
    free(A->pack);
    free(A->scounts);
    A->a = A->b = A->c = A->s = A->pack = NULL;
    A->scounts = NULL;
}

static void *take(struct wb_darray *A, int64_t count, int *failed)
{
    int huge = 1;
    void *p = wb_memory_alloc((size_t)count * A->es, &huge);
    if (!p)
        *failed = 1;
    else if ((size_t)count * A->es >= WB_MEMORY_HUGE_PAGE && !huge)
        A->huge = 0;
    return p;
}

int wb_darray_init(struct wb_darray *A, MPI_Comm comm, int rank, int size, int dtype,
                   const struct wb_arrays_config *ac, struct wb_error *err)
{
    A->comm = comm;
    A->rank = rank;
    A->size = size;
    A->dtype = dtype;
    A->es = dtype == WB_ADTYPE_FLOAT ? sizeof(float) : sizeof(double);
    A->type = dtype == WB_ADTYPE_FLOAT ? MPI_FLOAT : MPI_DOUBLE;
    A->n = ac->n;
    A->huge = 1;
    wb_partition_block(ac->n, size, rank, &A->lo, &A->count);
    int failed = 0;
    A->a = take(A, A->count, &failed);
    A->b = take(A, A->count, &failed);
    A->c = take(A, A->count, &failed);
    int64_t *counts = malloc(sizeof(int64_t) * 2 * (size_t)size);
    A->scounts = malloc(sizeof(int) * 4 * (size_t)size);
    if (!counts || !A->scounts)
        failed = 1;
    if (!failed && (ac->ops & (1u << WB_AOP_SLICE))) {
        wb_slice_plan(&A->plan, ac->n, size, rank, ac->slice_start, ac->slice_stop,
                      ac->slice_step, counts, counts + size);
        A->s = take(A, A->plan.out_count, &failed);
        if (ac->slice_step > 1)
            A->pack = take(A, A->plan.nsel, &failed);
        A->sdispls = A->scounts + size;
        A->rcounts = A->scounts + 2 * size;
        A->rdispls = A->scounts + 3 * size;
        int sd = 0, rd = 0;
        for (int q = 0; q < size; q++) {
            A->scounts[q] = (int)counts[q];
            A->rcounts[q] = (int)counts[size + q];
            A->sdispls[q] = sd;
            A->rdispls[q] = rd;
            sd += A->scounts[q];
            rd += A->rcounts[q];
        }
        /* What stays on this rank is gathered straight into the result; MPI moves the rest. */
        A->self_skip = A->sdispls[rank];
        A->self_count = A->scounts[rank];
        A->self_dst = A->rdispls[rank];
        A->scounts[rank] = A->rcounts[rank] = 0;
    }
    free(counts);
    if (failed) {
        wb_darray_free(A);
        return WB_FAIL(err, WB_ERR_RUNTIME,
                       "arrays: cannot allocate the %s arrays of %lld elements on rank %d",
                       wb_array_dtype_name(dtype), (long long)A->count, rank);
    }
    /* First touch by the rank that uses the pages. */
    wb_exact_fill(dtype, A->a, 0, A->lo, A->count, A->n);
    wb_exact_fill(dtype, A->b, 1, A->lo, A->count, A->n);
    memset(A->c, 0, (size_t)A->count * A->es);
    if (A->s)
        memset(A->s, 0, (size_t)A->plan.out_count * A->es);
    if (A->pack)
        memset(A->pack, 0, (size_t)A->plan.nsel * A->es);
    return WB_OK;
}

int64_t wb_darray_rank_bytes(const struct wb_arrays_config *ac, int p, int r, size_t elem_size)
{
    int64_t lo, count;
    wb_partition_block(ac->n, p, r, &lo, &count);
    int64_t total = 3 * (int64_t)wb_memory_size((size_t)count * elem_size);
    if (ac->ops & (1u << WB_AOP_SLICE)) {
        struct wb_slice_plan plan;
        wb_slice_plan(&plan, ac->n, p, r, ac->slice_start, ac->slice_stop, ac->slice_step,
                      NULL, NULL);
        total += (int64_t)wb_memory_size((size_t)plan.out_count * elem_size);
        if (ac->slice_step > 1)
            total += (int64_t)wb_memory_size((size_t)plan.nsel * elem_size);
    }
    return total;
}
