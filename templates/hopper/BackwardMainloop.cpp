//===- BackwardMainloop.cpp - template: the backward's main grid on wgmma --===//
//
// faattn-backward-tile's main grid (FA2's backward in column order) on the
// sm_90a tensor cores: faattn-tiles-to-wgmma takes it with its `backward`
// option, which the GPU pipeline sets for every backward kernel it admits
// (takesBackwardWgmma; docs/BACKWARD.md). Built by WgmmaLowering::runBackward over the grid's
// tile ops; the walk, elementwise code and loops are WgmmaLowering.cpp's.
//
// Warp roles. One warpgroup (128 threads) per CTA of 64 keys of one (batch,
// KV head): every 64-row tile of the grid is its accumulator fragments,
// whether its rows are query rows (S, P, dP, dS, dQ) or the CTA's keys (dK,
// dV). Or, for a CTA of 128 keys (faattn-backward-tile's block-kv 128; Plan::
// keySplit), two warpgroups (256 threads) that split the keys: warpgroup w
// owns keys 64 w .. 64 w + 63, so its S, P, dP and dS are those keys'
// columns (#faattn.wgmma_cols, splitKeys), its dK and dV their rows (the
// 128-row tiles, split as the forward splits its rows), and it makes half
// of dQ = dS K's columns (#faattn.wgmma_cols too) over all 128 keys, its A
// dS^T as both warpgroups wrote it for dK (read MN-major: an SS product, no
// dS fragments packed), so no thread holds a whole dQ row block (FA3's dQ
// split). Q, dO, LSE and D are copied once for both, and every barrier below
// is the CTA's: the warpgroups go through a Q block in step (no
// deterministic turns or column chunks then: analyzeBackward). No producer:
// the threads copy the blocks.
//
// Shared memory. Each 16-bit tile a product reads has a buffer in the
// canonical K-major layout without swizzle (8 x 8 core matrices, as the
// forward's copy pipeline): `direct` (rows x cols, reduction over the
// columns) for the A and B of S = Q K^T and dP = dO V^T, and also read
// MN-major (mnMajorDescriptor, the transpose-B bit) as a B whose reduction
// runs over its rows (K in dQ = dS K, dO in dV, Q in dK); `transposed` (cols
// x rows) only for the A of dV += P^T dO and dK += dS^T Q, whose fragments
// (query rows x keys) are written there transposed.
//
// Barriers and phases, per Q block (non-rotated, every product waited for
// at once, so a buffer is free once every thread has passed a barrier after
// its product):
//   CTA barrier; copy Q and dO (each with its row-zeroing map), fence.proxy
//   .async, CTA barrier; LSE_i and D_i into fragments (global loads);
//   S = Q K^T (SS); score', d score' (tile_score_grad) and the mask on S's
//   fragments; P; dP = dO V^T (SS); dS;
//   P^T to shared memory, fence, barrier; dV += P^T dO (SS, accumulating
//   onto dV's fragments);
//   dS^T to shared memory, fence, barrier; dK += dS^T Q (SS);
//   dQ_i = dS K (RS: dS's fragments as A), atomically added per element
//   into the f32 accumulator (the accumulate tile_store, Epilogue.cpp's
//   convertStore); the param gradients: atomic adds per element, or for a
//   param element the whole tile shares (slopes[h], a scalar) one per warp
//   after a sum over the thread's elements and the warp's shuffles.
// The block scans of the mask analysis (column order) run as loops that
// every thread evaluates (they are short: one step a Q block).
//
// Column chunks (faattn-backward-tile's max-cols, head dims over 128): the
// products of dV, dK and dQ read their chunk of dO, Q or K (tile_columns)
// in place, an MN-major B at the chunk's first core matrix of the whole
// tile's buffer, with the whole tile's strides; the chunk's dQ is added at
// its columns (tile_store col0).
//
// Needs from the plan: elt (bm = bn = 64). The grid's arguments are the
// backward's, with the delta and the dQ accumulator as memrefs of its own.
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
#include "faattn/Target/TargetInfo.h"

#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

