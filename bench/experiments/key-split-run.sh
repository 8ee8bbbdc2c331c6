#!/usr/bin/env bash
# The GPU calls of PERFORMANCE step 67 (two warpgroups split a backward CTA's 128 keys, the
# default; FAATTN_BACKWARD_ONE_WARPGROUP=1 keeps the CTA of 64 keys and one warpgroup). From
# the repository root, the bundle of tools/bundle.sh in bundle/; results under $OUT.
#   bash bench/experiments/key-split-run.sh check   # numerics: every backward file at odd
#                                                   # shapes, head dims 48-256, NaN, padded;
#                                                   # memcheck and racecheck; Python on CUDA
#   bash bench/experiments/key-split-run.sh bench   # ncu per grid at 1k, both arms; the
#                                                   # backward against SDPA, both arms, head
#                                                   # dims 128 and 64 (SEQS, DIMS; NCU=0
#                                                   # skips ncu)
#   bash bench/experiments/key-split-run.sh grid    # bench/bench_backward.py: issue 22's grid
#                                                   # and variants with cuDNN, FA2 and Flex
set -u
. bench/experiments/unpack-bundle.sh
ONEWG=FAATTN_BACKWARD_ONE_WARPGROUP=1
case ${1:-check} in
check)
  bash bench/experiments/dq-bulk-run.sh check-backward 2>&1 | tail -12
  SHAPES="--shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=77,seq_kv=130 --shape b=1,seq_q=300,seq_kv=517"
  { for spec in tests/lit/cli/Inputs/backward-head-dims.fa tests/lit/cpu/backward-wide-head-dims.fa \
        tests/lit/cpu/backward-nan.fa; do
      timeout 150 $RUN --gpu "$spec" $SHAPES
      echo "exit=$? $spec"
    done
    for tool in memcheck racecheck; do
      for k in bwd80 bwd48; do
        timeout 60 compute-sanitizer --tool $tool --error-exitcode 3 $RUN --gpu \
          tests/lit/cli/Inputs/backward-head-dims.fa --kernel=$k --shape b=2,seq_q=77,seq_kv=300 | tail -2
        echo "$tool $k exit=${PIPESTATUS[0]}"
      done
    done; } > "$OUT/head-dims-tests.txt" 2>&1
  f="$OUT/head-dims-tests.txt"
  echo "head dims PASS $(grep -c ' PASS' "$f") FAIL $(grep -c FAIL "$f")"
  grep -E "FAIL|exit=|rror" "$f" | head -30
  python3 -c "import pytest" 2>/dev/null ||
    python3 -m pip install -q --no-index --find-links bundle/wheels --target /tmp/faattn-pytest pytest
  PYTHONPATH=/tmp/faattn-pytest FAATTN_TEST_DEVICE=cuda FAATTN_REQUIRE_TORCH=1 timeout 150 \
    bash tests/python/run.sh $B/libfaattn_c.so python3 -rxs > "$OUT/python-tests.txt" 2>&1
  grep -E "^FAILED|passed|failed" "$OUT/python-tests.txt" | tail -8
  ;;
bench)
  for arm in $([ "${NCU:-1}" = 1 ] && echo split onewg); do
    vars=FAATTN_NOTHING=1
    [ $arm = onewg ] && vars=$ONEWG
    for c in "" --causal; do
      env $vars FAATTN_LIBRARY=$B/libfaattn_c.so PYTHONPATH="$PWD/python" timeout 200 \
        ncu --metrics gpu__time_duration.sum python3 bench/experiments/backward_kernel_times.py \
        --seq 1024 $c > "$OUT/kernel-times-1024$c-$arm.txt" 2>&1
      echo "== $arm 1024 $c exit=$?"
      grep -E "^  bwdtime.*Context|gpu__time_duration" "$OUT/kernel-times-1024$c-$arm.txt" |
        paste - - | awk '{print $1, $(NF-1), $NF}' | grep bwdtime | tail -3
    done
  done
  for d in ${DIMS:-128 64}; do
    for arm in onewg split; do
      vars=FAATTN_NOTHING=1
      [ $arm = onewg ] && vars=$ONEWG
      env $vars FAATTN_LIBRARY=$B/libfaattn_c.so PYTHONPATH="$PWD/python" timeout 240 \
        python3 bench/experiments/backward_vs_sdpa.py --head-dim $d --seqs ${SEQS:-1024,4096,16384} \
        --out "$OUT/backward-hd$d-$arm.json" 2>&1 | tail -8
    done
  done
  ;;
grid)
  FAATTN_LIBRARY=$B/libfaattn_c.so PYTHONPATH="$PWD/python:$PWD/bench" timeout 420 \
    python3 bench/bench_backward.py --out "$OUT/backward-grid.json" 2>&1 | tail -40
  ;;
esac
