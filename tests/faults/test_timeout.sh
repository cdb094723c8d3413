#!/bin/sh
# No hang when a rank stops answering: with rank 1 SIGSTOPped in the middle of the arrays
# suite (after the collectives finished) and --timeout 4, the job ends within the timeout
# plus 30 s, exit 1; rank 0 says which operation did not finish; the collectives tables
# are in NAME-incomplete.h5 (complete 0, verdict INCOMPLETE, exit_status 1; rank 1's raw
# rows NaN), and nothing is under the final name. The same run with --timeout 0 hangs
# until the test's own limit: the watchdog is what ends the first one.
. "$WB_SRCDIR/tests/lib/common.sh"

# run TIMEOUT OUT: the run in the background; sets launcher and victim (rank 1's pid)
run() {
    timeout -k 5 "$3" "$MPIRUN" -q -np 2 --oversubscribe "$WAVEBENCH" --suite collectives,arrays \
        -c allreduce,allgather -e 64K -R 6 --array-size 4M --array-repetitions 100000 \
        --ops sum --serial-baseline=false --timeout "$1" --output-dir "$scratch" --output "$2.h5" > "$scratch/$2.out" 2>&1 &
    launcher=$!
    # The collectives' tables are printed when their suite ends: then the arrays run.
    for _ in $(seq 1 120); do
        grep -q "# allgather, MPI" "$scratch/$2.out" 2> /dev/null && break
        sleep 0.25
    done
    victim=$(for p in $(pgrep -x wavebench); do
        { tr '\0' '\n' < /proc/"$p"/environ | grep -qx "OMPI_COMM_WORLD_RANK=1" &&
            tr '\0' ' ' < /proc/"$p"/cmdline | grep -q -- "--output $2.h5" && echo "$p"; } 2> /dev/null
        done)
}

start=$(date +%s)
run 4 stopped 60
[ -n "$victim" ] || { fail "rank 1 not found"; finish; }
sleep 1
kill -STOP "$victim"
wait "$launcher"
rc=$?
elapsed=$(($(date +%s) - start))
kill -CONT "$victim" 2> /dev/null
[ "$rc" = 1 ] || fail "exit $rc, not 1: $(tail -3 "$scratch/stopped.out")"
[ "$elapsed" -le 34 ] || fail "the job ended after $elapsed s, more than the timeout + 30 s"
# The stop lands in an operation or between two (set-up, the bound probe): either is named.
grep -Eq "^wavebench: error: rank 0: timeout: (arrays sum on 4194304 double elements \(2 ranks\)|the arrays suite \(between its measurements\)) did not finish within 4 s" \
    "$scratch/stopped.out" || fail "no timeout line naming the operation: $(grep timeout "$scratch/stopped.out")"
[ -e "$scratch/stopped.h5" ] && fail "a results file appeared under the final name"
f="$scratch/stopped-incomplete.h5"
if [ -f "$f" ]; then
    /usr/bin/python3 - "$f" << 'PY' || fail "partial file wrong"
import math, sys, h5py
f = h5py.File(sys.argv[1], "r")
text = lambda v: v.decode() if isinstance(v, bytes) else str(v)
problems = []
if (int(f.attrs["complete"]), int(f.attrs["exit_status"]), text(f.attrs["verdict"])) != (0, 1, "INCOMPLETE"):
    problems.append(f"complete {f.attrs['complete']}, exit_status {f.attrs['exit_status']}, verdict {text(f.attrs['verdict'])}")
tables = text(f.attrs["tables"]).split(",")
if tables != ["collectives/allreduce", "collectives/allgather"]:
    problems.append(f"tables {tables}")
for t in tables:
    g = f[t]
    if len(g["size"]) == 0 or any(v != 0 for v in g["oop_wrong"][:]):
        problems.append(f"{t}: rows {len(g['size'])}, wrong {list(g['oop_wrong'][:])}")
    raw = g["oop_time_raw"][:]
    if not all(math.isfinite(v) for v in raw[0].flat) or not all(math.isnan(v) for v in raw[1].flat):
        problems.append(f"{t}: raw rows not rank 0's measured and rank 1's NaN")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
    "$WAVEBENCH" report "$f" > "$scratch/report.txt" 2>&1 || fail "report of the partial file: exit $?"
    grep -q "# verdict: INCOMPLETE (exit 1, incomplete)" "$scratch/report.txt" ||
        fail "report: $(tail -2 "$scratch/report.txt")"
else
    fail "no partial results file: $(ls "$scratch")"
fi

# Without the watchdog the same stop hangs the job: the limit (20 s) ends it, not wavebench.
start=$(date +%s)
run 0 hung 20
if [ -n "$victim" ]; then
    sleep 1
    kill -STOP "$victim"
    wait "$launcher"
    rc=$?
    kill -CONT "$victim" 2> /dev/null
    [ "$rc" = 124 ] || [ "$rc" = 137 ] || fail "--timeout 0: exit $rc, not the limit's (the check cannot fail?)"
    [ -e "$scratch/hung-incomplete.h5" ] && fail "--timeout 0 wrote a partial file"
else
    fail "rank 1 of the --timeout 0 run not found"
fi
finish
