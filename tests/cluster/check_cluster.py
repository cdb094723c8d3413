#!/usr/bin/python3
"""Checks of runs across the nodes of a test bed (scripts/vcluster.sh), read back with h5py.

usage:
  check_cluster.py layout FILE HOST...   the file records one rank per HOST (rank order), as
                                         many localities as distinct hosts, and the ranks per
                                         locality, in /system and in every table
  check_cluster.py same REF OTHER        every collectives and arrays answer of OTHER is that
                                         of REF: #wrong 0, verdicts OK, identical exact-answer
                                         columns (the PINN trajectory: check_pinn.py same)
  check_cluster.py btl LOG HOST...       in LOG (mpirun --tag-output --mca btl_base_verbose
                                         100 --mca mpi_add_procs_cutoff N), every rank sent to
                                         every other over vader (shared memory) when both are
                                         on one HOST and over tcp otherwise; self to itself
  check_cluster.py scopes FILE LINK_GBPS  the collectives of FILE swept on the world, intra and
                                         inter scopes: each table's ranks, groups and localities;
                                         the inter scope's raw times only on each locality's
                                         first rank; #wrong 0; at the largest size the inter
                                         broadcast's busbw within 0.8-1.05 of the link
                                         (LINK_GBPS Gbit/s) and its link_frac column that ratio,
                                         the intra broadcast's over twice the link's
Exits 0 when all holds, 1 otherwise (one line per problem).
"""
import math
import re
import sys

import h5py


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def tables(f, suite):
    return [t for t in text(f.attrs["tables"]).split(",") if t.split("/")[0] == suite]


def layout(path, hosts):
    problems = []
    ranks, localities = len(hosts), len(set(hosts))
    # Localities are numbered by their lowest rank (docs/results-format.md).
    first = list(dict.fromkeys(hosts))
    want_loc = [first.index(h) for h in hosts]
    want_rpl = [hosts.count(h) for h in first]
    with h5py.File(path, "r") as f:
        if int(f.attrs["ranks"]) != ranks:
            problems.append(f"ranks {int(f.attrs['ranks'])}, not {ranks}")
        if int(f.attrs["localities"]) != localities:
            problems.append(f"localities {int(f.attrs['localities'])}, not {localities}")
        got = [text(h) for h in f["system/hostnames"][:]]
        if got != hosts:
            problems.append(f"hostnames {got}, not {hosts}")
        if f["system/locality_of_rank"][:].tolist() != want_loc:
            problems.append(f"locality_of_rank {f['system/locality_of_rank'][:].tolist()}, not {want_loc}")
        if f["system/ranks_per_locality"][:].tolist() != want_rpl:
            problems.append(f"ranks_per_locality {f['system/ranks_per_locality'][:].tolist()}, not {want_rpl}")
        # Every rank's place and every locality's machine.
        pids = f["system/pid_of_rank"][:].tolist()
        if len(pids) != ranks or len(set(pids)) != ranks:
            problems.append(f"pid_of_rank {pids}: not {ranks} distinct processes")
        models = [text(m) for m in f["system/cpu_model_of_locality"][:]]
        cpus = f["system/cpus_of_locality"][:].tolist()
        if len(models) != localities or not all(models) or len(cpus) != localities or min(cpus) < 1:
            problems.append(f"machines of localities: {models}, {cpus}")
        # Each suite repeats the layout it ran on.
        for t in tables(f, "collectives") + tables(f, "arrays"):
            if int(f[t].attrs["localities"]) != localities:
                problems.append(f"{t}: localities attribute {int(f[t].attrs['localities'])}")
        if "arrays/ops" in f and any(int(v) != localities for v in f["arrays/ops/localities"][:]):
            problems.append("arrays/ops: localities column wrong")
        if "pinn/summary" in f and int(f["pinn/summary/localities"][0]) != localities:
            problems.append(f"pinn/summary: localities {int(f['pinn/summary/localities'][0])}")
    return [f"{path}: {p}" for p in problems]


def column(g, c):
    return [text(v) if isinstance(v, bytes) else v for v in g[c][:].tolist()]


def equal(a, b):
    """Element-wise equality where NaN (not applicable) equals NaN."""
    return len(a) == len(b) and all(x == y or (isinstance(x, float) and isinstance(y, float)
                                               and math.isnan(x) and math.isnan(y))
                                    for x, y in zip(a, b))


# Columns that hold answers or what was asked, not timings (docs/results-format.md).
EXACT = {"collectives": ["size", "count", "type", "redop", "root", "oop_wrong", "ip_wrong",
                         "oop_iters", "ip_iters"],
         "arrays": ["op", "n", "type", "ranks", "bytes_useful", "bytes_streamed", "wrong", "serial_wrong", "result",
                    "expected", "index", "expected_index", "remote_elements", "norm_scaled"]}
WRONG = {"collectives": ["oop_wrong", "ip_wrong"], "arrays": ["wrong", "serial_wrong"]}


def same(ref, other):
    problems = []
    with h5py.File(ref, "r") as fa, h5py.File(other, "r") as fb:
        for path, f in ((ref, fa), (other, fb)):
            if text(f.attrs["verdict"]) != "PASSED":
                problems.append(f"{path}: verdict {text(f.attrs['verdict'])}")
        for suite, cols in EXACT.items():
            ta, tb = tables(fa, suite), tables(fb, suite)
            if not ta or ta != tb:
                problems.append(f"{suite} tables {ta} (reference) vs {tb}")
                continue
            for t in ta:
                for path, f in ((ref, fa), (other, fb)):
                    g = f[t]
                    if text(g.attrs["verdict"]) != "OK" or float(g.attrs["wrong"]) != 0:
                        problems.append(f"{path}: {t} verdict {text(g.attrs['verdict'])}, wrong {g.attrs['wrong']}")
                    for c in WRONG[suite]:
                        if any(v != 0 for v in column(g, c) if not math.isnan(v)):
                            problems.append(f"{path}: {t} {c} not all 0")
                for c in cols:
                    a, b = column(fa[t], c), column(fb[t], c)
                    if not equal(a, b):
                        diff = next((i for i, (x, y) in enumerate(zip(a, b)) if not equal([x], [y])), None)
                        where = f"row {diff}: {a[diff]!r} vs {b[diff]!r}" if diff is not None else f"{len(a)} vs {len(b)} rows"
                        problems.append(f"{other}: {t} column {c} differs from {ref} ({where})")
    return problems


