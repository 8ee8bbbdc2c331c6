#!/usr/bin/env bash
# One GPU call for what steps 68-70 left unrun (from the repository root, the bundle of
# tools/bundle.sh in bundle/; results under $OUT), in order of need, each part under its own
# timeout so that a slow part does not take the next one's time:
#   1. step70-lean.sh's checks: the folded kernels' numerics (fp8-descale.fa, fp8-wgmma.fa,
#      row-factors.fa, the negative / zero factor rules), e4m3 decode's SIMT split grids,
#      memcheck and racecheck of two folded kernels;
#   2. step 69: fp8-out.fa (e4m3 outputs without O's tile), memcheck and racecheck;
#   3. step 68: build-choice-run.sh verify (the runtime's build choice, numerics checked);
#   4. step 70's timing: fp8-descale-run.sh (with and without factors, ROUNDS rounds; against
#      bundle/base's faattn-run when it is there).
set -u
export OUT=${OUT:-/tmp/faattn-gpu-out}
T1=${T1:-150} T2=1 ROUNDS=0 timeout ${P1:-200} bash bench/experiments/step70-lean.sh
echo "part 1 exit=$?"
timeout ${P2:-100} bash bench/experiments/build-choice-run.sh fp8out
echo "part 2 exit=$?"
timeout ${P3:-180} bash bench/experiments/build-choice-run.sh verify
echo "part 3 exit=$?"
SKIP_TESTS=1 ROUNDS=${ROUNDS:-1} timeout ${P4:-100} bash bench/experiments/fp8-descale-run.sh > /dev/null 2>&1
echo "part 4 exit=$?"; cat "$OUT/fp8-descale-bench.txt" 2>/dev/null
