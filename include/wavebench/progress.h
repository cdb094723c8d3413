/* wavebench progress: what a person watching a long run sees, on rank 0 only.
 * On a terminal one line is rewritten in place; otherwise plain lines, at most one
 * every few seconds; nothing with --quiet. Under mpirun or srun, where a terminal cannot be
 * told from a log, plain lines unless WAVEBENCH_PROGRESS=tty; WAVEBENCH_PROGRESS=plain or
 * off force the others. Progress is never part of the results. */
#ifndef WB_PROGRESS_H
#define WB_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "wavebench/config.h"
#include "wavebench/world.h"

struct wb_progress {
    bool enabled, tty;
    double start, last;
    char label[64];
};

/* Starts timing a step called label (e.g. "pinn wave1d"). */
void wb_progress_start(struct wb_progress *p, const struct wb_world *w,
                       const struct wb_config *cfg, const char *label);

/* Reports fraction done (0..1) with a detail text; rate-limited unless force. */
void wb_progress_update(struct wb_progress *p, double fraction, bool force, const char *detail);

/* A duration for people: "42 s", "3.5 min", "2.1 h", "4.0 days". */
void wb_progress_duration(double seconds, char *out, size_t size);

/* Ends the step: on a terminal, finishes the line. */
void wb_progress_end(struct wb_progress *p);

#endif
