/* wavebench collectives suite: the harness. Sweeps every configured collective (coll_desc.h)
 * over types, ops, sizes and placements on each engine it is given, timed the nccl-tests/OSU
 * way, every result checked against the known exact answer (coll_data.h).
 *
 * The harness owns the loops, the table layout, the statistics across ranks, the check's
 * verdict and the progress line; an engine (MPI on host buffers: coll_mpi.h; NCCL and MPI on
 * device buffers: gpu_coll.h) owns its buffers, its calls and its clock, and never calls back
 * into the harness (nccl-tests' testEngine). main chooses the engines. */
#ifndef WB_COLLECTIVES_H
#define WB_COLLECTIVES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wavebench/coll_data.h"
#include "wavebench/coll_desc.h"
#include "wavebench/config.h"
#include "wavebench/table.h"
#include "wavebench/world.h"

/* What runs the operations of the sweeps. A failed library call inside a collective phase ends
 * the job (MPI_Abort with one line): ranks cannot agree on it without risking a hang. Every
 * operation hook is complete when it returns. Hooks marked optional may be NULL. */
struct wb_coll_engine {
    const char *name;    /* group of its tables: <name>/<collective> */
    const char *what;    /* in the tables' titles, e.g. "MPI, host buffers" */
    const char *backend; /* attribute backend */
    const char *library; /* attribute library */
    const char *buffers; /* attribute buffers; NULL: not recorded (host tables never had it) */
    const char *timing;  /* attribute timing; NULL: not recorded */
    /* report.min_busbw does not judge its tables: shown beside the library that does
     * (MPI on device buffers beside NCCL). */
    bool not_judged;
    /* Optional, collective: whether every rank can run the engine; if not, why in
     * why[size] (the same on every rank, for the note that it was skipped). */
    int (*available)(const struct wb_world *w, const struct wb_config *cfg, char *why,
                     size_t size);
    /* Collective: makes a context with a send and a receive buffer of at least bytes each.
     * Returns WB_OK with *ctx, or an error the same on every rank (nothing left allocated). */
    int (*open)(void **ctx, const struct wb_world *w, size_t bytes, struct wb_error *err);
    void (*close)(void *ctx);
    /* Optional: the placements (bit per enum wb_placement) the engine's own call of d has;
     * NULL: d's (its MPI call's). */
    unsigned (*placements)(const struct wb_coll_desc *d);
    /* Optional: moves result region r of s to where the engine's own call of d leaves it, where
     * that differs from d's (MPI's) convention. */
    void (*locate)(const struct wb_coll_desc *d, const struct wb_coll_shape *s,
                   struct wb_coll_region *r);
    /* Optional: the table of d's further attributes (library versions, notes), the same on
     * every rank (the file's writes are collective); ctx is NULL on a rank outside the
     * scope's groups. */
    void (*annotate)(void *ctx, const struct wb_coll_desc *d, struct wb_table *t);
    /* Writes region r (element type s->dtype): element r->at + k = p->v[(r->offset + k) %
     * period]. */
    void (*fill)(void *ctx, const struct wb_coll_shape *s, const struct wb_coll_region *r,
                 const struct wb_coll_data_period *p);
    /* n > 0 operations of s (warm-up, a timed block, the checked one); returns this rank's
     * microseconds per operation on the engine's clock (its attribute timing). */
    double (*run)(void *ctx, const struct wb_coll_desc *d, const struct wb_coll_shape *s,
                  int64_t n);
    /* The elements of region r that differ from the values fill would write. */
    int64_t (*count_wrong)(void *ctx, const struct wb_coll_shape *s, const struct wb_coll_region *r,
                           const struct wb_coll_data_period *p);
};

#define WB_COLL_MAX_ENGINES 4

/* The engines of a run, in the order they run. */
struct wb_coll_engines {
    const struct wb_coll_engine *list[WB_COLL_MAX_ENGINES];
    int n;
    const char *if_none; /* the usage error when none is available */
};

/* Timed iterations used when iters = auto: 100 for small messages, fewer for large. */
int64_t wb_coll_auto_iters(size_t bytes);

/* Checks what depends on the rank count (the root). Returns WB_OK or WB_ERR_USAGE. */
int wb_coll_validate(const struct wb_world *w, const struct wb_config *cfg, struct wb_error *err);

/* Runs each available engine over every configured collective, type, op, size and placement;
 * appends one table per engine and collective to results (<engine name>/<collective>, the
 * layout of docs/results-format.md with attributes backend, library, the engine's others,
 * ranks, localities, busbw_factor, avg_busbw, wrong, verdict). Notes a skipped engine on rank
 * 0's stdout. Returns WB_OK, WB_ERR_CHECK if any result was wrong (every rank the same),
 * WB_ERR_USAGE (engines->if_none) when no engine is available, WB_ERR_INTERRUPTED on a stop
 * request, or WB_ERR_RUNTIME. */
int wb_coll_run(const struct wb_world *w, const struct wb_config *cfg,
                const struct wb_coll_engines *engines, struct wb_results *results,
                struct wb_error *err);

#endif
