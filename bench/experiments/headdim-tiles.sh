#!/usr/bin/env bash
# Times every kernel of bench/experiments/headdim-tiles.fa on the GPU (faattn-run --gpu --bench,
# CUDA events, median of 30; numerics checked on sampled rows) at its row's shape, in one run:
#   h112*, h80*: 16k tokens (batch 1), s128*: 1k tokens, batch 16.
# usage: headdim-tiles.sh <faattn-run> > out.txt
set -u
run=$1 spec=bench/experiments/headdim-tiles.fa
for k in $(grep -o '^kernel [a-z0-9_]*' "$spec" | cut -d' ' -f2); do
  case $k in
    s128*) shape=b=16,seq_q=1024,seq_kv=1024 ;;
    *) shape=b=1,seq_q=16384,seq_kv=16384 ;;
  esac
  timeout 60 "$run" --gpu "$spec" --kernel="$k" --shape "$shape" --bench=30 --uniform-lengths 2>&1 | grep -E "median|error|FAIL"
done
