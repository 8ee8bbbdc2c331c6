# Sourced by the GPU call scripts of bench/experiments (from the repository root): the
# bundle of tools/bundle.sh (bundle/bin/faattn-run.xz, bundle/lib/*.xz) unpacked once into
# B=/tmp/faattn-bundle; RUN is its faattn-run. Makes $OUT and records the device there.
export OUT=${OUT:-/tmp/faattn-gpu-out}
mkdir -p "$OUT"
B=/tmp/faattn-bundle
mkdir -p $B
shopt -s nullglob
for xz in bundle/bin/faattn-run.xz bundle/lib/*.xz; do
  [ -f "$B/$(basename "${xz%.xz}")" ] || { xz -dc "$xz" > "$B/$(basename "${xz%.xz}")"; chmod +x "$B/$(basename "${xz%.xz}")"; }
done
RUN=$B/faattn-run
# summarize FILE LABEL: a results file's PASS and FAIL counts, then its failing lines.
summarize() {
  echo "$2 PASS $(grep -c ' PASS' "$1") FAIL $(grep -c FAIL "$1")"
  grep -E "FAIL|UNWRITTEN|rror|exit=[1-9]" "$1" | head -20
}
# sanitize_kernels SPEC SHAPE SECONDS KERNEL...: memcheck and racecheck of each kernel at one
# shape, each under SECONDS; a line "TOOL KERNEL exit=N" after each run's last line.
sanitize_kernels() {
  local spec=$1 shape=$2 secs=$3 tool k
  shift 3
  for tool in memcheck racecheck; do
    for k in "$@"; do
      timeout "$secs" compute-sanitizer --tool $tool --error-exitcode 3 $RUN --gpu "$spec" \
        --kernel=$k --shape "$shape" | tail -2
      echo "$tool $k exit=${PIPESTATUS[0]}"
    done
  done
}
nvidia-smi -L | tee "$OUT/device.txt"
# ab_time OUTFILE DEFAULT_KERNELS SPEC:LABEL...: each kernel of KERNELS (default
# DEFAULT_KERNELS) from each SPEC (same kernel names) at each B:S of SHAPES (default issue 24's
# grid, 16k tokens), interleaved, ROUNDS rounds of --bench=BENCH medians within TIME_BUDGET
# seconds; a line "round=R b=B s=S KERNEL LABEL=MS ..." each (FAIL appended where numerics
# failed), also into OUTFILE.
ab_time() {
  local outfile=$1 kernels=$2 round bs k spec line out end=$((SECONDS + ${TIME_BUDGET:-240}))
  shift 2
  for round in $(seq ${ROUNDS:-1}); do
    for bs in ${SHAPES:-1:16384 4:4096 16:1024}; do
      for k in ${KERNELS:-$kernels}; do
        line="round=$round b=${bs%%:*} s=${bs##*:} $k"
        for spec in "$@"; do
          [ $SECONDS -lt $end ] || continue
          out=$(timeout 60 $RUN --gpu ${spec%%:*} --kernel=$k --uniform-lengths \
            --shape b=${bs%%:*},seq_q=${bs##*:},seq_kv=${bs##*:} --bench=${BENCH:-20} --cache-dir=/tmp/faattn-ab-cache 2>&1)
          line="$line ${spec##*:}=$(echo "$out" | grep -o 'median=[0-9.]*' | head -1 | cut -d= -f2)$(echo "$out" | grep -q FAIL && echo FAIL)"
        done
        echo "$line"
      done
    done
  done | tee "$outfile"
}
