/* wavebench world: MPI start-up, localities (shared-memory nodes), collective agreement, clocks. */
#ifndef WB_WORLD_H
#define WB_WORLD_H

#include <mpi.h>

#include "wavebench/common.h"

#define WB_HOST_LEN 64
#define WB_CPUS_LEN 128

/* Where one rank runs: what the results file records per rank. */
struct wb_rank_place {
    int pid;
    int numa;               /* NUMA node of the first CPU it may run on; -1 unknown */
    char cpus[WB_CPUS_LEN]; /* its affinity mask as a CPU list, e.g. "0-3,8" */
    char cpu_model[128];    /* its machine's: CPU model, online CPUs, memory */
    int cpus_online;
    double mem_total_gib;
    char governor[24];      /* its first CPU's: frequency governor, clock and maximum (MHz; */
    double cpu_mhz, cpu_max_mhz; /* NaN when unreadable), as wb_sysinfo_cpu_clock reads them */
};

struct wb_world {
    MPI_Comm comm;      /* a duplicate of MPI_COMM_WORLD with MPI_ERRORS_RETURN */
    int rank, size;
    MPI_Comm node_comm; /* the ranks of this rank's locality */
    int node_rank, node_size;
    int locality;       /* this rank's locality, 0 .. n_localities-1, in order of first rank */
    int n_localities;
    int *locality_of;        /* [size] locality of every rank */
    int *ranks_per_locality; /* [n_localities] */
    char (*hostnames)[WB_HOST_LEN]; /* [size] host name of every rank */
    struct wb_rank_place *places;   /* [size] pid, CPUs and NUMA node of every rank */
    double wtick;           /* MPI_Wtick */
    int wtime_is_global;    /* MPI_WTIME_IS_GLOBAL */
};

/* Initialises MPI and fills w. Every rank returns the same status. */
int wb_world_init(struct wb_world *w, int *argc, char ***argv, struct wb_error *err);

/* Collective: every rank passes its own err; all leave with the same one, the
 * worst status and the message and source location of the lowest rank that had it.
 * Returns that status. */
int wb_world_agree(const struct wb_world *w, struct wb_error *err);

/* Ends the job from one rank after an MPI call failed inside a collective phase, which
 * ranks cannot agree on without risking a hang: one line "rank R: what: MPI's error",
 * then MPI_Abort(comm) with exit code 1 (DESIGN.md's fallback). */
void wb_world_fatal_mpi(MPI_Comm comm, int rank, int rc, const char *what)
    __attribute__((noreturn));

/* Collective: whether any rank was asked to stop (wavebench/signals.h): the signal (the
 * highest-numbered one among the ranks), 0 when none. Suites call it at safe points, at
 * least once per repetition; all ranks get the same answer. */
int wb_world_stop_requested(const struct wb_world *w);

/* The same over comm (a suite's own communicator, MPI_COMM_SELF for rank 0 alone). */
int wb_world_stop_requested_on(MPI_Comm comm);

/* Collective: whether every rank passed the same text (compared by a 64-bit hash): 1 when
 * they did, 0 when not, with *root_text a malloc'd copy of rank 0's text on every rank
 * (free it), -1 when MPI failed. */
int wb_world_same_text(const struct wb_world *w, const char *text, char **root_text);

/* Frees what init allocated and finalises MPI. */
void wb_world_finalize(struct wb_world *w);

/* Checks an MPI call; on failure records the MPI error string and returns it. */
int wb_mpi_fail(struct wb_error *err, int rc, const char *call, const char *file, int line);
#define WB_MPI_CHECK(err, call)                                                     \
    do {                                                                            \
        int wb_rc_ = (call);                                                        \
        if (wb_rc_ != MPI_SUCCESS)                                                  \
            return wb_mpi_fail((err), wb_rc_, #call, __FILE__, __LINE__);           \
    } while (0)

#endif
