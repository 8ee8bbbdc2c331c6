//===- ElementCode.cpp - one element of an elementwise tile op ------------===//
//
// See faattn/Conversion/ElementCode.h.
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/ElementCode.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

#include <limits>
#include <optional>

using namespace mlir;

namespace faattn {

/// Whether `pre` already maps every result of `o` (hoisted out of the
/// element code).
static bool providedBy(const IRMapping *pre, Operation &o) {
  return pre && o.getNumResults() > 0 &&
         llvm::all_of(o.getResults(), [&](Value r) { return pre->contains(r); });
}

IRMapping inlineRegionBody(OpBuilder &b, Region &region, ValueRange args, const IRMapping *pre) {
  IRMapping map;
  Block &block = region.front();
  map.map(block.getArguments(), args);
  for (Operation &o : block.without_terminator()) {
    if (providedBy(pre, o)) {
      for (Value r : o.getResults())
        map.map(r, pre->lookup(r));
      continue;
    }
    b.clone(o, map);
  }
  return map;
}

Value inlineRegion(OpBuilder &b, Region &region, ValueRange args, const IRMapping *pre) {
  IRMapping map = inlineRegionBody(b, region, args, pre);
  return map.lookupOrDefault(cast<YieldOp>(region.front().getTerminator()).getValue());
}

namespace {

/// Pure and defined for every operand value. arith's remainders and
/// floor/ceil divisions are Pure but undefined for a zero divisor (and
/// INT_MIN / -1): only with a constant divisor other than 0 and -1. An op
/// with regions is not (isPure looks into them, this check does not).
bool definedEverywhere(Operation &o) {
  if (o.getNumRegions() != 0)
    return false;
  auto safeDivisor = [](Value d) {
    APInt c;
    return matchPattern(d, m_ConstantInt(&c)) && !c.isZero() && !c.isAllOnes();
  };
  return isPure(&o) && (!isa<arith::RemSIOp, arith::RemUIOp, arith::FloorDivSIOp,
                              arith::CeilDivSIOp, arith::CeilDivUIOp>(o) ||
                        safeDivisor(o.getOperand(1)));
}

} // namespace

TileRow indexedRow(OpBuilder &b, Operation *indexedOp, Value r) {
  auto rowOf = [&](auto op) -> TileRow {
    Location loc = op.getLoc();
    std::optional<uint64_t> group = op.getHeadGroup();
    if (!group)
      return {arith::AddIOp::create(b, loc, op.getRow0(), r), op.getHead()};
    int64_t perHead = op.getType().getShape()[0] / static_cast<int64_t>(*group);
    Value rows = arith::ConstantIntOp::create(b, loc, b.getI32Type(), perHead);
    Value q = arith::AddIOp::create(b, loc, op.getRow0(), arith::RemUIOp::create(b, loc, r, rows));
    Value h = arith::AddIOp::create(b, loc, op.getHead(), arith::DivUIOp::create(b, loc, r, rows));
    return {q, h};
  };
  if (auto score = dyn_cast<TileScoreOp>(indexedOp))
    return rowOf(score);
  return rowOf(cast<TileMaskOp>(indexedOp));
}

ElementCode::ElementCode(Operation *tileOp) : tileOp(tileOp) {
  Block *blk = nullptr;
  Value q, kv, h;
  // The region's arguments: [score,] b, h, q_idx, kv_idx, seq_q, seq_kv,
  // params... (`first` is b's position).
  auto init = [&](auto op, unsigned first) {
    if (op.getRegion().empty())
      return;
    blk = &op.getRegion().front();
    Value actual[] = {op.getBatch(), op.getHead(), Value(), Value(), op.getSeqQ(), op.getSeqKv()};
    bool rowHead = op.getHeadGroup().has_value(); // h is a row's (GQA packing)
    for (unsigned i = first; i < blk->getNumArguments(); ++i)
      if (i != first + 2 && i != first + 3 && !(rowHead && i == first + 1))
        args.map(blk->getArgument(i),
                 i < first + 6 ? actual[i - first] : op.getParams()[i - first - 6]);
    if (rowHead)
      h = blk->getArgument(first + 1);
    q = blk->getArgument(first + 2);
    kv = blk->getArgument(first + 3);
    seqQ = op.getSeqQ();
    seqKV = op.getSeqKv();
    row0 = op.getRow0();
    col0 = op.getCol0();
  };
  if (auto score = dyn_cast<TileScoreOp>(tileOp))
    init(score, 1);
  else if (auto mask = dyn_cast<TileMaskOp>(tileOp))
    init(mask, 0);
  if (!blk)
    return;
  if (auto score = dyn_cast<TileScoreOp>(tileOp); score && score.getRows()) {
    rowsOnly = true; // kv_idx is col0 for every column: uniform, never a column's
    args.map(kv, col0);
    kv = Value();
  }
  qArg = q;
  kvArg = kv;
  hArg = h;
  // What each value depends on: bit 0 the query index, bit 1 the key index,
  // bit 2 the score (or anything that cannot be hoisted).
  DenseMap<Value, unsigned> dep;
  for (BlockArgument a : blk->getArguments())
    dep[a] = a == q || (h && a == h) ? 1 : a == kv ? 2 : args.contains(a) ? 0 : 4;
  for (Operation &o : blk->without_terminator()) {
    unsigned d = 0;
    for (Value v : o.getOperands())
      d |= dep.lookup(v);
    // Movable out of the element's guard: no regions, scalar results, no
    // side effects and no undefined behaviour on any operand. The loads read
    // addresses the element code reads (see the class comment).
    bool movable = o.getNumRegions() == 0 && o.getNumResults() > 0 &&
                   (definedEverywhere(o) || isa<memref::LoadOp>(o)) &&
                   llvm::all_of(o.getResultTypes(), [](Type t) { return t.isIntOrIndexOrFloat(); });
    if (!movable)
      d |= 4;
    for (Value r : o.getResults())
      dep[r] = d;
    if (d == 0)
      uniformOps.push_back(&o);
    else if (d == 1)
      rowOps.push_back(&o);
    else if (d == 2)
      colOps.push_back(&o);
  }
}

void ElementCode::emitUniform(OpBuilder &b) {
  // Constants as they are; the rest only when the tile has an element in
  // range (its first row and column), as the element code does.
  SmallVector<Operation *> guarded;
  for (Operation *o : uniformOps) {
    if (o->hasTrait<OpTrait::ConstantLike>()) {
      Operation *c = b.clone(*o);
      for (auto [r, v] : llvm::zip(o->getResults(), c->getResults()))
        uniform.map(r, v);
    } else {
      guarded.push_back(o);
    }
  }
  if (guarded.empty())
    return;
  Location loc = tileOp->getLoc();
  Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, row0, seqQ);
  if (!rowsOnly) // a `rows` tile's columns are not keys: seq_kv (even 0) does not bound them
    inside = arith::AndIOp::create(
        b, loc, inside, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, col0, seqKV));
  IRMapping results = emitGuarded(b, inside, guarded, IRMapping());
  for (auto [k, v] : results.getValueMap())
    uniform.map(k, v);
}

