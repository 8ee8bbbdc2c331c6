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
KERNELS="alibi:alibi sliding-window:sliding_window softcap:gemma2_local mha:mha causal:causal"
. bench/experiments/unpack-bundle.sh > /dev/null
{ for arm in 0 1; do
    rm -rf /tmp/cache-lsr$arm
    for kf in $KERNELS; do
      out=$(FAATTN_EXPERIMENTAL_NO_LSR=$arm timeout 30 $RUN --gpu specs/${kf%%:*}.fa --kernel=${kf##*:} \
        --cache-dir=/tmp/cache-lsr$arm --shape b=2,seq_q=333,seq_kv=517 2>&1)
      echo "nolsr=$arm ${kf##*:} $(echo "$out" | grep -o 'compiled.*in [0-9.]* ms' | head -1) $(echo "$out" | grep -o 'rel_l2=[0-9.e-]*' | head -1) $(echo "$out" | grep -o 'first_launch_ms=[0-9.]*' | head -1) $(echo "$out" | grep -o 'PASS\|FAIL' | sort | uniq -c | tr '\n' ' ')"
    done
  done
  for kf in $KERNELS; do
    line="${kf##*:} b=1 s=16384"
    for arm in 0 1 0 1; do
      out=$(FAATTN_EXPERIMENTAL_NO_LSR=$arm timeout 25 $RUN --gpu specs/${kf%%:*}.fa --kernel=${kf##*:} \
        --cache-dir=/tmp/cache-lsr$arm --uniform-lengths --shape b=1,seq_q=16384,seq_kv=16384 --bench=20)
      line="$line nolsr$arm=$(echo "$out" | grep -o 'median=[0-9.]*' | head -1 | cut -d= -f2)$(echo "$out" | grep -q FAIL && echo FAIL)"
    done
    echo "$line"
  done; } 2>&1 | tee "$OUT/no-lsr.txt"
FP8_SPECS=g128 timeout ${P3:-70} bash bench/experiments/fp8-peer-row.sh 2>&1 | tail -4
