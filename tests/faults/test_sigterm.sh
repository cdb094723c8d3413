#!/bin/sh
# SIGTERM during a run (Slurm preemption, spot interruption), sent to one rank only as
# well as to all: every rank finishes its step, a checkpoint and a results file marked
# incomplete are written, every rank exits 4; --resume continues, and the resumed fp64
# trajectory equals an uninterrupted one.
. "$WB_SRCDIR/tests/lib/common.sh"
check="/usr/bin/python3 $WB_SRCDIR/tests/mpi/check_pinn.py"
net="--suite pinn --width 24 --depth 2 --interior-points 2048 --initial-points 128 --boundary-points 128 --log-every 1 --eval-grid 8 --quiet --output-dir $scratch"
iters=4000

# run_and_signal TAG WHICH: starts a 2-rank run tagged TAG, signals rank WHICH (or "all")
# once it has trained for a while, waits, and leaves each rank's exit code in TAG.rc.R.
run_and_signal() {
    tag=$1
    # shellcheck disable=SC2086
    timeout -k 5 "$wb_limit" "$MPIRUN" -q -np 2 --oversubscribe sh -c \
        "exec \"$WAVEBENCH\" $net --pinn-iters $iters --output $tag.h5 --seed 7 --checkpoint-every 1000000 2>> $scratch/$tag.err; " \
        > "$scratch/$tag.out" 2>&1 &
    launcher=$!
    sleep 2
    pids=$(pgrep -f "output $tag.h5" | while read -r p; do
        [ "$(cat /proc/$p/comm 2>/dev/null)" = wavebench ] && echo "$p"; done)
    [ -n "$pids" ] || { fail "$tag: no wavebench processes found"; return; }
    if [ "$2" = all ]; then
        kill -TERM $pids
    else
        kill -TERM "$(echo "$pids" | sed -n "$(($2 + 1))p")"
    fi
    wait "$launcher"
    echo $? > "$scratch/$tag.rc"
}

run_and_signal one 1
[ "$(cat "$scratch/one.rc")" = 4 ] || fail "signal to one rank: launcher exit $(cat "$scratch/one.rc"), not 4: $(cat "$scratch/one.err")"
run_and_signal all all
[ "$(cat "$scratch/all.rc")" = 4 ] || fail "signal to all ranks: launcher exit $(cat "$scratch/all.rc"), not 4"
grep -q "stop requested" "$scratch/all.err" || fail "no message about the stop: $(cat "$scratch/all.err")"
[ -f "$scratch/all.h5" ] || fail "no results file after SIGTERM"
[ -f "$scratch/all.ckpt.h5" ] || fail "no checkpoint after SIGTERM"
/usr/bin/python3 -c "
import h5py, sys
f = h5py.File('$scratch/all.h5', 'r')
ok = f.attrs['complete'] == 0 and f.attrs['verdict'] == b'INCOMPLETE' and f.attrs['exit_status'] == 4
sys.exit(0 if ok and len(f['pinn/history/loss']) < $iters else 1)" || fail "results file not marked incomplete"

# Resume to the end and compare with an uninterrupted run.
# shellcheck disable=SC2086
wb_mpi 2 $net --pinn-iters $iters --seed 7 --resume "$scratch/all.ckpt.h5" --output rest.h5 ||
    fail "resume after SIGTERM: exit $?"
# shellcheck disable=SC2086
wb_mpi 2 $net --pinn-iters $iters --seed 7 --output whole.h5 || fail "uninterrupted run: exit $?"
$check resumed "$scratch/whole.h5" "$scratch/all.h5" "$scratch/rest.h5" ||
    fail "interrupted + resumed trajectory differs from the uninterrupted one"
finish
