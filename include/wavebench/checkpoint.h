/* wavebench checkpoints: a PINN's parameters and Adam state in a small HDF5 file, written
 * whole or not at all (exclusive temporary name, sync, rename), read back bit-exactly, with
 * checksums on its metadata and data so that a damaged file is refused, not resumed. Serial:
 * parameters are replicated, so rank 0 writes and reads, and the caller broadcasts. */
#ifndef WB_CHECKPOINT_H
#define WB_CHECKPOINT_H

#include <stdint.h>

#include "wavebench/common.h"
#include "wavebench/config.h"
#include "wavebench/pinn.h"

/* Writes model->params, opt's state, the training position and what defines the run (its
 * network, points on nranks ranks and schedule) to path. Returns WB_OK or WB_ERR_RUNTIME
 * (an earlier file at path is then untouched; path is replaced only if a regular file). */
int wb_checkpoint_write(const char *path, const struct wb_pinn_model *model,
                        const struct wb_pinn_adam *opt, const struct wb_pinn_config *pc,
                        int nranks, int64_t iteration, struct wb_error *err);

/* Checks, before any work, that path is a checkpoint of the configured training: same
 * network (problem, precision, width, depth, hard constraints), points (seed,
 * resample_every, the three point counts), rank count and schedule (lr, lr_decay,
 * decay_steps), at an iteration below pc->iters. Returns WB_OK or WB_ERR_USAGE naming the
 * first difference with both values in words. */
int wb_checkpoint_check(const char *path, const struct wb_pinn_config *pc, int nranks,
                        struct wb_error *err);

/* Reads path into model->params and opt's state; *iteration is the next iteration to run.
 * The checkpoint must describe the same network (problem, precision, width, depth,
 * hard constraints) as the model: otherwise WB_ERR_USAGE naming the difference. A checksum
 * that does not match (a damaged file) is WB_ERR_USAGE too. */
int wb_checkpoint_read(const char *path, struct wb_pinn_model *model, struct wb_pinn_adam *opt,
                       int64_t *iteration, struct wb_error *err);

#endif
