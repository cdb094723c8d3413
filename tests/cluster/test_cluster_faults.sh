#!/bin/sh
# No hang across nodes (2 nodes x 1 rank, --timeout 5): node2's link set down in the middle
# of a collectives sweep, and every process of node2 killed in the middle of a run. Each
# job ends within the timeout + 30 s, with a failure; with the link down, rank 0 names the
# operation that did not finish and leaves the tables finished so far in
# NAME-incomplete.h5 (complete 0), nothing under the final name.
cl_limit=150
# shellcheck source=tests/cluster/lib.sh
. "$WB_SRCDIR/tests/cluster/lib.sh"
bed="$scratch/bed"
cl_start "$bed" 2 1
# shellcheck source=/dev/null  # written by vcluster.sh start
prefix=$(. "$bed/env" && echo "$VCLUSTER_NETNS_PREFIX")
node2_uts=$(stat -L -c %i "$bed/uts/node2")

# start NAME: a long collectives sweep across the bed, in the background (pid in launcher)
start() {
    cl_mpi "$bed" 2 "$WAVEBENCH" --suite collectives --quiet -c allreduce,allgather -e 1M -R 200 \
        --timeout 5 --output-dir "$scratch" --output "$1.h5" > "$scratch/$1.out" 2>&1 &
    launcher=$!
    t0=$(date +%s)
    sleep 6 # past start-up and the first table
}

# ended WHAT NAME: the job of start NAME ended, with a failure, within the timeout + 30 s of
# the fault, and left nothing under the final name.
ended() {
    wait "$launcher"
    rc=$?
    took=$(($(date +%s) - t0 - 6))
    echo "$1: exit $rc after $took s"
    [ "$rc" != 0 ] || fail "$1: the job succeeded"
    [ "$took" -le 35 ] || fail "$1: the job ended $took s after the fault (timeout 5 + 30)"
    [ -e "$scratch/$2.h5" ] && fail "$1: a results file under the final name"
}

start linkdown
ip netns exec "$prefix-node2" ip link set eth0 down || fail "cannot set node2's link down"
ended "link down" linkdown
grep -q "^wavebench: error: rank 0: timeout: collectives .* did not finish within 5 s" "$scratch/linkdown.out" ||
    fail "link down: no timeout line from rank 0: $(head -3 "$scratch/linkdown.out")"
/usr/bin/python3 -c "
import sys, h5py
f = h5py.File(sys.argv[1], 'r')
assert int(f.attrs['complete']) == 0 and int(f.attrs['localities']) == 2, 'not an incomplete 2-node file'
" "$scratch/linkdown-incomplete.h5" || fail "link down: no partial results file"
ip netns exec "$prefix-node2" ip link set eth0 up

start killed
victims=$(for p in $(pgrep -x wavebench) $(pgrep -x orted); do
    [ "$(readlink "/proc/$p/ns/uts" 2> /dev/null)" = "uts:[$node2_uts]" ] && echo "$p"; done)
[ -n "$victims" ] || fail "no process of node2 found"
# shellcheck disable=SC2086  # a list of pids
kill -KILL $victims
ended "node2 killed" killed
finish
