/* wavebench watchdog: a thread with a deadline. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/watchdog.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool on, running, armed, fired;
    double timeout;
    struct timespec deadline;
    char what[192];
    char phase[64]; /* what is watched between operations; "" none */
    size_t tables_done;
    int rank;
    wb_watchdog_hook hook;
    void *ctx;
} wd = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void set_deadline(void)
{
    clock_gettime(CLOCK_MONOTONIC, &wd.deadline);
    double whole = (double)(long)wd.timeout;
    wd.deadline.tv_sec += (time_t)whole;
    wd.deadline.tv_nsec += (long)((wd.timeout - whole) * 1e9);
    if (wd.deadline.tv_nsec >= 1000000000L) {
        wd.deadline.tv_sec++;
        wd.deadline.tv_nsec -= 1000000000L;
    }
}

static bool past(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static void *watch(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&wd.lock);
    while (wd.running) {
        if (!wd.armed) {
            pthread_cond_wait(&wd.wake, &wd.lock);
            continue;
        }
        if (!past(&wd.deadline)) {
            pthread_cond_timedwait(&wd.wake, &wd.lock, &wd.deadline);
            continue;
        }
        wd.fired = true;
        char what[sizeof wd.what];
        snprintf(what, sizeof what, "%s", wd.what);
        size_t done = wd.tables_done;
        pthread_mutex_unlock(&wd.lock);
        fprintf(stderr,
                "wavebench: error: rank %d: timeout: %s did not finish within %g s (a rank "
                "dead, stopped or unreachable?); ending the run ([run] timeout)\n",
                wd.rank, what, wd.timeout);
        fflush(stderr);
        if (wd.rank != 0)
            sleep(WB_WATCHDOG_GRACE);
        if (wd.hook)
            wd.hook(wd.ctx, what, done);
        fflush(stdout);
        fflush(stderr);
        _exit(1);
    }
    pthread_mutex_unlock(&wd.lock);
    return NULL;
}

int wb_watchdog_start(double timeout_s, int rank, wb_watchdog_hook on_timeout, void *ctx)
{
    if (timeout_s <= 0)
        return 0;
    wd.timeout = timeout_s;
    wd.rank = rank;
    wd.hook = on_timeout;
    wd.ctx = ctx;
    wd.running = true;
    pthread_condattr_t attr;
    /* Deadlines on the monotonic clock: a clock step must not fire or delay it. */
    if (pthread_condattr_init(&attr) != 0 ||
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&wd.wake, &attr) != 0)
        return -1;
    pthread_condattr_destroy(&attr);
    if (pthread_create(&wd.thread, NULL, watch, NULL) != 0) {
        pthread_cond_destroy(&wd.wake);
        return -1;
    }
    wd.on = true;
    return 0;
}

/* After the watchdog fired, the main thread waits for the process to end: going on would
 * race with the hook reading the results. */
static void hold_if_fired(void)
{
    if (!wd.fired)
        return;
    pthread_mutex_unlock(&wd.lock);
    for (;;)
        pause();
}

void wb_watchdog_arm(const char *fmt, ...)
{
    if (!wd.on)
        return;
    pthread_mutex_lock(&wd.lock);
    hold_if_fired();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(wd.what, sizeof wd.what, fmt, ap);
    va_end(ap);
    set_deadline();
    wd.armed = true;
    pthread_cond_signal(&wd.wake);
    pthread_mutex_unlock(&wd.lock);
}

void wb_watchdog_touch(void)
{
    if (!wd.on)
        return;
    pthread_mutex_lock(&wd.lock);
    hold_if_fired();
    set_deadline(); /* later than the thread's wait: it waits again when it wakes */
    pthread_mutex_unlock(&wd.lock);
}

void wb_watchdog_disarm(void)
{
    if (!wd.on)
        return;
    pthread_mutex_lock(&wd.lock);
    hold_if_fired();
    wd.armed = wd.phase[0] != '\0';
    if (wd.armed) {
        snprintf(wd.what, sizeof wd.what, "%s", wd.phase);
        set_deadline();
    }
    pthread_mutex_unlock(&wd.lock);
}

void wb_watchdog_phase(const char *name)
{
    if (!wd.on)
        return;
    pthread_mutex_lock(&wd.lock);
    hold_if_fired();
    snprintf(wd.phase, sizeof wd.phase, "%s", name ? name : "");
    pthread_mutex_unlock(&wd.lock);
    wb_watchdog_disarm();
}

void wb_watchdog_tables_done(size_t n)
{
    if (!wd.on)
        return;
    pthread_mutex_lock(&wd.lock);
    wd.tables_done = n;
    pthread_mutex_unlock(&wd.lock);
}

void wb_watchdog_stop(void)
{
    if (!wd.on)
        return;
    pthread_mutex_lock(&wd.lock);
    hold_if_fired();
    wd.running = false;
    pthread_cond_signal(&wd.wake);
    pthread_mutex_unlock(&wd.lock);
    pthread_join(wd.thread, NULL);
    pthread_cond_destroy(&wd.wake);
    wd.on = false;
}
