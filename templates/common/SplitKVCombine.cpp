//===- SplitKVCombine.cpp - template: the split-KV combine ----------------===//
//
// The protocol is in SplitKVCombine.h.
//
//===----------------------------------------------------------------------===//
#include "templates/common/SplitKVCombine.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

#include <limits>

using namespace mlir;

namespace faattn {

namespace {
Value cstF32(OpBuilder &b, Location loc, float v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}
} // namespace

scf::ForallOp buildSplitKVCombine(OpBuilder &b, Location loc,
                                  ArrayRef<OpFoldResult> gridUpperBounds,
                                  const SplitKVCombineOperands &ops) {
  TileType accTy = ops.accTy, rowTy = ops.rowTy;
  Value splits = ops.splits;
  auto cIdx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  auto combine = scf::ForallOp::create(b, loc, gridUpperBounds, ValueRange{}, std::nullopt);
  combine->setAttr(FAAttnDialect::getSplitKvCombineAttrName(), b.getUnitAttr());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(combine.getBody()->getTerminator());
  Value cb = combine.getInductionVar(0), ch = combine.getInductionVar(1);
  Value row = arith::MulIOp::create(b, loc, combine.getInductionVar(2), cIdx(accTy.getShape()[0]));
  float negInf = -std::numeric_limits<float>::infinity();
  auto bshd = LayoutAttr::get(b.getContext(), Layout::bshd);

  // (1) The splits merged in order.
  Value m0 = TileSplatOp::create(b, loc, rowTy, b.getF32FloatAttr(negInf));
  Value l0 = TileSplatOp::create(b, loc, rowTy, b.getF32FloatAttr(0));
  Value acc0 = TileSplatOp::create(b, loc, accTy, b.getF32FloatAttr(0));
  auto loop = scf::ForOp::create(b, loc, cIdx(0), splits, cIdx(1), ValueRange{acc0, m0, l0});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value acc = loop.getRegionIterArgs()[0], m = loop.getRegionIterArgs()[1];
    Value l = loop.getRegionIterArgs()[2];
    Value part = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, cb, splits),
                                       loop.getInductionVar());
    Value o = TileLoadOp::create(b, loc, accTy, ops.oPart, part, ch, row, bshd);
    Value lse = TileLoadOp::create(b, loc, rowTy, ops.lsePart, part, ch, row, bshd);
    Value mNew = TileMapOp::create(b, loc, rowTy, {m, lse},
                                   [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                     return arith::MaximumFOp::create(b, l, a[0], a[1]);
                                   });
    // base = m' unless every split so far saw nothing (then 0: no -inf - -inf).
    Value base = TileMapOp::create(
        b, loc, rowTy, {mNew}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value isNegInf =
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[0], cstF32(b, l, negInf));
          return arith::SelectOp::create(b, l, isNegInf, cstF32(b, l, 0), a[0]);
        });
    auto expDiff = [](OpBuilder &b, Location l, ValueRange a) -> Value {
      return math::ExpOp::create(b, l, arith::SubFOp::create(b, l, a[0], a[1]));
    };
    Value alpha = TileMapOp::create(b, loc, rowTy, {m, base}, expDiff);
    Value w = TileMapOp::create(b, loc, rowTy, {lse, base}, expDiff);
    Value lNew = TileMapOp::create(b, loc, rowTy, {l, alpha, w},
                                   [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                     return math::FmaOp::create(b, l, a[0], a[1], a[2]);
                                   });
    Value accNew = TileMapOp::create(b, loc, accTy, {acc, alpha, w, o},
                                     [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                       Value scaled = arith::MulFOp::create(b, l, a[0], a[1]);
                                       return math::FmaOp::create(b, l, a[2], a[3], scaled);
                                     });
    scf::YieldOp::create(b, loc, ValueRange{accNew, mNew, lNew});
  }

  // (2) O and LSE.
  Value acc = loop.getResult(0), m = loop.getResult(1), l = loop.getResult(2);
  Type outElt = cast<MemRefType>(ops.out.getType()).getElementType();
  Value o = TileMapOp::create(
      b, loc, TileType::get(accTy.getShape(), outElt), {acc, l},
      [&](OpBuilder &b, Location lc, ValueRange a) -> Value {
        Value none = arith::CmpFOp::create(b, lc, arith::CmpFPredicate::OEQ, a[1],
                                           cstF32(b, lc, 0));
        Value v = arith::SelectOp::create(b, lc, none, cstF32(b, lc, 0),
                                          arith::DivFOp::create(b, lc, a[0], a[1]));
        if (v.getType() != outElt)
          v = arith::TruncFOp::create(b, lc, outElt, v);
        return v;
      });
  auto layout = LayoutAttr::get(b.getContext(), ops.layout);
  TileStoreOp::create(b, loc, o, ops.out, cb, ch, row, layout);
  if (ops.lse) {
    Value lse = TileMapOp::create(
        b, loc, rowTy, {m, l}, [&](OpBuilder &b, Location lc, ValueRange a) -> Value {
          Value none = arith::CmpFOp::create(b, lc, arith::CmpFPredicate::OEQ, a[1],
                                             cstF32(b, lc, 0));
          Value v = arith::AddFOp::create(b, lc, a[0], math::LogOp::create(b, lc, a[1]));
          return arith::SelectOp::create(b, lc, none, cstF32(b, lc, negInf), v);
        });
    TileStoreOp::create(b, loc, lse, ops.lse, cb, ch, row, layout);
  }
  return combine;
}

} // namespace faattn
