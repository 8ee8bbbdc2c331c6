#!/usr/bin/env bash
# PERFORMANCE step 79's GPU call (from the repository root; results under $OUT), not run yet:
# the softmax's row maxima and sums as FAATTN_ROW_PARTIALS=N independent chains a row ("new")
# against one chain a row (the default, "base"), in one bundle, interleaved:
# 1. numerics of the partials build: bench/fp8-grid.fa's and bench/grid.fa's kernels at odd
#    shapes, and memcheck / racecheck of f8g128 (the maxima are the same values; the sums round
#    differently, within the kernels' tolerances);
# 2. --bench=20 medians at 1 x 16k, 4 x 4k and 16 x 1k of the e4m3 and bf16 grid kernels;
# 3. ncu of f8g128 under both (tensor pipe, XU, instructions).
set -u
. bench/experiments/unpack-bundle.sh
N=${N:-4}
{ for f in bench/fp8-grid.fa bench/grid.fa; do
    FAATTN_ROW_PARTIALS=$N timeout 200 $RUN --gpu $f --shape b=2,seq_q=100,seq_kv=77 \
      --shape b=1,seq_q=1000,seq_kv=4097
    echo "exit=$? $f"
  done
  FAATTN_ROW_PARTIALS=$N sanitize_kernels bench/fp8-grid.fa b=2,seq_q=300,seq_kv=517 25 f8g128
} > "$OUT/row-partials-tests.txt" 2>&1
summarize "$OUT/row-partials-tests.txt" row-partials
end=$((SECONDS + ${TIME_BUDGET:-300}))
for bs in ${SHAPES:-1:16384 4:4096 16:1024}; do
  for k in ${KERNELS:-f8g128 f8g64 f8g256 f8g128c g128 g64 g256 g128c}; do
    spec=bench/fp8-grid.fa; [[ $k == f8* ]] || spec=bench/grid.fa
    line="b=${bs%%:*} s=${bs##*:} $k"
    for v in base:1 new:$N; do
      [ $SECONDS -lt $end ] || continue
      out=$(FAATTN_ROW_PARTIALS=${v#*:} timeout 60 $RUN --gpu $spec --kernel=$k --uniform-lengths \
        --shape b=${bs%%:*},seq_q=${bs##*:},seq_kv=${bs##*:} --bench=${BENCH:-20} --cache-dir=/tmp/faattn-ab-cache 2>&1)
      line="$line ${v%%:*}=$(echo "$out" | grep -o 'median=[0-9.]*' | head -1 | cut -d= -f2)$(echo "$out" | grep -q FAIL && echo FAIL)"
    done
    echo "$line"
  done
done | tee "$OUT/row-partials-timing.txt"
M=sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active,sm__inst_executed_pipe_xu.avg.pct_of_peak_sustained_active
M=$M,smsp__inst_executed.sum,gpu__time_duration.sum
for v in 1 $N; do
  [ "${NCU:-1}" = 1 ] || continue
  FAATTN_ROW_PARTIALS=$v timeout 60 ncu --metrics $M --launch-count 1 -k regex:f8g128 $RUN --gpu bench/fp8-grid.fa \
    --kernel=f8g128 --uniform-lengths --shape b=1,seq_q=4096,seq_kv=4096 > /tmp/ncu.txt 2>&1
  echo "== FAATTN_ROW_PARTIALS=$v"; grep -E "sm__|smsp__inst|gpu__time" /tmp/ncu.txt
done 2>&1 | tee "$OUT/ncu-row-partials.txt"
