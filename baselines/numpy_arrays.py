#!/usr/bin/python3
"""numpy_arrays.py: NumPy on the operations of wavebench's arrays suite, for comparison.

usage: numpy_arrays.py N REPS   (N float64 elements; REPS timed runs after one warm-up)
Prints the NumPy version and BLAS it uses, then one line per operation:
  op  median_s  min_s
Written as a NumPy user would, reusing result arrays (out=) where NumPy allows, as
wavebench does: sum a.sum() (pairwise), min/max a.argmin()/a.argmax() plus the value,
dot np.dot (BLAS), norm np.linalg.norm, scale np.multiply(a, 2, out=c), add
np.add(a, b, out=c), axpy c += alpha * a (NumPy has no fused axpy: one temporary),
cumsum np.cumsum(a, out=c), slice np.copyto(s, a[::2]) (into a preallocated array).
NumPy runs these on one thread, except dot and norm, which go to BLAS and use its
threads (OPENBLAS_NUM_THREADS): the caller sets them to match the ranks compared.
"""
import ctypes
import io
import contextlib
import os
import statistics
import sys
import time

import numpy as np


def blas_name():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        np.show_config()
    for line in buf.getvalue().splitlines():
        line = line.strip()
        if line.startswith("libraries") or line.startswith("name"):
            return line
    return "unknown"


def blas_core():
    """The kernels the OpenBLAS NumPy loaded runs (its own answer), or 'not OpenBLAS'."""
    libs = sorted({line.split()[-1] for line in open("/proc/self/maps")
                   if "blas" in line and line.split()[-1].startswith("/")})
    for path in libs:
        try:
            fn = ctypes.CDLL(path).openblas_get_corename
        except (OSError, AttributeError):
            continue
        fn.restype = ctypes.c_char_p
        return f"OpenBLAS core {fn().decode()} ({path})"
    return "not OpenBLAS"


def main():
    n, reps = int(float(sys.argv[1])), int(sys.argv[2])
    print(f"# numpy {np.__version__}, BLAS: {blas_name()}, {blas_core()}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}, "
          f"n {n} float64, {reps} repetitions")
    i = np.arange(n, dtype=np.int64)
    a = (((13 * i + 7) % 31) - 14).astype(np.float64)
    b = (((7 * i + 3) % 17) - 8).astype(np.float64)
    del i
    c = np.zeros(n)
    s = np.zeros(len(range(0, n, 2)))
    alpha = 0.5

    def argmin():
        k = a.argmin()
        return a[k], k

    def argmax():
        k = a.argmax()
        return a[k], k

    def axpy():
        nonlocal c
        c += alpha * a

    ops = [
        ("sum", lambda: a.sum()),
        ("min", argmin),
        ("max", argmax),
        ("dot", lambda: np.dot(a, b)),
        ("norm", lambda: np.linalg.norm(a)),
        ("scale", lambda: np.multiply(a, 2.0, out=c)),
        ("add", lambda: np.add(a, b, out=c)),
        ("axpy", axpy),
        ("cumsum", lambda: np.cumsum(a, out=c)),
        ("slice", lambda: np.copyto(s, a[::2])),
    ]
    for name, fn in ops:
        fn()
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        print(f"{name} {statistics.median(times):.6f} {min(times):.6f}")


if __name__ == "__main__":
    main()
