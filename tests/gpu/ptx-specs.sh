#!/usr/bin/env bash
# Every spec of the catalogue (forward, decode, backward; and each extra spec file: the benchmark and
# tuning kernels) to PTX, assembled by ptxas for its target (-arch=sm_90a or sm_80), with no
# register spills (but the known ones of spill_ceiling, below their ceilings). Runs on CPU machines: ptxas is in /usr/local/cuda/bin there.
# usage: ptx-specs.sh <faattn-compile> <specs-dir> <work-dir> [more spec files...]
set -euo pipefail
compile=$1 specs=$2 work=$3
shift 3
export PATH="$PATH:/usr/local/cuda/bin"
if ! command -v ptxas >/dev/null; then
  echo "ptxas not found (expected in /usr/local/cuda/bin)"
  exit 1
fi
rm -rf "$work" && mkdir -p "$work/specs"
"$compile" --emit=ptx "$specs"/*.fa -o "$work/specs"
# Each extra file on its own: kernel names are unique within a compilation, not across the
# catalogue and the benchmarks (bench/grid.fa has its own alibi).
for extra in "$@"; do
  mkdir -p "$work/$(basename "$extra" .fa)"
  "$compile" --emit=ptx "$extra" -o "$work/$(basename "$extra" .fa)"
done
n=0
# The known spills, each with a ceiling (bytes of spill stores) that may only go down: the
# tensor-core backward at head dim 128, whose one warpgroup holds dK, dV and the S / dP
# fragments at once (docs/BACKWARD.md; two consumer warpgroups, FA3's layout, end them).
# Lower a ceiling when a change lowers the spills; remove the entry when they reach 0.
declare -A spill_ceiling=([specs/causal_bwd]=308 [specs/alibi_bwd]=656)
# One PTX file (dir, name without .ptx, target) through ptxas -v.
check() {
  local dir=$1 name=$2 arch=$3
  ptxas -arch="$arch" -v -o "$dir/$name.check.cubin" "$dir/$name.ptx" 2> "$dir/$name.ptxas.txt"
  grep -q "^\.target $arch" "$dir/$name.ptx"
  # setmaxnreg that ptxas ignores (C7508), wgmma it serializes (C7510, C7520) or a wait it
  # injects before a wgmma result is read (C7517, faattn meant the wait elsewhere) is a
  # silent loss of what the compiler meant: fail.
  if grep -E "C7508|C7510|C7517|C7520" "$dir/$name.ptxas.txt"; then
    echo "ptxas dropped or serialized what $name asks for"
    exit 1
  fi
  # Spills to local memory (any nonzero "bytes spill stores/loads") fail too, but for the
  # kernels of spill_ceiling, which may spill up to their ceiling (bytes of spill stores).
  local key stores
  key="$(basename "$dir")/$name"
  if grep -E "[1-9][0-9]* bytes spill (stores|loads)" "$dir/$name.ptxas.txt"; then
    stores=$(grep -oE "[0-9]+ bytes spill stores" "$dir/$name.ptxas.txt" | sort -n | tail -1 | cut -d' ' -f1)
    if [ -z "$stores" ] || [ -z "${spill_ceiling[$key]:-}" ]; then
      echo "$key spills registers"
      exit 1
    elif [ "$stores" -gt "${spill_ceiling[$key]}" ]; then
      echo "$key spills $stores bytes, more than its ceiling ${spill_ceiling[$key]}"
      exit 1
    fi
    echo "$key spills $stores bytes (known, ceiling ${spill_ceiling[$key]})"
  fi
  grep -q "bytes spill stores" "$dir/$name.ptxas.txt" # ptxas -v reported on it
  n=$((n + 1))
}
# Each kernel and each of its shape-dependent builds (overlap = auto's NAME.kvN.ptx).
builds() {
  python3 -c "
import json, sys
m = json.load(open(sys.argv[1]))
for ptx in [m['ptx']] + [a['ptx'] for a in m.get('alternatives', [])]:
    print(ptx[:-len('.ptx')], m['target'])" "$1"
}
for json in "$work"/*/*.json; do
  list=$(builds "$json") # a bad JSON fails here (set -e), not by skipping the kernel
  while read -r name arch; do
    check "$(dirname "$json")" "$name" "$arch"
  done <<< "$list"
done
echo "$n kernels assembled by ptxas, none spilling beyond the known ceilings"
[ "$n" -gt 0 ]
