#!/usr/bin/python3
"""Compares PINN results files read back with h5py.

usage:
  check_pinn.py same REFERENCE OTHER... [--rtol R]  loss histories agree iteration by iteration
  check_pinn.py resumed WHOLE FIRST SECOND          FIRST's history then SECOND's equals WHOLE's
  check_pinn.py structure FILE RANKS               every table and figure of the PINN suite is there
  check_pinn.py split FILE SLEEP_MS                rank 1 slept SLEEP_MS before each all-reduce:
                                                   rank 0 waits, the transfer is not the sleep
  check_pinn.py events FILE WARMUP                 evaluations and checkpoints stay out of the
                                                   iteration time; WARMUP iterations left out
  check_pinn.py accuracy FILE TARGET EVERY ITERS   training ended at the first evaluation (every
                                                   EVERY iterations) at or below TARGET, before
                                                   ITERS; pinn/time_to_accuracy and the summary's
                                                   time_to_* columns say when each level fell
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
                    "points_per_s", "gflops", "peak_rss", "params", "time_per_iter_ci_lo",
                    "time_per_iter_ci_hi", "allreduce_transfer", "allreduce_wait", "stop_check",
                    "eval_time", "checkpoint_time", "blas_gemm_gflops", "blas_square_gflops",
                    "gflops_pct_of_blas_bound", "gflops_pct_of_blas_square"):
            v = float(s[col][0])
            if not math.isfinite(v) or v < 0:
                problems.append(f"summary {col} = {v}")
        if int(s["ranks"][0]) != ranks:
            problems.append(f"summary ranks {s['ranks'][0]} != {ranks}")
        if s["compute_raw"].shape[0] != ranks:
            problems.append("raw timings not per rank")
        if not 0 < float(s["gflops_pct_of_blas_bound"][0]) <= 150:
            problems.append(f"gflops_pct_of_blas_bound {s['gflops_pct_of_blas_bound'][0]} not in (0, 150]")
        if int(s["warmup_iters"][0]) + int(s["timed_iters"][0]) != int(s["iterations"][0]):
            problems.append("warm-up and timed iterations do not add up to the iterations")
        sol = f["pinn/solution"]
        if len(sol["u_pred"]) != len(sol["u_exact"]) or len(sol["u_exact"]) < 4:
            problems.append("solution grid incomplete")
        if len(f["pinn/model/params"]) != int(s["params"][0]):
            problems.append("model parameters missing")
    return problems


def split(path, sleep_ms):
    """Rank 1 slept before each all-reduce: rank 0's wait holds the sleep, the transfer
    (the last rank's all-reduce) does not."""
    problems = []
    with h5py.File(path, "r") as f:
        s = f["pinn/summary"]
        wait, xfer = float(s["allreduce_wait"][0]), float(s["allreduce_transfer"][0])
        allred, compute = float(s["allreduce"][0]), float(s["compute"][0])
        warm = int(s["warmup_iters"][0])
        raw = s["wait_raw"][:, 0, warm:]
        if not wait >= 0.7 * sleep_ms:
            problems.append(f"allreduce_wait {wait:.3f} ms < 0.7 x {sleep_ms} ms slept")
        if not xfer < 0.3 * sleep_ms:
            problems.append(f"allreduce_transfer {xfer:.3f} ms holds the sleep ({sleep_ms} ms)")
        if not abs(allred - (wait + xfer)) <= 0.3 * sleep_ms:
            problems.append(f"allreduce {allred:.3f} ms is not wait {wait:.3f} + transfer {xfer:.3f}")
        if not compute >= 0.9 * sleep_ms:
            problems.append(f"compute {compute:.3f} ms: the slowest rank's compute lacks the sleep")
        med = sorted(raw[1].tolist())[len(raw[1]) // 2] * 1e3
        if not med < 0.3 * sleep_ms:
            problems.append(f"the sleeping rank waits {med:.3f} ms (median): it arrived last")
    return problems


def events(path, warmup):
    """Evaluations and checkpoints every iteration, each far longer than an iteration."""
    problems = []
    with h5py.File(path, "r") as f:
        s = f["pinn/summary"]
        t, ev, ck = (float(s[c][0]) for c in ("time_per_iter", "eval_time", "checkpoint_time"))
        iters = int(s["iterations"][0])
        if not t * 4 < ev:
            problems.append(f"time_per_iter {t:.4f} ms not well below eval_time {ev:.4f} ms")
        if not ck > 0:
            problems.append(f"checkpoint_time {ck}")
        # every iteration evaluates and checkpoints but the last, whose are the final ones
        if int(s["evaluations"][0]) != iters + 1 or int(s["checkpoints"][0]) != iters:
            problems.append(f"evaluations {s['evaluations'][0]}, checkpoints {s['checkpoints'][0]}"
                            f" for {iters} iterations")
        if s["eval_raw"].shape[2] != iters + 1 or s["iteration_raw"].shape[2] != iters:
            problems.append("raw series of the wrong length")
        if int(s["warmup_iters"][0]) != warmup or int(s["timed_iters"][0]) != iters - warmup:
            problems.append(f"warm-up {s['warmup_iters'][0]}, timed {s['timed_iters'][0]}: not"
                            f" {warmup} and {iters - warmup}")
        if s.attrs["warmup_iters_configured"] < warmup:
            problems.append("warmup_iters_configured missing")
    return problems


def accuracy(path, target, every, iters):
    problems = []
    f = h5py.File(path, "r")
    t, s = f["pinn/time_to_accuracy"], f["pinn/summary"]
    hist = f["pinn/history"]
    evals = [(int(i), float(v)) for i, v in zip(hist["iteration"][:], hist["rel_l2"][:])
             if not math.isnan(v) and int(i) % every == 0]
    levels = [1e-1, 1e-2, 1e-3, 1e-4, target]
    if [float(v) for v in t["rel_l2_below"][:]] != levels:
        problems.append(f"levels {list(t['rel_l2_below'][:])}, not {levels}")
        return problems
    for k, level in enumerate(levels):
        first = next(((i, v) for i, v in evals if (v <= level if k == 4 else v < level)), None)
        reached, it, when = int(t["reached"][k]), int(t["iteration"][k]), float(t["train_time"][k])
        if first is None:
            if reached or it != -1 or not math.isnan(when):
                problems.append(f"level {level}: never below, but reached {reached}, iteration {it}, time {when}")
        elif not reached or it != first[0] or not 0 < when <= float(s["train_time"][0]) + 1e-9:
            problems.append(f"level {level}: first below at iteration {first[0]}, table says {reached}, {it}, {when}")
        if k < 4:
            col = float(s[f"time_to_{level:.0e}".replace("e-0", "e-")][0])
            if not (math.isnan(col) and math.isnan(when) or col == when):
                problems.append(f"summary time_to {level}: {col}, table {when}")
    stop = int(t["iteration"][4])
    if stop < 0 or int(s["iterations"][0]) != stop + 1 or stop + 1 >= iters:
        problems.append(f"the target was reached at {stop}, but the run did {int(s['iterations'][0])} of {iters}")
    if (t.attrs["target_reached"].decode() if isinstance(t.attrs["target_reached"], bytes)
            else str(t.attrs["target_reached"])) != "yes":
        problems.append("target_reached is not yes")
    return [f"{path}: {p}" for p in problems]


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
    elif mode == "split":
        problems = split(args[0], float(args[1]))
    elif mode == "events":
        problems = events(args[0], int(args[1]))
    elif mode == "accuracy":
        problems = accuracy(args[0], float(args[1]), int(args[2]), int(args[3]))
    else:
        problems = structure(args[0], int(args[1]))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
