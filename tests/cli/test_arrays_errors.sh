#!/bin/sh
# Usage errors of the arrays suite: exit 2 on every rank, one error line from rank 0
# naming the key, nothing on stdout, no file left, no hang, at np 1 and 2. An array too
# large for memory is refused before anything is allocated (it would take terabytes).
. "$WB_SRCDIR/tests/lib/common.sh"

out="$scratch/out"
mkdir -p "$out"
cfg_step="$scratch/step.ini"
printf '[arrays]\nslice_step = -2\n' > "$cfg_step"

# expected-substring|arguments (split on spaces)
cases="--array-size|--suite arrays --array-size 0
--array-size|--suite arrays --array-size -5
--array-size|--suite arrays --array-size 12Q
--array-size|--suite arrays --array-size 1.5
--array-size|--suite arrays --array-size 2E
--slice-step|--suite arrays --slice-step 0
--slice-step|--suite arrays --slice-step -2
slice_step|--suite arrays --config $cfg_step
--slice-start|--suite arrays --slice-start -1
slice_stop|--suite arrays --slice-start 10 --slice-stop 5
slice_start|--suite arrays --array-size 4096 --slice-start 4096
slice_start|--suite arrays --array-size 100 --slice-start 7 --slice-stop 7
--ops|--suite arrays --ops sum,bogus
--ops|--suite arrays --ops ''
--ops|--suite arrays --ops sum,,max
--array-datatype|--suite arrays --array-datatype int8
--array-repetitions|--suite arrays --array-repetitions 0
--array-warmup|--suite arrays --array-warmup -1
--alpha|--suite arrays --alpha abc
[arrays] size|--suite arrays --array-size 1T
[arrays] size|--suite arrays --array-size 1T --array-datatype float --ops sum
[arrays] size|--suite arrays,collectives --array-size 64G"

count=0
for np in 1 2; do
    printf '%s\n' "$cases" | while IFS='|' read -r needle args; do
        start=$(date +%s)
        # shellcheck disable=SC2086
        wb_mpi "$np" --output-dir "$out" $args > "$scratch/stdout" 2> "$scratch/stderr"
        rc=$?
        took=$(($(date +%s) - start))
        lines=$(grep -c . "$scratch/stderr")
        if [ "$rc" -ne 2 ]; then
            echo "FAIL: np $np: '$args' exited $rc, not 2"; cat "$scratch/stderr"; echo x >> "$scratch/failed"
        elif [ "$lines" -ne 1 ]; then
            echo "FAIL: np $np: '$args' printed $lines error lines"; cat "$scratch/stderr"; echo x >> "$scratch/failed"
        elif ! grep -qF -- "$needle" "$scratch/stderr" || ! grep -q "^wavebench: error: " "$scratch/stderr"; then
            echo "FAIL: np $np: '$args': error line does not name '$needle':"; cat "$scratch/stderr"; echo x >> "$scratch/failed"
        elif [ -s "$scratch/stdout" ]; then
            echo "FAIL: np $np: '$args' printed on stdout"; echo x >> "$scratch/failed"
        elif [ -n "$(ls -A "$out")" ]; then
            echo "FAIL: np $np: '$args' left files: $(ls -A "$out")"; rm -f "$out"/*; echo x >> "$scratch/failed"
        elif [ "$took" -gt 20 ]; then
            echo "FAIL: np $np: '$args' took ${took}s to fail"; echo x >> "$scratch/failed"
        fi
    done
    count=$((count + $(printf '%s\n' "$cases" | grep -c .)))
done
# The memory error says how much is needed and what fits.
wb_mpi 1 --output-dir "$out" --suite arrays --array-size 1T 2> "$scratch/stderr"
grep -q "GiB is available; allowed at most about [0-9]* elements" "$scratch/stderr" ||
    fail "memory error does not say what fits: $(cat "$scratch/stderr")"
[ -f "$scratch/failed" ] && failures=$((failures + $(grep -c . "$scratch/failed")))
echo "$count cases tried"
finish
