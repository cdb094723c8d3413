#!/usr/bin/python3
"""Edits a copy of a results file.
edit_results.py FILE TABLE FACTOR: plants a regression: times and their spread columns of
TABLE are multiplied by FACTOR, bandwidths divided.
edit_results.py FILE --attr OBJECT NAME VALUE: sets attribute NAME of OBJECT (a group or
dataset path, / for the file) to VALUE, keeping its kind: text stays fixed-length text
(as wavebench writes it), a number is parsed as one."""
import sys

import h5py
import numpy as np

if len(sys.argv) == 6 and sys.argv[2] == "--attr":
    path, obj, name, value = sys.argv[1], sys.argv[3], sys.argv[4], sys.argv[5]
    with h5py.File(path, "r+") as f:
        attrs = f[obj].attrs
        kind = attrs[name].dtype.kind if name in attrs else "S"
        if kind == "S":  # one byte more, as wavebench's NUL-terminated text has
            text = value.encode("utf-8", "surrogateescape")
            attrs[name] = np.array(text, dtype="S%d" % (len(text) + 1))
        elif kind in "iu":
            attrs[name] = np.int64(int(value))
        else:
            attrs[name] = np.float64(float(value))
    sys.exit(0)

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
