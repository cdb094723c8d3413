#!/bin/sh
# report, compare and export on real results files: a real run on 2 ranks (collectives
# and PINN), its tables and summary back from the file, Markdown, CSV and JSON that parse,
# compare of a file with itself (exit 0), with a planted regression (exit 3, named), with
# a different configuration (exit 2); acceptance thresholds (exit 3); bad input (exit 2).
. "$WB_SRCDIR/tests/lib/common.sh"
py=/usr/bin/python3
run="--suite collectives,pinn --coll allreduce,allgather -b 8 -f 4 -n 5 -w 1 -R 7 --pinn-iters 30 --quiet"
# shellcheck disable=SC2086
wb_mpi 2 $run -e 32K --output-dir "$scratch" --output base.h5 > "$scratch/run.txt" 2>&1 || fail "run: exit $?"
f="$scratch/base.h5"
[ -f "$f" ] || { fail "no results file"; finish; }

# report: the same tables the run prints, plus the summary and the verdict.
"$WAVEBENCH" report "$f" > "$scratch/report.txt" 2> "$scratch/report.err" || fail "report: exit $?"
for want in "# allreduce, MPI, host buffers, 2 ranks" "# allgather, MPI" "busbw" "loss history" \
    "pinn wave1d, fp64: summary" "# key figures" "# verdict: PASSED (exit 0)" "2 ranks on 1 localities" \
    "# build flags: -std=c11" "BLAS threading" "CPU clock"; do
    grep -q -- "$want" "$scratch/report.txt" || fail "report: no '$want'"
done
[ "$(grep -c '^ ' "$scratch/report.txt")" -ge 17 ] || fail "report: too few table rows"
# The same rows as a run prints them (quiet off): the collectives table lines agree.
# shellcheck disable=SC2086
wb_mpi 2 --suite collectives --coll allreduce -b 8 -e 1K -n 2 -R 2 --output-dir "$scratch" --output loud.h5 > "$scratch/loud.txt" 2>&1
"$WAVEBENCH" report "$scratch/loud.h5" > "$scratch/loud-report.txt"
grep '^ ' "$scratch/loud.txt" > "$scratch/a"; grep '^ ' "$scratch/loud-report.txt" > "$scratch/b"
cmp -s "$scratch/a" "$scratch/b" || fail "report: table rows differ from the run's"

"$WAVEBENCH" report "$f" --markdown -o "$scratch/report.md" || fail "markdown: exit $?"
for want in "# wavebench evidence report" "**Verdict: PASSED**" "## System and software" "| size (B) |" "\`\`\`ini" "[collectives]" \
    "| compiler flags | -std=c11" "| CPU clock, maximum (rank 0) |"; do
    grep -qF -- "$want" "$scratch/report.md" || fail "markdown: no '$want'"
done

# export: CSV with one row per (table row, placement); JSON one document.
"$WAVEBENCH" export "$f" --csv -o "$scratch/x.csv" || fail "export csv: exit $?"
"$WAVEBENCH" export "$f" --json > "$scratch/x.json" || fail "export json: exit $?"
$py - "$scratch/x.csv" "$scratch/x.json" <<'PY' || fail "export: content"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
head = list(rows[0].keys())
assert head[:9] == ["suite", "table", "op", "type", "size", "in_place", "ranks", "localities", "backend"], head
ar = [r for r in rows if r["op"] == "allreduce"]
assert len(ar) == 2 * 7, len(ar)  # 8..32K by 4: 7 sizes, out-of-place and in-place
assert {r["in_place"] for r in ar} == {"0", "1"}
assert all(float(r["busbw"]) > 0 and r["ranks"] == "2" and r["backend"] == "cpu" for r in ar)
keys = {(r["table"], r["op"], r["type"], r["size"], r["in_place"], r.get("iteration", "")) for r in rows}
assert len(keys) == len(rows), "rows are not unique per tuple"
pinn = [r for r in rows if r["table"] == "pinn/summary"]
assert len(pinn) == 1 and float(pinn[0]["rel_l2"]) > 0 and pinn[0]["op"] == "wave1d"
d = json.load(open(sys.argv[2]))
assert d["format"] == "wavebench-export" and d["run"]["ranks"] == 2
assert len(d["records"]) == len(rows)
assert any(t["path"] == "pinn/solution" and not t["exported"] for t in d["tables"])
PY

