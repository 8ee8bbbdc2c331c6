#!/usr/bin/env bash
# Differential test: random specs (fixed seeds) on the CPU against the float64 reference.
# usage: run-random.sh <faattn-run> <work-dir>
set -euo pipefail
run=$1 work=$2
here=$(dirname "$0")
mkdir -p "$work"
for seed in 1 2 3 4; do
  python3 "$here/gen_random_specs.py" "$seed" 20 > "$work/random-$seed.fa"
  "$run" --cpu "$work/random-$seed.fa" --shape b=3,seq_q=45,seq_kv=70 --shape b=1,seq_q=70,seq_kv=33
done
# Kernels of the sm_90a tensor-core path (their CPU code is the same for any mapping, but the
# specs are the ones the GPU suite runs there).
python3 "$here/gen_random_specs.py" 1 20 hopper > "$work/random-hopper-1.fa"
"$run" --cpu "$work/random-hopper-1.fa" --shape b=3,seq_q=45,seq_kv=70 --shape b=1,seq_q=70,seq_kv=33
# e4m3 kernels (all inputs, or K and V under kv_dtype) with random dequantization factors.
for seed in 1 2; do
  python3 "$here/gen_random_specs.py" "$seed" 12 e4m3 > "$work/random-e4m3-$seed.fa"
  "$run" --cpu "$work/random-e4m3-$seed.fa" --shape b=3,seq_q=45,seq_kv=70 --shape b=1,seq_q=70,seq_kv=33
done
# Backward kernels (faattn-backward-tile), some with learnable params.
for seed in 1 2 3 4; do
  python3 "$here/gen_random_specs.py" "$seed" 20 backward > "$work/random-backward-$seed.fa"
  "$run" --cpu "$work/random-backward-$seed.fa" --shape b=3,seq_q=45,seq_kv=70 --shape b=1,seq_q=70,seq_kv=33
done
# The same kernels at the tensor-core backward's tiling (64 x 64 blocks), over
# more than one block of each.
for seed in 1 2; do
  "$run" --cpu --backward-block=64 "$work/random-backward-$seed.fa" --shape b=1,seq_q=130,seq_kv=77
done
