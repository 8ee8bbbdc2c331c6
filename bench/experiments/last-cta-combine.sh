#!/usr/bin/env bash
# The last-CTA combine's first GPU run (issue 23 item 2: "the last CTA of a row combines, or a
# cheap combine kernel. Measure which"; faattn-split-kv's last-cta-combine under
# FAATTN_SPLIT_COMBINE=last_cta, templates/common/SplitKVCombine.h), from the repository root
# with the bundle (BUNDLE_PARTS=tools bash tools/bundle.sh); results under $OUT. One call:
#   1. numerics with the last CTA combining: the decode files of the GPU suite at its odd
#      lengths (wgmma: decode-wgmma, decode-packed, decode-varlen; SIMT: decode.fa), CUDA-graph
#      replays with other lengths (--graph: the counters must be back at 0 after each replay),
#      memcheck, racecheck and synccheck of a wgmma, a varlen and a SIMT kernel;
#   2. timing: bench/decode.fa's kernels at issue 23's shapes, graph replays (--bench-graph),
#      the combine kernel (default) and the last CTA (last_cta) interleaved, ROUNDS rounds
#      within TIME_BUDGET seconds; a line "round=R KERNEL b=B s=S grid=US last_cta=US" each.
set -u
. bench/experiments/unpack-bundle.sh
LC="env FAATTN_SPLIT_COMBINE=last_cta"
{
  for f in decode-wgmma decode-packed decode-varlen decode; do
    timeout 300 $LC $RUN --gpu tests/lit/cpu/$f.fa --shape b=1,seq_q=1,seq_kv=1 \
      --shape b=3,seq_q=1,seq_kv=17 \
      --shape b=2,seq_q=$([ $f = decode-packed ] && echo 17 || echo 16),seq_kv=4097 \
      --shape b=1,seq_q=1,seq_kv=131073
    echo "numerics $f exit=$?"
  done
  for k in dec_gqa dec_page16 dec_page1; do
    timeout 200 $LC $RUN --gpu tests/lit/cpu/decode-wgmma.fa --kernel=$k --graph \
      --shape b=3,seq_q=1,seq_kv=4097 --shape b=4,seq_q=16,seq_kv=1000
    echo "graph $k exit=$?"
  done
  for ks in decode-wgmma:dec_gqa decode-varlen:$(grep -o '^kernel [a-z0-9_]*' tests/lit/cpu/decode-varlen.fa | head -1 | cut -d' ' -f2) decode:decode_gqa; do
    for tool in memcheck racecheck synccheck; do
      timeout 200 $LC compute-sanitizer --tool $tool --error-exitcode 3 $RUN --gpu \
        tests/lit/cpu/${ks%%:*}.fa --kernel=${ks##*:} --shape b=3,seq_q=2,seq_kv=3001 | tail -2
      echo "$tool ${ks##*:} exit=${PIPESTATUS[0]}"
    done
  done
} > "$OUT/last-cta-tests.txt" 2>&1
summarize "$OUT/last-cta-tests.txt" last-cta
end=$((SECONDS + ${TIME_BUDGET:-240}))
for round in $(seq ${ROUNDS:-2}); do
  for bs in ${SHAPES:-1:2048 1:131072 8:32768 64:8192}; do
    for k in ${KERNELS:-decode_dense decode_mqa decode_paged16}; do
      [ $SECONDS -lt $end ] || continue
      line="round=$round $k b=${bs%%:*} s=${bs##*:}"
      for arm in grid last_cta; do
        env=""; [ $arm = last_cta ] && env="FAATTN_SPLIT_COMBINE=last_cta"
        out=$(env $env timeout 60 $RUN --gpu bench/decode.fa --kernel=$k --uniform-lengths \
          --shape b=${bs%%:*},seq_q=1,seq_kv=${bs##*:} --bench=20 --bench-graph 2>&1)
        g=$(echo "$out" | grep -o 'graph_median=[0-9.]*' | head -1 | cut -d= -f2)
        sp=$(echo "$out" | grep -o 'splits=[0-9]*' | head -1)
        line="$line $arm=$(python3 -c "print(round(float('${g:-nan}') * 1e3, 1))")us($sp)$(echo "$out" | grep -q FAIL && echo FAIL)"
      done
      echo "$line"
    done
  done
done | tee "$OUT/last-cta-timing.txt"
