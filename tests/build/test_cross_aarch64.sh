#!/bin/sh
# Cross-compile check for aarch64 (AWS Graviton): every C source of the program and its
# kernel library (not the CUDA module) compiles with Debian's aarch64-linux-gnu-gcc, with
# the build's own flags and -Werror, so x86-only code outside a guard (intrinsics,
# target_clones, __builtin_cpu_supports, inline assembly) fails here. A compile, not a
# build: config.h and the MPI/HDF5/OpenBLAS/jansson/curl headers are this x86-64 host's
# (aarch64 is LP64 glibc too). The full aarch64 build and its unit tests run under
# emulation in scripts/arm64-check.sh. Skips without gcc-aarch64-linux-gnu.
: "${WB_BUILDDIR:?run through make check}"
cc=${AARCH64_CC:-aarch64-linux-gnu-gcc}
command -v "$cc" > /dev/null || { echo "SKIP: $cc not installed (Debian: gcc-aarch64-linux-gnu, libc6-dev-arm64-cross)"; exit 77; }
grep -q -- '^WB_CFLAGS = .*-fsanitize' "$WB_BUILDDIR/Makefile" &&
    { echo "SKIP: a sanitizer build (checked in the plain build)"; exit 77; }
out=$(mktemp -d /tmp/wb-cross.XXXXXX)
trap 'rm -rf "$out"' EXIT
start=$(date +%s)
# The host's system include directories would put its (x86-64) glibc headers ahead of the
# cross compiler's: they are dropped, and the few library headers there (jansson, curl)
# linked into a directory of their own. MPI's come from the wrapper (mpicc --showme).
multiarch=$(gcc -print-multiarch 2>/dev/null)
mkdir -p "$out/hostinc"
for h in jansson.h jansson_config.h curl; do
    for d in /usr/include "/usr/include/$multiarch"; do
        [ -e "$d/$h" ] && { ln -s "$d/$h" "$out/hostinc/$h"; break; }
    done
done
# The build's own compile rules, with the cross compiler and objects under $out; make
# quotes the flags (string macros) as it does for the real build.
cat > "$out/cross.mk" <<'MK'
X_DROP = -I/usr/include -I/usr/include/ -I/usr/include/$(X_MULTIARCH) -I/usr/include/$(X_MULTIARCH)/
X_SRCS = $(filter %.c,$(libwavebench_a_SOURCES) $(wavebench_SOURCES))
X_KSRCS = $(filter %.c,$(libwbkernels_a_SOURCES))
X_OBJS = $(X_SRCS:%.c=$(X_OUT)/lib/%.o) $(X_KSRCS:%.c=$(X_OUT)/k/%.o)
wb-cross: $(X_OBJS)
$(X_OUT)/lib/%.o: $(srcdir)/%.c
	@mkdir -p $(@D)
	@$(X_CC) $(DEFS) $(DEFAULT_INCLUDES) $(filter-out $(X_DROP),$(AM_CPPFLAGS) $(CPPFLAGS)) $(X_MPI) -I$(X_OUT)/hostinc $(AM_CFLAGS) -O2 -Werror -c -o $@ $< || { echo "FAIL: $<"; exit 1; }
$(X_OUT)/k/%.o: $(srcdir)/%.c
	@mkdir -p $(@D)
	@$(X_CC) $(DEFS) $(DEFAULT_INCLUDES) $(filter-out $(X_DROP),$(libwbkernels_a_CPPFLAGS) $(CPPFLAGS)) $(X_MPI) -I$(X_OUT)/hostinc $(libwbkernels_a_CFLAGS) -O2 -Werror -c -o $@ $< || { echo "FAIL: $<"; exit 1; }
wb-cross-count:
	@echo $(words $(X_OBJS))
MK
set -- -s --no-print-directory -C "$WB_BUILDDIR" -f Makefile -f "$out/cross.mk" X_OUT="$out" X_CC="$cc" \
    X_MULTIARCH="$multiarch" X_MPI="$(mpicc --showme:compile 2>/dev/null)"
# Not the parent make's jobserver and flags (make check runs this from make -j).
unset MAKEFLAGS MFLAGS MAKELEVEL
total=$(make "$@" wb-cross-count) || { echo "FAIL: cannot read the build's sources"; exit 1; }
make "$@" -k -j2 wb-cross > "$out/log" 2>&1
rc=$?
sed 's/^/    /' "$out/log"
n=$(find "$out" -name '*.o' | wc -l)
first=$(find "$out" -name '*.o' | head -n 1)
echo "$n of $total C sources compiled for aarch64 in $(( $(date +%s) - start )) s"
[ -n "$first" ] && od -An -tx1 -j18 -N2 "$first" | grep -q "b7 00" ||
    { echo "FAIL: the objects are not aarch64 (ELF machine 0xb7)"; exit 1; }
[ $rc = 0 ] && [ "$n" = "$total" ] && [ "$total" -gt 20 ] || { echo "FAIL: make exit $rc"; exit 1; }
echo "all checks passed"
