#!/usr/bin/env bash
# faattn's one entry point for a fresh Debian 12 machine (run as root, or with sudo).
#
#   bash tools/dev.sh specs   install what is missing, build, compile every spec in specs/
#   bash tools/dev.sh test    install what is missing, build, run the whole test suite
#   bash tools/dev.sh build   install what is missing, build
#
# Environment: BUILD_DIR (default build), FAATTN_FUZZ_SECONDS (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

PACKAGES=(cmake ninja-build ccache clang-22 libclang-rt-22-dev
          libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools libzstd-dev
          nlohmann-json3-dev libgtest-dev python3 python3-venv)

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
  install_deps
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      -DFAATTN_FUZZ_SECONDS="${FAATTN_FUZZ_SECONDS:-60}"
  fi
  cmake --build "$BUILD_DIR"
}

# The Python package's test dependencies in $BUILD_DIR/venv (ctest's `python` entry uses it):
# torch and pytest from PyPI, then the package itself (pip install . copies the built library).
python_deps() {
  local venv="$BUILD_DIR/venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -c "import torch, pytest" 2>/dev/null ||
    "$venv/bin/pip" install -q --progress-bar off torch pytest numpy
  BUILD_DIR="$BUILD_DIR" "$venv/bin/pip" install -q --no-deps --force-reinstall .
}

case "${1:-}" in
  deps) install_deps ;;
  build) build ;;
  specs)
    build
    "$BUILD_DIR/bin/faattn-compile" specs/*.fa
    ;;
  test)
    build
    python_deps
    FAATTN_REQUIRE_TORCH=1 ctest --test-dir "$BUILD_DIR" --output-on-failure
    ;;
  *)
    echo "usage: bash tools/dev.sh specs|test|build|deps" >&2
    exit 2
    ;;
esac
