#!/usr/bin/env bash
# The GPU machine's one command: runs the GPU test suite and the benchmarks from the static
# bundle (tools/bundle.sh builds it on a CPU machine; the GPU machine has the CUDA driver,
# ptxas, libdevice and PyTorch but no MLIR/LLVM) and writes the results under $OUT.
#
#   bash tools/gpu-suite.sh [bundle-dir]        # default: bundle
#
# Writes: $OUT/gpu-tests.txt (one line per kernel and shape), $OUT/quickstart.txt, $OUT/sanitizer.txt,
# $OUT/bench.json (bench/bench.py: faattn and the peers in one run), $OUT/results.json,
# $OUT/python-tests.txt (the Python package's pytest suite on CUDA tensors: part `python`),
# $OUT/bench-backward.json (part `backward-peers`, not a default: bench/bench_backward.py,
# faattn's backward and the peers' on issue 22's grid and variants),
# $OUT/fp8-tests.txt and $OUT/fp8-accuracy.json (part `fp8`, a default: the e4m3 kernels with
# dequantization factors and the e4m3 KV cache at odd shapes, a NaN factor, their sanitizer
# runs, and bench/fp8_accuracy.py on the GPU; their pytest cases run in part `python`),
# $OUT/e4m3-kv-tests.txt and $OUT/bench-e4m3-kv.json (part `e4m3-kv`, a default: the experimental
# tensor-core lowering of e4m3 K/V, FAATTN_EXPERIMENTAL_E4M3_KV=1: numerics, sanitizers, and
# bench/bench.py's decode and decode_e4m3 parts in one run), $OUT/varlen-tests.txt (part
# `varlen`, a default: packed sequences and paged e4m3 on the TMA pipeline, the default since
# PERFORMANCE step 71 (FAATTN_PACKED_THREAD_COPIES=1 keeps the thread copies), at ragged lengths,
# another sequence's NaN key row, sanitizers), $OUT/fp8-wgmma-tests.txt and
# $OUT/bench-fp8.json (part `fp8-wgmma`, a default: e4m3 Q, K, V on the FP8 wgmma, the default
# lowering since PERFORMANCE step 51: numerics, the NaN rule, sanitizers, bench.py's fp8 grid; step 77's
# lean transposition's sanitizers, step 76's rotated form's numerics), $OUT/padded-head-dims-tests.txt and
# $OUT/bench-padded-head-dims.json (part `padded-head-dims`, a default: head dims of multiples of
# 8 padded to 16 on the tensor cores, FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1: numerics,
# sanitizers, bench.py's paddeddims rows), $OUT/backward-wgmma-tests.txt and
# $OUT/backward-wgmma-bench.json (part `backward-wgmma`, a default: the tensor-core backward's
# sanitizers, the SIMT backward forced with FAATTN_BACKWARD_SIMT=1, the backward timed
# against SDPA with bench/experiments/backward_vs_sdpa.py, and the deterministic backward's
# bits and cost, $OUT/backward-deterministic.json; part `backward` has the numerics).
# GPU_SUITE_PARTS picks parts (default: every default part); GPU_SUITE_SANITIZE=0 skips the
# compute-sanitizer runs and GPU_SUITE_BENCH=0 part fp8-wgmma's timing (a numerics-only call).
set -uo pipefail
cd "$(dirname "$0")/.."
BUNDLE=${1:-bundle}
OUT=${OUT:-/tmp/faattn-gpu-out}
mkdir -p "$OUT"
for xz in "$BUNDLE"/bin/*.xz "$BUNDLE"/lib/*.xz; do
  [ -e "$xz" ] || continue
  bin="/tmp/faattn-bundle/$(basename "${xz%.xz}")"
  mkdir -p /tmp/faattn-bundle && xz -dc "$xz" > "$bin" && chmod +x "$bin"
done
[ -d /tmp/faattn-bundle ] && BUNDLE_BIN=/tmp/faattn-bundle || BUNDLE_BIN="$PWD/$BUNDLE/bin"
export PATH="$BUNDLE_BIN:/usr/local/cuda/bin:$PATH"
RUN="$BUNDLE_BIN/faattn-run"
# The C library of the Python package (tools/bundle.sh with BUNDLE_PARTS including python).
LIB="$BUNDLE_BIN/libfaattn_c.so"
[ -f "$LIB" ] || LIB="$PWD/$BUNDLE/lib/libfaattn_c.so"
nvidia-smi -L | tee "$OUT/device.txt"

# The random specs of tests/cpu/gen_random_specs.py (as CI runs them on the CPU) of KIND
# (hopper, e4m3, backward) for each SEED, in /tmp/faattn-random-KIND-SEED.fa; the
# generator is deterministic, so a file another part wrote is kept.
random_specs() {
  local kind=$1 count=20 seed
  [ "$kind" = e4m3 ] && count=12
  shift
  for seed in "$@"; do
    [ -f "/tmp/faattn-random-$kind-$seed.fa" ] ||
      python3 tests/cpu/gen_random_specs.py "$seed" "$count" "$kind" > "/tmp/faattn-random-$kind-$seed.fa"
  done
}
# compute-sanitizer's memcheck, then racecheck, on each KERNEL of SPEC at SHAPE: a line
# "TOOL KERNEL exit=N" each (3: the tool found an error; collect fails the part on it).
sanitize() {
  local spec=$1 shape=$2 tool k
  shift 2
  [ "${GPU_SUITE_SANITIZE:-1}" = 1 ] || return 0 # GPU_SUITE_SANITIZE=0: numerics only
  for tool in memcheck racecheck; do
    for k in "$@"; do
      timeout 300 compute-sanitizer --tool "$tool" --error-exitcode 3 "$RUN" --gpu "$spec" \
        --kernel="$k" --shape "$shape"
      echo "$tool $k exit=$?"
    done
  done
}
# The backward's other arms, each with its variable: the experimental block copies
# (PERFORMANCE step 49), dQ by atomic adds (before step 58), the products overlapped (step 59)
# the descriptors hoisted (before step 60), the pre and post grids a thread per row (before
# step 65) and the main grid's CTA one warpgroup of 64 keys (before step 67).
# GPU_SUITE_BACKWARD_ARMS picks some.
COPY_ARMS=${GPU_SUITE_BACKWARD_ARMS:-4 8 registers prefetch dqatomic overlap hoisteddesc rowthreads onewg}
copy_arm_vars() {
  case $1 in
    rowthreads) echo FAATTN_BACKWARD_THREAD_PER_ROW=1 ;;
    onewg) echo FAATTN_BACKWARD_ONE_WARPGROUP=1 ;;
    dqatomic) echo FAATTN_BACKWARD_DQ_ATOMIC=1 ;;
    overlap) echo FAATTN_EXPERIMENTAL_BACKWARD_OVERLAP=1 ;;
    hoisteddesc) echo FAATTN_BACKWARD_HOISTED_DESCRIPTORS=1 ;;
    registers) echo FAATTN_BACKWARD_COPY_REGISTERS=1 ;;
    prefetch) echo FAATTN_EXPERIMENTAL_BACKWARD_COPY_PREFETCH=1 ;;
    *) echo "FAATTN_BACKWARD_COPY_REGISTERS=1 FAATTN_EXPERIMENTAL_BACKWARD_COPY_BATCH=$1" ;;
  esac
}
# A part's log: its numerics lines join gpu-tests.txt (results.json counts them), and a FAIL or
# a nonzero exit fails the suite.
collect() {
  grep -E " PASS| FAIL|UNWRITTEN" "$1" >> "$OUT/gpu-tests.txt"
  grep -qE "FAIL|exit=[1-9]" "$1" && status=1
}
PARTS=${GPU_SUITE_PARTS:-tests backward backward-wgmma variants overlap semantics quickstart sanitizer python fp8 e4m3-kv varlen fp8-wgmma padded-head-dims bench}
status=0
if [[ " $PARTS " == *" tests "* ]]; then
echo "== GPU numerics: every spec at odd shapes"
: > "$OUT/gpu-tests.txt"
for spec in specs/*.fa; do
  # The backward kernels at their own shapes (part `backward`: the float64 reference
  # backward on the host is O(seq_q * seq_kv * heads * dim)).
  [ "$spec" = specs/backward.fa ] && continue
  timeout 300 "$RUN" --gpu "$spec" \
    --shape b=1,seq_q=1,seq_kv=1 \
    --shape b=8,seq_q=1000,seq_kv=1000 \
    --shape b=1,seq_q=4097,seq_kv=4097 \
    --shape b=2,seq_q=1000,seq_kv=4097 \
    --shape b=1,seq_q=4097,seq_kv=1000 \
    --shape b=1,seq_q=1,seq_kv=4097 \
    --shape b=3,seq_q=2,seq_kv=3000 2>&1 | tee -a "$OUT/gpu-tests.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
echo "== GPU numerics: every head dim of the TMA path (tests/lit/cpu/head-dims.fa)"
timeout 400 "$RUN" --gpu tests/lit/cpu/head-dims.fa \
  --shape b=1,seq_q=1,seq_kv=1 \
  --shape b=2,seq_q=1000,seq_kv=777 \
  --shape b=1,seq_q=4097,seq_kv=4097 \
  --shape b=3,seq_q=2,seq_kv=3000 2>&1 | tee -a "$OUT/gpu-tests.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
# Decode on the wgmma path at odd lengths: decode-wgmma.fa (seq_q 1..16; dense and paged, head
# dims, masks), decode-packed.fa (GQA packing: a tile row's head, seq_q 17 = two q-blocks),
# decode-varlen.fa (packed query rows split over the KV range: ragged lengths, an empty
# sequence at b >= 3, the workspace's S rows shared by every sequence).
for f in decode-wgmma decode-packed decode-varlen; do
  echo "== GPU numerics: decode on the wgmma path (tests/lit/cpu/$f.fa)"
  timeout 500 "$RUN" --gpu tests/lit/cpu/$f.fa \
    --shape b=1,seq_q=1,seq_kv=1 \
    --shape b=3,seq_q=1,seq_kv=17 \
    --shape b=2,seq_q=$([ $f = decode-packed ] && echo 17 || echo 16),seq_kv=4097 \
    --shape b=1,seq_q=1,seq_kv=131073 2>&1 | tee -a "$OUT/gpu-tests.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
echo "== GPU numerics: paged decode captured into a CUDA graph, replayed with other lengths (--graph)"
for k in dec_page1 dec_page16 dec_page64 dec_page256; do
  timeout 200 "$RUN" --gpu tests/lit/cpu/decode-wgmma.fa --kernel=$k --graph \
    --shape b=3,seq_q=1,seq_kv=4097 --shape b=4,seq_q=16,seq_kv=1000 2>&1 | tee -a "$OUT/gpu-tests.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
fi
if [[ " $PARTS " == *" backward "* ]]; then
echo "== GPU numerics: the backward (the tensor-core one where it applies, else SIMT) against the float64 reference"
for spec in specs/backward.fa tests/lit/cpu/backward.fa tests/lit/cpu/backward-varlen.fa \
    tests/lit/cpu/backward-deterministic.fa; do
  timeout 400 "$RUN" --gpu "$spec" --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=77,seq_kv=130 \
    --shape b=2,seq_q=300,seq_kv=517 --shape b=1,seq_q=1000,seq_kv=1000 2>&1 | tee -a "$OUT/gpu-tests.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
# The random backward specs CI runs on the CPU (tests/cpu/run-random.sh), on the GPU.
random_specs backward 1 2 3 4
for seed in 1 2 3 4; do
  timeout 300 "$RUN" --gpu "/tmp/faattn-random-backward-$seed.fa" --shape b=3,seq_q=45,seq_kv=70 \
    --shape b=1,seq_q=70,seq_kv=33 2>&1 | tee -a "$OUT/gpu-tests.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
fi
if [[ " $PARTS " == *" variants "* ]]; then
echo "== GPU numerics: the lit variant specs and random specs (tests/cpu/gen_random_specs.py)"
for seed in 1 2 3 4 5 6 7 8; do
  python3 tests/cpu/gen_random_specs.py "$seed" 20 > "/tmp/faattn-random-$seed.fa"
done
# Random kernels of the tensor-core path (wgmma + TMA) too, and random e4m3 kernels with
# dequantization factors (e4m3 inputs, or an e4m3 KV cache).
random_specs hopper 1 2 3 4
random_specs e4m3 1 2
for spec in tests/lit/cpu/masks.fa tests/lit/cpu/variants.fa tests/lit/cpu/decode.fa \
    tests/lit/cpu/hopper.fa /tmp/faattn-random-*.fa; do
  timeout 300 "$RUN" --gpu "$spec" --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=77,seq_kv=161 \
    2>&1 | tee -a "$OUT/gpu-tests.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done

fi
if [[ " $PARTS " == *" overlap "* ]]; then
echo "== GPU numerics: overlap = softmax (faattn-overlap-softmax's rotated loops) wherever it applies"
mkdir -p /tmp/faattn-overlap
random_specs hopper 1 2 3 4
for spec in specs/*.fa tests/lit/cpu/variants.fa tests/lit/cpu/hopper.fa tests/lit/cpu/head-dims.fa \
    /tmp/faattn-random-hopper-*.fa; do
  ov=/tmp/faattn-overlap/$(basename "$spec")
  python3 tools/spec-with-key.py "overlap = softmax" "$spec" "$ov" --tma-forward
  grep -q "overlap = softmax" "$ov" || continue
  timeout 300 "$RUN" --gpu "$ov" --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=100,seq_kv=77 \
    --shape b=1,seq_q=77,seq_kv=161 --shape b=2,seq_q=1000,seq_kv=4097 \
    --shape b=3,seq_q=2,seq_kv=3000 2>&1 | tee -a "$OUT/gpu-tests.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done

fi
if [[ " $PARTS " == *" semantics "* ]]; then
echo "== GPU numerics: i32 division by 0 / INT_MIN by -1, and NaN propagation (docs/spec-language.md)"
sem=/tmp/faattn-semantics && mkdir -p $sem
for n in 77 300 4097; do
  python3 -c "import struct,sys; n=int(sys.argv[2]); open(sys.argv[1],'wb').write(struct.pack('<%df' % n, *[float('nan') if i == 20 else 0.25 for i in range(n)]))" $sem/bad$n $n
  python3 -c "import struct,sys; n=int(sys.argv[2]); open(sys.argv[1],'wb').write(struct.pack('<%di' % n, *[(i % 5) - 1 for i in range(n)]))" $sem/d$n $n
done
semrun() { timeout 300 "$RUN" --gpu "$@" 2>&1 | tee -a "$OUT/gpu-tests.txt"; [ "${PIPESTATUS[0]}" -eq 0 ] || status=1; }
semrun tests/lit/cpu/division.fa --kernel=div_by_mod --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=1000,seq_kv=4097
semrun tests/lit/cpu/division.fa --kernel=div_by_mod_simt --shape b=2,seq_q=100,seq_kv=77
semrun tests/lit/cpu/division.fa --kernel=int_min --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=1000,seq_kv=4097
for k in div_by_param div_by_param_simt; do
  semrun tests/lit/cpu/division.fa --kernel=$k --shape b=2,seq_q=100,seq_kv=77 --param d=$sem/d77
  semrun tests/lit/cpu/division.fa --kernel=$k --shape b=1,seq_q=1000,seq_kv=4097 --param d=$sem/d4097
done
for k in nan_causal nan_simt; do
  semrun tests/lit/cpu/nan.fa --kernel=$k --shape b=2,seq_q=100,seq_kv=77 --param bad=$sem/bad77
  semrun tests/lit/cpu/nan.fa --kernel=$k --shape b=1,seq_q=1000,seq_kv=4097 --param bad=$sem/bad4097
done
semrun tests/lit/cpu/nan.fa --kernel=nan_decode --shape b=2,seq_q=1,seq_kv=300 --param bad=$sem/bad300
semrun tests/lit/cpu/nan.fa --kernel=nan_decode --shape b=2,seq_q=1,seq_kv=4097 --param bad=$sem/bad4097
fi
if [[ " $PARTS " == *" quickstart "* ]]; then
echo "== the C++ API (examples/quickstart.cpp): a cold compile, then the disk cache"
export FAATTN_CACHE_DIR=/tmp/faattn-cache-$$
"$BUNDLE_BIN/faattn-quickstart" 2>&1 | tee "$OUT/quickstart.txt" || status=1
"$BUNDLE_BIN/faattn-quickstart" 2>&1 | tee -a "$OUT/quickstart.txt" || status=1

fi
if [[ " $PARTS " == *" sanitizer "* ]]; then
echo "== compute-sanitizer (memcheck, racecheck)"
: > "$OUT/sanitizer.txt"
# Forward kernels (TMA pipeline: causal, GQA with the LSE, the document block scan), varlen
# (thread-copied), and split-KV decode over a paged cache (two kernels, a workspace).
for tool in memcheck racecheck; do
  for spec in specs/causal.fa specs/gqa.fa specs/document-mask.fa specs/varlen.fa specs/decode-paged.fa \
      specs/backward.fa; do
    timeout 300 compute-sanitizer --tool "$tool" --error-exitcode 3 "$RUN" --gpu "$spec" \
      --shape b=3,seq_q=130,seq_kv=200 >> "$OUT/sanitizer.txt" 2>&1
    echo "$tool $spec exit=$?" | tee -a "$OUT/sanitizer.txt"
  done
  # overlap = softmax with the cooperative producer and the document mask's head block.
  timeout 300 compute-sanitizer --tool "$tool" --error-exitcode 3 "$RUN" --gpu bench/tuning.fa \
    --kernel=document_ovws --shape b=3,seq_q=130,seq_kv=200 >> "$OUT/sanitizer.txt" 2>&1
  echo "$tool bench/tuning.fa:document_ovws exit=$?" | tee -a "$OUT/sanitizer.txt"
  # overlap = auto's long-KV build (launched from seq_kv 4096), head dim 256 without a mask.
  timeout 300 compute-sanitizer --tool "$tool" --error-exitcode 3 "$RUN" --gpu specs/head-dims.fa \
    --kernel=hd256 --shape b=1,seq_q=130,seq_kv=4100 >> "$OUT/sanitizer.txt" 2>&1
  echo "$tool specs/head-dims.fa:hd256 (long-KV build) exit=$?" | tee -a "$OUT/sanitizer.txt"
  # Decode's split grid on wgmma: TMA (GQA, several query rows) and thread-copied pages.
  for k in dec_gqa dec_spec dec_page16; do
    timeout 300 compute-sanitizer --tool "$tool" --error-exitcode 3 "$RUN" --gpu \
      tests/lit/cpu/decode-wgmma.fa --kernel=$k --shape b=3,seq_q=5,seq_kv=700 >> "$OUT/sanitizer.txt" 2>&1
    echo "$tool tests/lit/cpu/decode-wgmma.fa:$k exit=$?" | tee -a "$OUT/sanitizer.txt"
  done
  # varlen decode: the split grid's packed stores and the combine's rows from cu_seqlens_q.
  for k in vdecode_spec vdecode_packed; do
    timeout 300 compute-sanitizer --tool "$tool" --error-exitcode 3 "$RUN" --gpu \
      tests/lit/cpu/decode-varlen.fa --kernel=$k --shape b=4,seq_q=7,seq_kv=700 >> "$OUT/sanitizer.txt" 2>&1
    echo "$tool tests/lit/cpu/decode-varlen.fa:$k exit=$?" | tee -a "$OUT/sanitizer.txt"
  done
  # GQA packing: a whole tile of heads (MQA 64 : 1) and per-head masks over two q-blocks.
  for k in pk_mqa64 pk_head_mask; do
    timeout 300 compute-sanitizer --tool "$tool" --error-exitcode 3 "$RUN" --gpu \
      tests/lit/cpu/decode-packed.fa --kernel=$k --shape b=3,seq_q=17,seq_kv=700 >> "$OUT/sanitizer.txt" 2>&1
    echo "$tool tests/lit/cpu/decode-packed.fa:$k exit=$?" | tee -a "$OUT/sanitizer.txt"
  done
  # The 32- and 64-byte swizzles (head dims 80 and 96 : 64) and the LSE at head dim 80.
  for k in hd80 hd96v64 hd80_f16_lse; do
    timeout 300 compute-sanitizer --tool "$tool" --error-exitcode 3 "$RUN" --gpu \
      tests/lit/cpu/head-dims.fa --kernel=$k --shape b=3,seq_q=130,seq_kv=200 >> "$OUT/sanitizer.txt" 2>&1
    echo "$tool tests/lit/cpu/head-dims.fa:$k exit=$?" | tee -a "$OUT/sanitizer.txt"
  done
done

fi
if [[ " $PARTS " == *" fp8 "* ]]; then
echo "== e4m3 with dequantization factors, and the e4m3 KV cache (docs/FP8.md)"
random_specs e4m3 1 2
{
  for spec in specs/fp8-forward.fa specs/decode-paged.fa /tmp/faattn-random-e4m3-*.fa; do
    timeout 300 "$RUN" --gpu "$spec" --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=1,seq_kv=4097 \
      --shape b=3,seq_q=17,seq_kv=300
    echo "exit=$? $spec"
  done
  # A NaN factor at a masked key changes nothing; where the key is kept, its rows are NaN.
  python3 -c "import struct,sys; n=int(sys.argv[2]); open(sys.argv[1],'wb').write(struct.pack('<%df' % n, *[float('nan') if i == 20 else 0.25 for i in range(n)]))" /tmp/faattn-bad77 77
  timeout 300 "$RUN" --gpu tests/lit/cpu/nan.fa --kernel=nan_v_descale --shape b=2,seq_q=100,seq_kv=77 \
    --param bad=/tmp/faattn-bad77
  echo "exit=$? nan_v_descale"
  for tool in memcheck racecheck; do
    for k in fp8_scaled decode_paged_fp8; do
      spec=specs/fp8-forward.fa; [ $k = decode_paged_fp8 ] && spec=specs/decode-paged.fa
      timeout 300 compute-sanitizer --tool "$tool" --error-exitcode 3 "$RUN" --gpu "$spec" \
        --kernel=$k --shape b=2,seq_q=33,seq_kv=130
      echo "$tool $k exit=$?"
    done
  done
} 2>&1 | tee "$OUT/fp8-tests.txt"
collect "$OUT/fp8-tests.txt"
if [ -f "$LIB" ]; then
  FAATTN_LIBRARY="$LIB" PYTHONPATH="$PWD/python" timeout 300 python3 bench/fp8_accuracy.py \
    --device cuda --out "$OUT/fp8-accuracy.json" 2>&1 | tee -a "$OUT/fp8-tests.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
else
  echo "no libfaattn_c.so in the bundle: bench/fp8_accuracy.py skipped" | tee -a "$OUT/fp8-tests.txt"
fi

fi
if [[ " $PARTS " == *" e4m3-kv "* ]]; then
echo "== experimental: e4m3 K/V on the tensor cores (FAATTN_EXPERIMENTAL_E4M3_KV=1; docs/FP8.md)"
random_specs e4m3 1 2
{
  export FAATTN_EXPERIMENTAL_E4M3_KV=1
  # Numerics at odd lengths (the random files' kernels with e4m3 Q stay SIMT: the build line
  # says which lowering each kernel got), then a long cache.
  for spec in tests/lit/cli/Inputs/e4m3-kv.fa specs/decode-paged.fa bench/decode-e4m3.fa \
      /tmp/faattn-random-e4m3-*.fa; do
    timeout 300 "$RUN" --gpu "$spec" --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=1,seq_kv=4097 \
      --shape b=3,seq_q=17,seq_kv=300 --shape b=2,seq_q=16,seq_kv=1
    echo "exit=$? $spec"
  done
  timeout 300 "$RUN" --gpu bench/decode-e4m3.fa --shape b=1,seq_q=1,seq_kv=131073
  echo "exit=$? bench/decode-e4m3.fa (131073)"
  sanitize tests/lit/cli/Inputs/e4m3-kv.fa b=2,seq_q=33,seq_kv=300 \
    decode_paged_fp8 decode_dense64 prefill_causal spec_decode
} 2>&1 | tee "$OUT/e4m3-kv-tests.txt"
collect "$OUT/e4m3-kv-tests.txt"
# The e4m3 decode beside its bf16 twins (and SDPA) in one run.
FAATTN_EXPERIMENTAL_E4M3_KV=1 timeout 900 python3 bench/bench.py --faattn-run "$RUN" \
  --out "$OUT/bench-e4m3-kv.json" --parts decode,decode_e4m3 2>&1 | tail -30 | tee -a "$OUT/e4m3-kv-tests.txt"

fi
if [[ " $PARTS " == *" varlen "* ]]; then
echo "== packed sequences (varlen) and paged e4m3 on the TMA pipeline (tests/lit/cpu/varlen-tma.fa)"
{
  # Ragged lengths (sequence 0 at the full lengths, sequence 2 empty at b >= 3) at odd sizes;
  # then sequence 1's first key row NaN (--nan-key=1:0): sequence 0's last block reads it
  # (its length is not a multiple of block_n) and must not take it into its rows.
  timeout 300 "$RUN" --gpu tests/lit/cpu/varlen-tma.fa --shape b=1,seq_q=1,seq_kv=1 \
    --shape b=3,seq_q=100,seq_kv=77 --shape b=4,seq_q=300,seq_kv=517 --shape b=2,seq_q=1000,seq_kv=4097
  echo "exit=$? varlen-tma.fa"
  timeout 300 "$RUN" --gpu tests/lit/cpu/varlen-tma.fa --nan-key=1:0 --shape b=2,seq_q=300,seq_kv=130 \
    --shape b=3,seq_q=77,seq_kv=1000
  echo "exit=$? varlen-tma.fa --nan-key=1:0"
  # (Kernels whose masks keep key 0 for every row: a NaN key that a row's mask leaves out but
  # its KV block holds gives NaN there, P = 0 times NaN, in the dense kernels too.)
  for sk in specs/varlen.fa:varlen_causal tests/lit/cpu/fp8-out.fa:o8_varlen; do
    timeout 300 "$RUN" --gpu ${sk%%:*} --kernel=${sk##*:} --nan-key=1:0 --shape b=3,seq_q=100,seq_kv=300
    echo "exit=$? $sk --nan-key=1:0"
  done
  # (Not vdecode_packed: its window, kv_idx >= seq_kv - 40 - 50 h, leaves key 0 out of
  # sequence 1's rows, so the NaN may reach them by spec-language 6.6's rule: rel_l2 inf on an
  # H100, 2026-12-07, and on the CPU path alike, which reads no other sequence's rows.)
  for k in vdecode_gqa vdecode_spec vdecode_alibi; do
    timeout 300 "$RUN" --gpu tests/lit/cpu/decode-varlen.fa --kernel=$k --nan-key=1:0 \
      --shape b=3,seq_q=5,seq_kv=300 --shape b=2,seq_q=16,seq_kv=4097
    echo "exit=$? decode-varlen.fa:$k --nan-key=1:0"
  done
  sanitize tests/lit/cpu/varlen-tma.fa b=3,seq_q=100,seq_kv=300 vl128c vl_coop vl_pingpong vl_e4m3 \
    vl_e4m3_coop pg_e4m3
} 2>&1 | tee "$OUT/varlen-tests.txt"
collect "$OUT/varlen-tests.txt"
fi
if [[ " $PARTS " == *" fp8-wgmma "* ]]; then
echo "== e4m3 Q, K, V on the FP8 wgmma (docs/FP8.md)"
random_specs e4m3 1 2
{
  # Every forward variant at odd lengths (faattn-run holds these kernels to the tolerance of P
  # in e4m3, 5e-2; the random files' kernels the lowering leaves stay SIMT at 1e-2).
  # Also square causal lengths (b=2, 300 x 300: every q-block's diagonal, the last cut) and the
  # example module's kernel (examples/fp8.fa: GQA 32 : 8, factors per row of Q and K, per head
  # of V), whose Python test failed on the GPU at 0.167 (2026-12-06) while these passed.
  for spec in tests/lit/cpu/fp8-wgmma.fa specs/fp8-forward.fa examples/fp8.fa /tmp/faattn-random-e4m3-*.fa; do
    timeout 300 "$RUN" --gpu "$spec" --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=100,seq_kv=77 \
      --shape b=2,seq_q=300,seq_kv=300 --shape b=1,seq_q=1000,seq_kv=4097
    echo "exit=$? $spec"
  done
  # The experimental rotated loops for e4m3 (FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1; PERFORMANCE
  # step 74; under schedule = pingpong, FA3's FP8 schedule, f8o_pp: step 78), at the same shapes.
  FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1 timeout 300 "$RUN" --gpu tests/lit/cpu/fp8-overlap.fa \
    --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=100,seq_kv=77 --shape b=2,seq_q=300,seq_kv=300 \
    --shape b=1,seq_q=1000,seq_kv=4097
  echo "exit=$? tests/lit/cpu/fp8-overlap.fa (FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1)"
  # The transposition of V (lean, the default since PERFORMANCE step 77): the sanitizers of the
  # cooperative head dim 256 form (64 of the 96 producer threads transpose), and step 76's
  # rotated form (FAATTN_E4M3_TRANSPOSE=rotated, kept for A/B runs) at the same shapes.
  sanitize tests/lit/cpu/fp8-wgmma.fa b=2,seq_q=300,seq_kv=517 f8_hd256 f8_coop
  FAATTN_E4M3_TRANSPOSE=rotated timeout 300 "$RUN" --gpu tests/lit/cpu/fp8-wgmma.fa \
    --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=1000,seq_kv=4097
  echo "exit=$? tests/lit/cpu/fp8-wgmma.fa (FAATTN_E4M3_TRANSPOSE=rotated)"
  # A quantizer's V factor (amax / 448, here 0.004 per (batch, head)): P V's rows weighed, P
  # rounded alone (PERFORMANCE step 55; P * 0.004 in e4m3 was 17% off).
  python3 -c "import struct; open('/tmp/faattn-vs-small','wb').write(struct.pack('<4f', *[0.004] * 4))"
  timeout 300 "$RUN" --gpu tests/lit/cpu/fp8-wgmma.fa --kernel=f8_head_scale --shape b=2,seq_q=300,seq_kv=300 \
    --param vs=/tmp/faattn-vs-small
  echo "exit=$? f8_head_scale, small V factors"
  python3 -c "import struct; open('/tmp/faattn-vsk-small','wb').write(struct.pack('<1200f', *[0.004 + 1e-5 * (i % 7) for i in range(1200)]))"
  timeout 300 "$RUN" --gpu tests/lit/cpu/fp8-wgmma.fa --kernel=f8_block_scale --shape b=2,seq_q=300,seq_kv=300 \
    --param vs=/tmp/faattn-vsk-small
  echo "exit=$? f8_block_scale, small V factors per key"
  # The NaN rule through P's e4m3 rounding: a NaN factor of V at a kept key makes its rows NaN
  # (NaN survives cvt.rn.satfinite), at a key scored -inf nothing.
  python3 -c "import struct,sys; n=int(sys.argv[2]); open(sys.argv[1],'wb').write(struct.pack('<%df' % n, *[float('nan') if i == 20 else 0.25 for i in range(n)]))" /tmp/faattn-bad77 77
  python3 -c "import struct,sys; n=int(sys.argv[2]); open(sys.argv[1],'wb').write(struct.pack('<%df' % n, *[float('-inf') if i == 20 else 0.0 for i in range(n)]))" /tmp/faattn-ninf77 77
  timeout 300 "$RUN" --gpu tests/lit/cpu/nan.fa --kernel=nan_v_descale --shape b=2,seq_q=100,seq_kv=77 \
    --param bad=/tmp/faattn-bad77
  echo "exit=$? nan_v_descale"
  timeout 300 "$RUN" --gpu tests/lit/cpu/nan.fa --kernel=ninf_v_descale --shape b=2,seq_q=100,seq_kv=77 \
    --param bad=/tmp/faattn-bad77 --param ninf=/tmp/faattn-ninf77
  echo "exit=$? ninf_v_descale"
  # Query factors folded into the exponent (faattn-fold-row-factors, PERFORMANCE step 70): a
  # negative one reads as NaN (row 30), a zero one keeps the masked keys at 0 (-inf * 2^-100),
  # and a negative per-key K factor (not folded) reads as NaN too; the folded kernels' sanitizers.
  python3 -c "import struct; open('/tmp/faattn-qn','wb').write(struct.pack('<100f', *[-0.5 if i == 30 else 0.5 for i in range(100)]))"
  python3 -c "import struct; open('/tmp/faattn-qz','wb').write(struct.pack('<100f', *[0.0 if i == 30 else 0.5 for i in range(100)]))"
  python3 -c "import struct; open('/tmp/faattn-kn','wb').write(struct.pack('<77f', *[-0.25 if i == 20 else 0.5 for i in range(77)]))"
  for kp in neg_q_descale:qn zero_q_descale:qz neg_k_descale:kn; do
    timeout 300 "$RUN" --gpu tests/lit/cpu/nan.fa --kernel=${kp%%:*} --shape b=2,seq_q=100,seq_kv=77 \
      --param ${kp##*:}=/tmp/faattn-${kp##*:}
    echo "exit=$? ${kp%%:*}"
  done
  sanitize tests/lit/cpu/fp8-wgmma.fa b=2,seq_q=100,seq_kv=77 f8_head_scale f8_block_scale
  # e4m3 outputs (out_dtype = e4m3, o_descale; tests/lit/cpu/fp8-out.fa): the bytes decoded
  # against clamp(out / o_descale) at e4m3OutputTolerance; o8_unit (factor 1) at short lengths
  # only (long rows' small outputs are subnormal there), the others at 300 x 300 and 1000 x 4097
  # too; its sanitizers (byte stores of O).
  timeout 300 "$RUN" --gpu tests/lit/cpu/fp8-out.fa --shape b=1,seq_q=1,seq_kv=1 \
    --shape b=2,seq_q=100,seq_kv=77
  echo "exit=$? fp8-out.fa"
  for k in o8_tensor o8_head o8_row o8_coop o8_varlen o8_bf16 o8_qrow; do
    timeout 300 "$RUN" --gpu tests/lit/cpu/fp8-out.fa --kernel=$k --shape b=2,seq_q=300,seq_kv=300 \
      --shape b=1,seq_q=1000,seq_kv=4097
    echo "exit=$? fp8-out.fa $k"
  done
  sanitize tests/lit/cpu/fp8-out.fa b=2,seq_q=100,seq_kv=77 o8_tensor o8_row o8_varlen
  # The cooperative schedule (the producer warpgroup transposes V, PERFORMANCE step 54): every
  # kernel of the file under it, its sanitizers (racecheck: the transposed barriers' protocol).
  python3 tools/spec-with-key.py "schedule = cooperative" tests/lit/cpu/fp8-wgmma.fa /tmp/faattn-fp8-coop.fa
  timeout 300 "$RUN" --gpu /tmp/faattn-fp8-coop.fa --shape b=1,seq_q=1,seq_kv=1 \
    --shape b=2,seq_q=100,seq_kv=77 --shape b=1,seq_q=1000,seq_kv=4097
  echo "exit=$? fp8-wgmma.fa, schedule = cooperative"
  sanitize tests/lit/cpu/fp8-wgmma.fa b=1,seq_q=130,seq_kv=200 f8_coop
  sanitize /tmp/faattn-fp8-coop.fa b=2,seq_q=300,seq_kv=1000 f8_hd256 f8_lse
  sanitize tests/lit/cpu/fp8-wgmma.fa b=1,seq_q=130,seq_kv=200 f8_block_scale f8_hd256 f8_document
} 2>&1 | tee "$OUT/fp8-wgmma-tests.txt"
collect "$OUT/fp8-wgmma-tests.txt"
# Issue 24's grid beside faattn's bf16 kernels in one run, then under the cooperative schedule
# (not with GPU_SUITE_BENCH=0).
[ "${GPU_SUITE_BENCH:-1}" = 1 ] && timeout 900 python3 bench/bench.py --faattn-run "$RUN" \
  --out "$OUT/bench-fp8.json" --parts fp8 2>&1 | tail -20 | tee -a "$OUT/fp8-wgmma-tests.txt"
python3 tools/spec-with-key.py "schedule = cooperative" bench/fp8-grid.fa /tmp/faattn-fp8-grid-coop.fa
[ "${GPU_SUITE_BENCH:-1}" = 1 ] && timeout 900 python3 bench/bench.py --faattn-run "$RUN" --fp8-spec /tmp/faattn-fp8-grid-coop.fa \
  --out "$OUT/bench-fp8-coop.json" --parts fp8 2>&1 | tail -20 | tee -a "$OUT/fp8-wgmma-tests.txt"

fi
if [[ " $PARTS " == *" padded-head-dims "* ]]; then
echo "== experimental: head dims of multiples of 8 padded to 16 (FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1)"
{
  export FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1
  # Every kernel of the file (the build line says which lowering each got) at odd shapes.
  timeout 600 "$RUN" --gpu tests/lit/cpu/padded-head-dims.fa --shape b=2,seq_q=100,seq_kv=77 \
    --shape b=1,seq_q=1,seq_kv=4097 --shape b=3,seq_q=17,seq_kv=300 --shape b=1,seq_q=1000,seq_kv=1000
  echo "exit=$? tests/lit/cpu/padded-head-dims.fa"
  # The backward at dims that pad to ones the tensor-core backward has run at (8, 24, 56, 120).
  timeout 600 "$RUN" --gpu tests/lit/cpu/padded-head-dims-backward.fa --shape b=2,seq_q=100,seq_kv=77 \
    --shape b=1,seq_q=1,seq_kv=1 --shape b=1,seq_q=1000,seq_kv=1000
  echo "exit=$? tests/lit/cpu/padded-head-dims-backward.fa"
  sanitize tests/lit/cpu/padded-head-dims.fa b=2,seq_q=33,seq_kv=300 \
    hd40v72 hd64v40 hd8 hd40_varlen hd40_page4 dec_hd72_page16
  sanitize tests/lit/cpu/padded-head-dims-backward.fa b=2,seq_q=33,seq_kv=150 \
    hd56_alibi_bwd hd24_gqa_bwd
} 2>&1 | tee "$OUT/padded-head-dims-tests.txt"
collect "$OUT/padded-head-dims-tests.txt"
# Their speed against SDPA's backends in one run (bench.py's paddeddims rows).
FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1 timeout 600 python3 bench/bench.py --faattn-run "$RUN" \
  --out "$OUT/bench-padded-head-dims.json" --parts paddeddims 2>&1 | tail -10 |
  tee -a "$OUT/padded-head-dims-tests.txt"

fi
if [[ " $PARTS " == *" python "* ]]; then
echo "== the Python package: pytest on CUDA tensors (tests/python)"
{
  if [ ! -f "$LIB" ]; then
    # Asked for by name: a failure; in the default run, a bundle built without it is skipped.
    echo "no libfaattn_c.so in the bundle (tools/bundle.sh with BUNDLE_PARTS including python)"
    [ -z "${GPU_SUITE_PARTS:-}" ]
  else
    python3 -c "import pytest" 2>/dev/null ||
      python3 -m pip install -q --no-index --find-links "$BUNDLE/wheels" --target /tmp/faattn-pytest pytest
    PYTHONPATH="/tmp/faattn-pytest${PYTHONPATH:+:$PYTHONPATH}" FAATTN_TEST_DEVICE=cuda \
      FAATTN_REQUIRE_TORCH=1 timeout 1200 bash tests/python/run.sh "$LIB" python3 -rxs
  fi
} 2>&1 | tee "$OUT/python-tests.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
fi
if [[ " $PARTS " == *" bench "* ]]; then
echo "== benchmarks"
python3 bench/bench.py --faattn-run "$RUN" --out "$OUT/bench.json" || status=1
fi
if [[ " $PARTS " == *" backward-wgmma "* ]]; then
echo "== the tensor-core backward (docs/BACKWARD.md): sanitizers, the SIMT backward forced, the catalogue's missing head dims, timing"
random_specs backward 1
{
  # The head dims the catalogue lacks (48-112, qk != v, over 128 in column chunks), on the
  # tensor cores by default since 2026-12-06 (PERFORMANCE step 62), and the wide ones' CPU
  # suite file. Their lines are tagged [dims] in gpu-tests.txt.
  for spec in tests/lit/cli/Inputs/backward-head-dims.fa tests/lit/cpu/backward-wide-head-dims.fa; do
    timeout 400 "$RUN" --gpu "$spec" \
      --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=77,seq_kv=130 --shape b=1,seq_q=300,seq_kv=517 \
      --shape b=1,seq_q=1000,seq_kv=1000 2>&1 | sed 's/^\([^ :]*\) b=/\1[dims] b=/'
    echo "exit=${PIPESTATUS[0]} $spec"
  done
  # Part `backward` runs the default builds' numerics (the tensor-core backward where it
  # applies); here the SIMT backward (FAATTN_BACKWARD_SIMT=1), which the other kernels
  # still take, on every kernel (tagged [simt] in gpu-tests.txt).
  for spec in specs/backward.fa tests/lit/cpu/backward.fa tests/lit/cpu/backward-varlen.fa \
      /tmp/faattn-random-backward-1.fa; do
    FAATTN_BACKWARD_SIMT=1 timeout 400 "$RUN" --gpu "$spec" --shape b=1,seq_q=1,seq_kv=1 \
      --shape b=2,seq_q=77,seq_kv=130 --shape b=1,seq_q=300,seq_kv=517 2>&1 |
      sed 's/^\([^ :]*\) b=/\1[simt] b=/'
    echo "exit=${PIPESTATUS[0]} SIMT $spec"
  done
  sanitize specs/backward.fa b=2,seq_q=77,seq_kv=130 causal_bwd alibi_bwd
  # The other block copies (PERFORMANCE steps 49 and 61): through registers as before step 61
  # (FAATTN_BACKWARD_COPY_REGISTERS=1; [copyregisters]), with batched loads
  # (FAATTN_EXPERIMENTAL_BACKWARD_COPY_BATCH=4, 8; tagged [copy4], [copy8]) and cp.async with Q / dO
  # prefetched (FAATTN_EXPERIMENTAL_BACKWARD_COPY_PREFETCH=1; [copyprefetch]), and dQ by atomic
  # adds (FAATTN_BACKWARD_DQ_ATOMIC=1; [copydqatomic]; the default's bulk reductions since
  # PERFORMANCE step 58), and the products in flight together (FAATTN_EXPERIMENTAL_BACKWARD_OVERLAP=1;
  # [copyoverlap]; step 59), and the descriptors hoisted out of the Q loop as before step 60
  # (FAATTN_BACKWARD_HOISTED_DESCRIPTORS=1; [copyhoisteddesc]): their builds' numerics, memcheck,
  # and racecheck of the asynchronous ones.
  for arm in $COPY_ARMS; do
    vars=$(copy_arm_vars "$arm")
    for spec in specs/backward.fa tests/lit/cpu/backward.fa tests/lit/cpu/backward-varlen.fa; do
      # (300 x 130: causal_end_bwd's rows before 170 keep no key, LSE -inf, zero-filled.)
      env $vars timeout 400 "$RUN" --gpu "$spec" \
        --shape b=1,seq_q=1,seq_kv=1 --shape b=2,seq_q=77,seq_kv=130 --shape b=1,seq_q=300,seq_kv=517 \
        --shape b=1,seq_q=300,seq_kv=130 2>&1 | sed "s/^\([^ :]*\) b=/\1[copy$arm] b=/"
      echo "exit=${PIPESTATUS[0]} $vars $spec"
    done
    for tool in memcheck $([ "$arm" = registers ] || [ "$arm" = prefetch ] || [ "$arm" = dqatomic ] || [ "$arm" = overlap ] &&
                           echo racecheck); do
      env $vars timeout 300 compute-sanitizer --tool $tool --error-exitcode 3 "$RUN" --gpu \
        specs/backward.fa --kernel=alibi_bwd --shape b=2,seq_q=77,seq_kv=130
      echo "$tool alibi_bwd[copy$arm] exit=$?"
    done
  done
  # The deterministic backward's turns (docs/BACKWARD.md): a window (passes on both sides of
  # a band) and varlen (locks in the packed LSE), with synccheck for the polls and barriers;
  # and its param partials (learnable ALiBi, dense and varlen: the warps' slots, the post
  # grid's sum behind a barrier).
  for k in window_det varlen_det alibi_det varlen_alibi_det; do
    for tool in memcheck racecheck synccheck; do
      timeout 300 compute-sanitizer --tool $tool --error-exitcode 3 "$RUN" --gpu \
        tests/lit/cpu/backward-deterministic.fa --kernel=$k --shape b=2,seq_q=200,seq_kv=260
      echo "$tool $k exit=$?"
    done
  done
  # A bias param (per-element atomics) and a temperature (the warp sum).
  for k in where_bias_bwd temperature_bwd; do
    timeout 300 compute-sanitizer --tool memcheck --error-exitcode 3 "$RUN" --gpu \
      tests/lit/cpu/backward.fa --kernel=$k --shape b=2,seq_q=77,seq_kv=130
    echo "memcheck $k exit=$?"
  done
} 2>&1 | tee "$OUT/backward-wgmma-tests.txt"
collect "$OUT/backward-wgmma-tests.txt"
if [ -f "$LIB" ]; then
  # The backward against SDPA's backward in one run.
  FAATTN_LIBRARY="$LIB" PYTHONPATH="$PWD/python" timeout 600 \
    python3 bench/experiments/backward_vs_sdpa.py --seqs 1024,4096,16384 \
    --out "$OUT/backward-wgmma-bench.json" 2>&1 | tail -20 | tee -a "$OUT/backward-wgmma-tests.txt"
  # The deterministic backward against the default one: identical bits over repeated calls,
  # and its cost (PERFORMANCE step 50). A kernel whose bits differ fails the part.
  FAATTN_LIBRARY="$LIB" PYTHONPATH="$PWD/python" timeout 600 \
    python3 bench/experiments/backward_deterministic.py --seqs 1024,4096,16384 \
    --out "$OUT/backward-deterministic.json" 2>&1 | tail -12 | tee -a "$OUT/backward-wgmma-tests.txt"
  python3 -c "import json,sys; rows=json.load(open(sys.argv[1]))['rows']; bad=[r for r in rows if 'error' in r or not all(r['deterministic_%s_identical' % t] for t in ('dq','dk','dv') + (('dslopes',) if r.get('alibi') else ()))]; print('deterministic bits: %d rows, %d bad' % (len(rows), len(bad))); sys.exit(1 if bad or not rows else 0)" \
    "$OUT/backward-deterministic.json" 2>&1 | tee -a "$OUT/backward-wgmma-tests.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  # The same with the experimental block copies, in the same run (PERFORMANCE step 49's A/B).
  for arm in $COPY_ARMS; do
    env $(copy_arm_vars "$arm") FAATTN_LIBRARY="$LIB" PYTHONPATH="$PWD/python" \
      timeout 600 python3 bench/experiments/backward_vs_sdpa.py --seqs 1024,4096,16384 \
      --out "$OUT/backward-wgmma-bench-copy$arm.json" 2>&1 | tail -20 | tee -a "$OUT/backward-wgmma-tests.txt"
  done
fi

fi
if [[ " $PARTS " == *" backward-peers "* ]]; then
# Not in the default parts: issue 22's grid and variants, the backward alone of faattn (its
# Python package, when the bundle has the library) and the peers in one run, a few minutes of
# FlexAttention compiles.
echo "== the backward against its peers (bench/bench_backward.py)"
FAATTN_LIBRARY="$LIB" PYTHONPATH="$PWD/python" \
  python3 bench/bench_backward.py --out "$OUT/bench-backward.json" || status=1
fi
touch "$OUT/gpu-tests.txt" "$OUT/sanitizer.txt"

python3 - "$OUT" <<'PY'
import json, re, sys, os
out = sys.argv[1]
cases = []
for line in open(os.path.join(out, "gpu-tests.txt")):
    # "<kernel> b=.. seq_q=.. seq_kv=..[ lens_q=.. lens_kv=.. pages=..]: rel_l2=..[ lse_rel_l2=..] ... PASS|FAIL"
    m = re.match(r"(\S+) b=(\d+) seq_q=(\d+) seq_kv=(\d+)( [^:]*)?: rel_l2=(\S+)(?: lse_rel_l2=(\S+))?.* (PASS|FAIL)$", line.strip())
    # A backward line: "...: dq_rel_l2=.. dk_rel_l2=.. dv_rel_l2=..[ dNAME_rel_l2=.. dNAME_rel_terms=..] PASS|FAIL"
    g = None if m else re.match(r"(\S+) b=(\d+) seq_q=(\d+) seq_kv=(\d+)( [^:]*)?: (dq_rel_l2=.*) (PASS|FAIL)$", line.strip())
    if m:
        cases.append({"kernel": m[1], "b": int(m[2]), "seq_q": int(m[3]), "seq_kv": int(m[4]),
                      "ragged": m[5].strip() if m[5] else None,
                      "rel_l2": float(m[6]), "lse_rel_l2": float(m[7]) if m[7] else None, "pass": m[8] == "PASS"})
    elif g:
        errors = {k: float(v) for k, v in (kv.split("=") for kv in g[6].split() if "=" in kv and "_rel_" in kv)}
        cases.append({"kernel": g[1], "b": int(g[2]), "seq_q": int(g[3]), "seq_kv": int(g[4]),
                      "ragged": g[5].strip() if g[5] else None, "backward": errors,
                      "pass": g[7] == "PASS"})
    elif "error:" in line:  # a kernel that did not compile or launch is a failed case too
        cases.append({"kernel": None, "error": line.strip(), "pass": False})
passed = sum(c["pass"] for c in cases)
bench = json.load(open(os.path.join(out, "bench.json"))) if os.path.exists(os.path.join(out, "bench.json")) else {}
if "device" not in bench:  # no benchmark in this run: say where and when the tests ran
    import datetime
    name = open(os.path.join(out, "device.txt")).read().split(":")[1].split("(")[0].strip()
    bench = {"device": name, "date": datetime.date.today().isoformat(),
             "commit": os.environ.get("FAATTN_COMMIT") or
                       (open("bundle/COMMIT").read().strip() if os.path.exists("bundle/COMMIT") else "unknown"),
             **bench}
bench["tests"] = {"passed": passed, "failed": len(cases) - passed, "cases": cases}
bench["sanitizer"] = open(os.path.join(out, "sanitizer.txt")).read()[-4000:]
json.dump(bench, open(os.path.join(out, "results.json"), "w"), indent=1)
print(f"{passed} passed, {len(cases) - passed} failed")
PY
exit $status
