/* wavebench signals: SIGTERM and SIGINT (Slurm preemption, spot interruption, Ctrl-C)
 * become a request to stop at the next safe point, never an abrupt exit. */
#ifndef WB_SIGNALS_H
#define WB_SIGNALS_H

/* Installs the handlers (async-signal-safe: they only set a flag). */
void wb_signal_install(void);

/* Whether a stop was requested on this rank. Suites agree on it collectively. */
int wb_signal_stop_requested(void);

#endif
