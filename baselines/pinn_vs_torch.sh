#!/bin/sh
# pinn_vs_torch.sh: wavebench's PINN against the PyTorch reference (baselines/pinn_torch.py),
# in the same run, on the same problem, network (width 64, depth 4), points (8192
# interior, 1024 initial, 1024 boundary) and precision, with the same thread count.
# Prints points/s of each and the ratios. Targets: wavebench >= 5x PyTorch in fp32 and
# fp64 at 1 and 2 threads; 2 ranks x 1 thread >= 1.8x 1 rank x 1 thread.
# usage: baselines/pinn_vs_torch.sh [WAVEBENCH]   env: PROBLEM (wave1d), ITERS (100), TORCH_ITERS (20)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
wavebench=${1:-./wavebench}
problem=${PROBLEM:-wave1d}
iters=${ITERS:-100}
torch_iters=${TORCH_ITERS:-20}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d /tmp/wb-pinn-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
net="--suite pinn --problem $problem --width 64 --depth 4 --interior-points 8192 --initial-points 1024 --boundary-points 1024 --pinn-iters $iters --log-every $iters --eval-grid 16 --quiet --output-dir $work"

# wb NP THREADS PRECISION: points/s from the results file.
wb() {
    # shellcheck disable=SC2086
    mpirun -q -np "$1" --bind-to none "$wavebench" $net --threads "$2" --precision "$3" --output "wb-$1-$2-$3.h5"
    /usr/bin/python3 -c "import h5py; print(h5py.File('$work/wb-$1-$2-$3.h5')['pinn/summary/points_per_s'][0])"
}
torch_pps() {
    /usr/bin/python3 "$here/pinn_torch.py" --problem "$problem" --precision "$2" --threads "$1" \
        --iters "$torch_iters" > "$work/torch.txt"
    head -n 1 "$work/torch.txt" >&2
    sed -n 's/.*points_per_s=\([0-9.]*\).*/\1/p' "$work/torch.txt"
}

"$wavebench" --version | sed -n '1p;3p' | sed 's/^/# wavebench: /'
printf '# %-5s %-7s %-22s %12s %12s %8s\n' prec threads wavebench "wb points/s" "torch pts/s" ratio
for prec in fp32 fp64; do
    t1=$(torch_pps 1 $prec)
    t2=$(torch_pps 2 $prec)
    w11=$(wb 1 1 $prec)
    w12=$(wb 1 2 $prec)
    w21=$(wb 2 1 $prec)
    for row in "1 1-rank-x-1-thread $w11 $t1" "2 1-rank-x-2-threads $w12 $t2" "2 2-ranks-x-1-thread $w21 $t2"; do
        set -- $row
        printf '  %-5s %-7s %-22s %12.0f %12.0f %8.2f\n' $prec "$1" "$2" "$3" "$4" "$(echo "$3 / $4" | bc -l)"
    done
    printf '# %s: 2 ranks x 1 thread / 1 rank x 1 thread = %.2f (target >= 1.8)\n' $prec "$(echo "$w21 / $w11" | bc -l)"
done