IRMapping ElementCode::emitPart(OpBuilder &b, ArrayRef<Operation *> ops, Value arg, Value index,
                                Value bound, Value head) {
  // Evaluated only inside the sequence, as the element code is.
  Value inside =
      arith::CmpIOp::create(b, tileOp->getLoc(), arith::CmpIPredicate::slt, index, bound);
  IRMapping extra;
  extra.map(arg, index);
  if (head)
    extra.map(hArg, head);
  return emitGuarded(b, inside, ops, extra);
}

IRMapping ElementCode::emitGuarded(OpBuilder &b, Value inside, ArrayRef<Operation *> ops,
                                   const IRMapping &extra) {
  IRMapping results;
  if (ops.empty())
    return results;
  Location loc = tileOp->getLoc();
  SmallVector<Value> values;
  for (Operation *o : ops)
    llvm::append_range(values, o->getResults());
  auto ifOp = scf::IfOp::create(
      b, loc, inside,
      [&](OpBuilder &b, Location loc) {
        IRMapping map = args;
        for (const IRMapping *m : {static_cast<const IRMapping *>(&uniform), &extra})
          for (auto [k, v] : m->getValueMap())
            map.map(k, v);
        for (Operation *o : ops)
          b.clone(*o, map);
        SmallVector<Value> out;
        for (Value r : values)
          out.push_back(map.lookup(r));
        scf::YieldOp::create(b, loc, out);
      },
      [&](OpBuilder &b, Location loc) {
        SmallVector<Value> zeros;
        for (Value r : values)
          zeros.push_back(arith::ConstantOp::create(b, loc, b.getZeroAttr(r.getType())));
        scf::YieldOp::create(b, loc, zeros);
      });
  for (auto [r, v] : llvm::zip(values, ifOp.getResults()))
    results.map(r, v);
  return results;
}

