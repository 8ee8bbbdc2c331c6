#!/usr/bin/env bash
# The GPU call for PERFORMANCE step 63 (the dQ accumulator zeroed by the runtime's memset, not
# the pre grid): every backward spec's numerics and the sanitizers (dq-bulk-run.sh's
# check-backward), the per-grid times again (backward-kernel-times.sh at 1k) and the backward
# against SDPA at head dim 128. From the repository root with the bundle in bundle/.
set -u
bash bench/experiments/dq-bulk-run.sh check-backward 2>&1 | tail -12
SEQS=1024 bash bench/experiments/backward-kernel-times.sh 2>&1 | tail -4
. bench/experiments/unpack-bundle.sh > /dev/null
for f in "$OUT"/kernel-times-1024*.txt; do
  echo "## $(basename "$f")"
  grep -E "^  bwdtime.*Context|gpu__time_duration" "$f" | paste - - | awk '{print $1, $(NF-1), $NF}' | grep bwdtime
done
FAATTN_LIBRARY=$B/libfaattn_c.so PYTHONPATH="$PWD/python" timeout 200 \
  python3 bench/experiments/backward_vs_sdpa.py --seqs ${SEQS:-1024,16384} --out "$OUT/backward-hd128.json" 2>&1 | tail -6
