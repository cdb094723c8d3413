/* wavebench membw: the memory bandwidth bound the arrays suite's GB/s are read against,
 * measured in the same run: STREAM's copy (c = a, 16 B per element) and triad
 * (a = b + 3 c, 24 B per element), on doubles, every rank of the communicator at once on
 * its own arrays (first touched by itself), STREAM's counting (no write-allocate traffic).
 *
 * What it promises: arrays of 4x the last-level cache of each locality (STREAM's rule),
 * split over that locality's ranks; a repetition's time is the slowest rank's (barrier
 * before); the figure is the best repetition; at least WB_MEMBW_MIN_REPS and at most
 * WB_MEMBW_MAX_REPS repetitions of each kernel, fewer past the time budget; the bytes of
 * all ranks over that time. */
#ifndef WB_MEMBW_H
#define WB_MEMBW_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "wavebench/common.h"

#define WB_MEMBW_MIN_REPS 2
#define WB_MEMBW_MAX_REPS 5

struct wb_membw {
    double copy_gbps, triad_gbps; /* 1 GB = 1e9 B */
    int64_t elements;             /* per array on this rank */
    int reps;                     /* of each kernel */
    double seconds;               /* timed, both kernels */
};

/* Elements per array on one of local_ranks ranks: 4 x llc_bytes (all LLC instances of the
 * locality; 0 unknown: 64 MiB assumed) over the locality's ranks, at least 1 Mi. */
int64_t wb_membw_elements(int64_t llc_bytes, int local_ranks);

/* Bytes a rank allocates for elements per array (three arrays). */
int64_t wb_membw_rank_bytes(int64_t elements);

/* Measures, collective over comm: elements per array on this rank, repetitions stopped
 * once the timed seconds pass budget_s. Returns WB_OK, or WB_ERR_RUNTIME on every rank
 * when one could not allocate (nothing left allocated). */
int wb_membw_measure(MPI_Comm comm, int64_t elements, double budget_s, struct wb_membw *out,
                     struct wb_error *err);

#endif
