#!/bin/sh
# PINN training on 1, 2 and 4 ranks: the fp64 loss trajectory does not depend on the rank
# count (relative difference below 1e-10 over 50 iterations), a checkpointed and resumed
# run follows the uninterrupted trajectory exactly, a NaN stops every rank with exit 1
# and keeps the last checkpoint, the results file holds every PINN table, the timing is
# steady-state (evaluation, checkpoints, warm-up left out; all-reduce wait apart from its
# transfer) and GFLOP/s is read against the BLAS bound measured in the run.
. "$WB_SRCDIR/tests/lib/common.sh"
check="/usr/bin/python3 $WB_SRCDIR/tests/mpi/check_pinn.py"
small="--suite pinn --width 16 --depth 2 --interior-points 512 --initial-points 64 --boundary-points 64 --log-every 1 --eval-grid 16 --quiet"

for problem in wave1d wave2d; do
    for np in 1 2 4; do
        # shellcheck disable=SC2086
        wb_mpi "$np" $small --problem $problem --pinn-iters 50 --output-dir "$scratch" \
            --output "$problem-np$np.h5" || fail "$problem np $np: exit $?"
    done
    $check same "$scratch/$problem-np1.h5" "$scratch/$problem-np2.h5" "$scratch/$problem-np4.h5" ||
        fail "$problem: trajectory depends on the rank count"
    $check structure "$scratch/$problem-np2.h5" 2 || fail "$problem: results file incomplete"
done

# Hard constraints and resampling run too, and stay rank-count independent.
for np in 1 2; do
    # shellcheck disable=SC2086
    wb_mpi "$np" $small --hard-constraints --resample-every 10 --pinn-iters 30 --output-dir "$scratch" \
        --output "hard-np$np.h5" || fail "hard np $np: exit $?"
done
$check same "$scratch/hard-np1.h5" "$scratch/hard-np2.h5" || fail "hard constraints: trajectory depends on ranks"

# Checkpoint at iteration 20 and resume to 40 equals 40 iterations in one go.
# shellcheck disable=SC2086
wb_mpi 2 $small --pinn-iters 40 --output-dir "$scratch" --output whole.h5 || fail "whole run: exit $?"
# shellcheck disable=SC2086
wb_mpi 2 $small --pinn-iters 20 --output-dir "$scratch" --output first.h5 || fail "first half: exit $?"
[ -f "$scratch/first.ckpt.h5" ] || fail "no checkpoint beside first.h5"
# shellcheck disable=SC2086
wb_mpi 2 $small --pinn-iters 40 --resume "$scratch/first.ckpt.h5" --output-dir "$scratch" \
    --output second.h5 || fail "resumed half: exit $?"
$check resumed "$scratch/whole.h5" "$scratch/first.h5" "$scratch/second.h5" ||
    fail "resumed trajectory differs from the uninterrupted one"

# Resuming a different network is a usage error.
# shellcheck disable=SC2086
wb_mpi 2 $small --width 8 --pinn-iters 40 --resume "$scratch/first.ckpt.h5" --output-dir "$scratch" \
    --output other.h5 2> "$scratch/err.txt"
[ $? -eq 2 ] && grep -q "width" "$scratch/err.txt" || fail "resuming another network: not a clear exit 2"

# NaN on rank 1 at iteration 15, checkpoints every 10: every rank exits 1, the checkpoint
# of iteration 10 stays, and no results file appears.
# shellcheck disable=SC2086
wb_mpi_each 4 nan $small --pinn-iters 40 --checkpoint-every 10 --debug-corrupt-rank 1 \
    --debug-nan-iteration 15 --output-dir "$scratch" --output nan.h5 2> "$scratch/nan.err"
expect_each 4 nan 1
[ "$(grep -c . "$scratch/nan.err")" -eq 1 ] && grep -q "not finite at iteration 15" "$scratch/nan.err" ||
    fail "NaN run: not one clear error line: $(cat "$scratch/nan.err")"
[ -f "$scratch/nan.h5" ] && fail "NaN run left a results file"
/usr/bin/python3 -c "
import h5py, sys
f = h5py.File('$scratch/nan.ckpt.h5', 'r')
sys.exit(0 if f.attrs['iteration'] == 10 else 1)" || fail "NaN run: checkpoint of iteration 10 not intact"

