/* wavebench devices: every rank's GPU into one table. */
#include "wavebench/devices.h"

#include <stdio.h>
#include <stdlib.h>

/* CUDA's version numbers (1000 major + 10 minor) as "13.0". */
static void version_text(char *out, size_t size, int v)
{
    if (v > 0)
        snprintf(out, size, "%d.%d", v / 1000, v % 1000 / 10);
    else
        snprintf(out, size, "unknown");
}

int wb_devices_table(struct wb_results *res, const struct wb_world *w, const struct wb_gpu *gpu,
                     struct wb_error *err)
{
    struct wb_gpu *all = malloc(sizeof *all * (size_t)w->size);
    int ok = all != NULL, all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, w->comm);
    if (!all_ok) {
        free(all);
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (device table)");
    }
    int rc = MPI_Allgather(gpu, (int)sizeof *gpu, MPI_BYTE, all, (int)sizeof *gpu, MPI_BYTE,
                           w->comm);
    if (rc != MPI_SUCCESS)
        wb_world_fatal_mpi(w->comm, w->rank, rc, "gathering the ranks' devices");
    struct wb_table *t = wb_results_new_table(res, "gpu/devices",
                                              "GPU of every rank (backend cuda)");
    int bad = t == NULL, c[10];
    static const struct { const char *name; int type, role, width; const char *unit; } cols[] = {
        {"rank", WB_COL_I64, WB_ROLE_KEY, 5, ""},
        {"host", WB_COL_STR, WB_ROLE_CONTEXT, 16, ""},
        {"device", WB_COL_I64, WB_ROLE_CONTEXT, 6, ""},
        {"model", WB_COL_STR, WB_ROLE_CONTEXT, 24, ""},
        {"pci_bus_id", WB_COL_STR, WB_ROLE_CONTEXT, 13, ""},
        {"compute_capability", WB_COL_STR, WB_ROLE_CONTEXT, 6, ""},
        {"mem_gib", WB_COL_F64, WB_ROLE_CONTEXT, 8, "GiB"},
        {"driver", WB_COL_STR, WB_ROLE_CONTEXT, 7, ""},
        {"runtime", WB_COL_STR, WB_ROLE_CONTEXT, 7, ""},
        {"visible", WB_COL_I64, WB_ROLE_CONTEXT, 7, ""},
    };
    static const char *const heads[] = {"rank", "host", "device", "model", "PCI bus",
                                        "cc", "memory", "driver", "runtime", "visible"};
    for (size_t i = 0; !bad && i < WB_ARRAY_LEN(cols); i++)
        bad = (c[i] = wb_table_add_col(t, cols[i].name, cols[i].type, cols[i].role,
                                       WB_BETTER_NONE, heads[i], cols[i].unit, "",
                                       cols[i].width, cols[i].type == WB_COL_F64 ? 1 : 0)) < 0;
    for (int r = 0; !bad && r < w->size; r++) {
        const struct wb_gpu *g = &all[r];
        long row = wb_table_add_row(t);
        if ((bad = row < 0))
            break;
        char cc[16], drv[16], rt[16];
        snprintf(cc, sizeof cc, "%d.%d", g->cc_major, g->cc_minor);
        version_text(drv, sizeof drv, g->driver_version);
        version_text(rt, sizeof rt, g->runtime_version);
        wb_table_set_i64(t, (size_t)row, c[0], r);
        wb_table_set_str(t, (size_t)row, c[1], w->hostnames[r]);
        wb_table_set_i64(t, (size_t)row, c[2], g->device);
        wb_table_set_str(t, (size_t)row, c[3], g->name);
        wb_table_set_str(t, (size_t)row, c[4], g->pci_bus_id);
        wb_table_set_str(t, (size_t)row, c[5], cc);
        wb_table_set_f64(t, (size_t)row, c[6], g->mem_gib);
        wb_table_set_str(t, (size_t)row, c[7], drv);
        wb_table_set_str(t, (size_t)row, c[8], rt);
        wb_table_set_i64(t, (size_t)row, c[9], g->count);
    }
    free(all);
    if (bad)
        WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (device table)");
    return wb_world_agree(w, err);
}
