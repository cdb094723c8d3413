#!/bin/sh
# setup.sh: the two set-up commands of README.md, for a fresh Debian 12 machine as root.
#   scripts/setup.sh run    install what is missing, build, run the default job on 2 ranks
#   scripts/setup.sh test   install what is missing, build (default, CPU-only and sanitizer
#                           builds), run every test; the last line is "N passed, N failed, N skipped"
# Idempotent: a second run reuses installed packages and existing builds.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)
mode=${1:-}

# Open MPI refuses to run as root without these; containers and CI run as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

case $mode in
run) sh scripts/install-deps.sh build ;;
test) sh scripts/install-deps.sh test ;;
*) echo "usage: scripts/setup.sh run|test" >&2; exit 2 ;;
esac

[ -x configure ] && [ configure -nt configure.ac ] && [ configure -nt Makefile.am ] || ./autogen.sh

# build DIR CONFIGURE-ARGS...: an out-of-tree build, configured when new and configured
# again when its arguments differ from the last ones (the tree `setup.sh run` made has no
# --enable-unit-tests; reusing it for the tests could drop tests without a word).
build() {
    dir=$1
    shift
    mkdir -p "$dir"
    args="CC=mpicc $*"
    if [ -f "$dir/Makefile" ] && [ "$(cat "$dir/configure.args" 2>/dev/null)" != "$args" ]; then
        echo "== $dir was configured with other arguments; configuring it again"
        rm -f "$dir/Makefile" "$dir/configure.args"
    fi
    if [ ! -f "$dir/Makefile" ]; then
        if ! (cd "$dir" && "$top/configure" CC=mpicc "$@") > "$dir/configure.out" 2>&1; then
            line=$(grep '^configure: error:' "$dir/configure.out" | tail -n 1)
            echo "setup.sh: $dir: ${line:-configure failed, see $dir/configure.out}" >&2
            exit 1
        fi
        echo "$args" > "$dir/configure.args"
        sed -n '/^wavebench .* configuration$/,$p' "$dir/configure.out"
    fi
    make -C "$dir" -j"$jobs" -s
}

if [ "$mode" = run ]; then
    build build
    ln -sf build/wavebench wavebench
    exec mpirun -np 2 ./wavebench
fi

# Every build runs the same tests; each tree's count is printed, and their automake
# summaries add up to the last line.
logs=""
check() {
    dir=$1
    echo "== make check in $dir"
    make -C "$dir" -j"$jobs" check > "$dir/check.out" 2>&1 || true
    grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$dir/check.out" || true
    grep -E '^FAIL|^ERROR' "$dir/check.out" >/dev/null && tail -n 40 "$dir/test-suite.log" || true
    count "$dir/check.out" | sed "s#^#== $dir: #"
    logs="$logs $dir/check.out"
}
# count LOG...: "N passed, N failed, N skipped" over automake's summaries in LOG...
count() {
    awk '/^# (PASS|XFAIL):/ {p += $3} /^# (FAIL|XPASS|ERROR):/ {f += $3} /^# SKIP:/ {s += $3}
         /^# TOTAL:/ {t += $3}
         END {printf "%d passed, %d failed, %d skipped\n", p, f, s; if (t == 0) exit 1; exit f > 0}' "$@"
}
build build --enable-unit-tests
ln -sf build/wavebench wavebench
check build
build build-cpu --enable-unit-tests --without-cuda --without-nccl --without-curl
build build-asan --enable-unit-tests --enable-sanitizers --without-cuda --without-nccl
# Under the sanitizers each run is slow: the bad-input test runs its sample of cases there,
# and one run may take longer before a test calls it hung.
ASAN_OPTIONS=detect_leaks=0 WB_BAD_INPUT_SAMPLE=1 WB_RUN_LIMIT=360 check build-asan
# shellcheck disable=SC2086
count $logs
