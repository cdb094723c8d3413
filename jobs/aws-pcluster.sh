#!/bin/bash
# jobs/aws-pcluster.sh: run wavebench on an AWS ParallelCluster (Slurm) GPU
# queue with EFA, the way AWS's own NCCL test jobs run: Open MPI from
# /opt/amazon/openmpi, libfabric's EFA provider, NCCL through the aws-ofi-nccl
# plugin, one rank per GPU. The cluster it expects is jobs/pcluster.yaml.
#
#   sbatch jobs/aws-pcluster.sh [wavebench options]
#   sbatch --nodes=4 jobs/aws-pcluster.sh --suite collectives -b 8 -e 4G
#
# Without EFA or without GPUs (a CPU queue, a laptop's one-node Slurm) it says
# so and falls back: Open MPI's default transports, the CPU backend, and the
# ranks per node that Slurm gave. Headers a CPU cluster would reject can be
# overridden on the command line, e.g.
#   sbatch --nodes=1 --ntasks-per-node=2 --gpus-per-node=0 jobs/aws-pcluster.sh
#
# Results: $WB_OUTPUT_DIR/wavebench-$SLURM_JOB_ID.h5 (default: results/ in
# the submit directory, which ParallelCluster shares from the head node; use
# /fsx where there is FSx for Lustre). The job's exit code is wavebench's
# (0 ok, 1 runtime, 2 usage, 3 a result failed its check, 4 interrupted).
#
# Environment: WB_BIN, WB_OUTPUT_DIR, WB_LAUNCHER (mpirun, the default, or
# srun), WB_MPIRUN, WB_RANKS_PER_NODE (default: GPUs per node), WB_BACKEND
# (default: cuda with GPUs, else cpu), NCCL_DEBUG (default INFO: the log then
# shows "NET/OFI Selected Provider is efa"), WB_JOB_HELPER (as in jobs/slurm.sh).
#
#SBATCH --job-name=wavebench-aws
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=8
#SBATCH --gpus-per-node=8
#SBATCH --exclusive
#SBATCH --wait-all-nodes=1
#SBATCH --time=01:00:00
#SBATCH --output=%x_%j.out
#SBATCH --signal=B:TERM@120

set -u

die() {
    echo "wavebench job: error: $*" >&2
    exit 2
}
note() {
    echo "wavebench job: $*" >&2
}

[ -n "${SLURM_JOB_ID:-}" ] || die "not inside a Slurm job: submit with 'sbatch $0'"
submit_dir=${SLURM_SUBMIT_DIR:-$PWD}
nodes=${SLURM_JOB_NUM_NODES:-1}

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

# ---- Open MPI: AWS's build (EFA-aware) first, then the module, then PATH.
if [ -x /opt/amazon/openmpi/bin/mpirun ]; then
    export PATH=/opt/amazon/openmpi/bin:$PATH
    export LD_LIBRARY_PATH=/opt/amazon/openmpi/lib64:/opt/amazon/openmpi/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
elif type module >/dev/null 2>&1 && module load openmpi >/dev/null 2>&1; then
    note "using Open MPI from 'module load openmpi'"
else
    note "/opt/amazon/openmpi not found: using the mpirun on PATH ($(command -v mpirun || echo none))"
fi

# ---- wavebench
if [ -n "${WB_BIN:-}" ]; then
    bin=$WB_BIN
elif command -v wavebench >/dev/null 2>&1; then
    bin=$(command -v wavebench)
else
    bin=$submit_dir/wavebench
fi
[ -x "$bin" ] || die "wavebench not found or not executable: '$bin' (set WB_BIN, or put wavebench on PATH)"

out_dir=${WB_OUTPUT_DIR:-$submit_dir/results}
mkdir -p "$out_dir" || die "cannot create output directory '$out_dir'"
# A requeued job (SLURM_RESTART_COUNT) keeps the earlier attempts' results.
out_name=wavebench-$SLURM_JOB_ID${SLURM_RESTART_COUNT:+-r$SLURM_RESTART_COUNT}.h5

# ---- GPUs on this node: what Slurm gave, else what nvidia-smi sees.
gpus=0
if [ -n "${SLURM_GPUS_ON_NODE:-}" ]; then
    gpus=$SLURM_GPUS_ON_NODE
elif command -v nvidia-smi >/dev/null 2>&1; then
    gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ' || true)
fi
case $gpus in ''|*[!0-9]*) gpus=0 ;; esac

