#!/usr/bin/python3
"""Reads a wavebench results file back with h5py and checks its structure and figures.

usage: check_results.py FILE RANKS [--expect-wrong]
Exits 0 when the file is complete and self-consistent, 1 otherwise (one line per problem).
"""
import math
import os
import sys

import h5py

ROOT_TEXT = ["format", "wavebench_version", "git_revision", "configure_args", "mpi_library",
             "hdf5_version", "blas", "compiler", "cpu_model", "command_line", "config_ini",
             "start_utc", "end_utc", "verdict", "run_id"]
FACTOR = {"allreduce": lambda n: 2 * (n - 1) / n, "reduce": lambda n: 1,
          "reduce_scatter": lambda n: (n - 1) / n, "allgather": lambda n: (n - 1) / n,
          "broadcast": lambda n: 1, "alltoall": lambda n: (n - 1) / n}


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def main():
    path, ranks = sys.argv[1], int(sys.argv[2])
    expect_wrong = "--expect-wrong" in sys.argv
    problems = []
    f = h5py.File(path, "r")
    for key in ROOT_TEXT:
        if key not in f.attrs or not text(f.attrs[key]):
            problems.append(f"root attribute {key} missing or empty")
    # The BLAS kernels in use, and a warning exactly when the environment chose them.
    coretype = os.environ.get("OPENBLAS_CORETYPE", "")
    warning = text(f.attrs.get("blas_warning", ""))
    if not text(f.attrs.get("blas_core", "")):
        problems.append("blas_core missing or empty")
    if coretype and f"OPENBLAS_CORETYPE={coretype}" not in warning:
        problems.append(f"OPENBLAS_CORETYPE={coretype} is set but blas_warning says '{warning}'")
    if not coretype and "OPENBLAS_CORETYPE" in warning:
        problems.append(f"blas_warning names an override that is not set: '{warning}'")
    # What varied between runs: the build's flags and the BLAS threading.
    flags = text(f.attrs.get("compiler_flags", ""))
    if "-std=c11" not in flags:
        problems.append(f"compiler_flags '{flags}' lacks the project's -std=c11")
    if text(f.attrs.get("blas_parallel", "")) not in ("sequential", "pthreads", "OpenMP", "unknown"):
        problems.append("blas_parallel missing")
    if "blas_threads" not in f.attrs:
        problems.append("blas_threads missing")
    # Each rank's clock: cpufreq where the kernel has it, else /proc/cpuinfo's figure.
    for key in ("governor_of_rank", "cpu_mhz_of_rank", "cpu_max_mhz_of_rank"):
        if key not in f["system"] or len(f[f"system/{key}"]) != ranks:
            problems.append(f"system/{key} missing or not one per rank")
    if "cpu_mhz_of_rank" in f["system"] and os.path.exists("/proc/cpuinfo"):
        has_mhz = any(line.startswith("cpu MHz") for line in open("/proc/cpuinfo"))
        cpufreq = os.path.exists("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq")
        mhz = f["system/cpu_mhz_of_rank"][:]
        if (has_mhz or cpufreq) and not all(m > 100 for m in mhz):
            problems.append(f"cpu_mhz_of_rank {list(mhz)} although this machine reports its clock")
    if text(f.attrs.get("format", "")) != "wavebench-results":
        problems.append("format is not wavebench-results")
    if int(f.attrs["ranks"]) != ranks:
        problems.append(f"ranks {f.attrs['ranks']} != {ranks}")
    if "[collectives]" not in text(f.attrs["config_ini"]):
        problems.append("config_ini lacks [collectives]")
    hosts = f["system/hostnames"][:]
    if len(hosts) != ranks or not all(hosts):
        problems.append("system/hostnames wrong")
    if sum(f["system/ranks_per_locality"][:]) != ranks:
        problems.append("ranks_per_locality does not add up")
    total_wrong = 0
    for name, group in f["collectives"].items():
        if "slowest rank" not in text(group.attrs.get("title", "")):
            problems.append(f"{name}: the table's title does not say its times are the slowest rank's")
        cols = text(group.attrs["columns"]).split(",")
        rows = len(group["size"])
        if rows == 0:
            problems.append(f"{name}: no rows")
        for c in cols:
            if len(group[c]) != rows:
                problems.append(f"{name}/{c}: {len(group[c])} rows, not {rows}")
        for p in ("oop", "ip"):
            raw = group[f"{p}_time_raw"]
            if raw.shape[0] != ranks or raw.shape[1] != rows:
                problems.append(f"{name}/{p}_time_raw shape {raw.shape}")
            for r in range(rows):
                t, alg, bus = group[f"{p}_time"][r], group[f"{p}_algbw"][r], group[f"{p}_busbw"][r]
                if math.isnan(t):
                    continue
                # time is the median over repetitions of the slowest rank
                slowest = sorted(max(raw[k, r, j] for k in range(ranks)) for j in range(raw.shape[2]))
                n = len(slowest)
                median = slowest[n // 2] if n % 2 else 0.5 * (slowest[n // 2 - 1] + slowest[n // 2])
                if not math.isclose(t, median, rel_tol=1e-9):
                    problems.append(f"{name} row {r} {p}: time {t} != median of raw {median}")
                if not math.isclose(alg, group["size"][r] / (t * 1e-6) / 1e9, rel_tol=1e-9):
                    problems.append(f"{name} row {r} {p}: algbw inconsistent")
                if not math.isclose(bus, alg * FACTOR[name](ranks), rel_tol=1e-9, abs_tol=1e-12):
                    problems.append(f"{name} row {r} {p}: busbw != algbw x factor")
                if not (group[f"{p}_time_rank_min"][r] <= group[f"{p}_time_rank_avg"][r] <= group[f"{p}_time_rank_max"][r]):
                    problems.append(f"{name} row {r} {p}: rank min/avg/max out of order")
                total_wrong += int(group[f"{p}_wrong"][r])
    if expect_wrong:
        if total_wrong == 0 or text(f.attrs["verdict"]) != "FAILED":
            problems.append(f"expected wrong values and verdict FAILED, got {total_wrong}, {text(f.attrs['verdict'])}")
    elif total_wrong or text(f.attrs["verdict"]) != "PASSED":
        problems.append(f"wrong values {total_wrong}, verdict {text(f.attrs['verdict'])}")
    for p in problems:
        print(f"{path}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
