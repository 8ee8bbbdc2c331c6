#!/usr/bin/env bash
# This sitting's second GPU call: the balanced varlen decode splits by share (016735a,
# PERFORMANCE step 75's change after the run): numerics at ragged shapes, memcheck and
# racecheck, and the ragged / uniform timing against the base bundle (5e9dcc7).
set -u
. bench/experiments/unpack-bundle.sh
T=tests/lit/cpu/decode-varlen.fa
{ timeout ${N1:-120} $RUN --gpu $T --shape b=1,seq_q=1,seq_kv=1 --shape b=3,seq_q=5,seq_kv=777 \
    --shape b=4,seq_q=16,seq_kv=3001 --shape b=9,seq_q=2,seq_kv=4097
  echo "exit=$? $T"
  sanitize_kernels $T b=9,seq_q=2,seq_kv=2049 ${SAN:-30} vdecode_gqa
} > "$OUT/balanced-decode-tests.txt" 2>&1
summarize "$OUT/balanced-decode-tests.txt" balanced-decode
grep -E "exit=" "$OUT/balanced-decode-tests.txt" | tr '\n' ' '; echo
KERNELS=decode_varlen SHAPES="${SHAPES:-8:32768 4:131072 16:16384 64:8192}" BENCH=30 bash bench/experiments/ragged-decode.sh
