#!/bin/sh
# A memory limit on the process's own cgroup (where Slurm puts a job's limit), not on the
# root: an arrays run, a collectives sweep or a PINN model that needs more is refused before
# any work, exit 2 on every rank, with the cgroup's room as what is available. Needs root and a writable memory controller
# (cgroup v1's memory hierarchy or v2); skipped, with the reason, where neither can be made.
. "$WB_SRCDIR/tests/lib/common.sh"

limit=268435456 # 256 MiB; 64M doubles need 1.5 GiB
own=$(sed -n 's/^[0-9]*:\([^:]*,\)\{0,1\}memory\(,[^:]*\)\{0,1\}:\(.*\)$/\3/p' /proc/self/cgroup)
if [ -n "$own" ] && [ -d /sys/fs/cgroup/memory ]; then
    cg=/sys/fs/cgroup/memory${own%/}/wb-test-$$ file=memory.limit_in_bytes
else
    own=$(sed -n 's/^0::\(.*\)$/\1/p' /proc/self/cgroup)
    cg=/sys/fs/cgroup${own%/}/wb-test-$$ file=memory.max
fi
if ! mkdir "$cg" 2> /dev/null || ! echo "$limit" > "$cg/$file" 2> /dev/null; then
    rmdir "$cg" 2> /dev/null
    echo "SKIP: cannot make a cgroup with a memory limit at $cg"
    exit 77
fi
trap 'rmdir "$cg" 2> /dev/null; rm -rf "$scratch"' EXIT

# refused NP TAG PATTERN ARGS...: wavebench ARGS on NP ranks inside the cgroup exits 2 with
# a line matching PATTERN, quickly and without a results file.
refused() {
    np=$1 tag=$2 pattern=$3
    shift 3
    start=$(date +%s)
    sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$cg" \
        timeout -k 5 "$wb_limit" "$MPIRUN" -q -np "$np" --oversubscribe "$WAVEBENCH" "$@" \
        --output-dir "$scratch" > "$scratch/out.$tag" 2> "$scratch/err.$tag"
    rc=$?
    [ "$rc" = 2 ] || fail "$tag in a 256 MiB cgroup: exit $rc, not 2: $(cat "$scratch/err.$tag")"
    grep -q "$pattern" "$scratch/err.$tag" ||
        fail "$tag: no refusal naming the cgroup's room: $(cat "$scratch/err.$tag")"
    [ $(($(date +%s) - start)) -lt 30 ] || fail "$tag: the refusal took more than 30 s"
    ls "$scratch" | grep -q '\.h5' && fail "$tag: a results file was written"
}
for np in 1 2; do
    refused $np "arrays.$np" "\[arrays\] size: .* but 0\.[0-9] GiB is available" \
        --suite arrays --array-size 64M
    refused $np "coll.$np" "\[collectives\] max_bytes: .* but [0-9]* MiB are available" \
        --suite collectives -b 128M -e 128M
    refused $np "pinn.$np" "\[pinn\] width, depth, \*_points: .* but [0-9]* MiB are available" \
        --suite pinn --width 1024 --depth 8
done
finish
