/* A faulty MPI for tests: an LD_PRELOAD library that makes MPI_Allreduce misbehave the way a
 * broken library or network stack could, through the profiling interface (PMPI), so that the
 * collectives' check is shown to catch each kind. WB_FAULT selects one:
 *   untouched:K  calls after the first K return MPI_SUCCESS and write nothing
 *   half         float inputs and results rounded through half precision (a reduction in
 *                fp16)
 *   drop1        rank 1's contribution left out of the sum (it sends zeros)
 *   double0      rank 0's contribution counted twice
 * Anything else (or unset): the real call. Only MPI_SUM calls of at least 256 elements are
 * altered (and counted): the benchmark's own data, not the harness's bookkeeping of counts
 * and times, which a library this broken would take down too. */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static long calls;

static float through_half(float x)
{
    int e;
    float m = frexpf(x, &e); /* x = m 2^e, 0.5 <= |m| < 1: keep 11 significant bits */
    return ldexpf(nearbyintf(ldexpf(m, 11)), e - 11);
}

/* out[k] = factor * in[k] (in may be out) for count elements of type. */
static void scaled(void *out, const void *in, int count, MPI_Datatype type, int factor)
{
    for (int k = 0; k < count; k++) {
        if (type == MPI_FLOAT)
            ((float *)out)[k] = (float)factor * ((const float *)in)[k];
        else if (type == MPI_DOUBLE)
            ((double *)out)[k] = (double)factor * ((const double *)in)[k];
        else if (type == MPI_INT)
            ((int *)out)[k] = factor * ((const int *)in)[k];
        else if (type == MPI_INT64_T)
            ((int64_t *)out)[k] = factor * ((const int64_t *)in)[k];
    }
}

int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op,
                  MPI_Comm comm)
{
    const char *fault = getenv("WB_FAULT");
    if (!fault || op != MPI_SUM || count < 256)
        return PMPI_Allreduce(sendbuf, recvbuf, count, type, op, comm);
    calls++;
    if (strncmp(fault, "untouched:", 10) == 0 && calls > atol(fault + 10))
        return MPI_SUCCESS;
    int rank, size;
    PMPI_Comm_rank(comm, &rank);
    PMPI_Type_size(type, &size);
    int drop = strcmp(fault, "drop1") == 0 && rank == 1;
    int twice = strcmp(fault, "double0") == 0 && rank == 0;
    int half = strcmp(fault, "half") == 0 && type == MPI_FLOAT;
    if (drop || twice || half) {
        const void *in = sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
        void *mine = malloc((size_t)count * (size_t)size + 1);
        if (!mine)
            return MPI_ERR_NO_MEM;
        scaled(mine, in, count, type, drop ? 0 : twice ? 2 : 1);
        for (int k = 0; half && k < count; k++)
            ((float *)mine)[k] = through_half(((float *)mine)[k]);
        int rc = PMPI_Allreduce(mine, recvbuf, count, type, op, comm);
        free(mine);
        for (int k = 0; half && k < count; k++)
            ((float *)recvbuf)[k] = through_half(((float *)recvbuf)[k]);
        return rc;
    }
    return PMPI_Allreduce(sendbuf, recvbuf, count, type, op, comm);
}
