//===- RegionChecks.h - checks shared by the attention and tile ops -*- C++ -*-===//
//
// Internal to the dialect library (FAAttnDialect.cpp defines them,
// TileOps.cpp uses them too): the index regions' verifiers and block
// argument names of faattn.attention and the tile ops that carry its
// regions (tile_score, tile_mask, the backward's grad ops).
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_DIALECT_IR_REGIONCHECKS_H
#define FAATTN_DIALECT_IR_REGIONCHECKS_H

#include "mlir/IR/OpImplementation.h"

namespace faattn::detail {

/// Checks a score or mask region: arguments ([leading], b, h, q_idx, kv_idx,
/// seq_q, seq_kv, params...) and a faattn.yield of `yielded`.
mlir::LogicalResult verifyIndexRegion(mlir::Operation *op, mlir::Region &region,
                                      llvm::StringRef name, mlir::Type leading,
                                      mlir::Type yielded, mlir::TypeRange paramTypes);

/// Names an index region's arguments (score, b, h, q_idx, ...) in the asm.
void setIndexRegionArgNames(mlir::Region &region, bool hasScore,
                            mlir::OpAsmSetValueNameFn setName);

/// A grad region (an attention op's, or the backward tile ops' copy): the
/// score region's arguments, a faattn.grad_yield whose entries name param
/// arguments, of `learnable` when given.
mlir::LogicalResult verifyGradRegion(mlir::Operation *op, mlir::Region &region,
                                     mlir::TypeRange paramTypes,
                                     const llvm::ArrayRef<int64_t> *learnable);

/// The deterministic param gradients' partials and indices
/// (ParamGradSlots.h's extents).
mlir::LogicalResult verifyParamGradPartials(mlir::Operation *op, mlir::MemRefType partials,
                                            mlir::MemRefType indices);

} // namespace faattn::detail

#endif // FAATTN_DIALECT_IR_REGIONCHECKS_H
