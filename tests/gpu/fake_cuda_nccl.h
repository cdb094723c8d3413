/* tests/gpu: a fake CUDA runtime and NCCL on the host (fake_cuda_nccl.c), so that the real
 * NCCL engine of the collectives (src/cuda/gpu_coll.c) runs, under the real harness, on a
 * machine without a GPU, against a library that can be made to lie.
 *
 * Device memory is host memory; streams and events are synchronous (an operation is done
 * when its call returns; events read MPI_Wtime); each rank sees one device, its own PCI bus
 * id; the collective launchers run coll_data.h's host fill and check. NCCL's calls are done
 * with MPI on those buffers, with NCCL's conventions checked: counts in elements, every
 * pointer inside one allocation, the in-place forms (sendbuff == recvbuff, or the rank's
 * block of it) the only overlap allowed, send/recv only within a group; a violation returns
 * ncclInvalidArgument or ncclInvalidUsage, which the engine turns into an abort.
 *
 * WB_FAULT selects a fault, as tests/faults/faulty_mpi.c does for MPI:
 *   untouched:K  after the first K faulted calls, a call returns ncclSuccess and writes nothing
 *   half         float and double reductions through half precision (11 significant bits),
 *                every contribution and partial result rounded
 *   drop1        rank 1's data skipped: left out of every reduction, its block of allgather
 *                and alltoall and its broadcast as root never delivered
 *   double0      rank 0's contribution counted twice in sums
 *   wrongblock   blocks delivered to the wrong rank: block q of allgather and alltoall from
 *                rank q + 1, reduce_scatter's rank r given block r + 1 (mod the ranks)
 *   samegpu      every rank reports the PCI bus id of rank 0's device
 * Unset or "none": a correct library. Only calls of at least WB_FAULT_MIN_BYTES bytes (the
 * larger of the call's send and receive data on this rank, a group's sends together; default
 * 0) are faulted or counted, so that the failing sizes of a sweep can be told apart. */
#ifndef WB_TEST_FAKE_CUDA_NCCL_H
#define WB_TEST_FAKE_CUDA_NCCL_H

#include <stddef.h>

enum fake_fault_kind {
    FAKE_NONE,
    FAKE_UNTOUCHED,
    FAKE_HALF,
    FAKE_DROP1,
    FAKE_DOUBLE0,
    FAKE_WRONGBLOCK,
    FAKE_SAMEGPU,
    FAKE_BAD /* WB_FAULT names no fault */
};

struct fake_fault {
    enum fake_fault_kind kind;
    long after;       /* untouched: the calls that still work */
    size_t min_bytes; /* WB_FAULT_MIN_BYTES */
};

/* The fault of this process, read from the environment once. */
const struct fake_fault *fake_fault(void);

#endif
