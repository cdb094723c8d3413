#!/bin/sh
# spack-check.sh: installs wavebench with a real Spack from this checkout's recipe
# (packaging/spack/package.py) and its `make dist` tarball, against Debian's packages as
# externals, runs it, and uninstalls it.
#
#   scripts/spack-check.sh SPACK_ROOT
#
#   SPACK_ROOT       a Spack checkout (tried with v1.1.0); used as a tool, never modified:
#                    every setting, the install tree, caches and stages go to a private
#                    work directory (WB_SPACK_WORK, default a new /tmp/wb-spack.XXXXXX).
#   SPACK_PACKAGES   a spack/spack-packages checkout (Spack 1.x keeps its builtin
#                    packages there and would clone it from GitHub); default: the
#                    builtin repository Spack is configured with.
#   CLINGO_PYTHONPATH  where `import clingo` works, if python3 cannot import it already;
#   CLINGO_SRC       or a potassco/clingo source checkout (v5.8.0 tried): its Python module
#                    is built once (cmake, bison, re2c, python3-dev: scripts/install-deps.sh ops; ~5 min on 2 cores) into
#                    WB_SPACK_CACHE (default ~/.cache/wavebench-spack). Debian 12 has no
#                    Python clingo, and Spack's own bootstrapping downloads it.
#   WB_SPACK_KEEP=1  keep the work directory (and the installed package) for a look.
#
# Steps: the tarball (autogen, configure, make dist in a scratch build tree); a local
# mirror holding it as wavebench/wavebench-VERSION.tar.gz; a private package repository
# with the recipe and a version line for the tarball's sha256 (a release would add that
# line with `spack checksum`); Debian's packages as externals (`spack external find`, and
# explicit packages.yaml entries for the libraries it cannot detect); `spack install
# wavebench@VERSION +curl ~cuda`; `spack load wavebench && mpirun -np 2 wavebench --suite
# collectives -e 64K`; `spack uninstall`. Everything is offline.
#
# Not in CI: Spack, its package repository and clingo are GitHub checkouts, and CI has no
# GitHub; CI keeps the static check of the recipe (tests/deploy/test_spack.py).
# 3.5 to 4.5 minutes on the 2-core test machine once clingo is built (compiler and external
# find 2.5 min, each concretization about 1 min, the build 25 s). Exit 0 when every step passed.
set -eu
usage() { echo "usage: scripts/spack-check.sh SPACK_ROOT" >&2; exit 2; }
[ $# -eq 1 ] || usage
SPACK_ROOT=$(cd "$1" && pwd)
[ -x "$SPACK_ROOT/bin/spack" ] || { echo "spack-check: $SPACK_ROOT/bin/spack not found" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "== spack-check: $*"; }
die() { echo "spack-check: $*" >&2; exit 1; }

work=${WB_SPACK_WORK:-$(mktemp -d /tmp/wb-spack.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
passed=0
# Kept when a step failed (for its logs) or when asked.
cleanup() {
    if [ $passed = 1 ] && [ "${WB_SPACK_KEEP:-0}" != 1 ]; then rm -rf "$work"; else say "kept $work"; fi
}
trap cleanup EXIT

# ---- clingo: Spack's concretizer
cache=${WB_SPACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wavebench-spack}
if [ -n "${CLINGO_PYTHONPATH:-}" ]; then
    PYTHONPATH=$CLINGO_PYTHONPATH${PYTHONPATH:+:$PYTHONPATH}
elif ! python3 -c 'import clingo' 2>/dev/null; then
    [ -n "${CLINGO_SRC:-}" ] || die "python3 cannot import clingo: set CLINGO_PYTHONPATH, or CLINGO_SRC to a potassco/clingo checkout to build it"
    ver=$(git -C "$CLINGO_SRC" describe --tags --always 2>/dev/null || echo src)
    inst=$cache/clingo-$ver
    if ! PYTHONPATH=$inst/python python3 -c 'import clingo' 2>/dev/null; then
        say "building clingo's Python module ($ver) into $inst"
        rm -rf "$inst.build" && mkdir -p "$inst.build"
        (cd "$inst.build" &&
            cmake "$CLINGO_SRC" -DCMAKE_BUILD_TYPE=Release -DCLINGO_BUILD_APPS=OFF \
                -DCLINGO_BUILD_WITH_PYTHON=ON -DCLINGO_BUILD_WITH_LUA=OFF \
                -DCMAKE_INSTALL_PREFIX="$inst" -DPYCLINGO_INSTALL_DIR="$inst/python" &&
            make -j2 && make install) > "$cache/clingo-$ver.log" 2>&1 ||
            die "clingo build failed: $cache/clingo-$ver.log"
        rm -rf "$inst.build"
    fi
    PYTHONPATH=$inst/python${PYTHONPATH:+:$PYTHONPATH}
fi
export PYTHONPATH
python3 -c 'import clingo; print("== spack-check: clingo", clingo.__version__, "from", clingo.__file__)'

# ---- Spack, isolated: its user and system scopes are directories under $work (not
# ~/.spack, not /etc/spack), and nothing is written into SPACK_ROOT.
export SPACK_USER_CONFIG_PATH="$work/user-config" SPACK_USER_CACHE_PATH="$work/user-cache"
export SPACK_SYSTEM_CONFIG_PATH="$work/system-config"
spack() { "$SPACK_ROOT/bin/spack" "$@"; }
say "$(spack --version)"
cfg=$SPACK_USER_CONFIG_PATH
mkdir -p "$cfg"
cat > "$cfg/config.yaml" <<EOF
config:
  install_tree:
    root: $work/opt
  build_stage: [$work/stage]
  source_cache: $work/source-cache
  misc_cache: $work/misc-cache
  build_jobs: 2
EOF
# No bootstrapping from the network: clingo comes from PYTHONPATH.
cat > "$cfg/bootstrap.yaml" <<EOF
bootstrap:
  enable: false
EOF

# ---- the tarball
say "make dist"
dist=$work/dist
rm -rf "$dist" "$work/mirror"
mkdir -p "$dist"
(cd "$top" && { [ -x configure ] || ./autogen.sh; }) > "$work/autogen.log" 2>&1 || die "autogen failed: $work/autogen.log"
(cd "$dist" && "$top/configure" CC=mpicc --without-cuda --without-nccl > configure.log 2>&1 &&
    make -s dist > dist.log 2>&1) || die "make dist failed: see $dist/*.log"
tarball=$(ls "$dist"/wavebench-*.tar.gz)
version=$(basename "$tarball" .tar.gz | sed 's/^wavebench-//')
sha=$(sha256sum "$tarball" | cut -d' ' -f1)
say "tarball $(basename "$tarball") sha256 $sha"

# ---- a local mirror with the tarball where Spack looks for it: Spack 1.x by its sha256
# (_source-cache/archive/SH/SHA256.tar.gz), Spack 0.x also by name (NAME/NAME-VERSION.EXT).
mkdir -p "$work/mirror/wavebench" "$work/mirror/_source-cache/archive/$(echo "$sha" | cut -c1-2)"
cp "$tarball" "$work/mirror/wavebench/"
cp "$tarball" "$work/mirror/_source-cache/archive/$(echo "$sha" | cut -c1-2)/$sha.tar.gz"
spack mirror remove --scope user local > /dev/null 2>&1 || true
spack mirror add --scope user local "file://$work/mirror"

# ---- package repositories: the builtin one (local), and ours with the recipe
if [ -n "${SPACK_PACKAGES:-}" ]; then
    builtin=$(cd "$SPACK_PACKAGES" && pwd)/repos/spack_repo/builtin
    [ -f "$builtin/repo.yaml" ] || die "SPACK_PACKAGES: no repos/spack_repo/builtin/repo.yaml in $SPACK_PACKAGES"
fi
repo=$work/repo/spack_repo/wavebench_check
mkdir -p "$repo/packages/wavebench"
printf 'repo:\n  namespace: wavebench_check\n  api: v2.0\n' > "$repo/repo.yaml"
# The recipe as committed, plus the version of this tarball (as a release would add it).
sed "/^    version(\"main\"/a\\
    version(\"$version\", sha256=\"$sha\")" "$top/packaging/spack/package.py" > "$repo/packages/wavebench/package.py"
grep -q "version(\"$version\", sha256=\"$sha\")" "$repo/packages/wavebench/package.py" ||
    die "could not add version $version to the recipe copy (no version(\"main\", ...) line?)"
{
    echo "repos:"
    echo "  wavebench_check: $repo"
    [ -n "${SPACK_PACKAGES:-}" ] && echo "  builtin: $builtin"
} > "$cfg/repos.yaml"
spack repo list
say "spack audit packages wavebench"
spack audit packages wavebench

# ---- Debian's packages as externals
# (About 2.5 minutes here; a kept WB_SPACK_WORK that has them skips this.)
if [ ! -f "$work/external-find.log" ]; then
    say "spack compiler find / external find"
    spack compiler find --scope user > "$work/compiler-find.log" 2>&1 || die "spack compiler find failed: $(cat "$work/compiler-find.log")"
    spack external find --scope user --not-buildable > "$work/external-find.log.tmp" 2>&1 ||
        die "spack external find failed: $(cat "$work/external-find.log.tmp")"
    mv "$work/external-find.log.tmp" "$work/external-find.log"
fi
sed 's/^/   /' "$work/compiler-find.log" "$work/external-find.log"
dv() { dpkg-query -W -f='${Version}' "$1" | sed 's/^[0-9]*://; s/[-+~].*//'; }
multiarch=$(gcc -print-multiarch)
# What `spack external find` cannot detect (libraries without executables), and what it
# must not pick differently: Debian's versions, from dpkg. Debian's parallel HDF5 lives in
# its own prefix (include/ and libhdf5.so under /usr/lib/<multiarch>/hdf5/openmpi).
cat > "$work/packages.extra.yaml" <<EOF
packages:
  mpi:
    require: openmpi
  blas:
    require: openblas
  openmpi:
    buildable: false
    externals:
    - spec: openmpi@$(dv libopenmpi-dev)
      prefix: /usr
  hdf5:
    buildable: false
    externals:
    - spec: hdf5@$(dv libhdf5-openmpi-dev)+mpi+fortran+cxx+hl api=default
      prefix: /usr/lib/$multiarch/hdf5/openmpi
  openblas:
    buildable: false
    externals:
    - spec: openblas@$(dv libopenblas-dev)
      prefix: /usr
  jansson:
    buildable: false
    externals:
    - spec: jansson@$(dv libjansson-dev)
      prefix: /usr
  curl:
    buildable: false
    externals:
    - spec: curl@$(dv libcurl4-openssl-dev)
      prefix: /usr
  cmocka:
    buildable: false
    externals:
    - spec: cmocka@$(dv libcmocka-dev)
      prefix: /usr
  pkgconf:
    buildable: false
    externals:
    - spec: pkgconf@$(dv pkgconf)
      prefix: /usr
  autoconf:
    buildable: false
    externals:
    - spec: autoconf@$(dv autoconf)
      prefix: /usr
  automake:
    buildable: false
    externals:
    - spec: automake@$(dv automake)
      prefix: /usr
  libtool:
    buildable: false
    externals:
    - spec: libtool@$(dv libtool)
      prefix: /usr
  m4:
    buildable: false
    externals:
    - spec: m4@$(dv m4)
      prefix: /usr
EOF
# Merged over what external find wrote: these entries win for the packages they name.
/usr/bin/python3 - "$cfg/packages.yaml" "$work/packages.extra.yaml" <<'PY'
import sys, yaml
path, extra = sys.argv[1], sys.argv[2]
try:
    have = yaml.safe_load(open(path)) or {}
except FileNotFoundError:
    have = {}
pk = have.setdefault("packages", {})
pk.update(yaml.safe_load(open(extra))["packages"])
yaml.safe_dump(have, open(path, "w"), default_flow_style=False)
PY

spec="wavebench@=$version +curl ~cuda"
say "spack spec $spec"
spack spec -I -l "$spec"
say "spack install $spec"
start=$(date +%s)
spack install --fail-fast -v "$spec" > "$work/install.log" 2>&1 || {
    tail -n 60 "$work/install.log"
    for f in "$work"/stage/*/spack-build-out.txt "$work"/stage/*/*/spack-build-out.txt; do
        [ -f "$f" ] && { echo "--- $f"; tail -n 40 "$f"; }
    done
    die "spack install failed (log: $work/install.log)"
}
sed -n '/^wavebench .* configuration$/,/NCCL/p' "$work/install.log" | sed 's/^/   /'
tail -n 3 "$work/install.log"
say "installed in $(( $(date +%s) - start )) s: $(spack find --format '{name}@{version}{variants} /{hash:7} {prefix}' wavebench)"

say "spack load wavebench && mpirun -np 2 wavebench --suite collectives -e 64K"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
run=$work/run
mkdir -p "$run"
(
    eval "$(spack load --sh wavebench)"
    cd "$run"
    command -v wavebench
    mpirun -np 2 --oversubscribe wavebench --suite collectives -e 64K --output-dir "$run" --output spack.h5
) > "$run/out.txt" 2>&1 || { cat "$run/out.txt"; die "the installed wavebench failed"; }
head -n 1 "$run/out.txt"
grep -E '^# wavebench: ' "$run/out.txt" | tail -n 1
case $(head -n 1 "$run/out.txt") in "$work/opt/"*) ;; *) die "spack load did not put the installed wavebench first on PATH" ;; esac
grep -q '^# wavebench: PASSED' "$run/out.txt" || { tail -n 20 "$run/out.txt"; die "the run did not pass"; }

if [ "${WB_SPACK_KEEP:-0}" = 1 ]; then
    say "WB_SPACK_KEEP=1: not uninstalling"
else
    say "spack uninstall wavebench"
    spack uninstall -y wavebench
    [ -z "$(spack find --format '{name}' wavebench 2>/dev/null)" ] || die "wavebench still installed"
fi
passed=1
say "all steps passed"
