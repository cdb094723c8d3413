#!/bin/sh
# arm64-check.sh: builds wavebench for aarch64 (AWS Graviton's architecture) and runs its
# cmocka unit tests under emulation, in a Debian 12 arm64 root file system run through
# qemu-user-static and binfmt_misc. As root, on an x86-64 Debian 12 host with
# qemu-user-static and debootstrap (scripts/install-deps.sh ops).
#
#   scripts/arm64-check.sh [ROOTFS]     ROOTFS default /var/tmp/wavebench-arm64-rootfs
#   ARM64_FIRST_STAGE_ONLY=1            stop after debootstrap's first stage (downloads and
#                                       unpacking, on the host; the next call resumes)
#
# 1. binfmt_misc mounted and qemu-aarch64 registered (with the F flag: the interpreter
#    is opened once, so it works inside the chroot without copying it there);
# 2. ROOTFS made once, reused afterwards: `debootstrap --arch=arm64 --variant=minbase
#    --foreign --include=<the build and unit-test packages>` (downloads and unpacks on the
#    host), then its second stage inside the chroot, under emulation;
# 3. this checkout's files (tracked and untracked, not ignored) copied to ROOTFS/src,
#    autogen + configure --enable-unit-tests --without-cuda --without-nccl, make -j2, and
#    `make check` with TESTS set to the unit tests (tests/unit/*, tests/io/test_export);
#    under emulation MPI runs as singletons, OMPI_MCA_* as make check sets them.
# The log of each step is under ROOTFS/src/arm64-check/. Exit 0 when the build and the
# unit tests passed. Timings on the 2-core test machine: README.md, "ARM64".
# Not in CI: it takes far more than CI's budget (see README.md).
set -eu
[ "$(id -u)" -eq 0 ] || { echo "arm64-check: run as root (debootstrap, chroot, binfmt_misc)" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
rootfs=${1:-/var/tmp/wavebench-arm64-rootfs}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
say() { echo "== arm64-check: $* ($(date +%T))"; }
die() { echo "arm64-check: $*" >&2; exit 1; }
for t in qemu-aarch64-static debootstrap; do
    command -v $t >/dev/null || die "$t not found (scripts/install-deps.sh ops)"
done
[ "$(uname -m)" = aarch64 ] && die "this host is aarch64 already: build natively"

# ---- 1. binfmt_misc
bf=/proc/sys/fs/binfmt_misc
[ -e $bf/register ] || mount -t binfmt_misc binfmt_misc $bf || die "cannot mount binfmt_misc"
if [ ! -e $bf/qemu-aarch64 ]; then
    conf=/usr/lib/binfmt.d/qemu-aarch64.conf
    [ -f $conf ] || die "$conf missing (qemu-user-static)"
    # Debian's entry names /usr/libexec/qemu-binfmt/aarch64-binfmt-P with flags OPF.
    cat $conf > $bf/register || die "cannot register qemu-aarch64 with binfmt_misc"
fi
grep -q '^enabled' $bf/qemu-aarch64 || die "qemu-aarch64 binfmt entry is disabled"

# ---- 2. the arm64 root file system (once)
pkgs="build-essential,autoconf,automake,libtool,pkg-config,libopenmpi-dev,openmpi-bin,libhdf5-openmpi-dev,hdf5-tools,libopenblas-dev,libjansson-dev,libcurl4-openssl-dev,libcmocka-dev"
if [ ! -x "$rootfs/usr/bin/mpicc" ]; then
    # A first stage that finished leaves /debootstrap for the second: resume there.
    if [ ! -x "$rootfs/debootstrap/debootstrap" ] || [ ! -f "$rootfs/debootstrap/first-stage-done" ]; then
        say "debootstrap --foreign (arm64, bookworm) into $rootfs"
        rm -rf "$rootfs"
        mkdir -p "$rootfs"
        debootstrap --arch=arm64 --variant=minbase --foreign --include="$pkgs" bookworm "$rootfs" "$mirror" \
            > "$rootfs.debootstrap1.log" 2>&1 || { tail -n 20 "$rootfs.debootstrap1.log"; die "debootstrap (first stage) failed"; }
        touch "$rootfs/debootstrap/first-stage-done"
    fi
    [ "${ARM64_FIRST_STAGE_ONLY:-0}" = 1 ] && { say "first stage done"; exit 0; }
    say "debootstrap --second-stage (emulated)"
    chroot "$rootfs" /debootstrap/debootstrap --second-stage > "$rootfs.debootstrap2.log" 2>&1 ||
        { tail -n 20 "$rootfs.debootstrap2.log"; die "debootstrap (second stage) failed"; }
fi
[ "$(chroot "$rootfs" uname -m)" = aarch64 ] || die "the chroot does not run as aarch64"
chroot "$rootfs" mpicc --version | head -n 1

# ---- 3. build and unit tests inside, emulated
say "copy the sources to $rootfs/src"
rm -rf "$rootfs/src"
mkdir -p "$rootfs/src/arm64-check"
(cd "$top" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) |
    tar -C "$rootfs/src" -xf -
log=$rootfs/src/arm64-check
# /proc for Open MPI and the tests (sysinfo reads /proc/cpuinfo, /proc/self/status).
mountpoint -q "$rootfs/proc" || mount -t proc proc "$rootfs/proc"
trap 'umount "$rootfs/proc" 2>/dev/null || true' EXIT
inside() { chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 /bin/sh -c "cd /src && $1"; }
step() { # step NAME COMMAND
    say "$1"
    s=$(date +%s)
    inside "$2" > "$log/$1.log" 2>&1 || { tail -n 40 "$log/$1.log"; die "$1 failed (log: $log/$1.log)"; }
    echo "   $1: $(( $(date +%s) - s )) s"
}
step autogen "./autogen.sh"
step configure "mkdir -p b && cd b && ../configure CC=mpicc --enable-unit-tests --without-cuda --without-nccl"
sed -n '/^wavebench .* configuration$/,$p' "$log/configure.log"
step make "make -C b -j2"
units=$(inside "make -C b -s -f Makefile -f - print-units <<'EOF'
print-units:
	@echo \$(filter tests/unit/% tests/io/test_export,\$(check_PROGRAMS))
EOF")
[ -n "$units" ] || die "no unit tests found in the build tree"
step unit-tests "make -C b -j2 check TESTS='$units'"
grep -E '^(PASS|FAIL|SKIP|XFAIL|ERROR):' "$log/unit-tests.log" | sed 's/^/   /'
grep -E '^# (TOTAL|PASS|FAIL|SKIP|ERROR):' "$log/unit-tests.log" | sed 's/^/   /'
file "$rootfs/src/b/wavebench" 2>/dev/null || chroot "$rootfs" sh -c 'od -An -tx1 -j18 -N2 /src/b/wavebench'
say "the aarch64 build and its unit tests passed"
