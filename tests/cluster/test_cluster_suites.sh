#!/bin/sh
# Every suite across the nodes of a test bed (scripts/vcluster.sh) on this machine, on
# 2 nodes x 2 ranks and 3 nodes x 1 rank: the results file records the nodes (localities,
# hostnames, ranks per locality), and every answer equals that of a one-node run of the
# same configuration (collectives and arrays: no wrong value, identical exact-answer
# columns; PINN fp64: the loss trajectory to 1e-10 relative). Each check is also shown to
# fail on a run it must refuse.
cl_limit=150
# shellcheck source=tests/cluster/lib.sh
. "$WB_SRCDIR/tests/cluster/lib.sh"
check_pinn="/usr/bin/python3 $WB_SRCDIR/tests/mpi/check_pinn.py"
# Small: about 10 s a run on a loaded 2-core machine. --threads 1: each node would count
# all of this machine's cores as its own and oversubscribe them.
pinn="--precision fp64 --width 16 --depth 2 --interior-points 512 --initial-points 64
 --boundary-points 64 --pinn-iters 40 --log-every 1 --eval-grid 16 --threads 1"
run="--suite collectives,arrays,pinn --quiet $pinn
 -b 8 -e 64K -f 8 -w 1 -n 3 -R 3 -d int32,double -o sum,max
 --array-size 100003 --array-datatype float,double --array-warmup 1 --array-repetitions 3
 --slice-start 5 --slice-step 3"
here=$(hostname)

# name|nodes|ranks per node|expected host of each rank (Open MPI fills a node's slots first)
configs="2x2|2|2|node1 node1 node2 node2
3x1|3|1|node1 node2 node3"

while IFS='|' read -r name nodes per hosts; do
    np=$((nodes * per))
    bed="$scratch/bed-$name"
    t0=$(date +%s)
    cl_start "$bed" "$nodes" "$per"
    # shellcheck disable=SC2086  # $run and $hosts are lists of words
    cl_mpi "$bed" "$np" "$WAVEBENCH" $run --output-dir "$scratch" --output "$name.h5" ||
        fail "$name across nodes: exit $?"
    t1=$(date +%s)
    # shellcheck disable=SC2086
    cl_local "$np" "$WAVEBENCH" $run --output-dir "$scratch" --output "$name-one.h5" ||
        fail "$name on one node: exit $?"
    t2=$(date +%s)
    sh "$vcluster" stop "$bed" || fail "$name: vcluster.sh stop failed"
    echo "$name: across $nodes nodes $((t1 - t0)) s, on one node $((t2 - t1)) s"
    if ! [ -f "$scratch/$name.h5" ] || ! [ -f "$scratch/$name-one.h5" ]; then
        fail "$name: results missing"
        continue
    fi

    # shellcheck disable=SC2086
    $check_cluster layout "$scratch/$name.h5" $hosts || fail "$name: layout across nodes not recorded"
    one=$(for _ in $hosts; do printf '%s ' "$here"; done)
    # shellcheck disable=SC2086
    $check_cluster layout "$scratch/$name-one.h5" $one || fail "$name: one-node layout wrong"
    # The layout check can fail: the one-node file is not a file of several nodes.
    # shellcheck disable=SC2086
    $check_cluster layout "$scratch/$name-one.h5" $hosts > /dev/null &&
        fail "$name: the layout check accepts a one-node run as $nodes nodes"

    $check_cluster same "$scratch/$name-one.h5" "$scratch/$name.h5" ||
        fail "$name: collectives/arrays answers across nodes differ from one node"
    $check_pinn same "$scratch/$name-one.h5" "$scratch/$name.h5" --rtol 1e-10 ||
        fail "$name: PINN loss trajectory across nodes differs from one node"
    # The whole file is as consistent as one of a single node (tests/mpi's checks).
    /usr/bin/python3 "$WB_SRCDIR/tests/mpi/check_results.py" "$scratch/$name.h5" "$np" ||
        fail "$name: collectives tables inconsistent"
    /usr/bin/python3 "$WB_SRCDIR/tests/mpi/check_arrays.py" "$scratch/$name.h5" "$np" ||
        fail "$name: arrays table inconsistent"
    $check_pinn structure "$scratch/$name.h5" "$np" || fail "$name: PINN tables incomplete"
done <<EOF
$configs
EOF

# The answer checks can fail: 3 ranks' answers are not those of 4 (other counts per rank,
# other partitions), and PINN's trajectory does not survive another learning rate.
if [ -f "$scratch/2x2.h5" ] && [ -f "$scratch/3x1.h5" ]; then
    $check_cluster same "$scratch/2x2.h5" "$scratch/3x1.h5" > "$scratch/same.txt" &&
        fail "the answer check accepts 3 ranks' answers as those of 4"
    grep -q "column count differs" "$scratch/same.txt" ||
        fail "the answer check did not name the differing column: $(head -3 "$scratch/same.txt")"
fi
# shellcheck disable=SC2086
cl_local 3 "$WAVEBENCH" --suite pinn --quiet $pinn --lr 2e-3 --output-dir "$scratch" --output lr.h5 ||
    fail "pinn run with another lr: exit $?"
$check_pinn same "$scratch/3x1-one.h5" "$scratch/lr.h5" --rtol 1e-10 > /dev/null &&
    fail "the trajectory check accepts another learning rate"
finish