IRMapping ElementCode::forElement(OpBuilder &b, int64_t rowKey, TileRow row, int64_t colKey,
                                  Value kv) {
  IRMapping pre = uniform;
  // The row's (or column's) part, emitted the first time its key is seen.
  auto add = [&](llvm::DenseMap<int64_t, IRMapping> &parts, ArrayRef<Operation *> ops,
                 int64_t key, Value arg, Value index, Value bound, Value head) {
    if (ops.empty())
      return;
    auto it = parts.find(key);
    if (it == parts.end())
      it = parts.try_emplace(key, emitPart(b, ops, arg, index, bound, head)).first;
    for (auto [k, v] : it->second.getValueMap())
      pre.map(k, v);
  };
  add(rows, rowOps, rowKey, qArg, row.q, seqQ, hArg ? row.h : Value());
  add(cols, colOps, colKey, kvArg, kv, seqKV, Value());
  return pre;
}

Value emitMapElement(OpBuilder &b, TileMapOp op, ValueRange scalars) {
  return inlineRegion(b, op.getBody(), scalars);
}

namespace {

/// (kv < seq_kv, q < seq_q && kv < seq_kv)
std::pair<Value, Value> inRange(OpBuilder &b, Location loc, Value q, Value kv, Value seqQ,
                                Value seqKV) {
  Value kvInside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, kv, seqKV);
  Value qInside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, q, seqQ);
  return {kvInside, arith::AndIOp::create(b, loc, kvInside, qInside)};
}

/// Whether the region's per-element code (its ops that `pre` does not
/// provide) may run at any (q, kv): ops defined everywhere only, so no
/// param read (which may be out of bounds outside the sequence) and no
/// integer division by a value that may be 0. Such code needs
/// no bounds guard; what it yields outside the sequence is discarded: a
/// column past seq_kv by the mask (every block that has one is masked), a
/// row past seq_q by the store.
bool speculatable(Region &region, const IRMapping *pre) {
  for (Operation &o : region.front().without_terminator()) {
    if (providedBy(pre, o))
      continue;
    if (!definedEverywhere(o))
      return false;
  }
  return true;
}

/// `inside ? region(args) : outside`, the region only evaluated inside; or,
/// when its code is speculatable, region(args) for every element.
Value guardedRegion(OpBuilder &b, Location loc, Value inside, Region &region, ValueRange args,
                    Value outside, const IRMapping *pre) {
  if (speculatable(region, pre))
    return inlineRegion(b, region, args, pre);
  auto ifOp = scf::IfOp::create(
      b, loc, inside,
      [&](OpBuilder &b, Location loc) {
        scf::YieldOp::create(b, loc, inlineRegion(b, region, args, pre));
      },
      [&](OpBuilder &b, Location loc) { scf::YieldOp::create(b, loc, outside); });
  return ifOp.getResult(0);
}

} // namespace

Value emitScoreElement(OpBuilder &b, TileScoreOp op, TileRow row, Value kv, Value x,
                       const IRMapping *pre) {
  Location loc = op.getLoc();
  Value q = row.q;
  Value scaled =
      arith::MulFOp::create(b, loc, x, arith::ConstantOp::create(b, loc, op.getScaleAttr()));
  auto [kvInside, inside] = inRange(b, loc, q, kv, op.getSeqQ(), op.getSeqKv());
  (void)kvInside;
  if (op.getRows()) { // columns that are not keys: the row's range alone
    kv = op.getCol0();
    inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, q, op.getSeqQ());
  }
  SmallVector<Value> args = {scaled, op.getBatch(), row.h, q, kv, op.getSeqQ(), op.getSeqKv()};
  llvm::append_range(args, op.getParams());
  return guardedRegion(b, loc, inside, op.getRegion(), args, scaled, pre);
}

