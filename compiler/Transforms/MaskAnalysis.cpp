//===- MaskAnalysis.cpp - faattn-mask-analysis -----------------------------===//
#include "faattn/Analysis/MaskIntervals.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace faattn {
#define GEN_PASS_DEF_FAATTNMASKANALYSIS
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

struct MaskAnalysisPass : impl::FAAttnMaskAnalysisBase<MaskAnalysisPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    auto shape = fn->getAttrOfType<DenseI64ArrayAttr>("faattn.reference_shape");
    if (shape && (shape.size() != 2 || shape[0] <= 0 || shape[1] <= 0)) {
      fn.emitError() << "faattn.reference_shape must be array<i64: seq_q, seq_kv> of positive "
                        "sizes";
      return signalPassFailure();
    }
    WalkResult res = fn.walk([&](AttentionOp op) {
      auto tile = op.getTile();
      if (!tile) {
        op.emitOpError() << "has no tile sizes; run faattn-tile first";
        return WalkResult::interrupt();
      }
      if (!shape)
        return WalkResult::advance();
      BlockCounts c = countBlocks(op, (*tile)[0], (*tile)[1], shape[0], shape[1]);
      Builder b(op.getContext());
      op->setAttr("block_counts",
                  b.getDictionaryAttr({b.getNamedAttr("empty", b.getI64IntegerAttr(c.empty)),
                                       b.getNamedAttr("full", b.getI64IntegerAttr(c.full)),
                                       b.getNamedAttr("partial", b.getI64IntegerAttr(c.partial))}));
      return WalkResult::advance();
    });
    if (res.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
} // namespace faattn
