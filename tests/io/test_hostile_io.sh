#!/bin/sh
# The tools against a hostile or careless user (issue 18): -o onto devices, FIFOs and
# planted symlinks; FIFOs as input; full devices and closed pipes on standard output;
# a results file edited to carry huge print formats or terminal escape sequences.
# Exit codes chosen: a file the tools refuse to read (a FIFO, a format out of range) is
# bad input, 2; a failed write is a runtime failure, 1; both are one error line.
. "$WB_SRCDIR/tests/lib/common.sh"
py=/usr/bin/python3
edit="$WB_SRCDIR/tests/io/edit_results.py"
wb() { timeout -k 2 20 "$WAVEBENCH" "$@"; }
esc=$(printf '\033')

# one_error FILE WHAT: FILE holds exactly one line, an error line.
one_error() {
    [ "$(grep -c . "$1")" = 1 ] && grep -q '^wavebench: error: ' "$1" ||
        fail "$2: not one error line: $(cat "$1")"
}

# Without mpirun, a pipe closed by its reader (`| head -1`; `true` closes it at once, so
# this does not race) is a failed write, not SIGPIPE before the results file is written.
{ "$WAVEBENCH" --suite collectives,pinn --coll allreduce -b 8 -e 64 -n 2 -R 3 --pinn-iters 5 \
    --output-dir "$scratch" --output r.h5 2> "$scratch/pipe.err"; echo $? > "$scratch/pipe.rc"; } | true
[ "$(cat "$scratch/pipe.rc")" = 0 ] || fail "| true: exit $(cat "$scratch/pipe.rc"): $(cat "$scratch/pipe.err")"
[ -f "$scratch/r.h5" ] || { fail "| true: no results file"; "$WAVEBENCH" --suite collectives,pinn \
    --coll allreduce -b 8 -e 64 -n 2 -R 3 --pinn-iters 5 --output-dir "$scratch" --output r.h5 --quiet; }
r="$scratch/r.h5"
wb report "$r" > "$scratch/plain.txt" || fail "report: exit $?"

# Standard output on a full device: exit 1 and one line, for every action that prints.
for args in "report $r" "report $r --markdown" "export $r --csv" "export $r --json" \
    "compare $r $r" "--help" "--version" "--dry-run" "--list-keys" "report --help"; do
    # shellcheck disable=SC2086
    wb $args > /dev/full 2> "$scratch/full.err"
    rc=$?
    [ $rc = 1 ] || fail "$args > /dev/full: exit $rc, not 1"
    one_error "$scratch/full.err" "$args > /dev/full"
    grep -q 'cannot write standard output' "$scratch/full.err" || fail "$args > /dev/full: $(cat "$scratch/full.err")"
done

# -o - is standard output.
mkdir "$scratch/dash"
(cd "$scratch/dash" && wb report "$r" -o - > "$scratch/dash.txt") || fail "-o -: exit $?"
cmp -s "$scratch/dash.txt" "$scratch/plain.txt" || fail "-o -: not the report on standard output"
[ -e "$scratch/dash/-" ] && fail "-o -: a file named '-' was written"

# -o onto a FIFO is written through (its reader gets the report) and the FIFO stays one;
# a FIFO nobody reads is refused at once instead of waited for.
mkfifo "$scratch/fifo"
timeout 20 cat "$scratch/fifo" > "$scratch/fifo.got" &
reader=$!
wb export "$r" --csv -o "$scratch/fifo" || fail "-o FIFO: exit $?"
wait $reader
[ -p "$scratch/fifo" ] || fail "-o FIFO: the FIFO was replaced: $(ls -l "$scratch/fifo")"
grep -q '^suite,' "$scratch/fifo.got" || fail "-o FIFO: the reader got no CSV"
wb report "$r" -o "$scratch/fifo" 2> "$scratch/noreader.err"
rc=$?
[ $rc = 2 ] || fail "-o FIFO without a reader: exit $rc, not 2"
one_error "$scratch/noreader.err" "-o FIFO without a reader"

# Device nodes (root only: mknod) stand in for /dev/null and /dev/full, so a regression
# replaces a node in the scratch directory, not the machine's.
if mknod "$scratch/null" c 1 3 2>/dev/null && mknod "$scratch/full" c 1 7 2>/dev/null; then
    for t in "report $r" "export $r --json"; do
        # shellcheck disable=SC2086
        wb $t -o "$scratch/null" || fail "$t -o null device: exit $?"
        [ -c "$scratch/null" ] || fail "$t -o null device: the device node was replaced"
        # shellcheck disable=SC2086
        wb $t -o "$scratch/full" 2> "$scratch/devfull.err"
        rc=$?
        [ $rc = 1 ] || fail "$t -o full device: exit $rc, not 1"
        one_error "$scratch/devfull.err" "$t -o full device"
        [ -c "$scratch/full" ] || fail "$t -o full device: the device node was replaced"
    done
