#!/usr/bin/env bash
# Steps 70-71's checks for a short device budget (from the repository root, the bundle in
# bundle/; results under $OUT), most needed first:
# the packed kernels' numerics (tests/lit/cpu/varlen-tma.fa at ragged odd shapes, another
# sequence's NaN key row), the catalogue's varlen kernel and the varlen decode, two sanitizers,
# step 70's folded factors, then one timing of the causal varlen kernel with and without the
# packed boxes beside its dense twin.
set -u
. bench/experiments/unpack-bundle.sh
# (Until the commit that made the packed boxes the default, FAATTN_EXPERIMENTAL_PACKED_TMA=1 turned
# them on; now FAATTN_PACKED_THREAD_COPIES=1 turns them off: the timing below sets both.)
{ timeout ${T1:-90} $RUN --gpu tests/lit/cpu/varlen-tma.fa --shape b=1,seq_q=1,seq_kv=1 \
    --shape b=3,seq_q=100,seq_kv=77 --shape b=4,seq_q=300,seq_kv=517 --shape b=2,seq_q=1000,seq_kv=4097
  echo "exit=$? varlen-tma.fa"
  timeout ${T2:-60} $RUN --gpu tests/lit/cpu/varlen-tma.fa --nan-key=1:0 --shape b=2,seq_q=300,seq_kv=130
  echo "exit=$? varlen-tma.fa --nan-key=1:0"
  timeout ${T3:-40} $RUN --gpu specs/varlen.fa --shape b=8,seq_q=1000,seq_kv=1000 --shape b=2,seq_q=1000,seq_kv=4097 \
    --shape b=3,seq_q=2,seq_kv=3000
  echo "exit=$? specs/varlen.fa"
  timeout ${T3:-40} $RUN --gpu specs/varlen.fa --nan-key=1:0 --shape b=3,seq_q=100,seq_kv=300
  echo "exit=$? specs/varlen.fa --nan-key=1:0"
  timeout ${T4:-60} $RUN --gpu tests/lit/cpu/decode-varlen.fa --shape b=3,seq_q=1,seq_kv=17 \
    --shape b=2,seq_q=16,seq_kv=4097 --shape b=1,seq_q=1,seq_kv=131073
  echo "exit=$? decode-varlen.fa"
  sanitize_kernels tests/lit/cpu/varlen-tma.fa b=3,seq_q=100,seq_kv=300 ${SAN:-40} vl128c vl_e4m3_coop
} > "$OUT/varlen-lean-tests.txt" 2>&1
summarize "$OUT/varlen-lean-tests.txt" varlen
grep -E "exit=" "$OUT/varlen-lean-tests.txt" | tr '\n' ' '; echo
T1=${T5:-90} T2=1 ROUNDS=0 timeout ${T6:-100} bash bench/experiments/step70-lean.sh
echo "step70 checks exit=$?"
# The same binary with the packed boxes (packed-tma=1) and without (the default thread copies).
for run in "packed-tma=1 v128c 1" "packed-tma=0 v128c 0" "dense d128c 1"; do
  set -- $run
  out=$(FAATTN_EXPERIMENTAL_PACKED_TMA=$3 FAATTN_PACKED_THREAD_COPIES=$((1 - $3)) timeout 30 $RUN --gpu bench/experiments/varlen-tma.fa --kernel=$2 \
    --uniform-lengths --shape b=4,seq_q=4096,seq_kv=4096 --bench=20)
  echo "timing $1 $2 b=4 s=4096 $(echo "$out" | grep -o 'median=[0-9.]*' | head -1) $(echo "$out" | grep -o 'rel_l2=[0-9.e-]*' | head -1)"
done | tee "$OUT/varlen-lean-timing.txt"
