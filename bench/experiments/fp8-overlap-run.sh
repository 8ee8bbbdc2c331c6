#!/usr/bin/env bash
# PERFORMANCE step 74's GPU call (from the repository root, the bundle in bundle/; results under
# $OUT), not run yet: the experimental e4m3 rotated loops (FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1)
# at odd shapes with memcheck and racecheck, then their A/B against the default cooperative
# kernels (bench/fp8-grid.fa) at issue 24's grid, interleaved (--bench=N medians, ROUNDS
# rounds, within TIME_BUDGET seconds), then ncu's tensor pipe and local loads of one cell.
set -u
. bench/experiments/unpack-bundle.sh
export FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1
T=tests/lit/cpu/fp8-overlap.fa
{ timeout ${N1:-200} $RUN --gpu $T --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=100,seq_kv=77 \
    --shape b=1,seq_q=1000,seq_kv=4097 --shape b=3,seq_q=513,seq_kv=300
  echo "exit=$? $T"
  sanitize_kernels $T b=2,seq_q=300,seq_kv=517 ${SAN:-40} f8o128c f8o256
} > "$OUT/fp8-overlap-tests.txt" 2>&1
summarize "$OUT/fp8-overlap-tests.txt" fp8-overlap
grep -E "exit=" "$OUT/fp8-overlap-tests.txt" | tr '\n' ' '; echo
ab_time "$OUT/fp8-overlap-timing.txt" "f8g128 f8g64 f8g256 f8g128c f8g64c f8g256c" bench/fp8-grid.fa:coop bench/experiments/fp8-overlap.fa:overlap
timeout 120 ncu --metrics sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active,sm__inst_executed_pipe_xu.avg.pct_of_peak_sustained_active,smsp__inst_executed_op_local_ld.sum,smsp__inst_executed_op_local_st.sum \
  --launch-count 1 -k regex:f8g128 $RUN --gpu bench/experiments/fp8-overlap.fa --kernel=f8g128 --uniform-lengths \
  --shape b=1,seq_q=4096,seq_kv=4096 > "$OUT/ncu-f8g128-overlap.txt" 2>&1
grep -E "sm__|smsp__" "$OUT/ncu-f8g128-overlap.txt"
