#!/bin/sh
# The collectives suite on 1, 2 and 4 ranks: every collective, type, op and placement is
# correct, the results file reads back (h5dump and h5py) and agrees with itself; a
# corrupted result (the test-only debug.corrupt_rank) makes every rank exit 3. The unit tests
# of the descriptors through the MPI host engine also run on 3 ranks (when built).
. "$WB_SRCDIR/tests/lib/common.sh"
check="/usr/bin/python3 $WB_SRCDIR/tests/mpi/check_results.py"
sweep="--suite collectives -b 8 -e 64K -f 8 -n 3 -w 1 -R 3 -d int32,int64,float,double -o sum,min,max --quiet"

for np in 1 2 4; do
    dir="$scratch/np$np"
    mkdir -p "$dir"
    # shellcheck disable=SC2086
    wb_mpi "$np" $sweep --output-dir "$dir" --output run.h5 || fail "np $np: exit $?"
    [ -f "$dir/run.h5" ] || { fail "np $np: no results file"; continue; }
    [ -z "$(ls "$dir"/*.partial 2>/dev/null)" ] || fail "np $np: temporary file left behind"
    $check "$dir/run.h5" "$np" || fail "np $np: results file inconsistent"
    "${H5DUMP:-h5dump}" -a /wavebench_version "$dir/run.h5" > "$dir/dump.txt" 2>&1 ||
        fail "np $np: h5dump cannot read the file"
    grep -q '"0\.' "$dir/dump.txt" || fail "np $np: h5dump shows no version"
done

# The check can fail: one rank falsifies one value; every rank must exit 3.
dir="$scratch/corrupt"
mkdir -p "$dir"
wb_mpi_each 4 corrupt --suite collectives --coll allgather,allreduce -b 64 -e 256 -n 2 -R 2 \
    --quiet --output-dir "$dir" --output bad.h5 --debug-corrupt-rank 2 > "$dir/out.txt" 2>&1
expect_each 4 corrupt 3
grep -q "wrong values" "$dir/out.txt" || fail "corrupt run: no error line about wrong values"
$check "$dir/bad.h5" 4 --expect-wrong || fail "corrupt run: results file does not record the failure"

# Every descriptor through the harness and the MPI host engine on more than one rank (an odd
# count, so blocks do not divide evenly), where in-place operations are no longer no-ops.
unit="$WB_BUILDDIR/tests/unit/test_collectives"
if [ -x "$unit" ]; then
    timeout -k 5 "$wb_limit" "$MPIRUN" -q -np 3 --oversubscribe "$unit" > "$scratch/unit3.txt" 2>&1 ||
        fail "unit tests on 3 ranks: $(grep FAILED "$scratch/unit3.txt" | sort -u)"
fi

# Exit codes agree on every rank for a clean run too.
wb_mpi_each 2 clean --suite collectives --coll broadcast -b 8 -e 64 -n 2 -R 2 --quiet \
    --output-dir "$dir"
expect_each 2 clean 0

# The default repetitions give every row a confidence interval of the median (n >= 6).
wb_mpi 2 --suite collectives,arrays --coll allreduce -e 1K --array-size 64K --quiet \
    --output-dir "$dir" --output defaults.h5 || fail "default repetitions: exit $?"
/usr/bin/python3 - "$dir/defaults.h5" <<'PY' || fail "the defaults leave a CI of the median undefined"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
cols = [(t, c) for t in ("collectives/allreduce", "arrays/ops") for c in f[t] if c.endswith("ci_lo")]
assert cols, "no CI columns"
for t, c in cols:
    v = f[t][c][:]
    assert np.isfinite(v).all(), f"{t}/{c}: {v}"
PY

# The results file records the variables that change MPI, NCCL, the scheduler, ..., and
# never one whose name looks like a secret.
OMPI_MCA_btl_base_verbose=0 NCCL_DEBUG=WARN SLURM_JOB_NAME=wbtest UCX_API_TOKEN=hunter2 \
    SLURM_SSH_KEY=s3cr3t OMP_DB_PASSWORD=pw42 wb_mpi 1 --suite collectives --coll allreduce \
    -e 64 -R 2 --quiet --output-dir "$dir" --output env.h5 || fail "environment run: exit $?"
/usr/bin/python3 - "$dir/env.h5" <<'PY' || fail "the environment record is wrong"
import sys, h5py
env = h5py.File(sys.argv[1], "r").attrs["environment"]
env = env.decode() if isinstance(env, bytes) else env
lines = env.splitlines()
for want in ("OMPI_MCA_btl_base_verbose=0", "NCCL_DEBUG=WARN", "SLURM_JOB_NAME=wbtest"):
    assert want in lines, (want, lines)
for secret in ("hunter2", "s3cr3t", "pw42", "UCX_API_TOKEN", "SLURM_SSH_KEY"):
    assert secret not in env, secret
assert lines == sorted(lines), "not sorted"
PY

# Every rank's place: its pid, CPU list and NUMA node; bound to one CPU each, the lists
# say so.
bind=core
[ "$(nproc)" -ge 2 ] || bind=none
timeout -k 5 "$wb_limit" "$MPIRUN" -q -np 2 --bind-to $bind "$WAVEBENCH" --suite collectives \
    --coll allreduce -e 64 -R 2 --quiet --output-dir "$dir" --output places.h5 ||
    fail "places run: exit $?"
/usr/bin/python3 - "$dir/places.h5" "$(nproc)" <<'PY' || fail "the ranks' places are not recorded"
import sys, h5py
s = h5py.File(sys.argv[1], "r")["system"]
pids, cpus, numa = s["pid_of_rank"][:], [c.decode() for c in s["cpus_of_rank"][:]], s["numa_of_rank"][:]
assert len(pids) == 2 and len(set(pids)) == 2 and min(pids) > 0, pids
assert all(n >= -1 for n in numa), numa
if int(sys.argv[2]) >= 2:  # --bind-to core gives each rank one CPU of its own
    assert all(c.isdigit() for c in cpus) and cpus[0] != cpus[1], cpus
PY
finish
