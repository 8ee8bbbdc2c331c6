#!/usr/bin/env bash
# PERFORMANCE step 77's GPU call (from the repository root; results under $OUT), not run yet:
# the experimental e4m3 V transposition in fewer instructions (FAATTN_E4M3_TRANSPOSE=lean: prmt
# rounds with the rotation in their selectors, load offsets made once a stage, head dim 256 on
# 64 of the producer's 96 threads), against the rotated default in the same bundle.
# 1. Numerics (lean): every kernel of tests/lit/cpu/fp8-wgmma.fa and fp8-out.fa at odd shapes, the
#    packed and paged e4m3 kernels of varlen-tma.fa (keys past a sequence zeroed by the
#    transposition) with another sequence's NaN key; memcheck and racecheck of f8_coop,
#    f8_hd256 (the 64-thread form) and pg_e4m3.
# 2. Timing at 16k, interleaved: lean ("new") against the default ("base"), bench/fp8-grid.fa's
#    kernels, and faattn's bf16 twins (bench/grid.fa) for the ratio.
# 3. ncu of f8g128 lean (1 x 4k): instructions, tensor pipe, shared wavefronts.
set -u
. bench/experiments/unpack-bundle.sh
export FAATTN_E4M3_TRANSPOSE=lean
{ for F in ${FILES:-tests/lit/cpu/fp8-wgmma.fa tests/lit/cpu/fp8-out.fa}; do
    timeout ${N1:-80} $RUN --gpu $F --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=100,seq_kv=77 \
      --shape b=1,seq_q=1000,seq_kv=4097
    echo "exit=$? $F"
  done
  for k in vl_e4m3 vl_e4m3_coop pg_e4m3; do
    timeout 40 $RUN --gpu tests/lit/cpu/varlen-tma.fa --kernel=$k --shape b=3,seq_q=100,seq_kv=77 \
      --shape b=2,seq_q=1000,seq_kv=4097
    echo "exit=$? $k"
    timeout 30 $RUN --gpu tests/lit/cpu/varlen-tma.fa --kernel=$k --nan-key=1:0 --shape b=2,seq_q=300,seq_kv=130
    echo "exit=$? $k --nan-key=1:0"
  done
  sanitize_kernels tests/lit/cpu/fp8-wgmma.fa b=2,seq_q=300,seq_kv=517 ${SAN:-25} ${SAN_KERNELS:-f8_coop f8_hd256}
  sanitize_kernels tests/lit/cpu/varlen-tma.fa b=4,seq_q=300,seq_kv=517 ${SAN:-25} pg_e4m3
} > "$OUT/fp8-lean-tests.txt" 2>&1
summarize "$OUT/fp8-lean-tests.txt" fp8-lean
grep -E "exit=" "$OUT/fp8-lean-tests.txt" | tr '\n' ' '; echo
end=$((SECONDS + ${FP8_BUDGET:-200}))
for k in ${KERNELS:-f8g128 f8g256 f8g64 g128 f8g128c g256 g64}; do
  spec=bench/fp8-grid.fa; [[ $k == f8* ]] || spec=bench/grid.fa
  line="b=1 s=16384 $k"
  for bin in "base:env FAATTN_E4M3_TRANSPOSE=rotated $RUN" "new:$RUN"; do
    [ $SECONDS -lt $end ] || continue
    [[ $k == f8* ]] || [ ${bin%%:*} = new ] || continue
    out=$(timeout 60 ${bin#*:} --gpu $spec --kernel=$k --uniform-lengths --shape b=1,seq_q=16384,seq_kv=16384 \
      --bench=20 2>&1)
    line="$line ${bin%%:*}=$(echo "$out" | grep -o 'median=[0-9.]*' | head -1 | cut -d= -f2)$(echo "$out" | grep -q FAIL && echo FAIL)"
  done
  echo "$line"
done | tee "$OUT/fp8-lean-timing.txt"
M=sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active,sm__inst_executed_pipe_xu.avg.pct_of_peak_sustained_active
M=$M,l1tex__data_pipe_lsu_wavefronts_mem_shared_op_st.sum,l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_st.sum
M=$M,smsp__inst_executed.sum,gpu__time_duration.sum
[ "${NCU:-1}" = 1 ] && timeout 60 ncu --metrics $M --launch-count 1 -k regex:f8g128 $RUN --gpu bench/fp8-grid.fa --kernel=f8g128 \
  --uniform-lengths --shape b=1,seq_q=4096,seq_kv=4096 > "$OUT/ncu-f8g128-lean.txt" 2>&1
grep -E "sm__|l1tex__|smsp__inst|gpu__time" "$OUT/ncu-f8g128-lean.txt"
