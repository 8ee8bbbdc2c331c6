#!/usr/bin/env bash
# The numerics and sanitizers of PERFORMANCE steps 69-71 in one GPU call (from the repository
# root, the bundle of tools/bundle.sh in bundle/; results under $OUT), in order of need, each
# part under its own timeout: step 71's packed sequences on the TMA pipeline (tools/gpu-suite.sh
# part varlen, then the catalogue's varlen kernel and decode-varlen.fa at the suite's shapes),
# step 70's folded factors (step70-lean.sh's checks), step 69's e4m3 outputs (fp8out). Timings:
# bench/experiments/steps68-71-time.sh.
set -u
export OUT=${OUT:-/tmp/faattn-gpu-out}
VARLEN_PARTS="suite shapes" P1=${P1:-200} P2A=${P2A:-100} P2B=${P2B:-100} timeout ${P12:-400} \
  bash bench/experiments/varlen-tma-run.sh
echo "varlen checks exit=$?"
T1=${T1:-100} T2=1 ROUNDS=0 timeout ${P3:-150} bash bench/experiments/step70-lean.sh
echo "step70 checks exit=$?"
timeout ${P4:-90} bash bench/experiments/build-choice-run.sh fp8out
echo "fp8out exit=$?"
