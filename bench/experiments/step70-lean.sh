#!/usr/bin/env bash
# step70-run.sh's essentials for a short device budget (same outputs under $OUT): the folded
# kernels' numerics first (fp8-descale.fa, fp8-wgmma.fa, the negative / zero factor rules,
# row-factors.fa, e4m3 decode on the SIMT split grids, memcheck and racecheck of two folded
# kernels), then one interleaved round of the timing against the base build, then (time
# permitting) tools/gpu-suite.sh part fp8-wgmma without its timing.
set -u
export OUT=${OUT:-/tmp/faattn-gpu-out}
. bench/experiments/unpack-bundle.sh
python3 -c "import struct; open('/tmp/faattn-qn','wb').write(struct.pack('<100f', *[-0.5 if i == 30 else 0.5 for i in range(100)]))"
python3 -c "import struct; open('/tmp/faattn-qz','wb').write(struct.pack('<100f', *[0.0 if i == 30 else 0.5 for i in range(100)]))"
python3 -c "import struct; open('/tmp/faattn-kn','wb').write(struct.pack('<77f', *[-0.25 if i == 20 else 0.5 for i in range(77)]))"
{ S3="--shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=1000,seq_kv=4097"
  for spec in bench/experiments/fp8-descale.fa tests/lit/cpu/fp8-wgmma.fa tests/lit/cpu/row-factors.fa; do
    timeout 150 $RUN --gpu $spec $S3; echo "exit=$? $spec"
  done
  for kp in neg_q_descale:qn zero_q_descale:qz neg_k_descale:kn; do
    timeout 60 $RUN --gpu tests/lit/cpu/nan.fa --kernel=${kp%%:*} --shape b=2,seq_q=100,seq_kv=77 \
      --param ${kp##*:}=/tmp/faattn-${kp##*:}; echo "exit=$? ${kp%%:*}"
  done
  timeout 60 $RUN --gpu specs/decode-paged.fa --kernel=decode_paged_fp8 --shape b=3,seq_q=2,seq_kv=300 \
    --shape b=1,seq_q=1,seq_kv=4097; echo "exit=$? decode_paged_fp8"
  for tool in memcheck racecheck; do
    for sk in bench/experiments/fp8-descale.fa:d128_h tests/lit/cpu/fp8-wgmma.fa:f8_block_scale; do
      timeout 60 compute-sanitizer --tool $tool --error-exitcode 3 $RUN --gpu ${sk%%:*} --kernel=${sk##*:} \
        --shape b=2,seq_q=100,seq_kv=300 | tail -1; echo "$tool ${sk##*:} exit=${PIPESTATUS[0]}"
    done
  done; } > "$OUT/step70-tests.txt" 2>&1
echo "tests PASS $(grep -c ' PASS' "$OUT/step70-tests.txt") FAIL $(grep -c FAIL "$OUT/step70-tests.txt")"
grep -E "FAIL|exit=|UNWRITTEN" "$OUT/step70-tests.txt" | grep -v "exit=0" | head
grep -E "exit=" "$OUT/step70-tests.txt" | tr '\n' ' '; echo
SKIP_TESTS=1 ROUNDS=${ROUNDS:-1} timeout ${T1:-150} bash bench/experiments/fp8-descale-run.sh > /dev/null 2>&1
echo "bench exit=$?"; cat "$OUT/fp8-descale-bench.txt"
GPU_SUITE_PARTS=fp8-wgmma GPU_SUITE_BENCH=0 timeout ${T2:-1} bash tools/gpu-suite.sh > "$OUT/suite-fp8-wgmma.txt" 2>&1
echo "suite exit=$? PASS $(grep -c ' PASS' "$OUT/suite-fp8-wgmma.txt") FAIL $(grep -c FAIL "$OUT/suite-fp8-wgmma.txt")"
