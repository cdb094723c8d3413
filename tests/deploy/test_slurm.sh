#!/bin/sh
# test_slurm.sh: jobs/slurm.sh and jobs/aws-pcluster.sh under a real one-node
# Slurm (slurmctld + slurmd + munged, started here by scripts/slurm-local.sh):
# each job runs wavebench on a tiny configuration and leaves a valid results
# file named after the job id; a wavebench that fails its check
# (--debug-corrupt-rank 0, exit 3) makes `sbatch --wait` and the job fail.
# Jobs are submitted from a fresh directory, so the scripts must find their
# shared helper (jobs/wavebench-job.sh) from where they were submitted; a copy
# of a script without the helper fails with exit 2 and says why.
# Skips (77) only where Slurm cannot start here (not root, not installed, or
# the daemons do not come up); set WB_REQUIRE_SLURM=1 to make that a failure.
set -u

: "${WB_SRCDIR:?WB_SRCDIR not set (run through make check)}"
: "${WAVEBENCH:?WAVEBENCH not set (run through make check)}"
# Tiny run: a short collectives sweep. Overridable while wavebench changes.
WB_ARGS=${WB_SLURM_TEST_ARGS:---suite collectives -b 8 -e 1K -f 4 -n 2 -w 1}
JOB_TIMEOUT=${WB_SLURM_JOB_TIMEOUT:-90}

fails=0
passes=0
pass() { passes=$((passes + 1)); echo "PASS: $*"; }
fail() { fails=$((fails + 1)); echo "FAIL: $*"; }

