#!/bin/sh
# arrays_vs_stream.sh: wavebench's arrays suite against the machine's memory bandwidth
# (baselines/stream.c, STREAM-style) and against NumPy, all in one run, on n doubles.
#
# Runs, in this order and ROUNDS times (alternating, so drifts of a shared VM hit every
# side alike): stream on 1 and 2 OpenMP threads, wavebench's arrays suite on 1 rank and
# on 2 ranks (the 2-rank run includes the serial baseline: rank 0 alone over the whole
# array, same code), and baselines/numpy_arrays.py with 1 and with 2 BLAS threads (NumPy
# is single-threaded but for dot and norm, which are BLAS calls). Prints, from the
# medians over repetitions (best round):
#   1. each operation's GB/s as a fraction of the matching STREAM kernel (sum, min, max,
#      norm: sum; dot: dot; scale: scale; add: add; axpy: triad; cumsum, slice: copy),
#      at 1 rank / 1 thread and at 2 ranks / 2 threads;
#   2. the 2-rank speedup over the serial baseline against STREAM's own 2-thread/1-thread
#      scaling of the matching kernel (cumsum's target is 0.6 x that x 2/1.5: its 2-rank
#      form reads its input twice);
#   3. wavebench / NumPy speedup (NumPy time / wavebench time), 1 rank against NumPy with
#      1 BLAS thread, 2 ranks against 2 BLAS threads;
# and the BLAS kernels each side runs (OpenBLAS's own answer) with any OPENBLAS_*
# override in the environment (the environment is passed through unchanged).
# stream.c is compiled -O3 -march=native -fopenmp (the strongest form of the bound, as
# STREAM is usually built), into a scratch directory; wavebench runs as it was built.
# usage: baselines/arrays_vs_stream.sh [WAVEBENCH] (default ./wavebench, in its build dir)
#        env N (1e8 elements), REPS (10), ROUNDS (3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
wavebench=$(cd "$(dirname "${1:-./wavebench}")" && pwd)/$(basename "${1:-./wavebench}")
builddir=$(dirname "$wavebench")
n=${N:-1e8}
reps=${REPS:-10}
rounds=${ROUNDS:-3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
work=$(mktemp -d /tmp/wb-arrays-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

cc=$(sed -n "s/^CC = //p" "$builddir/Makefile" | head -1)
flags="-std=c11 -O3 -march=native -fopenmp"
echo "# stream.c: $cc $flags"
# shellcheck disable=SC2086
$cc $flags -o "$work/stream" "$here/stream.c" -lm

for round in $(seq 1 "$rounds"); do
    OMP_NUM_THREADS=1 OMP_PROC_BIND=spread "$work/stream" "$n" "$reps" > "$work/stream1.$round"
    OMP_NUM_THREADS=2 OMP_PROC_BIND=spread "$work/stream" "$n" "$reps" > "$work/stream2.$round"
    mpirun -q -np 1 --bind-to core "$wavebench" --suite arrays --array-size "$n" \
        --array-datatype double --array-repetitions "$reps" --serial-baseline=false --quiet \
        --output-dir "$work" --output "wb1.$round.h5"
    mpirun -q -np 2 --bind-to core "$wavebench" --suite arrays --array-size "$n" \
        --array-datatype double --array-repetitions "$reps" --quiet \
        --output-dir "$work" --output "wb2.$round.h5"
    for t in 1 2; do
        OPENBLAS_NUM_THREADS=$t /usr/bin/python3 "$here/numpy_arrays.py" "$n" "$reps" \
            > "$work/numpy$t.$round"
    done
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


s1, s2, w1, w2, ws, sp, npy1, npy2 = {}, {}, {}, {}, {}, {}, {}, {}
ops, info, wbblas, nphead = [], "", "", {}
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
            wbblas = (f"# wavebench: kernels {g.attrs['kernel_variant'].decode()}; "
                      f"BLAS {f.attrs['blas'].decode()}, core {f.attrs['blas_core'].decode()}"
                      f"{'; ' + f.attrs['blas_warning'].decode() if f.attrs['blas_warning'] else ''}")
    for t, dest in ((1, npy1), (2, npy2)):
        for line in open(f"{work}/numpy{t}.{r}"):
            if line.startswith("#"):
                nphead[t] = line.strip()
            else:
                op, med, _ = line.split()
                dest.setdefault(op, []).append(float(med) * 1e3)

print(f"# n = {n} doubles, medians over repetitions, best of {rounds} round(s); {info}")
print(nphead[1])
print(nphead[2])
print(wbblas)
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
print("#    (target: ratio >= 0.9; cumsum >= 0.6 x 2/1.5 = 0.8, as it reads its input twice)")
print(f"# {'op':<7} {'serial GB/s':>11} {'speedup':>8} {'STREAM x':>9} {'ratio':>6} {'target':>6}")
missed = []
for op in ops:
    k = MATCH[op]
    su, scal = best(sp[op]), best(s2[k]) / best(s1[k])
    target = 0.8 if op == "cumsum" else 0.9
    if su / scal < target:
        missed.append(op)
    print(f"  {op:<7} {best(ws[op]):11.2f} {su:8.2f} {scal:9.2f} {su / scal:6.2f} {target:6.2f}")
print(f"# targets: {'met' if not missed else 'MISSED by ' + ', '.join(missed)}")
print("#\n# 3. wavebench vs NumPy: time in ms (median), speedup = NumPy time / wavebench time")
print("#    (np 1 against NumPy with 1 BLAS thread, np 2 against 2; target: no slower, >= 1)")
print(f"# {'op':<7} {'NumPy 1':>9} {'np 1':>9} {'x np1':>7} {'NumPy 2':>9} {'np 2':>9} {'x np2':>7}")
worst = 1e9
for op in ops:
    a, b = min(npy1[op]), min(npy2[op])
    t1 = min(t for _, t in w1[op])
    t2 = min(t for _, t in w2[op])
    worst = min(worst, a / t1, b / t2)
    print(f"  {op:<7} {a:9.2f} {t1:9.2f} {a / t1:7.2f} {b:9.2f} {t2:9.2f} {b / t2:7.2f}")
print(f"# lowest speedup: {worst:.2f} ({'met' if worst >= 1 else 'MISSED'})")
PY
