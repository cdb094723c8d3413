#!/bin/sh
# The CUDA backend is a module opened only for --backend cuda: the program does not link
# the CUDA runtime, cuBLAS or NCCL, a CPU run loads none of them, and a missing, foreign
# or broken module is one line and exit 2 on every rank before any work.
. "$WB_SRCDIR/tests/lib/common.sh"
cuda_libs='libcudart|libcublas|libnccl|libcuda\.so'

ldd "$WAVEBENCH" > "$scratch/ldd" || fail "ldd failed"
if grep -Eq "$cuda_libs" "$scratch/ldd"; then
    fail "the program links CUDA libraries: $(grep -E "$cuda_libs" "$scratch/ldd" | tr '\n' ' ')"
fi
LD_DEBUG=files "$WAVEBENCH" --suite collectives --coll allreduce -e 1K -R 2 --quiet \
    --output-dir "$scratch" --output cpu.h5 2> "$scratch/ld.log" || fail "CPU run failed"
if grep -Eq "file=.*($cuda_libs)" "$scratch/ld.log"; then
    fail "a CPU run loaded a CUDA library: $(grep -E "file=.*($cuda_libs)" "$scratch/ld.log" | head -3)"
fi

module="$WB_BUILDDIR/wavebench-cuda.so"
if [ ! -f "$module" ]; then
    echo "no CUDA module in this build (configured without CUDA): the loading paths skip"
    finish
fi
# The module's own libraries are its business, and every symbol it takes from the
# program must be there: RTLD_NOW in the program resolves them all at load.
ldd "$module" | grep -q 'libcudart' || fail "the module does not link the CUDA runtime"

# expect_one_line TAG WHAT: the run TAG ended with exit 2 on every rank and one line saying WHAT.
expect_one_line() {
    expect_each 2 "$1" 2
    [ "$(grep -c . "$scratch/$1.err")" -eq 1 ] || fail "$1: not one error line: $(cat "$scratch/$1.err")"
    grep -q "$2" "$scratch/$1.err" || fail "$1: the line does not say '$2': $(cat "$scratch/$1.err")"
    [ -z "$(ls "$scratch"/"$1"*.h5 2>/dev/null)" ] || fail "$1: a results file was written"
}
run_cuda() { # TAG MODULE
    WAVEBENCH_CUDA_MODULE=$2 wb_mpi_each 2 "$1" --backend cuda --suite pinn \
        --output-dir "$scratch" --output "$1.h5" > "$scratch/$1.out" 2> "$scratch/$1.err"
}
run_cuda missing /nonexistent/wavebench-cuda.so
expect_one_line missing "needs the CUDA module wavebench-cuda.so, not found"
echo "not a shared object" > "$scratch/broken.so"
run_cuda broken "$scratch/broken.so"
expect_one_line broken "cannot load $scratch/broken.so"
libm=$(ldd "$WAVEBENCH" | sed -n 's/.*libm\.so\.6 => \([^ ]*\).*/\1/p')
run_cuda foreign "$libm"
expect_one_line foreign "is not a CUDA module of this build"
# The real module loads (every symbol resolved); here it stops at the device.
if ! (command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1); then
    run_cuda real "$module"
    expect_one_line real "no CUDA device is visible"
fi
finish
