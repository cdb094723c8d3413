#!/bin/sh
# One rank killed with SIGKILL: the launcher ends the job (no hang) with a failure, and no
# results file appears under the final name.
. "$WB_SRCDIR/tests/lib/common.sh"
start=$(date +%s)
timeout -k 5 60 "$MPIRUN" -q -np 2 --oversubscribe "$WAVEBENCH" --suite pinn --pinn-iters 100000 \
    --quiet --output-dir "$scratch" --output killed.h5 > "$scratch/out" 2>&1 &
launcher=$!
sleep 2
victim=$(pgrep -f "output killed.h5" | while read -r p; do
    [ "$(cat /proc/$p/comm 2>/dev/null)" = wavebench ] && echo "$p"; done | tail -n 1)
[ -n "$victim" ] || fail "no wavebench rank found"
kill -KILL "$victim"
wait "$launcher"
rc=$?
elapsed=$(($(date +%s) - start))
[ "$rc" -ne 0 ] || fail "the job succeeded although a rank was killed"
# mpirun itself answers 137 (128 + SIGKILL) for a killed rank: judge a hang by the clock.
[ "$elapsed" -lt 45 ] || fail "the job hung until the timeout ($elapsed s, exit $rc)"
[ -f "$scratch/killed.h5" ] && fail "a results file appeared under the final name"
finish
