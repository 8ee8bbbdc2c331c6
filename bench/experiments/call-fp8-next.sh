#!/usr/bin/env bash
# The next GPU sitting's issue 24 calls (from the repository root; results under $OUT), not run
# yet; each PART fits one call of the device tool (under 600 s):
#   PART=ratio   the e4m3 grid kernels against their bf16 twins at 1 x 16k, 4 x 4k and 16 x 1k
#                (issue 24's 1.6x bar, same run; lean is the default since PERFORMANCE step 77)
#   PART=short   bench/experiments/fp8-short-cells.sh (step 78's overlaps and wider tiles at 4k
#                and 1k)
#   PART=parts   bench/experiments/row-partials-ab.sh (step 79)
set -u
case ${PART:-ratio} in
  short) exec bash bench/experiments/fp8-short-cells.sh ;;
  parts) exec bash bench/experiments/row-partials-ab.sh ;;
esac
. bench/experiments/unpack-bundle.sh
end=$((SECONDS + ${TIME_BUDGET:-480}))
for bs in ${SHAPES:-1:16384 4:4096 16:1024}; do
  for pair in f8g128:g128 f8g128c:g128c f8g64:g64 f8g64c:g64c f8g256:g256 f8g256c:g256c; do
    line="b=${bs%%:*} s=${bs##*:}"
    for k in ${pair%%:*} ${pair##*:}; do
      [ $SECONDS -lt $end ] || continue
      spec=bench/fp8-grid.fa; [[ $k == f8* ]] || spec=bench/grid.fa
      out=$(timeout 60 $RUN --gpu $spec --kernel=$k --uniform-lengths \
        --shape b=${bs%%:*},seq_q=${bs##*:},seq_kv=${bs##*:} --bench=${BENCH:-20} 2>&1)
      line="$line $k=$(echo "$out" | grep -o 'median=[0-9.]*' | head -1 | cut -d= -f2)$(echo "$out" | grep -q FAIL && echo FAIL)"
    done
    echo "$line"
  done
done | tee "$OUT/fp8-bf16-ratio.txt"
