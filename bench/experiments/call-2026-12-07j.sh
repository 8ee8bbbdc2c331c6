#!/usr/bin/env bash
# PERFORMANCE step 77's GPU call, and the question steps 73, 74 and 76 left (from the repository
# root; results under $OUT):
# 1. (PART=tests) call-2026-12-07i.sh's numerics and sanitizers of the lean e4m3 transposition (its timing
#    and ncu parts off here: part 2 times them).
# 2. A matrix at 1 x 16k: the transposition (rotated = default, lean, skip = none, a bound with
#    wrong results) x the consumers' schedule (cooperative = bench/fp8-grid.fa, pingpong =
#    bench/experiments/fp8-pingpong.fa, rotated loops = bench/experiments/fp8-overlap.fa under
#    FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1), and FA3's FP8 schedule, both at once
#    (bench/experiments/fp8-pingpong-overlap.fa: a warpgroup's turn issues Q K_j^T and P V_{j-1}
#    together, its softmax under the other's pair). Steps 73 and 74 found neither overlap faster than
#    cooperative with the transposition in place; if they are faster with skip, the producer's
#    transposition is what caps the consumers' overlap.
#    Then (TILES=1) bench/experiments/fp8-tiles.fa's wider KV blocks (FA3's FP8 tiles).
# 3. ncu of f8g128 lean (cooperative) and FA3's schedule (rotated transposition), 1 x 4k: the
#    tensor pipe's share.
# PART=matrix (2 and 3) or PART=tests (1), so that each fits one call.
set -u
if [ "${PART:-matrix}" = tests ]; then
  FP8_BUDGET=0 NCU=0 bash bench/experiments/call-2026-12-07i.sh
  . bench/experiments/unpack-bundle.sh
  # FA3's FP8 schedule (pingpong turns over the rotated loops) under both transpositions.
  for vt in rotated lean; do
    FAATTN_E4M3_TRANSPOSE=$vt FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1 timeout 120 $RUN --gpu \
      bench/experiments/fp8-pingpong-overlap.fa --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=100,seq_kv=77 \
      --shape b=1,seq_q=1000,seq_kv=4097 --shape b=3,seq_q=513,seq_kv=300
    echo "exit=$? ppov $vt"
  done > "$OUT/fp8-ppov-tests.txt" 2>&1
  summarize "$OUT/fp8-ppov-tests.txt" ppov
  FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1 sanitize_kernels bench/experiments/fp8-pingpong-overlap.fa \
    b=2,seq_q=300,seq_kv=517 25 f8g128 2>&1 | tee -a "$OUT/fp8-ppov-tests.txt"
  exit
fi
. bench/experiments/unpack-bundle.sh
# time1 LABEL SPEC KERNEL TRANSPOSE [ENV...]: one --bench median at 1 x 16k ("LABEL=MS", FAIL
# appended where numerics failed; empty past the call's budget).
end=$((SECONDS + ${MATRIX_BUDGET:-420}))
time1() {
  local label=$1 spec=$2 k=$3 vt=$4 out
  shift 4
  [ $SECONDS -lt $end ] || { echo -n " $label="; return; }
  out=$(env FAATTN_E4M3_TRANSPOSE=$vt "$@" timeout 60 $RUN --gpu $spec --kernel=$k --uniform-lengths \
    --shape b=1,seq_q=16384,seq_kv=16384 --bench=${BENCH:-20} --cache-dir=/tmp/faattn-ab-cache 2>&1)
  echo -n " $label=$(echo "$out" | grep -o 'median=[0-9.]*' | head -1 | cut -d= -f2)$(echo "$out" | grep -q FAIL && echo FAIL)"
}
matrix_row() { # KERNEL TRANSPOSE: the three schedules
  echo -n "b=1 s=16384 $1 vt=$2"
  time1 coop bench/fp8-grid.fa $1 $2
  [ $2 = rotated ] && time1 pp bench/experiments/fp8-pingpong.fa $1 $2
  time1 ov bench/experiments/fp8-overlap.fa $1 $2 FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1
  time1 ppov bench/experiments/fp8-pingpong-overlap.fa $1 $2 FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1
  echo
}
{ for vt in rotated lean skip; do matrix_row f8g128 $vt; done
  for k in f8g64 f8g256 f8g128c; do
    echo -n "b=1 s=16384 $k"
    time1 coop-rotated bench/fp8-grid.fa $k rotated
    for vt in rotated lean; do
      time1 ppov-$vt bench/experiments/fp8-pingpong-overlap.fa $k $vt FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1
    done
    echo
  done
  [ "${TILES:-0}" = 1 ] && for k in f8g128_n160 f8g128_n192 f8g128_n224 f8g64_n192 f8g64_n256 f8g128c_n192; do
    echo -n "b=1 s=16384 $k"
    for vt in rotated lean; do time1 $vt bench/experiments/fp8-tiles.fa $k $vt; done
    echo
  done
} 2>&1 | tee "$OUT/fp8-matrix.txt"
M=sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active,sm__inst_executed_pipe_xu.avg.pct_of_peak_sustained_active
M=$M,l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_st.sum,smsp__inst_executed.sum,gpu__time_duration.sum
for v in lean:bench/fp8-grid.fa rotated:bench/experiments/fp8-pingpong-overlap.fa; do
  [ "${NCU:-1}" = 1 ] || continue
  FAATTN_E4M3_TRANSPOSE=${v%%:*} FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1 timeout 60 ncu --metrics $M --launch-count 1 \
    -k regex:f8g128 $RUN --gpu ${v#*:} --kernel=f8g128 --uniform-lengths --shape b=1,seq_q=4096,seq_kv=4096 \
    > /tmp/ncu.txt 2>&1
  echo "== ${v%%:*} ${v#*:}"; grep -E "sm__|l1tex__|smsp__inst|gpu__time" /tmp/ncu.txt
done 2>&1 | tee "$OUT/ncu-f8g128.txt"
