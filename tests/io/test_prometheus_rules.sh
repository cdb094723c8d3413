#!/bin/sh
# The shipped alert rules (packaging/prometheus/wavebench-rules.yml) pass `promtool check
# rules` and their unit tests (wavebench-rules.test.yml: busbw below the floor, rel L2 above
# the ceiling, a run that failed its checks, wrong values), and the tests are not vacuous:
# copies of the rules with a floor, a ceiling or a failure condition moved must fail them.
. "$WB_SRCDIR/tests/lib/common.sh"
promtool=${PROMTOOL:-/usr/bin/promtool}
[ -x "$promtool" ] || { echo "SKIP: promtool not installed (Debian: prometheus)"; exit 77; }
src="$WB_SRCDIR/packaging/prometheus"

"$promtool" check rules "$src/wavebench-rules.yml" > "$scratch/check.txt" 2>&1 ||
    fail "promtool check rules: $(cat "$scratch/check.txt")"
# promtool reads rule_files relative to the test file: copies in one directory.
cp "$src/wavebench-rules.yml" "$src/wavebench-rules.test.yml" "$scratch/"
if ! (cd "$scratch" && "$promtool" test rules wavebench-rules.test.yml) > "$scratch/test.txt" 2>&1; then
    fail "promtool test rules: $(cat "$scratch/test.txt")"
elif ! grep -q SUCCESS "$scratch/test.txt"; then
    fail "promtool test rules did not say SUCCESS: $(cat "$scratch/test.txt")"
fi

# mutant NAME SED-EXPRESSION: the rules changed so must fail their tests.
mutant() {
    mkdir -p "$scratch/$1"
    sed "$2" "$src/wavebench-rules.yml" > "$scratch/$1/wavebench-rules.yml"
    cmp -s "$src/wavebench-rules.yml" "$scratch/$1/wavebench-rules.yml" && { fail "mutant $1: sed changed nothing"; return; }
    cp "$src/wavebench-rules.test.yml" "$scratch/$1/"
    if (cd "$scratch/$1" && "$promtool" test rules wavebench-rules.test.yml) > "$scratch/$1.txt" 2>&1; then
        fail "mutant $1: the rules tests pass on rules that are wrong"
    fi
}
mutant floor 's/^          ) < 1$/          ) < 0.1/'
mutant ceiling 's/wavebench_pinn_rel_l2 > 0.05/wavebench_pinn_rel_l2 > 0.5/'
mutant verdict 's/verdict!="PASSED"/verdict="FAILED"/'
mutant wrong 's/wavebench_(arrays_)?wrong", job/wavebench_wrong_total", job/'
finish
