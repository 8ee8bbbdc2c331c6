#!/usr/bin/env bash
# PERFORMANCE step 72's GPU call (from the repository root, the bundle in bundle/; results under
# $OUT): the same faattn-run with LLVM's loop strength reduction (the default) and without
# (FAATTN_EXPERIMENTAL_NO_LSR=1), each in a cache of its own:
#   1. cold compile and first launch (the driver's JIT) of the catalogue kernels whose compile LSR
#      dominates and two it does not, each arm in a fresh cache, COMPILE_ROUNDS rounds alternated,
#      at COMPILE_SHAPE (numerics checked there too);
#   2. (NUMERICS=1) numerics of the no-LSR builds: the catalogue at an odd shape;
#   3. their timing beside the LSR builds at BENCH_SHAPES (B:S, 16k tokens), ROUNDS interleaved
#      rounds (--bench=20), within T3 seconds.
# steps71-72-oneshot.sh runs it lean (one compile round at 2 x 333 x 517, no catalogue, 1 x 16k).
set -u
. bench/experiments/unpack-bundle.sh
KERNELS=${KERNELS:-"alibi:alibi sliding-window:sliding_window softcap:gemma2_local mha:mha causal:causal"}
{ for round in $(seq ${COMPILE_ROUNDS:-2}); do
    for arm in 0 1; do
      rm -rf /tmp/cache-lsr$arm
      for kf in $KERNELS; do
        out=$(FAATTN_EXPERIMENTAL_NO_LSR=$arm timeout 60 $RUN --gpu specs/${kf%%:*}.fa --kernel=${kf##*:} \
          --cache-dir=/tmp/cache-lsr$arm --shape ${COMPILE_SHAPE:-b=1,seq_q=128,seq_kv=128} 2>&1)
        echo "round=$round nolsr=$arm ${kf##*:} $(echo "$out" | grep -o 'compiled.*in [0-9.]* ms' | head -1) $(echo "$out" | grep -o 'rel_l2=[0-9.e-]*' | head -1) $(echo "$out" | grep -o 'first_launch_ms=[0-9.]*' | head -1) $(echo "$out" | grep -o 'PASS\|FAIL' | head -1)"
      done
    done
  done; } | tee "$OUT/no-lsr-compile.txt"
if [ "${NUMERICS:-1}" = 1 ]; then
  for spec in specs/*.fa; do
    [ "$spec" = specs/backward.fa ] && continue
    FAATTN_EXPERIMENTAL_NO_LSR=1 timeout ${T2:-30} $RUN --gpu "$spec" --cache-dir=/tmp/cache-lsr1 \
      --shape b=2,seq_q=333,seq_kv=517
    echo "exit=$? $spec"
  done > "$OUT/no-lsr-tests.txt" 2>&1
  summarize "$OUT/no-lsr-tests.txt" no-lsr
fi
end=$((SECONDS + ${T3:-200}))
for round in $(seq ${ROUNDS:-2}); do
  for kf in $KERNELS; do
    for bs in ${BENCH_SHAPES:-16:1024 1:16384}; do
      line="round=$round ${kf##*:} b=${bs%%:*} s=${bs##*:}"
      for arm in 0 1; do
        [ $SECONDS -lt $end ] || continue
        out=$(FAATTN_EXPERIMENTAL_NO_LSR=$arm timeout 60 $RUN --gpu specs/${kf%%:*}.fa --kernel=${kf##*:} \
          --cache-dir=/tmp/cache-lsr$arm --uniform-lengths --shape b=${bs%%:*},seq_q=${bs##*:},seq_kv=${bs##*:} --bench=20)
        line="$line nolsr$arm=$(echo "$out" | grep -o 'median=[0-9.]*' | head -1 | cut -d= -f2)$(echo "$out" | grep -q FAIL && echo FAIL)"
      done
      echo "$line"
    done
  done
done | tee "$OUT/no-lsr-bench.txt"
