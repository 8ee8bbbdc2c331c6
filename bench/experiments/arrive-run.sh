#!/usr/bin/env bash
# The GPU calls of PERFORMANCE step 66 (P's and dS's A fragments packed before the wgmma fence:
# no C7519 warpgroup.arrive, in the forward's P V and the backward's dQ = dS K). From the
# repository root; results under $OUT. Two calls on one warm machine:
#   bash bench/experiments/arrive-run.sh check   # the new bundle (bundle/bin, bundle/lib):
#     forward numerics (the catalogue, head dims, e4m3, decode at odd shapes), every backward
#     spec and the sanitizers, then the new library's timings (forward and backward vs SDPA)
#   bash bench/experiments/arrive-run.sh bench   # the previous library (bundle/prev, 1628db4:
#     the forward's and backward's PTX before step 66) timed the same way
set -u
export OUT=${OUT:-/tmp/faattn-gpu-out}
times() { # $1: arm, $2: library
  FAATTN_SOURCE_COMMIT=$3 FAATTN_LIBRARY=$2 PYTHONPATH="$PWD/python" timeout 240 \
    python3 bench/experiments/forward_vs_sdpa.py --out "$OUT/forward-$1.json" 2>&1 | tail -2
  FAATTN_SOURCE_COMMIT=$3 FAATTN_LIBRARY=$2 PYTHONPATH="$PWD/python" timeout 200 \
    python3 bench/experiments/backward_vs_sdpa.py --seqs 1024,4096,16384 \
    --out "$OUT/backward-hd128-$1.json" 2>&1 | tail -1
}
case ${1:-check} in
check)
  . bench/experiments/unpack-bundle.sh > /dev/null
  SHAPES="--shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=1000,seq_kv=777 --shape b=1,seq_q=4097,seq_kv=4097 --shape b=3,seq_q=2,seq_kv=3000"
  { for spec in specs/*.fa tests/lit/cpu/head-dims.fa; do
      [ "$spec" = specs/backward.fa ] && continue
      timeout 200 $RUN --gpu "$spec" $SHAPES
      echo "exit=$? $spec"
    done
    for spec in tests/lit/cpu/fp8-wgmma.fa tests/lit/cpu/fp8-out.fa tests/lit/cpu/decode-wgmma.fa; do
      timeout 200 $RUN --gpu $spec --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=1,seq_kv=1
      echo "exit=$? $spec"
    done
    for tool in memcheck racecheck; do
      timeout 60 compute-sanitizer --tool $tool --error-exitcode 3 $RUN --gpu specs/causal.fa \
        --kernel=causal --shape b=1,seq_q=300,seq_kv=517 | tail -1
      echo "$tool causal exit=${PIPESTATUS[0]}"
    done; } > "$OUT/forward-tests.txt" 2>&1
  f="$OUT/forward-tests.txt"
  echo "forward PASS $(grep -c ' PASS' "$f") FAIL $(grep -c FAIL "$f")"
  grep -E "FAIL|exit=[1-9]" "$f" | head -20
  bash bench/experiments/dq-bulk-run.sh check-backward 2>&1 | grep -E "PASS|FAIL|exit=[1-9]" | head -5
  times new $B/libfaattn_c.so "$(cat bundle/COMMIT)"
  ;;
bench)
  mkdir -p "$OUT" /tmp/faattn-prev
  nvidia-smi -L | tee "$OUT/device.txt"
  xz -dc bundle/prev/libfaattn_c.so.xz > /tmp/faattn-prev/libfaattn_c.so
  times prev /tmp/faattn-prev/libfaattn_c.so 1628db4
  ;;
esac
