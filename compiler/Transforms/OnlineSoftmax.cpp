//===- OnlineSoftmax.cpp - faattn-online-softmax ---------------------------===//
//
// Decomposes faattn.softmax_update / faattn.softmax_finalize into tile ops:
// row reductions, elementwise maps and the P*V product. The softmax scale is
// already folded into `scale_log2` (faattn-tile), so each exponent is one
// multiply-add feeding exp2: exp2(fma(s, t, -base)). With `row_scale` (the
// query rows' dequantization factors, folded out of the score by
// faattn-fold-row-factors) t is a row's scale_log2 * row_scale, one multiply a row and
// block, and the exponent is still one multiply-add.
//
// Fully masked rows: their running max stays -inf; the base is then 0 so
// that exp2(-inf * t - 0) = 0 and no -inf - -inf = NaN appears, and the
// rescale alpha of a row whose max was -inf is 0 (not exp2 of -inf - -inf);
// finalize turns l = 0 into out = 0 and lse = -inf. alpha is exp2((m - m') *
// t), exactly 1 while the max stays.
//
// NaN is never hidden: a NaN score (a NaN or inf in Q or K, or from the
// score expression) makes the row's max NaN (maximumf propagates it), so
// its base, every p and l are NaN, and finalize, which tests l == 0 (false
// for NaN) rather than l > 0, gives out = NaN and lse = NaN. Only l == 0, a
// row that kept no key (or only -inf scores), gives 0 and -inf.
//
//===----------------------------------------------------------------------===//
#include "faattn/Analysis/AttentionRegions.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"

#include <cmath>
#include <limits>

namespace faattn {
#define GEN_PASS_DEF_FAATTNONLINESOFTMAX
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

Value cstF32(OpBuilder &b, Location loc, double v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(static_cast<float>(v)));
}

/// Whether a v_descale weight tile (faattn-tile's tile_score over ones) is
/// the same for every key of a row: its region reads neither the score
/// (argument 0) nor kv_idx (argument 4).
bool isKeyInvariant(Value w) {
  auto score = w.getDefiningOp<TileScoreOp>();
  return score && readsNeitherScoreNorKey(score);
}

/// The exponent's factor t of each row: scale_log2, or scale_log2 times the
/// row's row_scale (an Mx1 tile; then `t(b, l, a)` reads it as the map's
/// last input, which `withT` appends).
struct RowFactor {
  float scaleLog2;
  Value rowScale;
  SmallVector<Value> withT(ValueRange in) const {
    SmallVector<Value> all(in);
    if (rowScale)
      all.push_back(rowScale);
    return all;
  }
  Value t(OpBuilder &b, Location l, ValueRange a) const {
    return rowScale ? a.back() : cstF32(b, l, scaleLog2);
  }
};

/// scale_log2 * row_scale once a row (the maps below read it), or no tile.
Value rowFactorTile(OpBuilder &b, Location loc, Value rowScale, float t) {
  if (!rowScale)
    return Value();
  return TileMapOp::create(b, loc, cast<TileType>(rowScale.getType()), {rowScale},
                           [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return arith::MulFOp::create(b, l, a[0], cstF32(b, l, t));
                           });
}

