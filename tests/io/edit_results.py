#!/usr/bin/python3
"""Plants a regression in a copy of a results file: edit_results.py FILE TABLE FACTOR.
Times and their spread columns of TABLE are multiplied by FACTOR, bandwidths divided."""
import sys

import h5py

path, table, factor = sys.argv[1], sys.argv[2], float(sys.argv[3])
with h5py.File(path, "r+") as f:
    g = f[table]
    for name in g:
        if not isinstance(g[name], h5py.Dataset) or g[name].dtype.kind != "f" or g[name].ndim != 1:
            continue
        if "_time" in name or name.endswith("time"):
            g[name][...] = g[name][()] * factor
        elif name.endswith("bw"):
            g[name][...] = g[name][()] / factor
