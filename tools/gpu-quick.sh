#!/usr/bin/env bash
# A fast GPU check for one tuning step (the full run is tools/gpu-suite.sh): unpacks the bundle,
# runs every catalogue spec at odd shapes (each command under a time limit, so that a hung kernel
# costs a minute, not the session), then times faattn alone on the Hopper issue's grid
# (bench/grid.fa at 16k tokens). Writes $OUT/quick-tests.txt and $OUT/quick-bench.txt.
#
#   bash tools/gpu-quick.sh [tests] [variants] [overlap] [long-kv] [tuning-tests] [bench] [tuning]
#                           [sass] [sanitizer] [scan-cost]
#
# variants: the lit variant specs (documents, windows, fully masked rows, ..., and the
# tensor-core ones of tests/lit/cpu/hopper.fa) and random specs (SIMT-sized and hopper) at odd
# shapes; overlap: the catalogue, variant, hopper and random hopper specs with overlap = softmax
# where they can take it, at odd shapes; long-kv: the kernels with overlap = auto's long-KV
# build at KV lengths on both sides of where the runtime switches to it; tuning-tests: every kernel of bench/tuning.fa (schedules, ring depths and tiles
# set by hand) at odd shapes, each under 40 s; tuning: those kernels timed at 4k and 16k tokens
# per sequence; sass: HGMMA inside a loop and no local memory in the SASS of every catalogue
# and grid kernel (compiled on the CPU machine, bundle/kernels.tar.xz), and this machine's
# ptxas report of their PTX; sanitizer: memcheck and racecheck of a TMA kernel, a pingpong kernel, a
# warp-specialized (cooperative) kernel and a persistent one (16 x 12 = 192 tiles on 132 CTAs at
# 1 x 1500, so that some CTA runs two tiles through one ring); scan-cost:
# bench/experiments/scan-cost.sh (the document
# kernel's run-time block scan against kernels with the same products and no scan).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/faattn-gpu-out}
mkdir -p "$OUT" /tmp/faattn-bundle
for xz in bundle/bin/*.xz; do
  xz -dc "$xz" > "/tmp/faattn-bundle/$(basename "${xz%.xz}")"
done
chmod +x /tmp/faattn-bundle/*
export PATH="/tmp/faattn-bundle:/usr/local/cuda/bin:$PATH"
PARTS=" ${*:-tests bench} "
status=0
# One faattn-run --gpu check under a time limit, its lines into quick-tests.txt.
check() { # label, seconds, faattn-run arguments...
  local label=$1 limit=$2
  shift 2
  timeout "$limit" faattn-run --gpu "$@" 2>&1 | tee -a "$OUT/quick-tests.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || { status=1; echo "FAILED or timed out: $label" | tee -a "$OUT/quick-tests.txt"; }
}
tally() {
  echo "passed: $(grep -c ' PASS$' "$OUT/quick-tests.txt")" \
    "failed: $(grep -c -E ' FAIL$|error:|FAILED or timed out' "$OUT/quick-tests.txt")"
}
# One kernel timed at 16k tokens per row (batch * seq = 16384), its last line into $1.
timed() { # output file, spec, kernel, seq
  local b=$((16384 / $4))
  timeout 60 faattn-run --gpu "$2" --kernel="$3" --shape=b=$b,seq_q=$4,seq_kv=$4 \
    --bench=20 --uniform-lengths 2>&1 | tail -1 | sed "s/^/$3 s=$4: /" | tee -a "$OUT/$1"
}
# KERNELS="a b" limits tuning-tests and tuning to those kernels of bench/tuning.fa.
tuning_kernels() { if [ -n "${KERNELS:-}" ]; then echo $KERNELS; else sed -n 's/^kernel \([a-z0-9_]*\).*/\1/p' bench/tuning.fa; fi; }

