/* wavebench collectives' MPI host engine. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/coll_mpi.h"

#include <stdlib.h>
#include <string.h>

struct ctx {
    const struct wb_world *w;
    char *buf[2]; /* [enum wb_coll_buf] */
};

static int mpi_open(void **ctxp, const struct wb_world *w, size_t bytes, struct wb_error *err)
{
    struct ctx *c = calloc(1, sizeof *c);
    bytes = (bytes + 4095) / 4096 * 4096;
    if (!c || posix_memalign((void **)&c->buf[WB_COLL_SEND], 4096, bytes) != 0 ||
        posix_memalign((void **)&c->buf[WB_COLL_RECV], 4096, bytes) != 0)
        WB_FAIL(err, WB_ERR_RUNTIME, "cannot allocate 2 x %zu bytes for message buffers", bytes);
    else {
        c->w = w;
        memset(c->buf[WB_COLL_SEND], 0, bytes);
        memset(c->buf[WB_COLL_RECV], 0, bytes);
    }
    int status = wb_world_agree(w, err);
    if (status != WB_OK && c) {
        free(c->buf[WB_COLL_SEND]);
        free(c->buf[WB_COLL_RECV]);
        free(c);
        c = NULL;
    }
    *ctxp = c;
    return status;
}

static void mpi_close(void *ctxp)
{
    struct ctx *c = ctxp;
    free(c->buf[WB_COLL_SEND]);
    free(c->buf[WB_COLL_RECV]);
    free(c);
}

static char *at(const struct ctx *c, const struct wb_coll_shape *s, const struct wb_coll_region *r)
{
    return c->buf[r->buf] + r->at * wb_coll_data_type_size(s->dtype);
}

static void mpi_fill(void *ctxp, const struct wb_coll_shape *s, const struct wb_coll_region *r,
                     const struct wb_coll_data_period *p)
{
    wb_coll_data_fill(at(ctxp, s, r), s->dtype, p, r->offset, r->n);
}

static int64_t mpi_count_wrong(void *ctxp, const struct wb_coll_shape *s,
                               const struct wb_coll_region *r, const struct wb_coll_data_period *p)
{
    return wb_coll_data_count_wrong(at(ctxp, s, r), s->dtype, p, r->offset, r->n);
}

double wb_coll_mpi_run(const struct wb_world *w, const struct wb_coll_desc *d,
                       const struct wb_coll_shape *s, void *send, void *recv, int64_t n)
{
    struct wb_coll_mpi m;
    wb_coll_desc_mpi(&m, w->comm, s->dtype, s->op, send, recv);
    double t0 = MPI_Wtime();
    for (int64_t i = 0; i < n; i++) {
        int rc = d->mpi(s, &m);
        if (rc != MPI_SUCCESS)
            wb_world_fatal_mpi(w->comm, w->rank, rc, "collective");
    }
    return (MPI_Wtime() - t0) / (double)n * 1e6;
}

static double mpi_run(void *ctxp, const struct wb_coll_desc *d, const struct wb_coll_shape *s,
                      int64_t n)
{
    struct ctx *c = ctxp;
    return wb_coll_mpi_run(c->w, d, s, c->buf[WB_COLL_SEND], c->buf[WB_COLL_RECV], n);
}

/* Host tables record neither buffers nor timing: their layout predates those attributes. */
static const struct wb_coll_engine engine = {
    .name = "collectives",
    .what = "MPI, host buffers",
    .backend = "cpu",
    .library = "MPI",
    .open = mpi_open,
    .close = mpi_close,
    .fill = mpi_fill,
    .run = mpi_run,
    .count_wrong = mpi_count_wrong,
};

const struct wb_coll_engine *wb_coll_mpi_engine(void)
{
    return &engine;
}
