//===- LoopOrder.cpp - faattn-loop-order -----------------------------------===//
//
// Chooses the order of the Q-block and KV-block loops of each forward grid
// made by faattn-tile, from the function attribute `faattn.loop_order`:
//
//   "q-outer" (FlashAttention-2, the default): one CTA per (batch, head,
//       q-block) walks the KV blocks with its running (acc, max, sum) in
//       registers. faattn-tile already builds this order; nothing changes.
//   "kv-outer" (FlashAttention-1): one CTA per (batch, head) walks the KV
//       blocks outside and the Q blocks inside, so each K/V block is loaded
//       once per head; the running state of every Q block lives in memory:
//
//         init:  scf.forall (b, h, qb): state[b, h, qb] = (0, -inf, 0)
//         main:  scf.forall (b, h): for kb: load K, V
//                                     for qb: load Q, state; update; store state
//         final: scf.forall (b, h, qb): finalize(state) -> O, LSE
//
//     This is the order the backward pass uses for dK/dV (column order);
//     for the forward pass it trades register-resident state for K/V reuse.
//     The mask stays in every block (faattn-mask-analysis splits only
//     q-outer KV loops).
//
//===----------------------------------------------------------------------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

namespace faattn {
#define GEN_PASS_DEF_FAATTNLOOPORDER
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

struct LoopOrderPass : impl::FAAttnLoopOrderBase<LoopOrderPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    StringRef order = "q-outer";
    if (auto attr = fn->getAttr(FAAttnDialect::getLoopOrderAttrName())) {
      auto s = dyn_cast<StringAttr>(attr);
      if (!s || (s.getValue() != "q-outer" && s.getValue() != "kv-outer")) {
        fn.emitError() << "faattn.loop_order must be \"q-outer\" or \"kv-outer\"";
        return signalPassFailure();
      }
      order = s.getValue();
    }
    if (order == "q-outer")
      return;
    SmallVector<scf::ForallOp> grids;
    fn.walk([&](scf::ForallOp g) {
      if (g->hasAttr(FAAttnDialect::getGridAttrName()) && !g->hasAttr(FAAttnDialect::getDecodeAttrName()) &&
          !g->hasAttr(FAAttnDialect::getSplitKvAttrName()))
        grids.push_back(g);
    });
    for (scf::ForallOp g : grids)
      if (failed(interchange(g)))
        return signalPassFailure();
  }

  LogicalResult interchange(scf::ForallOp grid) {
    Block *body = grid.getBody();
    scf::ForOp kvLoop;
    SoftmaxFinalizeOp fin;
    TileLoadOp qLoad;
    for (Operation &op : *body) {
      if (auto f = dyn_cast<scf::ForOp>(op); f && f->hasAttr(FAAttnDialect::getKvLoopAttrName()))
        kvLoop = f;
      else if (auto f = dyn_cast<SoftmaxFinalizeOp>(op))
        fin = f;
      else if (auto l = dyn_cast<TileLoadOp>(op); l && !qLoad)
        qLoad = l;
    }
    bool perSequence = false;
    grid.walk([&](TileLoadOp l) { perSequence |= l.getLimit() || l.getPageTable(); });
    if (perSequence)
      return grid.emitError() << "faattn-loop-order: kv-outer does not support varlen or "
                                 "paged_kv kernels";
    auto isZero = [](Value v) { return getConstantIntValue(v) == std::optional<int64_t>(0); };
    auto isOne = [](Value v) { return getConstantIntValue(v) == std::optional<int64_t>(1); };
    if (!kvLoop || !fin || !qLoad || grid.getRank() != 3 || !isZero(kvLoop.getLowerBound()) ||
        !isOne(kvLoop.getStep()) || grid->isAncestor(kvLoop.getUpperBound().getParentRegion()->getParentOp()))
      return grid.emitError() << "faattn-loop-order expects the grid of faattn-tile; run it "
                                 "right after faattn-tile";
    Location loc = grid.getLoc();
    OpBuilder b(grid);
    auto cIdx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
    auto bshd = LayoutAttr::get(b.getContext(), Layout::bshd);
    auto accTy = cast<TileType>(fin.getAcc().getType());
    auto rowTy = cast<TileType>(fin.getRowMax().getType());
    int64_t dv = accTy.getShape()[1];
    SmallVector<OpFoldResult> ubs = grid.getMixedUpperBound();
    Value batch = grid.getUpperBound(b)[0], numQBlocks = grid.getUpperBound(b)[2];
    int64_t heads = *getConstantIntValue(ubs[1]);
    int64_t bm = accTy.getShape()[0];
    // Rows of the state: every q-block's rows, padded to whole blocks.
    Value rows = arith::MulIOp::create(b, loc, numQBlocks, cIdx(bm));
    int64_t dyn = ShapedType::kDynamic;
    Value accState = memref::AllocOp::create(
        b, loc, MemRefType::get({dyn, dyn, heads, dv}, b.getF32Type()), ValueRange{batch, rows});
    auto rowStateTy = MemRefType::get({dyn, heads, dyn}, b.getF32Type());
    Value mState = memref::AllocOp::create(b, loc, rowStateTy, ValueRange{batch, rows});
    Value lState = memref::AllocOp::create(b, loc, rowStateTy, ValueRange{batch, rows});

    // The grid body's values as functions of (b, h, qb): clone what the
    // loops need into each new place with its own mapping.
    auto newGrid = [&](ArrayRef<OpFoldResult> bounds, StringRef tag) {
      auto g = scf::ForallOp::create(b, loc, bounds, ValueRange{}, std::nullopt);
      g->setAttr(tag, b.getUnitAttr());
      return g;
    };
    // Ops of the body before the KV loop, split into those that depend on
    // the q-block and those that do not (GQA head, casts of b and h).
    SmallVector<Operation *> prologue;
    for (Operation &op : *body) {
      if (&op == kvLoop.getOperation())
        break;
      prologue.push_back(&op);
    }
    // The KV loop's initial state (splats) becomes the state's loads; other
    // splats (the ones of faattn-fold-row-factors' row factors) are cloned.
    auto cloneInto = [&](OpBuilder &ib, IRMapping &map, ArrayRef<Operation *> ops) {
      for (Operation *op : ops)
        if (!isa<TileSplatOp>(op) || !llvm::is_contained(kvLoop.getInitArgs(), op->getResult(0)))
          ib.clone(*op, map);
    };
    Value splatAcc, splatM, splatL;
    for (Value init : kvLoop.getInitArgs()) {
      auto splat = init.getDefiningOp<TileSplatOp>();
      if (!splat)
        return grid.emitError() << "KV loop state must start from tile_splat";
    }
    splatAcc = kvLoop.getInitArgs()[0];
    splatM = kvLoop.getInitArgs()[1];
    splatL = kvLoop.getInitArgs()[2];

    // 1. init: state = splats.
    auto init = newGrid(ubs, FAAttnDialect::getLoopOrderInitAttrName());
    {
      OpBuilder ib(init.getBody()->getTerminator());
      IRMapping map;
      map.map(body->getArguments(), init.getBody()->getArguments().drop_back(0));
      Value row = arith::MulIOp::create(ib, loc, init.getInductionVar(2),
                                        arith::ConstantIndexOp::create(ib, loc, bm));
      Value bi = init.getInductionVar(0), hi = init.getInductionVar(1);
      TileStoreOp::create(ib, loc, ib.clone(*splatAcc.getDefiningOp())->getResult(0), accState, bi,
                          hi, row, bshd);
      TileStoreOp::create(ib, loc, ib.clone(*splatM.getDefiningOp())->getResult(0), mState, bi, hi,
                          row, bshd);
      TileStoreOp::create(ib, loc, ib.clone(*splatL.getDefiningOp())->getResult(0), lState, bi, hi,
                          row, bshd);
    }
    // 2. main: (b, h) grid, KV outer, Q inner.
    auto main = newGrid({ubs[0], ubs[1]}, FAAttnDialect::getGridAttrName());
    main->setAttr(FAAttnDialect::getKvOuterAttrName(), b.getUnitAttr());
    {
      OpBuilder mb(main.getBody()->getTerminator());
      // faattn-tile's KV loop runs from 0 to a block count defined outside the grid.
      auto outer = scf::ForOp::create(mb, loc, arith::ConstantIndexOp::create(mb, loc, 0),
                                      kvLoop.getUpperBound(),
                                      arith::ConstantIndexOp::create(mb, loc, 1));
      outer->setAttr(FAAttnDialect::getKvLoopOuterAttrName(), mb.getUnitAttr());
      OpBuilder ob = OpBuilder::atBlockTerminator(outer.getBody());
      auto inner = scf::ForOp::create(ob, loc, arith::ConstantIndexOp::create(ob, loc, 0),
                                      numQBlocks, arith::ConstantIndexOp::create(ob, loc, 1));
      OpBuilder qb = OpBuilder::atBlockTerminator(inner.getBody());
      IRMapping map;
      map.map(body->getArgument(0), main.getInductionVar(0));
      map.map(body->getArgument(1), main.getInductionVar(1));
      map.map(body->getArgument(2), inner.getInductionVar());
      map.map(kvLoop.getInductionVar(), outer.getInductionVar());
      // Everything of the prologue is recomputed per q-block (cheap index
      // math and the Q tile); the K/V loads could be hoisted by LICM.
      cloneInto(qb, map, prologue);
      Value row = map.lookup(qLoad.getRow0());
      Value bi = main.getInductionVar(0), hi = main.getInductionVar(1);
      Value acc = TileLoadOp::create(qb, loc, accTy, accState, bi, hi, row, bshd);
      Value m = TileLoadOp::create(qb, loc, rowTy, mState, bi, hi, row, bshd);
      Value l = TileLoadOp::create(qb, loc, rowTy, lState, bi, hi, row, bshd);
      Block *kvBody = kvLoop.getBody();
      map.map(kvBody->getArgument(1), acc);
      map.map(kvBody->getArgument(2), m);
      map.map(kvBody->getArgument(3), l);
      for (Operation &op : kvBody->without_terminator())
        qb.clone(op, map);
      auto yield = cast<scf::YieldOp>(kvBody->getTerminator());
      TileStoreOp::create(qb, loc, map.lookup(yield.getOperand(0)), accState, bi, hi, row, bshd);
      TileStoreOp::create(qb, loc, map.lookup(yield.getOperand(1)), mState, bi, hi, row, bshd);
      TileStoreOp::create(qb, loc, map.lookup(yield.getOperand(2)), lState, bi, hi, row, bshd);
    }
    // 3. final: finalize each q-block's state and store O (and LSE).
    auto final = newGrid(ubs, FAAttnDialect::getLoopOrderFinalAttrName());
    {
      OpBuilder fb(final.getBody()->getTerminator());
      IRMapping map;
      for (unsigned i = 0; i < 3; ++i)
        map.map(body->getArgument(i), final.getInductionVar(i));
      cloneInto(fb, map, prologue);
      Value row = map.lookup(qLoad.getRow0());
      Value bi = final.getInductionVar(0), hi = final.getInductionVar(1);
      map.map(kvLoop.getResult(0), TileLoadOp::create(fb, loc, accTy, accState, bi, hi, row, bshd));
      map.map(kvLoop.getResult(1), TileLoadOp::create(fb, loc, rowTy, mState, bi, hi, row, bshd));
      map.map(kvLoop.getResult(2), TileLoadOp::create(fb, loc, rowTy, lState, bi, hi, row, bshd));
      bool after = false;
      for (Operation &op : body->without_terminator()) {
        if (after)
          fb.clone(op, map);
        after |= &op == kvLoop.getOperation();
      }
    }
    grid.erase();
    // Dead clones (the Q tile in the final grid) are left to canonicalization.
    return success();
  }
};

} // namespace
} // namespace faattn
