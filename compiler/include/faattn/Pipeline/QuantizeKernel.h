//===- QuantizeKernel.h - the e4m3 quantization kernels ---------*- C++ -*-===//
//
// The GPU kernels behind faattn::quantizeE4M3 (issue 24, item 5): a bf16,
// f16 or f32 tensor (batch, heads, seq, head_dim) in bshd or bhsd memory to
// e4m3 (E4M3FN) with one dequantization factor per group, in the param
// shapes the spec's q_descale / k_descale / v_descale expressions read
// (docs/FP8.md): per tensor (one factor), per (batch, head), or per block of
// `block` rows of a (batch, head) (the factor stored in each of the block's
// rows, (batch, heads, seq)). The same semantics as python/faattn/_quant.py:
// factor = amax(|x|) / 448 of the group, at least the smallest normal f32, 1
// for a group of zeros, NaN when the group holds a NaN; x8 = e4m3(clamp(x /
// factor, -448, 448)), rounded to nearest even.
//
// Built as a gpu.module of two kernels through the compiler's own GPU path
// (gpu + nvvm + arith + scf to NVVM, emitPTX): one CTA of kThreads threads per
// chunk of rows of one (batch, head) (grid: (chunks, heads, batch); a chunk
// is `block` rows for block factors, else kChunkRows rows), so that a CTA's
// elements belong to one group.
//
//   faattn_e4m3_amax(x, amax, B, H, S, D, rows, granularity, bshd)
//     each thread's max |x| over its elements (maximumf: NaN wins), the
//     warp's by xor shuffles, then lane 0's atomic max of the f32 bits as
//     u32 into amax[group] (|x| >= 0 and a NaN's bits sort above inf's, so
//     the unsigned order of the bits is the float order with NaN on top).
//     amax holds a zero u32 per group before the launch.
//   faattn_e4m3_quantize(x, amax, x8, descale, B, H, S, D, rows, granularity,
//                        bshd)
//     the group's factor from amax[group]; each element x / factor, clamped,
//     converted (nvvm.convert.f32x2.to.f8x2, rn, satfinite); the factors
//     written: per tensor by CTA (0, 0, 0)'s thread 0, per (batch, head) by
//     chunk 0's thread 0, per block by the thread of each row's column 0.
//
// Arguments: x, amax, x8 and descale are global pointers (!llvm.ptr), the
// sizes i64; granularity 0 (tensor), 1 (head) or 2 (block); bshd 1 or 0.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_PIPELINE_QUANTIZEKERNEL_H
#define FAATTN_PIPELINE_QUANTIZEKERNEL_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace faattn {

/// The input element type of a quantization kernel.
enum class QuantizeInput { BF16, F16, F32 };

/// Threads of a quantization CTA, and the rows of a chunk when the factors
/// are not per block.
constexpr int64_t kQuantizeThreads = 256;
constexpr int64_t kQuantizeChunkRows = 64;

/// Entry names.
constexpr const char *kQuantizeAmaxEntry = "faattn_e4m3_amax";
constexpr const char *kQuantizeEntry = "faattn_e4m3_quantize";

/// The PTX (sm_90a) of the two kernels for `input`.
llvm::Expected<std::string> quantizeKernelPTX(QuantizeInput input);

} // namespace faattn

#endif // FAATTN_PIPELINE_QUANTIZEKERNEL_H
