//===- OverlapSoftmax.cpp - faattn-overlap-softmax: P V under the softmax -===//
//
// Software pipelining of the KV loops (FlashAttention-3's GEMM-softmax
// pipelining, docs/PERFORMANCE.md step 19), on the tile IR after
// faattn-online-softmax and faattn-assign-layouts (the carried P and alpha
// start from splats of their laid-out types). Iteration j of a KV loop computes
//
//   S_j = Q K_j^T; (m_j, l_j, alpha_j, P_j) = softmax(S_j, m_{j-1}, l_{j-1})
//   O_j = fma(O_{j-1}, alpha_j, P_j V_j)
//
// After the pass the product of block j - 1 moves into iteration j, right
// after S_j = Q K_j^T, so that on the tensor cores it runs while block j's
// softmax does:
//
//   scf.for j iter_args(O, m, l, alpha', P', j') {     // O = O_{j-2}
//     S_j = Q K_j^T
//     O_{j-1} = fma(O, alpha', P' V_{j'})                // block j - 1's product
//     (m_j, l_j, alpha_j, P_j) = softmax(S_j, m, l)
//     yield O_{j-1}, m_j, l_j, alpha_j, P_j, j
//   }
//   O = fma(O, alpha', P' V_{j'})                         // the last block's
//
// The loop starts from alpha' = 1, P' = 0, j' = the loop's lower bound: its
// first iteration's product adds 0 and an empty loop's epilogue leaves O as
// it was, so no prologue and no guard are needed. Those two products read V
// with its limit at its first row (all of it reads as 0): a block the kernel
// would not visit, which may hold anything, adds exactly 0. m and l are untouched: only O's
// update moves. Each KV loop (faattn-mask-analysis' masked / full / masked
// ranges, the head block's loop) is rotated on its own.
//
// Opt-in: the spec's `overlap = softmax` (the function's faattn.overlap; the
// compiler's pipeline runs the pass marked-only), or every kernel with
// AlgorithmOptions::overlapSoftmax (faattn-run --cpu --overlap-softmax). The rotated
// loops are marked `faattn.rotated`; faattn-tiles-to-wgmma lowers them on
// its TMA pipeline (docs/PERFORMANCE.md step 20), faattn-tiles-to-gpu refuses
// them.
//
//===----------------------------------------------------------------------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "llvm/ADT/SetVector.h"

#include <limits>

