#!/usr/bin/env bash
# (Ran at b92864d, where FAATTN_EXPERIMENTAL_PACKED_TMA=1 turned the packed boxes on; they are the
# default since, and the variable does nothing.)
# After 2fc3a48 (no clearTail after the e4m3 transposition): the packed and paged e4m3 kernels of
# tests/lit/cpu/varlen-tma.fa at the shapes that failed on 186325c, with another sequence's NaN
# key, and their sanitizers (from the repository root, the bundle in bundle/; results under
# $OUT). Then a backtrace of faattn-run's crash on bench/decode.fa (186325c: SIGSEGV at once on
# decode_dense with --bench --uniform-lengths --bench-graph) and which of those options it needs
# (each option alone, the packed-TMA flag and default cache as bench.py ran it, a larger stack).
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
S1="--shape=b=1,seq_q=1,seq_kv=2048"
{ for opts in "$S1" "$S1 --uniform-lengths" "$S1 --bench=5" "$S1 --bench=5 --uniform-lengths" \
      "$S1 --bench=5 --bench-graph" "$S1 --bench=5 --uniform-lengths --bench-graph" \
      "--shape=b=8,seq_q=1,seq_kv=32768 --bench=5 --uniform-lengths --bench-graph"; do
    timeout 60 $RUN $D $opts > /tmp/crash.out 2>&1; rc=$?; tail -3 /tmp/crash.out; echo "exit=$rc $opts"
  done
  # As bench.py ran it (186325c's crash): the packed-TMA flag set, the default cache, --bench=30.
  FAATTN_EXPERIMENTAL_PACKED_TMA=1 timeout 60 $RUN $D $S1 --bench=30 --uniform-lengths --bench-graph \
    > /tmp/crash.out 2>&1; rc=$?; tail -3 /tmp/crash.out; echo "exit=$rc packed-tma flag, default cache"
  ( ulimit -s unlimited; timeout 60 $RUN $D $S1 --bench=30 --uniform-lengths --bench-graph > /tmp/crash.out 2>&1
    rc=$?; tail -3 /tmp/crash.out; echo "exit=$rc ulimit -s unlimited" )
  if command -v cuda-gdb > /dev/null; then
    timeout 150 cuda-gdb -batch -ex run -ex bt -ex "info threads" --args $RUN $D $S1 --bench=30 \
      --uniform-lengths --bench-graph 2>&1 | grep -v "^\[New Thread\|^\[Thread" | tail -60
  elif command -v gdb > /dev/null; then
    timeout 150 gdb -batch -ex run -ex bt --args $RUN $D $S1 --bench=30 --uniform-lengths \
      --bench-graph 2>&1 | tail -60
  else
    echo "no cuda-gdb or gdb"
  fi
} > "$OUT/decode-crash.txt" 2>&1
grep -E "exit=|^#[0-9]|Stack dump|signal" "$OUT/decode-crash.txt" | head -40
