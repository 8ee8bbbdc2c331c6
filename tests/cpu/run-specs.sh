#!/usr/bin/env bash
# Runs every spec of the catalogue on the CPU (f32) against the float64 reference at odd
# shapes: seq 1, seq not a multiple of the tile, seq_q != seq_kv both ways, batch > 1.
# usage: run-specs.sh <faattn-run> <specs-dir>
set -uo pipefail
run=$1 specs=$2
failed=0
for spec in "$specs"/*.fa; do
  if ! "$run" --cpu "$spec" \
      --shape b=1,seq_q=1,seq_kv=1 \
      --shape b=2,seq_q=300,seq_kv=517 \
      --shape b=1,seq_q=517,seq_kv=300 \
      --shape b=3,seq_q=129,seq_kv=129; then
    echo "FAILED: $spec"
    failed=1
  fi
done
exit $failed
