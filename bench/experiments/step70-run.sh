#!/usr/bin/env bash
# The GPU call of PERFORMANCE step 70 (from the repository root; the bundle of tools/bundle.sh in
# bundle/, a base commit's faattn-run in bundle/base/; results under $OUT), in order of need:
#   1. bench/experiments/fp8-descale-run.sh: the e4m3 kernels with and without factors, checked,
#      then timed against the base build (ROUNDS interleaved rounds);
#   2. tools/gpu-suite.sh part fp8-wgmma without its timing: every e4m3 variant at odd shapes,
#      the NaN rules (negative and zero query factors among them), e4m3 outputs, sanitizers;
#   3. bench/experiments/build-choice-run.sh verify: step 68's runtime build choice.
set -u
export OUT=${OUT:-/tmp/faattn-gpu-out}
mkdir -p "$OUT"
ROUNDS=${ROUNDS:-2} timeout ${T1:-220} bash bench/experiments/fp8-descale-run.sh
echo "part 1 exit=$?"
GPU_SUITE_PARTS=fp8-wgmma GPU_SUITE_BENCH=0 timeout ${T2:-220} bash tools/gpu-suite.sh > "$OUT/suite-fp8-wgmma.txt" 2>&1
echo "part 2 exit=$?"
grep -cE " PASS" "$OUT/suite-fp8-wgmma.txt" | sed 's/^/part 2 PASS lines: /'
grep -E "FAIL|exit=[1-9]|UNWRITTEN|rror" "$OUT/suite-fp8-wgmma.txt" | head -20
# The SIMT lowering of the rows tile_score (M x 1): e4m3 decode's split grids, and the e4m3
# forward with FAATTN_FP8_SIMT=1.
RUN=/tmp/faattn-bundle/faattn-run
{ timeout 100 $RUN --gpu specs/decode-paged.fa --kernel=decode_paged_fp8 --shape b=3,seq_q=2,seq_kv=300 \
    --shape b=1,seq_q=1,seq_kv=4097 --shape b=2,seq_q=16,seq_kv=1000
  echo "exit=$? decode_paged_fp8"
  FAATTN_FP8_SIMT=1 timeout 100 $RUN --gpu specs/fp8-forward.fa --kernel=fp8_scaled --shape b=2,seq_q=100,seq_kv=77 \
    --shape b=1,seq_q=300,seq_kv=517
  echo "exit=$? fp8_scaled FAATTN_FP8_SIMT=1"
  timeout 100 $RUN --gpu tests/lit/cpu/row-factors.fa --shape b=1,seq_q=1,seq_kv=1 \
    --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=1000,seq_kv=4097
  echo "exit=$? row-factors.fa"; } > "$OUT/simt-row-factors.txt" 2>&1
grep -E "PASS|FAIL|exit=" "$OUT/simt-row-factors.txt"
timeout ${T3:-140} bash bench/experiments/build-choice-run.sh verify
echo "part 3 exit=$?"
