# shellcheck shell=sh
# Shared helpers of the tests across a test bed of nodes on this machine
# (scripts/vcluster.sh): sourced, not run. Set cl_limit (seconds for the whole test)
# before sourcing. Skips (exit 77, one line) when not root; cl_start skips where the
# bed cannot be made. Every bed started is stopped on exit, also after a signal.
: "${WB_SRCDIR:?run through make check}"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (network namespaces, bridges, mounts)"; exit 77; }
# The beds run the same code as the one-node tests, which the sanitizer build's pass
# covers; there they would only add minutes to CI.
if "${WAVEBENCH:?}" --version 2> /dev/null | grep -q -- "--enable-sanitizers"; then
    echo "SKIP: the cluster tests run in the non-sanitizer build's make check only"
    exit 77
fi

# The whole test runs under one timeout. Its TERM goes to the whole process group: this
# shell (whose trap then stops the beds) and the mpirun in progress, which is started with
# timeout --foreground so that it stays in that group (a plain timeout would move it into
# its own group, out of reach, and the shell would wait for it).
if [ -z "${WB_CLUSTER_BOUNDED:-}" ]; then
    WB_CLUSTER_BOUNDED=1 exec timeout -k 15 "${cl_limit:-150}" sh "$0" "$@"
fi

# shellcheck source=tests/lib/common.sh
. "$WB_SRCDIR/tests/lib/common.sh"
vcluster="$WB_SRCDIR/scripts/vcluster.sh"
# shellcheck disable=SC2034  # used by the tests that source this file
check_cluster="/usr/bin/python3 $WB_SRCDIR/tests/cluster/check_cluster.py"
cl_beds=
cl_links=  # links a test made itself, deleted at exit too

cl_cleanup() {
    for l in $cl_links; do ip link del "$l" 2> /dev/null; done
    for b in $cl_beds; do
        sh "$vcluster" stop "$b" > /dev/null 2>&1 || echo "FAIL: vcluster stop $b did not clean up"
    done
    rm -rf "$scratch"
}
trap cl_cleanup EXIT
trap 'echo "FAIL: stopped by a signal (over the ${cl_limit:-150} s limit?)"; exit 1' INT TERM HUP

# cl_start DIR NODES [SLOTS]: a bed of NODES nodes in DIR; skips the test where beds
# cannot be made here (vcluster.sh's exit 77 and its one line).
cl_start() {
    cl_beds="$cl_beds $1"
    out=$(VCLUSTER_SLOTS=${3:-2} sh "$vcluster" start "$1" "$2" 2>&1)
    rc=$?
    case $rc in
        0) ;;
        77) echo "SKIP: $out"; exit 77 ;;
        *) echo "FAIL: vcluster.sh start $1 $2 exited $rc: $out"; exit 1 ;;
    esac
}

# cl_mpi DIR NP ARGS...: mpirun across the bed in DIR, as a user would after sourcing
# DIR/env (in a subshell, so the rest of the test keeps a plain environment). Not from
# the test's standard input: mpirun forwards it to rank 0 and would eat a here-document.
cl_mpi() {
    d=$1 np=$2
    shift 2
    # shellcheck source=/dev/null  # written by vcluster.sh start
    (. "$d/env" && exec timeout --foreground -k 5 90 "$MPIRUN" -q -np "$np" --hostfile "$d/hostfile" "$@" < /dev/null)
}

# cl_local NP ARGS...: the same on this machine alone (one node), outside every bed.
cl_local() {
    np=$1
    shift
    timeout --foreground -k 5 90 "$MPIRUN" -q -np "$np" --oversubscribe --bind-to none "$@" < /dev/null
}