LINE = re.compile(r"^\[\d+,(\d+)\]<std(?:out|err)>:\[([^:\]]+):\d+\] mca: bml: Using (\w+) btl "
                  r"for send to \[\[\d+,\d+\],(\d+)\] on node (\S+)")


def btl(log, hosts):
    problems = []
    seen = {}
    with open(log, errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            rank, own, btl_name, peer, peer_node = (int(m[1]), m[2], m[3], int(m[4]), m[5])
            if rank >= len(hosts) or peer >= len(hosts):
                problems.append(f"rank {rank} -> {peer}: more ranks than the {len(hosts)} expected")
                continue
            if own != hosts[rank] or peer_node != hosts[peer]:
                problems.append(f"rank {rank} ({own}) -> {peer} ({peer_node}): expected {hosts[rank]} -> {hosts[peer]}")
            seen.setdefault((rank, peer), set()).add(btl_name)
    for r in range(len(hosts)):
        for p in range(len(hosts)):
            want = "self" if r == p else "vader" if hosts[r] == hosts[p] else "tcp"
            got = seen.get((r, p))
            if got is None:
                problems.append(f"rank {r} -> {p}: no btl reported (is ob1 the PML? add_procs lazy?)")
            elif got != {want}:
                problems.append(f"rank {r} -> {p} (expected on {hosts[r]}, {hosts[p]}): "
                                f"{','.join(sorted(got))}, not {want}")
    return [f"{log}: {p}" for p in problems]


def scopes(path, link_gbps):
    problems = []
    link = link_gbps / 8  # GB/s
    with h5py.File(path, "r") as f:
        ranks, nloc = int(f.attrs["ranks"]), int(f.attrs["localities"])
        loc = f["system/locality_of_rank"][:].tolist()
        first = [loc.index(l) == r for r, l in enumerate(loc)]
        per = ranks // nloc
        want = {"collectives": (ranks, 1, nloc), "collectives-intra": (per, nloc, 1),
                "collectives-inter": (nloc, 1, nloc)}
        for scope, (size, groups, spans) in want.items():
            found = tables(f, scope)
            if not found:
                problems.append(f"no {scope} tables")
            for t in found:
                g = f[t]
                got = (int(g.attrs["ranks"]), int(g.attrs.get("groups", 1)), int(g.attrs["localities"]))
                if got != (size, groups, spans):
                    problems.append(f"{t}: ranks, groups, localities {got}, not {(size, groups, spans)}")
                if text(g.attrs["verdict"]) != "OK":
                    problems.append(f"{t}: verdict {text(g.attrs['verdict'])}")
                for p in ("oop", "ip"):
                    raw = g[f"{p}_time_raw"][:]
                    wrong = [v for v in g[f"{p}_wrong"][:] if not math.isnan(v)]
                    if any(v != 0 for v in wrong):
                        problems.append(f"{t}: {p}_wrong {wrong}")
                    for row in range(raw.shape[1]):
                        if all(math.isnan(v) for v in g[f"{p}_time"][row:row + 1]):
                            continue
                        for r in range(ranks):
                            measured = not any(math.isnan(v) for v in raw[r, row])
                            if measured != (scope != "collectives-inter" or first[r]):
                                problems.append(f"{t} row {row} {p}: rank {r} raw {'measured' if measured else 'empty'}")
                        # The average over the ranks that measured, of each one's mean.
                        means = [sum(raw[r, row]) / raw.shape[2] for r in range(ranks)
                                 if not any(math.isnan(v) for v in raw[r, row])]
                        if means and not math.isclose(g[f"{p}_time_rank_avg"][row], sum(means) / len(means), rel_tol=1e-9):
                            problems.append(f"{t} row {row} {p}: time_rank_avg not the members' average")
        for scope, low, high in (("collectives-inter", 0.8, 1.05), ("collectives-intra", 2.0, math.inf)):
            t = f"{scope}/broadcast"
            if t not in f:
                problems.append(f"no {t}")
                continue
            g = f[t]
            last = len(g["size"]) - 1
            bus = g["ip_busbw"][last]
            if not low <= bus / link <= high:
                problems.append(f"{t}: busbw {bus:.4g} GB/s at {g['size'][last]} B is {bus / link:.3f} x the "
                                f"{link_gbps} Gbit/s link, not within {low}-{high}")
            if scope == "collectives-inter":
                frac = g["ip_link_frac"][last] if "ip_link_frac" in g else float("nan")
                if not math.isclose(frac, bus / link, rel_tol=1e-9):
                    problems.append(f"{t}: link_frac {frac} is not busbw over the link ({bus / link})")
    return [f"{path}: {p}" for p in problems]


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "layout":
        problems = layout(args[0], args[1:])
    elif mode == "same":
        problems = same(args[0], args[1])
    elif mode == "scopes":
        problems = scopes(args[0], float(args[1]))
    elif mode == "btl":
        problems = btl(args[0], args[1:])
    else:
        sys.exit(__doc__)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
