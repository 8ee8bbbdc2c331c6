//===- FoldRowFactors.cpp - faattn-fold-row-factors -----------------------===//
//
// Moves a query row's factors out of the score code into the softmax's
// exponent, so that dequantization costs no instruction per score (issue
// 24: the descale folded into the exp2 FMA that carries the softmax scale).
// faattn-tile leaves, for an e4m3 kernel with q_descale and k_descale,
//
//   scf.for %kb ... {
//     %s = tile_score %qk {scale} { s * qd(b, h, q_idx) * kd(b, h, kv_idx) }
//     %p = tile_mask %s ...
//     softmax_update %p, ... {scale_log2 = log2(e)}
//   }
//   softmax_finalize ... {scale_log2 = log2(e)}
//
// and this pass makes it
//
//   %r = tile_score rows (ones M x 1) { qd(b, h, q_idx) }  // once a CTA
//   %r' = tile_map %r { max(r, 2^-100) }
//   scf.for %kb ... {
//     %s = tile_score %qk {scale = 1} { s * kd(b, h, kv_idx) }  // or %qk itself
//     ...
//     softmax_update ... row_scale(%r') {scale_log2 = scale * log2(e)}
//   }
//   softmax_finalize ... row_scale(%r') {scale_log2 = scale * log2(e)}
//
// The score region qualifies when it is the score times factors (a chain
// of mulf from the yield to the score argument, each link used once), as
// SpecToIR writes the descales under `score = score`. A factor folds when
// it reads neither the score nor kv_idx (a query row's: q_descale, or
// k_descale per tensor or per (batch, head)) and is >= 0 or NaN by
// construction: SpecToIR's guard `d < 0 ? NaN : d` (a negative factor
// reads as NaN), a constant >= 0, or a product of such. The softmax scale
// folds with them (it is positive). When no factor is left the tile_score
// goes away, as for a kernel without factors.
//
// Why it is exact: for r > 0 rounding is monotone, so the row max of r x
// is r times the row max of x, and exp2(fma(x, t r, -m t r)) is the
// exponent of the scores r x. A factor 0 (every score of the row 0) is
// taken as 2^-100, so that a masked score (-inf) still gives exp2(-inf) = 0
// rather than exp2(-inf * 0) = NaN: the scores it multiplies (|x| < 2^40)
// are then within 2^-60 of 0, whose exp2 rounds to 1 as exp2(0) does, and
// the LSE moves by as little. A NaN factor stays NaN (maximumf), and makes
// its row NaN as the unfolded product did.
//
//===----------------------------------------------------------------------===//
#include "faattn/Analysis/AttentionRegions.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"

#include <cmath>

