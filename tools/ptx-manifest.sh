#!/usr/bin/env bash
# The PTX manifest: a SHA-256 per PTX file of every kernel faattn generates from specs/,
# bench/grid.fa and bench/tuning.fa (shape-dependent builds, NAME.kvN.ptx, included), of the FP8
# wgmma's tests/lit/cpu/fp8-wgmma.fa, tests/lit/cpu/fp8-out.fa and bench/fp8-grid.fa (fp8/), and of the
# experimental lowerings' builds of their test kernels (experimental/NAME/), committed
# as tests/ptx-manifest.txt. CI (ctest's ptx-manifest) checks that the compiler still generates
# exactly these files; a change of generated code is then visible in review: the commit that
# makes it updates the manifest and says why.
#
#   tools/ptx-manifest.sh check  [faattn-compile]   differences are listed, exit 1
#   tools/ptx-manifest.sh update [faattn-compile]   rewrites tests/ptx-manifest.txt
#
# faattn-compile defaults to ${BUILD_DIR:-build}/bin/faattn-compile. The hashes are of the
# PTX text as written; they hold for the LLVM/MLIR 22 build of Debian 12 the project uses (the
# manifest's header names the version it was made with: another LLVM may emit other PTX).
set -euo pipefail
# The builds are the environment's defaults: no FAATTN_ variable of the caller's applies (the
# experimental ones below set theirs, one at a time).
for v in $(compgen -e | grep '^FAATTN_' || true); do unset "$v"; done
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-}
compile=${2:-$root/${BUILD_DIR:-build}/bin/faattn-compile}
manifest=$root/tests/ptx-manifest.txt
case "$mode" in
  check | update) ;;
  *)
    echo "usage: tools/ptx-manifest.sh check|update [faattn-compile]" >&2
    exit 2
    ;;
esac
if [ ! -x "$compile" ]; then
  echo "ptx-manifest: no faattn-compile at $compile (build first)" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The catalogue in one compilation (its kernel names are unique there); each benchmark file on
# its own (bench/grid.fa has an alibi of its own).
mkdir -p "$work/specs" "$work/grid" "$work/tuning" "$work/fp8" "$work/backward-dims" "$work/packed" \
  "$work/packed-decode"
