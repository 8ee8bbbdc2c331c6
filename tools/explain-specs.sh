#!/usr/bin/env bash
# Writes docs/explain/: faattn-compile --explain for every kernel in specs/
# (forward kernels at b=1, seq_q=seq_kv=4096; decode kernels at seq_q=1,
# seq_kv=4096), <kernel>.explain.svg and .txt each. prefix-LM's prefix
# length is given (1536, so that the picture shows it); the other params are
# random (faattn-run's seeds). Each file says which.
#   bash tools/explain-specs.sh [path/to/faattn-compile] [out-dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
compile="${1:-${BUILD_DIR:-$root/build}/bin/faattn-compile}"
out="${2:-$root/docs/explain}"
decode=() forward=()
for f in "$root"/specs/*.fa; do
  if grep -Eq '^\s*mode\s*=\s*decode' "$f"; then decode+=("$f"); else forward+=("$f"); fi
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf '\x00\x06\x00\x00' > "$tmp/prefix" # int32 1536, little-endian
"$compile" --explain --shape b=1,seq_q=4096,seq_kv=4096 --param prefix="$tmp/prefix" -o "$out" \
  "${forward[@]}"
if ((${#decode[@]})); then
  "$compile" --explain --shape b=1,seq_q=1,seq_kv=4096 -o "$out" "${decode[@]}"
fi
