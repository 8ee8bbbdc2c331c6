#!/usr/bin/env bash
# Builds the static bundle that runs on the GPU machine (which has the CUDA driver, ptxas and
# libdevice but no MLIR/LLVM): faattn-run and faattn-quickstart with MLIR and LLVM linked
# statically, stripped and xz-compressed, under bundle/bin (about 40 MB; tools/gpu-suite.sh
# unpacks and runs them from the repository root).
#
#   bash tools/bundle.sh            # -> bundle/bin/faattn-{run,quickstart}.xz
#
# BUNDLE_PARTS (default "tools python") picks what goes in: `tools` the two programs, `python`
# the Python package's library bundle/lib/libfaattn_c.so.xz (the C ABI, MLIR and LLVM linked
# in, about 20 MB) and pytest's wheels in bundle/wheels for tools/gpu-suite.sh's python part
# (the GPU machine has no network). Both parts together are about 58 MB of the 64 MiB the
# device tool carries: BUNDLE_PARTS=python alone for a run of the python part only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/dev.sh deps
BUILD=${STATIC_BUILD_DIR:-build-static}
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 -DFAATTN_STATIC=ON
fi
PARTS=${BUNDLE_PARTS:-tools python}
TOOLS=""
[[ " $PARTS " == *" tools "* ]] && TOOLS="faattn-run faattn-quickstart"
TARGETS="$TOOLS"
[[ " $PARTS " == *" python "* ]] && TARGETS="$TARGETS faattn_c"
cmake --build "$BUILD" --target $TARGETS
# Stripped and xz-compressed: the device tool carries at most 64 MiB.
rm -rf bundle && mkdir -p bundle/bin
for t in $TOOLS; do
  strip -o "bundle/bin/$t" "$BUILD/bin/$t"
  xz -T2 -6 "bundle/bin/$t"
done
if [[ " $PARTS " == *" python "* ]]; then
  mkdir -p bundle/lib bundle/wheels
  strip -o bundle/lib/libfaattn_c.so "$BUILD/lib/libfaattn_c.so"
  xz -T2 -6 bundle/lib/libfaattn_c.so
  # pytest and its dependencies as wheels, for a GPU machine without pytest.
  python3 -m pip download -q --only-binary=:all: -d bundle/wheels pytest ||
    echo "warning: pytest's wheels not downloaded; the GPU machine must have pytest" >&2
fi
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
du -sh bundle bundle/bin/* bundle/lib/* 2>/dev/null
