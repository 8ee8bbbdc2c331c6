#!/usr/bin/env bash
# The timings of PERFORMANCE steps 68, 70 and 71 in one GPU call (from the repository root, the
# bundle in bundle/, the base commit's faattn-run in bundle/base/; results under $OUT): step 71's
# varlen kernels against the base (thread-copied) build and their dense twins, and the varlen
# decode beside dense decode and SDPA (varlen-tma-run.sh's parts 3-4); step 68's runtime build
# choice (build-choice-run.sh verify); step 70's kernels with and without factors.
set -u
export OUT=${OUT:-/tmp/faattn-gpu-out}
VARLEN_PARTS="time decode" ROUNDS=${ROUNDS71:-1} timeout ${P1T:-330} bash bench/experiments/varlen-tma-run.sh
echo "varlen timing exit=$?"
timeout ${P2:-150} bash bench/experiments/build-choice-run.sh verify
echo "verify exit=$?"
SKIP_TESTS=1 ROUNDS=${ROUNDS70:-1} SHAPES_BS="1:16384" timeout ${P3:-100} bash bench/experiments/fp8-descale-run.sh > /dev/null 2>&1
echo "fold timing exit=$?"; cat "$OUT/fp8-descale-bench.txt" 2>/dev/null
