#!/bin/sh
# Replays every input of the fuzzing corpus (seeds and the inputs of crashes once found
# and fixed) through the libFuzzer harnesses, built here with clang: none may crash.
. "$WB_SRCDIR/tests/lib/common.sh"
command -v clang >/dev/null || { echo "clang not installed"; exit 77; }
make -s -C "$WB_BUILDDIR" fuzz-build > "$scratch/build.log" 2>&1 || { cat "$scratch/build.log"; fail "fuzzers do not build"; finish; }
for t in size config results; do
    n=$(ls "$WB_SRCDIR/tests/fuzz/corpus/$t" | wc -l)
    [ "$n" -gt 0 ] || fail "$t: empty corpus"
    ASAN_OPTIONS=detect_leaks=0 "$WB_BUILDDIR/tests/fuzz/fuzz_$t" -runs=0 \
        "$WB_SRCDIR/tests/fuzz/corpus/$t" > "$scratch/$t.log" 2>&1 ||
        { tail -n 30 "$scratch/$t.log"; fail "$t: a corpus input crashes the harness"; }
done
finish
