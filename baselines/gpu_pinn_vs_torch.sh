#!/bin/sh
# gpu_pinn_vs_torch.sh: wavebench's PINN with --backend cuda against PyTorch on the same GPU
# (the model, loss and Adam of baselines/pinn_torch.py, moved to the GPU and timed with
# torch.cuda.synchronize), same problem, network (width 64, depth 4), points (8192
# interior, 1024 initial, 1024 boundary) and precision. Without CUDA-enabled torch, the
# baseline is wavebench --backend cpu on this node (all cores). Prints points/s and ratios.
# Target: wavebench cuda >= 5x the baseline in fp32 and fp64.
# usage: baselines/gpu_pinn_vs_torch.sh [WAVEBENCH]   env: PROBLEM (wave1d), ITERS (200),
#   TORCH_ITERS (50), POINTS (8192: interior; initial and boundary are POINTS / 8)
set -eu
wavebench=${1:-./wavebench}
problem=${PROBLEM:-wave1d}
iters=${ITERS:-200}
torch_iters=${TORCH_ITERS:-50}
ni=${POINTS:-8192}
nb=$((ni / 8))
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d /tmp/wb-gpu-pinn.XXXXXX)
trap 'rm -rf "$work"' EXIT
net="--suite pinn --problem $problem --width 64 --depth 4 --interior-points $ni --initial-points $nb --boundary-points $nb --pinn-iters $iters --log-every $iters --eval-grid 16 --quiet --output-dir $work"

wb() { # BACKEND PRECISION: points/s from the results file
    # shellcheck disable=SC2086
    mpirun -q -np 1 --bind-to none "$wavebench" $net --backend "$1" --precision "$2" --output "wb-$1-$2.h5"
    /usr/bin/python3 -c "import h5py; print(h5py.File('$work/wb-$1-$2.h5')['pinn/summary/points_per_s'][0])"
}

torch_cuda() { # PRECISION: points/s of the PyTorch reference on the GPU, or nothing
    /usr/bin/python3 - "$problem" "$1" "$torch_iters" "$ni" "$nb" <<'PY' 2>"$work/torch-$1.err" || true
import math, sys, time
import torch
if not torch.cuda.is_available():
    sys.exit(1)
# TF32 off, as wavebench pins cuBLAS (NGC images turn it on): the same arithmetic both sides.
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.set_float32_matmul_precision("highest")
print(f"# torch {torch.__version__}: matmul.allow_tf32={torch.backends.cuda.matmul.allow_tf32} "
      f"cudnn.allow_tf32={torch.backends.cudnn.allow_tf32} "
      f"float32_matmul_precision={torch.get_float32_matmul_precision()}", file=sys.stderr)
problem, prec, iters, ni, nb = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
dev, dtype = torch.device("cuda"), torch.float32 if prec == "fp32" else torch.float64
d, c = (2, 2.0) if problem == "wave1d" else (3, 1.0)
gen = torch.Generator().manual_seed(1234)
def sample(n, kind):  # as pinn_torch.py's sample
    p = torch.rand(n, d, generator=gen, dtype=dtype)
    if kind == "initial":
        p[:, -1] = 0
    elif kind == "boundary":
        face = torch.randint(0, 2 * (d - 1), (n,), generator=gen)
        p[torch.arange(n), face // 2] = (face % 2).to(dtype)
    return p.to(dev)
layers, fan_in = [], d
for _ in range(4):
    layers += [torch.nn.Linear(fan_in, 64), torch.nn.Tanh()]
    fan_in = 64
layers.append(torch.nn.Linear(fan_in, 1))
net = torch.nn.Sequential(*layers).to(dtype).to(dev)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
xi, x0, xb = sample(ni, "interior").requires_grad_(True), sample(nb, "initial").requires_grad_(True), sample(nb, "boundary")
u0 = (torch.sin(math.pi * x0[:, 0]) + 0.5 * torch.sin(4 * math.pi * x0[:, 0]) if d == 2
      else torch.sin(math.pi * x0[:, 0]) * torch.sin(math.pi * x0[:, 1])).detach()
def loss_fn():
    u = net(xi)
    g = torch.autograd.grad(u.sum(), xi, create_graph=True)[0]
    lap = 0
    for k in range(d - 1):
        lap = lap + torch.autograd.grad(g[:, k].sum(), xi, create_graph=True)[0][:, k]
    utt = torch.autograd.grad(g[:, -1].sum(), xi, create_graph=True)[0][:, -1]
    v0 = net(x0)
    vt = torch.autograd.grad(v0.sum(), x0, create_graph=True)[0][:, -1]
    return ((utt - c * c * lap) ** 2).mean() + ((v0[:, 0] - u0) ** 2).mean() + (vt ** 2).mean() + (net(xb) ** 2).mean()
for it in range(5 + iters):
    if it == 5:
        torch.cuda.synchronize()
        t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    loss_fn().backward()
    opt.step()
torch.cuda.synchronize()
print((ni + 2 * nb) * iters / (time.perf_counter() - t0))
PY
}

"$wavebench" --version | sed -n '1p;3p' | sed 's/^/# wavebench: /'
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | sed 's/^/# GPU: /'
printf '# %-5s %14s %14s %-22s %8s\n' prec "cuda points/s" "base points/s" baseline ratio
for prec in fp32 fp64; do
    g=$(wb cuda "$prec")
    base=$(torch_cuda "$prec")
    grep '^# torch' "$work/torch-$prec.err" || true
    label="pytorch-cuda"
    if [ -z "$base" ]; then
        base=$(wb cpu "$prec")
        label="wavebench-cpu-1-rank"
    fi
    printf '  %-5s %14.0f %14.0f %-22s %8.2f\n' "$prec" "$g" "$base" "$label" "$(echo "$g / $base" | bc -l)"
done
echo "# target: ratio >= 5"
