#!/bin/sh
# cpu_run_cost.sh: what a CPU run costs each rank in the default build (CUDA module built)
# against the CPU-only build: per-rank peak resident memory and start-up time, for each
# suite at np 1, 4 and 16 (oversubscribed), both builds alternating in one run.
# The CUDA backend is a module opened only for --backend cuda, so the target is the
# default build within 10% of the CPU-only build on CPU runs.
#
# Each rank runs under a small wrapper that reports the child's peak RSS (getrusage) and
# wall time; a short run of the suite stands for start-up (its work is a few ms).
# usage: baselines/cpu_run_cost.sh DEFAULT_WAVEBENCH CPU_ONLY_WAVEBENCH   env: ROUNDS (3), NPS ("1 4 16")
set -eu
default=${1:?usage: cpu_run_cost.sh DEFAULT_WAVEBENCH CPU_ONLY_WAVEBENCH}
cpuonly=${2:?usage: cpu_run_cost.sh DEFAULT_WAVEBENCH CPU_ONLY_WAVEBENCH}
rounds=${ROUNDS:-3}
nps=${NPS:-1 4 16}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d /tmp/wb-cpu-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat > "$work/measure.py" <<'PY'
import resource, subprocess, sys, time
out = sys.argv[1]
t0 = time.perf_counter()
rc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0  # KiB -> MiB
with open(out, "a") as f:
    f.write(f"{rss:.1f} {wall:.3f} {rc}\n")
PY

suite_args() {
    case $1 in
    collectives) echo "--suite collectives --coll allreduce -e 1K -R 2 -w 1" ;;
    arrays) echo "--suite arrays --array-size 1M --array-repetitions 2" ;;
    pinn) echo "--suite pinn --pinn-iters 20 --interior-points 2048 --initial-points 256 --boundary-points 256 --eval-grid 8" ;;
    esac
}

for round in $(seq 1 "$rounds"); do
    for np in $nps; do
        for suite in collectives arrays pinn; do
            for build in default cpuonly; do
                eval "bin=\$$build"
                # shellcheck disable=SC2046
                mpirun -q -np "$np" --oversubscribe --bind-to none /usr/bin/python3 "$work/measure.py" \
                    "$work/$build-$suite-$np.txt" "$bin" $(suite_args "$suite") --quiet \
                    --output-dir "$work" --output "r.h5"
            done
        done
    done
done

echo "# peak RSS per rank (MiB, max over ranks) and wall time of a short run (s, max over"
echo "# ranks), median over $rounds rounds; default build: $default; CPU-only: $cpuonly"
/usr/bin/python3 - "$work" "$nps" <<'PY'
import statistics, sys
work, nps = sys.argv[1], sys.argv[2].split()
def load(build, suite, np):
    rows = [l.split() for l in open(f"{work}/{build}-{suite}-{np}.txt")]
    assert all(r[2] == "0" for r in rows), f"{build} {suite} np {np}: a rank failed"
    n = int(np)
    rounds = [rows[i:i + n] for i in range(0, len(rows), n)]
    rss = statistics.median(max(float(r[0]) for r in rd) for rd in rounds)
    wall = statistics.median(max(float(r[1]) for r in rd) for rd in rounds)
    return rss, wall
print(f"# {'suite':<12} {'np':>3} {'RSS default':>12} {'RSS cpu-only':>12} {'ratio':>6}"
      f" {'start default':>13} {'start cpu-only':>14} {'ratio':>6}")
worst = 0
for np in nps:
    for suite in ("collectives", "arrays", "pinn"):
        (rd, wd), (rc, wc) = load("default", suite, np), load("cpuonly", suite, np)
        worst = max(worst, rd / rc)
        print(f"  {suite:<12} {np:>3} {rd:>12.1f} {rc:>12.1f} {rd / rc:>6.2f}"
              f" {wd:>13.3f} {wc:>14.3f} {wd / wc:>6.2f}")
print(f"# worst RSS ratio {worst:.2f} (target <= 1.10)")
PY
