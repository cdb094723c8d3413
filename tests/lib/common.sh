# Shared helpers of the shell tests: sourced, not run. Expects WAVEBENCH, MPIRUN (from make check).
: "${WAVEBENCH:?run through make check}"
: "${MPIRUN:=mpirun}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Quiet Open MPI's notice about fork() and shared-memory fallbacks in containers.
export OMPI_MCA_btl_vader_single_copy_mechanism=none

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# wb_mpi NP ARGS...: runs wavebench on NP ranks, bounded in time, oversubscribed;
# -q keeps mpirun's own notices about non-zero exits out of the output.
wb_mpi() {
    np=$1
    shift
    timeout -k 5 120 "$MPIRUN" -q -np "$np" --oversubscribe "$WAVEBENCH" "$@"
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
