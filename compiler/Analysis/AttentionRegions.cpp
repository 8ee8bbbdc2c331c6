//===- AttentionRegions.cpp - what an attention op's regions compute ------===//
//
// See faattn/Analysis/AttentionRegions.h.
//
//===----------------------------------------------------------------------===//
#include "faattn/Analysis/AttentionRegions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace faattn {

bool isIdentityScore(AttentionOp op) {
  Block &block = op.getScore().front();
  auto yield = cast<YieldOp>(block.getTerminator());
  return yield.getValue() == block.getArgument(0);
}

bool isCausalMask(AttentionOp op) {
  if (!op.hasMask())
    return false;
  Block &block = op.getMask().front();
  auto yield = cast<YieldOp>(block.getTerminator());
  auto cmp = yield.getValue().getDefiningOp<arith::CmpIOp>();
  if (!cmp || &block.front() != cmp.getOperation() || cmp->getNextNode() != yield)
    return false;
  Value q = block.getArgument(2), kv = block.getArgument(3);
  return (cmp.getPredicate() == arith::CmpIPredicate::sge && cmp.getLhs() == q &&
          cmp.getRhs() == kv) ||
         (cmp.getPredicate() == arith::CmpIPredicate::sle && cmp.getLhs() == kv &&
          cmp.getRhs() == q);
}

bool readsNeitherScoreNorKey(TileScoreOp score) {
  if (score.getRegion().empty())
    return false;
  Block &body = score.getRegion().front();
  return body.getNumArguments() > 4 && body.getArgument(0).use_empty() &&
         body.getArgument(4).use_empty();
}

} // namespace faattn
