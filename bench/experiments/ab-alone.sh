#!/usr/bin/env bash
# Same-session A/B of tuning keys, faattn alone (no peers: the ratios to the peers come from a
# bench/bench.py run): every kernel of bench/grid.fa as it is ("default") and with each
# variant's keys added to every kernel, timed by faattn-run --bench at 16k tokens per row
# (batch * seq = 16384), the variants interleaved per row so that clock drift falls on all.
#
#   VARIANTS="s3=stages = 3|l2=tile_order = l2_sections" KERNELS="g128 g128c" SEQS="16384 4096" \
#     bash bench/experiments/ab-alone.sh
#
# VARIANTS: NAME=KEYS entries separated by '|' (KEYS: statements joined by ';'). Lines
# "NAME KERNEL s=SEQ: <faattn-run's line>" into $OUT/ab-alone.txt. Needs the bundle unpacked
# (tools/gpu-quick.sh none).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/faattn-gpu-out}
RUN=/tmp/faattn-bundle/faattn-run
mkdir -p "$OUT"
[ -x "$RUN" ] || { echo "no $RUN: unpack the bundle first (tools/gpu-quick.sh none)" >&2; exit 2; }
IFS='|' read -r -a entries <<< "${VARIANTS:?NAME=KEYS|...}"
names=(default)
for entry in "${entries[@]}"; do
  name=${entry%%=*} key=${entry#*=}
  python3 tools/spec-with-key.py "$key" bench/grid.fa "/tmp/grid-$name.fa" || exit 2
  names+=("$name")
done
for k in ${KERNELS:-g128 g256 g64 g128c g256c g64c window1024 alibi softcap document}; do
  for s in ${SEQS:-16384 4096 1024}; do
    for name in "${names[@]}"; do
      spec=bench/grid.fa; [ "$name" = default ] || spec=/tmp/grid-$name.fa
      FAATTN_CACHE_DIR=/tmp/cache-alone-$name timeout 60 "$RUN" --gpu "$spec" --kernel="$k" \
        --shape=b=$((16384 / s)),seq_q=$s,seq_kv=$s --bench=${ITERS:-20} --uniform-lengths 2>&1 |
        tail -1 | sed "s/^/$name $k s=$s: /" | tee -a "$OUT/ab-alone.txt"
    done
  done
done
