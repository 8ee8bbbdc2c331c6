#!/usr/bin/env bash
# The numerics and sanitizers of PERFORMANCE steps 69-71 in one GPU call (from the repository
# root, the bundle of tools/bundle.sh in bundle/; results under $OUT), in order of need, each
# part under its own timeout: step 71's packed sequences on the TMA pipeline (tools/gpu-suite.sh
# part varlen, then the catalogue's varlen kernel and decode-varlen.fa at the suite's shapes),
# step 70's folded factors (step70-lean.sh's checks), step 69's e4m3 outputs (fp8out). Timings:
# bench/experiments/steps68-71-time.sh.
set -u
export OUT=${OUT:-/tmp/faattn-gpu-out}
. bench/experiments/unpack-bundle.sh
GPU_SUITE_PARTS=varlen timeout ${P1:-200} bash tools/gpu-suite.sh > "$OUT/suite-varlen.txt" 2>&1
echo "varlen part exit=$? PASS $(grep -c ' PASS' "$OUT/varlen-tests.txt") FAIL $(grep -c FAIL "$OUT/varlen-tests.txt")"
grep -E "FAIL|exit=[1-9]|UNWRITTEN|rror" "$OUT/varlen-tests.txt" | head -20
grep -E "exit=" "$OUT/varlen-tests.txt" | tr '\n' ' '; echo
{ timeout ${P2A:-100} $RUN --gpu specs/varlen.fa --shape b=1,seq_q=1,seq_kv=1 --shape b=8,seq_q=1000,seq_kv=1000 \
    --shape b=1,seq_q=4097,seq_kv=4097 --shape b=2,seq_q=1000,seq_kv=4097 --shape b=1,seq_q=4097,seq_kv=1000 \
    --shape b=1,seq_q=1,seq_kv=4097 --shape b=3,seq_q=2,seq_kv=3000
  echo "exit=$? specs/varlen.fa"
  timeout ${P2B:-100} $RUN --gpu tests/lit/cpu/decode-varlen.fa --shape b=1,seq_q=1,seq_kv=1 --shape b=3,seq_q=1,seq_kv=17 \
    --shape b=2,seq_q=16,seq_kv=4097 --shape b=1,seq_q=1,seq_kv=131073
  echo "exit=$? decode-varlen.fa"; } > "$OUT/varlen-suite-shapes.txt" 2>&1
echo "suite shapes PASS $(grep -c ' PASS' "$OUT/varlen-suite-shapes.txt") FAIL $(grep -c FAIL "$OUT/varlen-suite-shapes.txt")"
grep -E "FAIL|exit=|UNWRITTEN" "$OUT/varlen-suite-shapes.txt" | grep -v "exit=0" | head
T1=${T1:-100} T2=1 ROUNDS=0 timeout ${P3:-150} bash bench/experiments/step70-lean.sh
echo "step70 checks exit=$?"
timeout ${P4:-90} bash bench/experiments/build-choice-run.sh fp8out
echo "fp8out exit=$?"