# Steady-state timing: an evaluation on a large grid and a checkpoint every iteration stay
# out of the iteration time (each has its own figure), and the warm-up iterations are left
# out and counted; a short run keeps one timed iteration.
# shellcheck disable=SC2086
wb_mpi 2 --suite pinn --width 16 --depth 2 --interior-points 64 --initial-points 16 \
    --boundary-points 16 --eval-grid 256 --eval-every 1 --checkpoint-every 1 --pinn-warmup 3 \
    --pinn-iters 20 --quiet --output-dir "$scratch" --output events.h5 || fail "events run: exit $?"
$check events "$scratch/events.h5" 3 || fail "evaluation or checkpoints inside the iteration time"
# shellcheck disable=SC2086
wb_mpi 2 $small --pinn-iters 2 --output-dir "$scratch" --output short.h5 || fail "short run: exit $?"
counts=$(/usr/bin/python3 -c "import h5py; s = h5py.File('$scratch/short.h5')['pinn/summary']
print(int(s['warmup_iters'][0]), int(s['timed_iters'][0]))")
[ "$counts" = "1 1" ] || fail "2 iterations: warm-up and timed $counts, not 1 1"

# Imbalance: rank 1 sleeps 30 ms before each all-reduce; rank 0's time there is waiting
# (allreduce_wait), not transfer (allreduce_transfer, the last rank's all-reduce).
# shellcheck disable=SC2086
wb_mpi 2 $small --pinn-iters 15 --debug-corrupt-rank 1 --debug-sleep-ms 30 --output-dir "$scratch" \
    --output sleep.h5 || fail "sleep run: exit $?"
$check split "$scratch/sleep.h5" 30 || fail "all-reduce wait and transfer not split"

# Time to accuracy: evaluations every 50 iterations; the target 0.9 (reached early here)
# ends training there; every level's first evaluation below it is in the file.
# shellcheck disable=SC2086
wb_mpi 2 $small --pinn-iters 3000 --eval-every 50 --target-rel-l2 0.9 --output-dir "$scratch" \
    --output tta.h5 || fail "target run: exit $?"
$check accuracy "$scratch/tta.h5" 0.9 50 3000 || fail "time to accuracy wrong"
# A target never reached within the iterations, judged by --max-rel-l2: exit 3.
# shellcheck disable=SC2086
wb_mpi 2 $small --pinn-iters 100 --eval-every 50 --target-rel-l2 1e-6 --max-rel-l2 1e-6 \
    --output-dir "$scratch" --output missed.h5
rc=$?
[ "$rc" = 3 ] || fail "target missed with --max-rel-l2: exit $rc, not 3"
# A target needs evaluations: refused before any work.
# shellcheck disable=SC2086
wb_mpi 2 $small --target-rel-l2 0.1 --output-dir "$scratch" --output none.h5 2> "$scratch/none.err"
rc=$?
[ "$rc" = 2 ] && grep -q "target_rel_l2: .* eval_every is 0" "$scratch/none.err" ||
    fail "target without eval_every: exit $rc, $(cat "$scratch/none.err")"

# threads = auto follows the rank's affinity mask: bound to one CPU, one thread; unbound
# (one rank), every online CPU. The resolved count is in the file.
threads() { # FILE: the summary's threads attribute
    /usr/bin/python3 -c "import h5py; print(int(h5py.File('$1')['pinn/summary'].attrs['threads']))"
}
# shellcheck disable=SC2086
taskset -c 0 "$WAVEBENCH" $small --pinn-iters 2 --output-dir "$scratch" --output bound.h5 ||
    fail "bound run: exit $?"
[ "$(threads "$scratch/bound.h5")" = 1 ] || fail "bound to one CPU: $(threads "$scratch/bound.h5") threads, not 1"
# shellcheck disable=SC2086
"$WAVEBENCH" $small --pinn-iters 2 --output-dir "$scratch" --output free.h5 || fail "unbound run: exit $?"
[ "$(threads "$scratch/free.h5")" = "$(nproc)" ] ||
    fail "unbound single rank: $(threads "$scratch/free.h5") threads, not $(nproc)"
finish
