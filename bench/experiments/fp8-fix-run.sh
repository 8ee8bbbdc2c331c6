#!/usr/bin/env bash
# A short GPU call for what 2026-12-06 left unrun (its device time ran out): PERFORMANCE step
# 55's fix (the Python suite with the FP8 example, the quantizer and backward tests; small V
# factors through faattn-run; bench/experiments/fp8_python_diag.py's decisive cases) and step
# 54's cooperative FP8 kernels (numerics at two shapes, racecheck). tools/gpu-suite.sh's parts
# python and fp8-wgmma hold all of it and the timing. From the repository root, the bundle of
# tools/bundle.sh in bundle/; results under $OUT.
set -u
export OUT=${OUT:-/tmp/faattn-gpu-out}
B=/tmp/faattn-bundle
mkdir -p $B
for xz in bundle/bin/faattn-run.xz bundle/lib/*.xz; do xz -dc "$xz" > "$B/$(basename "${xz%.xz}")"; chmod +x "$B/$(basename "${xz%.xz}")"; done
nvidia-smi -L | tee "$OUT/device.txt"
python3 -c "import pytest" 2>/dev/null ||
  python3 -m pip install -q --no-index --find-links bundle/wheels --target /tmp/faattn-pytest pytest
PYTHONPATH=/tmp/faattn-pytest FAATTN_TEST_DEVICE=cuda FAATTN_REQUIRE_TORCH=1 timeout 100 \
  bash tests/python/run.sh $B/libfaattn_c.so python3 -rxs > "$OUT/python-tests.txt" 2>&1
grep -E "^FAILED|passed|failed" "$OUT/python-tests.txt" | tail -8
python3 -c "import struct; open('/tmp/vs4','wb').write(struct.pack('<4f', *[0.004] * 4))"
python3 -c "import struct; open('/tmp/vs1200','wb').write(struct.pack('<1200f', *[0.004 + 1e-5 * (i % 7) for i in range(1200)]))"
{ timeout 30 $B/faattn-run --gpu tests/lit/cpu/fp8-wgmma.fa --kernel=f8_head_scale --shape b=2,seq_q=300,seq_kv=300 --param vs=/tmp/vs4
  timeout 30 $B/faattn-run --gpu tests/lit/cpu/fp8-wgmma.fa --kernel=f8_block_scale --shape b=2,seq_q=300,seq_kv=300 --param vs=/tmp/vs1200
  python3 tools/spec-with-key.py "schedule = cooperative" tests/lit/cpu/fp8-wgmma.fa /tmp/coop.fa
  timeout 50 $B/faattn-run --gpu /tmp/coop.fa --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=1000,seq_kv=4097
  timeout 35 compute-sanitizer --tool racecheck --error-exitcode 3 $B/faattn-run --gpu \
    tests/lit/cpu/fp8-wgmma.fa --kernel=f8_coop --shape b=1,seq_q=130,seq_kv=200 | tail -3
  echo "racecheck f8_coop exit=${PIPESTATUS[0]}"; } 2>&1 | tee "$OUT/fp8-tests.txt" | grep -E "FAIL|exit=|small|error" | head -20
echo "fp8 PASS $(grep -c ' PASS' "$OUT/fp8-tests.txt") FAIL $(grep -c FAIL "$OUT/fp8-tests.txt")"
DIAG_CASES=0:300:block,0:300:ones,1:300:block timeout 60 python3 bench/experiments/fp8_python_diag.py \
  $B/libfaattn_c.so 2>&1 | tee "$OUT/fp8-diag.jsonl"
