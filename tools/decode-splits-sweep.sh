#!/usr/bin/env bash
# The split-KV cost model against forced split counts (docs/PERFORMANCE.md, steps 32-34), on the
# GPU machine: for each (kernel, shape), faattn-run with the runtime's choice, then with each
# forced count (--splits), graph replays (--bench-graph) at uniform lengths. One line a run:
# forced=<model|N> <kernel> <shape> splits=S ... graph_median=<ms> ... PASS|FAIL.
#
#   OUT=/tmp/out bash tools/decode-splits-sweep.sh [faattn-run]
set -u
R=${1:-/tmp/faattn-bundle/faattn-run}
OUT=${OUT:-/tmp/faattn-sweep}
mkdir -p "$OUT"
W=$OUT/sweep.txt
sweep() { # kernel shape counts...
  local k=$1 shape=$2; shift 2
  for s in model "$@"; do
    local opt=""; [ "$s" = model ] || opt="--splits=$s"
    timeout 60 "$R" --gpu bench/decode.fa --kernel="$k" --shape "$shape" --bench=20 --bench-graph \
      --uniform-lengths $opt 2>&1 | grep -v "^device" | sed "s/^/forced=$s /" | tee -a "$W"
  done
}
sweep decode_mqa b=1,seq_q=1,seq_kv=131072 16 32 64 79 96 128
sweep decode_mqa b=1,seq_q=1,seq_kv=16384 16 32 64 128
sweep decode_mqa b=1,seq_q=1,seq_kv=2048 4 8 16
sweep decode_mqa b=8,seq_q=1,seq_kv=32768 8 14 16 32
sweep decode_dense b=1,seq_q=1,seq_kv=2048 4 8 16
sweep decode_dense b=1,seq_q=1,seq_kv=131072 8 14 16 32
sweep decode_dense b=1,seq_q=1,seq_kv=16384 8 14 16 32
sweep decode_dense b=8,seq_q=1,seq_kv=32768 1 2 4
sweep decode_dense b=64,seq_q=1,seq_kv=8192 1 2