namespace faattn {
namespace hopper {

/// The tile whose buffer `v` is read from and the first column of `v` in it:
/// a column chunk's source (tile_columns), else `v` itself at column 0.
static std::pair<Value, int64_t> columnsOf(Value v) {
  if (auto c = v.getDefiningOp<TileColumnsOp>())
    return {c.getInput(), static_cast<int64_t>(c.getCol0())};
  return {v, 0};
}

LogicalResult WgmmaLowering::runBackward() {
  Block &entry = fn.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  Location loc = fn.getLoc();
  f32 = b.getF32Type();
  threads = p.threads();
  if (p.keySplit && failed(splitKeys()))
    return failure();
  // The buffers: for each product, its operands' (a tile read by several
  // products has one buffer of each form it is read in). The tiles of a Q
  // loop (faattn.q_loop: Q, dO, P, dS) are dead after it, so the loops (the
  // mask analysis' masked, full, masked) share their buffers, after the
  // loop-invariant K and V's.
  int64_t cursor = 0;
  auto place = [&](int64_t bytes) {
    cursor = (cursor + 127) / 128 * 128;
    int64_t at = cursor;
    cursor += bytes;
    total = std::max(total, cursor);
    return at;
  };
  auto need = [&](Value v, bool transposed) {
    auto t = cast<TileType>(v.getType());
    OperandTile &o = operandTiles[v];
    int64_t &at = transposed ? o.transposed : o.direct;
    int64_t bytes = t.getShape()[0] * t.getShape()[1] * 2;
    // Q and dO copied ahead (copyPrefetch): two buffers, this block's and
    // the next one's.
    TileLoadOp rowLoad;
    if (at < 0 && !transposed && p.copyPrefetch && prefetchedLoad(v, rowLoad))
      o.stageBytes = bytes;
    if (at < 0)
      at = place(o.stageBytes ? 2 * bytes : bytes);
  };
  auto qLoopOf = [](Value v) -> Operation * {
    for (Operation *op = v.getParentRegion()->getParentOp(); op; op = op->getParentOp())
      if (op->hasAttr(FAAttnDialect::getQLoopAttrName()))
        return op;
    return nullptr;
  };
  SmallVector<TileDotOp> dots;
  fn.walk([&](TileDotOp dot) { dots.push_back(dot); });
  auto needs = [&](TileDotOp dot, function_ref<bool(Value)> take) {
    auto want = [&](Value v, bool transposed) {
      v = columnsOf(v).first; // a column chunk is read from its tile's buffer
      if (take(v))
        need(v, transposed);
    };
    if (dot.getTransposeRhs()) {
      want(dot.getLhs(), false);
      want(dot.getRhs(), false);
      return;
    }
    // A B whose reduction runs over its rows is read MN-major from its
    // direct buffer (mnMajorDescriptor).
    want(dot.getRhs(), false);
    if (dot.getTransposeLhs())
      want(dot.getLhs(), true);
  };
  for (TileDotOp dot : dots)
    needs(dot, [&](Value v) { return !qLoopOf(v); });
  int64_t invariant = cursor;
  Operation *loop = nullptr;
  for (TileDotOp dot : dots) {
    if (Operation *l = qLoopOf(dot.getResult()); l != loop) {
      loop = l;
      cursor = invariant;
    }
    needs(dot, [&](Value v) { return qLoopOf(v) == loop && loop; });
  }
  // dQ's staging buffer over the Q loop's buffers: they are dead once a Q
  // block's products are waited for, and the next block's copies wait for
  // the bulk reductions' reads of it. Not with the prefetched copies, which
  // write the next block's Q and dO during this block's products (the pass
  // also turns dqBulk off with them).
  if (auto [rows, cols] = dqStagingShape(); p.dqBulk && !p.copyPrefetch && rows) {
    dqPitch = cols * 4 + 16;
    cursor = invariant;
    dqAt = place(rows * dqPitch);
  }
  if (total > kSM90a.maxDynamicSharedBytes())
    return fn.emitOpError() << "the backward's tiles need " << total
                            << " bytes of shared memory, more than "
                            << kSM90a.maxDynamicSharedBytes();
  initSharedMemory(b, loc);
  initThreads(b, loc);
  if (p.overlapProducts)
    fn.walk([&](scf::ForOp loop) {
      if (loop->hasAttr(FAAttnDialect::getQLoopAttrName()))
        hoistProducts(*loop.getBody());
    });
  if (failed(convertBlock(entry)))
    return failure();
  // The bulk reductions complete before the CTA's shared memory goes.
  if (dqAt >= 0)
    fn.walk([&](gpu::ReturnOp ret) {
      OpBuilder rb(ret);
      NVVM::CpAsyncBulkWaitGroupOp::create(rb, ret.getLoc(), rb.getI32IntegerAttr(0), UnitAttr());
    });
  eraseConverted();
  return success();
}

void WgmmaLowering::hoistProducts(Block &body) {
  // The last op of `body` that `op` needs (its operands' definitions and
  // those of the values its regions read from above), or `floor` if later.
  auto lastDef = [&](Operation *op, Operation *floor) {
    SetVector<Value> used(op->getOperands().begin(), op->getOperands().end());
    for (Region &r : op->getRegions())
      getUsedValuesDefinedAbove(r, used);
    Operation *at = floor;
    for (Value v : used)
      if (Operation *d = v.getDefiningOp(); d && d->getBlock() == &body && (!at || at->isBeforeInBlock(d)))
        at = d;
    return at;
  };
  auto moveUp = [&](Operation *op, Operation *floor) {
    if (Operation *at = lastDef(op, floor); at && at->isBeforeInBlock(op))
      op->moveAfter(at);
  };
  SmallVector<TileDotOp> dots(body.getOps<TileDotOp>());
  Operation *previous = nullptr;
  for (TileDotOp dot : dots) {
    // The maps that make its operands (P and dS in 16 bits), but not a
    // copy's row-zeroing map, which its load converts in place.
    for (Value v : dot->getOperands())
      if (auto m = v.getDefiningOp<TileMapOp>();
          m && m->getBlock() == &body && llvm::none_of(m.getInputs(), [](Value in) {
            return isa_and_nonnull<TileLoadOp>(in.getDefiningOp());
          }))
        moveUp(m, nullptr);
    moveUp(dot, previous);
    previous = dot;
  }
}

LogicalResult WgmmaLowering::splitKeys() {
  MLIRContext *ctx = fn.getContext();
  auto cols = WgmmaColumnsLayoutAttr::get(ctx, 2);
  SmallVector<Value> work;
  fn.walk([&](TileDotOp dot) {
    if (dot.getTransposeRhs())
      work.push_back(dot.getResult());
  });
  DenseSet<Value> split;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!split.insert(v).second)
      continue;
    auto t = cast<TileType>(v.getType());
    v.setType(TileType::get(ctx, t.getShape(), t.getElementType(), cols));
    for (Operation *user : v.getUsers()) {
      // dQ = dS K: its columns split too (each warpgroup's half of the head
      // dim, over every key); the other products read the tile.
      if (auto dot = dyn_cast<TileDotOp>(user)) {
        if (!dot.getTransposeLhs() && !dot.getTransposeRhs() && dot.getLhs() == v)
          work.push_back(dot.getResult());
        continue;
      }
      if (auto store = dyn_cast<TileStoreOp>(user); store && store.getAccumulate())
        continue; // (dQ's adds, each warpgroup its columns)
      if (isa<TileParamGradOp>(user))
        continue; // (no tile result)
      if (!isa<TileMapOp, TileScoreGradOp, TileMaskOp>(user))
        return user->emitOpError()
               << "reads a tile whose columns two warpgroups split (the CTA's keys): no "
                  "lowering under the key split";
      for (Value r : user->getResults())
        work.push_back(r);
    }
  }
  return success();
}

