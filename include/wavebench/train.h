/* wavebench PINN suite: data-parallel training of the wave-equation PINN over ranks,
 * one all-reduce of the flat gradient per iteration, accuracy against the exact
 * solution, speed figures, checkpoints and resume, on the backend the caller passes
 * (pinn_backend.h). */
#ifndef WB_TRAIN_H
#define WB_TRAIN_H

#include "wavebench/config.h"
#include "wavebench/pinn_backend.h"
#include "wavebench/table.h"
#include "wavebench/world.h"

/* Compute threads per rank for threads = auto: min(allowed, online / node_size), at least
 * 1 and at most 256, where allowed is the CPU count of the rank's affinity mask, online the
 * node's online CPUs and node_size the ranks on the node. */
int wb_pinn_auto_threads(int online, int allowed, int node_size);

/* Checks what must hold before any work (the resume checkpoint's network).
 * Returns WB_OK or WB_ERR_USAGE, the same on every rank after wb_world_agree. */
int wb_pinn_validate(const struct wb_world *w, const struct wb_config *cfg, struct wb_error *err);

/* Trains as configured, the math on the backend ops (main.c picks it by
 * cfg->backend), and appends the tables pinn/summary, pinn/history,
 * pinn/solution and pinn/model to results. Writes a checkpoint every
 * checkpoint_every iterations and at the end. Returns WB_OK; WB_ERR_RUNTIME
 * when the loss stops being finite (every rank together; the last checkpoint
 * stays intact) or on failure; WB_ERR_INTERRUPTED after a requested stop,
 * with a checkpoint written and the tables holding what was done. */
int wb_pinn_run(const struct wb_world *w, const struct wb_config *cfg,
                const struct wb_pinn_backend *ops, struct wb_results *results,
                struct wb_error *err);

#endif
