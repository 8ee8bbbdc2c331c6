#!/usr/bin/env bash
# Same-session A/B of `grid = persistent` (PERFORMANCE.md step 16): bench/bench.py's rows with
# bench/grid.fa as it is and with every kernel of it persistent (the same kernels, names and
# peers), interleaved by part so that clock drift falls on both. PARTS (default "variants")
# picks bench.py's parts, SPECS (default all) its rows. JSON into $OUT/ab-{default,persistent}-<part>.json, the rows' lines
# into $OUT/ab-persistent.txt. Needs the bundle unpacked (tools/gpu-quick.sh none).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/faattn-gpu-out}
RUN=/tmp/faattn-bundle/faattn-run
python3 - <<'PY'
import re
text = open("bench/grid.fa").read()
# Each kernel's closing brace (the last '}' before the next kernel or the end) gets the key.
out = re.sub(r"\}(\s*(?:#[^\n]*\n\s*)*(?=kernel|\Z))", r"; grid = persistent }\1", text)
assert out.count("grid = persistent") == text.count("kernel "), "one key per kernel"
open("/tmp/grid-persistent.fa", "w").write(out)
PY
for part in ${PARTS:-variants}; do
  for variant in default persistent; do
    spec=bench/grid.fa; [ "$variant" = persistent ] && spec=/tmp/grid-persistent.fa
    FAATTN_CACHE_DIR=/tmp/cache-ab-$variant timeout 290 python3 bench/bench.py --faattn-run "$RUN" \
      --faattn-spec "$spec" --parts "$part" --specs "${SPECS:-}" --out "$OUT/ab-$variant-$part.json" 2>&1 |
      grep '"spec"' | sed "s/^/$variant $part: /" | tee -a "$OUT/ab-persistent.txt"
  done
done
