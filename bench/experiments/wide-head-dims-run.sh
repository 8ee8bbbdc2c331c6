#!/usr/bin/env bash
# The GPU calls of 2026-12-06 (third session): the tensor-core backward at head dims over 128 in
# column chunks (faattn-backward-tile's max-cols 128) and the head dims it had not run at (48,
# 80, 96, 112, qk != v), all under FAATTN_BACKWARD_WGMMA_UNVALIDATED=1 (removed after this run; the default build kept
# them SIMT until this run validates them). From the repository root, the bundle of
# tools/bundle.sh in bundle/; results under $OUT.
#   bash bench/experiments/wide-head-dims-run.sh check   # numerics, NaN file, sanitizers
#   bash bench/experiments/wide-head-dims-run.sh bench   # backward_vs_sdpa.py at head dims DIMS
# The second run (c6d4085: unequal chunks, 144-240) adds SANITIZE="bwd176 bwd240 bwd144".
set -u
. bench/experiments/unpack-bundle.sh
export FAATTN_BACKWARD_WGMMA_UNVALIDATED=1
SHAPES="--shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=77,seq_kv=130 --shape b=1,seq_q=300,seq_kv=517 --shape b=1,seq_q=300,seq_kv=130"
case ${1:-check} in
check)
  { for spec in tests/lit/cli/Inputs/backward-head-dims.fa tests/lit/cpu/backward-wide-head-dims.fa \
        tests/lit/cpu/backward-nan.fa specs/backward.fa; do
      timeout 150 $RUN --gpu "$spec" $SHAPES
      echo "exit=$? $spec"
    done
    for tool in memcheck racecheck; do
      for k in ${SANITIZE:-bwd256 bwd192_128 bwd256_det bwd256_alibi bwd80}; do
        timeout 60 compute-sanitizer --tool $tool --error-exitcode 3 $RUN --gpu \
          tests/lit/cli/Inputs/backward-head-dims.fa --kernel=$k --shape b=2,seq_q=77,seq_kv=130 | tail -2
        echo "$tool $k exit=${PIPESTATUS[0]}"
      done
    done; } > "$OUT/wide-head-dims-tests.txt" 2>&1
  f="$OUT/wide-head-dims-tests.txt"
  echo "PASS $(grep -c ' PASS' "$f") FAIL $(grep -c FAIL "$f")"
  grep -E "FAIL|exit=|rror" "$f" | head -40
  ;;
bench)
  for d in ${DIMS:-256 192 64}; do
    FAATTN_LIBRARY=$B/libfaattn_c.so PYTHONPATH="$PWD/python" timeout 240 \
      python3 bench/experiments/backward_vs_sdpa.py --head-dim $d --seqs ${SEQS:-1024,4096,16384} \
      --out "$OUT/backward-hd$d.json" 2>&1 | tail -10
  done
  ;;
esac
