#!/usr/bin/env bash
# PERFORMANCE step 66's forward A/B in one call: the previous library (bundle/prev, 1628db4) and
# the new one (bundle/lib) alternating, twice, at 16k tokens (head dims 128 and 256), SDPA in
# each run. From the repository root; results under $OUT.
set -u
export OUT=${OUT:-/tmp/faattn-gpu-out}
mkdir -p "$OUT" /tmp/faattn-prev /tmp/faattn-new
nvidia-smi -L | tee "$OUT/device.txt"
xz -dc bundle/prev/libfaattn_c.so.xz > /tmp/faattn-prev/libfaattn_c.so
xz -dc bundle/lib/libfaattn_c.so.xz > /tmp/faattn-new/libfaattn_c.so
for round in 1 2; do
  for arm in prev new; do
    commit=$(cat bundle/COMMIT)
    [ $arm = prev ] && commit=1628db4
    FAATTN_SOURCE_COMMIT=$commit FAATTN_LIBRARY=/tmp/faattn-$arm/libfaattn_c.so \
      PYTHONPATH="$PWD/python" timeout 120 python3 bench/experiments/forward_vs_sdpa.py \
      --head-dims 128,256 --seqs 16384 --reps 50 --out "$OUT/forward-ab-$arm-$round.json" > /dev/null 2>&1
    echo "$arm $round exit=$?"
  done
done
