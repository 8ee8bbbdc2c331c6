#!/usr/bin/env bash
# The GPU calls of 2026-12-06 (second session). From the repository root, the bundle of
# tools/bundle.sh in bundle/; results under $OUT. Two calls on one warm machine:
#   bash bench/experiments/dq-bulk-run.sh check   # ~5 min: numerics
#   bash bench/experiments/dq-bulk-run.sh bench   # ~6 min: timing
# check: what the previous session left unrun (the Python suite on CUDA; the e4m3 kernels of
# tests/lit/cpu/fp8-wgmma.fa and fp8-out.fa, the cooperative schedule now their default),
# then PERFORMANCE step 58's dQ by bulk reductions (the default since; at its first run,
# 7e67a4a, FAATTN_EXPERIMENTAL_BACKWARD_DQ_BULK=1 turned it on): every backward spec at odd
# shapes (the padded head dims too), memcheck and racecheck; with ARM=FAATTN_BACKWARD_DQ_ATOMIC=1 the same
# for the atomic adds.
# bench: bench/experiments/backward_vs_sdpa.py with atomics (FAATTN_BACKWARD_DQ_ATOMIC=1), with
# bulk reductions (the default) and with the products overlapped (PERFORMANCE step 59,
# FAATTN_EXPERIMENTAL_BACKWARD_OVERLAP=1), SDPA's backward in the same runs.
# check-backward ARM=...: the backward part of check alone, under ARM's variable. ARMS=
# "hoisted bulk overlap" times PERFORMANCE step 60 (the descriptors made in the Q loop, the
# default since; FAATTN_BACKWARD_HOISTED_DESCRIPTORS=1 hoists them as before).
set -u
. bench/experiments/unpack-bundle.sh
BULK=FAATTN_BACKWARD_DQ_BULK_DEFAULT=1 # (a no-op variable: bulk is the default)
ATOMIC=FAATTN_BACKWARD_DQ_ATOMIC=1
OVERLAP=FAATTN_EXPERIMENTAL_BACKWARD_OVERLAP=1
HOISTED=FAATTN_BACKWARD_HOISTED_DESCRIPTORS=1
case ${1:-check} in
check)
  python3 -c "import pytest" 2>/dev/null ||
    python3 -m pip install -q --no-index --find-links bundle/wheels --target /tmp/faattn-pytest pytest
  PYTHONPATH=/tmp/faattn-pytest FAATTN_TEST_DEVICE=cuda FAATTN_REQUIRE_TORCH=1 timeout 120 \
    bash tests/python/run.sh $B/libfaattn_c.so python3 -rxs > "$OUT/python-tests.txt" 2>&1
  grep -E "^FAILED|passed|failed" "$OUT/python-tests.txt" | tail -8
  # (o8_unit's factor 1 leaves long rows' outputs subnormal: short lengths only, as gpu-suite.)
  { for spec in tests/lit/cpu/fp8-wgmma.fa tests/lit/cpu/fp8-out.fa; do
      timeout 60 $RUN --gpu $spec --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=1,seq_kv=1
      echo "exit=$? $spec"
    done
    timeout 40 compute-sanitizer --tool racecheck --error-exitcode 3 $RUN --gpu \
      tests/lit/cpu/fp8-out.fa --kernel=o8_tensor --shape b=1,seq_q=130,seq_kv=200 | tail -2
    echo "racecheck o8_tensor exit=${PIPESTATUS[0]}"; } > "$OUT/fp8-tests.txt" 2>&1
  echo "fp8 PASS $(grep -c ' PASS' "$OUT/fp8-tests.txt") FAIL $(grep -c FAIL "$OUT/fp8-tests.txt")"
  grep -E "FAIL|exit=[1-9]" "$OUT/fp8-tests.txt" | head
  ;&
check-backward)
  python3 tests/cpu/gen_random_specs.py 1 20 backward > /tmp/random-backward-1.fa
  { for spec in specs/backward.fa tests/lit/cpu/backward.fa tests/lit/cpu/backward-varlen.fa \
        tests/lit/cpu/backward-deterministic.fa /tmp/random-backward-1.fa; do
      env ${ARM:-$BULK} timeout 120 $RUN --gpu "$spec" --shape b=1,seq_q=1,seq_kv=1 \
        --shape b=2,seq_q=77,seq_kv=130 --shape b=1,seq_q=300,seq_kv=517 --shape b=1,seq_q=300,seq_kv=130
      echo "exit=$? $spec"
    done
    env ${ARM:-$BULK} FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1 timeout 60 $RUN --gpu \
      tests/lit/cpu/padded-head-dims-backward.fa --shape b=2,seq_q=33,seq_kv=150 --shape b=1,seq_q=300,seq_kv=517
    echo "exit=$? padded-head-dims-backward.fa"
    for tool in memcheck racecheck; do
      for k in causal_bwd alibi_bwd; do
        env ${ARM:-$BULK} timeout 60 compute-sanitizer --tool $tool --error-exitcode 3 $RUN --gpu \
          specs/backward.fa --kernel=$k --shape b=2,seq_q=77,seq_kv=130 | tail -2
        echo "$tool $k exit=${PIPESTATUS[0]}"
      done
      env ${ARM:-$BULK} FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1 timeout 60 compute-sanitizer --tool $tool \
        --error-exitcode 3 $RUN --gpu tests/lit/cpu/padded-head-dims-backward.fa --kernel=hd56_alibi_bwd \
        --shape b=2,seq_q=33,seq_kv=150 | tail -2
      echo "$tool hd56_alibi_bwd exit=${PIPESTATUS[0]}"
    done; } > "$OUT/backward-tests${ARM:+-${ARM%%=*}}.txt" 2>&1
  f="$OUT/backward-tests${ARM:+-${ARM%%=*}}.txt"
  echo "backward ${ARM:-default} PASS $(grep -c ' PASS' "$f") FAIL $(grep -c FAIL "$f")"
  grep -E "FAIL|exit=|rror" "$f" | head -30
  ;;
bench)
  for arm in ${ARMS:-atomic bulk overlap}; do
    case $arm in atomic) vars=$ATOMIC ;; bulk) vars=$BULK ;; overlap) vars=$OVERLAP ;; hoisted) vars=$HOISTED ;; esac
    env $vars FAATTN_LIBRARY=$B/libfaattn_c.so PYTHONPATH="$PWD/python" timeout 270 \
      python3 bench/experiments/backward_vs_sdpa.py --seqs ${SEQS:-1024,4096,16384} \
      --out "$OUT/backward-dq-$arm.json" 2>&1 | tail -12
  done
  ;;
esac
