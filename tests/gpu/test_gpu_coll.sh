#!/bin/sh
# NCCL collectives (--backend cuda) on 1, 2 and 4 ranks, as many as there are GPUs: every
# collective, type, op and placement checked on the device, the results file laid out as
# the MPI suite's (check_results.py) with library NCCL; a corrupted result exits 3.
# Skips (77) without a CUDA device.
. "$WB_SRCDIR/tests/lib/common.sh"
ndev=$("$WB_BUILDDIR/tests/gpu/gpu_probe") || { echo "$ndev"; exit 77; }
check="/usr/bin/python3 $WB_SRCDIR/tests/mpi/check_results.py"
sweep="--suite collectives --backend cuda -b 8 -e 1M -f 8 -n 3 -w 1 -R 3 -d int32,int64,float,double -o sum,min,max --quiet"

for np in 1 2 4; do
    [ "$np" -le "$ndev" ] || break
    dir="$scratch/np$np"
    mkdir -p "$dir"
    # shellcheck disable=SC2086
    wb_mpi "$np" $sweep --output-dir "$dir" --output run.h5 || fail "np $np: exit $?"
    [ -f "$dir/run.h5" ] || { fail "np $np: no results file"; continue; }
    $check "$dir/run.h5" "$np" || fail "np $np: results file inconsistent"
    /usr/bin/python3 - "$dir/run.h5" <<'PY' || fail "np $np: tables are not NCCL's"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
names = set(f["collectives"].keys())
want = {"allreduce", "reduce", "reduce_scatter", "allgather", "broadcast", "alltoall"}
assert names == want, names
for n in names:
    g = f["collectives"][n]
    a = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
    assert a["library"] == "NCCL" and a["backend"] == "cuda" and a["verdict"] == "OK", (n, a)
PY
done

# The device check can fail: rank 0 falsifies one received value; the run exits 3.
dir="$scratch/corrupt"
mkdir -p "$dir"
wb_mpi 1 --suite collectives --backend cuda --coll allreduce,allgather -b 64 -e 256 -n 2 -R 2 --quiet \
    --output-dir "$dir" --output bad.h5 --debug-corrupt-rank 0 > "$dir/out.txt" 2>&1
rc=$?
[ "$rc" -eq 3 ] || fail "corrupt run: exit $rc, not 3"
grep -q "wrong values" "$dir/out.txt" || fail "corrupt run: no error line about wrong values"
$check "$dir/bad.h5" 1 --expect-wrong || fail "corrupt run: results file does not record the failure"
finish
