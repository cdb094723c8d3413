#!/bin/sh
# --backend cuda without a usable device: one clear line and exit 2 on every rank, before
# any work. A build without CUDA says it is not compiled in; a machine with a GPU skips.
. "$WB_SRCDIR/tests/lib/common.sh"
if "$WAVEBENCH" --version | grep -q "CUDA none"; then
    expect="not compiled in"
elif command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
    echo "a GPU is visible: the no-device path cannot be exercised here"
    exit 77
else
    expect="no CUDA device is visible"
fi
for np in 1 2; do
    wb_mpi "$np" --backend cuda --suite pinn --output-dir "$scratch" > "$scratch/out" 2> "$scratch/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "np $np: exit $rc, not 2"
    [ "$(grep -c . "$scratch/err")" -eq 1 ] || fail "np $np: not one error line: $(cat "$scratch/err")"
    grep -q "$expect" "$scratch/err" || fail "np $np: error does not say '$expect': $(cat "$scratch/err")"
    [ -z "$(ls "$scratch"/*.h5 2>/dev/null)" ] || fail "np $np: a results file was written"
done
finish
