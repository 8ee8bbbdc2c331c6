#!/usr/bin/env bash
# Every forward/decode spec of the catalogue to PTX, assembled by ptxas for its target
# (-arch=sm_90a or sm_80). Runs on CPU machines: ptxas is in /usr/local/cuda/bin there.
# usage: ptx-specs.sh <faattn-compile> <specs-dir> <work-dir> [more spec files...]
set -euo pipefail
compile=$1 specs=$2 work=$3
shift 3
export PATH="$PATH:/usr/local/cuda/bin"
if ! command -v ptxas >/dev/null; then
  echo "ptxas not found (expected in /usr/local/cuda/bin)"
  exit 1
fi
rm -rf "$work" && mkdir -p "$work"
"$compile" --emit=ptx "$specs"/*.fa "$@" -o "$work"
n=0
for json in "$work"/*.json; do
  name=$(basename "$json" .json)
  arch=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['target'])" "$json")
  ptxas -arch="$arch" -o "$work/$name.check.cubin" "$work/$name.ptx" 2> "$work/$name.ptxas.txt"
  grep -q "^\.target $arch" "$work/$name.ptx"
  # setmaxnreg that ptxas ignores (C7508) or wgmma it serializes (C7510, C7520) is a
  # silent loss of what the compiler meant: fail.
  if grep -E "C7508|C7510|C7520" "$work/$name.ptxas.txt"; then
    echo "ptxas dropped or serialized what $name asks for"
    exit 1
  fi
  n=$((n + 1))
done
echo "$n kernels assembled by ptxas"
[ "$n" -gt 0 ]
