#!/usr/bin/env bash
# The GPU call of PERFORMANCE step 68 (from the repository root, the bundle of tools/bundle.sh in
# bundle/; results under $OUT):
#   bash bench/experiments/build-choice-run.sh sweep   # both builds of each long-KV kernel at
#                                                      # every shape (build_choice.py), PAIRS
#   bash bench/experiments/build-choice-run.sh check   # backward-head-dims.fa's bwd128_plain (the
#                                                      # key split on a plain head dim 128, step 67)
#   bash bench/experiments/build-choice-run.sh verify  # the cost model in the runtime: which build
#                                                      # each launch takes (numerics checked), and
#                                                      # the default kernel's time beside both builds
#   bash bench/experiments/build-choice-run.sh fp8out  # the e4m3-output kernels without O's tile
#                                                      # (fp8-out.fa), memcheck and racecheck
set -u
. bench/experiments/unpack-bundle.sh
for part in "$@"; do
  case $part in
  check)
    SHAPES="--shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=77,seq_kv=130 --shape b=1,seq_q=300,seq_kv=517 --shape b=1,seq_q=1000,seq_kv=1031"
    { timeout 120 $RUN --gpu tests/lit/cli/Inputs/backward-head-dims.fa --kernel=bwd128_plain $SHAPES
      echo "exit=$? bwd128_plain"
      for tool in memcheck racecheck; do
        timeout 90 compute-sanitizer --tool $tool --error-exitcode 3 $RUN --gpu \
          tests/lit/cli/Inputs/backward-head-dims.fa --kernel=bwd128_plain --shape b=2,seq_q=77,seq_kv=130 | tail -2
        echo "$tool bwd128_plain exit=${PIPESTATUS[0]}"
      done; } > "$OUT/bwd128-plain-tests.txt" 2>&1
    grep -E "PASS|FAIL|exit=|rror" "$OUT/bwd128-plain-tests.txt" | head -20
    ;;
  verify)
    { for sk in specs/causal.fa:causal specs/head-dims.fa:hd256 specs/gqa.fa:gqa_causal bench/grid.fa:g112; do
        timeout 200 $RUN --gpu "${sk%%:*}" --kernel=${sk##*:} --shape b=1,seq_q=300,seq_kv=1023 \
          --shape b=1,seq_q=300,seq_kv=1025 --shape b=16,seq_q=1024,seq_kv=1024 \
          --shape b=2,seq_q=1000,seq_kv=4099 --shape b=1,seq_q=1,seq_kv=8192 --shape b=4,seq_q=4096,seq_kv=4096
        echo "exit=$? $sk"
      done; } > "$OUT/build-choice-verify.txt" 2>&1
    echo "verify PASS $(grep -c ' PASS' "$OUT/build-choice-verify.txt") FAIL $(grep -c FAIL "$OUT/build-choice-verify.txt") long-kv launches $(grep -c build=long-kv "$OUT/build-choice-verify.txt")"
    grep -E "^(causal|hd256|gqa_causal|g112) " "$OUT/build-choice-verify.txt" | sed 's/: rel_l2.*//' | head -24
    # The default (auto) kernels of bench/grid.fa beside both builds, interleaved.
    for pk in c128:g128c p256:g256 p112:g112; do
      pair=${pk%%:*} grid=${pk##*:}
      for bs in ${AUTO_SHAPES:-1:2048 16:1024 2:4096}; do
        line="$pair b=${bs%%:*} s=${bs##*:}"
        for run in "bench/grid.fa $grid" "bench/experiments/build-choice.fa ${pair}_main" \
            "bench/experiments/build-choice.fa ${pair}_long"; do
          set -- $run
          out=$(FAATTN_CACHE_DIR=/tmp/cache-build-choice timeout 60 $RUN --gpu "$1" --kernel=$2 \
            --shape b=${bs%%:*},seq_q=${bs##*:},seq_kv=${bs##*:} --bench=20 --uniform-lengths)
          ms=$(echo "$out" | grep -o 'median=[0-9.]*' | head -1 | cut -d= -f2)
          took=$(echo "$out" | grep -q build=long-kv && echo "(long)")
          line="$line $2=$ms$took"
        done
        echo "$line" | tee -a "$OUT/build-choice-auto.txt"
      done
    done
    ;;
  fp8out)
    { timeout 150 $RUN --gpu tests/lit/cpu/fp8-out.fa --shape b=1,seq_q=1,seq_kv=1 \
        --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=1000,seq_kv=4097
      echo "exit=$? fp8-out.fa"
      sanitize_kernels tests/lit/cpu/fp8-out.fa b=2,seq_q=100,seq_kv=300 90 o8_coop o8_row
    } > "$OUT/fp8-out-tests.txt" 2>&1
    summarize "$OUT/fp8-out-tests.txt" fp8-out
    ;;
  sweep)
    FAATTN_CACHE_DIR=/tmp/cache-build-choice timeout ${BUDGET:-480} python3 bench/experiments/build_choice.py \
      --faattn-run $RUN --out "$OUT/build-choice.json" --pairs "${PAIRS:-c128,p256,p112,p128,c64}" \
      --rounds "${ROUNDS:-2}" --shapes "${SHAPES_BS:-}" --budget-s $(( ${BUDGET:-480} - 40 )) > "$OUT/build-choice.txt" 2>&1
    echo "sweep exit=$? rows=$(grep -c pair "$OUT/build-choice.txt")"
    python3 -c "
import json
for r in json.load(open('$OUT/build-choice.json'))['rows']:
    m, l = r['main'].get('ms'), r['long'].get('ms')
    print(r['pair'], r['b'], r['s'], r['round'], m, l, round(m / l, 3) if m and l else r)"
    ;;
  esac
done
