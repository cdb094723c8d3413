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
#   WB_JOB_HELPER  jobs/wavebench-job.sh, the part the job scripts share
#                  (default: found beside this script as submitted, else in
#                  jobs/ of the submit directory)
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

# ---- the part every job script shares: jobs/wavebench-job.sh. sbatch runs a
# copy of this script from Slurm's spool directory, so the helper is looked for
# beside the script as it was submitted (scontrol's Command, relative to the
# submit directory), beside $0 (run without sbatch), then in jobs/ of the
# submit directory; WB_JOB_HELPER names it outright.
find_helper() {
    if [ -n "${WB_JOB_HELPER:-}" ]; then
        echo "$WB_JOB_HELPER"
        return
    fi
    local script dir
    script=$(scontrol show job "$SLURM_JOB_ID" 2>/dev/null | sed -n 's/^ *Command=//p')
    [ $# -gt 0 ] && script=${script% "$*"} # Command= is the script, then its arguments
    case $script in '' | /*) ;; *) script=$submit_dir/$script ;; esac
    for dir in ${script:+"${script%/*}"} "${0%/*}" "$submit_dir/jobs"; do
        if [ -f "$dir/wavebench-job.sh" ]; then
            echo "$dir/wavebench-job.sh"
            return
        fi
    done
}
helper=$(find_helper "$@")
[ -n "$helper" ] || die "jobs/wavebench-job.sh not found beside the submitted script or in $submit_dir/jobs: submit from the wavebench directory, or set WB_JOB_HELPER to its path"
[ -f "$helper" ] || die "WB_JOB_HELPER=$helper: no such file"
# shellcheck source=jobs/wavebench-job.sh
. "$helper"

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
# A requeued job (SLURM_RESTART_COUNT) keeps the earlier attempts' results.
out_name=wavebench-$SLURM_JOB_ID${SLURM_RESTART_COUNT:+-r$SLURM_RESTART_COUNT}.h5

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

# Passes SIGTERM on to the ranks and exits with wavebench's code (wavebench-job.sh).
wb_job_bin=$bin
wb_job_run "$launcher" "$out_dir/$out_name" "${cmd[@]}"
