//===- AttentionRegions.h - what an attention op's regions compute -*- C++ -*-===//
//
// Questions about the score and mask regions of a `faattn.attention` (and
// the tile ops that carry them) that the tiling (the softmax scale's
// folding), the tuning table (which kernels are plain), the online softmax
// and faattn-fold-row-factors ask.
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

/// True when a tile_score's region reads neither the score (argument 0) nor
/// kv_idx (argument 4): its value is the same for every key of a row (a
/// v_descale weight per tensor or per (batch, head)).
bool readsNeitherScoreNorKey(TileScoreOp score);

} // namespace faattn

#endif // FAATTN_ANALYSIS_ATTENTIONREGIONS_H
