/* bare_allreduce: the baseline of baselines/collectives_overhead.sh. A plain MPI_Allreduce
 * loop with the same sizes, buffers, iteration counts and timing rule as wavebench's
 * allreduce sweep (float, sum, out-of-place), and nothing else.
 * usage: bare_allreduce MIN_BYTES MAX_BYTES FACTOR WARMUP REPS ; prints "bytes median_us". */
#define _POSIX_C_SOURCE 200809L
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    if (argc != 6) {
        fprintf(stderr, "usage: bare_allreduce MIN MAX FACTOR WARMUP REPS\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    long min = atol(argv[1]), max = atol(argv[2]), factor = atol(argv[3]);
    int warmup = atoi(argv[4]), reps = atoi(argv[5]), rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    size_t cap = ((size_t)max + 4095) / 4096 * 4096;
    float *send, *recv;
    if (posix_memalign((void **)&send, 4096, cap) || posix_memalign((void **)&recv, 4096, cap))
        MPI_Abort(MPI_COMM_WORLD, 1);
    memset(send, 0, cap);
    memset(recv, 0, cap);
    double *t = malloc(sizeof(double) * (size_t)reps), *slowest = malloc(sizeof(double) * (size_t)reps);
    for (long bytes = min; bytes <= max; bytes *= factor) {
        int count = (int)(bytes / (long)sizeof(float));
        long iters = (64L << 20) / bytes;
        iters = iters < 5 ? 5 : iters > 100 ? 100 : iters; /* wavebench's auto rule */
        for (size_t i = 0; i < (size_t)count; i++)
            send[i] = (float)(i % 31 + 1);
        for (int i = 0; i < warmup; i++)
            MPI_Allreduce(send, recv, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        for (int r = 0; r < reps; r++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double t0 = MPI_Wtime();
            for (long i = 0; i < iters; i++)
                MPI_Allreduce(send, recv, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
            t[r] = (MPI_Wtime() - t0) / (double)iters * 1e6;
        }
        MPI_Allreduce(t, slowest, reps, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        qsort(slowest, (size_t)reps, sizeof(double), cmp);
        double median = reps % 2 ? slowest[reps / 2] : 0.5 * (slowest[reps / 2 - 1] + slowest[reps / 2]);
        if (rank == 0)
            printf("%ld %.6f\n", bytes, median);
    }
    free(t);
    free(slowest);
    free(send);
    free(recv);
    MPI_Finalize();
    return 0;
}
