#!/usr/bin/env bash
# Ragged-batch decode, balanced splits against the split of each sequence's own blocks (issue
# 23 item 2): bench/decode.fa's varlen and paged kernels at the decode shapes, every sequence at
# the full length (--uniform-lengths) and ragged (faattn-run's default: sequence 0 full,
# sequence 2 empty, the others uniform in [1, max]), CUDA graph replays, each with this
# bundle's faattn-run ("new") and, when bundle/bin/faattn-run-base.xz is there, a base
# bundle's ("base", the commit before the change), else this bundle's with FAATTN_SPLIT_BALANCE=1
# ("bal1": the split of each sequence's own blocks, the form before balancing). The ragged lengths are faattn-run's
# deterministic draw (tools/faattn-run/Placement.cpp), so bench/experiments/ragged_lengths.py
# gives their total keys offline. Only varlen kernels balance by default. PAGED=1 times paged
# K/V's balancing instead (FAATTN_EXPERIMENTAL_PAGED_BALANCE=1, faattn-split-kv's
# `balance-paged`, built 2026-12-08, not yet GPU-run): "own" each sequence's own blocks over S
# (the default), "pagedbal" balanced; its numerics first (tests/lit/cpu/decode-wgmma.fa's paged
# kernels at ragged odd lengths, memcheck and racecheck of dec_page16).
set -u
. bench/experiments/unpack-bundle.sh
BINS=("bal1:env FAATTN_SPLIT_BALANCE=1 $RUN" "new:$RUN")
if [ "${PAGED:-0}" = 1 ]; then
  BINS=("own:$RUN" "pagedbal:env FAATTN_EXPERIMENTAL_PAGED_BALANCE=1 $RUN")
  : "${KERNELS:=decode_paged16 decode_paged64}"
  {
    for k in dec_page1 dec_page16 dec_page64 dec_page256 dec_page8_spec; do
      FAATTN_EXPERIMENTAL_PAGED_BALANCE=1 timeout 200 $RUN --gpu tests/lit/cpu/decode-wgmma.fa \
        --kernel=$k --shape b=1,seq_q=1,seq_kv=1 --shape b=5,seq_q=1,seq_kv=4097 \
        --shape b=9,seq_q=3,seq_kv=30001 --shape b=2,seq_q=1,seq_kv=131073
      echo "numerics $k exit=$?"
    done
    FAATTN_EXPERIMENTAL_PAGED_BALANCE=1 sanitize_kernels tests/lit/cpu/decode-wgmma.fa \
      b=5,seq_q=1,seq_kv=3001 200 dec_page16
  } > "$OUT/paged-balance-tests.txt" 2>&1
  summarize "$OUT/paged-balance-tests.txt" paged-balance
fi
if [ -f bundle/bin/faattn-run-base.xz ]; then
  [ -f $B/faattn-run-base ] || { xz -dc bundle/bin/faattn-run-base.xz > $B/faattn-run-base; chmod +x $B/faattn-run-base; }
  BINS=("base:$B/faattn-run-base" "new:$RUN")
fi
for k in ${KERNELS:-decode_varlen decode_paged64}; do
  for bs in ${SHAPES:-8:32768 64:8192 4:131072 16:16384 1:2048}; do
    for u in --uniform-lengths ""; do
      for bin in "${BINS[@]}"; do
        out=$(timeout 60 ${bin#*:} --gpu bench/decode.fa --kernel=$k --shape b=${bs%%:*},seq_q=1,seq_kv=${bs##*:} \
          --bench=${BENCH:-50} --bench-graph --cache-dir=/tmp/faattn-ragged-cache $u 2>&1)
        echo "$k b=${bs%%:*} kv=${bs##*:} ${u:-ragged} ${bin%%:*} $(echo "$out" | grep -oE 'splits=\S+|rel_l2=\S+| median=\S+ ms|kv_tbps=\S+|graph_median=\S+ ms|FAIL' | tr '\n' ' ')"
      done
    done
  done
done | tee "$OUT/ragged-decode.txt"
