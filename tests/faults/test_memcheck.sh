#!/bin/sh
# Valgrind memcheck on a short run of every suite at np 1: no invalid access and no leak
# outside the library internals listed, with reasons, in tests/valgrind.supp. (`make
# memcheck` runs the whole default job the same way.)
. "$WB_SRCDIR/tests/lib/common.sh"
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 77; }
if "$WAVEBENCH" --version | grep -q -- "--enable-sanitizers"; then
    echo "a sanitizer build cannot run under valgrind"
    exit 77
fi
sh "$WB_SRCDIR/scripts/memcheck.sh" "$WAVEBENCH" --config "$WB_SRCDIR/configs/quick.ini" \
    --output-dir "$scratch" -e 16K --array-size 64K --pinn-iters 20 --eval-grid 16 --quiet ||
    fail "memcheck found errors"
finish
