#!/usr/bin/env bash
# Times every kernel of bench/experiments/decode-ring.fa (faattn-run --gpu --bench, CUDA
# events, median of 30, numerics checked on sampled rows) at batch 1 x 131072 and batch 64 x
# 8192 keys, one query row; prints the K/V bytes per second (kv_tbps).
# usage: decode-ring.sh <faattn-run> > out.txt
set -u
run=$1 spec=bench/experiments/decode-ring.fa
for k in $(grep -o '^kernel [a-z0-9_]*' "$spec" | cut -d' ' -f2); do
  for shape in b=1,seq_q=1,seq_kv=131072 b=64,seq_q=1,seq_kv=8192; do
    timeout 60 "$run" --gpu "$spec" --kernel="$k" --shape "$shape" --bench=30 --uniform-lengths 2>&1 | grep -E "median|error|FAIL"
  done
done
