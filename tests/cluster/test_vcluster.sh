#!/bin/sh
# scripts/vcluster.sh keeps its contract: each node has its hostname, its loopback up,
# one address on the bed's private subnet and no route off it; the agent runs commands
# on a node as ssh would and Open MPI starts ranks through it; two beds coexist on
# distinct bridges and subnets, and a subnet in use is never taken; stop removes every namespace, link, bind-mounted UTS
# file and process of its bed, also after mpirun was killed and with strays left in the
# nodes, and start first clears a stale bed of the same DIR; not root is exit 77 with
# one line; bad usage exit 2.
cl_limit=90
# shellcheck source=tests/cluster/lib.sh
. "$WB_SRCDIR/tests/cluster/lib.sh"
a="$scratch/a"
b="$scratch/b"

# what_is_left PREFIX DIR: one line per namespace, link, mount or UTS file of a bed.
what_is_left() {
    ip netns list | awk '{print "netns " $1}' | grep " $1-"
    ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print "link " $2 }' | grep " $1"
    awk -v d="$2/uts/" 'index($5, d) == 1 { print "mount " $5 }' /proc/self/mountinfo
    for f in "$2"/uts/*; do [ -e "$f" ] && echo "uts file $f"; done
    for f in hostfile env agent; do [ -e "$2/$f" ] && echo "file $f"; done
}
# alive PID: PID runs (a zombie, killed and waiting for its reaper, does not count).
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2> /dev/null; }
# gone WHAT PID...: each PID has ended; one that has not is a failure, and is killed
# here so that the test does not wait for it.
gone() {
    what=$1
    shift
    for p in "$@"; do
        if alive "$p"; then
            fail "process $p survived $what"
            kill -KILL "$p" 2> /dev/null
        fi
    done
}
# value FILE NAME: the value NAME is exported with in the env file FILE.
value() { sed -n "s/^export $2=//p" "$1"; }

cl_start "$a" 2 3
env_a="$a/env"
for k in OMPI_MCA_plm_rsh_agent OMPI_MCA_plm_rsh_no_tree_spawn OMPI_MCA_btl_tcp_if_include \
    OMPI_MCA_oob_tcp_if_include OMPI_MCA_hwloc_base_binding_policy; do
    [ -n "$(value "$env_a" "$k")" ] || fail "env lacks $k"
done
[ "$(cat "$a/hostfile")" = "$(printf 'node1 slots=3\nnode2 slots=3')" ] ||
    fail "hostfile: $(cat "$a/hostfile")"
pa=$(value "$env_a" VCLUSTER_NETNS_PREFIX)
net_a=$(value "$env_a" VCLUSTER_SUBNET)
net_a=${net_a%.0/24}

# The nodes, through the agent as Open MPI calls it (an ssh-like option first).
for k in 1 2; do
    out=$("$a/agent" -x "node$k" 'hostname; ip -o link show lo; ip -4 -o addr show; ip route; ip route get 192.0.2.1 2>&1' 2>&1)
    [ "$(echo "$out" | sed -n 1p)" = "node$k" ] || fail "node$k: hostname $(echo "$out" | sed -n 1p)"
    echo "$out" | grep -q "lo:.*[<,]UP[,>]" || fail "node$k: loopback not up"
    echo "$out" | grep -q "eth0 *inet $net_a\.$k/24" || fail "node$k: no $net_a.$k/24 on eth0"
    [ "$(echo "$out" | grep -c ' inet ')" -eq 2 ] || fail "node$k: other addresses than lo and eth0"
    echo "$out" | grep -q "^default" && fail "node$k: has a default route"
    echo "$out" | grep -q "unreachable" || fail "node$k: reaches off the bed: $(echo "$out" | tail -1)"
done
[ "$(hostname)" != node1 ] || fail "the machine's own hostname changed"
"$a/agent" node3 true 2> /dev/null && fail "the agent runs on a node that does not exist"

# Open MPI across the nodes: one rank per node, each sees its own hostname.
hosts=$(cl_mpi "$a" 2 --map-by node hostname | sort | tr '\n' ' ')
[ "$hosts" = "node1 node2 " ] || fail "mpirun across the bed ran on: $hosts"

# A second bed beside the first: its own bridge and subnet; stopping it leaves the first.
cl_start "$b" 1
pb=$(value "$b/env" VCLUSTER_NETNS_PREFIX)
[ "$(value "$b/env" VCLUSTER_BRIDGE)" != "$(value "$env_a" VCLUSTER_BRIDGE)" ] || fail "two beds share a bridge"
[ "$(value "$b/env" VCLUSTER_SUBNET)" != "$(value "$env_a" VCLUSTER_SUBNET)" ] || fail "two beds share a subnet"
sh "$vcluster" stop "$b" || fail "stop of the second bed failed"
left=$(what_is_left "$pb" "$b")
[ -z "$left" ] || fail "left after stopping the second bed: $(echo "$left" | tr '\n' ';')"
[ "$("$a/agent" node2 hostname)" = node2 ] || fail "stopping the second bed broke the first"

# A crash: mpirun killed while ranks run, plus strays in a node (one in its network and
# UTS namespaces, one in its UTS namespace only). Start over the same DIR must clear it.
cl_mpi "$a" 2 --map-by node sleep 60 > /dev/null 2>&1 &
launcher=$!
i=0
until [ -n "$(ip netns pids "$pa-node2")" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
stray1=$("$a/agent" node1 'sleep 300 < /dev/null > /dev/null 2>&1 & echo $!')
nsenter --uts="$a/uts/node2" sleep 300 < /dev/null > /dev/null 2>&1 &
stray2=$!
ranks=$(ip netns pids "$pa-node1"; ip netns pids "$pa-node2")
[ -n "$ranks" ] || fail "no rank started in node2"
# mpirun is a descendant of $launcher (the background shell, cl_mpi's subshell, timeout).
mpirun_pid=$launcher
while [ -n "$mpirun_pid" ] && ! grep -qx 'mpirun\|orterun' "/proc/$mpirun_pid/comm" 2> /dev/null; do
    mpirun_pid=$(pgrep -P "$mpirun_pid" | head -1)
done
if [ -n "$mpirun_pid" ]; then kill -KILL "$mpirun_pid"; else fail "no mpirun to kill"; fi
# Meanwhile an address of this machine (on a link of the test's own) took the subnet:
# the new bed must choose another.
taker=wbt$$
cl_links=$taker
if ! ip link add "$taker" type veth peer name "wbu$$" || ! ip addr add "$net_a.200/24" dev "$taker"; then
    fail "cannot take the subnet"
fi
cl_start "$a" 2 3
ip link del "$taker"
new=$(value "$env_a" VCLUSTER_SUBNET)
[ "$new" != "$net_a.0/24" ] || fail "the restarted bed took a subnet in use ($new)"
# shellcheck disable=SC2086  # lists of pids
gone "start over the stale bed" $stray1 $stray2 $ranks
if ! [ "$(wc -l < "$a/hostfile")" -eq 2 ] || ! [ "$("$a/agent" node1 hostname)" = node1 ]; then
    fail "start over a stale bed did not make a working one"
fi

# stop after a crash: strays again, and a host veth end left over as by a start killed
# between making a pair and moving its end; afterwards nothing of the bed is left.
stray1=$("$a/agent" node2 'sleep 300 < /dev/null > /dev/null 2>&1 & echo $!')
ip link add "${pa}n9" type veth peer name "${pa}p9" || fail "cannot make a leftover veth"
sh "$vcluster" stop "$a" || fail "stop failed"
gone stop "$stray1"
left=$(what_is_left "$pa" "$a")
[ -z "$left" ] || fail "left after stop: $(echo "$left" | tr '\n' ';')"
sh "$vcluster" stop "$a" || fail "a second stop is not a no-op"
wait

# Not root: exit 77 and one line. Bad usage: exit 2.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups sh "$vcluster" start "$scratch/c" 2 2>&1)
rc=$?
if [ $rc -ne 77 ] || [ "$(echo "$out" | wc -l)" -ne 1 ]; then fail "not root: exit $rc, output: $out"; fi
sh "$vcluster" start "$scratch/c" 2> /dev/null
[ $? -eq 2 ] || fail "start without NODES is not exit 2"
sh "$vcluster" start "$scratch/c" 0 2> /dev/null
[ $? -eq 2 ] || fail "start with 0 nodes is not exit 2"
finish
