//===- TileScalar.cpp - One element of an elementwise tile op --------------===//
#include "faattn/Conversion/TileScalar.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <limits>
#include <optional>

using namespace mlir;

namespace faattn {

unsigned tileSeqDim(MemRefType t, Layout layout) {
  return t.getRank() == 3 ? 2 : layout == Layout::bshd ? 1 : 2;
}

SmallVector<Value> tileMemIndices(MemRefType t, Layout layout, Value bat, Value head, Value row,
                                  Value col) {
  if (t.getRank() == 3)
    return {bat, head, row};
  if (layout == Layout::bshd)
    return {bat, row, head, col};
  return {bat, head, row, col};
}

namespace {

RowAddress rowAddress(OpBuilder &b, Location loc, Value mem, Layout layout, Value batch,
                      Value row, Value offset, Value limit, Value table,
                      std::optional<int64_t> pageSize) {
  auto cIdx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  auto ult = [&](Value x, Value y) -> Value {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  };
  auto both = [&](Value x, Value y) -> Value { return arith::AndIOp::create(b, loc, x, y); };
  auto memTy = cast<MemRefType>(mem.getType());
  Value seqSize = memref::DimOp::create(b, loc, mem, tileSeqDim(memTy, layout));
  if (!table) {
    // Dense or packed rows: at offset + row, below the limit and the memref's size.
    Value at = offset ? arith::AddIOp::create(b, loc, offset, row).getResult() : row;
    Value inside = ult(at, seqSize);
    if (limit)
      inside = both(ult(row, limit), inside);
    return {inside, batch, at};
  }
  // Paged rows: slot row % P of page table[batch, row / P].
  Value p = cIdx(*pageSize);
  Value pageNo = arith::DivUIOp::create(b, loc, row, p);
  Value inTable = both(ult(pageNo, memref::DimOp::create(b, loc, table, 1)),
                       ult(batch, memref::DimOp::create(b, loc, table, 0)));
  if (limit)
    inTable = both(ult(row, limit), inTable);
  auto read = scf::IfOp::create(
      b, loc, inTable,
      [&](OpBuilder &b, Location loc) {
        Value page = memref::LoadOp::create(b, loc, table, ValueRange{batch, pageNo});
        scf::YieldOp::create(b, loc,
                             ValueRange{arith::IndexCastOp::create(b, loc, b.getIndexType(), page)});
      },
      [&](OpBuilder &b, Location loc) {
        scf::YieldOp::create(b, loc, ValueRange{arith::ConstantIndexOp::create(b, loc, 0)});
      });
  Value page = read.getResult(0);
  // A negative page is huge as an unsigned index: outside too.
  Value inside = both(inTable, ult(page, memref::DimOp::create(b, loc, mem, 0)));
  Value slot = arith::RemUIOp::create(b, loc, row, p);
  inside = both(inside, ult(slot, seqSize));
  return {inside, page, slot};
}

} // namespace

RowAddress tileRowAddress(OpBuilder &b, Location loc, TileLoadOp load, Value row) {
  return rowAddress(b, loc, load.getMem(), load.getLayout(), load.getBatch(), row,
                    load.getOffset(), load.getLimit(), load.getPageTable(), load.getPageSize());
}

RowAddress tileRowAddress(OpBuilder &b, Location loc, TileStoreOp store, Value row) {
  return rowAddress(b, loc, store.getMem(), store.getLayout(), store.getBatch(), row,
                    store.getOffset(), store.getLimit(), Value(), std::nullopt);
}

Value loadOrZero(OpBuilder &b, Location loc, TileLoadOp load, const RowAddress &at, Value col) {
  Type elt = load.getType().getElementType();
  auto ifOp = scf::IfOp::create(
      b, loc, at.inside,
      [&](OpBuilder &b, Location loc) {
        Value v = memref::LoadOp::create(
            b, loc, load.getMem(),
            tileMemIndices(load.getMem().getType(), load.getLayout(), at.batch, load.getHead(),
                           at.row, col));
        scf::YieldOp::create(b, loc, v);
      },
      [&](OpBuilder &b, Location loc) {
        Value zero = isa<FloatType>(elt)
                         ? Value(arith::ConstantOp::create(b, loc, b.getFloatAttr(elt, 0.0)))
                         : Value(arith::ConstantOp::create(b, loc, b.getIntegerAttr(elt, 0)));
        scf::YieldOp::create(b, loc, zero);
      });
  return ifOp.getResult(0);
}

Value inlineRegion(OpBuilder &b, Region &region, ValueRange args, const IRMapping *pre) {
  IRMapping map;
  Block &block = region.front();
  map.map(block.getArguments(), args);
  for (Operation &o : block.without_terminator()) {
    if (pre && o.getNumResults() > 0 &&
        llvm::all_of(o.getResults(), [&](Value r) { return pre->contains(r); })) {
      for (Value r : o.getResults())
        map.map(r, pre->lookup(r));
      continue;
    }
    b.clone(o, map);
  }
  return map.lookupOrDefault(cast<YieldOp>(block.getTerminator()).getValue());
}

IRMapping hoistUniform(OpBuilder &b, Operation *tileOp) {
  IRMapping pre;
  Region *region = nullptr;
  SmallVector<Value> uniformArgs; // (region argument, value)
  DenseSet<Value> varying;        // region arguments that change per element
  if (auto score = dyn_cast<TileScoreOp>(tileOp)) {
    region = &score.getRegion();
    if (region->empty())
      return pre;
    Block &blk = region->front();
    // (score, b, h, q_idx, kv_idx, seq_q, seq_kv, params...)
    varying.insert(blk.getArgument(0));
    varying.insert(blk.getArgument(3));
    varying.insert(blk.getArgument(4));
    Value actual[] = {Value(), score.getBatch(), score.getHead(), Value(), Value(),
                      score.getSeqQ(), score.getSeqKv()};
    for (unsigned i = 0; i < blk.getNumArguments(); ++i)
      if (!varying.contains(blk.getArgument(i)))
        pre.map(blk.getArgument(i), i < 7 ? actual[i] : score.getParams()[i - 7]);
  } else if (auto mask = dyn_cast<TileMaskOp>(tileOp)) {
    region = &mask.getRegion();
    if (region->empty())
      return pre;
    Block &blk = region->front();
    // (b, h, q_idx, kv_idx, seq_q, seq_kv, params...)
    varying.insert(blk.getArgument(2));
    varying.insert(blk.getArgument(3));
    Value actual[] = {mask.getBatch(), mask.getHead(), Value(), Value(), mask.getSeqQ(),
                      mask.getSeqKv()};
    for (unsigned i = 0; i < blk.getNumArguments(); ++i)
      if (!varying.contains(blk.getArgument(i)))
        pre.map(blk.getArgument(i), i < 6 ? actual[i] : mask.getParams()[i - 6]);
  } else {
    return pre;
  }
  Block &blk = region->front();
  for (Operation &o : blk.without_terminator()) {
    bool uniform = o.getNumRegions() == 0 && o.getNumResults() > 0 &&
                   (isPure(&o) || isa<memref::LoadOp>(o)) &&
                   llvm::all_of(o.getOperands(), [&](Value v) { return pre.contains(v); });
    if (uniform)
      b.clone(o, pre);
  }
  // Only the ops' results are wanted: drop the argument entries, which the
  // per-element inlining maps itself.
  IRMapping results;
  for (Operation &o : blk.without_terminator())
    for (Value r : o.getResults())
      if (pre.contains(r))
        results.map(r, pre.lookup(r));
  return results;
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

/// `inside ? region(args) : outside`, the region only evaluated inside.
Value guardedRegion(OpBuilder &b, Location loc, Value inside, Region &region, ValueRange args,
                    Value outside, const IRMapping *pre) {
  auto ifOp = scf::IfOp::create(
      b, loc, inside,
      [&](OpBuilder &b, Location loc) {
        scf::YieldOp::create(b, loc, inlineRegion(b, region, args, pre));
      },
      [&](OpBuilder &b, Location loc) { scf::YieldOp::create(b, loc, outside); });
  return ifOp.getResult(0);
}

} // namespace

Value emitScoreElement(OpBuilder &b, TileScoreOp op, Value q, Value kv, Value x,
                       const IRMapping *pre) {
  Location loc = op.getLoc();
  Value scaled =
      arith::MulFOp::create(b, loc, x, arith::ConstantOp::create(b, loc, op.getScaleAttr()));
  auto [kvInside, inside] = inRange(b, loc, q, kv, op.getSeqQ(), op.getSeqKv());
  (void)kvInside;
  SmallVector<Value> args = {scaled,        op.getBatch(), op.getHead(), q, kv,
                             op.getSeqQ(), op.getSeqKv()};
  llvm::append_range(args, op.getParams());
  return guardedRegion(b, loc, inside, op.getRegion(), args, scaled, pre);
}

Value emitMaskElement(OpBuilder &b, TileMaskOp op, Value q, Value kv, Value x,
                      const IRMapping *pre) {
  Location loc = op.getLoc();
  auto [kvInside, inside] = inRange(b, loc, q, kv, op.getSeqQ(), op.getSeqKv());
  Value keep = kvInside; // rows past seq_q are never stored: only columns matter
  if (!op.getRegion().empty()) {
    SmallVector<Value> args = {op.getBatch(), op.getHead(), q, kv, op.getSeqQ(), op.getSeqKv()};
    llvm::append_range(args, op.getParams());
    keep = guardedRegion(b, loc, inside, op.getRegion(), args,
                         arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0), pre);
  }
  Value minusInf = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
  return arith::SelectOp::create(b, loc, keep, x, minusInf);
}

} // namespace faattn
