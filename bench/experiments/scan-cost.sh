#!/usr/bin/env bash
# What the document kernel's run-time block scan costs (PERFORMANCE.md step 10). Run after
# `tools/gpu-quick.sh sass` (which unpacks the bundle). Times, at 4k and 16k tokens a row:
#   document, doc[i] = i         one (diagonal) block per q-tile, found by the scan
#   diag0 (window(0, 0))         one (diagonal) block per q-tile, known at compile time
#   document, doc[i] = 0         every causal block, found full by the scan
#   grid g128c (causal)          every causal block, known at compile time
# so that the scan's cost per CTA is the difference of each pair over the CTA waves.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/faattn-gpu-out}
export PATH="/tmp/faattn-bundle:/usr/local/cuda/bin:$PATH"
for s in 4096 16384; do
  b=$((16384 / s))
  python3 -c "import struct,sys; n=int(sys.argv[1]); open('/tmp/doc-id-$s','wb').write(struct.pack('<%di' % n, *range(n))); open('/tmp/doc-zero-$s','wb').write(struct.pack('<%di' % n, *([0] * n)))" $s
  t() { # label, faattn-run arguments
    local label=$1; shift
    timeout 60 faattn-run --gpu "$@" --shape=b=$b,seq_q=$s,seq_kv=$s --bench=20 2>&1 | tail -1 |
      sed "s/^/$label s=$s: /" | tee -a "$OUT/scan-cost.txt"
  }
  t "document doc=i" bench/grid.fa --kernel=document --param doc=/tmp/doc-id-$s
  t "diag0" bench/tuning.fa --kernel=diag0
  t "document doc=0" bench/grid.fa --kernel=document --param doc=/tmp/doc-zero-$s
  t "g128c" bench/grid.fa --kernel=g128c
  t "document random" bench/grid.fa --kernel=document
done
