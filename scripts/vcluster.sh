#!/bin/sh
# vcluster.sh: a test bed of NODES "nodes" on this one machine, for running MPI across
# nodes without a cluster (issue 13).
#
#   scripts/vcluster.sh start DIR NODES   make node1..nodeNODES; writes DIR/hostfile, DIR/env
#   scripts/vcluster.sh stop DIR          remove everything `start DIR` made
#
# Each node is a Linux network namespace plus a UTS namespace (its own hostname, nodeK)
# with one veth link, eth0, on a bridge made for this DIR, address 10.X.Y.K on a private
# /24 used only on that bridge (the bridge itself is 10.X.Y.254, so that mpirun, which runs
# outside the nodes, can reach their daemons). No default route and no NAT: nothing leaves
# the machine. The file system is shared, like a cluster's shared home: only the network
# and the hostname differ between nodes, so Open MPI sees NODES hosts, uses TCP between
# them and shared memory within one.
#
# Open MPI starts its daemons on a node through DIR/agent (plm_rsh_agent), which enters
# the node's namespaces instead of logging in with ssh. Source DIR/env, then
#   mpirun -np 4 --hostfile DIR/hostfile ./wavebench
# runs across the nodes. VCLUSTER_SLOTS (default 2) sets the slots per node in the hostfile.
# To slow one node (a straggler), write the path of a cgroup's cgroup.procs file (say one
# with a CPU quota) into DIR/cgroup.nodeK: the processes the agent starts there join it.
#
# Names come from a checksum of DIR's absolute path (links wb<hex>br, wb<hex>n<K>;
# namespaces wb<hex>-node<K>), and so does the subnet (the first free one from there),
# so two test beds of different DIRs coexist. The UTS namespaces are kept alive by bind
# mounts on DIR/uts/node<K>. start first stops whatever a previous start of DIR left;
# stop works from the names alone, so it also cleans up after a crash.
#
# Exit codes: 0 ok; 1 failed (what was made is removed again); 2 usage; 77 cannot run
# here (not root, tools missing, or namespaces cannot be made), with one line.
set -u

me=vcluster
usage() {
    echo "usage: $0 start DIR NODES | stop DIR   (env VCLUSTER_SLOTS: slots per node, default 2)" >&2
    exit 2
}
say() { echo "$me: $*" >&2; }
skip() {
    echo "$me: cannot run here: $*" >&2
    exit 77
}

# names DIR: sets abs (DIR's absolute path), hex, prefix, bridge and the UTS directory.
names() {
    abs=$(realpath -m -- "$1") || exit 2
    # The path goes into Open MPI parameters (split on spaces) and is matched in
    # /proc/self/mountinfo (which escapes odd characters): keep it plain.
    case $abs in *[!A-Za-z0-9._/+-]*)
        say "DIR may hold only letters, digits and . _ / + - ($abs)"
        exit 2 ;;
    esac
    crc=$(printf '%s' "$abs" | cksum | cut -d' ' -f1)
    hex=$(printf '%06x' $((crc % 16777216)))
    prefix=wb$hex
    # 2 + 6 + 2 characters: interface names must stay within 15.
    bridge=${prefix}br
    utsdir=$abs/uts
    owner="wavebench-vcluster $abs"
}

# bed_pids: every process inside one of this bed's network or UTS namespaces (orted and
# ranks left by a crashed or killed mpirun, anything started there by hand).
bed_pids() {
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$prefix-node[0-9]*\$"); do
        ip netns pids "$ns" 2>/dev/null
    done
    for f in "$utsdir"/node*; do
        [ -e "$f" ] || continue
        mounted "$f" || continue
        ino=$(stat -L -c %i "$f" 2>/dev/null) || continue
        for p in /proc/[0-9]*; do
            [ "$(readlink "$p/ns/uts" 2>/dev/null)" = "uts:[$ino]" ] && echo "${p#/proc/}"
        done
    done
}
# kill_in_namespaces: TERM them, then KILL what is left after 2 s.
kill_in_namespaces() {
    pids=$(bed_pids | grep -vx "$$" | sort -u)
    [ -n "$pids" ] || return 0
    # shellcheck disable=SC2086  # a list of numbers
    kill -TERM $pids 2>/dev/null
    i=0
    while [ $i -lt 20 ]; do
        pids=$(bed_pids | grep -vx "$$" | sort -u)
        [ -n "$pids" ] || return 0
        sleep 0.1
        i=$((i + 1))
    done
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null
    return 0
}

