#!/usr/bin/env bash
# The shortest useful GPU call of 2026-12-06 (little device time left): the e4m3 Python error's
# three decisive cases (bench/experiments/fp8_python_diag.py), the example kernel through
# faattn-run, the cooperative FP8 kernels' numerics and f8_coop's racecheck. tools/gpu-suite.sh's
# fp8-wgmma part has all of it and the timing. Results under $OUT.
set -u
export OUT=${OUT:-/tmp/faattn-gpu-out}
B=/tmp/faattn-bundle
mkdir -p $B
for xz in bundle/bin/*.xz bundle/lib/*.xz; do xz -dc "$xz" > "$B/$(basename "${xz%.xz}")"; chmod +x "$B/$(basename "${xz%.xz}")"; done
nvidia-smi -L | tee "$OUT/device.txt"
DIAG_CASES=0:300:block,0:300:ones,1:300:block timeout 50 python3 bench/experiments/fp8_python_diag.py \
  $B/libfaattn_c.so 2>&1 | tee "$OUT/fp8-diag.jsonl"
timeout 25 $B/faattn-run --gpu examples/fp8.fa --kernel=llama3_8b_fp8 --shape b=2,seq_q=300,seq_kv=300 \
  2>&1 | tee -a "$OUT/fp8-diag.jsonl"
python3 tools/spec-with-key.py "schedule = cooperative" tests/lit/cpu/fp8-wgmma.fa /tmp/faattn-fp8-coop.fa
timeout 45 $B/faattn-run --gpu /tmp/faattn-fp8-coop.fa --shape b=2,seq_q=100,seq_kv=77 \
  --shape b=1,seq_q=1000,seq_kv=4097 > "$OUT/fp8-coop-tests.txt" 2>&1
echo "coop exit=$? PASS $(grep -c ' PASS' "$OUT/fp8-coop-tests.txt") FAIL $(grep -c FAIL "$OUT/fp8-coop-tests.txt")"
timeout 35 compute-sanitizer --tool racecheck --error-exitcode 3 $B/faattn-run --gpu \
  tests/lit/cpu/fp8-wgmma.fa --kernel=f8_coop --shape b=1,seq_q=130,seq_kv=200 > "$OUT/racecheck.txt" 2>&1
echo "racecheck f8_coop exit=$?"; tail -3 "$OUT/racecheck.txt"
