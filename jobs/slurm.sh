#!/bin/bash
# jobs/slurm.sh: run wavebench as a Slurm batch job on any Slurm cluster.
#
#   sbatch jobs/slurm.sh [wavebench options]
#   sbatch --nodes=4 --ntasks-per-node=16 jobs/slurm.sh --suite collectives -e 1G
#   WB_LAUNCHER=mpirun sbatch jobs/slurm.sh
#
# The #SBATCH lines below are defaults; options given to sbatch override them.
# Arguments after the script name go to wavebench unchanged. The results file
# is $WB_OUTPUT_DIR/wavebench-$SLURM_JOB_ID.h5, the log %x_%j.out in the
# directory sbatch was run from. The job's exit code is wavebench's:
# 0 ok, 1 runtime failure, 2 usage/config error, 3 a result failed its check,
# 4 interrupted after writing a checkpoint (see --signal below).
#
# Environment (set before sbatch; sbatch passes the environment to the job):
#   WB_BIN         wavebench to run (default: wavebench on PATH, else
#                  ./wavebench in the submit directory)
#   WB_LAUNCHER    srun (default) or mpirun
#   WB_SRUN_MPI    srun's --mpi plugin (default pmix)
#   WB_MPIRUN      the mpirun command (default mpirun)
#   WB_OUTPUT_DIR  where the results file goes (default: results/ in the
#                  submit directory; use a shared file system on many nodes)
#
#SBATCH --job-name=wavebench
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=2
#SBATCH --time=00:30:00
#SBATCH --output=%x_%j.out
# SIGTERM to this script 120 s before the time limit; it is passed on to
# wavebench, which writes a checkpoint and exits 4.
#SBATCH --signal=B:TERM@120

set -u

die() {
    echo "wavebench job: error: $*" >&2
    exit 2
}

[ -n "${SLURM_JOB_ID:-}" ] || die "not inside a Slurm job: submit with 'sbatch $0'"
submit_dir=${SLURM_SUBMIT_DIR:-$PWD}

# ---- which wavebench
if [ -n "${WB_BIN:-}" ]; then
    bin=$WB_BIN
elif command -v wavebench >/dev/null 2>&1; then
    bin=$(command -v wavebench)
else
    bin=$submit_dir/wavebench
fi
[ -x "$bin" ] || die "wavebench not found or not executable: '$bin' (set WB_BIN, or put wavebench on PATH)"

# ---- where the results go
out_dir=${WB_OUTPUT_DIR:-$submit_dir/results}
mkdir -p "$out_dir" || die "cannot create output directory '$out_dir'"
out_name=wavebench-$SLURM_JOB_ID.h5

# ---- how to launch
launcher=${WB_LAUNCHER:-srun}
case $launcher in
    srun)
        cmd=(srun --mpi="${WB_SRUN_MPI:-pmix}" --kill-on-bad-exit=0)
        ;;
    mpirun)
        # Open MPI's mpirun reads the Slurm allocation itself (nodes, slots).
        read -r -a cmd <<<"${WB_MPIRUN:-mpirun}"
        cmd+=(-np "${SLURM_NTASKS:-1}")
        ;;
    *)
        die "WB_LAUNCHER='$launcher': must be srun or mpirun"
        ;;
esac
cmd+=("$bin" --output-dir "$out_dir" --output "$out_name" "$@")

echo "# wavebench job $SLURM_JOB_ID (${SLURM_JOB_NAME:-wavebench}) on ${SLURM_JOB_NUM_NODES:-1} node(s): ${SLURM_JOB_NODELIST:-?}"
echo "# tasks: ${SLURM_NTASKS:-?} (${SLURM_NTASKS_PER_NODE:-?} per node), launcher: $launcher"
echo "# results: $out_dir/$out_name"
echo "# command: ${cmd[*]}"

# Run the launcher in the background so this shell can pass SIGTERM on to it
# (srun and mpirun both forward it to the ranks).
child=
forward_term() {
    echo "wavebench job: SIGTERM received, passing it on to the ranks" >&2
    # srun ends the whole step when it gets SIGTERM itself; signalling the
    # job's steps instead gives every rank the SIGTERM and time to checkpoint.
    if [ "$launcher" = srun ] && scancel --signal=TERM "$SLURM_JOB_ID" 2>/dev/null; then
        return
    fi
    [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
}
trap forward_term TERM

"${cmd[@]}" &
child=$!
rc=0
wait "$child" || rc=$?
# A trapped signal interrupts `wait` (status > 128); wait again for the real status.
while kill -0 "$child" 2>/dev/null; do
    rc=0
    wait "$child" || rc=$?
done

case $rc in
    0) echo "# wavebench finished: $out_dir/$out_name" ;;
    2) echo "wavebench job: wavebench rejected its options or configuration (exit 2)" >&2 ;;
    3) echo "wavebench job: a result failed its check (exit 3): the job fails" >&2 ;;
    4) echo "wavebench job: interrupted; checkpoint and partial results written (exit 4)" >&2 ;;
    *) echo "wavebench job: $launcher exited with status $rc" >&2 ;;
esac
exit "$rc"
