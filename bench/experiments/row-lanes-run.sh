#!/usr/bin/env bash
# The GPU calls of PERFORMANCE step 65 (the backward's pre and post grids with a row over up to
# 16 lanes, faattn-tiles-to-gpu's max-row-lanes; FAATTN_BACKWARD_THREAD_PER_ROW=1 maps them a
# thread per row as before). From the repository root, the bundle of tools/bundle.sh in
# bundle/; results under $OUT.
#   bash bench/experiments/row-lanes-run.sh check   # numerics (every backward file, head dims
#                                                   # 48-256, padded), sanitizers, Python on CUDA
#   bash bench/experiments/row-lanes-run.sh bench   # ncu per grid at 1k, both arms; the
#                                                   # backward against SDPA, both arms
set -u
. bench/experiments/unpack-bundle.sh
ROWTHREADS=FAATTN_BACKWARD_THREAD_PER_ROW=1
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
      for k in bwd80 bwd256_det; do
        timeout 60 compute-sanitizer --tool $tool --error-exitcode 3 $RUN --gpu \
          tests/lit/cli/Inputs/backward-head-dims.fa --kernel=$k --shape b=2,seq_q=77,seq_kv=130 | tail -2
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
  # (ALT and NAMES: another comparison's variable and its arms' names, the default's first;
  # NCU=0 skips ncu; DIMS: head dims of the timing, 128 unless given)
  read -r first second <<< "${NAMES:-lanes rowthreads}"
  for arm in $([ "${NCU:-1}" = 1 ] && echo $first $second); do
    vars=FAATTN_NOTHING=1
    [ $arm = $second ] && vars=${ALT:-$ROWTHREADS}
    for c in "" --causal; do
      env $vars FAATTN_LIBRARY=$B/libfaattn_c.so PYTHONPATH="$PWD/python" timeout 200 \
        ncu --metrics gpu__time_duration.sum python3 bench/experiments/backward_kernel_times.py \
        --seq 1024 $c > "$OUT/kernel-times-1024$c-$arm.txt" 2>&1
      echo "== $arm 1024 $c exit=$?"
      grep -E "^  bwdtime.*Context|gpu__time_duration" "$OUT/kernel-times-1024$c-$arm.txt" |
        paste - - | awk '{print $1, $(NF-1), $NF}' | grep bwdtime | tail -3
    done
  done
  for d in ${DIMS:-128}; do
    for arm in $second $first; do
      vars=FAATTN_NOTHING=1
      [ $arm = $second ] && vars=${ALT:-$ROWTHREADS}
      env $vars FAATTN_LIBRARY=$B/libfaattn_c.so PYTHONPATH="$PWD/python" timeout 240 \
        python3 bench/experiments/backward_vs_sdpa.py --head-dim $d --seqs ${SEQS:-1024,4096,16384} \
        --out "$OUT/backward-hd$d-$arm.json" 2>&1 | tail -8
    done
  done
  ;;
esac