# mounted FILE: FILE is a mount point (field 5 of mountinfo; our paths need no unescaping).
mounted() {
    awk -v m="$1" '$5 == m { found = 1 } END { exit !found }' /proc/self/mountinfo
}

do_stop() {
    names "$1"
    # A checksum clash with another DIR's test bed: its bridge says whose it is; leave it.
    if [ -e "/sys/class/net/$bridge" ]; then
        have=$(cat "/sys/class/net/$bridge/ifalias" 2>/dev/null)
        if [ "$have" != "$owner" ]; then
            say "$bridge belongs to another test bed ($have); not touching it"
            return 1
        fi
    fi
    kill_in_namespaces
    # Bind mounts of the UTS namespaces (possibly stacked by a repeated crash).
    # shellcheck disable=SC2013  # names() allows no blanks in these paths
    for m in $(awk -v d="$utsdir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -u); do
        while mounted "$m"; do umount "$m" 2>/dev/null || umount -l "$m" || break; done
    done
    rm -f "$utsdir"/node* 2>/dev/null
    rmdir "$utsdir" 2>/dev/null
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$prefix-node[0-9]*\$"); do
        ip netns del "$ns" || say "could not delete namespace $ns"
    done
    # Deleting a namespace deletes its veth end and so the pair; a host end left over
    # (a crash between creating the pair and moving it) and the bridge go here.
    for l in $(ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
        grep "^${prefix}n[0-9]*\$"); do
        ip link del "$l" 2>/dev/null
    done
    if [ -e "/sys/class/net/$bridge" ]; then
        ip link del "$bridge" || say "could not delete bridge $bridge"
    fi
    rm -f "$abs/hostfile" "$abs/env" "$abs/agent" "$abs"/cgroup.node*
    return 0
}

# pick_subnet: the first 10.X.Y.0/24 from the checksum on that overlaps no address or
# route of this machine (X in 128..191, so beds stay out of the commonly used 10.0.x.x).
taken_prefixes() {
    { ip -4 -o addr show | awk '{ print $4 }'
      ip -4 route show table all | awk '{ print ($1 ~ /^[0-9]/) ? $1 : $2 }'
    } 2>/dev/null | grep '^[0-9][0-9.]*\(/[0-9]*\)\{0,1\}$'
}
pick_subnet() {
    taken=$(taken_prefixes)
    i=0
    while [ $i -lt 256 ]; do
        k=$(((crc / 256 + i) % 16384))
        net="10.$((128 + k / 256)).$((k % 256))"
        # Overlap of two prefixes: equal on the shorter one's length.
        if printf '%s\n' "$taken" | awk -v net="$net.0" '
            function ip2n(a,   p) { split(a, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
            NF { split($0, q, "/"); len = (q[2] == "") ? 32 : q[2]; if (len > 24) len = 24
                 d = 2 ^ (32 - len)
                 if (int(ip2n(q[1]) / d) == int(ip2n(net) / d)) hit = 1 }
            END { exit !hit }'; then
            i=$((i + 1))
            continue
        fi
        subnet=$net.0/24
        return 0
    done
    return 1
}

fail_start() {
    say "$*"
    do_stop "$abs" >/dev/null 2>&1
    exit 1
}

do_start() {
    nodes=$2
    slots=${VCLUSTER_SLOTS:-2}
    case $nodes in ''|*[!0-9]*) usage ;; esac
    case $slots in ''|*[!0-9]*) say "VCLUSTER_SLOTS must be a positive integer"; exit 2 ;; esac
    if [ "$nodes" -lt 1 ] || [ "$nodes" -gt 250 ]; then say "NODES must be 1..250"; exit 2; fi
    if [ "$slots" -lt 1 ]; then say "VCLUSTER_SLOTS must be a positive integer"; exit 2; fi
    [ "$(id -u)" = 0 ] || skip "needs root (network namespaces, bridges, mounts)"
    for t in ip nsenter unshare realpath cksum stat; do
        command -v "$t" >/dev/null 2>&1 || skip "no $t"
    done
    names "$1"
    do_stop "$abs" || exit 1
    mkdir -p "$utsdir" || exit 1

    # The bridge and node1's namespaces are the probe: where they cannot be made (say, a
    # container without CAP_NET_ADMIN or CAP_SYS_ADMIN), this machine cannot host a bed.
    if ! ip link add "$bridge" type bridge 2>/dev/null; then
        do_stop "$abs" >/dev/null 2>&1
        skip "a bridge cannot be made (ip link add type bridge failed)"
    fi
    ip link set "$bridge" alias "$owner" || fail_start "cannot label $bridge"
    pick_subnet || fail_start "no free 10.128-191.x.0/24 subnet"
    net=${subnet%.0/24}
    ip addr add "$net.254/24" dev "$bridge" || fail_start "cannot address $bridge"
    echo 1 > "/proc/sys/net/ipv6/conf/$bridge/disable_ipv6" 2>/dev/null
    ip link set "$bridge" up || fail_start "cannot bring $bridge up"

    k=1
    while [ "$k" -le "$nodes" ]; do
        ns=$prefix-node$k
        if ! ip netns add "$ns" 2>/dev/null; then
            [ "$k" -eq 1 ] || fail_start "cannot make namespace $ns"
            do_stop "$abs" >/dev/null 2>&1
            skip "network namespaces cannot be made (ip netns add failed)"
        fi
        # IPv4 only: Open MPI would also use eth0's IPv6 link-local address (harmless, but
        # one address per node keeps what it chose easy to read). Best effort.
        # shellcheck disable=SC2016  # $f is the inner shell's
        nsenter --net="/run/netns/$ns" sh -c 'for f in all default; do
            echo 1 > /proc/sys/net/ipv6/conf/$f/disable_ipv6; done' 2>/dev/null
        # Open MPI's daemons and ranks talk to themselves over the loopback too.
        ip -n "$ns" link set lo up || fail_start "cannot bring lo up in $ns"
        ip link add "${prefix}n$k" type veth peer name eth0 netns "$ns" ||
            fail_start "cannot make the veth pair of node$k"
        ip link set "${prefix}n$k" master "$bridge" up || fail_start "cannot attach node$k to $bridge"
        ip -n "$ns" addr add "$net.$k/24" dev eth0 || fail_start "cannot address node$k"
        ip -n "$ns" link set eth0 up || fail_start "cannot bring node$k's eth0 up"
        # A persistent UTS namespace, bound to a file, holding the node's hostname.
        touch "$utsdir/node$k" || fail_start "cannot create $utsdir/node$k"
        if ! unshare --uts="$utsdir/node$k" hostname "node$k" 2>/dev/null; then
            [ "$k" -eq 1 ] || fail_start "cannot make node$k's UTS namespace"
            do_stop "$abs" >/dev/null 2>&1
            skip "UTS namespaces cannot be made (unshare --uts failed)"
        fi
        k=$((k + 1))
    done

    # The rsh agent: Open MPI runs `AGENT [options] HOST COMMAND...` as it would ssh,
    # COMMAND being a shell command line for the remote login shell.
    cat > "$abs/agent" <<EOF || fail_start "cannot write $abs/agent"
#!/bin/sh
# plm_rsh_agent of the vcluster test bed in $abs (written by scripts/vcluster.sh):
# runs COMMAND inside HOST's network and UTS namespaces, as ssh HOST COMMAND would.
while [ \$# -gt 0 ]; do
    case \$1 in
        -[oplLiFJRDEWb]) shift 2 ;;  # ssh options that take an argument
        -*) shift ;;
        *) break ;;
    esac
