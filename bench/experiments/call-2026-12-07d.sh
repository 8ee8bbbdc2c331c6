#!/usr/bin/env bash
# This sitting's GPU call (2026-12-07, third session): the balanced varlen decode splits
# (PERFORMANCE step 75) — GPU numerics at ragged shapes with an empty sequence, memcheck and
# racecheck, then the ragged / uniform timing against the base bundle (5e9dcc7) — and then
# step 74's experimental e4m3 rotated loops (bench/experiments/fp8-overlap-run.sh, leaner).
set -u
. bench/experiments/unpack-bundle.sh
T=tests/lit/cpu/decode-varlen.fa
{ timeout 150 $RUN --gpu $T --shape b=1,seq_q=1,seq_kv=1 --shape b=3,seq_q=5,seq_kv=777 \
    --shape b=4,seq_q=16,seq_kv=3001 --shape b=9,seq_q=1,seq_kv=4097 --shape b=5,seq_q=3,seq_kv=65537
  echo "exit=$? $T"
  timeout 60 $RUN --gpu $T --shape b=3,seq_q=5,seq_kv=777 --uniform-lengths; echo "exit=$? uniform"
  sanitize_kernels $T b=5,seq_q=3,seq_kv=2049 30 vdecode_gqa
} > "$OUT/balanced-decode-tests.txt" 2>&1
summarize "$OUT/balanced-decode-tests.txt" balanced-decode
grep -E "exit=" "$OUT/balanced-decode-tests.txt" | tr '\n' ' '; echo
KERNELS=decode_varlen BENCH=30 bash bench/experiments/ragged-decode.sh
TIME_BUDGET=120 ROUNDS=2 BENCH=20 SAN=20 N1=150 bash bench/experiments/fp8-overlap-run.sh