std::pair<int64_t, int64_t> WgmmaLowering::dqStagingShape() {
  int64_t rows = 0, cols = 0;
  bool fits = true;
  fn.walk([&](Operation *op) {
    if (isa<TurnPassOp, TurnWaitOp, TurnEndOp>(op))
      fits = false;
    auto store = dyn_cast<TileStoreOp>(op);
    if (!store || !store.getAccumulate())
      return;
    TileType t = store.getValue().getType();
    MemRefType mem = store.getMem().getType();
    int64_t d = mem.getShape().back();
    // (A column chunk's rows start at col0: 16-byte aligned.)
    int64_t col0 = static_cast<int64_t>(store.getCol0().value_or(0));
    fits = fits && t.getElementType().isF32() && t.getShape()[1] > 1 && col0 % 4 == 0 &&
           mem.getLayout().isIdentity() && !ShapedType::isDynamic(d) && (d * 4) % 16 == 0 &&
           t.getShape()[0] <= threads;
    rows = std::max(rows, t.getShape()[0]);
    // (The tile's columns: a padded tile's fragments past the head dim are
    // staged too, though not added.)
    cols = std::max(cols, t.getShape()[1]);
  });
  if (!fits || !rows)
    return {0, 0};
  return {rows, cols};
}

Value WgmmaLowering::canonicalDescriptor(OpBuilder &b, int64_t at, int64_t k, int64_t kdim,
                                         Value extraBytes) {
  // Core matrices of 8 rows x 16 bytes: LBO 128 (the next 8 reduction
  // elements), SBO (kdim / 8) * 128 (the next 8 rows); k-step k (16
  // elements) two core matrices on.
  return descriptor(b, address(b, at + k * 256, extraBytes), 128, (kdim / 8) * 128, 0);
}

