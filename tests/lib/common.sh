# Shared helpers of the shell tests: sourced, not run. Expects WAVEBENCH, MPIRUN (from make check).
: "${WAVEBENCH:?run through make check}"
: "${MPIRUN:=mpirun}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Quiet Open MPI's notice about fork() and shared-memory fallbacks in containers.
export OMPI_MCA_btl_vader_single_copy_mechanism=none

failures=0
# The bound of one run: sanitizer builds run several times slower (setup.sh raises it).
wb_limit=${WB_RUN_LIMIT:-120}
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# wb_mpi NP ARGS...: runs wavebench on NP ranks, bounded in time, oversubscribed;
# -q keeps mpirun's own notices about non-zero exits out of the output.
wb_mpi() {
    np=$1
    shift
    timeout -k 5 "$wb_limit" "$MPIRUN" -q -np "$np" --oversubscribe "$WAVEBENCH" "$@"
}

# wb_mpi_each NP TAG ARGS...: like wb_mpi, and each rank's own exit code is kept
# (tests/cli/rank_rc.sh), so that expect_each can check every rank, not only mpirun's verdict.
# mpirun must not kill the other ranks when the first one exits non-zero, or their codes
# would be lost: orte_abort_on_non_zero_status 0.
wb_mpi_each() {
    np=$1 tag=$2
    shift 2
    mkdir -p "$scratch/$tag.rc"
    WB_RC_DIR="$scratch/$tag.rc" timeout -k 5 "$wb_limit" "$MPIRUN" -q -np "$np" --oversubscribe \
        --mca orte_abort_on_non_zero_status 0 -x WB_RC_DIR sh "$WB_SRCDIR/tests/cli/rank_rc.sh" "$WAVEBENCH" "$@"
}

# expect_each NP TAG CODE: every rank of the wb_mpi_each run TAG exited CODE.
expect_each() {
    for r in $(seq 0 $(($1 - 1))); do
        got=$(cat "$scratch/$2.rc/rc.$r" 2>/dev/null)
        [ "$got" = "$3" ] || fail "$2 run: rank $r exited '$got', not $3"
    done
}

# A scratch directory removed at exit.
scratch=$(mktemp -d /tmp/wb-test.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

finish() {
    if [ "$failures" -gt 0 ]; then
        echo "$failures failure(s)"
        exit 1
    fi
    echo "all checks passed"
    exit 0
}
