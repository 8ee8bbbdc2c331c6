#!/usr/bin/env bash
# Same-session A/B of one tuning key (PERFORMANCE.md steps 16, 17): bench/bench.py's rows with
# bench/grid.fa as it is and with KEY (default "grid = persistent") added to every kernel of it
# (the same kernels, names and peers), interleaved by part so that clock drift falls on both.
# NAME (default: the key's value) names the variant, PARTS (default "variants") picks
# bench.py's parts, SPECS (default all) its rows. JSON into $OUT/ab-{default,NAME}-<part>.json,
# the rows' lines into $OUT/ab-NAME.txt. Needs the bundle unpacked (tools/gpu-quick.sh none).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/faattn-gpu-out}
RUN=/tmp/faattn-bundle/faattn-run
KEY=${KEY:-grid = persistent}
NAME=${NAME:-$(echo "${KEY#*=}" | tr -d ' ')}
python3 tools/spec-with-key.py "$KEY" bench/grid.fa "/tmp/grid-$NAME.fa" || exit 2
for part in ${PARTS:-variants}; do
  for variant in default "$NAME"; do
    spec=bench/grid.fa; [ "$variant" = default ] || spec=/tmp/grid-$NAME.fa
    FAATTN_CACHE_DIR=/tmp/cache-ab-$variant timeout 290 python3 bench/bench.py --faattn-run "$RUN" \
      --faattn-spec "$spec" --parts "$part" --specs "${SPECS:-}" --out "$OUT/ab-$variant-$part.json" 2>&1 |
      grep '"spec"' | sed "s/^/$variant $part: /" | tee -a "$OUT/ab-$NAME.txt"
  done
done
