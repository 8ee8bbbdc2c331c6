#!/usr/bin/env bash
# The GPU calls of PERFORMANCE step 67 (two warpgroups split a backward CTA's 128 keys, the
# default; FAATTN_BACKWARD_ONE_WARPGROUP=1 keeps the CTA of 64 keys and one warpgroup). From
# the repository root, the bundle of tools/bundle.sh in bundle/; results under $OUT.
#   bash bench/experiments/key-split-run.sh check   # numerics: every backward file at odd
#                                                   # shapes, head dims 48-256, NaN, padded;
#                                                   # memcheck and racecheck; Python on CUDA
#   bash bench/experiments/key-split-run.sh bench   # ncu per grid at 1k, both arms; the
#                                                   # backward against SDPA, both arms, head
#                                                   # dims 128 and 64 (SEQS, DIMS; NCU=0
#                                                   # skips ncu)
#   bash bench/experiments/key-split-run.sh grid    # bench/bench_backward.py: issue 22's grid
#                                                   # and variants with cuDNN, FA2 and Flex
set -u
. bench/experiments/unpack-bundle.sh
ONEWG=FAATTN_BACKWARD_ONE_WARPGROUP=1
case ${1:-check} in
check)
  # (every backward file at odd shapes, head dims 48-256, NaN, padded; memcheck and racecheck
  # of causal_bwd, alibi_bwd, hd56_alibi_bwd and bwd80, key split, and bwd256_det, one
  # warpgroup; the Python suite on CUDA)
  bash bench/experiments/row-lanes-run.sh check
  ;;
bench)
  ALT=$ONEWG NAMES="split onewg" DIMS=${DIMS:-128 64} bash bench/experiments/row-lanes-run.sh bench
  ;;
grid)
  FAATTN_LIBRARY=$B/libfaattn_c.so PYTHONPATH="$PWD/python:$PWD/bench" timeout 420 \
    python3 bench/bench_backward.py --out "$OUT/backward-grid.json" 2>&1 | tail -40
  ;;
esac
