#!/bin/sh
# --help, --version and --dry-run exit 0 and write nothing; the dry-run INI is a valid config.
. "$WB_SRCDIR/tests/lib/common.sh"
cd "$scratch" || exit 1

wb_mpi 1 --help > help.txt 2>&1 || fail "--help exited $?"
grep -q -- "--min-bytes" help.txt || fail "--help does not list --min-bytes"
grep -q "Exit codes" help.txt || fail "--help does not document exit codes"
wb_mpi 2 --version > version.txt 2>&1 || fail "--version exited $?"
[ "$(grep -c '^wavebench ' version.txt)" -eq 1 ] || fail "--version printed on more than rank 0"
wb_mpi 2 --dry-run -b 1K -e 2K --pinn-iters 7 > dry.ini 2> dry.err || fail "--dry-run exited $?"
[ -s dry.err ] && fail "--dry-run wrote to stderr: $(cat dry.err)"
grep -q '^min_bytes = 1024$' dry.ini || fail "dry-run lacks min_bytes = 1024"
grep -q '^iters = 7$' dry.ini || fail "dry-run lacks [pinn] iters = 7"
# The printed configuration reads back unchanged.
wb_mpi 1 --dry-run --config dry.ini > again.ini || fail "dry-run output is not a valid config"
cmp -s dry.ini again.ini || fail "dry-run round trip differs"
[ -z "$(ls ./*.h5 2>/dev/null)" ] || fail "an info option wrote a results file"
finish
