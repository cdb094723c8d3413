#!/usr/bin/python3
"""wavebench plots: PNG figures of a wavebench results file.

usage: wavebench_plots.py RESULTS.h5 OUTDIR

Run by `wavebench report FILE --plots DIR`; needs Debian's python3-h5py and
python3-matplotlib. Writes, for what the file holds:
  collectives_<op>.png    bus bandwidth and time per operation against message size (log axes)
  arrays_<table>.png      GB/s and speedup per operation
  pinn_loss.png           loss and its terms against iteration (log y)
  pinn_solution.png       predicted, exact and error fields (wave2d: the t = 0.5 slice)
Prints one line per file written; exits 1 when nothing could be plotted.
"""
import os
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def column(group, name):
    if name not in group:
        return None
    data = group[name][()]
    if data.dtype.kind == "S":
        return np.array([text(x) for x in data])
    return np.asarray(data)


def save(fig, outdir, name, written):
    path = os.path.join(outdir, name)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    written.append(path)
    print(path)


def plot_collectives(f, outdir, written):
    if "collectives" not in f:
        return
    for op in sorted(f["collectives"]):
        g = f["collectives"][op]
        size = column(g, "size")
        if size is None or len(size) == 0:
            continue
        types = column(g, "type")
        redops = column(g, "redop")
        fig, (ax_bw, ax_t) = plt.subplots(1, 2, figsize=(11, 4.2))
        series = sorted(set(zip(types, redops)))
        for typ, redop in series:
            sel = (types == typ) & (redops == redop)
            for prefix, label in (("oop", "out-of-place"), ("ip", "in-place")):
                bw, t = column(g, prefix + "_busbw"), column(g, prefix + "_time")
                if bw is None or t is None or np.all(np.isnan(bw[sel])):
                    continue
                name = f"{typ} {redop if redop != 'none' else ''} {label}".replace("  ", " ")
                ax_bw.plot(size[sel], bw[sel], marker="o", ms=3, label=name)
                lo, hi = column(g, prefix + "_time_rep_min"), column(g, prefix + "_time_rep_max")
                line, = ax_t.plot(size[sel], t[sel], marker="o", ms=3, label=name)
                if lo is not None and hi is not None:
                    ax_t.fill_between(size[sel], lo[sel], hi[sel], alpha=0.2, color=line.get_color())
        ranks = g.attrs.get("ranks", "?")
        for ax, ylabel in ((ax_bw, "bus bandwidth (GB/s)"), (ax_t, "time per operation (us)")):
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_xlabel("message size (B)")
            ax.set_ylabel(ylabel)
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=7)
        ax_bw.set_title(f"{op}: bus bandwidth, {int(ranks) if ranks != '?' else ranks} ranks")
        ax_t.set_title(f"{op}: time (band: fastest..slowest repetition)")
        save(fig, outdir, f"collectives_{op}.png", written)


def numeric_columns(g):
    cols = text(g.attrs.get("columns", "")).split(",")
    return [c for c in cols if c in g and g[c].dtype.kind == "f"]


def plot_arrays(f, outdir, written):
    if "arrays" not in f:
        return
    for name in sorted(f["arrays"]):
        g = f["arrays"][name]
        if not isinstance(g, h5py.Group) or "columns" not in g.attrs:
            continue
        ops = column(g, "op")
        if ops is None:
            continue
        types = column(g, "type")
        if types is None:
            types = column(g, "dtype")
        labels = [f"{o} {t}" if types is not None else o
                  for o, t in zip(ops, types if types is not None else ops)]
        nums = numeric_columns(g)

        def pick(words, exclude=()):
            for c in nums:
                unit = text(g[c].attrs.get("unit", ""))
                if any(w in c.lower() or w in unit.lower() for w in words) and \
                        not any(e in c.lower() for e in exclude):
                    return c
            return None

        bw = pick(["gb/s", "gbps", "bandwidth"], exclude=["serial", "stream", "bound", "_min", "_max"])
        sp = pick(["speedup"])
        panels = [(c, lab) for c, lab in ((bw, "GB/s"), (sp, "speedup vs serial")) if c]
        if not panels:
            continue
        fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4.2), squeeze=False)
        x = np.arange(len(labels))
        for ax, (c, lab) in zip(axes[0], panels):
            v = column(g, c)
            ax.bar(x, np.nan_to_num(v), color="tab:blue")
            ax.set_xticks(x)
            ax.set_xticklabels(labels, rotation=45, ha="right", fontsize=8)
            ax.set_ylabel(lab)
            ax.set_title(f"arrays: {c}")
            ax.grid(True, axis="y", alpha=0.3)
            if c == sp:
                ranks = g.attrs.get("ranks", None)
                if ranks is not None:
                    ax.axhline(float(ranks), color="gray", ls="--", lw=1, label="ideal (ranks)")
                    ax.legend(fontsize=7)
        save(fig, outdir, f"arrays_{name}.png", written)


