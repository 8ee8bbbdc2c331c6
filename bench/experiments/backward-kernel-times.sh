#!/usr/bin/env bash
# Where the backward's time goes between its grids at short and long sequences (issue 22: 1k runs
# at 0.21x cuDNN, 16k at 0.30x): ncu's duration of every kernel of two backward calls
# (backward_kernel_times.py; the second call is the one to read), head dim 128, 16 heads, B * S
# = 16k, at SEQS. From the repository root with the bundle in bundle/; writes under $OUT.
set -u
. bench/experiments/unpack-bundle.sh
for s in ${SEQS:-1024 16384}; do
  for c in "" --causal; do
    FAATTN_LIBRARY=$B/libfaattn_c.so PYTHONPATH="$PWD/python" timeout 200 \
      ncu --metrics gpu__time_duration.sum python3 bench/experiments/backward_kernel_times.py --seq $s $c > "$OUT/kernel-times-$s$c.txt" 2>&1
    echo "== seq $s $c exit=$?"
    grep -cE "gpu__time_duration" "$OUT/kernel-times-$s$c.txt"
  done
done
