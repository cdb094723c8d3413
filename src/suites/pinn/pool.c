/* wavebench thread pool: workers that sleep on a condition variable between runs. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct worker {
    struct wb_pool *pool;
    pthread_t th;
    int t;
};

/* A run is a generation: the caller bumps gen and wakes the workers, each runs the job
 * once for the generation it has not seen, the last to finish wakes the caller. */
struct wb_pool {
    int n;       /* threads, the caller included */
    int started; /* workers running (joined by wb_pool_free) */
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    unsigned long gen;
    int pending; /* workers still in the current run */
    bool stop;
    void (*job)(void *arg, int t);
    void *arg;
    struct worker w[]; /* [n - 1] */
};

static void *worker_main(void *arg)
{
    struct worker *wk = arg;
    struct wb_pool *p = wk->pool;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->gen == seen)
            pthread_cond_wait(&p->go, &p->mu);
        if (p->stop)
            break;
        seen = p->gen;
        void (*job)(void *, int) = p->job;
        void *job_arg = p->arg;
        pthread_mutex_unlock(&p->mu);
        job(job_arg, wk->t);
        pthread_mutex_lock(&p->mu);
        if (--p->pending == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int wb_pool_create(struct wb_pool **out, int n, struct wb_error *err)
{
    *out = NULL;
    if (n < 1 || n > WB_POOL_MAX_THREADS)
        return WB_FAIL(err, WB_ERR_USAGE, "threads must be in 1..%d (got %d)",
                       WB_POOL_MAX_THREADS, n);
    if (n == 1)
        return WB_OK;
    struct wb_pool *p = calloc(1, sizeof *p + (size_t)(n - 1) * sizeof p->w[0]);
    if (!p)
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (a pool of %d threads)", n);
    p->n = n;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->go, NULL);
    pthread_cond_init(&p->done, NULL);
    for (int t = 1; t < n; t++) {
        struct worker *wk = &p->w[t - 1];
        *wk = (struct worker){p, 0, t};
        int rc = pthread_create(&wk->th, NULL, worker_main, wk);
        if (rc != 0) {
            wb_pool_free(p);
            return WB_FAIL(err, WB_ERR_RUNTIME, "cannot start thread %d of %d: %s", t, n,
                           strerror(rc));
        }
        p->started++;
    }
    *out = p;
    return WB_OK;
}

int wb_pool_size(const struct wb_pool *p)
{
    return p ? p->n : 1;
}

void wb_pool_run(struct wb_pool *p, void (*job)(void *arg, int t), void *arg)
{
    if (!p) {
        job(arg, 0);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->job = job;
    p->arg = arg;
    p->pending = p->n - 1;
    p->gen++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    job(arg, 0);
    pthread_mutex_lock(&p->mu);
    while (p->pending > 0)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void wb_pool_free(struct wb_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (int t = 0; t < p->started; t++)
        pthread_join(p->w[t].th, NULL);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