if [ "$gpus" -gt 0 ]; then
    backend=${WB_BACKEND:-cuda}
    ppn=${WB_RANKS_PER_NODE:-$gpus}
    [ "$ppn" -eq "$gpus" ] || note "WB_RANKS_PER_NODE=$ppn differs from the $gpus GPUs per node"
else
    backend=${WB_BACKEND:-cpu}
    ppn=${WB_RANKS_PER_NODE:-${SLURM_NTASKS_PER_NODE:-1}}
    ppn=${ppn%%(*}   # "2(x3)" -> 2
    note "no GPUs on this node: falling back to the CPU backend with $ppn ranks per node"
fi
np=$((ppn * nodes))

# ---- EFA: libfabric's efa provider and the aws-ofi-nccl plugin.
efa=no
if [ -x /opt/amazon/efa/bin/fi_info ] &&
    /opt/amazon/efa/bin/fi_info -p efa -t FI_EP_RDM >/dev/null 2>&1; then
    efa=yes
fi
# (Empty arrays are expanded as ${a[@]+"${a[@]}"}: bash 4.2, Amazon Linux 2's,
# calls a plain "${a[@]}" of an empty array unbound under set -u.)
mca=()
xenv=()
if [ "$efa" = yes ]; then
    export FI_PROVIDER=efa
    export FI_EFA_FORK_SAFE=1
    export NCCL_DEBUG=${NCCL_DEBUG:-INFO}
    export NCCL_SOCKET_IFNAME=${NCCL_SOCKET_IFNAME:-^docker,lo,veth}
    libs=/opt/amazon/efa/lib64:/opt/amazon/efa/lib
    for d in /opt/amazon/ofi-nccl/lib /opt/amazon/ofi-nccl/lib64 /opt/aws-ofi-nccl/lib; do
        [ -d "$d" ] && libs=$libs:$d
    done
    export LD_LIBRARY_PATH=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    if [ -f /opt/amazon/ofi-nccl/lib/libnccl-ofi-tuner.so ]; then
        export NCCL_TUNER_PLUGIN=/opt/amazon/ofi-nccl/lib/libnccl-ofi-tuner.so
        xenv+=(-x NCCL_TUNER_PLUGIN)
    fi
    # MPI goes through libfabric (EFA), not UCX; NCCL through aws-ofi-nccl.
    mca=(--mca pml ^ucx --mca btl tcp,self --mca btl_tcp_if_exclude lo,docker0,veth_def_agent)
    xenv+=(-x FI_PROVIDER -x FI_EFA_FORK_SAFE -x NCCL_DEBUG -x NCCL_SOCKET_IFNAME -x LD_LIBRARY_PATH)
    note "EFA found: FI_PROVIDER=efa, NCCL over aws-ofi-nccl"
else
    [ -n "${LD_LIBRARY_PATH:-}" ] && xenv+=(-x LD_LIBRARY_PATH)
    note "EFA not found (no /opt/amazon/efa or no efa provider in fi_info): using Open MPI's default transports; inter-node numbers will not be EFA's"
fi

# ---- launch
launcher=${WB_LAUNCHER:-mpirun}
case $launcher in
    mpirun)
        read -r -a cmd <<<"${WB_MPIRUN:-mpirun}"
        cmd+=(-np "$np" --map-by "ppr:$ppn:node" --bind-to none ${mca[@]+"${mca[@]}"} ${xenv[@]+"${xenv[@]}"})
        ;;
    srun)
        # The container path (pyxis) launches like this too.
        cmd=(srun --mpi=pmix --cpu-bind=none --ntasks="$np" --ntasks-per-node="$ppn")
        ;;
    *)
        die "WB_LAUNCHER='$launcher': must be mpirun or srun"
        ;;
esac
cmd+=("$bin" --backend "$backend" --output-dir "$out_dir" --output "$out_name" "$@")

echo "# wavebench job $SLURM_JOB_ID (${SLURM_JOB_NAME:-wavebench-aws}) on $nodes node(s): ${SLURM_JOB_NODELIST:-?}"
echo "# GPUs per node: $gpus, ranks: $np ($ppn per node), backend: $backend, EFA: $efa, launcher: $launcher"
echo "# results: $out_dir/$out_name"
echo "# command: ${cmd[*]}"

# Passes SIGTERM on to the ranks and exits with wavebench's code (wavebench-job.sh).
wb_job_bin=$bin
wb_job_run "$launcher" "$out_dir/$out_name" "${cmd[@]}"
