#!/bin/sh
# gpu_check.sh: everything a first run on a GPU machine must do, in order, one summary line
# per step and a final "N passed, N failed"; within 8 minutes on one GPU.
#
#   baselines/gpu_check.sh prepare BUILD   on the CPU machine, after a CUDA build in BUILD:
#                                          builds the test programs and the bare NCCL loop
#   baselines/gpu_check.sh run BUILD       on the GPU machine, with BUILD carried over
#                                          (no configure or make there)
#
# Steps of run: device probe; kernel tests; host-executor and device-map tests; the NCCL
# sweep at np 1 from 8 B to 1 GiB with #wrong 0 (exit 0); a corrupted NCCL result exits 3;
# the cuda-vs-cpu PINN trajectories (tests/gpu/test_gpu_pinn.sh: fp64 1e-8, fp32 5e-3);
# the NaN abort (exit 1 on every rank, one line); both GPU benchmarks (NCCL harness vs a
# bare ncclAllReduce loop; PINN cuda vs PyTorch on the GPU); compute-sanitizer memcheck of a
# short PINN and collectives run. A step whose tool is missing on the machine fails and
# says which tool.
set -u
mode=${1:-}
build=$(cd "${2:-build}" 2>/dev/null && pwd) || { echo "gpu_check: no build directory '${2:-build}'" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
cuda=${CUDA:-/usr/local/cuda}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

wavebench=$build/wavebench
passed=0 failed=0

# step NAME COMMAND...: runs one step with its output in $work/NAME.log, bounded in time;
# COMMAND may be a function of this script (run as `gpu_check.sh fn BUILD COMMAND...`).
step() {
    name=$1
    shift
    t0=$(date +%s)
    if WB_WORK=$work timeout -k 10 "${STEP_LIMIT:-300}" sh "$0" fn "$build" "$@" > "$work/$name.log" 2>&1; then
        passed=$((passed + 1))
        echo "PASS: $name ($(($(date +%s) - t0)) s)"
    else
        failed=$((failed + 1))
        echo "FAIL: $name ($(($(date +%s) - t0)) s): $(tail -n 3 "$work/$name.log" | tr '\n' ' ')"
    fi
    [ -n "${VERBOSE:-}" ] && cat "$work/$name.log"
}

need() { command -v "$1" > /dev/null || { echo "missing tool on this machine: $1"; return 1; }; }

# expect CODE COMMAND...: the command exits CODE.
expect() {
    want=$1
    shift
    "$@"
    rc=$?
    [ "$rc" -eq "$want" ] || { echo "exit $rc, not $want"; return 1; }
}

nccl_sweep() {
    mpirun -q -np 1 "$wavebench" --suite collectives --backend cuda -b 8 -e 1G -f 4 \
        -d float,double,int32 -o sum,max --quiet --output-dir "$work" --output sweep.h5 &&
        "$wavebench" report "$work/sweep.h5" | grep -E '^# verdict: PASSED'
}

nan_abort() {
    mpirun -q -np 1 "$wavebench" --suite pinn --backend cuda --pinn-iters 20 --quiet \
        --debug-corrupt-rank 0 --debug-nan-iteration 5 --output-dir "$work" --output nan.h5 \
        2> "$work/nan.err"
    rc=$?
    cat "$work/nan.err"
    [ "$rc" -eq 1 ] && [ "$(grep -c 'error' "$work/nan.err")" -eq 1 ] && grep -q 'not finite' "$work/nan.err"
}

pinn_trajectories() {
    need /usr/bin/python3 && /usr/bin/python3 -c 'import h5py, numpy' &&
        WAVEBENCH=$wavebench WB_SRCDIR=$src WB_BUILDDIR=$build MPIRUN=mpirun \
            sh "$src/tests/gpu/test_gpu_pinn.sh"
}

memcheck() {
    sanitizer=$cuda/bin/compute-sanitizer
    [ -x "$sanitizer" ] || sanitizer=$(command -v compute-sanitizer) || { echo "missing tool: compute-sanitizer"; return 1; }
    "$sanitizer" --tool memcheck --error-exitcode 9 "$wavebench" --suite pinn --backend cuda \
        --pinn-iters 3 --interior-points 2048 --quiet --output-dir "$work" --output mc1.h5 &&
        "$sanitizer" --tool memcheck --error-exitcode 9 "$wavebench" --suite collectives \
            --backend cuda -e 64K --quiet --output-dir "$work" --output mc2.h5
}

case $mode in
prepare)
    grep -q '^#define WB_HAVE_CUDA 1' "$build/config.h" ||
        { echo "gpu_check: $build is not a CUDA build (configure found no CUDA)" >&2; exit 2; }
    make -C "$build" -s -j"$(nproc)" all &&
        make -C "$build" -s -j"$(nproc)" tests/gpu/gpu_probe tests/gpu/test_gpu_kernels \
            tests/gpu/test_gpu_host tests/gpu/test_gpu_device &&
        mpicc -O2 -I"$cuda/include" -o "$build/nccl_bare_allreduce" "$here/nccl_bare_allreduce.c" \
            -L"$cuda/lib64" -Wl,-rpath,"$cuda/lib64" -lnccl -lcudart ||
        { echo "gpu_check: prepare failed" >&2; exit 1; }
    echo "gpu_check: $build is ready; carry it to the GPU machine and run: $0 run $build"
    exit 0
    ;;
fn)
    work=$WB_WORK
    shift 2
    "$@"
    exit
    ;;
run) ;;
*) echo "usage: baselines/gpu_check.sh prepare|run BUILD" >&2; exit 2 ;;
esac

work=$(mktemp -d /tmp/wb-gpu-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
step probe "$build/tests/gpu/gpu_probe"
step kernels "$build/tests/gpu/test_gpu_kernels"
step host-executor "$build/tests/gpu/test_gpu_host"
step device-map "$build/tests/gpu/test_gpu_device"
step nccl-sweep-1GiB nccl_sweep
step nccl-corrupt-exit-3 expect 3 mpirun -q -np 1 "$wavebench" --suite collectives --backend cuda \
    --coll allreduce -e 4K --debug-corrupt-rank 0 --quiet --output-dir "$work" --output bad.h5
step pinn-cuda-vs-cpu pinn_trajectories
step pinn-nan-abort nan_abort
step bench-nccl-vs-bare env ROUNDS=3 MAX=1G NP=1 BARE="$build/nccl_bare_allreduce" \
    sh "$here/gpu_collectives_vs_nccl.sh" "$wavebench"
step bench-pinn-vs-torch env ITERS=100 TORCH_ITERS=30 sh "$here/gpu_pinn_vs_torch.sh" "$wavebench"
step compute-sanitizer memcheck
for b in bench-nccl-vs-bare bench-pinn-vs-torch; do
    echo "== $b"
    cat "$work/$b.log"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
