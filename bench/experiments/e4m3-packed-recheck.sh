#!/usr/bin/env bash
# After 2fc3a48 (no clearTail after the e4m3 transposition): the packed and paged e4m3 kernels of
# tests/lit/cpu/varlen-tma.fa at the shapes that failed on 186325c, with another sequence's NaN
# key, and their sanitizers (from the repository root, the bundle in bundle/; results under
# $OUT). Then a backtrace of faattn-run's crash on bench/decode.fa (186325c: SIGSEGV at once on
# decode_dense with --bench --uniform-lengths --bench-graph) and which of those options it needs.
set -u
. bench/experiments/unpack-bundle.sh
export FAATTN_EXPERIMENTAL_PACKED_TMA=1
SPEC=tests/lit/cpu/varlen-tma.fa
{ for k in vl_e4m3 vl_e4m3_coop pg_e4m3; do
    timeout 60 $RUN --gpu $SPEC --kernel=$k --shape b=3,seq_q=100,seq_kv=77 --shape b=4,seq_q=300,seq_kv=517 \
      --shape b=2,seq_q=1000,seq_kv=4097
    echo "exit=$? $k"
    timeout 30 $RUN --gpu $SPEC --kernel=$k --nan-key=1:0 --shape b=2,seq_q=300,seq_kv=130
    echo "exit=$? $k --nan-key=1:0"
  done
  sanitize_kernels $SPEC b=4,seq_q=300,seq_kv=517 ${SAN:-30} vl_e4m3_coop pg_e4m3
} > "$OUT/e4m3-packed-recheck.txt" 2>&1
summarize "$OUT/e4m3-packed-recheck.txt" e4m3-packed
grep -E "exit=" "$OUT/e4m3-packed-recheck.txt" | tr '\n' ' '; echo
unset FAATTN_EXPERIMENTAL_PACKED_TMA
D="--gpu bench/decode.fa --kernel=decode_dense"
{ for opts in "--shape=b=8,seq_q=1,seq_kv=32768" "--shape=b=8,seq_q=1,seq_kv=32768 --uniform-lengths" \
      "--shape=b=8,seq_q=1,seq_kv=32768 --bench=5" "--shape=b=8,seq_q=1,seq_kv=32768 --bench=5 --bench-graph" \
      "--shape=b=1,seq_q=1,seq_kv=2048"; do
    timeout 60 $RUN $D $opts 2>&1 | tail -2; echo "exit=${PIPESTATUS[0]} $opts"
  done
  timeout 120 cuda-gdb -batch -ex run -ex bt --args $RUN $D --shape=b=1,seq_q=1,seq_kv=2048 2>&1 | tail -40
} > "$OUT/decode-crash.txt" 2>&1
grep -E "exit=|^#[0-9]" "$OUT/decode-crash.txt" | head -30
