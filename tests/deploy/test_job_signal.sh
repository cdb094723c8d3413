#!/bin/sh
# The job scripts' launcher wrapper (jobs/wavebench-job.sh, wb_job_run) with Open MPI's
# mpirun as launcher: a SIGTERM to the job shell reaches the ranks, which write their
# checkpoint and an incomplete results file, and the job ends within seconds with exit 4:
# mpirun gets the stop as SIGUSR1, which it passes on without starting its own kill
# sequence (a SIGTERM to it would SIGKILL the ranks 1 s later and make it exit 1).
. "$WB_SRCDIR/tests/lib/common.sh"
cd "$scratch" || exit 1
cat > job.sh <<JOB
. "$WB_SRCDIR/jobs/wavebench-job.sh"
wb_job_bin="$WAVEBENCH"
wb_job_run mpirun "$scratch/job.h5" "$MPIRUN" -q -np 2 --oversubscribe "$WAVEBENCH" --quiet \
    --output job.h5 --suite pinn --width 24 --depth 2 --interior-points 2048 --pinn-iters 1000000
JOB
# --foreground: timeout passes the SIGTERM to the job shell alone, as Slurm signals the
# batch shell (--signal=B:TERM), not to the whole process group.
timeout --foreground -k 5 "$wb_limit" bash job.sh > job.out 2> job.err &
job=$!
sleep 4
kill -TERM "$job"
t0=$(date +%s)
wait "$job"
rc=$?
took=$(($(date +%s) - t0))
[ "$rc" = 4 ] || fail "job shell exit $rc after SIGTERM, not 4: $(cat job.err)"
grep -q "interrupted; checkpoint and partial results written (exit 4)" job.err ||
    fail "no line about the interruption: $(cat job.err)"
grep -q "mpirun exited 1" job.err && fail "mpirun was signalled itself: $(cat job.err)"
[ "$took" -le 10 ] || fail "the job took $took s to end after the SIGTERM"
[ -f job.ckpt.h5 ] || fail "no checkpoint"
[ -f job.h5 ] || fail "no results file"
finish
