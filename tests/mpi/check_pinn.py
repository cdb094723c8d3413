#!/usr/bin/python3
"""Compares PINN results files read back with h5py.

usage:
  check_pinn.py same REFERENCE OTHER... [--rtol R]  loss histories agree iteration by iteration
  check_pinn.py resumed WHOLE FIRST SECOND          FIRST's history then SECOND's equals WHOLE's
  check_pinn.py structure FILE RANKS               every table and figure of the PINN suite is there
Exits 0 when they agree, 1 otherwise, one line per problem.
"""
import math
import sys

import h5py


def history(path):
    with h5py.File(path, "r") as f:
        g = f["pinn/history"]
        return dict(zip(g["iteration"][:].tolist(), g["loss"][:].tolist()))


def close(a, b, rtol):
    return abs(a - b) <= rtol * max(abs(a), abs(b))


def same(ref, others, rtol):
    problems = []
    base = history(ref)
    for path in others:
        h = history(path)
        if sorted(h) != sorted(base):
            problems.append(f"{path}: logged iterations differ from {ref}")
            continue
        worst = max(abs(h[i] - base[i]) / abs(base[i]) for i in base)
        if worst > rtol:
            problems.append(f"{path}: loss differs from {ref} by {worst:.3e} relative (> {rtol})")
    return problems


def resumed(whole, first, second, rtol=1e-12):
    w, a, b = history(whole), history(first), history(second)
    joined = {**a, **b}
    if sorted(joined) != sorted(w):
        return [f"iterations {sorted(joined)[:3]}... != {sorted(w)[:3]}..."]
    return [f"iteration {i}: {joined[i]} != {w[i]}" for i in w if not close(joined[i], w[i], rtol)]


def structure(path, ranks):
    problems = []
    with h5py.File(path, "r") as f:
        for t in ("history", "summary", "solution", "model"):
            if f"pinn/{t}" not in f:
                problems.append(f"pinn/{t} missing")
        s = f["pinn/summary"]
        for col in ("loss", "rel_l2", "time_per_iter", "compute", "allreduce", "other",
                    "points_per_s", "gflops", "peak_rss", "params"):
            v = float(s[col][0])
            if not math.isfinite(v) or v < 0:
                problems.append(f"summary {col} = {v}")
        if int(s["ranks"][0]) != ranks:
            problems.append(f"summary ranks {s['ranks'][0]} != {ranks}")
        if s["compute_raw"].shape[0] != ranks:
            problems.append("raw timings not per rank")
        sol = f["pinn/solution"]
        if len(sol["u_pred"]) != len(sol["u_exact"]) or len(sol["u_exact"]) < 4:
            problems.append("solution grid incomplete")
        if len(f["pinn/model/params"]) != int(s["params"][0]):
            problems.append("model parameters missing")
    return problems


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    rtol = 1e-10
    if "--rtol" in args:
        i = args.index("--rtol")
        rtol = float(args[i + 1])
        del args[i:i + 2]
    if mode == "same":
        problems = same(args[0], args[1:], rtol)
    elif mode == "resumed":
        problems = resumed(*args)
    else:
        problems = structure(args[0], int(args[1]))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
