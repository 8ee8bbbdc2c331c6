//===- SplitKVCombine.cpp - template: the split-KV combine ----------------===//
//
// The protocol is in SplitKVCombine.h.
//
//===----------------------------------------------------------------------===//
#include "templates/common/SplitKVCombine.h"
#include "faattn/Conversion/TileAddressing.h"

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
  TileType accTy = ops.accTy;
  auto outTy = cast<MemRefType>(ops.out.getType());
  // The output's head dim (the split grid's tiles may pad it).
  int64_t bm = accTy.getShape()[0], dv = memColumns(outTy);
  Value splits = ops.splits;
  auto cIdx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  auto combine = scf::ForallOp::create(b, loc, gridUpperBounds, ValueRange{}, std::nullopt);
  combine->setAttr(FAAttnDialect::getSplitKvCombineAttrName(), b.getUnitAttr());
  // The rows of a q-block: the kernel runs as many threads (KernelABI).
  combine->setAttr(FAAttnDialect::getBlockMAttrName(), b.getI64IntegerAttr(bm));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(combine.getBody()->getTerminator());
  Value cb = combine.getInductionVar(0), ch = combine.getInductionVar(1);
  // The sequence's rows: dense, rows [0, seq_q) of batch cb (workspace row
  // cb * S + s); packed, rows [start, start + length) of batch 0 (row s).
  Value outBatch = cb, start, seqQ;
  if (ops.sequenceRows) {
    std::array<Value, 3> seq = ops.sequenceRows(b, cb);
    outBatch = seq[0], start = seq[1], seqQ = seq[2];
  } else {
    seqQ = memref::DimOp::create(b, loc, ops.out, tileSeqDim(outTy, ops.layout));
  }
  Value row0 = arith::MulIOp::create(b, loc, combine.getInductionVar(2), cIdx(bm));
  Value rowEnd = arith::MinUIOp::create(b, loc, arith::AddIOp::create(b, loc, row0, cIdx(bm)), seqQ);
  // The splits this sequence used (balanced splits), else all S.
  Value used = splits;
  if (ops.liveSplits)
    used = arith::MinUIOp::create(b, loc, ops.liveSplits(b, cb), splits);
  // The workspace row of split 0.
  Value first = start ? cIdx(0) : arith::MulIOp::create(b, loc, cb, splits).getResult();
  float negInf = -std::numeric_limits<float>::infinity();
  Type f32 = b.getF32Type();
  Type outElt = outTy.getElementType();
  auto wsMem = [](Value mem) { return cast<MemRefType>(mem.getType()); };

  // The columns spread over the CTA's threads; each walks the q-block's rows
  // inside the sequence.
  auto columns = scf::ParallelOp::create(b, loc, ValueRange{cIdx(0)}, ValueRange{cIdx(dv)},
                                         ValueRange{cIdx(1)});
  b.setInsertionPointToStart(columns.getBody());
  Value c = columns.getInductionVars()[0];
  auto rows = scf::ForOp::create(b, loc, row0, rowEnd, cIdx(1));
  b.setInsertionPointToStart(rows.getBody());
  // The row in the memrefs (packed: past the sequence's start).
  Value r = rows.getInductionVar();
  if (start)
    r = arith::AddIOp::create(b, loc, start, r);
  auto partLse = [&](OpBuilder &b, Location l, Value s) -> Value {
    Value part = arith::AddIOp::create(b, l, first, s);
    return memref::LoadOp::create(
        b, l, ops.lsePart,
        tileMemIndices(wsMem(ops.lsePart), Layout::bshd, part, ch, r, Value()));
  };
  // (1) m = max_s lse_s (NaN if any is NaN); base = m, or 0 when every
  // split saw nothing (no -inf - -inf).
  auto maxLoop = scf::ForOp::create(
      b, loc, cIdx(0), used, cIdx(1), ValueRange{cstF32(b, loc, negInf)},
      [&](OpBuilder &b, Location l, Value s, ValueRange m) {
        scf::YieldOp::create(b, l,
                             ValueRange{arith::MaximumFOp::create(b, l, m[0], partLse(b, l, s))});
      });
  Value m = maxLoop.getResult(0);
  Value isNegInf = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, m,
                                         cstF32(b, loc, negInf));
  Value base = arith::SelectOp::create(b, loc, isNegInf, cstF32(b, loc, 0), m);
  // (2) l = sum_s w_s, acc = sum_s w_s O_s[c], w_s = exp(lse_s - base).
  auto sumLoop = scf::ForOp::create(
      b, loc, cIdx(0), used, cIdx(1), ValueRange{cstF32(b, loc, 0), cstF32(b, loc, 0)},
      [&](OpBuilder &b, Location l, Value s, ValueRange la) {
        Value w = math::ExpOp::create(b, l, arith::SubFOp::create(b, l, partLse(b, l, s), base));
        Value part = arith::AddIOp::create(b, l, first, s);
        Value o = memref::LoadOp::create(
            b, l, ops.oPart, tileMemIndices(wsMem(ops.oPart), Layout::bshd, part, ch, r, c));
        scf::YieldOp::create(b, l,
                             ValueRange{arith::AddFOp::create(b, l, la[0], w),
                                        math::FmaOp::create(b, l, w, o, la[1])});
      });
  Value l = sumLoop.getResult(0), acc = sumLoop.getResult(1);
  // (3) O = acc / l (0 where l = 0) in the output's type; LSE = m + log(l)
  // (-inf where l = 0), by the column-0 thread.
  Value none = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, l, cstF32(b, loc, 0));
  Value o = arith::SelectOp::create(b, loc, none, cstF32(b, loc, 0),
                                    arith::DivFOp::create(b, loc, acc, l));
  if (outElt != f32)
    o = arith::TruncFOp::create(b, loc, outElt, o);
  memref::StoreOp::create(b, loc, o, ops.out,
                          tileMemIndices(outTy, ops.layout, outBatch, ch, r, c));
  if (ops.lse) {
    Value col0 = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, c, cIdx(0));
    scf::IfOp::create(b, loc, col0, [&](OpBuilder &b, Location lc) {
      Value v = arith::AddFOp::create(b, lc, m, math::LogOp::create(b, lc, l));
      v = arith::SelectOp::create(b, lc, none, cstF32(b, lc, negInf), v);
      memref::StoreOp::create(
          b, lc, v, ops.lse,
          tileMemIndices(cast<MemRefType>(ops.lse.getType()), ops.layout, outBatch, ch, r,
                         Value()));
      scf::YieldOp::create(b, lc);
    });
  }
  return combine;
}

} // namespace faattn
