#!/usr/bin/env bash
# A fast GPU check for one tuning step (the full run is tools/gpu-suite.sh): unpacks the bundle,
# runs every catalogue spec at odd shapes (each command under a time limit, so that a hung kernel
# costs a minute, not the session), then times faattn alone on the Hopper issue's grid
# (bench/grid.fa at 16k tokens). Writes $OUT/quick-tests.txt and $OUT/quick-bench.txt.
#
#   bash tools/gpu-quick.sh [tests] [bench]
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/faattn-gpu-out}
mkdir -p "$OUT" /tmp/faattn-bundle
for xz in bundle/bin/*.xz; do
  xz -dc "$xz" > "/tmp/faattn-bundle/$(basename "${xz%.xz}")"
done
chmod +x /tmp/faattn-bundle/*
export PATH="/tmp/faattn-bundle:/usr/local/cuda/bin:$PATH"
PARTS=" ${*:-tests bench} "
status=0
if [[ "$PARTS" == *" tests "* ]]; then
  for spec in specs/*.fa; do
    timeout 120 faattn-run --gpu "$spec" --shape b=1,seq_q=1,seq_kv=1 \
      --shape b=2,seq_q=1000,seq_kv=1000 --shape b=1,seq_q=4097,seq_kv=1000 \
      --shape b=2,seq_q=1000,seq_kv=4097 --shape b=3,seq_q=2,seq_kv=3000 2>&1 | tee -a "$OUT/quick-tests.txt"
    [ "${PIPESTATUS[0]}" -eq 0 ] || { status=1; echo "FAILED or timed out: $spec" | tee -a "$OUT/quick-tests.txt"; }
  done
  echo "passed: $(grep -c ' PASS$' "$OUT/quick-tests.txt")" \
    "failed: $(grep -c -E ' FAIL$|error:|FAILED or timed out' "$OUT/quick-tests.txt")"
fi
if [[ "$PARTS" == *" bench "* ]]; then
  for k in g64 g64c g128 g128c g256 g256c window1024 alibi softcap document; do
    for s in 1024 4096 16384; do
      b=$((16384 / s))
      timeout 60 faattn-run --gpu bench/grid.fa --kernel=$k --shape=b=$b,seq_q=$s,seq_kv=$s \
        --bench=20 --uniform-lengths 2>&1 | tail -1 | sed "s/^/$k s=$s: /" | tee -a "$OUT/quick-bench.txt"
    done
  done
fi
exit $status
