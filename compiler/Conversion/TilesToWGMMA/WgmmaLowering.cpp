//===- WgmmaLowering.cpp - the tile ops on wgmma fragments ----------------===//
//
// The walk of faattn-tiles-to-wgmma over an outlined kernel: each tile op
// becomes code on wgmma m64nNk16 accumulator fragments. Thread t of a
// warpgroup (warp w = t / 32, lane l) holds, for fragment element i,
//   row = 16 w + l / 4 + 8 ((i % 4) / 2),  col = 8 (i / 4) + 2 (l % 4) + i % 2
// (an M x 1 tile: its two rows); each tile is one vector per thread. Score
// and mask code runs per element with its own (q_idx, kv_idx), what depends
// on neither once per tile and what depends on one once per row or column
// (ElementCode); row reductions finish with two quad shuffles; loops carry
// fragment vectors. Loads, products and stores are the templates'
// (templates/hopper/), the block scan compiler/Target/Hopper/BlockScan.cpp's.
//
//===----------------------------------------------------------------------===//

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
#include "templates/common/SplitKVCombine.h"
namespace faattn {
namespace hopper {

bool WgmmaLowering::headOperandsBefore(Operation *op) const {
  TileLoadOp k = p.k.front(), v = p.v.front();
  return llvm::all_of(ValueRange{p.headBlock, k.getBatch(), k.getHead(), v.getBatch(),
                                 v.getHead()},
                      [&](Value x) { return definedBefore(x, op); }) &&
         (!p.kvLimit || definedBefore(p.kvLimit, op)) &&
         (!p.kvStart || definedBefore(p.kvStart, op));
}

Value WgmmaLowering::rowOf(OpBuilder &b, TileType t, int64_t i) {
  int64_t plus = rowPlus(t, i);
  Value base = p.keySplit && t.getShape()[0] == 64 ? rowInWg : rowBase;
  return plus ? arith::AddIOp::create(b, fn.getLoc(), base, cIdx(b, plus)).getResult() : base;
}

Value WgmmaLowering::colOf(OpBuilder &b, TileType t, int64_t i) {
  Location loc = fn.getLoc();
  Value c = arith::AddIOp::create(b, loc, colBase, cIdx(b, colPlus(i)));
  if (int64_t groups = columnGroups(t); groups > 1)
    c = arith::AddIOp::create(
        b, loc, c, arith::MulIOp::create(b, loc, wgIdx, cIdx(b, t.getShape()[1] / groups)));
  return c;
}

Value WgmmaLowering::element(OpBuilder &b, Value in, TileType inTy, int64_t i, bool resultIsColumn) {
  int64_t at = inTy.getShape()[1] == 1 && !resultIsColumn ? (i % 4) / 2 : i;
  Value v = frag.lookup(in);
  assert(v && "a tile operand without fragments (checked by analyze)");
  return vector::ExtractOp::create(b, fn.getLoc(), v, at);
}

LogicalResult WgmmaLowering::convertBlock(Block &block) {
  for (Operation &op : llvm::make_early_inc_range(block)) {
    if (!inFlight.empty()) {
      OpBuilder b(&op);
      awaitBefore(b, &op);
    }
    if (failed(convert(&op)))
      return failure();
    // The head block's loads as soon as Q's are issued and what they need
    // is defined (its index, K's and V's batch and head).
    if (p.head && qIssued && !headIssued && &block == &gridBlock() &&
        op.getNextNode() && headOperandsBefore(op.getNextNode())) {
      OpBuilder b(op.getContext());
      b.setInsertionPointAfter(&op);
      sched->startHead(b);
    }
  }
  return success();
}

LogicalResult WgmmaLowering::convert(Operation *op) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  if (auto load = dyn_cast<TileLoadOp>(op))
    return p.backward ? convertLoadBackward(b, load)
           : tma      ? convertLoadTma(b, load)
                      : convertLoad(b, load);
  if (auto store = dyn_cast<TileStoreOp>(op))
    return store == p.oStore ? convertStoreTma(b, store) : convertStore(b, store);
  if (auto splat = dyn_cast<TileSplatOp>(op)) {
    // In the tile's element type (faattn-overlap-softmax's P = 0 is bf16/f16).
    Type elt = splat.getType().getElementType();
    auto attr = cast<FloatAttr>(splat.getValueAttr());
    Value v = arith::ConstantOp::create(
        b, loc, attr.getType() == elt ? attr : b.getFloatAttr(elt, attr.getValueAsDouble()));
    frag[splat] = vector::BroadcastOp::create(b, loc, vecOf(splat.getType()), v);
    toErase.push_back(op);
    return success();
  }
  if (auto dot = dyn_cast<TileDotOp>(op))
    return p.backward ? convertDotBackward(b, dot) : convertDot(b, dot);
  if (auto cols = dyn_cast<TileColumnsOp>(op)) {
    // The backward's products read a column chunk in place (operandTile).
    if (!p.backward)
      return op->emitOpError() << "has no wgmma lowering outside the backward";
    toErase.push_back(op);
    return success();
  }
  if (auto grad = dyn_cast<TileScoreGradOp>(op))
    return convertScoreGrad(b, grad);
  if (auto grad = dyn_cast<TileParamGradOp>(op))
    return convertParamGrad(b, grad);
  if (isa<TurnPassOp, TurnWaitOp, TurnEndOp>(op))
    return convertTurn(b, op);
  if (auto arrive = dyn_cast<SplitArriveOp>(op)) {
    // Every thread of the CTA reaches it (SplitKVCombine.h; faattn-tiles-to-
    // wgmma leaves a warp-specialized plan with one to the SIMT lowering).
    arrive.getLast().replaceAllUsesWith(lowerSplitArrive(b, arrive, tid));
    toErase.push_back(op);
    return success();
  }
  if (auto par = dyn_cast<scf::ParallelOp>(op);
      par && par->hasAttr(FAAttnDialect::getThreadLoopAttrName())) {
    scf::ForOp loop = spreadOverThreads(par, tid, threads);
    return loop ? convertBlock(*loop.getBody()) : failure();
  }
  if (auto red = dyn_cast<TileReduceOp>(op))
    return convertReduce(b, red);
  if (fused.contains(op))
    return success(); // computed by the P V it was fused into
  if (auto map = dyn_cast<TileMapOp>(op))
    return elementwise(b, op, map.getInputs(), [&](OpBuilder &b, int64_t, ValueRange x) {
      return emitMapElement(b, map, x);
    });
  // Score and mask code per fragment element; what depends on neither the
  // element's score nor its indices (slopes[h]) once per tile, what
  // depends on its row or column alone (doc[q_idx], doc[kv_idx]) once per
  // row (2 a thread) or column (N / 4).
  // An M x 1 tile (a thread's two rows, element i row i) only as a `rows`
  // tile_score: a query row's factors (faattn-fold-row-factors), whose
  // kv_idx is col0.
  bool column = isa<TileScoreOp, TileMaskOp>(op) &&
                cast<TileType>(op->getResult(0).getType()).getShape()[1] == 1;
  if (column && !(isa<TileScoreOp>(op) && cast<TileScoreOp>(op).getRows()))
    return op->emitOpError() << "on an M x 1 tile has a wgmma lowering only with `rows`";
  if (auto score = dyn_cast<TileScoreOp>(op)) {
    ElementCode code(op);
    code.emitUniform(b);
    return elementwise(b, op, ValueRange{score.getInput()}, [&](OpBuilder &b, int64_t i,
                                                                 ValueRange x) {
      auto [row, kv] = indices(b, score, i);
      IRMapping pre = column ? code.forElement(b, i, row, 0, score.getCol0())
                             : code.forElement(b, rowKey(i), row, colKey(i), kv);
      return emitScoreElement(b, score, row, kv, x[0], &pre);
    });
  }
  if (auto mask = dyn_cast<TileMaskOp>(op)) {
    ElementCode code(op);
    code.emitUniform(b);
    return elementwise(b, op, ValueRange{mask.getInput()}, [&](OpBuilder &b, int64_t i,
                                                               ValueRange x) {
      auto [row, kv] = indices(b, mask, i);
      IRMapping pre = code.forElement(b, rowKey(i), row, colKey(i), kv);
      return emitMaskElement(b, mask, row, kv, x[0], &pre);
    });
  }
  if (auto loop = dyn_cast<scf::ForOp>(op))
    return convertLoop(loop);
  if (op == tileLoop.getOperation())
    return convertTileLoop();
  if (auto par = dyn_cast<scf::ParallelOp>(op); par && scanSlots.count(par))
    return convertScan(par);
  if (auto par = dyn_cast<scf::ParallelOp>(op);
      par && p.backward && par->hasAttr(FAAttnDialect::getBlockScanAttrName()))
    return sequentialScan(par);
  if (auto par = dyn_cast<scf::ParallelOp>(op);
      par && par->hasAttr(FAAttnDialect::getRangeReduceAttrName()) && par->getBlock() == &gridBlock()) {
    // Hoisted before a scan (the Q block's rows): every thread reaches it.
    toErase.push_back(par);
    return convertRangeReduce(par, /*lanes=*/32);
  }
  if (isa<FAAttnDialect>(op->getDialect()))
    return op->emitOpError() << "has no wgmma lowering";
  for (Region &r : op->getRegions())
    for (Block &blk : r)
      if (failed(convertBlock(blk)))
        return failure();
  return success();
}

std::pair<TileRow, Value> WgmmaLowering::indices(OpBuilder &b, Operation *indexedOp, int64_t i) {
  Location loc = fn.getLoc();
  auto t = cast<TileType>(indexedOp->getResult(0).getType());
  TileRow row = indexedRow(b, indexedOp, i32(b, rowOf(b, t, i)));
  Value col0 = isa<TileScoreOp>(indexedOp) ? cast<TileScoreOp>(indexedOp).getCol0()
                                            : cast<TileMaskOp>(indexedOp).getCol0();
  Value kv = arith::AddIOp::create(b, loc, col0, i32(b, colOf(b, t, i)));
  return {row, kv};
}

LogicalResult WgmmaLowering::elementwise(OpBuilder &b, Operation *op, ValueRange inputs,
                          function_ref<Value(OpBuilder &, int64_t, ValueRange)> body) {
  auto resTy = cast<TileType>(op->getResult(0).getType());
  bool column = resTy.getShape()[1] == 1;
  SmallVector<Value> out;
  for (int64_t i = 0; i < elems(resTy); ++i) {
    SmallVector<Value> x;
    for (Value in : inputs)
      x.push_back(element(b, in, cast<TileType>(in.getType()), i, column));
    out.push_back(body(b, i, x));
  }
  frag[op->getResult(0)] = vector::FromElementsOp::create(b, op->getLoc(), vecOf(resTy), out);
  toErase.push_back(op);
  return success();
}

LogicalResult WgmmaLowering::convertReduce(OpBuilder &b, TileReduceOp red) {
  Location loc = red.getLoc();
  bool isMax = red.getKind() == ReduceKind::max;
  TileType in = red.getInput().getType();
  auto combine = [&](Value x, Value y) -> Value {
    return isMax ? Value(arith::MaximumFOp::create(b, loc, x, y))
                 : Value(arith::AddFOp::create(b, loc, x, y));
  };
  // The row's other elements are in the three other threads of the quad.
  auto quad = [&](Value acc, int64_t offset) {
    auto shfl = gpu::ShuffleOp::create(b, loc, acc, c32(b, offset), c32(b, 32),
                                       gpu::ShuffleMode::XOR);
    return combine(acc, shfl.getShuffleResult());
  };
  Value v = frag.lookup(red.getInput());
  SmallVector<Value> rows;
  if (p.rowPartials > 1) {
    // A thread's two rows (elements i with (i % 4) / 2 = r) in rowPartials
    // independent chains each, taken in element order so that the rows'
    // chains interleave; then each row's partials as a tree and the quad's
    // shuffles of both rows together: the chain's latency, not its length,
    // is what the softmax waits for (PERFORMANCE step 79).
    SmallVector<SmallVector<Value>> part(2, SmallVector<Value>(p.rowPartials));
    int64_t seen[2] = {0, 0};
    for (int64_t i = 0; i < elems(in); ++i) {
      int64_t r = (i % 4) / 2;
      Value x = vector::ExtractOp::create(b, loc, v, i);
      Value &acc = part[r][seen[r]++ % p.rowPartials];
      acc = acc ? combine(acc, x) : x;
    }
    for (SmallVector<Value> &chains : part) {
      llvm::erase(chains, Value());
      while (chains.size() > 1) {
        SmallVector<Value> next;
        for (size_t k = 0; k + 1 < chains.size(); k += 2)
          next.push_back(combine(chains[k], chains[k + 1]));
        if (chains.size() % 2)
          next.push_back(chains.back());
        chains = std::move(next);
      }
      rows.push_back(chains.front());
    }
    for (int64_t offset : {1, 2})
      for (Value &acc : rows)
        acc = quad(acc, offset);
  } else {
    // One chain a row, row after row.
    for (int64_t r = 0; r < 2; ++r) {
      Value acc;
      for (int64_t i = 0; i < elems(in); ++i) {
        if ((i % 4) / 2 != r)
          continue;
        Value x = vector::ExtractOp::create(b, loc, v, i);
        acc = acc ? combine(acc, x) : x;
      }
      for (int64_t offset : {1, 2})
        acc = quad(acc, offset);
      rows.push_back(acc);
    }
  }
  frag[red] = vector::FromElementsOp::create(b, loc, vecOf(red.getType()), rows);
  toErase.push_back(red);
  return success();
}

LogicalResult WgmmaLowering::convertLoop(scf::ForOp loop) {
  bool isKV = tma && llvm::is_contained(p.kvLoops, loop);
  if (isKV && loop == p.kvLoops.front()) {
    OpBuilder b(loop);
    prologue(b);
    if (loop == p.head)
      drainHead(b);
  }
  if (isKV && loop == p.kvLoops.back()) {
    OpBuilder b(loop);
    b.setInsertionPointAfter(loop);
    sched->afterKVLoops(b);
  }
  bool any = llvm::any_of(loop.getResultTypes(), [](Type t) { return isa<TileType>(t); });
  if (!any) {
    kvIv = isKV ? loop.getInductionVar() : Value();
    LogicalResult r = convertBlock(*loop.getBody());
    kvIv = Value();
    return r;
  }
  Location loc = loop.getLoc();
  OpBuilder b(loop);
  // A rotated e4m3 loop carries P as its e4m3 A registers (packP8: 16 a
  // thread at block_n 128 instead of 64 f32), packed where the softmax made
  // it, when P V is all that reads the carried value.
  auto carriesP8 = [&](BlockArgument arg) {
    return p.fp8 && p.rotated && isKV && isa<TileType>(arg.getType()) && !arg.use_empty() &&
           llvm::all_of(arg.getUsers(), [&](Operation *u) {
             auto d = dyn_cast<TileDotOp>(u);
             return d && d.getLhs() == arg;
           });
  };
  auto pSteps = [&](Value tile) {
    return cast<TileType>(tile.getType()).getShape()[1] / p.kStep();
  };
  auto packed = [&](OpBuilder &b, Value tile) {
    if (Value v = packedP.lookup(tile))
      return v;
    Value f = frag.lookup(tile);
    return f ? packP8(b, f, pSteps(tile)) : Value();
  };
  SmallVector<bool> carried;
  for (BlockArgument arg : loop.getRegionIterArgs())
    carried.push_back(carriesP8(arg));
  SmallVector<Value> inits;
  for (auto [i, init] : llvm::enumerate(loop.getInitArgs()))
    inits.push_back(carried[i]                      ? packed(b, init)
                    : isa<TileType>(init.getType()) ? frag.lookup(init)
                                                    : init);
  if (llvm::is_contained(inits, Value()))
    return loop.emitError() << "a carried tile has no fragments";
  auto newLoop = scf::ForOp::create(b, loc, loop.getLowerBound(), loop.getUpperBound(),
                                    loop.getStep(), inits);
  newLoop->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
  Block *newBody = newLoop.getBody();
  if (!newBody->empty())
    newBody->getTerminator()->erase();
  newBody->getOperations().splice(newBody->end(), loop.getBody()->getOperations());
  loop.getInductionVar().replaceAllUsesWith(newLoop.getInductionVar());
  for (auto [oldArg, newArg] : llvm::zip(loop.getRegionIterArgs(), newLoop.getRegionIterArgs())) {
    if (carried[oldArg.getArgNumber() - 1])
      packedP[oldArg] = newArg;
    else if (isa<TileType>(oldArg.getType()))
      frag[oldArg] = newArg;
    else
      oldArg.replaceAllUsesWith(newArg);
  }
  auto yield = cast<scf::YieldOp>(newBody->getTerminator());
  kvIv = isKV ? newLoop.getInductionVar() : Value();
  if (failed(convertBlock(*newBody)))
    return failure();
  kvIv = Value();
  SmallVector<Value> yielded;
  {
    OpBuilder yb(yield);
    // P packed where its fragments are made, before the iteration's last
    // wait (for P V_{j-1}), so that the conversions run under that product.
    auto packedHere = [&](Value tile) {
      OpBuilder pb(yield);
      Value f = frag.lookup(tile);
      if (Operation *def = f ? f.getDefiningOp() : nullptr; def && def->getBlock() == newBody)
        pb.setInsertionPointAfter(def);
      return packed(pb, tile);
    };
    for (auto [i, v] : llvm::enumerate(yield.getOperands()))
      yielded.push_back(carried[i]                    ? packedHere(v)
                        : isa<TileType>(v.getType()) ? frag.lookup(v)
                                                      : v);
    if (llvm::is_contained(yielded, Value()))
      return loop.emitError() << "a carried tile has no fragments";
    scf::YieldOp::create(yb, loc, yielded);
  }
  yield.erase();
  for (auto [oldRes, newRes] : llvm::zip(loop.getResults(), newLoop.getResults())) {
    if (carried[oldRes.getResultNumber()])
      packedP[oldRes] = newRes;
    else if (isa<TileType>(oldRes.getType()))
      frag[oldRes] = newRes;
    else
      oldRes.replaceAllUsesWith(newRes);
  }
  toErase.push_back(loop);
  return success();
}

} // namespace hopper
} // namespace faattn
