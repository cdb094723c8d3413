/* wavebench membw: STREAM copy and triad on every rank at once. */
#include "wavebench/membw.h"

#include <stdlib.h>

#include "wavebench/array_kernels.h"
#include "wavebench/config.h"
#include "wavebench/memory.h"
#include "wavebench/world.h"

int64_t wb_membw_elements(int64_t llc_bytes, int local_ranks)
{
    const int64_t min = (int64_t)1 << 20;
    int64_t llc = llc_bytes > 0 ? llc_bytes : (int64_t)64 << 20;
    int64_t e = 4 * llc / (int64_t)sizeof(double) / (local_ranks > 0 ? local_ranks : 1);
    return e > min ? e : min;
}

int64_t wb_membw_rank_bytes(int64_t elements)
{
    return 3 * (int64_t)wb_memory_size((size_t)elements * sizeof(double));
}

/* The slowest rank's time of one kernel run. */
static double timed(MPI_Comm comm, int triad, double *a, double *b, double *c, size_t n)
{
    int rc = MPI_Barrier(comm), rank;
    double t0 = MPI_Wtime();
    if (triad)
        wb_ak_triad(WB_ADTYPE_DOUBLE, a, b, c, n, 3.0);
    else
        wb_ak_copy(WB_ADTYPE_DOUBLE, c, a, n);
    double dt = MPI_Wtime() - t0, slowest = dt;
    if (rc == MPI_SUCCESS)
        rc = MPI_Allreduce(&dt, &slowest, 1, MPI_DOUBLE, MPI_MAX, comm);
    if (rc != MPI_SUCCESS) {
        MPI_Comm_rank(comm, &rank);
        wb_world_fatal_mpi(MPI_COMM_WORLD, rank, rc, "bandwidth probe");
    }
    return slowest;
}

int wb_membw_measure(MPI_Comm comm, int64_t elements, double budget_s, struct wb_membw *out,
                     struct wb_error *err)
{
    size_t n = (size_t)elements, bytes = n * sizeof(double);
    double *a = wb_memory_alloc(bytes, NULL), *b = wb_memory_alloc(bytes, NULL);
    double *c = wb_memory_alloc(bytes, NULL);
    int ok = a && b && c, all;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, comm);
    if (!all) {
        free(a);
        free(b);
        free(c);
        return WB_FAIL(err, WB_ERR_RUNTIME, "arrays: cannot allocate the bandwidth probe's "
                                            "arrays (%lld doubles each)", (long long)elements);
    }
    for (size_t i = 0; i < n; i++) { /* first touch, STREAM's values */
        a[i] = 1;
        b[i] = 2;
        c[i] = 0;
    }
    double total = (double)elements, best_copy = 0, best_triad = 0, spent = 0;
    MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_DOUBLE, MPI_SUM, comm);
    int reps = 0;
    while (reps < WB_MEMBW_MAX_REPS && (reps < WB_MEMBW_MIN_REPS || spent < budget_s)) {
        double tc = timed(comm, 0, a, b, c, n), tt = timed(comm, 1, a, b, c, n);
        best_copy = reps == 0 || tc < best_copy ? tc : best_copy;
        best_triad = reps == 0 || tt < best_triad ? tt : best_triad;
        spent += tc + tt;
        reps++;
    }
    *out = (struct wb_membw){
        .copy_gbps = best_copy > 0 ? 16 * total / best_copy / 1e9 : 0,
        .triad_gbps = best_triad > 0 ? 24 * total / best_triad / 1e9 : 0,
        .elements = elements,
        .reps = reps,
        .seconds = spent,
    };
    free(a);
    free(b);
    free(c);
    return WB_OK;
}
