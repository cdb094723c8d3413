#!/bin/sh
# arrays_vs_stream.sh: wavebench's arrays suite against the machine's memory bandwidth
# (baselines/stream.c, STREAM-style) and against NumPy, all in one run, on n doubles.
#
# Runs, in this order and ROUNDS times: stream on 1 and 2 OpenMP threads, wavebench's
# arrays suite on 1 rank and on 2 ranks (the 2-rank run includes the serial baseline:
# rank 0 alone over the whole array, same code), and baselines/numpy_arrays.py. Prints, from
# the medians over repetitions (best round):
#   1. each operation's GB/s as a fraction of the matching STREAM kernel (sum, min, max,
#      norm: sum; dot: dot; scale: scale; add: add; axpy: triad; cumsum, slice: copy),
#      at 1 rank / 1 thread and at 2 ranks / 2 threads;
#   2. the 2-rank speedup over the serial baseline against STREAM's own 2-thread/1-thread
#      scaling of the matching kernel;
#   3. wavebench / NumPy speedup (NumPy time / wavebench time) at 1 and 2 ranks.
# stream.c is compiled with wavebench's own CC and CFLAGS (read from the build's
# Makefile) plus -fopenmp, into a scratch directory.
# usage: baselines/arrays_vs_stream.sh [WAVEBENCH] (default ./wavebench, in its build dir)
#        env N (1e8 elements), REPS (10), ROUNDS (1)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
wavebench=$(cd "$(dirname "${1:-./wavebench}")" && pwd)/$(basename "${1:-./wavebench}")
builddir=$(dirname "$wavebench")
n=${N:-1e8}
reps=${REPS:-10}
rounds=${ROUNDS:-1}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
work=$(mktemp -d /tmp/wb-arrays-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkvar() { sed -n "s/^$1 = //p" "$builddir/Makefile" | head -1; }
cc=$(mkvar CC)
flags="$(mkvar WB_CFLAGS) $(mkvar CFLAGS)"
echo "# stream.c: $cc $flags -fopenmp"
# shellcheck disable=SC2086
$cc $flags -fopenmp -o "$work/stream" "$here/stream.c" -lm

for round in $(seq 1 "$rounds"); do
    OMP_NUM_THREADS=1 OMP_PROC_BIND=spread "$work/stream" "$n" "$reps" > "$work/stream1.$round"
    OMP_NUM_THREADS=2 OMP_PROC_BIND=spread "$work/stream" "$n" "$reps" > "$work/stream2.$round"
    mpirun -q -np 1 --bind-to core "$wavebench" --suite arrays --array-size "$n" \
        --array-datatype double --array-repetitions "$reps" --serial-baseline=false --quiet \
        --output-dir "$work" --output "wb1.$round.h5"
    mpirun -q -np 2 --bind-to core "$wavebench" --suite arrays --array-size "$n" \
        --array-datatype double --array-repetitions "$reps" --quiet \
        --output-dir "$work" --output "wb2.$round.h5"
    /usr/bin/python3 "$here/numpy_arrays.py" "$n" "$reps" > "$work/numpy.$round"
done

/usr/bin/python3 - "$work" "$rounds" "$n" <<'PY'
import sys
import h5py

work, rounds, n = sys.argv[1], int(sys.argv[2]), sys.argv[3]
MATCH = {"sum": "sum", "min": "sum", "max": "sum", "norm": "sum", "dot": "dot",
         "scale": "scale", "add": "add", "axpy": "triad", "cumsum": "copy", "slice": "copy"}
ELEMENTWISE = {"scale", "add", "axpy"}
REDUCTIONS = {"sum", "min", "max", "dot", "norm"}


def stream(path):
    out = {}
    for line in open(path):
        if not line.startswith("#"):
            f = line.split()
            out[f[0]] = float(f[5])  # GB/s at the median
    return out


def best(values):
    return max(values)


s1, s2, w1, w2, ws, sp, npy = {}, {}, {}, {}, {}, {}, {}
ops, info = [], ""
for r in range(1, rounds + 1):
    for k, v in stream(f"{work}/stream1.{r}").items():
        s1.setdefault(k, []).append(v)
    for k, v in stream(f"{work}/stream2.{r}").items():
        s2.setdefault(k, []).append(v)
    for path, dest in ((f"{work}/wb1.{r}.h5", w1), (f"{work}/wb2.{r}.h5", w2)):
        with h5py.File(path) as f:
            g = f["arrays/ops"]
            for i, op in enumerate(x.decode() for x in g["op"][:]):
                if op not in ops:
                    ops.append(op)
                dest.setdefault(op, []).append((float(g["gbps"][i]), float(g["time"][i])))
                if dest is w2:
                    ws.setdefault(op, []).append(float(g["serial_gbps"][i]))
                    sp.setdefault(op, []).append(float(g["speedup"][i]))
            info = f"{f.attrs['cpu_model'].decode()}, {f.attrs['cpus_online']} CPUs; {f.attrs['mpi_library'].decode().split(',')[0]}; huge pages: {g.attrs['huge_pages'].decode()}"
    for line in open(f"{work}/numpy.{r}"):
        if line.startswith("#"):
            nphead = line.strip()
        else:
            op, med, _ = line.split()
            npy.setdefault(op, []).append(float(med) * 1e3)

print(f"# n = {n} doubles, medians over repetitions, best of {rounds} round(s); {info}")
print(f"{nphead}")
print("#\n# 1. GB/s as a fraction of the matching STREAM kernel (target >= 0.9 for element-wise ops and reductions)")
print(f"# {'op':<7} {'STREAM':<6} {'1 thr':>7} {'np 1':>7} {'frac':>6} {'2 thr':>7} {'np 2':>7} {'frac':>6}")
worst = 1e9
for op in ops:
    k = MATCH[op]
    a1, b1 = best(s1[k]), best(g for g, _ in w1[op])
    a2, b2 = best(s2[k]), best(g for g, _ in w2[op])
    if op in ELEMENTWISE or op in REDUCTIONS:
        worst = min(worst, b1 / a1, b2 / a2)
    note = "" if op in ELEMENTWISE or op in REDUCTIONS else "  (not element-wise; see notes)"
    print(f"  {op:<7} {k:<6} {a1:7.2f} {b1:7.2f} {b1 / a1:6.2f} {a2:7.2f} {b2:7.2f} {b2 / a2:6.2f}{note}")
print(f"# lowest fraction over element-wise ops and reductions: {worst:.2f} ({'met' if worst >= 0.9 else 'MISSED'})")
print("#\n# 2. 2-rank speedup over the serial baseline (same run) vs STREAM's 2-thread/1-thread scaling")
print(f"# {'op':<7} {'serial GB/s':>11} {'speedup':>8} {'STREAM x':>9} {'ratio':>6}")
worst = 1e9
for op in ops:
    k = MATCH[op]
    su, scal = best(sp[op]), best(s2[k]) / best(s1[k])
    worst = min(worst, su / scal)
    print(f"  {op:<7} {best(ws[op]):11.2f} {su:8.2f} {scal:9.2f} {su / scal:6.2f}")
print(f"# lowest ratio: {worst:.2f} (target >= 0.9: {'met' if worst >= 0.9 else 'MISSED'})")
print("#\n# 3. wavebench vs NumPy: time in ms (median), speedup = NumPy time / wavebench time")
print(f"# {'op':<7} {'NumPy':>9} {'np 1':>9} {'np 2':>9} {'x np1':>7} {'x np2':>7}")
for op in ops:
    t0 = min(npy[op])
    t1 = min(t for _, t in w1[op])
    t2 = min(t for _, t in w2[op])
    print(f"  {op:<7} {t0:9.2f} {t1:9.2f} {t2:9.2f} {t0 / t1:7.2f} {t0 / t2:7.2f}")
PY
