#!/bin/sh
# The collectives' check against a faulty MPI (tests/faults/faulty_mpi.c, LD_PRELOAD): an
# allreduce that stops writing its output after a while, one reduced through half precision,
# one that drops rank 1's contribution, one that counts rank 0's twice. Each is caught at
# np 2 and 4: every rank exits 3 and the table shows #wrong > 0 at the size measured. One
# size only, so that nothing but the check's own call can reveal an output left untouched.
. "$WB_SRCDIR/tests/lib/common.sh"
lib=$WB_BUILDDIR/tests/faults/faulty_mpi.so
[ -f "$lib" ] || { fail "$lib not built"; finish; }
cd "$scratch" || exit 1
preload=$lib
# A sanitizer build's runtime must come first among the libraries loaded.
if "$WAVEBENCH" --version | grep -q -- "--enable-sanitizers"; then
    preload="$(${CC:-gcc} -print-file-name=libasan.so) $lib"
fi

# faulty NP TAG FAULT: the sweep on NP ranks with WB_FAULT=FAULT preloaded into wavebench
# alone (not into mpirun or the shell), each rank's exit code kept (tests/cli/rank_rc.sh).
faulty() {
    mkdir -p "$scratch/$2.rc"
    WB_FAULT=$3 WB_RC_DIR="$scratch/$2.rc" timeout -k 5 "$wb_limit" "$MPIRUN" -q -np "$1" \
        --oversubscribe --mca orte_abort_on_non_zero_status 0 -x WB_RC_DIR -x WB_FAULT \
        sh "$WB_SRCDIR/tests/cli/rank_rc.sh" env LD_PRELOAD="$preload" "$WAVEBENCH" \
        --suite collectives --coll allreduce --datatype float -o sum -b 64K -e 64K \
        --repetitions 6 --quiet --output "$2.h5" 2> "$2.err"
}

for np in 2 4; do
    for fault in untouched:40 half drop1 double0; do
        tag=$(echo "$fault$np" | tr -c 'a-z0-9\n' _)
        faulty "$np" "$tag" "$fault"
        expect_each "$np" "$tag" 3
        /usr/bin/python3 -c "
import h5py, sys
g = h5py.File(sys.argv[1], 'r')['collectives/allreduce']
sys.exit(0 if len(g['size']) == 1 and g['size'][0] == 65536 and g['oop_wrong'][0] > 0 else 1)" "$tag.h5" ||
            fail "$fault at np $np: the table does not show the wrong elements at 64 KiB"
    done
done
# The library itself is harmless when no fault is asked for.
faulty 2 clean none
expect_each 2 clean 0
finish