void decompose(SoftmaxUpdateOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  float t0 = op.getScaleLog2().convertToFloat();
  TileType sTy = op.getScores().getType(), rowTy = op.getRowMax().getType();
  TileType accTy = op.getAcc().getType(), vTy = op.getV().getType();
  float negInf = -std::numeric_limits<float>::infinity();
  RowFactor rf{t0, rowFactorTile(b, loc, op.getRowScale(), t0)};

  Value rowMax = TileReduceOp::create(b, loc, rowTy, op.getScores(), ReduceKind::max);
  Value mNew = TileMapOp::create(b, loc, rowTy, {op.getRowMax(), rowMax}, [](OpBuilder &b, Location l, ValueRange a) -> Value {
    return arith::MaximumFOp::create(b, l, a[0], a[1]);
  });
  // base = m' * t, or 0 for a row that has seen only masked scores.
  Value base = TileMapOp::create(b, loc, rowTy, rf.withT({mNew}), [&](OpBuilder &b, Location l, ValueRange a) -> Value {
    Value isNegInf = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[0], cstF32(b, l, negInf));
    Value scaled = arith::MulFOp::create(b, l, a[0], rf.t(b, l, a));
    return arith::SelectOp::create(b, l, isNegInf, cstF32(b, l, 0), scaled);
  });
  auto expScaled = [&](OpBuilder &b, Location l, ValueRange a) -> Value {
    Value negBase = arith::NegFOp::create(b, l, a[1]);
    return math::Exp2Op::create(b, l, math::FmaOp::create(b, l, a[0], rf.t(b, l, a), negBase));
  };
  Value p = TileMapOp::create(b, loc, sTy, rf.withT({op.getScores(), base}), expScaled);
  // alpha = exp2((m - m') * t): exactly 1 where the max did not change (the
  // difference is 0), as FlashAttention computes it. exp2(fma(m, t, -base))
  // would be exp2(m * t - round(m' * t)), off 1 by the rounding of the base,
  // and that error would compound over every block after the max is found
  // (rows whose scores all sit near one large value drifted by 2e-3 at 2000
  // keys). A row that has kept nothing yet (m = -inf) has alpha 0; NaN
  // propagates through the difference.
  Value alpha = TileMapOp::create(
      b, loc, rowTy, rf.withT({op.getRowMax(), mNew}), [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value none = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[0], cstF32(b, l, negInf));
        Value diff = arith::MulFOp::create(b, l, arith::SubFOp::create(b, l, a[0], a[1]), rf.t(b, l, a));
        return arith::SelectOp::create(b, l, none, cstF32(b, l, 0), math::Exp2Op::create(b, l, diff));
      });
  Value rowSum = TileReduceOp::create(b, loc, rowTy, p, ReduceKind::sum);
  Value lNew = TileMapOp::create(b, loc, rowTy, {op.getRowSum(), alpha, rowSum},
                   [](OpBuilder &b, Location l, ValueRange a) -> Value {
                     return math::FmaOp::create(b, l, a[0], a[1], a[2]);
                   });
  // P feeds the second product in V's element type when that is a 16-bit
  // float (bf16/f16, as the tensor cores take it); e4m3 P needs per-block
  // scales (the FP8 layout pass), so P stays f32 here.
  Value pIn = p;
  // V's dequantization factors (v_descale) weigh P in the product, not in l'.
  // The FP8 wgmma rounds the product's A operand to e4m3, and P * w with a
  // quantizer's factor (amax / 448, often below 1e-2) falls among e4m3's
  // subnormals (steps of 2^-9): 17% relative L2 on the GPU where P alone
  // gives 2% (docs/FP8.md). So each row's largest factor magnitude over the
  // keys it keeps in the block, W, weighs the product's rows, and P enters
  // the product as P * (w / W), at most 1 in magnitude: P itself where the
  // factor is the same for the row's keys (per tensor, per (batch, head), a
  // block of V rows that covers the tile). A factor whose region reads
  // neither kv_idx nor the score is that case by construction: P is not
  // touched at all. W is taken at kept keys only (the region yields 1
  // outside the sequence; a masked key's factor is not read, as the mask's
  // rule: a NaN there changes nothing), maximumf keeps a NaN factor NaN, a
  // row of zero factors weighs 0, and a row that keeps no key of the block
  // adds 0 whatever its factor (its block row max is -inf exactly there).
  Value rowWeight;
  if (Value w = op.getWeight()) {
    bool invariant = isKeyInvariant(w);
    Value kept = TileMapOp::create(
        b, loc, sTy, {w, op.getScores()}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value dead = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[1],
                                             cstF32(b, l, negInf));
          if (invariant) // the row's one factor, sign and all
            return arith::SelectOp::create(b, l, dead, cstF32(b, l, negInf), a[0]);
          return arith::SelectOp::create(b, l, dead, cstF32(b, l, 0),
                                         math::AbsFOp::create(b, l, a[0]));
        });
    rowWeight = TileReduceOp::create(b, loc, rowTy, kept, ReduceKind::max);
    if (!invariant) {
      Value inverse = TileMapOp::create(
          b, loc, rowTy, {rowWeight}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            Value zero = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[0],
                                               cstF32(b, l, 0));
            return arith::SelectOp::create(b, l, zero, cstF32(b, l, 0),
                                           arith::DivFOp::create(b, l, cstF32(b, l, 1), a[0]));
          });
      pIn = TileMapOp::create(
          b, loc, sTy, {p, w, op.getScores(), inverse},
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            Value dead = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[2],
                                               cstF32(b, l, negInf));
            Value ratio = arith::MulFOp::create(b, l, a[1], a[3]);
            Value pw = arith::MulFOp::create(b, l, a[0], ratio);
            return arith::SelectOp::create(b, l, dead, cstF32(b, l, 0), pw);
          });
    }
  }
  if (vTy.getElementType() != sTy.getElementType() &&
      vTy.getElementType().getIntOrFloatBitWidth() == 16)
    pIn = TileMapOp::create(b, loc, TileType::get(sTy.getShape(), vTy.getElementType()), {pIn},
              [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                return arith::TruncFOp::create(b, l, vTy.getElementType(), a[0]);
              });
  Value pv = TileDotOp::create(b, loc, accTy, pIn, op.getV(), /*transpose_lhs=*/nullptr,
                               /*transpose_rhs=*/nullptr);
  SmallVector<Value> accIn = {op.getAcc(), alpha, pv};
  if (rowWeight)
    accIn.append({rowWeight, rowMax});
  Value accNew = TileMapOp::create(b, loc, accTy, accIn,
                     [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                       Value pv = a[2];
                       if (a.size() > 3) { // pv * w, 0 for a row that kept no key
                         Value none = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[4],
                                                            cstF32(b, l, negInf));
                         pv = arith::SelectOp::create(b, l, none, cstF32(b, l, 0),
                                                      arith::MulFOp::create(b, l, pv, a[3]));
                       }
                       return math::FmaOp::create(b, l, a[0], a[1], pv);
                     });
  op.getNewAcc().replaceAllUsesWith(accNew);
  op.getNewRowMax().replaceAllUsesWith(mNew);
  op.getNewRowSum().replaceAllUsesWith(lNew);
  op.erase();
}

