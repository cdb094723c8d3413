/* wavebench collective descriptors: one entry per collective (enum wb_coll), shared by every
 * engine of the collectives suite (MPI on host buffers, NCCL and MPI on device buffers); the
 * model is nccl-tests' struct testColl.
 *
 * An entry says how many elements one operation moves at a sweep size (nccl-tests'
 * conventions), its bus-bandwidth factor, whether it reduces, whether it has a root, which
 * placements its MPI call has, which regions of a rank's buffers hold its inputs and what
 * each region of its result must then hold (coll_data.h's values), and its MPI call. It
 * touches no buffer: engines fill and check the regions it names (collectives.h). A library
 * with its own calls (NCCL) keeps only those calls and its documented deviations.
 *
 * Promises: every region of a shape lies within the first cnt.bytes bytes of its buffer; the
 * input regions of one shape do not overlap, nor do its result regions; a rank with nothing
 * to check (a non-root of reduce) has no result region. */
#ifndef WB_COLL_DESC_H
#define WB_COLL_DESC_H

#include <stdbool.h>
#include <stddef.h>

#include <mpi.h>

/* Element counts of one operation: `bytes` is the sweep size, the larger of a rank's send
 * and receive buffers, rounded down to whole blocks. count 0 means "too small; skip". */
struct wb_coll_counts {
    size_t send_count; /* elements a rank sends */
    size_t recv_count; /* elements a rank receives */
    size_t count;      /* the "count" column: elements per rank's contribution (one block) */
    size_t bytes;      /* max(send_count, recv_count) * element size */
};

/* One operation on one rank, everything but its buffers. */
struct wb_coll_shape {
    int rank, nranks;
    int root;      /* the root rank; -1 when the collective has none */
    int in_place;  /* 1: in place, as MPI_IN_PLACE means it */
    int dtype, op; /* enum wb_dtype; enum wb_redop (0 for non-reductions) */
    struct wb_coll_counts cnt;
    unsigned salt; /* the check data's salt (wb_coll_data_input): the sweep's step */
};

enum wb_coll_buf { WB_COLL_SEND, WB_COLL_RECV };

/* A run of a rank's buffer and what it holds: element at + k holds the value at element index
 * offset + k of rank src's input (op < 0) or of the reduction op over every rank's input
 * (op >= 0): wb_coll_data_tabulate(.., op, src, nranks). */
struct wb_coll_region {
    int buf;      /* enum wb_coll_buf */
    size_t at, n; /* elements at .. at + n - 1 of that buffer */
    int op, src;
    size_t offset;
};

/* An MPI call's arguments besides the shape (wb_coll_desc_mpi). */
struct wb_coll_mpi {
    MPI_Comm comm;
    MPI_Datatype type;
    MPI_Op op;
    void *send, *recv;
};

struct wb_coll_desc {
    int coll;         /* enum wb_coll, its index in the table; named by wb_coll_name */
    bool reduction;   /* takes an op: one row per configured op, else one per type */
    bool rooted;      /* has a root: the [collectives] root key */
    bool send_blocks; /* a rank's send buffer holds one block per rank */
    bool recv_blocks; /* a rank's receive buffer holds one block per rank */
    unsigned placements; /* bit (1u << enum wb_placement) per placement its MPI call has */
    double (*busbw_factor)(int nranks); /* nccl-tests PERFORMANCE.md */
    /* Region k (k = 0, 1, ...) of the inputs of s, written before the call, and of its
     * results, checked after: 1 with *r set, 0 past the last. */
    int (*input)(const struct wb_coll_shape *s, int k, struct wb_coll_region *r);
    int (*result)(const struct wb_coll_shape *s, int k, struct wb_coll_region *r);
    /* One blocking MPI call of s on m's buffers (host or, CUDA-aware, device); returns
     * MPI's error code. */
    int (*mpi)(const struct wb_coll_shape *s, const struct wb_coll_mpi *m);
};

/* The entry of collective coll (0 <= coll < WB_COLL_COUNT). */
const struct wb_coll_desc *wb_coll_desc_get(int coll);

/* The counts of one operation of d at sweep size bytes with elements of type_size bytes. */
void wb_coll_desc_counts(struct wb_coll_counts *out, const struct wb_coll_desc *d, size_t bytes,
                         size_t type_size, int nranks);

/* Fills m for MPI calls on comm with element type dtype and reduction op (the one mapping of
 * wavebench's types and ops to MPI's). */
void wb_coll_desc_mpi(struct wb_coll_mpi *m, MPI_Comm comm, int dtype, int op, void *send,
                      void *recv);

#endif