if [ ! -x "$WAVEBENCH" ]; then
    echo "FAIL: wavebench binary '$WAVEBENCH' not built"
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/wb-slurm-test.XXXXXX") || exit 1
slurm_dir=$work/slurm
cleanup() {
    sh "$WB_SRCDIR/scripts/slurm-local.sh" stop "$slurm_dir"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

sh "$WB_SRCDIR/scripts/slurm-local.sh" start "$slurm_dir" 2
rc=$?
if [ $rc -ne 0 ]; then
    for f in "$slurm_dir"/*.log; do
        [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
    done
    if [ "${WB_REQUIRE_SLURM:-0}" = 1 ]; then
        echo "FAIL: Slurm did not start (WB_REQUIRE_SLURM=1)"
        exit 1
    fi
    echo "SKIP: a one-node Slurm cannot start here (slurm-local.sh exit $rc)"
    exit 77
fi
. "$slurm_dir/env"

# Jobs run as root here; Open MPI's mpirun refuses that without these.
OMPI_ALLOW_RUN_AS_ROOT=1
OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
WB_BIN=$WAVEBENCH
export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM WB_BIN
unset WB_OUTPUT_DIR WB_LAUNCHER WB_MPIRUN WB_RANKS_PER_NODE WB_BACKEND

# valid_h5 FILE: the results file opens and has a root attribute
# wavebench_version (h5py when there is one, and h5dump -H when there is one).
valid_h5() {
    checked=0
    if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
        /usr/bin/python3 - "$1" <<'EOF' || return 1
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    v = f.attrs.get("wavebench_version")
    if v is None:
        sys.exit("no root attribute wavebench_version in " + sys.argv[1])
    print("  h5py: wavebench_version =", v.decode() if isinstance(v, bytes) else v)
EOF
        checked=1
    fi
    h5dump=${H5DUMP:-h5dump}
    case $h5dump in ''|no) h5dump=h5dump ;; esac
    if command -v "$h5dump" >/dev/null 2>&1; then
        "$h5dump" -H "$1" >"$work/h5dump.txt" 2>&1 || { cat "$work/h5dump.txt"; return 1; }
        grep -q 'ATTRIBUTE "wavebench_version"' "$work/h5dump.txt" || {
            echo "  h5dump -H: no ATTRIBUTE \"wavebench_version\""; return 1; }
        checked=1
    fi
    [ $checked -eq 1 ] || { echo "  neither h5py nor h5dump to check $1"; return 1; }
    return 0
}

# run_job NAME EXPECTED_RC SBATCH_ARGS... -- SCRIPT WAVEBENCH_ARGS...
# Submits with `sbatch --wait` from a fresh directory and checks the exit
# code; on success the results file; on failure the job state in slurmctld
# and that the log explains it ($explain, default "exit EXPECTED_RC").
n=0
run_job() {
    name=$1
    want=$2
    shift 2
    n=$((n + 1))
    dir=$work/job$n
    mkdir -p "$dir"
    # shellcheck disable=SC2086
    (cd "$dir" && timeout "$JOB_TIMEOUT" sbatch --parsable --wait "$@") \
        >"$dir/sbatch.out" 2>"$dir/sbatch.err"
    got=$?
    jobid=$(head -n 1 "$dir/sbatch.out" | cut -d';' -f1)
    log=$(ls "$dir"/*_"$jobid".out 2>/dev/null | head -n 1)
    ok=1
    if [ "$got" -eq 124 ]; then
        echo "  job $jobid did not finish in ${JOB_TIMEOUT}s"
        scancel "$jobid" 2>/dev/null
        ok=0
    elif [ "$got" -ne "$want" ]; then
        echo "  sbatch --wait returned $got, expected $want"
        ok=0
    fi
    if [ -z "$jobid" ]; then
        echo "  no job id from sbatch"
        ok=0
    elif [ -z "$log" ]; then
        echo "  no job log %x_%j.out (${jobid}) in $dir"
        ok=0
    fi
    if [ "$want" -eq 0 ] && [ -n "$jobid" ]; then
        res=$dir/results/wavebench-$jobid.h5
        if [ ! -f "$res" ]; then
            echo "  no results file $res"
            ok=0
        elif ! valid_h5 "$res"; then
            echo "  results file $res is not valid"
            ok=0
        fi
        if ls "$dir"/results/*.partial "$dir"/results/*.tmp >/dev/null 2>&1; then
            echo "  a temporary results file was left behind"
            ok=0
        fi
    elif [ -n "$jobid" ]; then
        state=$(scontrol show job "$jobid" 2>/dev/null | tr ' ' '\n' | grep -E '^(JobState|ExitCode)=' | tr '\n' ' ')
        case $state in
            *JobState=FAILED*ExitCode=$want:0*) echo "  slurmctld: $state" ;;
            *) echo "  job state is not FAILED with exit $want: '$state'"; ok=0 ;;
        esac
        if [ -n "$log" ] && ! grep -q "${explain:-exit $want}" "$log"; then
            echo "  the job log does not say '${explain:-exit $want}'"
            ok=0
        fi
    fi
    if [ $ok -eq 1 ]; then
        pass "$name (job $jobid, exit $got)"
    else
        fail "$name"
        cat "$dir/sbatch.err"
        [ -n "$log" ] && sed 's/^/  | /' "$log"
    fi
}

SLURM_SH=$WB_SRCDIR/jobs/slurm.sh
AWS_SH=$WB_SRCDIR/jobs/aws-pcluster.sh
# The AWS script asks for 2 nodes with 8 GPUs each and exclusive use; this
# cluster has one node, 2 CPUs and no GPUs, so override those on the command
# line as a user of a CPU queue would.
AWS_LOCAL="--nodes=1 --ntasks-per-node=2 --gpus-per-node=0"

# shellcheck disable=SC2086
run_job "slurm.sh, srun --mpi=pmix" 0 "$SLURM_SH" $WB_ARGS
# shellcheck disable=SC2086
run_job "slurm.sh, mpirun" 0 --export=ALL,WB_LAUNCHER=mpirun "$SLURM_SH" $WB_ARGS
# shellcheck disable=SC2086
run_job "slurm.sh, failing wavebench fails the job" 3 "$SLURM_SH" $WB_ARGS --debug-corrupt-rank 0
# shellcheck disable=SC2086
run_job "aws-pcluster.sh, no EFA/GPU fallback" 0 $AWS_LOCAL "$AWS_SH" $WB_ARGS
if [ -n "${log:-}" ] && grep -q 'EFA not found' "$log" && grep -q 'no GPUs' "$log"; then
    pass "aws-pcluster.sh says it fell back (no EFA, no GPUs)"
else
    fail "aws-pcluster.sh did not say it fell back"
fi
# shellcheck disable=SC2086
run_job "aws-pcluster.sh, srun" 0 --export=ALL,WB_LAUNCHER=srun $AWS_LOCAL "$AWS_SH" $WB_ARGS
# shellcheck disable=SC2086
run_job "aws-pcluster.sh, failing wavebench fails the job" 3 $AWS_LOCAL "$AWS_SH" $WB_ARGS --debug-corrupt-rank 0
# A copy of a job script away from the helper: a clear error, exit 2; the
# helper named in WB_JOB_HELPER: the copy runs.
mkdir -p "$work/lone"
cp "$SLURM_SH" "$work/lone/slurm.sh"
explain="jobs/wavebench-job.sh not found"
# shellcheck disable=SC2086
run_job "slurm.sh copied without its helper fails and says so" 2 "$work/lone/slurm.sh" $WB_ARGS
explain=
# shellcheck disable=SC2086
run_job "slurm.sh copy, WB_JOB_HELPER" 0 --export="ALL,WB_JOB_HELPER=$WB_SRCDIR/jobs/wavebench-job.sh" \
    "$work/lone/slurm.sh" $WB_ARGS
# The AWS headers as shipped ask for GPUs this node does not have: Slurm
# refuses the job at submission, it does not run on the wrong hardware.
(cd "$work" && sbatch --parsable "$AWS_SH" >/dev/null 2>&1)
if [ $? -ne 0 ]; then
    pass "aws-pcluster.sh as shipped is refused by a cluster without GPUs"
else
    fail "aws-pcluster.sh as shipped was accepted by a cluster without GPUs"
    scancel --user=root 2>/dev/null
fi

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