Value emitMaskElement(OpBuilder &b, TileMaskOp op, TileRow row, Value kv, Value x,
                      const IRMapping *pre) {
  Location loc = op.getLoc();
  Value q = row.q;
  auto [kvInside, inside] = inRange(b, loc, q, kv, op.getSeqQ(), op.getSeqKv());
  Value keep = kvInside; // rows past seq_q are never stored: only columns matter
  if (!op.getRegion().empty()) {
    SmallVector<Value> args = {op.getBatch(), row.h, q, kv, op.getSeqQ(), op.getSeqKv()};
    llvm::append_range(args, op.getParams());
    // No guard; columns past seq_kv still dropped. (An and, not a select:
    // nothing definedEverywhere admits yields poison.)
    if (speculatable(op.getRegion(), pre))
      keep = arith::AndIOp::create(b, loc, kvInside, inlineRegion(b, op.getRegion(), args, pre));
    else
      keep = guardedRegion(b, loc, inside, op.getRegion(), args,
                           arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0), pre);
  }
  Value minusInf = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
  return arith::SelectOp::create(b, loc, keep, x, minusInf);
}

unsigned gradBufferIndex(GradYieldOp yield, ArrayRef<int64_t> learnable, unsigned e) {
  unsigned firstParam = 1 + AttentionOp::kNumIndexArgs;
  auto ref = cast<BlockArgument>(yield.getParamRefs()[e]);
  int64_t position = ref.getArgNumber() - firstParam;
  return llvm::find(learnable, position) - learnable.begin();
}

namespace {
/// The grad region's arguments at (q, kv) of input x (the score scale * x,
/// then b, h, q_idx, kv_idx, seq_q, seq_kv, params), and whether (q, kv) is
/// in range: what tile_score_grad and tile_param_grad evaluate the region at.
template <typename Op>
std::pair<SmallVector<Value>, Value> gradRegionArgs(OpBuilder &b, Op op, Value q, Value kv,
                                                    Value x) {
  Location loc = op.getLoc();
  Value scaled =
      arith::MulFOp::create(b, loc, x, arith::ConstantOp::create(b, loc, op.getScaleAttr()));
  SmallVector<Value> args = {scaled, op.getBatch(), op.getHead(), q, kv, op.getSeqQ(),
                             op.getSeqKv()};
  llvm::append_range(args, op.getParams());
  return {args, inRange(b, loc, q, kv, op.getSeqQ(), op.getSeqKv()).second};
}
} // namespace

std::pair<Value, Value> emitScoreGradElement(OpBuilder &b, TileScoreGradOp op, Value q, Value kv,
                                             Value x) {
  Location loc = op.getLoc();
  SmallVector<Value> args;
  Value inside;
  std::tie(args, inside) = gradRegionArgs(b, op, q, kv, x);
  auto ifOp = scf::IfOp::create(
      b, loc, inside,
      [&](OpBuilder &b, Location loc) {
        IRMapping m = inlineRegionBody(b, op.getRegion(), args);
        auto yield = cast<GradYieldOp>(op.getRegion().front().getTerminator());
        scf::YieldOp::create(b, loc, ValueRange{m.lookupOrDefault(yield.getValue()),
                                                m.lookupOrDefault(yield.getDscore())});
      },
      [&](OpBuilder &b, Location loc) {
        Value minusInf = arith::ConstantOp::create(
            b, loc, b.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
        Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
        scf::YieldOp::create(b, loc, ValueRange{minusInf, zero});
      });
  return {ifOp.getResult(0), ifOp.getResult(1)};
}

namespace {
/// The ops that compute the indices of tile_param_grad's grad-region entry
/// `e`, and whether they are the same for every element of the tile: they
/// reach none of the arguments that vary over it (the score, q_idx, kv_idx)
/// and only ops defined everywhere (no loads: a summed entry's indices are
/// evaluated outside the region's in-range guard).
struct IndexSlice {
  llvm::SetVector<Operation *> ops;
  bool invariant = true;
};

IndexSlice indexSlice(TileParamGradOp op, unsigned e) {
  auto yield = cast<GradYieldOp>(op.getRegion().front().getTerminator());
  Block &body = op.getRegion().front();
  IndexSlice slice;
  SmallVector<Value> work(yield.getIndicesOf(e).begin(), yield.getIndicesOf(e).end());
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (auto a = dyn_cast<BlockArgument>(v)) {
      unsigned n = a.getArgNumber();
      if (a.getOwner() == &body && (n == 0 || n == 3 || n == 4))
        slice.invariant = false;
      continue;
    }
    Operation *def = v.getDefiningOp();
    if (!slice.ops.insert(def))
      continue;
    if (!definedEverywhere(*def))
      slice.invariant = false;
    llvm::append_range(work, def->getOperands());
  }
  return slice;
}
} // namespace

