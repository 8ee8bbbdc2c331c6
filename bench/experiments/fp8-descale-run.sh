#!/usr/bin/env bash
# The GPU call of PERFORMANCE step 70 (from the repository root, the bundle of tools/bundle.sh in
# bundle/; results under $OUT): bench/experiments/fp8-descale.fa's kernels (e4m3 without
# dequantization factors, and with factors per tensor, per (batch, head) and per block of rows)
# checked at odd shapes, then timed beside each other at 16k tokens (ROUNDS interleaved rounds
# of --bench=N; each line: kernel, shape, median ms).
# With bundle/base/faattn-run.xz (another commit's faattn-run, carried), each timing is also
# taken with it, interleaved: lines `build=base` beside `build=new`.
set -u
. bench/experiments/unpack-bundle.sh
BUILDS="new:$RUN"
if [ -f bundle/base/faattn-run.xz ]; then
  mkdir -p /tmp/faattn-base
  xz -dc bundle/base/faattn-run.xz > /tmp/faattn-base/faattn-run && chmod +x /tmp/faattn-base/faattn-run
  BUILDS="$BUILDS base:/tmp/faattn-base/faattn-run"
  echo "base: $(cat bundle/base/COMMIT 2>/dev/null)"
fi
SPEC=bench/experiments/fp8-descale.fa
[ "${SKIP_TESTS:-0}" = 1 ] || { timeout 200 $RUN --gpu $SPEC --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=100,seq_kv=77 \
    --shape b=1,seq_q=1000,seq_kv=4097
  echo "exit=$? fp8-descale.fa"; } > "$OUT/fp8-descale-tests.txt" 2>&1
[ "${SKIP_TESTS:-0}" = 1 ] || {
  echo "fp8-descale PASS $(grep -c ' PASS' "$OUT/fp8-descale-tests.txt") FAIL $(grep -c FAIL "$OUT/fp8-descale-tests.txt")"
  grep -E "FAIL|exit=|rror" "$OUT/fp8-descale-tests.txt" | head -10; }
for round in $(seq ${ROUNDS:-3}); do
  for k in d128 d128_t d128_h d128_b d128c d128c_h; do
    for bs in ${SHAPES_BS:-1:16384 4:4096}; do
      for build in $BUILDS; do
        out=$(timeout 60 ${build#*:} --gpu $SPEC --cache-dir=/tmp/cache-fp8-descale-${build%%:*} \
          --kernel=$k --shape b=${bs%%:*},seq_q=${bs##*:},seq_kv=${bs##*:} --bench=${BENCH:-30})
        echo "round=$round build=${build%%:*} $k b=${bs%%:*} s=${bs##*:} $(echo "$out" | grep -o 'median=[0-9.]*' | head -1) $(echo "$out" | grep -o 'rel_l2=[0-9.e-]*' | head -1)"
      done
    done
  done
done | tee "$OUT/fp8-descale-bench.txt"
