/* wavebench watchdog: no hang, ever. A thread ends the process when an operation (one
 * measurement of a collective or an array operation, one PINN iteration) runs past its
 * time ([run] timeout): a dead peer, a link down or a stopped rank leave the main thread
 * blocked inside MPI for good, where nothing else could act.
 *
 * On expiry the thread prints one line, "wavebench: error: rank R: timeout: WHAT did not
 * finish within T s ...", calls the on_timeout hook (rank 0 writes the tables finished so
 * far to a partial results file there: wb_h5_write_partial) and exits 1. Ranks other
 * than 0 first wait WB_WATCHDOG_GRACE seconds, so that rank 0, whose deadline is near
 * theirs, writes before the launcher, seeing a rank exit, kills the job. The hook runs
 * while the main thread is blocked: it must make no MPI call. Once the watchdog has fired,
 * the main thread never returns from wb_watchdog_touch/disarm. */
#ifndef WB_WATCHDOG_H
#define WB_WATCHDOG_H

#include <stddef.h>

#define WB_WATCHDOG_GRACE 20

/* Called on expiry with what was running and the count given to wb_watchdog_tables_done. */
typedef void (*wb_watchdog_hook)(void *ctx, const char *what, size_t tables_done);

/* Starts the thread (timeout_s > 0; 0 leaves the watchdog off and every call below a
 * no-op). Returns 0, or -1 when the thread cannot be made. */
int wb_watchdog_start(double timeout_s, int rank, wb_watchdog_hook on_timeout, void *ctx);

/* An operation begins: the deadline is now + timeout; what (printf format) names it, e.g.
 * "collectives allreduce (world) at 1048576 B". */
void wb_watchdog_arm(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The armed operation made progress (a repetition, an iteration): a new deadline. */
void wb_watchdog_touch(void);
/* The operation ended: the phase is watched again (with a new deadline), or nothing. */
void wb_watchdog_disarm(void);
/* Between operations (set-up, probes, tables), the run is in phase name (e.g. "the
 * arrays suite"), watched with the same timeout from now; NULL: nothing is watched then. */
void wb_watchdog_phase(const char *name);
/* The first n tables of the run's results are finished (the hook writes those). */
void wb_watchdog_tables_done(size_t n);
/* Stops the thread (at the end of the run). */
void wb_watchdog_stop(void);

#endif
