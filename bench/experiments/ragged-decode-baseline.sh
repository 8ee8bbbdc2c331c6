#!/usr/bin/env bash
# Ragged-batch decode before any balancing (issue 23 item 2): bench/decode.fa's varlen and paged
# kernels at the decode shapes, every sequence at the full length (--uniform-lengths) and ragged
# (faattn-run's default: sequence 0 full, sequence 2 empty, the others uniform in [1, max]), CUDA
# graph replays. The ragged lengths are faattn-run's deterministic draw (tools/faattn-run/
# Placement.cpp), so bench/experiments/ragged_lengths.py gives their total keys offline. If the
# ragged time is near the uniform one while it reads about half the keys, the longest sequence
# bounds the split grid (the same split count for every sequence) and balancing can gain that.
set -u
. bench/experiments/unpack-bundle.sh
for k in decode_varlen decode_paged64; do
  for bs in 8:32768 64:8192 4:131072 16:16384; do
    for u in --uniform-lengths ""; do
      out=$(timeout 60 $RUN --gpu bench/decode.fa --kernel=$k --shape b=${bs%%:*},seq_q=1,seq_kv=${bs##*:} \
        --bench=${BENCH:-50} --bench-graph $u 2>&1)
      echo "$k b=${bs%%:*} kv=${bs##*:} ${u:-ragged} $(echo "$out" | grep -oE 'rel_l2=\S+| median=\S+ ms|kv_tbps=\S+|graph_median=\S+ ms|FAIL' | tr '\n' ' ')"
    done
  done
done | tee "$OUT/ragged-decode-baseline.txt"
