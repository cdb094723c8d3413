/* wavebench collective descriptors: the table, each entry's regions and MPI call. */
#include "wavebench/coll_desc.h"

#include "wavebench/config.h"

static double busbw_allreduce(int n)
{
    return 2.0 * (n - 1) / n;
}

static double busbw_blocks(int n)
{
    return (double)(n - 1) / n;
}

static double busbw_rooted(int n)
{
    (void)n;
    return 1.0;
}

static int region(struct wb_coll_region *r, int buf, size_t at, size_t n, int op, int src,
                  size_t offset)
{
    *r = (struct wb_coll_region){buf, at, n, op, src, offset};
    return 1;
}

/* The rank's whole input, in the receive buffer when in place (MPI_IN_PLACE). */
static int input_own(const struct wb_coll_shape *s, int k, struct wb_coll_region *r)
{
    return k == 0 && region(r, s->in_place ? WB_COLL_RECV : WB_COLL_SEND, 0, s->cnt.send_count,
                            -1, s->rank, 0);
}

/* Where block b of a blocked input starts in the data's element index: one further element
 * per block, so that neighbouring blocks differ even when a block's length is a multiple
 * of the data's period (a block delivered to the wrong rank shows). */
static size_t block_offset(const struct wb_coll_shape *s, size_t b)
{
    return b * (s->cnt.count + 1);
}

/* The rank's input as nranks blocks of count elements (reduce_scatter, alltoall), in the
 * receive buffer when in place. */
static int input_blocks(const struct wb_coll_shape *s, int k, struct wb_coll_region *r)
{
    return k < s->nranks && region(r, s->in_place ? WB_COLL_RECV : WB_COLL_SEND,
                                   (size_t)k * s->cnt.count, s->cnt.count, -1, s->rank,
                                   block_offset(s, (size_t)k));
}

/* ---- allreduce ---- */

static int result_allreduce(const struct wb_coll_shape *s, int k, struct wb_coll_region *r)
{
    return k == 0 && region(r, WB_COLL_RECV, 0, s->cnt.count, s->op, 0, 0);
}

static int mpi_allreduce(const struct wb_coll_shape *s, const struct wb_coll_mpi *m)
{
    return MPI_Allreduce(s->in_place ? MPI_IN_PLACE : m->send, m->recv, (int)s->cnt.count, m->type,
                         m->op, m->comm);
}

/* ---- reduce ---- */

static int result_reduce(const struct wb_coll_shape *s, int k, struct wb_coll_region *r)
{
    return s->rank == s->root && result_allreduce(s, k, r);
}

/* In place, only the root passes MPI_IN_PLACE; the others send from the receive buffer. */
static int mpi_reduce(const struct wb_coll_shape *s, const struct wb_coll_mpi *m)
{
    int root = s->rank == s->root;
    const void *send = s->in_place ? (root ? MPI_IN_PLACE : m->recv) : m->send;
    return MPI_Reduce(send, root ? m->recv : NULL, (int)s->cnt.count, m->type, m->op, s->root,
                      m->comm);
}

/* ---- reduce_scatter ---- */

static int result_reduce_scatter(const struct wb_coll_shape *s, int k, struct wb_coll_region *r)
{
    return k == 0 && region(r, WB_COLL_RECV, 0, s->cnt.recv_count, s->op, 0,
                            block_offset(s, (size_t)s->rank));
}

static int mpi_reduce_scatter(const struct wb_coll_shape *s, const struct wb_coll_mpi *m)
{
    return MPI_Reduce_scatter_block(s->in_place ? MPI_IN_PLACE : m->send, m->recv,
                                    (int)s->cnt.recv_count, m->type, m->op, m->comm);
}

/* ---- allgather ---- */

/* In place, a rank's contribution already sits at its block of the receive buffer. */
static int input_allgather(const struct wb_coll_shape *s, int k, struct wb_coll_region *r)
{
    size_t at = s->in_place ? (size_t)s->rank * s->cnt.count : 0;
    return k == 0 &&
           region(r, s->in_place ? WB_COLL_RECV : WB_COLL_SEND, at, s->cnt.count, -1, s->rank, 0);
}

/* Block q is rank q's input. */
static int result_allgather(const struct wb_coll_shape *s, int k, struct wb_coll_region *r)
{
    return k < s->nranks &&
           region(r, WB_COLL_RECV, (size_t)k * s->cnt.count, s->cnt.count, -1, k, 0);
}

static int mpi_allgather(const struct wb_coll_shape *s, const struct wb_coll_mpi *m)
{
    return MPI_Allgather(s->in_place ? MPI_IN_PLACE : m->send, (int)s->cnt.count, m->type, m->recv,
                         (int)s->cnt.count, m->type, m->comm);
}

/* ---- broadcast ---- */

/* The receive buffer starts from data other than the root's (root + 1's input) wherever it is
 * not the root's input, so that a missed broadcast shows; out of place the root sends from
 * its send buffer (MPI_Bcast has no such form; NCCL's has). */
