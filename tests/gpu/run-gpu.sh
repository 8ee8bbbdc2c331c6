#!/usr/bin/env bash
# The GPU numerics suite (ctest label gpu): every spec on the GPU at odd shapes against the
# float64 reference. Skipped (exit 77) where there is no CUDA driver or GPU.
# usage: run-gpu.sh <faattn-run> <specs-dir>
set -uo pipefail
run=$1 specs=$2
if ! ldconfig -p 2>/dev/null | grep -q "libcuda.so.1" && [ ! -e /usr/lib/x86_64-linux-gnu/libcuda.so.1 ]; then
  echo "SKIP: no CUDA driver (libcuda.so.1) on this machine; the GPU suite runs on the GPU machine (tools/gpu-suite.sh)"
  exit 77
fi
failed=0
for spec in "$specs"/*.fa; do
  "$run" --gpu "$spec" --shape b=1,seq_q=1,seq_kv=1 --shape b=8,seq_q=1000,seq_kv=1000 \
    --shape b=1,seq_q=4097,seq_kv=4097 --shape b=2,seq_q=1000,seq_kv=4097 || failed=1
done
exit $failed
