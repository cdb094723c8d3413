/* nccl_bare_allreduce: the baseline of baselines/gpu_collectives_vs_nccl.sh. A plain
 * ncclAllReduce loop with wavebench's sizes, iteration rule, warm-up, repetitions and timing
 * (float, sum, out-of-place; CUDA events around the timed loop on one stream; the slowest
 * rank's time per repetition, median over repetitions), and nothing else. One GPU per rank
 * by its index on the node. NCCL counts are elements.
 * usage: nccl_bare_allreduce MIN_BYTES MAX_BYTES FACTOR WARMUP REPS ; prints "bytes median_us". */
#define _POSIX_C_SOURCE 200809L
#include <cuda_runtime_api.h>
#include <mpi.h>
#include <nccl.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(ok, what)                                                   \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "nccl_bare_allreduce: %s failed (%s:%d)\n", what, __FILE__, __LINE__); \
            MPI_Abort(MPI_COMM_WORLD, 1);                                 \
        }                                                                 \
    } while (0)
#define CU(call) CHECK((call) == cudaSuccess, #call)
#define NC(call) CHECK((call) == ncclSuccess, #call)

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    if (argc != 6) {
        fprintf(stderr, "usage: nccl_bare_allreduce MIN MAX FACTOR WARMUP REPS\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    long min = strtol(argv[1], NULL, 10), max = strtol(argv[2], NULL, 10);
    long factor = strtol(argv[3], NULL, 10);
    int warmup = atoi(argv[4]), reps = atoi(argv[5]), rank, size, node_rank, ndev;
    CHECK(min > 0 && max >= min && factor > 1 && reps > 0 && warmup >= 0, "arguments");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &node_rank);
    CU(cudaGetDeviceCount(&ndev));
    CU(cudaSetDevice(node_rank % ndev));
    ncclUniqueId id;
    if (rank == 0)
        NC(ncclGetUniqueId(&id));
    MPI_Bcast(&id, (int)sizeof id, MPI_BYTE, 0, MPI_COMM_WORLD);
    ncclComm_t comm;
    NC(ncclCommInitRank(&comm, size, id, rank));
    cudaStream_t s;
    cudaEvent_t e0, e1;
    CU(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    CU(cudaEventCreate(&e0));
    CU(cudaEventCreate(&e1));
    size_t cap = ((size_t)max + 4095) / 4096 * 4096;
    float *send, *recv;
    CU(cudaMalloc((void **)&send, cap));
    CU(cudaMalloc((void **)&recv, cap));
    CU(cudaMemset(send, 0, cap));
    CU(cudaMemset(recv, 0, cap));
    double *t = malloc(sizeof(double) * (size_t)reps), *slowest = malloc(sizeof(double) * (size_t)reps);
    CHECK(t && slowest, "malloc");
    for (long bytes = min; bytes <= max; bytes *= factor) {
        size_t count = (size_t)bytes / sizeof(float);
        if (count == 0)
            continue;
        long iters = (64L << 20) / bytes;
        iters = iters < 5 ? 5 : iters > 100 ? 100 : iters; /* wavebench's auto rule */
        for (int i = 0; i < warmup; i++)
            NC(ncclAllReduce(send, recv, count, ncclFloat32, ncclSum, comm, s));
        CU(cudaStreamSynchronize(s));
        for (int r = 0; r < reps; r++) {
            MPI_Barrier(MPI_COMM_WORLD);
            CU(cudaEventRecord(e0, s));
            for (long i = 0; i < iters; i++)
                NC(ncclAllReduce(send, recv, count, ncclFloat32, ncclSum, comm, s));
            CU(cudaEventRecord(e1, s));
            CU(cudaEventSynchronize(e1));
            float ms = 0;
            CU(cudaEventElapsedTime(&ms, e0, e1));
            t[r] = (double)ms * 1e3 / (double)iters;
        }
        MPI_Allreduce(t, slowest, reps, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        qsort(slowest, (size_t)reps, sizeof(double), cmp);
        double median = reps % 2 ? slowest[reps / 2] : 0.5 * (slowest[reps / 2 - 1] + slowest[reps / 2]);
        if (rank == 0)
            printf("%zu %.6f\n", count * sizeof(float), median);
    }
    free(t);
    free(slowest);
    cudaFree(send);
    cudaFree(recv);
    ncclCommDestroy(comm);
    MPI_Comm_free(&node);
    MPI_Finalize();
    return 0;
}