done
[ \$# -ge 2 ] || { echo "vcluster agent: usage: agent [options] HOST COMMAND..." >&2; exit 255; }
host=\$1
shift
case \$host in
    node[0-9]*) ;;
    *) echo "vcluster agent: no such node: \$host" >&2; exit 255 ;;
esac
[ -e /run/netns/$prefix-\$host ] && [ -e $utsdir/\$host ] ||
    { echo "vcluster agent: \$host is not running (scripts/vcluster.sh start $abs N)" >&2; exit 255; }
# A node slowed or limited as a whole (tests): DIR/cgroup.HOST names the cgroup.procs file
# of a cgroup that the node's processes join.
if [ -r $abs/cgroup.\$host ]; then
    echo \$\$ > "\$(cat $abs/cgroup.\$host)" || { echo "vcluster agent: cannot join \$host's cgroup" >&2; exit 255; }
fi
exec nsenter --net=/run/netns/$prefix-\$host --uts=$utsdir/\$host -- sh -c "\$*"
EOF
    chmod 755 "$abs/agent"

    # (not ": > FILE": a failed redirection of a special builtin ends the shell)
    printf "" > "$abs/hostfile" || fail_start "cannot write $abs/hostfile"
    k=1
    while [ "$k" -le "$nodes" ]; do
        echo "node$k slots=$slots" >> "$abs/hostfile"
        k=$((k + 1))
    done

    cat > "$abs/env" <<EOF || fail_start "cannot write $abs/env"