Value WgmmaLowering::mnMajorDescriptor(OpBuilder &b, int64_t at, int64_t k, int64_t cols,
                                       Value extraBytes) {
  // The direct (K-major) buffer of a rows x cols tile as an MN-major B whose
  // reduction runs over the rows: a core matrix's 8 rows of 16 bytes are 8
  // reduction elements of 8 N columns, as the no-swizzle MN-major layout
  // wants. There SBO is the stride between core matrices along N (128: the
  // next 8 columns) and LBO along the reduction ((cols / 8) * 128: the next
  // 8 rows); k-step k (16 rows) is two row blocks on.
  return descriptor(b, address(b, at + k * 2 * (cols / 8) * 128, extraBytes), (cols / 8) * 128,
                    128, 0);
}

LogicalResult WgmmaLowering::convertDotBackward(OpBuilder &b, TileDotOp dot) {
  Location loc = dot.getLoc();
  if (asyncCopiesPending) // (the copies' pass waits before any product)
    finishAsyncCopies(b, loc);
  MLIRContext *ctx = b.getContext();
  TileType res = dot.getType(), lt = dot.getLhs().getType();
  // dQ = dS K under the key split (Plan::keySplit): each warpgroup's half of
  // dQ's columns, reduced over all the CTA's keys, its A dS^T as both
  // warpgroups wrote it for dK (read MN-major), so no warpgroup holds dS's
  // 16-bit fragments and a whole dQ row block.
  bool dqSplit = p.keySplit && !dot.getTransposeLhs() && !dot.getTransposeRhs();
  if (dqSplit && !llvm::any_of(dot->getBlock()->getOps<TileDotOp>(), [&](TileDotOp d) {
        return d.getTransposeLhs() && d.getLhs() == dot.getLhs() && d->isBeforeInBlock(dot);
      }))
    return dot.emitOpError() << "reads dS^T before a product of the block writes it";
  // N and the reduction of this warpgroup's product: under the key split S
  // and dP have its 64 keys' columns (N 64), dQ its half of the head dim.
  int64_t n = res.getShape()[1] / columnGroups(res);
  bool ss = dot.getTransposeRhs() || dot.getTransposeLhs() || dqSplit;
  int64_t kdim = dot.getTransposeLhs() ? lt.getShape()[0] : lt.getShape()[1];
  auto structTy = LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(n / 2, f32));
  // dK / dV: the product accumulates onto the carried fragments (the map
  // acc + product that is its only use).
  TileMapOp add;
  if (dot->hasOneUse())
    if (auto m = dyn_cast<TileMapOp>(*dot->user_begin());
        m && m.getInputs().size() == 2 && m.getInputs()[1] == dot.getResult() &&
        m.getInputs()[0] != dot.getResult() && m.getInputs()[0].getType() == res &&
        m.getType() == res) {
      Block &body = m.getBody().front();
      auto sum = dyn_cast<arith::AddFOp>(&body.front());
      if (sum && sum->getNextNode() == body.getTerminator() &&
          cast<YieldOp>(body.getTerminator()).getValue() == sum.getResult() &&
          ((sum.getLhs() == body.getArgument(0) && sum.getRhs() == body.getArgument(1)) ||
           (sum.getLhs() == body.getArgument(1) && sum.getRhs() == body.getArgument(0))))
        add = m;
    }
  Value acc = LLVM::ZeroOp::create(b, loc, structTy);
  if (add) {
    Value from = frag.lookup(add.getInputs()[0]);
    if (!from)
      return dot.emitOpError() << "accumulates onto a tile without fragments";
    for (int64_t i = 0; i < n / 2; ++i)
      acc = LLVM::InsertValueOp::create(b, loc, acc, vector::ExtractOp::create(b, loc, from, i), i);
  }
  Value aFrag;
  if (!dot.getTransposeRhs() && !dqSplit) {
    aFrag = frag.lookup(dot.getLhs());
    if (!aFrag)
      return dot.emitOpError() << "A has no fragments";
  }
  if (dot.getTransposeLhs()) {
    // P^T or dS^T: the fragments (query rows x keys) to shared memory as
    // (keys x query rows), then visible to the tensor cores.
    // Under the key split a warpgroup's keys are its own 64 rows of the
    // buffer, 64 x (query rows) elements on: added to the index made from
    // its columns within its block, so that the row and core-matrix
    // arithmetic folds to constants per element as with one warpgroup.
    int64_t at = operandTiles.lookup(dot.getLhs()).transposed / 2;
    int64_t groups = columnGroups(lt), qRows = lt.getShape()[0];
    TileType inBlock = TileType::get(lt.getShape(), lt.getElementType());
    Value own = groups > 1 ? arith::MulIOp::create(
                                 b, loc, wgIdx, cIdx(b, lt.getShape()[1] / groups * qRows))
                                 .getResult()
                           : Value();
    for (int64_t i = 0; i < elems(lt); ++i) {
      Value idx = coreIndex(b, at, colOf(b, inBlock, i), rowOf(b, lt, i), qRows);
      if (own)
        idx = arith::AddIOp::create(b, loc, idx, own);
      memref::StoreOp::create(b, loc, vector::ExtractOp::create(b, loc, aFrag, i), smem, idx);
    }
    asyncVisible(b, loc);
  }
  // dQ = dS K's A fragments, every k-step's packed before the fence: a
  // register written between the wgmmas of a group makes ptxas insert a
  // warpgroup.arrive before each (C7519), which serializes them.
  SmallVector<SmallVector<Value>> packedA;
  if (!ss)
    for (int64_t k = 0; k < kdim / 16; ++k)
      packedA.push_back(packA(b, aFrag, k));
  NVVM::WgmmaFenceAlignedOp::create(b, loc);
  auto wgType = p.elt.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
  // B may be a column chunk: its tile's buffer from the chunk's first core
  // matrix (8 columns of 16 bytes), with the tile's strides.
  auto [bTile, bCol0] = columnsOf(dot.getRhs());
  OperandTile a = operandTiles.lookup(dot.getLhs()), bt = operandTiles.lookup(bTile);
  int64_t bCols = cast<TileType>(bTile.getType()).getShape()[1], bFirst = bCol0 / 8 * 128;
  // B: K-major (S, dP: reduction over its columns) or MN-major (dV, dK, dQ:
  // over its rows, n = its columns), both from its direct buffer.
  bool mnMajorB = !dot.getTransposeRhs();
  // A prefetched block's buffer of this Q block (bytes past its first).
  // Every buffer's address is loop-invariant, so LLVM would hoist all the
  // product's descriptors (52 of 64 bits at head dim 128) out of the Q loop
  // and hold them in registers across it, which spilled; from an opaque zero
  // they are made here, next to their wgmma (Plan::loopDescriptors).
  Value opaque = p.loopDescriptors ? opaqueZero(b) : Value();
  // Under the key split, warpgroup w's keys are rows 64 w on of K and V (B
  // of S and dP, K-major) and of P^T and dS^T (A of dV and dK); its half of
  // dQ's columns, columns n w on of K (B of dQ, MN-major: n / 8 core
  // matrices of 128 bytes a half): `extra` plus w times `bytes`.
  // (Made next to the wgmma, from %tid.x, under Plan::loopDescriptors: the
  // opaque zero's reason.)
  auto ownPart = [&](Value extra, int64_t bytes) -> Value {
    if (!p.keySplit)
      return extra;
    Value part = p.loopDescriptors
                     ? opaqueWarpgroupBytes(b, bytes)
                     : arith::MulIOp::create(b, loc, wgIdx, cIdx(b, bytes)).getResult();
    if (!extra || extra == opaque)
      return part;
    return arith::AddIOp::create(b, loc, extra, part).getResult();
  };
  auto stageOffset = [&](const OperandTile &o) -> Value {
    if (!o.stageBytes)
      return opaque;
    return arith::MulIOp::create(b, loc, qStage, cIdx(b, o.stageBytes));
  };
  // (dV, dK: B is dO or Q, read over the query rows every warpgroup shares.)
  // Made once a product under the key split, else a k-step's own (one
  // warpgroup's code as before the key split).
  auto bExtraOf = [&]() -> Value {
    return !mnMajorB ? ownPart(stageOffset(bt), 64 * kdim * 2)
           : dqSplit ? ownPart(stageOffset(bt), n / 8 * 128)
                     : stageOffset(bt);
  };
  auto aExtraOf = [&]() -> Value {
    return !ss                    ? Value()
           : dot.getTransposeLhs() ? ownPart(opaque, 64 * kdim * 2)
           : dqSplit               ? opaque
                                   : stageOffset(a);
  };
  Value bOnce = p.keySplit ? bExtraOf() : Value(), aOnce = p.keySplit ? aExtraOf() : Value();
  for (int64_t k = 0; k < kdim / 16; ++k) {
    Value bExtra = p.keySplit ? bOnce : bExtraOf();
    Value descB = mnMajorB ? mnMajorDescriptor(b, bt.direct + bFirst, k, bCols, bExtra)
                           : canonicalDescriptor(b, bt.direct, k, kdim, bExtra);
    bool onto = k > 0 || add;
    if (!ss) { // dQ = dS K: A from registers
      acc = wgmmaRS(b, acc, packedA[k], descB, n, onto, /*transposeB=*/mnMajorB);
      continue;
    }
    // (dQ's A: dS^T, keys x query rows, read as query rows x keys: MN-major.)
    Value aExtra = p.keySplit ? aOnce : aExtraOf();
    Value descA =
        dqSplit ? mnMajorDescriptor(b, a.transposed, k, lt.getShape()[0], aExtra)
                : canonicalDescriptor(b, dot.getTransposeLhs() ? a.transposed : a.direct, k,
                                      kdim, aExtra);
    acc = NVVM::WgmmaMmaAsyncOp::create(
        b, loc, structTy, acc, descA, descB, NVVM::MMAShapeAttr::get(ctx, 64, n, 16), wgType,
        wgType, NVVM::WGMMATypes::f32, onto ? NVVM::WGMMAScaleOut::one : NVVM::WGMMAScaleOut::zero,
        NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one,
        dqSplit ? NVVM::MMALayout::col : NVVM::MMALayout::row,
        mnMajorB ? NVVM::MMALayout::row : NVVM::MMALayout::col,
        /*satfinite=*/NVVM::MMAIntOverflowAttr());
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
  Value result = dot.getResult();
  if (add) {
    result = add.getResult();
    fused.insert(add);
    toErase.push_back(add);
  }
  toErase.push_back(dot);
  // In flight until an op reads the result (convertBlock's awaitBefore;
  // the loop's yield waits for every product).
  if (p.overlapProducts) {
    inFlight.push_back({result, acc, res, nextGroup++, [](OpBuilder &) {}});
    return success();
  }
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  frag[result] = fragmentsOf(b, acc, res);
  return success();
}

