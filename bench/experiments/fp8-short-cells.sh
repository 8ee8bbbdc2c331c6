#!/usr/bin/env bash
# The cells PERFORMANCE step 78 left unmeasured (from the repository root; results under $OUT),
# not run yet: the e4m3 consumers' schedules and FA3's wider KV tiles at 4 x 4k and 16 x 1k
# (16k tokens), against the cooperative default, so that a default can be chosen for every
# length: coop = bench/fp8-grid.fa, ov = the rotated loops (bench/experiments/fp8-overlap.fa),
# ppov = pingpong over them (bench/experiments/fp8-pingpong-overlap.fa), both under
# FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1; n192 / n224 = bench/experiments/fp8-tiles.fa's f8g128
# tiles. --bench=20 medians, ms, interleaved per cell.
set -u
. bench/experiments/unpack-bundle.sh
export FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1
end=$((SECONDS + ${TIME_BUDGET:-400}))
t() { # LABEL SPEC KERNEL B S
  [ $SECONDS -lt $end ] || { echo -n " $1="; return; }
  local out
  out=$(timeout 60 $RUN --gpu $2 --kernel=$3 --uniform-lengths --shape b=$4,seq_q=$5,seq_kv=$5 \
    --bench=${BENCH:-20} --cache-dir=/tmp/faattn-ab-cache 2>&1)
  echo -n " $1=$(echo "$out" | grep -o 'median=[0-9.]*' | head -1 | cut -d= -f2)$(echo "$out" | grep -q FAIL && echo FAIL)"
}
for bs in ${SHAPES:-4:4096 16:1024}; do
  b=${bs%%:*} s=${bs##*:}
  for k in ${KERNELS:-f8g128 f8g64 f8g256 f8g128c}; do
    echo -n "b=$b s=$s $k"
    t coop bench/fp8-grid.fa $k $b $s
    t ov bench/experiments/fp8-overlap.fa $k $b $s
    t ppov bench/experiments/fp8-pingpong-overlap.fa $k $b $s
    if [ $k = f8g128 ]; then
      t n192 bench/experiments/fp8-tiles.fa f8g128_n192 $b $s
      t n224 bench/experiments/fp8-tiles.fa f8g128_n224 $b $s
    fi
    echo
  done
done | tee "$OUT/fp8-short-cells.txt"