# Source this to run Open MPI across the vcluster test bed in $abs:
#   mpirun -np N --hostfile \$VCLUSTER_HOSTFILE ./wavebench
export VCLUSTER_DIR=$abs
export VCLUSTER_HOSTFILE=$abs/hostfile
export VCLUSTER_NODES=$nodes
export VCLUSTER_SUBNET=$subnet
# Node K is network namespace \$VCLUSTER_NETNS_PREFIX-nodeK (eth0 there, e.g. for tc) and
# UTS namespace $utsdir/nodeK; its host end is ${prefix}nK on bridge \$VCLUSTER_BRIDGE.
export VCLUSTER_NETNS_PREFIX=$prefix
export VCLUSTER_BRIDGE=$bridge
# Daemons are started through the agent, each directly by mpirun (a tree spawn would have
# a node's daemon call the agent, which works too, but keeps mpirun's view simpler).
export OMPI_MCA_plm_rsh_agent=$abs/agent
export OMPI_MCA_plm_rsh_no_tree_spawn=1
# Only the bridge's subnet: the nodes have nothing else, and mpirun (outside) must not
# offer its other addresses to them.
export OMPI_MCA_btl_tcp_if_include=$subnet
export OMPI_MCA_oob_tcp_if_include=$subnet
# Every node sees all of this machine's cores: binding would pin the ranks of different
# nodes onto the same cores (--bind-to none).
export OMPI_MCA_hwloc_base_binding_policy=none
# The nodes share this machine's cores: a rank waiting for a message should yield them
# (Open MPI does so by itself only where a node has more ranks than slots).
export OMPI_MCA_mpi_yield_when_idle=1
# A node whose link goes down is found lost within seconds (TCP keepalive on mpirun's own
# connections; the default waits 5 minutes and more), so that mpirun ends the job.
export OMPI_MCA_oob_tcp_keepalive_time=2
export OMPI_MCA_oob_tcp_keepalive_intvl=1
export OMPI_MCA_oob_tcp_keepalive_probes=3
export OMPI_ALLOW_RUN_AS_ROOT=1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
EOF
    say "$nodes nodes (node1..node$nodes, $slots slots each) on $bridge, $subnet; source $abs/env"
}

[ $# -ge 1 ] || usage
case $1 in
    start) [ $# -eq 3 ] || usage; do_start "$2" "$3" ;;
    stop)
        [ $# -eq 2 ] || usage
        [ "$(id -u)" = 0 ] || skip "needs root (network namespaces, bridges, mounts)"
        do_stop "$2" ;;
    *) usage ;;
esac
