#!/usr/bin/env bash
# Steps 71-72 and the cuDNN FP8 peer in one GPU call of under 10 minutes (from the repository
# root, the bundle in bundle/, the cudnn-frontend wheel in .whl/; results under $OUT), most
# needed first: the packed boxes' numerics and sanitizers and one timing with and without them
# (varlen-lean.sh without step 70's checks), then step 72's no-LSR builds (cold compile, numerics,
# timing at 1 x 16k), then one row of the fp8 part with cuDNN's FP8 attention.
set -u
export OUT=${OUT:-/tmp/faattn-gpu-out}
T1=${T1:-80} T2=${T2:-40} T3=${T3:-35} T4=${T4:-50} SAN=${SAN:-25} T5=1 T6=1 \
  timeout ${P1:-330} bash bench/experiments/varlen-lean.sh 2>&1 | grep -v "^step70"
echo "varlen exit=$?"
COMPILE_ROUNDS=1 COMPILE_SHAPE=b=2,seq_q=333,seq_kv=517 NUMERICS=0 BENCH_SHAPES=1:16384 ROUNDS=2 \
  T3=${P2:-150} bash bench/experiments/no-lsr-ab.sh 2>&1 | grep -v "^GPU "
FP8_SPECS=g128 timeout ${P3:-70} bash bench/experiments/fp8-peer-row.sh 2>&1 | tail -4
