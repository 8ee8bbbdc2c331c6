//===- TileAddressing.cpp - where a tile's rows and elements live ---------===//
//
// See faattn/Conversion/TileAddressing.h.
//
//===----------------------------------------------------------------------===//
#include "faattn/Conversion/TileAddressing.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

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

/// Sequence row and head of tile row r: (row0 + r, head), or with a head
/// group of G (R = rows / G a head) (row0 + r % R, head + r / R).
std::pair<Value, Value> packedRow(OpBuilder &b, Location loc, Value row0, Value head, Value r,
                                  int64_t rows, std::optional<uint64_t> group) {
  if (!group)
    return {arith::AddIOp::create(b, loc, row0, r), head};
  Value perHead = arith::ConstantIndexOp::create(b, loc, rows / static_cast<int64_t>(*group));
  Value row = arith::AddIOp::create(b, loc, row0, arith::RemUIOp::create(b, loc, r, perHead));
  return {row, arith::AddIOp::create(b, loc, head, arith::DivUIOp::create(b, loc, r, perHead))};
}

RowAddress rowAddress(OpBuilder &b, Location loc, Value mem, Layout layout, Value batch,
                      Value head, Value row, Value offset, Value limit, Value table,
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
    return {inside, batch, head, at};
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
  return {inside, page, head, slot};
}

} // namespace

RowAddress tileRowAddress(OpBuilder &b, Location loc, TileLoadOp load, Value r) {
  auto [row, head] = packedRow(b, loc, load.getRow0(), load.getHead(), r,
                               load.getType().getShape()[0], load.getHeadGroup());
  return rowAddress(b, loc, load.getMem(), load.getLayout(), load.getBatch(), head, row,
                    load.getOffset(), load.getLimit(), load.getPageTable(), load.getPageSize());
}

RowAddress tileRowAddress(OpBuilder &b, Location loc, TileStoreOp store, Value r) {
  auto [row, head] = packedRow(b, loc, store.getRow0(), store.getHead(), r,
                               store.getValue().getType().getShape()[0], store.getHeadGroup());
  return rowAddress(b, loc, store.getMem(), store.getLayout(), store.getBatch(), head, row,
                    store.getOffset(), store.getLimit(), Value(), std::nullopt);
}

int64_t memColumns(MemRefType type) { return type.getRank() == 4 ? type.getShape().back() : 1; }

Value withinColumns(OpBuilder &b, Location loc, Value inside, MemRefType type, int64_t tileCols,
                    Value col) {
  if (tileCols <= memColumns(type))
    return inside;
  Value below = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col,
                                      arith::ConstantIndexOp::create(b, loc, memColumns(type)));
  return arith::AndIOp::create(b, loc, inside, below);
}

Value loadOrZero(OpBuilder &b, Location loc, TileLoadOp load, const RowAddress &at, Value col) {
  Type elt = load.getType().getElementType();
  auto ifOp = scf::IfOp::create(
      b, loc,
      withinColumns(b, loc, at.inside, load.getMem().getType(), load.getType().getShape()[1], col),
      [&](OpBuilder &b, Location loc) {
        Value v = memref::LoadOp::create(
            b, loc, load.getMem(),
            tileMemIndices(load.getMem().getType(), load.getLayout(), at.batch, at.head, at.row,
                           col));
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

Value loadChunkOrZero(OpBuilder &b, Location loc, TileLoadOp load, const RowAddress &at,
                      Value col, int64_t width) {
  Type elt = load.getType().getElementType();
  auto chunkTy = VectorType::get({width}, elt);
  auto read = scf::IfOp::create(
      b, loc,
      withinColumns(b, loc, at.inside, load.getMem().getType(), load.getType().getShape()[1], col),
      [&](OpBuilder &b, Location loc) {
        Value v = vector::LoadOp::create(
            b, loc, chunkTy, load.getMem(),
            tileMemIndices(load.getMem().getType(), load.getLayout(), at.batch, at.head, at.row,
                           col),
            /*nontemporal=*/false,
            llvm::MaybeAlign(width * elt.getIntOrFloatBitWidth() / 8));
        scf::YieldOp::create(b, loc, v);
      },
      [&](OpBuilder &b, Location loc) {
        Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(elt, 0.0));
        scf::YieldOp::create(b, loc, ValueRange{vector::BroadcastOp::create(b, loc, chunkTy, zero)});
      });
  return read.getResult(0);
}

} // namespace faattn