std::pair<Value, Value> WgmmaLowering::gradIndices(OpBuilder &b, Value row0, Value col0,
                                                   TileType t, int64_t i) {
  Location loc = fn.getLoc();
  return {arith::AddIOp::create(b, loc, row0, i32(b, rowOf(b, t, i))),
          arith::AddIOp::create(b, loc, col0, i32(b, colOf(b, t, i)))};
}

LogicalResult WgmmaLowering::convertScoreGrad(OpBuilder &b, TileScoreGradOp op) {
  Location loc = op.getLoc();
  TileType t = op.getInput().getType();
  if (t.getShape()[1] == 1)
    return op.emitOpError() << "on an M x 1 tile has no wgmma lowering";
  SmallVector<Value> score, dscore;
  for (int64_t i = 0; i < elems(t); ++i) {
    auto [q, kv] = gradIndices(b, op.getRow0(), op.getCol0(), t, i);
    auto [s, ds] = emitScoreGradElement(b, op, q, kv, element(b, op.getInput(), t, i, false));
    score.push_back(s);
    dscore.push_back(ds);
  }
  frag[op.getScore()] = vector::FromElementsOp::create(b, loc, vecOf(t), score);
  frag[op.getDscore()] = vector::FromElementsOp::create(b, loc, vecOf(t), dscore);
  toErase.push_back(op);
  return success();
}

