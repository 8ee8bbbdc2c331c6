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
KEY="$KEY" NAME="$NAME" python3 - <<'PY'
import os, re
key, name = os.environ["KEY"], os.environ["NAME"]
text = open("bench/grid.fa").read()
# Each kernel's closing brace (the last '}' before the next kernel or the end) gets the key.
out = re.sub(r"\}(\s*(?:#[^\n]*\n\s*)*(?=kernel|\Z))", lambda m: "; " + key + " }" + m.group(1), text)
assert out.count(key) == text.count("kernel "), "one key per kernel"
open(f"/tmp/grid-{name}.fa", "w").write(out)
PY
for part in ${PARTS:-variants}; do
  for variant in default "$NAME"; do
    spec=bench/grid.fa; [ "$variant" = default ] || spec=/tmp/grid-$NAME.fa
    FAATTN_CACHE_DIR=/tmp/cache-ab-$variant timeout 290 python3 bench/bench.py --faattn-run "$RUN" \
      --faattn-spec "$spec" --parts "$part" --specs "${SPECS:-}" --out "$OUT/ab-$variant-$part.json" 2>&1 |
      grep '"spec"' | sed "s/^/$variant $part: /" | tee -a "$OUT/ab-$NAME.txt"
  done
done
