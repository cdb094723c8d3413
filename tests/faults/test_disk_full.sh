#!/bin/sh
# The disk fills while the results file is written (a small tmpfs): exit 1, one clear
# message, nothing under the final name but the earlier file of that name, untouched,
# and no temporary file left (--overwrite: the earlier file is to be replaced, and must
# survive a write that fails).
. "$WB_SRCDIR/tests/lib/common.sh"
full="$scratch/full"
mkdir -p "$full"
if ! mount -t tmpfs -o size=96k tmpfs "$full" 2>/dev/null; then
    echo "cannot mount a tmpfs here (needs root)"
    exit 77
fi
trap 'umount "$full" 2>/dev/null; rm -rf "$scratch"' EXIT
echo "an earlier results file" > "$full/run.h5"
before=$(md5sum < "$full/run.h5")
for np in 1 2; do
    wb_mpi "$np" --suite collectives -b 8 -e 1M -R 20 -n 2 --output-dir "$full" --output run.h5 --overwrite \
        > "$scratch/out" 2> "$scratch/err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "np $np: exit $rc, not 1"
    [ "$(grep -c . "$scratch/err")" -eq 1 ] || fail "np $np: not one error line: $(cat "$scratch/err")"
    grep -q "results file" "$scratch/err" || fail "np $np: the message does not name the results file"
    [ "$(md5sum < "$full/run.h5")" = "$before" ] || fail "np $np: the earlier file was changed"
    [ "$(ls "$full")" = run.h5 ] || fail "np $np: left behind: $(ls "$full")"
done
finish