namespace faattn {
#define GEN_PASS_DEF_FAATTNOVERLAPSOFTMAX
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

/// What the pass moves in one KV loop: the P V product, O's update
/// fma(O, alpha, P V) and the V block's load, with the position of O among
/// the loop's carried values.
struct Stage {
  Value iv; // the loop's induction variable
  TileLoadOp vLoad;
  TileDotOp pv;
  TileMapOp update;
  unsigned oIndex = 0;
  /// The ops of the body the V load's operands are computed by (its row from
  /// the induction variable), in program order; cloned for block j'.
  SmallVector<Operation *> vSlice;
};

/// The KV loop's stage, or failure with the reason (a loop that is not the
/// materialized online softmax of faattn-tile and faattn-online-softmax).
FailureOr<Stage> findStage(scf::ForOp loop, std::string &why) {
  Stage st;
  st.iv = loop.getInductionVar();
  Block *body = loop.getBody();
  for (Operation &op : *body) {
    auto dot = dyn_cast<TileDotOp>(op);
    if (!dot || dot.getTransposeRhs())
      continue;
    if (st.pv) {
      why = "more than one P V product";
      return failure();
    }
    st.pv = dot;
  }
  if (!st.pv) {
    why = "no P V product";
    return failure();
  }
  st.vLoad = st.pv.getRhs().getDefiningOp<TileLoadOp>();
  if (!st.vLoad || st.vLoad->getBlock() != body || !st.vLoad->hasOneUse()) {
    why = "V is not a block loaded in the loop for P V only";
    return failure();
  }
  if (!st.pv->hasOneUse()) {
    why = "P V has more than one use";
    return failure();
  }
  st.update = dyn_cast<TileMapOp>(*st.pv->user_begin());
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  auto isFma = [&](TileMapOp map) {
    if (!map || map.getInputs().size() != 3 || map.getInputs()[2] != st.pv.getResult())
      return false;
    Block &mb = map.getBody().front();
    auto fma = cast<YieldOp>(mb.getTerminator()).getValue().getDefiningOp<math::FmaOp>();
    return fma && &mb.front() == fma.getOperation() && fma->getNextNode() == mb.getTerminator() &&
           fma.getA() == mb.getArgument(0) && fma.getB() == mb.getArgument(1) &&
           fma.getC() == mb.getArgument(2);
  };
  if (!isFma(st.update) || !st.update->hasOneUse() ||
      *st.update->user_begin() != yield.getOperation()) {
    why = "O's update is not fma(O, alpha, P V) yielded as is";
    return failure();
  }
  auto o = dyn_cast<BlockArgument>(st.update.getInputs()[0]);
  if (!o || o.getOwner() != body || o.getArgNumber() == 0) {
    why = "O's update does not read the carried O";
    return failure();
  }
  st.oIndex = o.getArgNumber() - 1;
  if (yield.getOperand(st.oIndex) != st.update.getResult() || !o.hasOneUse()) {
    why = "the carried O is read or yielded elsewhere";
    return failure();
  }
  // The V load's operands: the body ops they come from (the row from the
  // induction variable); nothing with side effects.
  llvm::SetVector<Operation *> slice;
  SmallVector<Value> work(st.vLoad->getOperands());
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (auto arg = dyn_cast<BlockArgument>(v); arg && arg.getOwner() == body && v != st.iv) {
      why = "V's position depends on a carried value";
      return failure();
    }
    Operation *def = v.getDefiningOp();
    if (!def || def->getBlock() != body || slice.contains(def))
      continue;
    if (!isPure(def) || def->getNumRegions() != 0) {
      why = "V's position is computed by an op with side effects or regions";
      return failure();
    }
    slice.insert(def);
    llvm::append_range(work, def->getOperands());
  }
  for (Operation &op : *body)
    if (slice.contains(&op))
      st.vSlice.push_back(&op);
  // This block's P and alpha are carried to the next iteration: they must be
  // computed here (P V's own P and alpha, not values from outside the loop).
  for (Value v : {Value(st.pv.getLhs()), st.update.getInputs()[1]}) {
    Operation *def = v.getDefiningOp();
    if (!def || def->getBlock() != body) {
      why = "P or alpha is not computed in the loop";
      return failure();
    }
  }
  bool qkFirst = false;
  for (Operation &op : *body) {
    if (&op == st.pv.getOperation())
      break;
    if (auto dot = dyn_cast<TileDotOp>(op); dot && dot.getTransposeRhs())
      qkFirst = true;
  }
  if (!qkFirst) {
    why = "no Q K^T product before P V";
    return failure();
  }
  if (getConstantIntValue(loop.getStep()) != 1) {
    why = "the loop's step is not 1";
    return failure();
  }
  return st;
}

/// Clones the stage for block `j` with P, alpha and O given: the V load's
/// slice, the load, P V and O's update; returns the updated O. When `none`
/// (an i1) holds there is no block j (the loop's first iteration, or an
/// empty loop's epilogue: P is 0): the V load's limit is then its first row,
/// so that it reads 0 and 0 * V stays 0 whatever the memory holds there.
Value cloneStage(OpBuilder &b, Stage st, Value j, Value none, Value p, Value alpha, Value o) {
  Location loc = st.vLoad.getLoc();
  IRMapping map;
  map.map(st.iv, j);
  for (Operation *op : st.vSlice)
    b.clone(*op, map);
  Value limit = st.vLoad.getLimit() ? map.lookupOrDefault(st.vLoad.getLimit())
                                    // rows past the memref read as 0 already
                                    : arith::ConstantIndexOp::create(
                                          b, loc, std::numeric_limits<int64_t>::max());
  Value limited =
      arith::SelectOp::create(b, loc, none, map.lookupOrDefault(st.vLoad.getRow0()), limit);
  auto v = cast<TileLoadOp>(b.clone(*st.vLoad, map));
  v.getLimitMutable().assign(limited);
  map.map(st.pv.getLhs(), p);
  b.clone(*st.pv, map);
  map.map(st.update.getInputs()[0], o);
  map.map(st.update.getInputs()[1], alpha);
  return b.clone(*st.update, map)->getResult(0);
}

