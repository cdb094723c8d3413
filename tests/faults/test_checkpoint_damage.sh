#!/bin/sh
# Checkpoints that must not be resumed, and checkpoint names that must not be followed:
# a checkpoint damaged in its metadata (adam_v's datatype message) or in its data (adam_v's
# values) is refused on every rank with exit 2 and one line; so is one of another point
# set or rank count, naming the key and both values in words. A symlink planted at the
# checkpoint's name or at the old predictable temporary name is never written through.
# shellcheck disable=SC2086
. "$WB_SRCDIR/tests/lib/common.sh"
damage="/usr/bin/python3 $WB_SRCDIR/tests/faults/damage_checkpoint.py"
net="--suite pinn --width 8 --depth 1 --initial-points 32 --eval-grid 8 --quiet --output-dir $scratch"
points="--interior-points 256 --boundary-points 32"

wb_mpi 2 $net $points --pinn-iters 20 --output base.h5 2> "$scratch/base.err" ||
    fail "first run: exit $?: $(cat "$scratch/base.err")"
[ -f "$scratch/base.ckpt.h5" ] || fail "no checkpoint written"

# refused TAG NP WHAT ARGS...: resuming with ARGS on NP ranks exits 2 on every rank with one
# line on standard error that contains WHAT.
refused() {
    tag=$1 np=$2 what=$3
    shift 3
    wb_mpi_each "$np" "$tag" $net --pinn-iters 40 --output "$tag.h5" "$@" 2> "$scratch/$tag.err"
    expect_each "$np" "$tag" 2
    [ "$(wc -l < "$scratch/$tag.err")" -eq 1 ] ||
        fail "$tag: not one line: $(cat "$scratch/$tag.err")"
    grep -q -- "$what" "$scratch/$tag.err" || fail "$tag: no '$what' in: $(cat "$scratch/$tag.err")"
}

for part in datatype data; do
    cp "$scratch/base.ckpt.h5" "$scratch/$part.ckpt.h5"
    $damage "$scratch/$part.ckpt.h5" adam_v $part || fail "cannot damage adam_v's $part"
    refused "$part" 2 "damaged" $points --resume "$scratch/$part.ckpt.h5"
done
refused ranks 1 "ranks 2, this run has 1" $points --resume "$scratch/base.ckpt.h5"
refused points 2 "interior_points 256, this run has 300" --resume "$scratch/base.ckpt.h5" \
    --interior-points 300 --boundary-points 32
refused boundary 2 "boundary_points 32, this run has 64" --resume "$scratch/base.ckpt.h5" \
    --interior-points 256 --boundary-points 64
refused precision 2 "precision fp64, this run has fp32" $points --resume "$scratch/base.ckpt.h5" \
    --precision fp32
refused problem 2 "problem wave1d, this run has " $points --resume "$scratch/base.ckpt.h5" \
    --problem wave2d
# An undamaged checkpoint of the same run still resumes.
wb_mpi 2 $net $points --pinn-iters 40 --output resumed.h5 --resume "$scratch/base.ckpt.h5" \
    2> "$scratch/resumed.err" || fail "resume of an intact checkpoint: exit $?: $(cat "$scratch/resumed.err")"

# A symlink at the checkpoint's name: the victim is untouched and the link not replaced.
echo precious > "$scratch/victim"
ln -s "$scratch/victim" "$scratch/link.ckpt.h5"
wb_mpi 2 $net $points --pinn-iters 20 --output link.h5 2> "$scratch/link.err"
rc=$?
[ "$rc" -ne 0 ] || fail "symlink at the checkpoint name: exit 0"
[ "$(cat "$scratch/victim")" = precious ] || fail "symlink at the checkpoint name: victim overwritten"
[ -L "$scratch/link.ckpt.h5" ] || fail "symlink at the checkpoint name was replaced"
grep -q "not a regular file" "$scratch/link.err" || fail "symlink at the checkpoint name: $(cat "$scratch/link.err")"
# A symlink at the old predictable temporary name is never followed.
ln -s "$scratch/victim" "$scratch/tmpname.ckpt.h5.partial"
wb_mpi 2 $net $points --pinn-iters 20 --output tmpname.h5 2> "$scratch/tmpname.err" ||
    fail "symlink at NAME.ckpt.h5.partial: exit $?: $(cat "$scratch/tmpname.err")"
[ "$(cat "$scratch/victim")" = precious ] || fail "symlink at NAME.ckpt.h5.partial: victim overwritten"
[ -f "$scratch/tmpname.ckpt.h5" ] && [ ! -L "$scratch/tmpname.ckpt.h5" ] ||
    fail "symlink at NAME.ckpt.h5.partial: no regular checkpoint"
ls "$scratch" | grep -q "partial-" && fail "a temporary checkpoint was left behind"
finish
