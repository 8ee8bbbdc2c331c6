#!/usr/bin/env bash
# GPU call of the fourth sitting of 2026-12-07 (from the repository root, the bundle in
# bundle/; results under $OUT). (A first form of it never got a device.)
# 1. PERFORMANCE step 75's balanced varlen decode in its final form (016735a's share rule,
#    59ba839's idle splits storing nothing): GPU numerics at ragged shapes with an empty
#    sequence, memcheck and racecheck, then ragged / uniform graph replays against the same
#    bundle with FAATTN_SPLIT_BALANCE=1 (the per-sequence split from before balancing).
# 2. PERFORMANCE step 76, issue 24: e4m3 V's transposition with its row stores rotated (no bank
#    conflicts; the new default): GPU numerics of every kernel of tests/lit/cpu/fp8-wgmma.fa at
#    odd shapes, memcheck and racecheck; then at 16k the grid's e4m3 kernels with the rotated
#    transposition, the direct one (FAATTN_E4M3_TRANSPOSE=direct, as before), none
#    (FAATTN_E4M3_TRANSPOSE=skip: timing only, wrong results) and three ring stages
#    (bench/experiments/fp8-stages.fa), interleaved; ncu of f8g128 rotated and direct.
set -u
. bench/experiments/unpack-bundle.sh
T=tests/lit/cpu/decode-varlen.fa
{ timeout ${N1:-120} $RUN --gpu $T --shape b=1,seq_q=1,seq_kv=1 --shape b=3,seq_q=5,seq_kv=777 \
    --shape b=4,seq_q=16,seq_kv=3001 --shape b=9,seq_q=2,seq_kv=4097 --shape b=5,seq_q=3,seq_kv=65537
  echo "exit=$? $T"
  timeout 40 $RUN --gpu $T --shape b=3,seq_q=5,seq_kv=777 --uniform-lengths; echo "exit=$? uniform"
  sanitize_kernels $T b=9,seq_q=2,seq_kv=2049 ${SAN:-25} vdecode_gqa
} > "$OUT/balanced-decode-tests.txt" 2>&1
summarize "$OUT/balanced-decode-tests.txt" balanced-decode
grep -E "exit=" "$OUT/balanced-decode-tests.txt" | tr '\n' ' '; echo
KERNELS=decode_varlen SHAPES="${SHAPES:-8:32768 4:131072 16:16384 64:8192}" BENCH=30 \
  timeout ${DECODE_BUDGET:-150} bash bench/experiments/ragged-decode.sh
# 2. FP8.
F=tests/lit/cpu/fp8-wgmma.fa
{ timeout ${N2:-100} $RUN --gpu $F --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=100,seq_kv=77 \
    --shape b=1,seq_q=1000,seq_kv=4097
  echo "exit=$? $F"
  timeout 60 $RUN --gpu bench/experiments/fp8-stages.fa --kernel=f8g128 --shape b=1,seq_q=1000,seq_kv=4097
  echo "exit=$? stages"
  sanitize_kernels $F b=2,seq_q=300,seq_kv=517 ${SAN:-25} f8_coop
} > "$OUT/fp8-transpose-tests.txt" 2>&1
summarize "$OUT/fp8-transpose-tests.txt" fp8-transpose
grep -E "exit=" "$OUT/fp8-transpose-tests.txt" | tr '\n' ' '; echo
end=$((SECONDS + ${FP8_BUDGET:-170}))
for k in f8g128 f8g64 f8g256 f8g128c; do
  line="b=1 s=16384 $k"
  for v in rotated:bench/fp8-grid.fa direct:bench/fp8-grid.fa skip:bench/fp8-grid.fa rotated3:bench/experiments/fp8-stages.fa; do
    [ $SECONDS -lt $end ] || continue
    mode=${v%%:*}; mode=${mode%3}
    out=$(FAATTN_E4M3_TRANSPOSE=$mode timeout 60 $RUN --gpu ${v#*:} --kernel=$k --uniform-lengths \
      --shape b=1,seq_q=16384,seq_kv=16384 --bench=20 --cache-dir=/tmp/faattn-ab-cache 2>&1)
    line="$line ${v%%:*}=$(echo "$out" | grep -o 'median=[0-9.]*' | head -1 | cut -d= -f2)$(echo "$out" | grep -q FAIL && echo FAIL)"
  done
  echo "$line"
done | tee "$OUT/fp8-transpose-timing.txt"
M=sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active,sm__inst_executed_pipe_xu.avg.pct_of_peak_sustained_active
M=$M,l1tex__data_pipe_lsu_wavefronts_mem_shared_op_ld.sum,l1tex__data_pipe_lsu_wavefronts_mem_shared_op_st.sum
M=$M,l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_ld.sum,l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_st.sum
M=$M,smsp__inst_executed_op_shared_ld.sum,smsp__inst_executed_op_shared_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum
for mode in rotated direct; do
  sections=""
  [ $mode = rotated ] && sections="--section WarpStateStats --section SourceCounters"
  FAATTN_E4M3_TRANSPOSE=$mode timeout 100 ncu --metrics $M $sections -o "$OUT/ncu-f8g128-$mode" \
    --launch-count 1 -k regex:f8g128 $RUN --gpu bench/fp8-grid.fa --kernel=f8g128 --uniform-lengths \
    --shape b=1,seq_q=4096,seq_kv=4096 > "$OUT/ncu-f8g128-$mode-log.txt" 2>&1
  ncu -i "$OUT/ncu-f8g128-$mode.ncu-rep" --print-details all > "$OUT/ncu-f8g128-$mode.txt" 2>&1
  echo "== $mode"; grep -E "sm__|l1tex__|smsp__inst|gpu__time" "$OUT/ncu-f8g128-$mode.txt"
done
ncu -i "$OUT/ncu-f8g128-rotated.ncu-rep" --page source --csv --print-source sass 2> /dev/null | xz > "$OUT/ncu-f8g128-rotated-sass.csv.xz"
grep -iE "stall" "$OUT/ncu-f8g128-rotated.txt" | head -30