# Every column records the meaning its suite declared, threshold marks included; export
# reads it back (the solution grid's axes are keys: no rule by name would say so).
$py - "$f" "$scratch/x.json" <<'PY' || fail "declared meaning: content"
import json, sys
import h5py
f = h5py.File(sys.argv[1], "r")
text = lambda v: v.decode() if isinstance(v, bytes) else str(v)
for path in text(f.attrs["tables"]).split(","):
    g = f[path]
    for c in text(g.attrs["columns"]).split(","):
        role, better = text(g[c].attrs["role"]), text(g[c].attrs["better"])
        assert role in ("key", "figure", "spread", "context", "verdict"), (path, c, role)
        assert (better != "none") == (role in ("figure", "verdict")), (path, c, role, better)
marks = {(p, c) for p in text(f.attrs["tables"]).split(",")
         for c in text(f[p].attrs["columns"]).split(",") if "threshold" in f[p][c].attrs}
want = {(p, c) for p in ("collectives/allreduce", "collectives/allgather")
        for c in ("size", "oop_busbw", "ip_busbw")} | {("pinn/summary", "rel_l2")}
assert marks == want, marks ^ want
d = json.load(open(sys.argv[2]))
cols = {(t["path"], c["name"]): (c["role"], c["better"]) for t in d["tables"] for c in t["columns"]}
assert cols["pinn/solution", "x"] == ("key", ""), cols["pinn/solution", "x"]
assert cols["collectives/allreduce", "oop_busbw"] == ("figure", "higher")
assert cols["collectives/allreduce", "ip_wrong"] == ("verdict", "lower")
assert cols["collectives/allreduce", "count"] == ("context", "")
assert cols["pinn/history", "rel_l2"] == ("figure", "lower")
PY

# A file written before columns declared their meaning (the fuzzing corpus keeps one, of
# 2 ranks, -b 8 -e 64 -n 2 -R 2): report, export and compare read it by the old rules,
# and it compares row by row with a file written now with the same configuration.
old="$WB_SRCDIR/tests/fuzz/corpus/results/allreduce-np2.bin"
wb_mpi 2 --suite collectives --coll allreduce -b 8 -e 64 -n 2 -R 2 --quiet --output-dir "$scratch" \
    --output now.h5 || fail "run like the old file: exit $?"
"$WAVEBENCH" report "$old" > "$scratch/old.txt" || fail "report of an old file: exit $?"
grep -q "collectives/allreduce .* busbw max" "$scratch/old.txt" || fail "report of an old file: no key figures"
"$WAVEBENCH" export "$old" --json > "$scratch/old.json" || fail "export of an old file: exit $?"
$py - "$scratch/old.json" <<'PY' || fail "export of an old file: roles"
import json, sys
d = json.load(open(sys.argv[1]))
cols = {c["name"]: (c["role"], c["better"]) for c in d["tables"][0]["columns"]}
assert cols["oop_busbw"] == ("figure", "higher") and cols["oop_time"] == ("figure", "lower"), cols
assert cols["ip_wrong"] == ("verdict", "lower") and cols["count"] == ("context", ""), cols
assert cols["oop_time_rep_min"] == ("spread", "") and cols["size"] == ("key", ""), cols
PY
"$WAVEBENCH" compare "$old" "$scratch/now.h5" --allow-mismatch > "$scratch/old-cmp.txt" 2>&1 ||
    fail "compare old with new: exit $?"
grep -q "# compare: 32 figures compared, .*; 0 unmatched" "$scratch/old-cmp.txt" ||
    fail "compare old with new: rows do not match: $(tail -n 1 "$scratch/old-cmp.txt")"

