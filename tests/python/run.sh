#!/usr/bin/env bash
# The Python package's tests (pytest), as ctest's `python` entry runs them:
#
#   tests/python/run.sh <libfaattn_c.so> [python]
#
# `python` defaults to $FAATTN_PYTHON, else python3 (tools/dev.sh test passes the venv it
# installs torch and pytest into). Without torch and pytest the test is skipped (exit 77),
# unless FAATTN_REQUIRE_TORCH=1 (tools/dev.sh test sets it: CI must run them).
# FAATTN_TEST_DEVICE=cuda runs them on the GPU (tools/gpu-suite.sh's python part).
set -euo pipefail
lib=$1
py=${2:-${FAATTN_PYTHON:-python3}}
if ! "$py" -c "import torch, pytest" 2>/dev/null; then
  if [ "${FAATTN_REQUIRE_TORCH:-0}" = 1 ]; then
    echo "error: torch and pytest are not installed for $py" >&2
    exit 1
  fi
  echo "skipped: torch and pytest are not installed for $py (bash tools/dev.sh test installs them)"
  exit 77
fi
cd "$(dirname "$0")/../.."
export PYTHONDONTWRITEBYTECODE=1 FAATTN_LIBRARY="$lib" PYTHONPATH="$PWD/python${PYTHONPATH:+:$PYTHONPATH}"
exec "$py" -m pytest -q -p no:cacheprovider tests/python "${@:3}"
