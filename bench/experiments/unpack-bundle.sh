# Sourced by the GPU call scripts of bench/experiments (from the repository root): the
# bundle of tools/bundle.sh (bundle/bin/faattn-run.xz, bundle/lib/*.xz) unpacked once into
# B=/tmp/faattn-bundle; RUN is its faattn-run. Makes $OUT and records the device there.
export OUT=${OUT:-/tmp/faattn-gpu-out}
mkdir -p "$OUT"
B=/tmp/faattn-bundle
mkdir -p $B
for xz in bundle/bin/faattn-run.xz bundle/lib/*.xz; do
  [ -f "$B/$(basename "${xz%.xz}")" ] || { xz -dc "$xz" > "$B/$(basename "${xz%.xz}")"; chmod +x "$B/$(basename "${xz%.xz}")"; }
done
RUN=$B/faattn-run
nvidia-smi -L | tee "$OUT/device.txt"