if [[ "$PARTS" == *" tests "* ]]; then
  for spec in specs/*.fa; do
    check "$spec" 120 "$spec" --shape b=1,seq_q=1,seq_kv=1 \
      --shape b=2,seq_q=1000,seq_kv=1000 --shape b=1,seq_q=4097,seq_kv=1000 \
      --shape b=2,seq_q=1000,seq_kv=4097 --shape b=3,seq_q=2,seq_kv=3000
  done
  tally
fi
if [[ "$PARTS" == *" variants "* ]]; then
  python3 tests/cpu/gen_random_specs.py 1 20 > /tmp/faattn-random-1.fa
  python3 tests/cpu/gen_random_specs.py 1 20 hopper > /tmp/faattn-random-hopper-1.fa
  for spec in tests/lit/cpu/masks.fa tests/lit/cpu/variants.fa tests/lit/cpu/hopper.fa \
      /tmp/faattn-random-1.fa /tmp/faattn-random-hopper-1.fa; do
    check "$spec" 300 "$spec" --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=77,seq_kv=161 \
      --shape b=2,seq_q=1000,seq_kv=1000 --shape b=1,seq_q=4097,seq_kv=3000
  done
  tally
fi
if [[ "$PARTS" == *" overlap "* ]]; then
  # overlap = softmax on every kernel of the catalogue and the variant and random hopper specs
  # that can take it (tools/spec-with-key.py --tma-forward), at the tests' and variants' shapes.
  python3 tests/cpu/gen_random_specs.py 2 20 hopper > /tmp/faattn-random-hopper-2.fa
  mkdir -p /tmp/faattn-overlap
  for spec in specs/*.fa tests/lit/cpu/variants.fa tests/lit/cpu/hopper.fa \
      /tmp/faattn-random-hopper-2.fa; do
    ov=/tmp/faattn-overlap/$(basename "$spec")
    python3 tools/spec-with-key.py "overlap = softmax" "$spec" "$ov" --tma-forward \
      | tee -a "$OUT/quick-tests.txt"
    grep -q "overlap = softmax" "$ov" || continue
    check "$ov" 300 "$ov" --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=100,seq_kv=77 \
      --shape b=1,seq_q=77,seq_kv=161 --shape b=2,seq_q=1000,seq_kv=1000 \
      --shape b=1,seq_q=4097,seq_kv=3000 --shape b=3,seq_q=2,seq_kv=3000
  done
  tally
fi
if [[ "$PARTS" == *" long-kv "* ]]; then
  # overlap = auto's long-KV builds (the runtime launches them from seq_kv 1024 where the cost
  # model says: KV blocks a tile against the launch's waves): every kernel that has one
  # (causal, gqa_causal, mqa, hd256, the grid's g128c, g256, g256c and g112) and the other
  # kernels of those files at shapes on both sides of the choice, odd ones included (1023:
  # below the floor; 16 x 1024: many waves, the main build; few waves, the long one);
  # faattn-run's line says build=long-kv(...) when the launch took it.
  for spec in specs/causal.fa specs/gqa.fa specs/mqa.fa specs/head-dims.fa bench/grid.fa \
      tests/lit/cpu/hopper.fa; do
    check "$spec" 300 "$spec" --shape b=1,seq_q=300,seq_kv=1023 --shape b=1,seq_q=300,seq_kv=1025 \
      --shape b=16,seq_q=1024,seq_kv=1024 --shape b=2,seq_q=1000,seq_kv=4099 \
      --shape b=1,seq_q=1,seq_kv=8192 --shape b=1,seq_q=4500,seq_kv=4500
  done
  echo "launches of a long-KV build: $(grep -c 'build=long-kv' "$OUT/quick-tests.txt")" \
    | tee -a "$OUT/quick-tests.txt"
  # The disk cache (format 5) with a long-KV build: the second process loads both builds and
  # launches each (seq_kv 4100 and 1000).
  rm -rf /tmp/faattn-cache-long
  for i in 1 2; do
    check "disk cache, process $i" 120 bench/grid.fa --kernel=g256c --cache-dir=/tmp/faattn-cache-long \
      --shape b=1,seq_q=300,seq_kv=4100 --shape b=1,seq_q=300,seq_kv=1000
  done
  grep -q '^g256c: from the disk cache (1 shape-dependent builds more)$' "$OUT/quick-tests.txt" ||
    { status=1; echo "FAILED: no disk hit with the long-KV build" | tee -a "$OUT/quick-tests.txt"; }
  tally
fi
if [[ "$PARTS" == *" tuning-tests "* ]]; then
  for k in $(tuning_kernels); do
    check "tuning $k" 40 bench/tuning.fa --kernel=$k --shape b=2,seq_q=1000,seq_kv=1000 \
      --shape b=1,seq_q=777,seq_kv=1500 --shape b=3,seq_q=2,seq_kv=300
  done
  tally
fi
if [[ "$PARTS" == *" tuning "* ]]; then
  for k in $(tuning_kernels); do
    for s in 4096 16384; do timed quick-tuning.txt bench/tuning.fa $k $s; done
  done
fi
if [[ "$PARTS" == *" bench "* ]]; then
  for k in g64 g64c g128 g128c g256 g256c window1024 alibi softcap document; do
    for s in 1024 4096 16384; do timed quick-bench.txt bench/grid.fa $k $s; done
  done
fi
if [[ "$PARTS" == *" sass "* ]]; then
  # The kernels of specs/ and bench/grid.fa compiled on the CPU machine (bundle/kernels.tar.xz):
  # HGMMA inside a loop of every wgmma kernel and no local memory (tools/sass-check.py), and
  # this machine's ptxas on their PTX (registers, spills).
  rm -rf /tmp/faattn-kernels && mkdir -p /tmp/faattn-kernels
  tar -xJf bundle/kernels.tar.xz -C /tmp/faattn-kernels
  # Each kernel and each of its shape-dependent alternatives (NAME.kvN.ptx, the same entry).
  list_builds() {
    python3 -c "
import json, sys
m = json.load(open(sys.argv[1]))
print(m['kernel'], m['kernel'], m['target'], m['mapping'])
for a in m.get('alternatives', []):
    print(a['ptx'][:-len('.ptx')], m['kernel'], m['target'], a['mapping'])" "$1"
  }
  for json in /tmp/faattn-kernels/*/*.json; do
    dir=$(dirname "$json") group=$(basename "$(dirname "$json")")
    list=$(list_builds "$json") || { status=1; echo "unreadable: $json" | tee -a "$OUT/sass.txt"; }
    while read -r name entry arch mapping; do
      expect=(); [ "$mapping" = wgmma ] && expect=(--expect-loop "$entry")
      label="$group/"; [ "$name" = "$entry" ] || label="$group/$name:"
      cuobjdump --dump-sass "$dir/$name.cubin" | python3 tools/sass-check.py --label "$label" "${expect[@]}" \
        | tee -a "$OUT/sass.txt"
      [ "${PIPESTATUS[1]}" -eq 0 ] || status=1
      ptxas -arch="$arch" -v -o /dev/null "$dir/$name.ptx" 2> "/tmp/$name.ptxas.txt" || status=1
      echo "$group/$name: $(grep -o 'Used [0-9]* registers' "/tmp/$name.ptxas.txt" | tail -1)," \
        "$(grep -o '[0-9]* bytes spill stores, [0-9]* bytes spill loads' "/tmp/$name.ptxas.txt" | tail -1)" \
        | tee -a "$OUT/ptxas.txt"
      ! grep -qE '[1-9][0-9]* bytes spill' "/tmp/$name.ptxas.txt" || status=1
    done <<< "$list"
  done
  ptxas --version | tail -1 >> "$OUT/ptxas.txt"