SmallVector<bool> tileInvariantParamEntries(TileParamGradOp op) {
  auto yield = cast<GradYieldOp>(op.getRegion().front().getTerminator());
  SmallVector<bool> invariant;
  for (unsigned e = 0; e < yield.getDparams().size(); ++e)
    invariant.push_back(indexSlice(op, e).invariant);
  return invariant;
}

SmallVector<Value> emitParamGradIndices(OpBuilder &b, TileParamGradOp op, unsigned e) {
  auto yield = cast<GradYieldOp>(op.getRegion().front().getTerminator());
  Block &body = op.getRegion().front();
  IndexSlice slice = indexSlice(op, e);
  assert(slice.invariant && "the indices of an entry that varies over the tile");
  // The region's arguments but the varying ones (the slice reads none).
  IRMapping map;
  map.map(body.getArgument(1), op.getBatch());
  map.map(body.getArgument(2), op.getHead());
  map.map(body.getArgument(5), op.getSeqQ());
  map.map(body.getArgument(6), op.getSeqKv());
  map.map(body.getArguments().drop_front(1 + AttentionOp::kNumIndexArgs), op.getParams());
  // The slice, cloned in the region's order.
  for (Operation &o : body.without_terminator())
    if (slice.ops.contains(&o))
      b.clone(o, map);
  SmallVector<Value> idx;
  for (Value i : yield.getIndicesOf(e))
    idx.push_back(map.lookupOrDefault(i));
  return idx;
}

SmallVector<Value>
emitParamGradElement(OpBuilder &b, TileParamGradOp op, Value q, Value kv, Value x, Value w,
                     function_ref<void(OpBuilder &, Value, ValueRange, Value)> add,
                     ArrayRef<bool> summed) {
  Location loc = op.getLoc();
  auto yield = cast<GradYieldOp>(op.getRegion().front().getTerminator());
  if (yield.getDparams().empty())
    return {};
  auto [args, inside] = gradRegionArgs(b, op, q, kv, x);
  Value flows = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, w,
                                      arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)));
  ArrayRef<int64_t> learnable = op.getRequiresGrad();
  auto isSummed = [&](unsigned e) { return e < summed.size() && summed[e]; };
  SmallVector<Type> resultTypes;
  for (unsigned e = 0; e < yield.getDparams().size(); ++e)
    if (isSummed(e))
      resultTypes.push_back(b.getF32Type());
  auto ifOp = scf::IfOp::create(
      b, loc, resultTypes, arith::AndIOp::create(b, loc, inside, flows),
      /*addThenBlock=*/true, /*addElseBlock=*/!resultTypes.empty());
  {
    // The then block's yield is written below (erasing the one the builder
    // may have added for no results).
    Block *thenBlock = ifOp.thenBlock();
    if (!thenBlock->empty())
      thenBlock->back().erase();
    OpBuilder tb = OpBuilder::atBlockEnd(thenBlock);
    IRMapping m = inlineRegionBody(tb, op.getRegion(), args);
    SmallVector<Value> parts;
    for (unsigned e = 0; e < yield.getDparams().size(); ++e) {
      Value d = m.lookupOrDefault(yield.getDparams()[e]);
      Value contribution = arith::MulFOp::create(tb, loc, w, d);
      if (isSummed(e)) {
        parts.push_back(contribution);
        continue;
      }
      Value grad = op.getGrads()[gradBufferIndex(yield, learnable, e)];
      SmallVector<Value> idx;
      for (Value i : yield.getIndicesOf(e))
        idx.push_back(m.lookupOrDefault(i));
      add(tb, grad, idx, contribution);
    }
    scf::YieldOp::create(tb, loc, parts);
  }
  if (!resultTypes.empty()) {
    OpBuilder eb = ifOp.getElseBodyBuilder();
    Value zero = arith::ConstantOp::create(eb, loc, eb.getF32FloatAttr(0));
    scf::YieldOp::create(eb, loc, SmallVector<Value>(resultTypes.size(), zero));
  }
  return SmallVector<Value>(ifOp.getResults());
}

