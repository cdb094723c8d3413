# jobs/wavebench-job.sh: what the wavebench job scripts share, sourced (bash) by
# jobs/slurm.sh and jobs/aws-pcluster.sh; not a job script itself.
#
#   wb_job_run LAUNCHER RESULTS COMMAND...
#
# runs COMMAND (the launcher, then wavebench and its options) in the background
# so that the SIGTERM Slurm sends this shell (--signal=B:TERM@...) reaches the
# ranks, waits for it, says what its exit code means and exits with that code:
# 0 ok (RESULTS written), 2 usage/config error, 3 a result failed its check,
# 4 interrupted after writing a checkpoint, anything else the launcher's.
# mpirun gets the stop as SIGUSR1, which it passes on to the ranks (wavebench
# stops on it as on SIGTERM) without ending the job itself: a SIGTERM to mpirun
# would start its kill sequence (SIGTERM, then SIGKILL after
# odls_base_sigkill_timeout, 1 s) and make it exit 1 whatever its ranks returned.
# Where a launcher still exits otherwise after a stop, the exit status the results
# file records (read with "$wb_job_bin export", wb_job_bin set by the caller) is
# the answer.
# shellcheck shell=bash

wb_job_note() {
    echo "wavebench job: $*" >&2
}

wb_job_forward_term() {
    wb_job_note "SIGTERM received, passing it on to the ranks"
    wb_job_termed=1
    # srun ends the whole step when it gets SIGTERM itself; signalling the
    # job's steps instead gives every rank the SIGTERM and time to checkpoint.
    if [ "$wb_job_launcher" = srun ] && scancel --signal=TERM "$SLURM_JOB_ID" 2>/dev/null; then
        return
    fi
    local sig=TERM
    [ "$wb_job_launcher" = mpirun ] && sig=USR1
    [ -n "$wb_job_child" ] && kill -"$sig" "$wb_job_child" 2>/dev/null
}

wb_job_run() {
    wb_job_launcher=$1
    local results=$2 rc=0
    shift 2
    wb_job_child= wb_job_termed=
    trap wb_job_forward_term TERM
    "$@" &
    wb_job_child=$!
    wait "$wb_job_child" || rc=$?
    # A trapped signal interrupts `wait` (status > 128); wait again for the real status.
    while kill -0 "$wb_job_child" 2>/dev/null; do
        rc=0
        wait "$wb_job_child" || rc=$?
    done

    if [ -n "$wb_job_termed" ] && [ "$rc" -ne 4 ] && [ -f "$results" ] && [ -n "${wb_job_bin:-}" ]; then
        local recorded
        recorded=$("$wb_job_bin" export "$results" --json 2>/dev/null |
            sed -n 's/^ *"exit_status": *\([0-9][0-9]*\).*/\1/p' | head -n 1)
        if [ -n "$recorded" ] && [ "$recorded" != "$rc" ]; then
            wb_job_note "$wb_job_launcher exited $rc after the stop; the results file records exit $recorded"
            rc=$recorded
        fi
    fi
    case $rc in
        0) echo "# wavebench finished: $results" ;;
        2) wb_job_note "wavebench rejected its options or configuration (exit 2)" ;;
        3) wb_job_note "a result failed its check (exit 3): the job fails" ;;
        4) wb_job_note "interrupted; checkpoint and partial results written (exit 4)" ;;
        *) wb_job_note "$wb_job_launcher exited with status $rc" ;;
    esac
    exit "$rc"
}