LogicalResult WgmmaLowering::convertParamGrad(OpBuilder &b, TileParamGradOp op) {
  Location loc = op.getLoc();
  TileType t = op.getInput().getType();
  if (t.getShape()[1] == 1)
    return op.emitOpError() << "on an M x 1 tile has no wgmma lowering";
  auto atomicAdd = [](OpBuilder &b, Value buffer, ValueRange indices, Value value) {
    memref::AtomicRMWOp::create(b, b.getUnknownLoc(), arith::AtomicRMWKind::addf, value, buffer,
                                indices);
  };
  // Entries whose param element is the same for the whole tile (slopes[h],
  // a scalar) are summed: over this thread's elements, then over the warp
  // (shuffles), and added by lane 0, one atomic a warp instead of one an
  // element, all on one address. Other entries add per element. With
  // partials (deterministic) every entry is summed, and lane 0 of warp w adds
  // into slot w of the CTA's partials (a load and a store: its own slot).
  SmallVector<bool> summed = tileInvariantParamEntries(op);
  bool partials = static_cast<bool>(op.getPartials());
  if (partials && llvm::is_contained(summed, false))
    return op.emitOpError() << "with partials needs every entry's element the same over the tile";
  if (partials && threads > 32 * kParamGradSlots)
    return op.emitOpError() << "with partials takes " << kParamGradSlots << " warps, the CTA has "
                            << threads / 32;
  SmallVector<Value> sums;
  for (int64_t i = 0; i < elems(t); ++i) {
    auto [q, kv] = gradIndices(b, op.getRow0(), op.getCol0(), t, i);
    SmallVector<Value> parts = emitParamGradElement(
        b, op, q, kv, element(b, op.getInput(), t, i, false),
        element(b, op.getWeight(), op.getWeight().getType(), i, false), atomicAdd, summed);
    if (sums.empty())
      sums = parts;
    else
      for (auto [sum, part] : llvm::zip(sums, parts))
        sum = arith::AddFOp::create(b, loc, sum, part);
  }
  if (!sums.empty()) {
    auto yield = cast<GradYieldOp>(op.getRegion().front().getTerminator());
    Value lane0 = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                        arith::RemUIOp::create(b, loc, tid, cIdx(b, 32)), cIdx(b, 0));
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    unsigned k = 0;
    for (unsigned e = 0; e < summed.size(); ++e) {
      if (!summed[e])
        continue;
      Value sum = sums[k++];
      for (int64_t offset : {16, 8, 4, 2, 1})
        sum = arith::AddFOp::create(b, loc, sum,
                                    gpu::ShuffleOp::create(b, loc, sum, c32(b, offset), c32(b, 32),
                                                           gpu::ShuffleMode::XOR)
                                        .getShuffleResult());
      // A sum of 0 adds nothing (as no element flowing): its indices are
      // then not used. NaN is not 0, and propagates.
      Value adds = arith::AndIOp::create(
          b, loc, lane0, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, sum, zero));
      scf::IfOp::create(b, loc, adds, [&](OpBuilder &b, Location loc) {
        if (partials) {
          addParamGradPartial(b, op, e, arith::DivUIOp::create(b, loc, tid, cIdx(b, 32)), sum);
        } else {
          Value grad = op.getGrads()[gradBufferIndex(yield, op.getRequiresGrad(), e)];
          atomicAdd(b, grad, emitParamGradIndices(b, op, e), sum);
        }
        scf::YieldOp::create(b, loc);
      });
    }
  }
  toErase.push_back(op);
  return success();
}

