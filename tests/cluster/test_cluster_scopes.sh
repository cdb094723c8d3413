#!/bin/sh
# The collectives' scopes across a test bed of 2 nodes x 2 ranks whose link between the
# nodes is shaped to a known rate with tc (tbf on each node's eth0, both directions):
# world, intra (each node's ranks, both nodes at once) and inter (one rank per node) are
# apart in the file, with the right group sizes and only the inter scope's members timed;
# the inter broadcast's bus bandwidth at 8 MiB is 0.8-1.05 of the shaped rate (the
# ground truth: the benchmark measures the network it says it measures) and its link_frac
# column that ratio, while the intra figures stay above twice the link (shared memory,
# untouched by the shaping). The check is shown to fail on a rate the link does not have.
# A scope that does not fit the layout is refused on every rank (exit 2) before any work.
cl_limit=170
# shellcheck source=tests/cluster/lib.sh
. "$WB_SRCDIR/tests/cluster/lib.sh"
command -v tc > /dev/null || { echo "SKIP: tc (iproute2) missing"; exit 77; }
bed="$scratch/bed"
cl_start "$bed" 2 2
# shellcheck source=/dev/null  # written by vcluster.sh start
prefix=$(. "$bed/env" && echo "$VCLUSTER_NETNS_PREFIX")
rate_mbit=400
for k in 1 2; do
    # burst: at least the rate's bytes per kernel tick (HZ 100..1000), or tbf runs below it.
    ip netns exec "$prefix-node$k" tc qdisc add dev eth0 root tbf rate ${rate_mbit}mbit \
        burst 256kb latency 100ms || { fail "tc tbf on node$k"; finish; }
done
gbps=$(awk "BEGIN { print $rate_mbit / 1000 }")

t0=$(date +%s)
cl_mpi "$bed" 4 "$WAVEBENCH" --suite collectives --quiet -c allreduce,broadcast -d float \
    -o sum,max -b 128 -e 8M -f 16 -w 1 -n 2 -R 6 --scopes world,intra,inter --link-gbps "$gbps" \
    --output-dir "$scratch" --output scopes.h5 || fail "scopes run: exit $?"
echo "scopes run across 2 nodes: $(($(date +%s) - t0)) s"
f="$scratch/scopes.h5"
if [ -f "$f" ]; then
    $check_cluster scopes "$f" "$gbps" || fail "scopes: tables or the shaped link's figures wrong"
    # A link of twice the rate is not what was measured: the ground-truth check can fail.
    $check_cluster scopes "$f" "$(awk "BEGIN { print 2 * $gbps }")" > "$scratch/twice.txt" &&
        fail "the ground-truth check accepts a link of twice the shaped rate"
    grep -q "collectives-inter/broadcast: busbw" "$scratch/twice.txt" ||
        fail "the ground-truth check did not name the inter broadcast: $(head -2 "$scratch/twice.txt")"
    /usr/bin/python3 "$WB_SRCDIR/tests/mpi/check_results.py" "$f" 4 ||
        fail "scopes: the world tables inconsistent"
    "$WAVEBENCH" report "$f" > "$scratch/report.txt" || fail "report of the scopes file: exit $?"
    for want in "allreduce, MPI, host buffers, intra: 2 ranks within each of 2 localities at once" \
        "broadcast, MPI, host buffers, inter: 1 rank on each of 2 localities" "link_gbps"; do
        grep -qF -- "$want" "$scratch/report.txt" || fail "report: no '$want'"
    done
else
    fail "scopes: no results file"
fi

# 3 ranks on 2 nodes (2 + 1): the intra groups would differ; a root outside the inter scope.
for args in "3|--scopes intra|intra needs the same number of ranks" \
    "4|--scopes inter -r 3|is not a rank of the inter scope"; do
    np=${args%%|*} rest=${args#*|}
    opts=${rest%%|*} want=${rest#*|}
    # shellcheck disable=SC2086  # $opts is a list of words
    cl_mpi "$bed" "$np" "$WAVEBENCH" --suite collectives $opts --output-dir "$scratch" \
        --output refused.h5 > "$scratch/refused.txt" 2>&1
    rc=$?
    [ "$rc" = 2 ] || fail "'$opts' on $np ranks: exit $rc, not 2"
    [ "$(grep -c "^wavebench: error: .*$want" "$scratch/refused.txt")" -ge 1 ] ||
        fail "'$opts': no error line '$want': $(head -3 "$scratch/refused.txt")"
    [ -e "$scratch/refused.h5" ] && fail "'$opts': a results file was written"
done
finish
