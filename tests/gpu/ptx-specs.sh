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
# The known spills, per entry function, each with ceilings (bytes of spill stores and of
# spill loads) that may only go down: the tensor-core backward's main entry at head dim 128
# with learnable ALiBi slopes, whose one warpgroup holds dK, dV and the S / dP fragments at
# once beside the slopes' gradient code (docs/BACKWARD.md; two consumer warpgroups, FA3's
# layout, end them). Lower a ceiling when a change lowers the spills; remove the entry when
# they reach 0 (causal_bwd and causal_det_bwd did: PERFORMANCE step 60).
declare -A spill_ceiling=([specs/alibi_bwd:alibi_bwd]="472 622")
# One PTX file (dir, name without .ptx, target, 1 for a backward kernel) through ptxas -v.
check() {
  local dir=$1 name=$2 arch=$3 backward=$4
  ptxas -arch="$arch" -v -o "$dir/$name.check.cubin" "$dir/$name.ptx" 2> "$dir/$name.ptxas.txt"
  grep -q "^\.target $arch" "$dir/$name.ptx"
  # setmaxnreg that ptxas ignores (C7508), wgmma it serializes (C7510, C7520) or a wait it
  # injects before a wgmma result is read (C7517, faattn meant the wait elsewhere) is a
  # silent loss of what the compiler meant: fail. So is, in a backward kernel, a
  # warpgroup.arrive it injects between the wgmmas of a group (C7519: a register of theirs
  # written between them; PERFORMANCE step 66). The forward's P V keeps its (P converted
  # k-step by k-step between the wgmmas): converting it all first measured no gain (step 66).
  if grep -E "C7508|C7510|C7517|C7520" "$dir/$name.ptxas.txt" ||
    { [ "$backward" = 1 ] && grep C7519 "$dir/$name.ptxas.txt"; }; then
    echo "ptxas dropped or serialized what $name asks for"
    exit 1
  fi
  # Spills to local memory (nonzero bytes of spill stores or loads) of any entry fail, but
  # for the entries of spill_ceiling, which may spill up to both their ceilings.
  local entry stores loads key ceiling reported=0
  while read -r entry stores loads; do
    reported=$((reported + 1))
    [ "$stores" -eq 0 ] && [ "$loads" -eq 0 ] && continue
    key="$(basename "$dir")/$name:$entry"
    ceiling=${spill_ceiling[$key]:-}
    if [ -z "$ceiling" ]; then
      echo "$key spills registers ($stores bytes of stores, $loads of loads)"
      exit 1
    fi
    read -r max_stores max_loads <<< "$ceiling"
    if [ "$stores" -gt "$max_stores" ] || [ "$loads" -gt "$max_loads" ]; then
      echo "$key spills $stores / $loads bytes (stores / loads), more than its ceilings $max_stores / $max_loads"
      exit 1
    fi
    echo "$key spills $stores / $loads bytes (stores / loads; known, ceilings $max_stores / $max_loads)"
  done < <(awk '/Function properties for/ { fn = $NF }
                /bytes spill stores/ { print fn, $(NF-7), $(NF-3) }' "$dir/$name.ptxas.txt")
  # ptxas -v reported on every entry of the file (and any device function).
  [ "$reported" -ge "$(grep -c "^\.visible \.entry\|^\.entry" "$dir/$name.ptx")" ] ||
    { echo "$dir/$name: ptxas reported on $reported entries, the PTX has more"; exit 1; }
  n=$((n + 1))
}
# Each kernel and each of its shape-dependent builds (overlap = auto's NAME.kvN.ptx).
builds() {
  python3 -c "
import json, sys
m = json.load(open(sys.argv[1]))
for ptx in [m['ptx']] + [a['ptx'] for a in m.get('alternatives', [])]:
    print(ptx[:-len('.ptx')], m['target'], int(m.get('backward') is not None))" "$1"
}
for json in "$work"/*/*.json; do
  list=$(builds "$json") # a bad JSON fails here (set -e), not by skipping the kernel
  while read -r name arch backward; do
    check "$(dirname "$json")" "$name" "$arch" "$backward"
  done <<< "$list"
done
echo "$n kernels assembled by ptxas, none spilling beyond the known ceilings"
[ "$n" -gt 0 ]
