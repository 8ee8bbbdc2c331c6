#!/usr/bin/env bash
# The cells call-2026-12-07g.sh's time budget left out (few output files: the device tool
# returns a limited count): ragged decode at 4 x 131k, 16 x 16k and 64 x 8k (balanced against
# FAATTN_SPLIT_BALANCE=1), and the e4m3 transposition A/B at head dims 256, 128 causal and 64.
set -u
. bench/experiments/unpack-bundle.sh
KERNELS=decode_varlen SHAPES="${SHAPES:-4:131072 16:16384 64:8192}" BENCH=30 \
  timeout ${DECODE_BUDGET:-200} bash bench/experiments/ragged-decode.sh > /dev/null 2>&1
cat "$OUT/ragged-decode.txt"
end=$((SECONDS + ${FP8_BUDGET:-200}))
for kv in f8g256:rotated f8g256:direct f8g128c:rotated f8g128c:direct f8g64:skip f8g256:skip f8g128:rotated f8g128:direct; do
  [ $SECONDS -lt $end ] || continue
  k=${kv%%:*}; mode=${kv#*:}
  out=$(FAATTN_E4M3_TRANSPOSE=$mode timeout 60 $RUN --gpu bench/fp8-grid.fa --kernel=$k --uniform-lengths \
    --shape b=1,seq_q=16384,seq_kv=16384 --bench=20 --cache-dir=/tmp/faattn-ab-cache 2>&1)
  echo "b=1 s=16384 $k $mode=$(echo "$out" | grep -o 'median=[0-9.]*' | head -1 | cut -d= -f2)$(echo "$out" | grep -q FAIL && echo FAIL)"
done | tee "$OUT/fp8-transpose-timing-2.txt"
# The rotated kernel's per-instruction stall samples (SourceCounters), SASS, as CSV.
timeout 100 ncu --section SourceCounters --section WarpStateStats -o /tmp/ncu-src --launch-count 1 -k regex:f8g128 \
  $RUN --gpu bench/fp8-grid.fa --kernel=f8g128 --uniform-lengths --shape b=1,seq_q=4096,seq_kv=4096 > /dev/null 2>&1
ncu -i /tmp/ncu-src.ncu-rep --page source --csv --print-source sass 2> /dev/null | xz > "$OUT/ncu-f8g128-rotated-sass.csv.xz"
ls -la "$OUT"
