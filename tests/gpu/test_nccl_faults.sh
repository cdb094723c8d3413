#!/bin/sh
# The NCCL engine's check against a faulty NCCL, without a GPU: tests/gpu/nccl_fake_run runs
# the real engine (src/cuda/gpu_coll.c) through the real harness on a fake CUDA and NCCL
# (tests/gpu/fake_cuda_nccl.h) at np 2 and 4, every collective, type, op and placement at
# 256 B and 32 KiB. A correct library: every #wrong 0, every rank exits 0. Each fault (an
# output left untouched after correct timed calls, reductions through half precision, rank 1's
# data skipped, rank 0's counted twice, blocks delivered to the wrong rank), at 32 KiB only:
# every rank exits 3, the rows the fault reaches are wrong, all others right (nccl_fake_run
# judges each row), and the failing rows are the 32 KiB ones. Two ranks that report one GPU:
# a usage error (2) on every rank.
. "$WB_SRCDIR/tests/lib/common.sh"
run=$WB_BUILDDIR/tests/gpu/nccl_fake_run
[ -x "$run" ] || { fail "$run not built"; finish; }

# fake NP TAG FAULT: the run on NP ranks with WB_FAULT=FAULT from 4 KiB up, each rank's exit
# code kept (tests/cli/rank_rc.sh), rank 0's rows in TAG.out.
fake() {
    mkdir -p "$scratch/$2.rc"
    WB_FAULT=$3 WB_FAULT_MIN_BYTES=4096 WB_RC_DIR="$scratch/$2.rc" timeout -k 5 "$wb_limit" \
        "$MPIRUN" -q -np "$1" --oversubscribe --mca orte_abort_on_non_zero_status 0 \
        -x WB_RC_DIR -x WB_FAULT -x WB_FAULT_MIN_BYTES \
        sh "$WB_SRCDIR/tests/cli/rank_rc.sh" "$run" > "$scratch/$2.out" 2>&1
    grep -v '^wrong:' "$scratch/$2.out"
}

for np in 2 4; do
    fake "$np" "clean$np" none
    expect_each "$np" "clean$np" 0
    # untouched:9: the timed calls of the first faulted row still work, its check does not.
    for fault in untouched:9 half drop1 double0 wrongblock; do
        tag=$(echo "$fault$np" | tr -c 'a-z0-9\n' _)
        fake "$np" "$tag" "$fault"
        expect_each "$np" "$tag" 3
        grep -q '^wrong: .* 32768 B:' "$scratch/$tag.out" ||
            fail "$fault at np $np: no row at 32768 B shows wrong elements"
        ! grep '^wrong:' "$scratch/$tag.out" | grep -qv ' 32768 B:' ||
            fail "$fault at np $np: a row other than 32768 B shows wrong elements"
    done
    fake "$np" "samegpu$np" samegpu
    expect_each "$np" "samegpu$np" 2
    grep -q "one GPU per rank" "$scratch/samegpu$np.out" ||
        fail "samegpu at np $np: no error line about one GPU per rank"
done
finish
