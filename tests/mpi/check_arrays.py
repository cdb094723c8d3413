#!/usr/bin/python3
"""Reads the arrays table of a wavebench results file back with h5py and checks it.

usage: check_arrays.py FILE RANKS [--expect-wrong] [--dump OUT]
Checks: every column has one value per row; time is the median over repetitions of the
slowest rank's raw time; GB/s = bytes / time; speedup = serial / parallel time; the raw
series have shape [ranks][rows][repetitions] (serial: values on rank 0 only); every
reduction's result equals its exact answer (min/max with the index); no wrong values
(or, with --expect-wrong, some and verdict FAILED). --dump writes one line per row
(type, op, result, index) to compare runs on different rank counts.
Exits 0 when all holds, 1 otherwise (one line per problem).
"""
import math
import sys

import h5py


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def main():
    path, ranks = sys.argv[1], int(sys.argv[2])
    expect_wrong = "--expect-wrong" in sys.argv
    dump = sys.argv[sys.argv.index("--dump") + 1] if "--dump" in sys.argv else None
    problems = []
    f = h5py.File(path, "r")
    if "[arrays]" not in text(f.attrs["config_ini"]):
        problems.append("config_ini lacks [arrays]")
    g = f["arrays/ops"]
    cols = text(g.attrs["columns"]).split(",")
    rows = len(g["op"])
    if rows == 0:
        problems.append("no rows")
    for c in cols:
        if len(g[c]) != rows:
            problems.append(f"{c}: {len(g[c])} rows, not {rows}")
    raw, sraw = g["time_raw"], g["serial_time_raw"]
    if raw.shape[:2] != (ranks, rows) or sraw.shape[:2] != (ranks, rows):
        problems.append(f"raw shapes {raw.shape} {sraw.shape}")
    if int(g.attrs["ranks"]) != ranks:
        problems.append(f"ranks attribute {g.attrs['ranks']}")
    wrong = 0
    lines = []
    for r in range(rows):
        op, typ = text(g["op"][r]), text(g["type"][r])
        name = f"{typ} {op}"
        t = g["time"][r]
        slowest = [max(raw[k, r, j] for k in range(ranks)) for j in range(raw.shape[2])]
        if not math.isclose(t, median(slowest), rel_tol=1e-12):
            problems.append(f"{name}: time {t} is not the median of the slowest rank {median(slowest)}")
        if not math.isclose(g["gbps"][r], g["bytes"][r] / (t * 1e-3) / 1e9, rel_tol=1e-9):
            problems.append(f"{name}: GB/s inconsistent")
        if g["ranks"][r] != ranks or g["n"][r] < 1:
            problems.append(f"{name}: ranks or n wrong")
        if not (g["time_rank_min"][r] <= g["time_rank_avg"][r] * (1 + 1e-12) and
                g["time_rank_avg"][r] <= g["time_rank_max"][r] * (1 + 1e-12)):
            problems.append(f"{name}: rank min/avg/max out of order")
        st = g["serial_time"][r]
        if not math.isnan(st):
            if not math.isclose(st, median(sraw[0, r, :]), rel_tol=1e-12):
                problems.append(f"{name}: serial time is not the median of rank 0's raw")
            if ranks > 1 and not all(math.isnan(v) for v in sraw[1:, r, :].flat):
                problems.append(f"{name}: serial raw times on ranks other than 0")
            if not math.isclose(g["speedup"][r], st / t, rel_tol=1e-9):
                problems.append(f"{name}: speedup != serial / parallel")
            if not math.isclose(g["efficiency"][r], st / t / ranks, rel_tol=1e-9):
                problems.append(f"{name}: efficiency != speedup / ranks")
            wrong += int(g["serial_wrong"][r])
        wrong += int(g["wrong"][r])
        res, exp = g["result"][r], g["expected"][r]
        if not expect_wrong and not math.isnan(exp):
            if op == "norm":
                ok = math.isclose(res, exp, rel_tol=1e-6 if typ == "float" else 1e-13)
            else:
                ok = res == exp
            if not ok or g["index"][r] != g["expected_index"][r]:
                problems.append(f"{name}: result {res} (index {g['index'][r]}) != exact {exp} ({g['expected_index'][r]})")
        lines.append(f"{typ} {op} {res!r} {g['index'][r]} {g['bytes'][r]}")
    if expect_wrong:
        if wrong == 0 or text(g.attrs["verdict"]) != "FAILED" or text(f.attrs["verdict"]) != "FAILED":
            problems.append(f"expected wrong values and verdict FAILED, got {wrong}, {text(g.attrs['verdict'])}")
    elif wrong or text(g.attrs["verdict"]) != "OK" or text(f.attrs["verdict"]) != "PASSED":
        problems.append(f"wrong values {wrong}, verdict {text(g.attrs['verdict'])}")
    if dump:
        with open(dump, "w") as out:
            out.write("\n".join(lines) + "\n")
    for p in problems:
        print(f"{path}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
