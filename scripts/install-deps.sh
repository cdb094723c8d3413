#!/bin/sh
# install-deps.sh: installs, with apt-get only, the Debian 12 packages wavebench needs.
#   scripts/install-deps.sh build   compiler, MPI, parallel HDF5, OpenBLAS, jansson, curl
#   scripts/install-deps.sh test    build + cmocka and what the tests drive (Slurm, Pushgateway, ...)
#   scripts/install-deps.sh bench   build + the baselines' Python packages
#   scripts/install-deps.sh ops     build + what scripts/arm64-check.sh and spack-check.sh need
# Idempotent: installed packages are skipped, and `apt-get update` runs only when
# something is missing. Run as root.
set -eu

BUILD="build-essential autoconf automake libtool pkg-config git libopenmpi-dev openmpi-bin
 libhdf5-openmpi-dev hdf5-tools libopenblas-dev libjansson-dev libcurl4-openssl-dev"
TEST="libcmocka-dev python3-h5py python3-numpy python3-matplotlib prometheus-pushgateway
 clang libclang-rt-14-dev valgrind slurm-wlm munge libpmix-dev python3-jsonschema python3-yaml
 iproute2 procps"
# scripts/container.sh (tests/deploy/test_container.sh): rootful podman with runc, a debootstrapped base image.
TEST="$TEST podman runc debootstrap netavark aardvark-dns iptables catatonit uidmap slirp4netns fuse-overlayfs openssh-client"
# Prometheus (its tests) and the aarch64 cross compiler (tests/build/test_cross_aarch64.sh):
TEST="$TEST prometheus gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
# The hand-run checks, not CI's: scripts/arm64-check.sh (emulation), scripts/spack-check.sh
# (clingo's build).
OPS="qemu-user-static debootstrap cmake bison re2c python3-dev"
BENCH="python3-numpy python3-torch python3-h5py"

packages=$BUILD
for group in "$@"; do
    case $group in
    build) ;;
    test) packages="$packages $TEST" ;;
    bench) packages="$packages $BENCH" ;;
    ops) packages="$packages $OPS" ;;
    *) echo "install-deps: unknown group '$group'; use build, test, bench or ops" >&2; exit 2 ;;
    esac
done

missing=""
for p in $packages; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing:$missing; run as root to install them" >&2
    exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Daemons (slurm, munge, pushgateway) are started by the tests that need them, not at install.
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
