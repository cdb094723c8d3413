#!/bin/sh
# PINN training with --backend cuda against --backend cpu, same configuration: the loss
# trajectories agree (fp64: relative 1e-8 over 60 iterations; fp32: 5e-3 over 20), the
# tables are the CPU backend's with backend "cuda", checkpoints resume. Skips (77) without
# a CUDA device.
. "$WB_SRCDIR/tests/lib/common.sh"
ndev=$("$WB_BUILDDIR/tests/gpu/gpu_probe") || { echo "$ndev"; exit 77; }
net="--suite pinn --problem wave1d --width 32 --depth 3 --interior-points 4096 --initial-points 512 --boundary-points 512 --log-every 1 --eval-grid 16 --quiet"

run() { # NP BACKEND PRECISION ITERS NAME [more options]
    np=$1 backend=$2 prec=$3 iters=$4 name=$5
    shift 5
    # shellcheck disable=SC2086
    wb_mpi "$np" $net --backend "$backend" --precision "$prec" --pinn-iters "$iters" \
        --output-dir "$scratch" --output "$name.h5" "$@" || fail "$name: exit $?"
}

compare() { # CPU GPU RTOL
    /usr/bin/python3 - "$scratch/$1.h5" "$scratch/$2.h5" "$3" <<'PY'
import sys, h5py, numpy as np
c, g, rtol = h5py.File(sys.argv[1]), h5py.File(sys.argv[2]), float(sys.argv[3])
b = g["pinn/summary"].attrs["backend"]
b = b.decode() if isinstance(b, bytes) else b
assert b == "cuda", f"summary backend is {b!r}, not cuda (train.c not wired?)"
for t in ("pinn/summary", "pinn/history", "pinn/solution", "pinn/model"):
    assert t in g, t
lc, lg = c["pinn/history/loss"][:], g["pinn/history/loss"][:]
assert len(lc) == len(lg), (len(lc), len(lg))
rel = np.abs(lc - lg) / np.abs(lc)
print(f"{sys.argv[2]}: {len(lc)} iterations, max relative loss difference {rel.max():.3e}")
assert rel.max() <= rtol
PY
}

run 1 cpu fp64 60 cpu64
run 1 cuda fp64 60 gpu64
compare cpu64 gpu64 1e-8 || fail "fp64 trajectories differ"
run 1 cpu fp32 20 cpu32
run 1 cuda fp32 20 gpu32
compare cpu32 gpu32 5e-3 || fail "fp32 trajectories differ"
if [ "$ndev" -ge 2 ]; then
    run 2 cpu fp64 30 cpu64n2
    run 2 cuda fp64 30 gpu64n2
    compare cpu64n2 gpu64n2 1e-8 || fail "np 2 fp64 trajectories differ"
fi
# resume from the GPU run's checkpoint: 30 + 30 iterations = 60 straight
run 1 cuda fp64 30 half --checkpoint "$scratch/half.ckpt.h5"
run 1 cuda fp64 60 resumed --resume "$scratch/half.ckpt.h5"
/usr/bin/python3 - "$scratch/gpu64.h5" "$scratch/resumed.h5" <<'PY' || fail "resume does not continue the trajectory"
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
la, lb = a["pinn/history/loss"][-1], b["pinn/history/loss"][-1]
print(f"final loss straight {la:.10e}, resumed {lb:.10e}")
assert abs(la - lb) <= 1e-9 * abs(la)
PY
finish
