#!/bin/sh
# Every usage error path: exit 2 on every rank, one error line from rank 0 naming the
# key, nothing on stdout, no file written, no hang (timeout), at np 1, 2 and 4.
. "$WB_SRCDIR/tests/lib/common.sh"

out="$scratch/out"
mkdir -p "$out"
ro="$scratch/readonly"
mkdir -p "$ro"
chmod 555 "$ro"
cfg_dup="$scratch/dup.ini"
printf '[collectives]\nmin_bytes = 8\nmin_bytes = 16\n' > "$cfg_dup"
cfg_key="$scratch/key.ini"
printf '[collectives]\nspeed = 11\n' > "$cfg_key"
cfg_sec="$scratch/sec.ini"
printf '[turbo]\nx = 1\n' > "$cfg_sec"
cfg_syntax="$scratch/syntax.ini"
printf '[collectives]\nthis is not ini\n' > "$cfg_syntax"
cfg_noread="$scratch/noread.ini"
printf '[run]\nquiet = true\n' > "$cfg_noread"
chmod 000 "$cfg_noread"

# expected-substring|arguments (split on spaces)
cases="--min-bytes|-b 3X
--min-bytes|-b -8
--min-bytes|-b 0
min_bytes|-b 1M -e 1K
--step-factor|-f 1
--step-factor|-f 2.5
--iters|-n 0
--iters|-n 10x
--warmup-iters|-w -1
--repetitions|-R 0
--datatype|-d float16
--op|-o prod
--coll|--coll allreduce,,reduce
--suite|--suite quantum
--backend|--backend tpu
--root|--root -1
root|--root 9 --suite collectives
--bogus|--bogus
-Z|-Z
-b|-b
more than once|-n 5 -n 6
'extra'|extra
--config|--config $scratch/missing.ini
directory|--config $scratch
--config|--config $cfg_noread
duplicate|--config $cfg_dup
speed|--config $cfg_key
turbo|--config $cfg_sec
line 2|--config $cfg_syntax
output_dir|--output-dir $scratch/nowhere
output_dir|--output-dir $ro
output|--output sub/file.h5
--array-size|--array-size 12Q
slice_step|--slice-step 0
--width|--width 0
--depth|--depth 0
--interior-points|--interior-points 0
--problem|--problem heat3d
--precision|--precision fp16
--lr|--lr -1
push_required|--push-required"

# A read-only directory is writable for root: that case only holds for other users.
[ "$(id -u)" -eq 0 ] && cases=$(printf '%s\n' "$cases" | grep -v "^output_dir|--output-dir $ro")

count=0
for np in 1 2 4; do
    printf '%s\n' "$cases" | while IFS='|' read -r needle args; do
        # shellcheck disable=SC2086
        wb_mpi "$np" --output-dir "$out" $args > "$scratch/stdout" 2> "$scratch/stderr"
        rc=$?
        lines=$(grep -c . "$scratch/stderr")
        if [ "$rc" -ne 2 ]; then
            echo "FAIL: np $np: '$args' exited $rc, not 2"; cat "$scratch/stderr"; echo x >> "$scratch/failed"
        elif [ "$lines" -ne 1 ]; then
            echo "FAIL: np $np: '$args' printed $lines error lines"; cat "$scratch/stderr"; echo x >> "$scratch/failed"
        elif ! grep -q "^wavebench: error: .*$needle" "$scratch/stderr"; then
            echo "FAIL: np $np: '$args': error line does not name '$needle':"; cat "$scratch/stderr"; echo x >> "$scratch/failed"
        elif [ -s "$scratch/stdout" ]; then
            echo "FAIL: np $np: '$args' printed on stdout"; echo x >> "$scratch/failed"
        elif [ -n "$(ls -A "$out")" ]; then
            echo "FAIL: np $np: '$args' left files: $(ls -A "$out")"; rm -f "$out"/*; echo x >> "$scratch/failed"
        fi
    done
    count=$((count + $(printf '%s\n' "$cases" | grep -c .)))
done
[ -f "$scratch/failed" ] && failures=$(grep -c . "$scratch/failed")
echo "$count cases tried"
finish
