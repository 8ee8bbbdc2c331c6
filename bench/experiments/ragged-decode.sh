#!/usr/bin/env bash
# Ragged-batch decode, balanced splits against the split of each sequence's own blocks (issue
# 23 item 2): bench/decode.fa's varlen and paged kernels at the decode shapes, every sequence at
# the full length (--uniform-lengths) and ragged (faattn-run's default: sequence 0 full,
# sequence 2 empty, the others uniform in [1, max]), CUDA graph replays, each with this
# bundle's faattn-run ("new") and, when bundle/bin/faattn-run-base.xz is there, a base
# bundle's ("base", the commit before the change), else this bundle's with FAATTN_SPLIT_BALANCE=1
# ("bal1": the split of each sequence's own blocks, the form before balancing). The ragged lengths are faattn-run's
# deterministic draw (tools/faattn-run/Placement.cpp), so bench/experiments/ragged_lengths.py
# gives their total keys offline. Only varlen kernels balance (paged K/V: not yet).
set -u
. bench/experiments/unpack-bundle.sh
BINS=("bal1:env FAATTN_SPLIT_BALANCE=1 $RUN" "new:$RUN")
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
