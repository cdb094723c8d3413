#!/bin/sh
# gpu_collectives_vs_nccl.sh: does wavebench's NCCL harness add anything to ncclAllReduce?
# In one run, alternating ROUNDS times on NP ranks (one GPU each): wavebench's allreduce
# sweep with --backend cuda (float, sum, out-of-place, 8 B to 1 GiB) and
# baselines/nccl_bare_allreduce.c (the same loop, sizes, warm-up, repetitions and CUDA-event
# timing, nothing else). Prints per size the median over rounds of each side's busbw and the
# ratio wavebench / bare. Target: at least 0.97 at every size (busbw within 3%).
# usage: baselines/gpu_collectives_vs_nccl.sh [WAVEBENCH]   env: ROUNDS (5), NP (GPUs on this
#   node), MAX (1G), CUDA (/usr/local/cuda), BARE (a prebuilt nccl_bare_allreduce)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
wavebench=${1:-./wavebench}
cuda=${CUDA:-/usr/local/cuda}
rounds=${ROUNDS:-5}
np=${NP:-$(nvidia-smi -L | wc -l)}
min=8 max=${MAX:-1G} reps=5 warmup=5
case $max in *G) max=$((${max%G} << 30)) ;; *M) max=$((${max%M} << 20)) ;; esac
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d /tmp/wb-nccl.XXXXXX)
trap 'rm -rf "$work"' EXIT

# BARE: the bare loop built beforehand (gpu_check.sh prepare), for machines without a compiler.
bare=${BARE:-$work/bare}
[ -n "${BARE:-}" ] || mpicc -O2 -I"$cuda/include" -o "$bare" "$here/nccl_bare_allreduce.c" \
    -L"$cuda/lib64" -Wl,-rpath,"$cuda/lib64" -lnccl -lcudart
for round in $(seq 1 "$rounds"); do
    mpirun -q -np "$np" "$wavebench" --suite collectives --backend cuda --coll allreduce -d float \
        -o sum --placement out -b $min -e $max -f 2 -w $warmup -R $reps --quiet \
        --output-dir "$work" --output "wb$round.h5"
    mpirun -q -np "$np" "$bare" $min $max 2 $warmup $reps > "$work/bare$round.txt"
done

/usr/bin/python3 - "$work" "$rounds" "$np" <<'PY'
import statistics, sys
import h5py
work, rounds, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
factor = 2 * (n - 1) / n if n > 1 else 1.0  # busbw factor; on 1 rank compare algbw
wb, bare = {}, {}
for r in range(1, rounds + 1):
    g = h5py.File(f"{work}/wb{r}.h5")["collectives/allreduce"]
    assert (g.attrs["library"].decode() if isinstance(g.attrs["library"], bytes) else g.attrs["library"]) == "NCCL"
    for size, t in zip(g["size"][:], g["oop_time"][:]):
        wb.setdefault(int(size), []).append(size / (t * 1e-6) / 1e9 * factor)
    for line in open(f"{work}/bare{r}.txt"):
        size, t = line.split()
        bare.setdefault(int(size), []).append(int(size) / (float(t) * 1e-6) / 1e9 * factor)
print(f"# allreduce float sum out-of-place, {n} ranks, median busbw over {rounds} rounds (GB/s)")
print(f"# {'bytes':>12} {'wavebench':>10} {'bare':>10} {'ratio':>7}")
worst = 1e9
for size in sorted(set(wb) & set(bare)):
    a, b = statistics.median(wb[size]), statistics.median(bare[size])
    worst = min(worst, a / b)
    print(f"  {size:>12} {a:>10.3f} {b:>10.3f} {a / b:>7.3f}")
print(f"# worst ratio {worst:.3f} (target >= 0.97)")
PY
