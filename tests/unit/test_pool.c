/* Unit tests of the thread pool: every thread index runs once per run, on its own thread,
 * and a run returns only after all of them; sizes, NULL and bad sizes. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "wavebench/pool.h"

enum { MAX_T = 8, RUNS = 2000 };

struct record {
    int calls[MAX_T];      /* job calls per thread index */
    pthread_t who[MAX_T];  /* the thread that ran index t last */
    int done[MAX_T];       /* index t's job of this run has finished */
    int slow;              /* workers sleep before they finish */
};

static void job(void *arg, int t)
{
    struct record *r = arg;
    if (r->slow && t > 0)
        nanosleep(&(struct timespec){0, 2000000}, NULL); /* 2 ms: late if run does not wait */
    r->calls[t]++;
    r->who[t] = pthread_self();
    r->done[t] = 1;
}

static void runs_every_index_once_and_waits(int n)
{
    struct wb_pool *p;
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_pool_create(&p, n, &err), WB_OK);
    assert_int_equal(wb_pool_size(p), n);
    struct record r;
    memset(&r, 0, sizeof r);
    for (int run = 0; run < RUNS; run++) {
        r.slow = run % 500 == 0;
        memset(r.done, 0, sizeof r.done);
        wb_pool_run(p, job, &r);
        for (int t = 0; t < n; t++)
            assert_int_equal(r.done[t], 1); /* run returned after every job finished */
        for (int t = n; t < MAX_T; t++)
            assert_int_equal(r.done[t], 0);
    }
    for (int t = 0; t < n; t++)
        assert_int_equal(r.calls[t], RUNS);
    assert_true(pthread_equal(r.who[0], pthread_self())); /* the caller is thread 0 */
    for (int t = 1; t < n; t++) {
        assert_false(pthread_equal(r.who[t], pthread_self()));
        for (int u = 1; u < t; u++)
            assert_false(pthread_equal(r.who[t], r.who[u]));
    }
    wb_pool_free(p);
}

static void test_pool_runs(void **state)
{
    (void)state;
    runs_every_index_once_and_waits(2);
    runs_every_index_once_and_waits(3);
    runs_every_index_once_and_waits(MAX_T);
}

static void test_pool_one_thread_is_null(void **state)
{
    (void)state;
    struct wb_pool *p = (struct wb_pool *)&p; /* create must overwrite it */
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_pool_create(&p, 1, &err), WB_OK);
    assert_null(p);
    assert_int_equal(wb_pool_size(NULL), 1);
    struct record r;
    memset(&r, 0, sizeof r);
    wb_pool_run(NULL, job, &r);
    assert_int_equal(r.calls[0], 1);
    assert_int_equal(r.calls[1], 0);
    assert_true(pthread_equal(r.who[0], pthread_self()));
    wb_pool_free(NULL);
}

static void test_pool_bad_size(void **state)
{
    (void)state;
    const int bad[] = {0, -1, WB_POOL_MAX_THREADS + 1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct wb_pool *p = (struct wb_pool *)&p;
        struct wb_error err;
        wb_error_clear(&err);
        assert_int_equal(wb_pool_create(&p, bad[i], &err), WB_ERR_USAGE);
        assert_null(p);
        assert_non_null(strstr(err.msg, "threads must be in 1..256"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_runs),
        cmocka_unit_test(test_pool_one_thread_is_null),
        cmocka_unit_test(test_pool_bad_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
