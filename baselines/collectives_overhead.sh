#!/bin/sh
# collectives_overhead.sh: does wavebench's harness add anything to MPI_Allreduce?
# In one run, at np 2, alternating ROUNDS times: wavebench's allreduce sweep (float, sum,
# out-of-place, 8 B to 64 MiB) and baselines/bare_allreduce.c (the same loop, nothing else).
# Prints per size the median over rounds of each side's time and their ratio, and the
# ratio of the fastest rounds (noise only ever adds time, so best-of shows what the
# harness itself adds). Target: at most 1.05 at every size.
# usage: baselines/collectives_overhead.sh [WAVEBENCH] (default ./wavebench); env ROUNDS (5), NP (2)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
wavebench=${1:-./wavebench}
rounds=${ROUNDS:-5}
np=${NP:-2}
min=8 max=$((64 << 20)) reps=5 warmup=5
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d /tmp/wb-overhead.XXXXXX)
trap 'rm -rf "$work"' EXIT

mpicc -O2 -o "$work/bare" "$here/bare_allreduce.c"
for round in $(seq 1 "$rounds"); do
    mpirun -q -np "$np" "$wavebench" --suite collectives --coll allreduce -d float -o sum \
        --placement out -b $min -e $max -f 2 -w $warmup -R $reps --quiet \
        --output-dir "$work" --output "wb$round.h5"
    mpirun -q -np "$np" "$work/bare" $min $max 2 $warmup $reps > "$work/bare$round.txt"
done

/usr/bin/python3 - "$work" "$rounds" <<'PY'
import statistics, sys
import h5py
work, rounds = sys.argv[1], int(sys.argv[2])
wb, bare = {}, {}
for r in range(1, rounds + 1):
    with h5py.File(f"{work}/wb{r}.h5") as f:
        g = f["collectives/allreduce"]
        for size, t in zip(g["size"][:], g["oop_time"][:]):
            wb.setdefault(int(size), []).append(float(t))
        mpi = f.attrs["mpi_library"].decode()
    for line in open(f"{work}/bare{r}.txt"):
        size, t = line.split()
        bare.setdefault(int(size), []).append(float(t))
print(f"# allreduce float sum, out-of-place, np 2, {rounds} alternating rounds; {mpi}")
print(f"# {'size (B)':>12} {'wavebench us':>13} {'bare us':>10} {'ratio':>7} {'best-of ratio':>14}")
worst = worst_best = 0
for size in sorted(wb):
    a, b = statistics.median(wb[size]), statistics.median(bare[size])
    best = min(wb[size]) / min(bare[size])
    worst, worst_best = max(worst, a / b), max(worst_best, best)
    print(f"  {size:>12} {a:>13.2f} {b:>10.2f} {a / b:>7.3f} {best:>14.3f}")
print(f"# worst median ratio {worst:.3f}, worst best-of ratio {worst_best:.3f} (target <= 1.05): "
      f"{'met' if worst <= 1.05 else 'MISSED'}")
PY