void decompose(SoftmaxFinalizeOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  float t0 = op.getScaleLog2().convertToFloat();
  RowFactor rf{t0, rowFactorTile(b, loc, op.getRowScale(), t0)};
  TileType outTy = op.getOut().getType(), rowTy = op.getRowMax().getType();
  Type outElt = outTy.getElementType();
  SmallVector<Value> in = {op.getAcc(), op.getRowSum()};
  Value outScale = op.getOutScale(), descale = op.getDescale();
  if (outScale)
    in.push_back(outScale);
  if (descale)
    in.push_back(descale);
  Value out = TileMapOp::create(b, loc, outTy, in,
                  [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                    Value none = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[1],
                                                       cstF32(b, l, 0));
                    Value q = arith::DivFOp::create(b, l, a[0], a[1]);
                    if (outScale) // V's factor of the row (before the select: 0 stays 0)
                      q = arith::MulFOp::create(b, l, q, a[2]);
                    Value v = arith::SelectOp::create(b, l, none, cstF32(b, l, 0), q);
                    if (descale) { // an e4m3 output: out / descale, saturated (NaN kept)
                      v = arith::DivFOp::create(b, l, v, a.back());
                      v = arith::MinimumFOp::create(b, l, v, cstF32(b, l, kE4M3Max));
                      v = arith::MaximumFOp::create(b, l, v, cstF32(b, l, -kE4M3Max));
                    }
                    if (outElt != v.getType())
                      v = arith::TruncFOp::create(b, l, outElt, v);
                    return v;
                  });
  Value lse = TileMapOp::create(b, loc, rowTy, rf.withT({op.getRowMax(), op.getRowSum()}),
                  [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                    Value none = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[1],
                                                       cstF32(b, l, 0));
                    Value log2Sum = math::FmaOp::create(b, l, a[0], rf.t(b, l, a),
                                                        math::Log2Op::create(b, l, a[1]));
                    Value ln = arith::MulFOp::create(b, l, log2Sum, cstF32(b, l, M_LN2));
                    return arith::SelectOp::create(
                        b, l, none, cstF32(b, l, -std::numeric_limits<float>::infinity()), ln);
                  });
  op.getOut().replaceAllUsesWith(out);
  op.getLse().replaceAllUsesWith(lse);
  op.erase();
}

struct OnlineSoftmaxPass : impl::FAAttnOnlineSoftmaxBase<OnlineSoftmaxPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<SoftmaxUpdateOp, SoftmaxFinalizeOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto u = dyn_cast<SoftmaxUpdateOp>(op))
        decompose(u);
      else
        decompose(cast<SoftmaxFinalizeOp>(op));
    }
  }
};

} // namespace
} // namespace faattn
