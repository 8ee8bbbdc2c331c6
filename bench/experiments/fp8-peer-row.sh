#!/usr/bin/env bash
# One row of bench/bench.py's fp8 part with the cuDNN FP8 peer (from the repository root, the
# bundle in bundle/, the cudnn-frontend wheel carried in .whl/: docs/FP8.md "The cuDNN peer";
# results under $OUT): FP8_SPECS picks the rows (default f8g128: head dim 128, not causal),
# FP8_SEQS the lengths (default 16384).
set -u
. bench/experiments/unpack-bundle.sh
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .whl/*.whl \
  || echo "cudnn-frontend wheel not installed"
PYTHONPATH=/tmp/site:bench${PYTHONPATH:+:$PYTHONPATH} python3 bench/bench.py --faattn-run "$RUN" \
  --out "$OUT/bench-fp8-peer.json" --parts fp8 --specs "${FP8_SPECS:-g128}" --fp8-seqs "${FP8_SEQS:-16384}" 2>&1 | tail -4
