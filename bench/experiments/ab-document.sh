#!/usr/bin/env bash
# Same-session A/B of the document kernel between two faattn-run builds (the bundle's
# faattn-run and faattn-run-old, unpacked by tools/gpu-quick.sh into /tmp/faattn-bundle),
# interleaved so that clock and thermal drift fall on both: faattn-run's random documents and
# doc[i] = i (one block a q-tile, found by the scan) at 4k and 16k tokens a row, REPS times,
# then bench/bench.py's document row (the peers' ids, FlexAttention in the same run) once per
# build. Each build has its own kernel cache directory. Lines into $OUT/ab-document.txt.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/faattn-gpu-out}
REPS=${REPS:-3}
export PATH="/tmp/faattn-bundle:/usr/local/cuda/bin:$PATH"
for s in 4096 16384; do
  python3 -c "import struct,sys; n=int(sys.argv[1]); open('/tmp/doc-id-$s','wb').write(struct.pack('<%di' % n, *range(n)))" $s
done
for rep in $(seq "$REPS"); do
  for bin in faattn-run-old faattn-run; do
    for s in 4096 16384; do
      b=$((16384 / s))
      for p in random id; do
        extra=(); [ "$p" = id ] && extra=(--param "doc=/tmp/doc-id-$s")
        FAATTN_CACHE_DIR=/tmp/cache-$bin timeout 60 "$bin" --gpu bench/grid.fa --kernel=document \
          "${extra[@]}" --shape=b=$b,seq_q=$s,seq_kv=$s --bench=20 2>&1 | tail -1 |
          sed "s/^/rep=$rep $bin doc=$p s=$s: /" | tee -a "$OUT/ab-document.txt"
      done
    done
  done
done
for bin in faattn-run-old faattn-run; do
  FAATTN_CACHE_DIR=/tmp/cache-$bin python3 bench/bench.py --faattn-run "/tmp/faattn-bundle/$bin" \
    --out "$OUT/ab-$bin-variants-document.json" --parts variants --specs document 2>&1 |
    grep '"spec"' | sed "s/^/$bin: /" | tee -a "$OUT/ab-document.txt"
done