fi
if [[ "$PARTS" == *" sanitizer "* ]]; then
  for run in "memcheck specs/document-mask.fa" "racecheck specs/document-mask.fa" \
             "memcheck bench/tuning.fa --kernel=g128c_pp" "racecheck bench/tuning.fa --kernel=g128c_pp" \
             "memcheck bench/tuning.fa --kernel=g128c_ws" "racecheck bench/tuning.fa --kernel=g128c_ws" \
             "memcheck bench/tuning.fa --kernel=document_persist --shape=b=1,seq_q=1500,seq_kv=1000" \
             "racecheck bench/tuning.fa --kernel=document_persist --shape=b=1,seq_q=1500,seq_kv=1000" \
             "memcheck bench/tuning.fa --kernel=g128c_ovpp" "racecheck bench/tuning.fa --kernel=g128c_ovpp" \
             "memcheck bench/tuning.fa --kernel=document_ovws" "racecheck bench/tuning.fa --kernel=document_ovws" \
             "memcheck bench/tuning.fa --kernel=g128c_ovpersist --shape=b=1,seq_q=1500,seq_kv=1000" \
             "racecheck bench/tuning.fa --kernel=g128c_ovpersist --shape=b=1,seq_q=1500,seq_kv=1000" \
             "memcheck bench/grid.fa --kernel=g256c --shape=b=1,seq_q=4100,seq_kv=4100"; do
    set -- $run
    [[ "$run" == *--shape* ]] || set -- "$@" --shape=b=2,seq_q=300,seq_kv=400
    timeout 120 compute-sanitizer --tool "$1" --error-exitcode 3 faattn-run --gpu "${@:2}" \
      >> "$OUT/sanitizer.txt" 2>&1
    echo "$run exit=$?" | tee -a "$OUT/sanitizer.txt"
  done
fi
if [[ "$PARTS" == *" scan-cost "* ]]; then
  OUT="$OUT" bash bench/experiments/scan-cost.sh > /dev/null || status=1
fi
exit $status
