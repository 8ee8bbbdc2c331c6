#!/usr/bin/env bash
# Builds the static bundle that runs on the GPU machine (which has the CUDA driver, ptxas and
# libdevice but no MLIR/LLVM): faattn-run and faattn-quickstart with MLIR and LLVM linked
# statically, stripped and xz-compressed, under bundle/bin (about 40 MB; tools/gpu-suite.sh
# unpacks and runs them from the repository root).
#
#   bash tools/bundle.sh            # -> bundle/bin/faattn-{run,quickstart}.xz
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/dev.sh deps
BUILD=${STATIC_BUILD_DIR:-build-static}
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 -DFAATTN_STATIC=ON
fi
TOOLS="faattn-run faattn-quickstart"
cmake --build "$BUILD" --target $TOOLS
# Stripped and xz-compressed: the device tool carries at most 64 MiB.
rm -rf bundle && mkdir -p bundle/bin
for t in $TOOLS; do
  strip -o "bundle/bin/$t" "$BUILD/bin/$t"
  xz -T2 -6 "bundle/bin/$t"
done
# The catalogue's and the benchmark grid's kernels (PTX, cubin, metadata) for the GPU machine's
# SASS and ptxas checks (tools/gpu-quick.sh sass: cuobjdump is there, not here), from the
# development build's faattn-compile when it exists: bundle/kernels.tar.xz, specs/ and grid/.
DEV_COMPILE=${BUILD_DIR:-build}/bin/faattn-compile
if [ -x "$DEV_COMPILE" ]; then
  k=/tmp/faattn-kernels-$$
  rm -rf "$k" && mkdir -p "$k/specs" "$k/grid"
  "$DEV_COMPILE" --emit=ptx -o "$k/specs" specs/*.fa > /dev/null 2>&1 &&
    "$DEV_COMPILE" --emit=ptx -o "$k/grid" bench/grid.fa > /dev/null &&
    tar -C "$k" -cJf bundle/kernels.tar.xz specs grid
  rm -rf "$k"
fi
# The commit the binaries are built from (bench/bench.py records it; git on the GPU machine
# may not see the session's commits), "-dirty" when the tree had uncommitted changes.
{ git rev-parse --short HEAD; git diff --quiet HEAD -- . ':!bench/results' || echo dirty; } | paste -sd- > bundle/COMMIT
du -sh bundle bundle/bin/*
