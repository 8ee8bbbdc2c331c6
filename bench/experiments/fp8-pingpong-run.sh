#!/usr/bin/env bash
# PERFORMANCE step 73's GPU call (from the repository root, the bundle in bundle/; results under
# $OUT): the e4m3 pingpong schedule's numerics and sanitizers, then its A/B against the default
# cooperative kernels (bench/fp8-grid.fa) at issue 24's grid, interleaved, ROUNDS rounds of
# --bench=N medians; then the packed sequences' suite part at the default (no flag).
set -u
. bench/experiments/unpack-bundle.sh
PP=bench/experiments/fp8-pingpong.fa
{ timeout ${N1:-150} $RUN --gpu $PP --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=100,seq_kv=77 \
    --shape b=1,seq_q=1000,seq_kv=4097 --shape b=3,seq_q=513,seq_kv=300
  echo "exit=$? $PP"
  timeout 60 $RUN --gpu tests/lit/cpu/fp8-wgmma.fa --kernel=f8_pingpong --shape b=2,seq_q=100,seq_kv=77 \
    --shape b=1,seq_q=1000,seq_kv=4097
  echo "exit=$? f8_pingpong"
  sanitize_kernels tests/lit/cpu/fp8-wgmma.fa b=2,seq_q=300,seq_kv=517 ${SAN:-40} f8_pingpong
} > "$OUT/fp8-pingpong-tests.txt" 2>&1
summarize "$OUT/fp8-pingpong-tests.txt" fp8-pingpong
grep -E "exit=" "$OUT/fp8-pingpong-tests.txt" | tr '\n' ' '; echo
ab_time "$OUT/fp8-pingpong-timing.txt" "f8g128 f8g128c f8g64 f8g64c f8g256 f8g256c" bench/fp8-grid.fa:coop $PP:pingpong
if [ -n "${VARLEN:-1}" ]; then
  GPU_SUITE_PARTS=varlen timeout ${P_VARLEN:-200} bash tools/gpu-suite.sh > "$OUT/suite-varlen.txt" 2>&1
  echo "varlen exit=$?"
  summarize "$OUT/varlen-tests.txt" varlen-default
fi
