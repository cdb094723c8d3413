#!/bin/sh
# Stragglers across a test bed of 2 nodes x 1 rank: with node2's processes in a cgroup that
# gives them a tenth of a CPU (1 ms of every 10: a period short enough that a
# millisecond's operation is throttled, not run whole between throttles), the arrays and
# PINN tables name rank 1 on node2 as the slowest rank, over 1.25x the average rank (of
# two ranks: node2's own work at least 1.7x node1's; tables' attributes slowest,
# slowest_rank, slowest_ratio). The check is shown to fail when it expects the other node.
cl_limit=150
# shellcheck source=tests/cluster/lib.sh
. "$WB_SRCDIR/tests/cluster/lib.sh"
bed="$scratch/bed"
# A CPU quota: cgroup v1's cpu controller, or v2's cpu.max.
if [ -d /sys/fs/cgroup/cpu ] && [ -e /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
    cg=/sys/fs/cgroup/cpu/wb-straggler-$$
    mkdir "$cg" 2> /dev/null && echo 10000 > "$cg/cpu.cfs_period_us" &&
        echo 1000 > "$cg/cpu.cfs_quota_us" || { echo "SKIP: cannot make a cpu cgroup at $cg"; exit 77; }
else
    cg=/sys/fs/cgroup/wb-straggler-$$
    mkdir "$cg" 2> /dev/null && echo "1000 10000" > "$cg/cpu.max" ||
        { echo "SKIP: cannot make a cgroup with cpu.max at $cg"; exit 77; }
fi
# The bed's clean-up runs at exit; the cgroup goes once its processes have.
trap 'cl_cleanup; rmdir "$cg" 2> /dev/null' EXIT
cl_start "$bed" 2 1
echo "$cg/cgroup.procs" > "$bed/cgroup.node2"

check() { # FILE TABLE HOST: TABLE names rank 1 on HOST, over 1.25x the average
    /usr/bin/python3 - "$@" << 'PY'
import sys, h5py
path, table, host = sys.argv[1:]
a = h5py.File(path, "r")[table].attrs
text = lambda v: v.decode() if isinstance(v, bytes) else str(v)
slowest, rank, ratio = text(a.get("slowest", "")), a.get("slowest_rank", -1), a.get("slowest_ratio", 0)
print(f"{table}: slowest {slowest}")
if f" on {host} " not in slowest or int(rank) != 1 or not ratio > 1.25:
    sys.exit(f"{table}: slowest '{slowest}', rank {rank}, ratio {ratio}: not rank 1 on {host} over 1.25x")
PY
}

cl_mpi "$bed" 2 "$WAVEBENCH" --suite arrays,pinn --quiet --array-size 8M --array-repetitions 6 \
    --ops sum,add,scale --width 32 --depth 2 --interior-points 8192 --pinn-iters 20 --threads 1 \
    --output-dir "$scratch" --output slow.h5 || fail "run with node2 slowed: exit $?"
f="$scratch/slow.h5"
if [ -f "$f" ]; then
    for t in arrays/ops pinn/summary; do
        check "$f" "$t" node2 || fail "$t does not name node2 as the straggler"
    done
    check "$f" arrays/ops node1 > /dev/null 2>&1 && fail "the straggler check accepts node1"
    "$WAVEBENCH" report "$f" > "$scratch/report.txt" || fail "report: exit $?"
    grep -q "slowest  *: rank 1 on node2" "$scratch/report.txt" || fail "report: no slowest line"
else
    fail "no results file"
fi
finish
