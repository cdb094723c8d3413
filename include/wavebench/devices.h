/* wavebench devices: the GPU of every rank as a results table, so that a file says which
 * device each rank's figures came from (backend cuda only). */
#ifndef WB_DEVICES_H
#define WB_DEVICES_H

#include "wavebench/gpu_device.h"
#include "wavebench/table.h"
#include "wavebench/world.h"

/* Collective over w: gathers every rank's gpu and adds the table "gpu/devices" to res, one
 * row per rank: rank, host, device ordinal, model, PCI bus id, compute capability, memory,
 * driver and runtime versions, visible devices. Returns WB_OK or WB_ERR_RUNTIME (out of
 * memory), the same on every rank. */
int wb_devices_table(struct wb_results *res, const struct wb_world *w, const struct wb_gpu *gpu,
                     struct wb_error *err);

#endif
