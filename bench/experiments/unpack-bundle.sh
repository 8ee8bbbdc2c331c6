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
