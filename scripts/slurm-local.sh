#!/bin/sh
# slurm-local.sh: start or stop a private one-node Slurm (slurmctld + slurmd +
# munged) for tests, entirely inside one state directory.
#
#   scripts/slurm-local.sh start DIR [CPUS]   start; writes DIR/env (source it)
#   scripts/slurm-local.sh stop DIR           stop what `start DIR` started
#
# Nothing system-wide is touched: munged gets its own key and socket, Slurm its
# own slurm.conf (SLURM_CONF), spool, state, logs and free loopback ports, so
# it can run beside a system Slurm or another test's. Needs root (slurmd runs
# jobs as their owner) and Debian's slurm-wlm, munge and libpmix-dev
# (scripts/install-deps.sh test). Exit codes: 0 ok; 1 failed to start
# (DIR/*.log say why; what was started is stopped again); 77 cannot run here
# (not root, or Slurm/munge not installed).
set -u

usage() {
    echo "usage: $0 start DIR [CPUS] | stop DIR" >&2
    exit 2
}

log() { echo "slurm-local: $*" >&2; }

# A free TCP port on the loopback, chosen by the kernel.
free_port() {
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# kill_pidfile FILE: stop the daemon whose pid FILE holds (TERM, then KILL).
kill_pidfile() {
    [ -s "$1" ] || return 0
    pid=$(cat "$1")
    case $pid in ''|*[!0-9]*) return 0 ;; esac
    kill "$pid" 2>/dev/null || return 0
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$1"
}

do_stop() {
    dir=$1
    [ -d "$dir" ] || return 0
    # Cancel what is still queued or running so slurmd has no steps left.
    if [ -f "$dir/slurm.conf" ] && [ -s "$dir/slurmctld.pid" ]; then
        SLURM_CONF=$dir/slurm.conf scancel --quiet --user=root 2>/dev/null || true
    fi
    kill_pidfile "$dir/slurmd.pid"
    kill_pidfile "$dir/slurmctld.pid"
    kill_pidfile "$dir/munged.pid"
    return 0
}

# wait_for SECONDS COMMAND...: retry COMMAND every 0.2 s until it succeeds.
wait_for() {
    n=$(($1 * 5))
    shift
    while [ "$n" -gt 0 ]; do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.2
        n=$((n - 1))
    done
    return 1
}

node_idle() {
    sinfo -h -N -n localhost -o '%T' 2>/dev/null | grep -q '^idle'
}

do_start() {
    dir=$1
    cpus=${2:-$(nproc)}
    if [ "$(id -u)" -ne 0 ]; then
        log "needs root (slurmd starts jobs as their owner)"
        return 77
    fi
    for prog in munged slurmctld slurmd sbatch srun sinfo scancel; do
        if ! command -v "$prog" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$prog" ]; then
            log "$prog not found (install slurm-wlm and munge: scripts/install-deps.sh test)"
            return 77
        fi
    done
    PATH=$PATH:/usr/sbin
    mkdir -p "$dir/spool" "$dir/state" "$dir/munge"
    chmod 700 "$dir/munge"

    # munge: a private key and socket, so nothing depends on a system munged.
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
    chmod 600 "$dir/munge/munge.key"
    sock=$dir/munge/munge.sock
    if ! munged --force --key-file="$dir/munge/munge.key" --socket="$sock" \
        --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" \
        --seed-file="$dir/munge/munge.seed" >>"$dir/munged.log" 2>&1; then
        log "munged did not start (see $dir/munged.log)"
        do_stop "$dir"
        return 1
    fi

    ctld_port=$(free_port)
    slurmd_port=$(free_port)
    while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
    host=$(hostname -s)
    cat >"$dir/slurm.conf" <<EOF
# Written by scripts/slurm-local.sh: a private one-node cluster for tests.
ClusterName=wbtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/slurmd-%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MessageTimeout=30
KillWait=5
InactiveLimit=0
MinJobAge=300
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
    printf 'SLURM_CONF=%s\nexport SLURM_CONF\n' "$dir/slurm.conf" >"$dir/env"
    SLURM_CONF=$dir/slurm.conf
    export SLURM_CONF

    # -c: start clean, ignoring any saved state; -i: ignore saved state too.
    if ! slurmctld -c -i -f "$SLURM_CONF" >>"$dir/slurmctld.log" 2>&1; then
        log "slurmctld did not start (see $dir/slurmctld.log)"
        do_stop "$dir"
        return 1
    fi
    if ! wait_for 15 scontrol ping; then
        log "slurmctld does not answer (see $dir/slurmctld.log)"
        do_stop "$dir"
        return 1
    fi
    if ! slurmd -N localhost -f "$SLURM_CONF" >>"$dir/slurmd.log" 2>&1; then
        log "slurmd did not start (see $dir/slurmd.log)"
        do_stop "$dir"
        return 1
    fi
    if ! wait_for 20 node_idle; then
        log "node did not become idle: $(sinfo -h -N -o '%T %E' 2>&1) (see $dir/slurmd.log)"
        do_stop "$dir"
        return 1
    fi
    log "up: SLURM_CONF=$SLURM_CONF, 1 node, $cpus CPUs"
    return 0
}

[ $# -ge 2 ] || usage
case $1 in
    start) do_start "$2" "${3:-}" ;;
    stop) do_stop "$2" ;;
    *) usage ;;
esac
