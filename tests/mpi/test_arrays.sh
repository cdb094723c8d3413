#!/bin/sh
# The arrays suite on 1, 2 and 4 ranks: every operation and type is correct, the table
# reads back consistent (check_arrays.py), and the recorded results (reductions, output
# checksums, min/max indices) are identical whatever the rank count; n < ranks works;
# a corrupted value (the test-only debug.corrupt_rank) makes every rank exit 3.
. "$WB_SRCDIR/tests/lib/common.sh"
check="/usr/bin/python3 $WB_SRCDIR/tests/mpi/check_arrays.py"
base="--suite arrays --array-datatype float,double --array-warmup 1 --array-repetitions 3 --quiet"

# name|arguments: an odd size with an interior slice, and a tiny one (n < ranks at np 4)
cases="odd|--array-size 100003 --slice-start 5 --slice-stop 90001 --slice-step 3
unit|--array-size 4099 --slice-step 1 --alpha 0.25
tiny|--array-size 3 --slice-step 2"

printf '%s\n' "$cases" | while IFS='|' read -r name args; do
    for np in 1 2 4; do
        dir="$scratch/$name.np$np"
        mkdir -p "$dir"
        # shellcheck disable=SC2086
        # stdin from /dev/null: mpirun would read the rest of the cases
        wb_mpi "$np" $base $args --output-dir "$dir" --output run.h5 < /dev/null || echo "x np $np $name: exit $?" >> "$scratch/failed"
        [ -f "$dir/run.h5" ] || { echo "x np $np $name: no results file" >> "$scratch/failed"; continue; }
        $check "$dir/run.h5" "$np" --dump "$scratch/$name.dump$np" ||
            echo "x np $np $name: table inconsistent" >> "$scratch/failed"
    done
    for np in 2 4; do
        cmp -s "$scratch/$name.dump1" "$scratch/$name.dump$np" || {
            echo "x $name: results at np $np differ from np 1:"
            diff "$scratch/$name.dump1" "$scratch/$name.dump$np" | head -5
        } >> "$scratch/failed"
    done
done
if [ -f "$scratch/failed" ]; then
    sed 's/^x /FAIL: /' "$scratch/failed"
    failures=$(grep -c '^x ' "$scratch/failed")
fi
grep -q "^double slice" "$scratch/odd.dump1" 2>/dev/null || fail "no slice row recorded"

# The cache flag: the unit case's tens of kB fit in the last-level cache; float add over
# arrays of 1.25x the cache together does not (run where that stays within 256 MB).
$check "$scratch/unit.np2/run.h5" 2 --expect-fits 1 || fail "small arrays not flagged fits_llc 1"
llc=$(/usr/bin/python3 -c "import h5py; print(int(h5py.File('$scratch/unit.np2/run.h5')['arrays/ops'].attrs['llc_bytes']))")
big=$((llc * 5 / 4 / 12 + 1))
if [ "$llc" -gt 0 ] && [ $((big * 12)) -le 268435456 ]; then
    dir="$scratch/big"
    mkdir -p "$dir"
    wb_mpi 2 --suite arrays --array-datatype float --ops add --array-size "$big" --array-warmup 1 \
        --array-repetitions 3 --quiet --output-dir "$dir" --output run.h5 || fail "big run: exit $?"
    $check "$dir/run.h5" 2 --expect-fits 0 || fail "arrays beyond the cache not flagged fits_llc 0"
else
    echo "note: last-level cache of $llc B: the beyond-the-cache run skipped"
fi

# The check can fail: rank 2 falsifies one value of every operation; every rank exits 3.
dir="$scratch/corrupt"
mkdir -p "$dir"
# shellcheck disable=SC2086
wb_mpi_each 4 corrupt $base --array-size 1000 --output-dir "$dir" --output bad.h5 \
    --debug-corrupt-rank 2 > "$dir/out.txt" 2>&1
expect_each 4 corrupt 3
grep -q "arrays: .* wrong values" "$dir/out.txt" || fail "corrupt run: no error line about wrong values"
$check "$dir/bad.h5" 4 --expect-wrong || fail "corrupt run: results file does not record the failure"
# Every one of the 20 rows (10 operations x 2 types) saw its corruption.
/usr/bin/python3 -c "
import h5py, sys
g = h5py.File('$dir/bad.h5')['arrays/ops']
bad = [(g['type'][r].decode(), g['op'][r].decode()) for r in range(len(g['op'])) if g['wrong'][r] < 1]
sys.exit('rows without a wrong value: %s' % bad if bad or len(g['op']) != 20 else 0)
" || fail "corrupt run: some operation's check missed the falsified value"
finish