namespace faattn {
#define GEN_PASS_DEF_FAATTNFOLDROWFACTORS
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

/// Whether `v` (in a tile_score region) depends on block argument `arg`.
/// Values from ops with regions count as reading everything.
bool reads(Value v, Value arg, DenseMap<Value, bool> &memo) {
  if (v == arg)
    return true;
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (auto it = memo.find(v); it != memo.end())
    return it->second;
  bool r = def->getNumRegions() > 0 ||
           llvm::any_of(def->getOperands(), [&](Value o) { return reads(o, arg, memo); });
  memo[v] = r;
  return r;
}

/// Whether `v` is >= 0 or NaN by construction (see the file comment).
bool nonNegativeOrNaN(Value v) {
  FloatAttr c;
  if (matchPattern(v, m_Constant(&c)))
    return c.getValueAsDouble() >= 0 || std::isnan(c.getValueAsDouble());
  if (auto mul = v.getDefiningOp<arith::MulFOp>())
    return nonNegativeOrNaN(mul.getLhs()) && nonNegativeOrNaN(mul.getRhs());
  auto sel = v.getDefiningOp<arith::SelectOp>();
  if (!sel)
    return false;
  auto cmp = sel.getCondition().getDefiningOp<arith::CmpFOp>();
  FloatAttr zero, nan;
  return cmp && cmp.getPredicate() == arith::CmpFPredicate::OLT &&
         cmp.getLhs() == sel.getFalseValue() && matchPattern(cmp.getRhs(), m_Constant(&zero)) &&
         zero.getValueAsDouble() == 0 && matchPattern(sel.getTrueValue(), m_Constant(&nan)) &&
         std::isnan(nan.getValueAsDouble());
}

/// A link of the score chain: `mul` = `rest` * `factor`, `rest` leading to
/// the score argument.
struct Link {
  arith::MulFOp mul;
  Value rest, factor;
};

/// The links of the score chain whose factor folds (see the file comment),
/// in chain order from the yield; empty when the region is not a chain or
/// no factor folds.
SmallVector<Link> foldableFactors(TileScoreOp score) {
  Block &body = score.getRegion().front();
  Value s = body.getArgument(0), kv = body.getArgument(4);
  DenseMap<Value, bool> readsScore, readsKV;
  SmallVector<Link> folds;
  Value v = cast<YieldOp>(body.getTerminator()).getValue();
  while (v != s) {
    auto mul = v.getDefiningOp<arith::MulFOp>();
    if (!mul || !v.hasOneUse())
      return {};
    bool lhs = reads(mul.getLhs(), s, readsScore), rhs = reads(mul.getRhs(), s, readsScore);
    if (lhs == rhs)
      return {};
    Link link{mul, lhs ? mul.getLhs() : mul.getRhs(), lhs ? mul.getRhs() : mul.getLhs()};
    if (!reads(link.factor, kv, readsKV) && nonNegativeOrNaN(link.factor))
      folds.push_back(link);
    v = link.rest;
  }
  return folds;
}

/// Erases the ops of `block` that nothing uses any more (dead factor code).
void eraseDead(Block &block) {
  SmallVector<Operation *> ops;
  for (Operation &op : block.without_terminator())
    ops.push_back(&op);
  for (Operation *op : llvm::reverse(ops)) // users before what they use
    if (isOpTriviallyDead(op))
      op->erase();
}

/// Whether `score` (a tile_score in `loop`) can be evaluated before the
/// loop: every operand but its input and col0 is defined outside it.
bool hoistable(TileScoreOp score, scf::ForOp loop) {
  return score->getParentOp() == loop && !score.getRows() &&
         llvm::all_of(score->getOperands(), [&](Value v) {
           return v == score.getInput() || v == score.getCol0() ||
                  !loop->isAncestor(v.getParentRegion()->getParentOp());
         });
}

/// A `rows` tile_score over ones of M x 1 before `loop`, with a copy of
/// `from`'s region (col0 0: the copy must not read kv_idx); `map` maps
/// `from`'s region to the copy's.
TileScoreOp rowsBefore(scf::ForOp loop, TileScoreOp from, IRMapping &map) {
  OpBuilder b(loop);
  Location loc = from.getLoc();
  TileType rowTy = TileType::get({from.getType().getShape()[0], 1}, b.getF32Type());
  Value ones = TileSplatOp::create(b, loc, rowTy, b.getF32FloatAttr(1));
  Value col0 = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0);
  auto rows = TileScoreOp::create(b, loc, rowTy, b.getF32FloatAttr(1), b.getUnitAttr(), ones,
                                  from.getBatch(), from.getHead(), from.getRow0(), col0,
                                  from.getSeqQ(), from.getSeqKv(), from.getParams(),
                                  from.getHeadGroupAttr());
  from.getRegion().cloneInto(&rows.getRegion(), map);
  return rows;
}