static int input_broadcast(const struct wb_coll_shape *s, int k, struct wb_coll_region *r)
{
    int own = s->in_place && s->rank == s->root;
    if (k == 0)
        return region(r, WB_COLL_RECV, 0, s->cnt.count, -1, own ? s->root : s->root + 1, 0);
    return k == 1 && !s->in_place && s->rank == s->root &&
           region(r, WB_COLL_SEND, 0, s->cnt.count, -1, s->root, 0);
}

static int result_broadcast(const struct wb_coll_shape *s, int k, struct wb_coll_region *r)
{
    return k == 0 && region(r, WB_COLL_RECV, 0, s->cnt.count, -1, s->root, 0);
}

static int mpi_broadcast(const struct wb_coll_shape *s, const struct wb_coll_mpi *m)
{
    return MPI_Bcast(m->recv, (int)s->cnt.count, m->type, s->root, m->comm);
}

/* ---- alltoall ---- */

/* Block q came from rank q's block for this rank. */
static int result_alltoall(const struct wb_coll_shape *s, int k, struct wb_coll_region *r)
{
    return k < s->nranks && region(r, WB_COLL_RECV, (size_t)k * s->cnt.count, s->cnt.count, -1, k,
                                   block_offset(s, (size_t)s->rank));
}

static int mpi_alltoall(const struct wb_coll_shape *s, const struct wb_coll_mpi *m)
{
    return MPI_Alltoall(s->in_place ? MPI_IN_PLACE : m->send, (int)s->cnt.count, m->type, m->recv,
                        (int)s->cnt.count, m->type, m->comm);
}

/* ---- the table ---- */

#define BOTH ((1u << WB_PLACE_OUT) | (1u << WB_PLACE_IN))

static const struct wb_coll_desc table[WB_COLL_COUNT] = {
    [WB_COLL_ALLREDUCE] = {.coll = WB_COLL_ALLREDUCE, .reduction = true, .placements = BOTH,
                           .busbw_factor = busbw_allreduce, .input = input_own,
                           .result = result_allreduce, .mpi = mpi_allreduce},
    [WB_COLL_REDUCE] = {.coll = WB_COLL_REDUCE, .reduction = true, .rooted = true,
                        .placements = BOTH, .busbw_factor = busbw_rooted, .input = input_own,
                        .result = result_reduce, .mpi = mpi_reduce},
    [WB_COLL_REDUCE_SCATTER] = {.coll = WB_COLL_REDUCE_SCATTER, .reduction = true,
                                .send_blocks = true, .placements = BOTH,
                                .busbw_factor = busbw_blocks, .input = input_blocks,
                                .result = result_reduce_scatter, .mpi = mpi_reduce_scatter},
    [WB_COLL_ALLGATHER] = {.coll = WB_COLL_ALLGATHER, .recv_blocks = true, .placements = BOTH,
                           .busbw_factor = busbw_blocks, .input = input_allgather,
                           .result = result_allgather, .mpi = mpi_allgather},
    [WB_COLL_BROADCAST] = {.coll = WB_COLL_BROADCAST, .rooted = true,
                           .placements = 1u << WB_PLACE_IN, .busbw_factor = busbw_rooted,
                           .input = input_broadcast, .result = result_broadcast,
                           .mpi = mpi_broadcast},
    [WB_COLL_ALLTOALL] = {.coll = WB_COLL_ALLTOALL, .send_blocks = true, .recv_blocks = true,
                          .placements = BOTH, .busbw_factor = busbw_blocks, .input = input_blocks,
                          .result = result_alltoall, .mpi = mpi_alltoall},
};

const struct wb_coll_desc *wb_coll_desc_get(int coll)
{
    return &table[coll];
}

void wb_coll_desc_counts(struct wb_coll_counts *out, const struct wb_coll_desc *d, size_t bytes,
                         size_t type_size, int nranks)
{
    size_t elems = bytes / type_size, n = (size_t)nranks;
    out->count = d->send_blocks || d->recv_blocks ? elems / n : elems;
    out->send_count = d->send_blocks ? out->count * n : out->count;
    out->recv_count = d->recv_blocks ? out->count * n : out->count;
    size_t larger = out->send_count > out->recv_count ? out->send_count : out->recv_count;
    out->bytes = larger * type_size;
}

void wb_coll_desc_mpi(struct wb_coll_mpi *m, MPI_Comm comm, int dtype, int op, void *send,
                      void *recv)
{
    static const MPI_Datatype types[WB_DTYPE_COUNT] = {MPI_INT32_T, MPI_INT64_T, MPI_FLOAT,
                                                       MPI_DOUBLE};
    m->comm = comm;
    m->type = types[dtype];
    m->op = op == WB_REDOP_MIN ? MPI_MIN : op == WB_REDOP_MAX ? MPI_MAX : MPI_SUM;
    m->send = send;
    m->recv = recv;
}
