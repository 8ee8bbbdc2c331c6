#!/usr/bin/env bash
# The GPU call of PERFORMANCE step 71 (from the repository root, the bundle of tools/bundle.sh in
# bundle/, the base commit's faattn-run in bundle/base/; results under $OUT), in order of need:
# VARLEN_PARTS picks parts (default "suite shapes time decode"; steps69-71-check.sh runs the
# first two, steps68-71-time.sh the last two):
#   1. tools/gpu-suite.sh part varlen: tests/lit/cpu/varlen-tma.fa at ragged odd shapes, another
#      sequence's NaN key row (--nan-key), the catalogue's varlen and the varlen decode and e4m3
#      output kernels with it, memcheck and racecheck;
#   2. the catalogue's varlen kernel and decode-varlen.fa at the suite's shapes;
#   3. the timing: bench/experiments/varlen-tma.fa's varlen kernels (new and base builds) beside
#      their dense twins at 16k tokens, ROUNDS interleaved rounds (median of --bench=N);
#   4. bench/bench.py part decode for decode_dense and decode_varlen, SDPA in the same run.
set -u
. bench/experiments/unpack-bundle.sh
# (Until the commit that made the packed boxes the default, FAATTN_EXPERIMENTAL_PACKED_TMA=1 turned
# them on; now FAATTN_PACKED_THREAD_COPIES=1 turns them off: the timing below sets both.)
BASE=
if [ -f bundle/base/faattn-run.xz ]; then
  mkdir -p /tmp/faattn-base
  xz -dc bundle/base/faattn-run.xz > /tmp/faattn-base/faattn-run && chmod +x /tmp/faattn-base/faattn-run
  BASE=/tmp/faattn-base/faattn-run
  echo "base: $(cat bundle/base/COMMIT 2>/dev/null)" | tee "$OUT/varlen-base.txt"
fi
PARTS=" ${VARLEN_PARTS:-suite shapes time decode} "
if [[ $PARTS == *" suite "* ]]; then
GPU_SUITE_PARTS=varlen timeout ${P1:-240} bash tools/gpu-suite.sh > "$OUT/suite-varlen.txt" 2>&1
echo "part 1 exit=$? PASS $(grep -c ' PASS' "$OUT/varlen-tests.txt") FAIL $(grep -c FAIL "$OUT/varlen-tests.txt")"
grep -E "FAIL|exit=[1-9]|UNWRITTEN|rror" "$OUT/varlen-tests.txt" | head -20
grep -E "exit=" "$OUT/varlen-tests.txt" | tr '\n' ' '; echo
fi
if [[ $PARTS == *" shapes "* ]]; then
{ timeout ${P2A:-150} $RUN --gpu specs/varlen.fa --shape b=1,seq_q=1,seq_kv=1 --shape b=8,seq_q=1000,seq_kv=1000 \
    --shape b=1,seq_q=4097,seq_kv=4097 --shape b=2,seq_q=1000,seq_kv=4097 --shape b=1,seq_q=4097,seq_kv=1000 \
    --shape b=1,seq_q=1,seq_kv=4097 --shape b=3,seq_q=2,seq_kv=3000
  echo "exit=$? specs/varlen.fa"
  timeout ${P2B:-150} $RUN --gpu tests/lit/cpu/decode-varlen.fa --shape b=1,seq_q=1,seq_kv=1 --shape b=3,seq_q=1,seq_kv=17 \
    --shape b=2,seq_q=16,seq_kv=4097 --shape b=1,seq_q=1,seq_kv=131073
  echo "exit=$? decode-varlen.fa"; } > "$OUT/varlen-suite-shapes.txt" 2>&1
echo "part 2 PASS $(grep -c ' PASS' "$OUT/varlen-suite-shapes.txt") FAIL $(grep -c FAIL "$OUT/varlen-suite-shapes.txt")"
grep -E "FAIL|exit=|UNWRITTEN" "$OUT/varlen-suite-shapes.txt" | grep -v "exit=0" | head
fi
if [[ $PARTS == *" time "* ]]; then
SPEC=bench/experiments/varlen-tma.fa
end=$((SECONDS + ${P3:-150}))
for round in $(seq ${ROUNDS:-2}); do
  for pair in v128c:d128c v128:d128 v64:d64; do
    for bs in 16:1024 4:4096 1:16384; do
      line="round=$round b=${bs%%:*} s=${bs##*:}"
      # packed: the boxes (packed-tma); copies: the default thread copies; base: bundle/base's build.
      for run in "packed:${pair%%:*}:$RUN:1" "copies:${pair%%:*}:$RUN:0" "base:${pair%%:*}:$BASE:0" \
          "dense:${pair##*:}:$RUN:1"; do
        IFS=: read -r build k bin env <<< "$run"
        [ -n "$bin" ] && [ $SECONDS -lt $end ] || continue
        out=$(FAATTN_EXPERIMENTAL_PACKED_TMA=$env FAATTN_PACKED_THREAD_COPIES=$((1 - env)) timeout 60 $bin --gpu $SPEC --cache-dir=/tmp/cache-varlen-$build \
          --kernel=$k --uniform-lengths \
          --shape b=${bs%%:*},seq_q=${bs##*:},seq_kv=${bs##*:} --bench=${BENCH:-20})
        line="$line $build:$k=$(echo "$out" | grep -o 'median=[0-9.]*' | head -1 | cut -d= -f2)$(echo "$out" | grep -q FAIL && echo FAIL)"
      done
      echo "$line"
    done
  done
done | tee "$OUT/varlen-tma-bench.txt"
fi
if [[ $PARTS == *" decode "* ]]; then
timeout ${P4:-150} python3 bench/bench.py --faattn-run "$RUN" --out "$OUT/bench-decode-varlen.json" --parts decode \
  --specs decode_dense,decode_varlen 2>&1 | tail -3
python3 - "$OUT/bench-decode-varlen.json" <<'PY'
import json, sys
try:
    rows = json.load(open(sys.argv[1]))
    rows = rows.get("rows", rows) if isinstance(rows, dict) else rows
except Exception as e:
    print("no decode json:", e); sys.exit(0)
for r in rows:
    f, p = r["faattn"], r["peers"]["sdpa_default"]
    print(r["spec"], r["B"], r["S_kv"], "graph_us", f.get("graph_us"), "sdpa_us", p.get("us"), "graph_tbps", f.get("graph_tbps"))
PY
fi
