#!/usr/bin/env bash
# GPU call 1 of the fourth sitting of 2026-12-07 (from the repository root, the bundle in
# bundle/; results under $OUT):
# 1. PERFORMANCE step 75's balanced varlen decode in its final form (016735a's share rule,
#    59ba839's idle splits storing nothing): GPU numerics at ragged shapes with an empty
#    sequence, memcheck and racecheck, then ragged / uniform graph replays against the same
#    bundle with FAATTN_SPLIT_BALANCE=1 (the per-sequence split from before balancing).
# 2. Issue 24: where the e4m3 cooperative kernel's time goes. Three ring stages against two
#    (bench/experiments/fp8-stages.fa, interleaved), and ncu on f8g128 (1 x 4k): the tensor
#    pipe, shared-memory wavefronts and bank conflicts of loads and stores, warp stalls, and
#    the per-instruction stall samples (SourceCounters) exported as CSV.
set -u
. bench/experiments/unpack-bundle.sh
T=tests/lit/cpu/decode-varlen.fa
{ timeout ${N1:-150} $RUN --gpu $T --shape b=1,seq_q=1,seq_kv=1 --shape b=3,seq_q=5,seq_kv=777 \
    --shape b=4,seq_q=16,seq_kv=3001 --shape b=9,seq_q=2,seq_kv=4097 --shape b=5,seq_q=3,seq_kv=65537
  echo "exit=$? $T"
  timeout 60 $RUN --gpu $T --shape b=3,seq_q=5,seq_kv=777 --uniform-lengths; echo "exit=$? uniform"
  sanitize_kernels $T b=9,seq_q=2,seq_kv=2049 ${SAN:-30} vdecode_gqa
} > "$OUT/balanced-decode-tests.txt" 2>&1
summarize "$OUT/balanced-decode-tests.txt" balanced-decode
grep -E "exit=" "$OUT/balanced-decode-tests.txt" | tr '\n' ' '; echo
KERNELS=decode_varlen SHAPES="${SHAPES:-8:32768 4:131072 16:16384 64:8192 1:2048}" BENCH=30 \
  bash bench/experiments/ragged-decode.sh
# 2. FP8: numerics of the three-stage kernels at one odd shape, then the timing.
timeout 90 $RUN --gpu bench/experiments/fp8-stages.fa --shape b=1,seq_q=1000,seq_kv=4097 \
  > "$OUT/fp8-stages-tests.txt" 2>&1; echo "exit=$?" >> "$OUT/fp8-stages-tests.txt"
summarize "$OUT/fp8-stages-tests.txt" fp8-stages
TIME_BUDGET=${FP8_BUDGET:-150} ROUNDS=2 BENCH=20 SHAPES="1:16384" ab_time "$OUT/fp8-stages-timing.txt" \
  "f8g128 f8g64 f8g256 f8g128c" bench/fp8-grid.fa:two bench/experiments/fp8-stages.fa:three
M=sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active,sm__inst_executed_pipe_xu.avg.pct_of_peak_sustained_active
M=$M,l1tex__data_pipe_lsu_wavefronts_mem_shared_op_ld.sum,l1tex__data_pipe_lsu_wavefronts_mem_shared_op_st.sum
M=$M,l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_ld.sum,l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_st.sum
M=$M,smsp__inst_executed_op_shared_ld.sum,smsp__inst_executed_op_shared_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum
timeout 150 ncu --metrics $M --section WarpStateStats --section SourceCounters -o "$OUT/ncu-f8g128" \
  --launch-count 1 -k regex:f8g128 $RUN --gpu bench/fp8-grid.fa --kernel=f8g128 --uniform-lengths \
  --shape b=1,seq_q=4096,seq_kv=4096 > "$OUT/ncu-f8g128-log.txt" 2>&1
ncu -i "$OUT/ncu-f8g128.ncu-rep" --print-details all > "$OUT/ncu-f8g128.txt" 2>&1
ncu -i "$OUT/ncu-f8g128.ncu-rep" --page source --csv --print-source sass 2> /dev/null | xz > "$OUT/ncu-f8g128-sass.csv.xz"
grep -E "sm__|l1tex__|smsp__inst|gpu__time|Stall|stall" "$OUT/ncu-f8g128.txt" | head -40
