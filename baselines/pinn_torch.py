#!/usr/bin/python3
"""PyTorch reference of wavebench's PINN, written as a typical user writes it: an
nn.Sequential MLP, derivatives with torch.autograd.grad(create_graph=True), Adam.

usage: pinn_torch.py --problem wave1d --precision fp64 --threads 1 --iters 30
Prints one line: "torch <problem> <precision> threads=T s_per_iter=S points_per_s=P loss=L"
and, first, the BLAS torch uses.
"""
import argparse
import math
import time

import torch


def blas_in_use():
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "blas" in line or "lapack" in line:
                libs.add(line.split()[-1])
    return ", ".join(sorted(libs)) or "none mapped"


def sample(n, d, kind, gen, dtype):
    """Uniform points: interior (x[,y],t), initial t=0, boundary on the spatial faces."""
    p = torch.rand(n, d, generator=gen, dtype=dtype)
    if kind == "initial":
        p[:, -1] = 0
    elif kind == "boundary":
        face = torch.randint(0, 2 * (d - 1), (n,), generator=gen)
        axis, side = face // 2, (face % 2).to(dtype)
        p[torch.arange(n), axis] = side
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--problem", default="wave1d", choices=["wave1d", "wave2d"])
    ap.add_argument("--precision", default="fp64", choices=["fp32", "fp64"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--iters", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--interior", type=int, default=8192)
    ap.add_argument("--initial", type=int, default=1024)
    ap.add_argument("--boundary", type=int, default=1024)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dtype = torch.float32 if a.precision == "fp32" else torch.float64
    d = 2 if a.problem == "wave1d" else 3
    c = 2.0 if a.problem == "wave1d" else 1.0
    gen = torch.Generator().manual_seed(1234)

    layers, fan_in = [], d
    for _ in range(a.depth):
        layers += [torch.nn.Linear(fan_in, a.width), torch.nn.Tanh()]
        fan_in = a.width
    layers.append(torch.nn.Linear(fan_in, 1))
    net = torch.nn.Sequential(*layers).to(dtype)
    for m in net:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_normal_(m.weight)
            torch.nn.init.zeros_(m.bias)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    xi = sample(a.interior, d, "interior", gen, dtype).requires_grad_(True)
    x0 = sample(a.initial, d, "initial", gen, dtype).requires_grad_(True)
    xb = sample(a.boundary, d, "boundary", gen, dtype)
    if d == 2:
        u0 = torch.sin(math.pi * x0[:, 0]) + 0.5 * torch.sin(4 * math.pi * x0[:, 0])
    else:
        u0 = torch.sin(math.pi * x0[:, 0]) * torch.sin(math.pi * x0[:, 1])
    u0 = u0.detach()

    def loss_fn():
        u = net(xi)
        g = torch.autograd.grad(u.sum(), xi, create_graph=True)[0]
        lap = 0
        for k in range(d - 1):
            lap = lap + torch.autograd.grad(g[:, k].sum(), xi, create_graph=True)[0][:, k]
        utt = torch.autograd.grad(g[:, -1].sum(), xi, create_graph=True)[0][:, -1]
        r = utt - c * c * lap
        v0 = net(x0)
        vt = torch.autograd.grad(v0.sum(), x0, create_graph=True)[0][:, -1]
        vb = net(xb)
        return (r ** 2).mean() + ((v0[:, 0] - u0) ** 2).mean() + (vt ** 2).mean() + (vb ** 2).mean()

    for it in range(a.warmup + a.iters):
        if it == a.warmup:
            t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
    s = (time.perf_counter() - t0) / a.iters
    points = a.interior + a.initial + a.boundary
    print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}, BLAS: {blas_in_use()}")
    print(f"torch {a.problem} {a.precision} threads={a.threads} s_per_iter={s:.6f} "
          f"points_per_s={points / s:.1f} loss={loss.item():.6e}")


if __name__ == "__main__":
    main()