// The turns of `deterministic` (BackwardTile.cpp): thread 0 reads the lock
// by an atomic OR of 0 until it holds the turn, and ends a turn by an atomic
// exchange (NVPTX emits both as relaxed gpu-scope atoms). CUTLASS's
// semaphore protocol: poll, fence (membar.gl), CTA barrier, adds; CTA
// barrier, fence, exchange. So the adds of the CTAs before are performed
// before this one's, and this one's before the next one's. A pass of a
// skipped block (no adds) polls and exchanges, the CTA's threads a block
// each: an atomic read-modify-write continues the previous turn's release.
// Deadlock-free in any order within a CTA: a CTA waits only on lower KV
// blocks of its (batch, head), which start first and pass every block.
/// The pause between two polls of a turn lock that did not hold the turn
/// (nanosleep; a turn lasts a few microseconds).
constexpr int32_t kTurnBackoffNs = 128;

LogicalResult WgmmaLowering::convertTurn(OpBuilder &b, Operation *op) {
  Location loc = op->getLoc();
  Value turn = arith::IndexCastOp::create(
      b, loc, b.getI32Type(),
      TypeSwitch<Operation *, Value>(op).Case<TurnPassOp, TurnWaitOp, TurnEndOp>(
          [](auto t) { return t.getTurn(); }));
  Value next = arith::AddIOp::create(b, loc, turn, c32(b, 1));
  // Thread 0 polls until `mem[idx]` holds the turn.
  auto poll = [&](OpBuilder &b, Value mem, ValueRange idx) {
    auto loop = scf::WhileOp::create(b, loc, TypeRange{}, ValueRange{});
    OpBuilder::InsertionGuard keep(b);
    OpBuilder w = OpBuilder::atBlockBegin(b.createBlock(&loop.getBefore()));
    Value held = memref::AtomicRMWOp::create(w, loc, arith::AtomicRMWKind::ori, c32(w, 0), mem,
                                             idx);
    Value waiting = arith::CmpIOp::create(w, loc, arith::CmpIPredicate::ne, held, turn);
    scf::ConditionOp::create(w, loc, waiting, ValueRange{});
    // The turn has not come: back off before the next poll (the polls are atomics at L2,
    // beside the dQ adds of the CTAs that hold their turns).
    OpBuilder a = OpBuilder::atBlockBegin(b.createBlock(&loop.getAfter()));
    NVVM::NanosleepOp::create(a, loc, c32(a, kTurnBackoffNs));
    scf::YieldOp::create(a, loc);
  };
  auto release = [&](OpBuilder &b, Value mem, ValueRange idx) {
    memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::assign, next, mem, idx);
  };
  Value leader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, cIdx(b, 0));
  if (auto pass = dyn_cast<TurnPassOp>(op)) {
    // The skipped blocks carry no adds, and their turns are independent of
    // one another: the threads pass them in parallel (block from + tid, then
    // + threads, ...), so a CTA's pass costs about one turn, not one per block.
    Value first = arith::AddIOp::create(b, loc, pass.getFrom(), tid);
    scf::ForOp::create(b, loc, first, pass.getTo(), cIdx(b, threads), ValueRange{},
                       [&](OpBuilder &b, Location loc, Value k, ValueRange) {
                         SmallVector<Value> idx = pass.lockIndices(b, k);
                         poll(b, pass.getLock(), idx);
                         release(b, pass.getLock(), idx);
                         scf::YieldOp::create(b, loc);
                       });
  } else if (auto wait = dyn_cast<TurnWaitOp>(op)) {
    SmallVector<Value> idx = wait.lockIndices(b, wait.getBlock());
    scf::IfOp::create(b, loc, leader, [&](OpBuilder &b, Location loc) {
      poll(b, wait.getLock(), idx);
      NVVM::MembarOp::create(b, loc, NVVM::MemScopeKind::GPU); // acquire: the adds after
      scf::YieldOp::create(b, loc);
    });
    gpu::BarrierOp::create(b, loc);
    wait.getReady().replaceAllUsesWith(
        arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1).getResult());
  } else {
    auto end = cast<TurnEndOp>(op);
    SmallVector<Value> idx = end.lockIndices(b, end.getBlock());
    gpu::BarrierOp::create(b, loc);
    scf::IfOp::create(b, loc, leader, [&](OpBuilder &b, Location loc) {
      NVVM::MembarOp::create(b, loc, NVVM::MemScopeKind::GPU);
      release(b, end.getLock(), idx);
      scf::YieldOp::create(b, loc);
    });
  }
  toErase.push_back(op);
  return success();
}

