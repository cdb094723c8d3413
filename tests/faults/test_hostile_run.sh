#!/bin/sh
# A hostile or careless user against the main run (issue 18): planted symlinks, stop signals
# inside every suite and of every kind, paths that cannot work, empty and oversized sweeps,
# runs racing for one name, ranks that read different configurations. Each check failed on
# the code before its fix.
. "$WB_SRCDIR/tests/lib/common.sh"
cd "$scratch" || exit 1
py=/usr/bin/python3

# ranks_of TAG: the pids of the wavebench ranks writing TAG.h5.
ranks_of() {
    pgrep -f "output $1.h5" | while read -r p; do
        [ "$(cat /proc/"$p"/comm 2>/dev/null)" = wavebench ] && echo "$p"; done
}

# signal_run TAG SIGNAL DELAY ARGS...: a 2-rank run tagged TAG, SIGNAL to every rank after
# DELAY seconds; leaves the exit code in TAG.rc and the seconds from signal to exit in TAG.s.
signal_run() {
    tag=$1 sig=$2 delay=$3
    shift 3
    wb_mpi 2 --quiet --output "$tag.h5" "$@" > "$tag.out" 2> "$tag.err" &
    launcher=$!
    sleep "$delay"
    pids=$(ranks_of "$tag")
    [ -n "$pids" ] || fail "$tag: no wavebench processes found (finished before the signal?)"
    t0=$(date +%s)
    # shellcheck disable=SC2086
    kill -"$sig" $pids 2>/dev/null
    wait "$launcher"
    echo $? > "$tag.rc"
    echo $(($(date +%s) - t0)) > "$tag.s"
}

# verdict FILE: the results file's verdict, exit_status and complete, one line.
verdict() {
    $py -c "
import h5py, sys
f = h5py.File(sys.argv[1], 'r')
a = f.attrs
print(a['verdict'].decode(), int(a['exit_status']), int(a['complete']), ' '.join(sorted(f.keys())))" "$1"
}

# ---- 5: a stop inside the arrays suite, and inside one long collective size
signal_run arrays TERM 3 --suite arrays,pinn --array-size 4000000 --array-repetitions 400 \
    --pinn-iters 50
[ "$(cat arrays.rc)" = 4 ] || fail "TERM during arrays: exit $(cat arrays.rc), not 4: $(cat arrays.err)"
v=$(verdict arrays.h5) || fail "TERM during arrays: no readable results file"
case $v in "INCOMPLETE 4 0 "*) ;; *) fail "TERM during arrays: file says '$v'" ;; esac
case $v in *pinn*) fail "TERM during arrays: the pinn suite ran after the stop" ;; esac
grep -q "stop requested (SIGTERM) during" arrays.err || fail "TERM during arrays: no line naming the stop: $(cat arrays.err)"

signal_run longsize TERM 3 --suite collectives --coll allreduce -b 32M -e 32M --repetitions 2000
[ "$(cat longsize.rc)" = 4 ] || fail "TERM in a long collective size: exit $(cat longsize.rc), not 4"
[ "$(cat longsize.s)" -le 15 ] || fail "TERM in a long collective size: took $(cat longsize.s) s to stop"
case $(verdict longsize.h5) in "INCOMPLETE 4 0 "*) ;; *) fail "long size: file says '$(verdict longsize.h5)'" ;; esac

# ---- 7: SIGUSR1 (Slurm's --signal warning), SIGHUP: a stop with checkpoint, no leftovers
for sig in USR1 HUP; do
    signal_run "sig$sig" "$sig" 3 --suite pinn --width 24 --depth 2 --interior-points 2048 \
        --pinn-iters 1000000 --log-every 1
    [ "$(cat "sig$sig.rc")" = 4 ] || fail "SIG$sig: exit $(cat "sig$sig.rc"), not 4"
    grep -q "stop requested (SIG$sig)" "sig$sig.err" || fail "SIG$sig: no line: $(cat "sig$sig.err")"
    [ -f "sig$sig.ckpt.h5" ] || fail "SIG$sig: no checkpoint"
