/* wavebench distributed arrays suite: block-partitioned arrays (partition.h), reductions,
 * element-wise operations, a scan and a strided slice (ops.h), timed against a serial
 * baseline and checked against exact answers (exact.h).
 *
 * The suite's parts: partition.h (blocks), slice.h (slice plans), exact.h (data and exact
 * answers), memory.h (huge-page allocation, available memory), darray.h (one rank's
 * arrays), array_kernels.h (local loops), ops.h (one run of each operation, its check and
 * its bytes), cache.h (the last-level cache), membw.h (the copy/triad bandwidth bound);
 * this header is the harness that main calls. */
#ifndef WB_ARRAYS_H
#define WB_ARRAYS_H

#include "wavebench/config.h"
#include "wavebench/table.h"
#include "wavebench/world.h"

/* Checks what must hold before any work, the same way on every rank: the slice selects
 * something, blocks fit MPI's int counts, and the arrays fit the memory available on
 * every locality. Returns WB_OK or WB_ERR_USAGE with one line in err. */
int wb_arrays_validate(const struct wb_world *w, const struct wb_config *cfg,
                       struct wb_error *err);

/* Runs every configured operation and type, in parallel and (serial_baseline) on rank 0
 * alone over the whole array; appends the table "arrays/ops" to results. Returns WB_OK,
 * WB_ERR_CHECK if any result was wrong (every rank the same), or WB_ERR_RUNTIME. */
int wb_arrays_run(const struct wb_world *w, const struct wb_config *cfg,
                  struct wb_results *results, struct wb_error *err);

#endif
