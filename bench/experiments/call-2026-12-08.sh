#!/usr/bin/env bash
# 2026-12-08's GPU calls (an H200 was lent: the first H200 since 2026-12-06), from the
# repository root with the full bundle (tools/bundle.sh) and the cudnn-frontend wheel in .whl/
# (docs/FP8.md "The cuDNN peer"); results under $OUT. One PART a call (each under 600 s):
#   PART=det      bench/experiments/call-det-pgrad.sh (deterministic param gradients' first GPU
#                 run: numerics, bits of dq/dk/dv/dslopes, cost, sanitizers), the bits and cost at
#                 4k and 16k only (1k's cost was measured in step 50).
#   PART=fp8      issue 24's grid on the H200 (never timed on one): bench.py --parts fp8 with
#                 cuDNN's FP8 SDPA and faattn's bf16 twin in the same run, 16k then 4k then 1k
#                 rows until FP8_BUDGET seconds; rows also in $OUT/bench-fp8.rows (one JSON a line)
#                 so that a cut run keeps them.
#   PART=bwd      issue 22's grid and variants on the H200 (bench/bench_backward.py, cuDNN, flash
#                 and FlexAttention in the same run), rows in $OUT/bench-backward.rows.
#   PART=decode   issue 23's decode shapes on the H200 (bench.py --parts decode, SDPA in the
#                 same run), rows in $OUT/bench-decode.rows.
set -u
. bench/experiments/unpack-bundle.sh
export PYTHONPATH=$PWD/python FAATTN_LIBRARY=$B/libfaattn_c.so
case ${PART:-det} in
  det)
    sed 's/--seqs 1024,4096,16384/--seqs 4096,16384/' bench/experiments/call-det-pgrad.sh > /tmp/det.sh
    bash /tmp/det.sh ;;
  fp8)
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site \
      .whl/*.whl || echo "cudnn-frontend wheel not installed"
    timeout ${FP8_BUDGET:-540} env PYTHONPATH=/tmp/site:bench python3 bench/bench.py \
      --faattn-run "$RUN" --out "$OUT/bench-fp8.json" --parts fp8 \
      --fp8-seqs ${FP8_SEQS:-16384,4096,1024} 2> "$OUT/bench-fp8.err" | tee "$OUT/bench-fp8.rows" |
      python3 -c "
import json, sys
for l in sys.stdin:
    if not l.startswith('{'): continue
    r = json.loads(l); f = r['faattn']; c = r['peers']['cudnn_fp8']
    print(r['spec'], r['S_q'], 'e4m3', f['ms'], round(f['tflops'] or 0), 'x bf16', round(r.get('ratio_vs_faattn_bf16', 0), 3),
          'cudnn', c['ms'], 'x cudnn', round(r.get('ratio_vs_cudnn_fp8', 0), 3), 'err', r['rel_err'], flush=True)" ;;
  bwd)
    timeout ${BWD_BUDGET:-540} python3 bench/bench_backward.py --out "$OUT/bench-backward.json" \
      --parts ${BWD_PARTS:-grid,variants} 2> "$OUT/bench-backward.err" | tee "$OUT/bench-backward.rows" | cut -c1-400 ;;
  decode)
    timeout ${DEC_BUDGET:-540} python3 bench/bench.py --faattn-run "$RUN" --out "$OUT/bench-decode.json" \
      --parts decode 2> "$OUT/bench-decode.err" | tee "$OUT/bench-decode.rows" | cut -c1-400 ;;
esac
