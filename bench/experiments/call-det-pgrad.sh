#!/usr/bin/env bash
# The first GPU run of the deterministic param gradients (docs/BACKWARD.md, "Deterministic
# param gradients"; built 2026-12-07, CPU-tested only): from the repository root with the
# bundle (bash tools/bundle.sh, both parts: carry bundle/bin/faattn-run.xz and
# bundle/lib/libfaattn_c.so.xz); results under $OUT. One call of the device tool (about 5
# minutes):
#   1. numerics of every kernel of tests/lit/cpu/backward-deterministic.fa (the three with
#      learnable params among them) at odd shapes against the float64 reference;
#   2. bits and cost: bench/experiments/backward_deterministic.py through the PyTorch op
#      (16k tokens at 1k, 4k and 16k; its last case has learnable ALiBi slopes, whose
#      gradient must be identical, torch.equal, over 4 calls), the deterministic kernel's
#      time against the default one's;
#   3. memcheck, racecheck and synccheck of alibi_det and varlen_alibi_det.
set -u
. bench/experiments/unpack-bundle.sh
# (Ran 2026-12-08 on an H100 with FAATTN_EXPERIMENTAL_DETERMINISTIC_PARAM_GRADS=1, which the
# GPU build then needed; the default since: docs/BACKWARD.md.)
spec=tests/lit/cpu/backward-deterministic.fa
{
  timeout 300 $RUN --gpu $spec --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=77,seq_kv=130 \
    --shape b=2,seq_q=300,seq_kv=517 --shape b=1,seq_q=1000,seq_kv=4097
  echo "numerics exit=$?"
  FAATTN_LIBRARY=$B/libfaattn_c.so PYTHONPATH=$PWD/python timeout 400 \
    python3 bench/experiments/backward_deterministic.py --seqs 1024,4096,16384 \
    --out "$OUT/backward-deterministic.json" | tail -12
  python3 -c "import json,sys; rows=json.load(open(sys.argv[1]))['rows']; bad=[r for r in rows if 'error' in r or not all(r['deterministic_%s_identical' % t] for t in ('dq','dk','dv') + (('dslopes',) if r.get('alibi') else ()))]; print('deterministic bits: %d rows, %d bad' % (len(rows), len(bad))); [print('cost', r['S'], r['causal'], r['H_kv'], r['alibi'], round(r['cost'], 3)) for r in rows if 'cost' in r]; sys.exit(1 if bad or not rows else 0)" "$OUT/backward-deterministic.json"
  echo "bits exit=$?"
  for k in alibi_det varlen_alibi_det; do
    for tool in memcheck racecheck synccheck; do
      timeout 200 compute-sanitizer --tool $tool --error-exitcode 3 $RUN --gpu $spec \
        --kernel=$k --shape b=2,seq_q=200,seq_kv=260 | tail -2
      echo "$tool $k exit=${PIPESTATUS[0]}"
    done
  done
} 2>&1 | tee "$OUT/det-pgrad-tests.txt"
summarize "$OUT/det-pgrad-tests.txt" det-pgrad
