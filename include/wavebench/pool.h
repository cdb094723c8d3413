/* wavebench thread pool: a fixed team of threads that runs one job at a time, the caller
 * taking part as thread 0.
 *
 * What this module promises:
 * - wb_pool_run(p, job, arg) calls job(arg, t) exactly once for every t in 0..n-1 and
 *   returns only when all n calls have returned: t = 0 on the calling thread, each
 *   t > 0 always on the same worker thread. The calls of one run may overlap in any
 *   order; what a job writes before it returns is visible to the caller afterwards.
 * - Workers sleep between runs (no spinning) and start no threads, allocate nothing
 *   and cannot fail once wb_pool_create has returned.
 * - One run at a time: wb_pool_run is called by one thread, never from inside a job.
 * - A pool of one thread has no workers; NULL stands for it everywhere. */
#ifndef WB_POOL_H
#define WB_POOL_H

#include "wavebench/common.h"

/* Most threads of a pool, the caller included. */
#define WB_POOL_MAX_THREADS 256

struct wb_pool; /* opaque */

/* A pool of n threads: this one and n - 1 workers started here. *out = NULL for n == 1.
 * Returns WB_OK, or WB_ERR_USAGE (n outside 1..WB_POOL_MAX_THREADS) or WB_ERR_RUNTIME
 * (allocation, thread start) with a message in err; on failure *out is NULL and no
 * worker is left running. */
int wb_pool_create(struct wb_pool **out, int n, struct wb_error *err);

/* Threads of the pool, the caller included: 1 for NULL. */
int wb_pool_size(const struct wb_pool *p);

/* Runs job(arg, t) for t = 0..wb_pool_size(p)-1 as the header comment says. */
void wb_pool_run(struct wb_pool *p, void (*job)(void *arg, int t), void *arg);

/* Stops and joins the workers, releases the pool; safe on NULL. */
void wb_pool_free(struct wb_pool *p);

#endif
