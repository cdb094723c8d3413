/* wavebench collectives' MPI host engine: each descriptor's MPI call (coll_desc.h) on page-
 * aligned host buffers, timed by MPI_Wtime around the timed loop; tables collectives/<name>
 * with backend cpu and library MPI. */
#ifndef WB_COLL_MPI_H
#define WB_COLL_MPI_H

#include "wavebench/collectives.h"

/* The engine (static, stateless: its state lives in the context its open makes). */
const struct wb_coll_engine *wb_coll_mpi_engine(void);

/* n blocking MPI calls of s (d's call) on send and recv: host buffers, or device buffers with
 * a CUDA-aware MPI. Returns this rank's microseconds per operation by MPI_Wtime around them.
 * A failed call ends the job (wb_world_fatal_mpi). */
double wb_coll_mpi_run(const struct wb_world *w, const struct wb_coll_desc *d,
                       const struct wb_coll_shape *s, void *send, void *recv, int64_t n);

#endif
