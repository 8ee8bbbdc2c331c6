#!/usr/bin/env bash
# Ran on the H200 as bundle/extra/run.sh (bundle/ carried), with bundle/extra/nan-backward.fa = 2026-12-04-h200-be12f97-backward-nan.fa beside this file.
# One device call: gpu-suite part `backward`, compute-sanitizer on the backward, a NaN check.
set -uo pipefail
T0=$(date +%s)
el() { echo $(( $(date +%s) - T0 )); }
X=bundle/extra
echo "# device: $(nvidia-smi -L | head -1); date $(date -u +%F); bundle commit $(cat bundle/COMMIT) (built from clean be12f97, see report)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu --format=csv
compute-sanitizer --version | tail -1
# a. the suite's backward part (its own OUT, then copied)
echo "== [$(el)s] a. GPU_SUITE_PARTS=backward tools/gpu-suite.sh"
OUT=/tmp/suite FAATTN_COMMIT=be12f97 GPU_SUITE_PARTS=backward timeout 330 bash tools/gpu-suite.sh > /tmp/suite.stdout 2>&1
echo "suite exit=$?"
cp /tmp/suite/gpu-tests.txt $OUT/backward-tests.log; cp /tmp/suite/results.json $OUT/backward.json || echo 'no results.json (suite cut off?)'
tail -3 /tmp/suite.stdout
RUN=/tmp/faattn-bundle/faattn-run
# b. sanitizers on specs/backward.fa at small odd shapes
echo "== [$(el)s] b. compute-sanitizer"
for tool in memcheck racecheck; do
  : > $OUT/backward-$tool.log
  for s in b=2,seq_q=77,seq_kv=130 b=3,seq_q=130,seq_kv=200; do
    [ $s = b=2,seq_q=77,seq_kv=130 ] || [ $(el) -lt 400 ] || { echo "skipped $tool $s (time)" | tee -a $OUT/backward-$tool.log; continue; }
    timeout 90 compute-sanitizer --tool $tool --error-exitcode 3 $RUN --gpu specs/backward.fa --shape $s >> $OUT/backward-$tool.log 2>&1
    echo "$tool specs/backward.fa $s exit=$? [$(el)s]" | tee -a $OUT/backward-$tool.log
  done
done
# c. NaN: a NaN key through a --param file (faattn-run compares NaN positions exactly)
echo "== [$(el)s] c. NaN"
for n in 77 300; do python3 -c "import struct,sys; n=int(sys.argv[2]); open(sys.argv[1],'wb').write(struct.pack('<%df' % n, *[float('nan') if i == 20 else 0.25 for i in range(n)]))" /tmp/bad$n $n; done
: > $OUT/backward-nan.log
for k in nan_bwd nan_alibi_bwd; do
  timeout 60 $RUN --gpu $X/nan-backward.fa --kernel=$k --shape b=2,seq_q=100,seq_kv=77 --param bad=/tmp/bad77 >> $OUT/backward-nan.log 2>&1; echo "$k 77 exit=$?" >> $OUT/backward-nan.log
  timeout 60 $RUN --gpu $X/nan-backward.fa --kernel=$k --shape b=2,seq_q=301,seq_kv=300 --param bad=/tmp/bad300 >> $OUT/backward-nan.log 2>&1; echo "$k 300 exit=$?" >> $OUT/backward-nan.log
done
cat $OUT/backward-nan.log
# d. extra if time is left: sanitizers on the lit backward specs (varlen: the KV grid change)
echo "== [$(el)s] d. extra sanitizer (only under a deadline)"
: > $OUT/backward-sanitizer-extra.log
for tool in memcheck racecheck; do for spec in tests/lit/cpu/backward-varlen.fa tests/lit/cpu/backward.fa; do
  [ $(el) -lt 430 ] || { echo "skipped $tool $spec (time)" | tee -a $OUT/backward-sanitizer-extra.log; continue; }
  timeout 45 compute-sanitizer --tool $tool --error-exitcode 3 $RUN --gpu $spec --shape b=2,seq_q=77,seq_kv=130 >> $OUT/backward-sanitizer-extra.log 2>&1
  echo "$tool $spec b=2,seq_q=77,seq_kv=130 exit=$? [$(el)s]" | tee -a $OUT/backward-sanitizer-extra.log
done; done
echo "== [$(el)s] SUMMARY"
echo "tests: PASS $(grep -c ' PASS$' $OUT/backward-tests.log) FAIL $(grep -c ' FAIL$' $OUT/backward-tests.log) error-lines $(grep -c 'error' $OUT/backward-tests.log)"
grep -h ' FAIL$\|error' $OUT/backward-tests.log | head -20
grep -h 'exit=' $OUT/backward-memcheck.log $OUT/backward-racecheck.log $OUT/backward-sanitizer-extra.log
grep -h 'ERROR SUMMARY\|RACECHECK SUMMARY' $OUT/backward-*check.log $OUT/backward-sanitizer-extra.log | sort | uniq -c
echo "nan: PASS $(grep -c ' PASS$' $OUT/backward-nan.log) FAIL $(grep -c ' FAIL$' $OUT/backward-nan.log)"
echo "total $(el)s"
