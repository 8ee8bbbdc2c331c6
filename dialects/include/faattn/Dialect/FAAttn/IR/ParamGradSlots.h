//===- ParamGradSlots.h - the deterministic param gradients' partials -*- C++ -*-===//
//
// The layout of faattn.tile_param_grad's `partials` (the deterministic
// backward's param gradients, BackwardTile.cpp): f32 [batch, heads, KV
// blocks, kParamGradSlots * kParamGradEntries], slot-major, and their
// indices, i32 [batch, heads, kParamGradEntries]. No MLIR here: the kernel
// ABI (workspace:pgrad, workspace:pgidx) shares these numbers.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_DIALECT_FAATTN_IR_PARAMGRADSLOTS_H
#define FAATTN_DIALECT_FAATTN_IR_PARAMGRADSLOTS_H

#include <cstdint>

namespace faattn {

/// Partial sums a CTA keeps per (head, entry): one per warp of the
/// deterministic backward's one warpgroup (it never splits a CTA's keys over
/// two); each slot is added to by one thread only.
constexpr int64_t kParamGradSlots = 4;
/// Param-gradient entries (elements read, faattn-score-grad's grad_yield)
/// a deterministic backward takes.
constexpr int64_t kParamGradEntries = 8;

} // namespace faattn

#endif