LogicalResult pipeline(scf::ForOp loop) {
  std::string why;
  FailureOr<Stage> found = findStage(loop, why);
  if (failed(found))
    return loop.emitError() << "faattn-overlap-softmax: " << why;
  Stage st = *found;
  Location loc = loop.getLoc();
  Block *body = loop.getBody();
  Value pOld = st.pv.getLhs(), alphaOld = st.update.getInputs()[1];
  auto pTy = cast<TileType>(pOld.getType()), alphaTy = cast<TileType>(alphaOld.getType());

  OpBuilder b(loop);
  SmallVector<Value> inits(loop.getInitArgs());
  inits.push_back(TileSplatOp::create(b, loc, alphaTy, b.getF32FloatAttr(1.0f)));
  inits.push_back(TileSplatOp::create(b, loc, pTy, b.getF32FloatAttr(0.0f)));
  inits.push_back(loop.getLowerBound());
  auto newLoop = scf::ForOp::create(b, loc, loop.getLowerBound(), loop.getUpperBound(),
                                    loop.getStep(), inits);
  newLoop->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
  newLoop->setAttr(FAAttnDialect::getRotatedAttrName(), b.getUnitAttr());
  Block *newBody = newLoop.getBody();
  if (!newBody->empty())
    newBody->getTerminator()->erase();
  unsigned n = loop.getNumRegionIterArgs();
  ValueRange carried = newLoop.getRegionIterArgs();
  Value alphaPrev = carried[n], pPrev = carried[n + 1], jPrev = carried[n + 2];

  // The body as it was but O's update and V's load; block j - 1's product
  // right after this block's Q K^T (the first product in the body).
  IRMapping map;
  map.map(loop.getInductionVar(), newLoop.getInductionVar());
  for (unsigned i = 0; i < n; ++i)
    map.map(loop.getRegionIterArgs()[i], carried[i]);
  OpBuilder nb = OpBuilder::atBlockEnd(newBody);
  Value oNext;
  bool placed = false;
  for (Operation &op : body->without_terminator()) {
    if (&op == st.vLoad.getOperation() || &op == st.pv.getOperation() ||
        &op == st.update.getOperation())
      continue;
    nb.clone(op, map);
    auto dot = dyn_cast<TileDotOp>(op);
    if (!placed && dot && dot.getTransposeRhs()) {
      Value first = arith::CmpIOp::create(nb, loc, arith::CmpIPredicate::eq,
                                          newLoop.getInductionVar(), loop.getLowerBound());
      oNext = cloneStage(nb, st, jPrev, first, pPrev, alphaPrev, carried[st.oIndex]);
      placed = true;
    }
  }
  SmallVector<Value> yielded;
  for (auto [i, v] : llvm::enumerate(body->getTerminator()->getOperands()))
    yielded.push_back(i == st.oIndex ? oNext : map.lookupOrDefault(v));
  yielded.push_back(map.lookup(alphaOld));
  yielded.push_back(map.lookup(pOld));
  yielded.push_back(newLoop.getInductionVar());
  scf::YieldOp::create(nb, loc, yielded);

  // The last block's product after the loop.
  b.setInsertionPointAfter(newLoop);
  Value empty = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, loop.getLowerBound(),
                                      loop.getUpperBound());
  Value oLast = cloneStage(b, st, newLoop.getResult(n + 2), empty, newLoop.getResult(n + 1),
                           newLoop.getResult(n), newLoop.getResult(st.oIndex));
  for (unsigned i = 0; i < n; ++i)
    loop.getResult(i).replaceAllUsesWith(i == st.oIndex ? oLast : newLoop.getResult(i));
  loop.erase();
  return success();
}

struct OverlapSoftmaxPass : impl::FAAttnOverlapSoftmaxBase<OverlapSoftmaxPass> {
  using FAAttnOverlapSoftmaxBase::FAAttnOverlapSoftmaxBase;
  void runOnOperation() override {
    auto overlap = getOperation()->getAttrOfType<StringAttr>(FAAttnDialect::getOverlapAttrName());
    if (markedOnly && !(overlap && overlap.getValue() == "softmax"))
      return;
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) {
      if (loop->hasAttr(FAAttnDialect::getKvLoopAttrName()) && !loop->hasAttr(FAAttnDialect::getRotatedAttrName()))
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops)
      if (failed(pipeline(loop)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace faattn
