#!/bin/sh
# Ranks on different nodes of a test bed (scripts/vcluster.sh) do not share memory
# transports: on 2 nodes x 2 ranks, Open MPI's byte transfer layer between every pair of
# ranks is shared memory (vader) within a node and TCP between nodes, as a real cluster's
# would be (read from mpirun's btl_base_verbose report of every pair, which
# mpi_add_procs_cutoff makes eager: by default a pair appears only once it communicates).
# The check must fail with vader disabled, and with all ranks forced onto one node.
cl_limit=90
# shellcheck source=tests/cluster/lib.sh
. "$WB_SRCDIR/tests/cluster/lib.sh"
bed="$scratch/bed"
cl_start "$bed" 2 2
verbose="--tag-output --mca btl_base_verbose 100 --mca mpi_add_procs_cutoff 1024"
small="--suite collectives --coll allreduce,alltoall -b 8 -e 64K -f 64 -n 2 -R 1 --quiet"

# btl_run TAG MPIRUN-OPTIONS...: the small sweep across the bed, log in $scratch/TAG.log.
btl_run() {
    tag=$1
    shift
    # shellcheck disable=SC2086  # lists of words
    cl_mpi "$bed" 4 $verbose "$@" "$WAVEBENCH" $small --output-dir "$scratch" --output "$tag.h5" \
        > "$scratch/$tag.log" 2>&1 || fail "$tag run: exit $? ($(tail -2 "$scratch/$tag.log"))"
}

btl_run nodes
$check_cluster btl "$scratch/nodes.log" node1 node1 node2 node2 || fail "transports are not those of two nodes"
$check_cluster layout "$scratch/nodes.h5" node1 node1 node2 node2 || fail "results file: not two nodes"
echo "btl between ranks (rank -> rank: btl):"
sed -n 's/^\[[0-9]*,\([0-9]*\)\].*bml: Using \([a-z]*\) btl for send to \[\[[0-9]*,[0-9]*\],\([0-9]*\)\] on node \(.*\)/  \1 -> \3 (\4): \2/p' \
    "$scratch/nodes.log" | sort

# The check can fail (1): without shared memory, ranks of one node also talk over TCP.
btl_run novader --mca btl tcp,self
$check_cluster btl "$scratch/novader.log" node1 node1 node2 node2 > "$scratch/novader.txt" &&
    fail "the btl check accepts TCP within a node"
grep -q "tcp, not vader" "$scratch/novader.txt" || fail "novader: $(head -3 "$scratch/novader.txt")"

# The check can fail (2): all four ranks on node1 share memory where two nodes would not.
btl_run onenode -H node1:4
$check_cluster btl "$scratch/onenode.log" node1 node1 node2 node2 > "$scratch/onenode.txt" &&
    fail "the btl check accepts shared memory between ranks meant for different nodes"
grep -q "vader, not tcp" "$scratch/onenode.txt" || fail "onenode: $(head -3 "$scratch/onenode.txt")"
finish
