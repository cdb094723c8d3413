#!/bin/sh
# memcheck.sh: wavebench under Valgrind memcheck at np 1 (a singleton, no mpirun), with the
# suppressions of tests/valgrind.supp (library internals only). Exits 0 when memcheck
# finds no invalid access and no leak; 1 otherwise, with the report on stderr.
# usage: scripts/memcheck.sh WAVEBENCH [wavebench options...]   (default: the default job)
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
wavebench=${1:?usage: memcheck.sh WAVEBENCH [options]}
shift
log=$(mktemp /tmp/wb-memcheck.XXXXXX)
trap 'rm -f "$log"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --num-callers=40 \
    --suppressions="$here/tests/valgrind.supp" --log-file="$log" "$wavebench" "$@"
rc=$?
if [ "$rc" -ne 0 ]; then
    cat "$log" >&2
    echo "memcheck: wavebench exited $rc (99: memcheck found errors)" >&2
    exit 1
fi
grep -E "ERROR SUMMARY|definitely lost|indirectly lost" "$log"
exit 0
