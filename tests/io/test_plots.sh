#!/bin/sh
# report --plots: PNGs per collective, PINN loss and solution (wave1d and wave2d) are
# written, are PNGs and are not trivially small; the tool is found in the build tree.
. "$WB_SRCDIR/tests/lib/common.sh"
/usr/bin/python3 -c "import h5py, matplotlib" 2>/dev/null || { echo "SKIP: python3-h5py or python3-matplotlib missing"; exit 77; }
wb_mpi 2 --suite collectives,pinn --coll allreduce,broadcast -b 8 -e 64K -n 2 -R 3 --pinn-iters 30 \
    --quiet --output-dir "$scratch" --output a.h5 || fail "run: exit $?"
wb_mpi 2 --suite pinn --problem wave2d --pinn-iters 10 --eval-grid 16 --quiet --output-dir "$scratch" \
    --output b.h5 || fail "wave2d run: exit $?"
"$WAVEBENCH" report "$scratch/a.h5" --plots "$scratch/plots" > /dev/null || fail "plots: exit $?"
"$WAVEBENCH" report "$scratch/b.h5" --plots "$scratch/plots2" > /dev/null || fail "plots wave2d: exit $?"
for png in plots/collectives_allreduce.png plots/collectives_broadcast.png plots/pinn_loss.png \
    plots/pinn_solution.png plots2/pinn_solution.png plots2/pinn_loss.png; do
    p="$scratch/$png"
    [ -f "$p" ] || { fail "$png not written"; continue; }
    [ "$(head -c 8 "$p" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$png is not a PNG"
    [ "$(wc -c < "$p")" -gt 10000 ] || fail "$png is too small to show anything"
done
# WAVEBENCH_PLOTS overrides the tool; a failing tool is a runtime failure (exit 1).
printf 'import sys\nsys.exit(5)\n' > "$scratch/bad.py"
WAVEBENCH_PLOTS="$scratch/bad.py" "$WAVEBENCH" report "$scratch/a.h5" --plots "$scratch/p3" > /dev/null 2> "$scratch/err.txt"
[ $? = 1 ] || fail "failing plot tool: not exit 1"
grep -q "plots: .*failed" "$scratch/err.txt" || fail "failing plot tool: no error line"
finish
