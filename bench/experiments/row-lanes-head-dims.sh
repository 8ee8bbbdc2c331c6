#!/usr/bin/env bash
# PERFORMANCE step 65 at head dims 64 and 256: the backward against SDPA with the pre and post
# grids a thread per row (FAATTN_BACKWARD_THREAD_PER_ROW=1) and over row lanes, one call.
# From the repository root with the bundle in bundle/; writes under $OUT.
set -u
. bench/experiments/unpack-bundle.sh > /dev/null
for d in 64 256; do
  for arm in rowthreads lanes; do
    vars=FAATTN_NOTHING=1
    [ $arm = rowthreads ] && vars=FAATTN_BACKWARD_THREAD_PER_ROW=1
    env $vars FAATTN_LIBRARY=$B/libfaattn_c.so PYTHONPATH="$PWD/python" timeout 200 \
      python3 bench/experiments/backward_vs_sdpa.py --head-dim $d --seqs 1024,16384 \
      --out "$OUT/backward-hd$d-$arm.json" 2>&1 | tail -1
  done
done
