#!/usr/bin/python3
"""Reads the arrays table of a wavebench results file back with h5py and checks it.

usage: check_arrays.py FILE RANKS [--expect-wrong] [--expect-fits 0|1] [--dump OUT]
Checks: every column has one value per row; time is the median over repetitions of the
slowest rank's raw time; bytes_useful and bytes_streamed (serial too) match their formulas
(cumsum streams its input twice, a strided slice every cache line it spans plus the pack);
gbps = bytes_streamed / time, gbps_useful = bytes_useful / time; the bandwidth bound is
positive and pct_of_triad = gbps / bound_triad_gbps * 100; on one locality fits_llc says
whether the ranks' data together fit in llc_bytes (--expect-fits: every row, parallel and
serial, says so); speedup = serial / parallel time; the raw
series have shape [ranks][rows][repetitions] (serial: values on rank 0 only); every
reduction's result equals its exact answer (min/max with the index); no wrong values
(or, with --expect-wrong, some and verdict FAILED). --dump writes one line per row
(type, op, result, index, bytes_useful) to compare runs on different rank counts.
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
    for c in ("bytes_useful", "bytes_streamed", "serial_bytes_streamed", "gbps_useful",
              "pct_of_triad", "fits_llc", "serial_fits_llc"):
        if c not in cols:
            problems.append(f"column {c} missing")
    copy, triad = float(g.attrs["bound_copy_gbps"]), float(g.attrs["bound_triad_gbps"])
    if not (copy > 0 and triad > 0 and int(g.attrs["bound_repetitions"]) >= 2):
        problems.append(f"bound copy {copy} triad {triad} reps {g.attrs['bound_repetitions']}")
    expect_fits = int(sys.argv[sys.argv.index("--expect-fits") + 1]) if "--expect-fits" in sys.argv else None
    llc, line = int(g.attrs["llc_bytes"]), int(g.attrs["cache_line_bytes"])
    step = int(text(g.attrs["slice"]).split(",")[0].split(":")[2])
    m = int(text(g.attrs["slice"]).split(", ")[1].split()[0])
    words = {"sum": 1, "min": 1, "max": 1, "dot": 2, "norm": 1, "scale": 2, "add": 3,
             "axpy": 3, "cumsum": 2}
    touched = dict(words, axpy=2)  # arrays an op touches: axpy updates y in place
    for r in range(rows):
        op, typ = text(g["op"][r]), text(g["type"][r])
        name = f"{typ} {op}"
        t = g["time"][r]
        slowest = [max(raw[k, r, j] for k in range(ranks)) for j in range(raw.shape[2])]
        if not math.isclose(t, median(slowest), rel_tol=1e-12):
            problems.append(f"{name}: time {t} is not the median of the slowest rank {median(slowest)}")
        n, es = int(g["n"][r]), 4 if typ == "float" else 8
        useful = 2 * m * es if op == "slice" else words[op] * n * es

        def streamed(remote, scaled):
            if op == "cumsum":
                return 3 * n * es
            if op == "norm":
                return (3 if scaled else 1) * n * es
            if op == "slice" and step > 1 and m > 0:
                return min(((m - 1) * step + 1) * es, m * line) + m * es + 2 * remote * es
            return useful
        want = streamed(int(g["remote_elements"][r]), int(g["norm_scaled"][r]))
        if g["bytes_useful"][r] != useful or g["bytes_streamed"][r] != want:
            problems.append(f"{name}: bytes useful {g['bytes_useful'][r]} streamed "
                            f"{g['bytes_streamed'][r]}, formulas say {useful} {want}")
        if not math.isclose(g["gbps"][r], g["bytes_streamed"][r] / (t * 1e-3) / 1e9, rel_tol=1e-9):
            problems.append(f"{name}: GB/s inconsistent")
        if not math.isclose(g["gbps_useful"][r], useful / (t * 1e-3) / 1e9, rel_tol=1e-9):
            problems.append(f"{name}: useful GB/s inconsistent")
        if not math.isclose(g["pct_of_triad"][r], g["gbps"][r] / triad * 100, rel_tol=1e-9):
            problems.append(f"{name}: pct_of_triad {g['pct_of_triad'][r]} != gbps / triad")
        data = (n + m + (m if step > 1 else 0)) * es if op == "slice" else touched[op] * n * es
        fits = -1 if llc <= 0 else int(data <= llc)
        if int(g["localities"][r]) == 1 and g["fits_llc"][r] != fits:
            problems.append(f"{name}: fits_llc {g['fits_llc'][r]}, {data} B in {llc} B says {fits}")
        if expect_fits is not None and g["fits_llc"][r] != expect_fits:
            problems.append(f"{name}: fits_llc {g['fits_llc'][r]}, expected {expect_fits}")
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
            if g["serial_bytes_streamed"][r] != streamed(0, int(g["norm_scaled"][r])):
                problems.append(f"{name}: serial bytes {g['serial_bytes_streamed'][r]}")
            if not math.isclose(g["serial_gbps"][r], g["serial_bytes_streamed"][r] / (st * 1e-3) / 1e9,
                                rel_tol=1e-9):
                problems.append(f"{name}: serial GB/s inconsistent")
            if g["serial_fits_llc"][r] != fits or (expect_fits is not None and fits != expect_fits):
                problems.append(f"{name}: serial_fits_llc {g['serial_fits_llc'][r]}, formula {fits}")
        wrong += int(g["wrong"][r])
        res, exp = g["result"][r], g["expected"][r]
        if not expect_wrong and not math.isnan(exp):
            if op == "norm":
                ok = math.isclose(res, exp, rel_tol=1e-6 if typ == "float" else 1e-13)
            else:
                ok = res == exp
            if not ok or g["index"][r] != g["expected_index"][r]:
                problems.append(f"{name}: result {res} (index {g['index'][r]}) != exact {exp} ({g['expected_index'][r]})")
        lines.append(f"{typ} {op} {res!r} {g['index'][r]} {g['bytes_useful'][r]}")
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
