#!/bin/sh
# A tree configured without cmocka must not pass make check silently, and a tree that
# asks for the unit tests (scripts/setup.sh test does) must not configure without it.
# cmocka is hidden from pkg-config by a search path of links to every other .pc file.
set -u
. "$WB_SRCDIR/tests/lib/common.sh"
mkdir -p "$scratch/pc"
for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
    for pc in "$d"/*.pc; do
        [ -e "$pc" ] && [ "$(basename "$pc")" != cmocka.pc ] && ln -sf "$pc" "$scratch/pc/"
    done
done
export PKG_CONFIG_LIBDIR="$scratch/pc" PKG_CONFIG_PATH=""
pkg-config --exists cmocka && { echo "cmocka still visible"; exit 99; }
args="CC=mpicc --without-cuda --without-nccl --without-curl"

# Asked for and missing: configure stops with one line naming the package.
mkdir "$scratch/asked"
# shellcheck disable=SC2086
if (cd "$scratch/asked" && "$WB_SRCDIR/configure" $args --enable-unit-tests) > "$scratch/asked.out" 2>&1; then
    fail "configure --enable-unit-tests succeeded without cmocka"
fi
line=$(grep '^configure: error:' "$scratch/asked.out" | tail -n 1)
[ "$line" = "configure: error: unit tests need cmocka (Debian: libcmocka-dev)" ] ||
    fail "configure --enable-unit-tests without cmocka: unexpected error line '$line'"

# Probed and missing: configure succeeds and says so; make check there runs a test that fails.
mkdir "$scratch/probed"
# shellcheck disable=SC2086
if (cd "$scratch/probed" && "$WB_SRCDIR/configure" $args) > "$scratch/probed.out" 2>&1; then
    grep -q '^  unit tests \.* NO: cmocka not found' "$scratch/probed.out" ||
        fail "configure's summary does not say that the unit tests are missing"
    # Without the make flags of the make check that runs this (TESTS=... would win).
    tests=" $(printf 'wb-print-tests:\n\t@echo $(TESTS)\n' |
        env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$scratch/probed" -f Makefile -f - wb-print-tests) "
    case $tests in
    *" tests/unit/cmocka_missing.sh "*) ;;
    *) fail "make check without cmocka does not run tests/unit/cmocka_missing.sh" ;;
    esac
    case $tests in
    *" tests/unit/test_config "*) fail "a tree without cmocka lists the cmocka unit tests" ;;
    esac
else
    fail "configure without cmocka (probed) failed: $(grep '^configure: error:' "$scratch/probed.out")"
fi
sh "$WB_SRCDIR/tests/unit/cmocka_missing.sh" 2>/dev/null && fail "tests/unit/cmocka_missing.sh passes"
finish
