//===- GpuTensors.h - faattn-run --gpu: tensors on the device --*- C++ -*-===//
//
// What the GPU harnesses share (GpuRun.cpp's forward, GpuBackward.cpp's
// backward): the float64 inputs encoded in the spec's dtype (bf16, f16,
// e4m3) and 16-bit outputs decoded, the poison of 16-bit outputs, the public
// API's dtypes and shapes of a run's tensors, the device buffers of one run,
// and the median time of repeated launches.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TOOLS_FAATTN_RUN_GPUTENSORS_H
#define FAATTN_TOOLS_FAATTN_RUN_GPUTENSORS_H

#include "Placement.h"

#include "faattn/faattn.h"
#include "faattn/runtime/CudaDriver.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <vector>

namespace faattn::run {

/// The bytes of one element of `d` (e4m3: 1, bf16 and f16: 2).
size_t elementBytes(spec::DType d);

/// Encodes doubles as `d` (bf16, f16: round to nearest even; e4m3:
/// nearest, saturating) and returns the decoded values in `seen`: what the
/// kernel sees, and so what the reference is given.
std::vector<uint8_t> encode(const std::vector<double> &x, spec::DType d, std::vector<double> &seen);

/// The values of raw output elements of type `d` (bf16, f16 or e4m3).
std::vector<double> decodeOutput(const std::vector<uint8_t> &raw, spec::DType d);

/// The relative L2 error a kernel of this output type must stay under
/// (DESIGN.md): bf16 1e-2, f16 5e-3.
double gpuTolerance(spec::DType d);
/// The tolerance of an e4m3 Q, K, V kernel on the FP8 wgmma, against the
/// reference on the dequantized inputs: P is rounded to e4m3 for P V, which
/// costs 2.0-2.6% relative L2 by itself (docs/FP8.md's simulation); the
/// SIMT path keeps P in f32 and is held to gpuTolerance.
double fp8WgmmaTolerance();
/// The tolerance of an e4m3 output (out_dtype = e4m3), against the
/// reference's clamp(out / o_descale) (the quantized domain): O's rounding to
/// e4m3 costs 2.6-2.8% relative L2 by itself when o_descale keeps the values
/// normal, 3.6-3.8% with P's rounding on the FP8 wgmma (a float64 simulation,
/// docs/FP8.md "An e4m3 output"). The same 5e-2 as fp8WgmmaTolerance.
double e4m3OutputTolerance();

/// The public API's dtype of `d`.
DType apiType(spec::DType d);

/// The poison of an output of type `d` (kPoisonBF16, kPoisonF16: signaling
/// NaNs; kPoisonE4M3: FaattnRun.h), its bits; `bytes` bytes of it; whether
/// `raw` still holds it anywhere (an element the kernel did not write).
uint16_t poisonBits(spec::DType d);
std::vector<uint8_t> poisoned(size_t bytes, spec::DType d);
bool holdsPoison(const std::vector<uint8_t> &raw, spec::DType d);

/// The public API's shape of a Q-side (`isQ`: q, out, dout, dq) or K/V-side
/// tensor: the physical one (physDims), rank 3 for varlen (no batch
/// dimension; K/V keep theirs when paged: the pages).
std::vector<int64_t> apiDims(const spec::KernelSpec &k, const Placement &p, bool isQ, int64_t heads,
                             int64_t dim);
/// The public API's shape of the LSE: (batch, heads, seq_q), varlen (heads, total_q).
std::vector<int64_t> apiLseDims(const spec::KernelSpec &k, const Placement &p, int64_t seqQ);

/// The device buffers of one run, through the public API (DeviceBuffer), so
/// that every GPU test also tests it. A failed allocation or copy is reported
/// once and makes every later upload return null (failed() says so: the
/// caller fails its shape without launching; never an exit from the middle of
/// a run). The buffers are freed with this object.
class DeviceTensors {
public:
  /// A new buffer of `bytes` (at least 16) holding `data` (when not null).
  void *upload(const void *data, size_t bytes);
  bool failed() const { return uploadFailed; }
  /// Overwrites / reads the first `bytes` of the buffer at `ptr` (one of these).
  Status write(void *ptr, const void *host, size_t bytes);
  Status download(const void *ptr, void *host, size_t bytes) const;

private:
  std::vector<DeviceBuffer> buffers;
  bool uploadFailed = false;
};

/// Sets `args`' index tensors of placement `p` (varlen: cu_seqlens and
/// maxSeqlenQ; paged KV: block table, seqlens_kv and the host-known longest
/// sequence, as a serving engine passes it), uploaded in `mem`.
void setIndexTensors(LaunchArgs &args, DeviceTensors &mem, const spec::KernelSpec &k,
                     const Placement &p);

/// Adds the kernel's params (their declared types: i32 or f32) to `args`,
/// uploaded in `mem`.
void setParams(LaunchArgs &args, DeviceTensors &mem, const spec::KernelSpec &k,
               const std::vector<ref::ParamValue> &params);

/// FlashAttention's FLOP count of a forward (no mask discount):
/// 2 H Sq Skv (Dqk + Dv) summed over the sequences of placement `p`.
double forwardFlops(const spec::KernelSpec &k, const Placement &p, int64_t seqQ, int64_t seqKV);

/// --bench: the median time of `iters` launches (after 3 warm-up ones; at
/// least one), each timed alone between two CUDA events on the default
/// stream; `launch(i)` launches the i-th (its status is not checked: the
/// first launch's was). `hostUs`, when given, receives the median host time
/// of the launch call itself, in microseconds.
double medianLaunchMs(const cuda::Driver &d, unsigned iters,
                      llvm::function_ref<Status(unsigned)> launch, double *hostUs = nullptr);

} // namespace faattn::run

#endif // FAATTN_TOOLS_FAATTN_RUN_GPUTENSORS_H