else
    echo "note: not root, device-node cases skipped"
fi
ls "$scratch" | grep -q partial && fail "a temporary was left: $(ls "$scratch")"

# A planted OUT.partial symlink is never followed; OUT becomes a regular file; a regular
# OUT is replaced; nothing is left beside it.
mkdir "$scratch/o"
echo "victim" > "$scratch/victim"
ln -s "$scratch/victim" "$scratch/o/out.txt.partial"
wb report "$r" -o "$scratch/o/out.txt" || fail "-o with a planted OUT.partial: exit $?"
[ "$(cat "$scratch/victim")" = victim ] || fail "-o: the planted OUT.partial symlink was followed"
[ -f "$scratch/o/out.txt" ] && [ ! -L "$scratch/o/out.txt" ] || fail "-o: OUT is not a regular file"
cmp -s "$scratch/o/out.txt" "$scratch/plain.txt" || fail "-o: OUT is not the report"
echo old > "$scratch/o/old.csv"
wb export "$r" --csv -o "$scratch/o/old.csv" || fail "-o onto a regular file: exit $?"
grep -q '^suite,' "$scratch/o/old.csv" || fail "-o onto a regular file: not replaced"
[ "$(ls "$scratch/o" | grep -c 'partial-')" = 0 ] || fail "-o: temporaries left: $(ls "$scratch/o")"

# A FIFO as the results file to read: refused at once, exit 2, one line.
for t in "report $scratch/fifo" "export $scratch/fifo --csv" "compare $r $scratch/fifo"; do
    # shellcheck disable=SC2086
    wb $t > /dev/null 2> "$scratch/fifoin.err"
    rc=$?
    [ $rc = 2 ] || fail "$t: exit $rc, not 2"
    one_error "$scratch/fifoin.err" "$t"
done

# Print formats out of range (a width of 2e9 printed 7.6 GB; a precision of -2e9 took
# 9.9 GB): the file is refused, exit 2, one line naming the column, nothing printed.
cp "$r" "$scratch/wide.h5"
$py "$edit" "$scratch/wide.h5" --attr collectives/allreduce/count width 2000000000 || fail "cannot edit width"
cp "$r" "$scratch/prec.h5"
$py "$edit" "$scratch/prec.h5" --attr collectives/allreduce/oop_busbw precision -2000000000 || fail "cannot edit precision"
for t in "report $scratch/wide.h5" "report $scratch/prec.h5 --markdown" \
    "export $scratch/prec.h5 --json" "compare $r $scratch/wide.h5"; do
    # shellcheck disable=SC2086
    wb $t > "$scratch/fmt.out" 2> "$scratch/fmt.err"
    rc=$?
    [ $rc = 2 ] || fail "$t: exit $rc, not 2"
    one_error "$scratch/fmt.err" "$t"
    grep -q "column '\(count\|oop_busbw\)'" "$scratch/fmt.err" || fail "$t: the column is not named"
    [ "$(wc -c < "$scratch/fmt.out")" -lt 100000 ] || fail "$t: printed $(wc -c < "$scratch/fmt.out") bytes"
done

# Terminal escapes in a title (OSC, CSI, BEL, UTF-8 C1) and a unit never reach the output.
cp "$r" "$scratch/esc.h5"
$py "$edit" "$scratch/esc.h5" --attr collectives/allreduce title "$(printf 'x\033]0;pwned\007\033[2J\302\233yTITLE')" &&
    $py "$edit" "$scratch/esc.h5" --attr collectives/allreduce/count unit "$(printf 'e\033[31m')" || fail "cannot edit title"
for t in "report $scratch/esc.h5" "report $scratch/esc.h5 --markdown" "compare $r $scratch/esc.h5" \
    "export $scratch/esc.h5 --csv" "export $scratch/esc.h5 --json"; do
    # shellcheck disable=SC2086
    wb $t > "$scratch/esc.out" 2>&1
    rc=$?
    [ $rc = 0 ] || fail "$t: exit $rc"
    grep -q "$esc" "$scratch/esc.out" && fail "$t: an ESC reached the output"
    grep -q "$(printf '\007')" "$scratch/esc.out" && fail "$t: a BEL reached the output"
    grep -q "$(printf '\302\233')" "$scratch/esc.out" && fail "$t: a C1 CSI reached the output"
done
wb report "$scratch/esc.h5" | grep -q 'x?\]0;pwned??\[2J?yTITLE' || fail "report: the title is not shown with '?'"
finish