/// The score's foldable factors into softmax_update's and softmax_finalize's
/// row_scale, the softmax scale into their scale_log2.
void foldScore(SoftmaxUpdateOp update, SoftmaxFinalizeOp fin, scf::ForOp loop) {
  auto mask = update.getScores().getDefiningOp<TileMaskOp>();
  auto score = mask ? mask.getInput().getDefiningOp<TileScoreOp>()
                    : update.getScores().getDefiningOp<TileScoreOp>();
  if (!score || !score->hasOneUse() || !hoistable(score, loop) || update.getRowScale() ||
      fin.getRowScale())
    return;
  SmallVector<Link> folds = foldableFactors(score);
  if (folds.empty())
    return;
  Location loc = score.getLoc();
  Block &body = score.getRegion().front();
  Value s = body.getArgument(0);
  IRMapping map;
  TileScoreOp rows = rowsBefore(loop, score, map);
  {
    Block &copy = rows.getRegion().front();
    auto yield = cast<YieldOp>(copy.getTerminator());
    OpBuilder rb(yield);
    Value product;
    for (const Link &link : llvm::reverse(folds)) {
      Value f = map.lookup(link.factor);
      product = product ? arith::MulFOp::create(rb, loc, product, f).getResult() : f;
    }
    yield.getValueMutable().assign(product);
    eraseDead(copy);
  }
  // 2^-100 for a factor 0 (see the file comment); NaN stays.
  OpBuilder b(loop);
  Value rowScale = TileMapOp::create(b, loc, rows.getType(), {rows.getResult()},
                                     [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                       Value tiny = arith::ConstantOp::create(
                                           b, l, b.getF32FloatAttr(std::ldexp(1.0f, -100)));
                                       return arith::MaximumFOp::create(b, l, a[0], tiny);
                                     });
  // The score keeps its other factors, or goes.
  for (Link link : folds) {
    link.mul.getResult().replaceAllUsesWith(link.rest);
    link.mul.erase();
  }
  eraseDead(body);
  float scale = score.getScale().convertToFloat();
  if (cast<YieldOp>(body.getTerminator()).getValue() == s) {
    score.getResult().replaceAllUsesWith(score.getInput());
    score.erase();
  } else {
    score.setScaleAttr(b.getF32FloatAttr(1));
  }
  // In f32, as faattn-tile folds the scale of a kernel without factors.
  update.setScaleLog2Attr(b.getF32FloatAttr(update.getScaleLog2().convertToFloat() * scale));
  fin.setScaleLog2Attr(b.getF32FloatAttr(fin.getScaleLog2().convertToFloat() * scale));
  update.getRowScaleMutable().assign(rowScale);
  fin.getRowScaleMutable().assign(rowScale);
}

/// V's factors, where a row's are the same for every key (the weight's
/// region reads neither the score nor kv_idx: v_descale per tensor or per
/// (batch, head)), into softmax_finalize's out_scale: the output is
/// sum_j p_j w v_j / l = w (sum_j p_j v_j / l), so the loop carries the
/// unweighted sum and the product of P and V keeps its plain form.
void foldValue(SoftmaxUpdateOp update, SoftmaxFinalizeOp fin, scf::ForOp loop) {
  Value w = update.getWeight();
  auto weight = w ? w.getDefiningOp<TileScoreOp>() : TileScoreOp();
  if (!weight || !weight->hasOneUse() || !hoistable(weight, loop) || fin.getOutScale())
    return;
  if (!readsNeitherScoreNorKey(weight))
    return;
  IRMapping map;
  TileScoreOp rows = rowsBefore(loop, weight, map);
  update.getWeightMutable().clear();
  Value ones = weight.getInput();
  weight.erase();
  if (Operation *def = ones.getDefiningOp(); def && isOpTriviallyDead(def))
    def->erase();
  fin.getOutScaleMutable().assign(rows.getResult());
}

void fold(SoftmaxUpdateOp update) {
  auto loop = dyn_cast<scf::ForOp>(update->getParentOp());
  if (!loop)
    return;
  // The finalize of this loop's state.
  SoftmaxFinalizeOp fin;
  for (OpResult r : loop.getResults())
    for (Operation *user : r.getUsers())
      if (auto f = dyn_cast<SoftmaxFinalizeOp>(user))
        fin = f;
  if (!fin)
    return;
  foldScore(update, fin, loop);
  foldValue(update, fin, loop);
}

struct FoldRowFactorsPass : impl::FAAttnFoldRowFactorsBase<FoldRowFactorsPass> {
  void runOnOperation() override {
    SmallVector<SoftmaxUpdateOp> updates;
    getOperation().walk([&](SoftmaxUpdateOp op) { updates.push_back(op); });
    for (SoftmaxUpdateOp op : updates)
      fold(op);
  }
};

} // namespace
} // namespace faattn
