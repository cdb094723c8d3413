/* wavebench GPU backend: device selection, one GPU per rank by its index in its locality.
 * Implemented in the CUDA module (cuda_module.h); the struct is plain C, so the program
 * can hold it without CUDA headers. */
#ifndef WB_GPU_H
#define WB_GPU_H

#include "wavebench/common.h"
#include "wavebench/world.h"

struct wb_gpu {
    int device;   /* CUDA device ordinal this rank uses */
    int count;    /* devices visible to this rank */
    char name[256];
    double mem_gib;
    int cc_major, cc_minor;
    char pci_bus_id[32];             /* as cudaDeviceGetPCIBusId writes it */
    int driver_version, runtime_version; /* CUDA's numbers (13000: 13.0); 0 unknown */
};

/* Collective: checks every rank sees a device and binds rank to device
 * (node_rank % count). Returns WB_OK, or WB_ERR_USAGE on every rank when some
 * rank sees no device ("asked for cuda, none visible"). */
int wb_gpu_select(struct wb_gpu *gpu, const struct wb_world *w, struct wb_error *err);

#endif
