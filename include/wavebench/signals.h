/* wavebench signals: SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGUSR2 (Slurm preemption and its
 * --signal warnings, spot interruption, Ctrl-C, a closed terminal) become a request to stop
 * at the next safe point, never an abrupt exit: the run writes its checkpoint and a results
 * file marked incomplete, and exits 4. */
#ifndef WB_SIGNALS_H
#define WB_SIGNALS_H

/* Installs the handlers (async-signal-safe: they only set a flag). */
void wb_signal_install(void);

/* The first stop signal this rank received, 0 when none. Suites agree on it collectively
 * (wb_world_stop_requested). */
int wb_signal_stop_requested(void);

/* "SIGTERM", "SIGUSR1", ...: the name of a stop signal, for messages. */
const char *wb_signal_name(int sig);

#endif