done
ls ./*partial* > /dev/null 2>&1 && fail "temporary files left behind: $(ls ./*partial*)"

# ---- 1: a symlink planted at the final name or at the old temporary name is never followed
echo precious > victim
ln -s "$scratch/victim" planted.h5
ln -s "$scratch/victim" old.h5.partial
wb_mpi 2 --suite collectives -e 1K --quiet --output old.h5 2> old.err || fail "planted .partial: exit $?: $(cat old.err)"
wb_mpi 2 --suite collectives -e 1K --quiet --output planted.h5 --overwrite 2> planted.err &&
    fail "a symlink as the results file was accepted"
[ "$(cat victim)" = precious ] || fail "the symlink's target was written"
[ -L planted.h5 ] || fail "the planted symlink was replaced"

# ---- 8: paths that cannot work are refused before any work (exit 2, no results)
for args in "--checkpoint /nonexistent/dir/ck.h5" "--checkpoint $scratch" "--output ." \
    "--output .." "--checkpoint ./same.h5 --output same.h5"; do
    # shellcheck disable=SC2086
    wb_mpi_each 2 paths --suite pinn --pinn-iters 100000 $args 2> paths.err
    expect_each 2 paths 2
    [ "$(grep -c 'wavebench: error' paths.err)" = 1 ] || fail "$args: not one error line: $(cat paths.err)"
done
[ -e same.h5 ] && fail "a refused run left a results file"
# 14: a FIFO as --resume would hang every rank in its open
mkfifo resume.fifo
wb_mpi_each 2 fifo --suite pinn --resume resume.fifo 2> fifo.err
expect_each 2 fifo 2
grep -q "resume: '.*' is not a regular file" fifo.err || fail "FIFO as --resume: $(cat fifo.err)"

# ---- 9: a sweep with nothing to measure writes a valid file; sizes beyond MPI's counts are
# refused before anything is allocated
wb_mpi 4 --suite collectives -e 8 --quiet --output tiny.h5 2> tiny.err || fail "np 4 -e 8: exit $?: $(cat tiny.err)"
$py -c "
import h5py
f = h5py.File('tiny.h5', 'r')
assert len(f['collectives/reduce_scatter/size']) == 0 and len(f['collectives/allreduce/size']) == 1" ||
    fail "np 4 -e 8: empty and non-empty tables not as expected"
wb_mpi_each 2 huge --suite collectives -b 16G -e 16G 2> huge.err
expect_each 2 huge 2
grep -q "more than MPI's int counts allow" huge.err || fail "-e 16G: $(cat huge.err)"

# ---- 10: an existing results file is never overwritten unless asked; two runs racing for
# one name: exactly one takes it, the other's results are kept and it fails
wb_mpi 2 --suite collectives -e 1K --quiet --output taken.h5 || fail "first run: exit $?"
wb_mpi 2 --suite collectives -e 1K --quiet --output taken.h5 2> taken.err
[ $? = 2 ] || fail "a second run onto an existing file did not exit 2"
wb_mpi 2 --suite collectives -e 1K --quiet --output taken.h5 --overwrite || fail "--overwrite: exit $?"
mkdir race && cd race || exit 1
for k in 1 2; do
    (wb_mpi 2 --suite collectives -e 256K --quiet --output same.h5 2> "err.$k"; echo $? > "rc.$k") &
done
for k in 1 2; do
    (wb_mpi 1 --suite collectives -e 256K --quiet 2> "derr.$k"; echo $? > "drc.$k") &
done
wait
zeros=$(cat rc.1 rc.2 | grep -c '^0$')
[ "$zeros" = 1 ] || fail "two runs racing for one name: $zeros exited 0 ($(cat rc.1 rc.2 err.1 err.2))"
[ "$(ls same.h5* | wc -l)" = 2 ] || fail "racing runs: results lost ($(ls))"
cat drc.1 drc.2 | grep -qv '^0$' && fail "two default-named runs: $(cat derr.1 derr.2)"
[ "$(ls wavebench-*.h5 | wc -l)" = 2 ] || fail "two default-named runs did not give two files: $(ls)"
cd "$scratch" || exit 1

# ---- 17: how long each suite will take is said before its work, and progress never
# claims an ETA of nothing before it is done
WAVEBENCH_PROGRESS=plain wb_mpi 2 --suite collectives,arrays,pinn -e 1M --repetitions 6 \
    --array-size 1M --array-repetitions 6 \
    --width 24 --depth 2 --interior-points 2048 --pinn-iters 2000 --output eta.h5 > eta.out 2>&1 ||
    fail "estimate run: exit $?: $(tail -3 eta.out)"
first=$(grep -n "^# collectives" eta.out | head -n 1)
case $first in *"# collectives (world): about "*" for "*" measurements (probe: "*) ;;
    *) fail "no collectives estimate before the sweep: '$first'" ;; esac
grep -q "^# arrays: about .* GB/s per rank)" eta.out || fail "no arrays estimate"
grep -q "^# pinn wave1d: about .* more for [0-9]* iterations" eta.out || fail "no pinn estimate"
grep -v "100.0%" eta.out | grep -q "ETA 0.0s" && fail "an ETA of 0.0s before the end: $(grep 'ETA 0.0s' eta.out)"

# ---- 13: ranks that resolved different configurations stop at once, on every rank
mkdir -p mpmd.rc
timeout -k 5 "$wb_limit" "$MPIRUN" -q --oversubscribe --mca orte_abort_on_non_zero_status 0 \
    -np 1 -x WB_RC_DIR="$scratch/mpmd.rc" sh "$WB_SRCDIR/tests/cli/rank_rc.sh" "$WAVEBENCH" --suite collectives --repetitions 3 : \
    -np 1 -x WB_RC_DIR="$scratch/mpmd.rc" sh "$WB_SRCDIR/tests/cli/rank_rc.sh" "$WAVEBENCH" --suite collectives --repetitions 4 \
    2> mpmd.err
for r in 0 1; do
    [ "$(cat mpmd.rc/rc.$r 2>/dev/null)" = 2 ] || fail "different configurations: rank $r exited '$(cat mpmd.rc/rc.$r 2>/dev/null)', not 2"
done
grep -q "rank 1 resolved a different configuration .*\[collectives\] repetitions" mpmd.err ||
    fail "different configurations: no line naming the key: $(cat mpmd.err)"
finish