void addParamGradPartial(OpBuilder &b, TileParamGradOp op, unsigned e, Value slot, Value sum) {
  Location loc = op.getLoc();
  auto idx = [&](Value i32) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), i32).getResult();
  };
  auto cst = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v).getResult(); };
  Value batch = idx(op.getBatch()), head = idx(op.getHead());
  Value column = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, slot, cst(kParamGradEntries)), cst(e));
  SmallVector<Value> at = {batch, head, op.getKvBlock(), column};
  Value old = memref::LoadOp::create(b, loc, op.getPartials(), at);
  memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, old, sum), op.getPartials(), at);
  // The element's row-major index in its gradient buffer.
  auto yield = cast<GradYieldOp>(op.getRegion().front().getTerminator());
  Value grad = op.getGrads()[gradBufferIndex(yield, op.getRequiresGrad(), e)];
  Value linear = cst(0);
  for (auto [d, i] : llvm::enumerate(emitParamGradIndices(b, op, e))) {
    Value extent = memref::DimOp::create(b, loc, grad, d);
    linear = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, linear, extent), i);
  }
  memref::StoreOp::create(b, loc, arith::IndexCastOp::create(b, loc, b.getI32Type(), linear),
                          op.getPartialIndices(), ValueRange{batch, head, cst(e)});
}

void addParamGradTotal(OpBuilder &b, ParamGradSumOp op, unsigned e, Value linearI32,
                       Value total) {
  Location loc = op.getLoc();
  Value grad = op.getGrads()[op.getGradOfEntry()[e]];
  Value linear = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), linearI32);
  // Row-major: the last index is the remainder by the last extent, and so on.
  auto rank = cast<MemRefType>(grad.getType()).getRank();
  SmallVector<Value> at(rank);
  for (int64_t d = rank - 1; d >= 0; --d) {
    Value extent = memref::DimOp::create(b, loc, grad, d);
    at[d] = arith::RemUIOp::create(b, loc, linear, extent);
    linear = arith::DivUIOp::create(b, loc, linear, extent);
  }
  Value old = memref::LoadOp::create(b, loc, grad, at);
  memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, old, total), grad, at);
}

Value e4m3Byte(OpBuilder &b, Location loc, Value x) {
  // cvt's first operand goes to the upper byte, the second to the lower.
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  Value pair = NVVM::ConvertF32x2ToF8x2Op::create(
      b, loc, b.getI16Type(), zero, x, NVVM::FPRoundingMode::RN, NVVM::SaturationMode::SATFINITE,
      /*relu=*/false, b.getType<Float8E4M3FNType>());
  return arith::TruncIOp::create(b, loc, b.getI8Type(), pair);
}

void lowerE4M3Truncs(Operation *root) {
  SmallVector<arith::TruncFOp> truncs;
  root->walk([&](arith::TruncFOp t) {
    if (isa<Float8E4M3FNType>(t.getType()) && t.getIn().getType().isF32())
      truncs.push_back(t);
  });
  for (arith::TruncFOp t : truncs) {
    OpBuilder b(t);
    Value byte = e4m3Byte(b, t.getLoc(), t.getIn());
    t.replaceAllUsesWith(arith::BitcastOp::create(b, t.getLoc(), t.getType(), byte).getResult());
    t.erase();
  }
}

} // namespace faattn
