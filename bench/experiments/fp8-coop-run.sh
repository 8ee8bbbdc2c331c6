#!/usr/bin/env bash
# One GPU call of 2026-12-06 (PERFORMANCE step 54, the Python e4m3 failures of that day's first
# call): from the repository root on the GPU machine, the bundle in bundle/ (tools/bundle.sh),
# results under $OUT. In order of priority, each part time-boxed:
#   1. bench/experiments/fp8_python_diag.py: where the fp8 Llama module's GPU error comes from;
#   2. the Python suite on CUDA tensors (the reference quantizer's division, the autograd
#      backward's structure under torch 2.11, both fixed that day);
#   3. fp8-wgmma.fa at the module's square causal shape, every kernel of it under the cooperative
#      schedule, f8_coop's racecheck and memcheck;
#   4. bench.py's fp8 rows of head dims 64 and 128 under the default schedule, then cooperative.
set -u
export OUT=${OUT:-/tmp/faattn-gpu-out}
B=/tmp/faattn-bundle
mkdir -p $B
for xz in bundle/bin/*.xz bundle/lib/*.xz; do xz -dc "$xz" > "$B/$(basename "${xz%.xz}")"; chmod +x "$B/$(basename "${xz%.xz}")"; done
nvidia-smi -L | tee "$OUT/device.txt"
timeout 70 python3 bench/experiments/fp8_python_diag.py $B/libfaattn_c.so 2>&1 | tee "$OUT/fp8-diag.jsonl"
timeout 25 $B/faattn-run --gpu examples/fp8.fa --kernel=llama3_8b_fp8 --shape b=2,seq_q=300,seq_kv=300 \
  --shape b=1,seq_q=1000,seq_kv=1000 2>&1 | tee -a "$OUT/fp8-diag.jsonl"
# The e4m3 kernels at the module's square causal shape (default schedule), then every kernel of
# fp8-wgmma.fa under the cooperative schedule, and f8_coop's racecheck and memcheck.
timeout 30 $B/faattn-run --gpu tests/lit/cpu/fp8-wgmma.fa --shape b=2,seq_q=300,seq_kv=300 2>&1 |
  tee "$OUT/fp8-wgmma-tests.txt" | grep -E "FAIL|error" | head
python3 tools/spec-with-key.py "schedule = cooperative" tests/lit/cpu/fp8-wgmma.fa /tmp/faattn-fp8-coop.fa
timeout 50 $B/faattn-run --gpu /tmp/faattn-fp8-coop.fa --shape b=2,seq_q=100,seq_kv=77 \
  --shape b=1,seq_q=1000,seq_kv=4097 2>&1 | tee -a "$OUT/fp8-wgmma-tests.txt" | grep -E "FAIL|error|build" | head -14
for tool in racecheck memcheck; do
  timeout 35 compute-sanitizer --tool $tool --error-exitcode 3 $B/faattn-run --gpu \
    tests/lit/cpu/fp8-wgmma.fa --kernel=f8_coop --shape b=1,seq_q=130,seq_kv=200 > "$OUT/sanitizer-$tool.txt" 2>&1
  echo "$tool f8_coop exit=$?" | tee -a "$OUT/fp8-wgmma-tests.txt"
done
echo "PASS count $(grep -c ' PASS' "$OUT/fp8-wgmma-tests.txt"), FAIL count $(grep -c FAIL "$OUT/fp8-wgmma-tests.txt")"
python3 -c "import pytest" 2>/dev/null ||
  python3 -m pip install -q --no-index --find-links bundle/wheels --target /tmp/faattn-pytest pytest
PYTHONPATH=/tmp/faattn-pytest FAATTN_TEST_DEVICE=cuda FAATTN_REQUIRE_TORCH=1 timeout 70 \
  bash tests/python/run.sh $B/libfaattn_c.so python3 -rxs > "$OUT/python-tests.txt" 2>&1
grep -E "^FAILED|passed|failed" "$OUT/python-tests.txt" | tail -12
python3 tools/spec-with-key.py "schedule = cooperative" bench/fp8-grid.fa /tmp/faattn-fp8-grid-coop.fa
for arm in default coop; do
  spec=bench/fp8-grid.fa; [ $arm = coop ] && spec=/tmp/faattn-fp8-grid-coop.fa
  timeout 35 python3 bench/bench.py --faattn-run $B/faattn-run --fp8-spec $spec --parts fp8 \
    --specs g128,g128c,g64 --fp8-seqs 16384 --out "$OUT/bench-fp8-$arm.json" 2>&1 | grep '"spec"' |
    python3 -c "import json,sys
for l in sys.stdin:
    r=json.loads(l); print('$arm', r['spec'], r['S_q'], r['faattn']['tflops'], r['faattn_bf16']['tflops'], r.get('ratio_vs_faattn_bf16'), r['rel_err'])"
done
