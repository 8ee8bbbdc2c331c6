#!/usr/bin/env bash
# Runs the spec-parser fuzzer for a fixed time, seeded with specs/.
# usage: run.sh <fuzzer> <seed-dir> <work-dir> <seconds> [<more seed dirs>...]
# (tests/fuzz/hostile, the generated hostile inputs, is one: gen-hostile.py)
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
shift 4
mkdir -p "$work/corpus"
# The first corpus directory receives new inputs; the seeds stay untouched.
exec "$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/" "$work/corpus" "$seeds" "$@"