"$compile" --emit=ptx -o "$work/specs" "$root"/specs/*.fa > /dev/null
"$compile" --emit=ptx -o "$work/grid" "$root/bench/grid.fa" > /dev/null
"$compile" --emit=ptx -o "$work/tuning" "$root/bench/tuning.fa" > /dev/null
# The FP8 wgmma's kernels: every forward variant in e4m3, and the e4m3 benchmark grid.
"$compile" --emit=ptx -o "$work/fp8" "$root/tests/lit/cpu/fp8-wgmma.fa" "$root/bench/fp8-grid.fa" \
  "$root/tests/lit/cpu/fp8-out.fa" \
  > /dev/null
# The tensor-core backward at the head dims the catalogue lacks (48-112, qk != v, and over 128
# in column chunks).
"$compile" --emit=ptx -o "$work/backward-dims" "$root/tests/lit/cli/Inputs/backward-head-dims.fa" \
  > /dev/null
# Packed sequences (varlen) and paged e4m3 on the TMA pipeline: every variant of the test files.
"$compile" --emit=ptx -o "$work/packed" "$root/tests/lit/cpu/varlen-tma.fa" > /dev/null
"$compile" --emit=ptx -o "$work/packed-decode" "$root/tests/lit/cpu/decode-varlen.fa" > /dev/null
# The experimental lowerings (and the opt-outs of defaults) the environment turns on, each on the kernels that exercise it
# (directory experimental/NAME): their code changes the manifest too, and so the runtime's
# cache key (which holds the manifest's hash), so that no cache keeps an older build of them.
experimental() {
  local name=$1 var=$2 spec=$3
  mkdir -p "$work/experimental/$name"
  env "$var" "$compile" --emit=ptx -o "$work/experimental/$name" "$root/$spec" > /dev/null
}
experimental e4m3-kv FAATTN_EXPERIMENTAL_E4M3_KV=1 tests/lit/cli/Inputs/e4m3-kv.fa
experimental fp8-simt FAATTN_FP8_SIMT=1 specs/fp8-forward.fa
experimental padded FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1 tests/lit/cpu/padded-head-dims.fa
experimental packed-thread-copies FAATTN_PACKED_THREAD_COPIES=1 tests/lit/cpu/varlen-tma.fa
experimental e4m3-overlap FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1 tests/lit/cpu/fp8-overlap.fa
experimental e4m3-transpose-rotated FAATTN_E4M3_TRANSPOSE=rotated bench/fp8-grid.fa
experimental row-partials FAATTN_ROW_PARTIALS=4 bench/fp8-grid.fa
experimental row-partials-mha FAATTN_ROW_PARTIALS=4 specs/mha.fa
experimental no-lsr FAATTN_EXPERIMENTAL_NO_LSR=1 specs/sliding-window.fa
experimental no-lsr-alibi FAATTN_EXPERIMENTAL_NO_LSR=1 specs/alibi.fa
experimental no-lsr-mha FAATTN_EXPERIMENTAL_NO_LSR=1 specs/mha.fa
experimental padded-backward FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1 \
  tests/lit/cpu/padded-head-dims-backward.fa
experimental backward-copy8 "FAATTN_BACKWARD_COPY_REGISTERS=1 FAATTN_EXPERIMENTAL_BACKWARD_COPY_BATCH=8" \
  specs/backward.fa
experimental backward-copyregs FAATTN_BACKWARD_COPY_REGISTERS=1 specs/backward.fa
experimental backward-prefetch FAATTN_EXPERIMENTAL_BACKWARD_COPY_PREFETCH=1 specs/backward.fa
experimental backward-thread-per-row FAATTN_BACKWARD_THREAD_PER_ROW=1 specs/backward.fa
experimental backward-one-warpgroup FAATTN_BACKWARD_ONE_WARPGROUP=1 specs/backward.fa
current=$work/manifest.txt
{
  echo "# PTX of every kernel of specs/, bench/grid.fa, bench/tuning.fa, the e4m3, backward head-dim and packed-sequence files, and of the"
  echo "# experimental lowerings (experimental/; tools/ptx-manifest.sh)."
  echo "# Made with LLVM $(llvm-config-22 --version 2>/dev/null || echo '(llvm-config-22 not found)')"
  (cd "$work" && find specs grid tuning fp8 backward-dims packed packed-decode experimental -name '*.ptx' | LC_ALL=C sort | xargs sha256sum |
     awk '{ print $2, $1 }')
} > "$current"
kernels=$(grep -vc '^#' "$current")
if [ "$kernels" -eq 0 ]; then
  echo "ptx-manifest: faattn-compile wrote no PTX" >&2
  exit 1
fi
if [ "$mode" = update ]; then
  cp "$current" "$manifest"
  echo "ptx-manifest: $kernels PTX files written to tests/ptx-manifest.txt"
  exit 0
fi
if [ ! -f "$manifest" ]; then
  echo "ptx-manifest: tests/ptx-manifest.txt is missing (tools/ptx-manifest.sh update)" >&2
  exit 1
fi
# Compare the hashes only (the header names the tools it was made with).
if ! diff <(grep -v '^#' "$manifest") <(grep -v '^#' "$current") > "$work/diff"; then
  echo "ptx-manifest: generated PTX differs from tests/ptx-manifest.txt"
  echo "('<' the manifest, '>' this build; a deliberate codegen change updates the manifest"
  echo " with tools/ptx-manifest.sh update in the same commit and says why):"
  cat "$work/diff"
  exit 1
fi
echo "ptx-manifest: $kernels PTX files identical to tests/ptx-manifest.txt"