def plot_pinn(f, outdir, written):
    if "pinn" not in f:
        return
    p = f["pinn"]
    if "history" in p:
        g = p["history"]
        it = column(g, "iteration")
        if it is not None and len(it):
            fig, ax = plt.subplots(figsize=(7, 4.2))
            for name in ("loss", "pde", "ic", "ict", "bc"):
                v = column(g, name)
                if v is not None:
                    ax.plot(it, np.where(v > 0, v, np.nan), marker="o", ms=3, label=name,
                            lw=2 if name == "loss" else 1)
            rel = column(g, "rel_l2")
            if rel is not None and np.any(~np.isnan(rel)):
                ax.plot(it, rel, "k--", marker="x", label="rel L2 error")
            ax.set_yscale("log")
            ax.set_xlabel("iteration")
            ax.set_ylabel("loss term")
            ax.set_title(text(g.attrs.get("title", "pinn: loss")))
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=8)
            save(fig, outdir, "pinn_loss.png", written)
    if "solution" in p:
        g = p["solution"]
        gp = int(g.attrs.get("grid_points_per_axis", 0))
        pred, exact = column(g, "u_pred"), column(g, "u_exact")
        if gp > 0 and pred is not None and exact is not None and len(pred):
            two_d = "y" in g
            if two_d:  # [t][y][x], x fastest: the slice nearest t = 0.5
                shape = (gp, gp, gp)
                t = column(g, "t").reshape(shape)[:, 0, 0]
                k = int(np.argmin(np.abs(t - 0.5)))
                up, ue = pred.reshape(shape)[k], exact.reshape(shape)[k]
                xs, ys = column(g, "x")[:gp], column(g, "y").reshape(shape)[0, :, 0]
                ylab, suffix = "y", f" at t = {t[k]:.3f}"
            else:  # [t][x]
                up, ue = pred.reshape(gp, gp), exact.reshape(gp, gp)
                xs, ys = column(g, "x")[:gp], column(g, "t")[::gp]
                ylab, suffix = "t", ""
            fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
            ext = [xs.min(), xs.max(), ys.min(), ys.max()]
            vmax = max(np.nanmax(np.abs(ue)), 1e-12)
            for ax, data, title, cmap, lim in (
                    (axes[0], up, "predicted u", "RdBu_r", vmax),
                    (axes[1], ue, "exact u", "RdBu_r", vmax),
                    (axes[2], up - ue, "error (predicted - exact)", "RdBu_r",
                     max(np.nanmax(np.abs(up - ue)), 1e-12))):
                im = ax.imshow(data, origin="lower", extent=ext, aspect="auto", cmap=cmap,
                               vmin=-lim, vmax=lim)
                ax.set_xlabel("x")
                ax.set_ylabel(ylab)
                ax.set_title(title + suffix)
                fig.colorbar(im, ax=ax)
            save(fig, outdir, "pinn_solution.png", written)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path, outdir = argv[1], argv[2]
    os.makedirs(outdir, exist_ok=True)
    written = []
    with h5py.File(path, "r") as f:
        if text(f.attrs.get("format", "")) != "wavebench-results":
            print(f"wavebench_plots: {path} is not a wavebench results file", file=sys.stderr)
            return 2
        plot_collectives(f, outdir, written)
        plot_arrays(f, outdir, written)
        plot_pinn(f, outdir, written)
    if not written:
        print("wavebench_plots: nothing to plot in " + path, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
