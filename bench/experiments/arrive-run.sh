#!/usr/bin/env bash
# The GPU calls of PERFORMANCE step 66 (dQ's A fragments packed before the wgmma fence: no
# C7519 warpgroup.arrive). From the repository root, the bundle of tools/bundle.sh in bundle/
# and the previous bundle's library (1628db4, step 65) in bundle/prev/; results under $OUT.
#   bash bench/experiments/arrive-run.sh check   # every backward spec, sanitizers (new bundle)
#   bash bench/experiments/arrive-run.sh bench   # backward_vs_sdpa.py with each library, twice,
#                                                # alternating (bundle/lib and bundle/prev only)
set -u
case ${1:-check} in
check)
  bash bench/experiments/dq-bulk-run.sh check-backward 2>&1 | tail -14
  ;;
bench)
  export OUT=${OUT:-/tmp/faattn-gpu-out}
  mkdir -p "$OUT" /tmp/faattn-new /tmp/faattn-prev
  nvidia-smi -L | tee "$OUT/device.txt"
  xz -dc bundle/lib/libfaattn_c.so.xz > /tmp/faattn-new/libfaattn_c.so
  xz -dc bundle/prev/libfaattn_c.so.xz > /tmp/faattn-prev/libfaattn_c.so
  for round in 1 2; do
    for arm in prev new; do
      commit=$(cat bundle/COMMIT)
      [ $arm = prev ] && commit=1628db4
      FAATTN_SOURCE_COMMIT=$commit FAATTN_LIBRARY=/tmp/faattn-$arm/libfaattn_c.so \
        PYTHONPATH="$PWD/python" timeout 200 \
        python3 bench/experiments/backward_vs_sdpa.py --seqs ${SEQS:-1024,4096,16384} \
        --out "$OUT/backward-hd128-$arm-$round.json" 2>&1 | tail -1
    done
  done
  ;;
esac