LogicalResult WgmmaLowering::sequentialScan(scf::ParallelOp par) {
  if (par.getNumLoops() != 1)
    return par.emitOpError() << "a block scan of more than one dimension";
  OpBuilder b(par);
  Location loc = par.getLoc();
  auto reduce = cast<scf::ReduceOp>(par.getBody()->getTerminator());
  auto loop = scf::ForOp::create(b, loc, par.getLowerBound()[0], par.getUpperBound()[0],
                                 par.getStep()[0], par.getInitVals());
  {
    Block *body = loop.getBody();
    if (!body->empty())
      body->getTerminator()->erase();
    OpBuilder lb = OpBuilder::atBlockEnd(body);
    IRMapping map;
    map.map(par.getInductionVars()[0], loop.getInductionVar());
    for (Operation &op : par.getBody()->without_terminator())
      lb.clone(op, map);
    SmallVector<Value> next;
    for (unsigned i = 0; i < reduce.getNumOperands(); ++i)
      next.push_back(combine(lb, reduce, i, loop.getRegionIterArgs()[i],
                             map.lookupOrDefault(reduce.getOperands()[i])));
    scf::YieldOp::create(lb, loc, next);
  }
  par.replaceAllUsesWith(loop.getResults());
  toErase.push_back(par);
  // Range reductions of the classifier inside it (the outermost ones; each
  // takes its own), likewise.
  SmallVector<scf::ParallelOp> inner;
  loop.walk([&](scf::ParallelOp x) {
    auto outer = x->getParentOfType<scf::ParallelOp>();
    if (!outer || !loop->isAncestor(outer))
      inner.push_back(x);
  });
  for (scf::ParallelOp x : inner)
    if (failed(sequentialScan(x)))
      return failure();
  return success();
}

} // namespace hopper
} // namespace faattn