# compare: identical files pass; a planted 3x slowdown of allreduce is a regression.
"$WAVEBENCH" compare "$f" "$f" --threshold 5 > "$scratch/same.txt" 2>&1 || fail "compare same: exit $?"
grep -q "0 regressed" "$scratch/same.txt" || fail "compare same: not clean"
cp "$f" "$scratch/slow.h5"
$py "$WB_SRCDIR/tests/io/edit_results.py" "$scratch/slow.h5" collectives/allreduce 3 || fail "cannot plant the regression"
"$WAVEBENCH" compare "$f" "$scratch/slow.h5" --threshold 10 > "$scratch/slow.txt" 2>&1
rc=$?
[ $rc = 3 ] || fail "compare regression: exit $rc, not 3"
grep -q "REGRESSION collectives/allreduce .*oop_busbw" "$scratch/slow.txt" || fail "compare: busbw regression not named"
grep -q "REGRESSION collectives/allgather" "$scratch/slow.txt" && fail "compare: allgather flagged though untouched"
# Without --threshold nothing is judged; the other direction is an improvement.
"$WAVEBENCH" compare "$f" "$scratch/slow.h5" > /dev/null 2>&1 || fail "compare without threshold: exit $?"
"$WAVEBENCH" compare "$scratch/slow.h5" "$f" --threshold 10 > "$scratch/fast.txt" 2>&1 || fail "compare improvement: exit $?"
# A different configuration is reported, not compared.
# shellcheck disable=SC2086
wb_mpi 2 $run -e 8K --output-dir "$scratch" --output other.h5 > /dev/null 2>&1 || fail "second run: exit $?"
"$WAVEBENCH" compare "$f" "$scratch/other.h5" > "$scratch/mis.txt" 2>&1
rc=$?
[ $rc = 2 ] || fail "compare mismatch: exit $rc, not 2"
grep -q "collectives.max_bytes" "$scratch/mis.txt" || fail "compare mismatch: key not named"
[ "$(wc -l < "$scratch/mis.txt")" = 1 ] || fail "compare mismatch: not one line"
"$WAVEBENCH" compare "$f" "$scratch/other.h5" --allow-mismatch > "$scratch/mis2.txt" 2>&1 || fail "allow-mismatch: exit $?"
grep -q "only in BASE" "$scratch/mis2.txt" || fail "allow-mismatch: unmatched rows not listed"

# Acceptance thresholds: a figure that misses is exit 3, with the file written.
# shellcheck disable=SC2086
wb_mpi 2 --suite collectives --coll allreduce -b 8 -e 1K -n 2 -R 2 --quiet --min-busbw 1e6 --output-dir "$scratch" --output bw.h5 > "$scratch/bw.txt" 2>&1
rc=$?
[ $rc = 3 ] || fail "min-busbw: exit $rc, not 3"
grep -q "below min_busbw" "$scratch/bw.txt" || fail "min-busbw: no message"
"$WAVEBENCH" report "$scratch/bw.h5" | grep -q "verdict: FAILED (exit 3)" || fail "min-busbw: file does not record FAILED"
wb_mpi 2 --suite pinn --pinn-iters 5 --quiet --max-rel-l2 1e-9 --output-dir "$scratch" --output l2.h5 > "$scratch/l2.txt" 2>&1
rc=$?
[ $rc = 3 ] || fail "max-rel-l2: exit $rc, not 3"
grep -q "above max_rel_l2" "$scratch/l2.txt" || fail "max-rel-l2: no message"
wb_mpi 2 --suite pinn --pinn-iters 5 --quiet --max-rel-l2 1e9 --output-dir "$scratch" --output l2ok.h5 > /dev/null 2>&1 ||
    fail "max-rel-l2 met: exit $?"

# Bad input: one line, exit 2.
echo "not hdf5" > "$scratch/junk.h5"
"$H5DUMP" --version > /dev/null 2>&1 || true
for args in "report $scratch/missing.h5" "report $scratch/junk.h5" "report" "report $f --bogus" \
    "export $f" "export $f --csv --json" "export $scratch/junk.h5 --csv" "compare $f" \
    "compare $f $f --threshold abc" "compare $f $scratch/missing.h5" "export $f --csv -o /nonexistent/dir/x.csv"; do
    # shellcheck disable=SC2086
    "$WAVEBENCH" $args > "$scratch/out.txt" 2> "$scratch/err.txt"
    rc=$?
    [ $rc = 2 ] || fail "'$args': exit $rc, not 2"
    [ "$(wc -l < "$scratch/err.txt")" = 1 ] || fail "'$args': not one error line: $(cat "$scratch/err.txt")"
    grep -q "^wavebench: error: " "$scratch/err.txt" || fail "'$args': no error line"
done
# A results file of another HDF5 kind is refused too.
if /usr/bin/python3 -c "import h5py; h5py.File('$scratch/other-kind.h5', 'w').attrs['x'] = 1" 2>/dev/null; then
    "$WAVEBENCH" report "$scratch/other-kind.h5" > /dev/null 2>&1
    [ $? = 2 ] || fail "report of a foreign HDF5 file: not exit 2"
fi
finish
