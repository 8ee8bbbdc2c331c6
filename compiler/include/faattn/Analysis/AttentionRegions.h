//===- AttentionRegions.h - what an attention op's regions compute -*- C++ -*-===//
//
// Questions about the score and mask regions of a `faattn.attention` that
// the tiling (the softmax scale's folding) and the tuning table (which
// kernels are plain) both ask.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_ANALYSIS_ATTENTIONREGIONS_H
#define FAATTN_ANALYSIS_ATTENTIONREGIONS_H

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

namespace faattn {

/// True when the score region returns the score unchanged.
bool isIdentityScore(AttentionOp op);

/// True when the mask region is exactly q_idx >= kv_idx (`mask = causal`, or
/// kv_idx <= q_idx).
bool isCausalMask(AttentionOp op);

} // namespace faattn

#endif // FAATTN_ANALYSIS_ATTENTIONREGIONS_H
