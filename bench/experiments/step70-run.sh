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
timeout ${T3:-140} bash bench/experiments/build-choice-run.sh verify
echo "part 3 exit=$?"
