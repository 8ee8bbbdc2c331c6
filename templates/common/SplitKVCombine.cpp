//===- SplitKVCombine.cpp - template: the split-KV combine ----------------===//
//
// The protocol is in SplitKVCombine.h.
//
//===----------------------------------------------------------------------===//
#include "templates/common/SplitKVCombine.h"
#include "faattn/Conversion/TileAddressing.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
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

scf::ParallelOp buildSplitKVCombineRows(OpBuilder &b, Location loc,
                                        const SplitKVCombineOperands &ops,
                                        const SplitKVCombineRows &t) {
  auto outTy = cast<MemRefType>(ops.out.getType());
  int64_t dv = memColumns(outTy);
  auto cIdx = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  float negInf = -std::numeric_limits<float>::infinity();
  Type f32 = b.getF32Type();
  Type outElt = outTy.getElementType();
  auto wsMem = [](Value mem) { return cast<MemRefType>(mem.getType()); };

  // The columns spread over the CTA's threads; each walks the q-block's rows
  // inside the sequence.
  auto columns = scf::ParallelOp::create(b, loc, ValueRange{cIdx(0)},
                                         ValueRange{cIdx(t.heads * dv)}, ValueRange{cIdx(1)});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(columns.getBody());
  // Item i: head head0 + i / Dv, column i mod Dv (one head: head0, column i).
  Value c = columns.getInductionVars()[0], ch = t.head0;
  if (t.heads > 1) {
    ch = arith::AddIOp::create(b, loc, t.head0, arith::DivUIOp::create(b, loc, c, cIdx(dv)));
    c = arith::RemUIOp::create(b, loc, c, cIdx(dv));
  }
  auto rows = scf::ForOp::create(b, loc, t.row0, t.rowEnd, cIdx(1));
  b.setInsertionPointToStart(rows.getBody());
  // The row in the memrefs (packed: past the sequence's start).
  Value r = rows.getInductionVar();
  if (t.start)
    r = arith::AddIOp::create(b, loc, t.start, r);
  auto partLse = [&](OpBuilder &b, Location l, Value s) -> Value {
    Value part = arith::AddIOp::create(b, l, t.first, s);
    return memref::LoadOp::create(
        b, l, ops.lsePart,
        tileMemIndices(wsMem(ops.lsePart), Layout::bshd, part, ch, r, Value()));
  };
  // (1) m = max_s lse_s (NaN if any is NaN); base = m, or 0 when every
  // split saw nothing (no -inf - -inf).
  auto maxLoop = scf::ForOp::create(
      b, loc, cIdx(0), t.used, cIdx(1), ValueRange{cstF32(b, loc, negInf)},
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
      b, loc, cIdx(0), t.used, cIdx(1), ValueRange{cstF32(b, loc, 0), cstF32(b, loc, 0)},
      [&](OpBuilder &b, Location l, Value s, ValueRange la) {
        Value w = math::ExpOp::create(b, l, arith::SubFOp::create(b, l, partLse(b, l, s), base));
        Value part = arith::AddIOp::create(b, l, t.first, s);
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
                          tileMemIndices(outTy, ops.layout, t.outBatch, ch, r, c));
  if (ops.lse) {
    Value col0 = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, c, cIdx(0));
    scf::IfOp::create(b, loc, col0, [&](OpBuilder &b, Location lc) {
      Value v = arith::AddFOp::create(b, lc, m, math::LogOp::create(b, lc, l));
      v = arith::SelectOp::create(b, lc, none, cstF32(b, lc, negInf), v);
      memref::StoreOp::create(
          b, lc, v, ops.lse,
          tileMemIndices(cast<MemRefType>(ops.lse.getType()), ops.layout, t.outBatch, ch, r,
                         Value()));
      scf::YieldOp::create(b, lc);
    });
  }
  return columns;
}

scf::ForallOp buildSplitKVCombine(OpBuilder &b, Location loc,
                                  ArrayRef<OpFoldResult> gridUpperBounds,
                                  const SplitKVCombineOperands &ops) {
  TileType accTy = ops.accTy;
  auto outTy = cast<MemRefType>(ops.out.getType());
  int64_t bm = accTy.getShape()[0];
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
  buildSplitKVCombineRows(b, loc, ops,
                          SplitKVCombineRows{outBatch, start, ch, 1, row0, rowEnd, used, first});
  return combine;
}

scf::ForOp spreadOverThreads(scf::ParallelOp par, Value tid, int64_t threads) {
  if (par.getNumLoops() != 1 || par.getNumResults() != 0) {
    par.emitOpError() << "the combine's columns must be one scf.parallel dimension without "
                         "reductions";
    return nullptr;
  }
  OpBuilder b(par);
  Location loc = par.getLoc();
  Value step = par.getStep()[0];
  Value lb = arith::AddIOp::create(b, loc, par.getLowerBound()[0],
                                   arith::MulIOp::create(b, loc, tid, step));
  Value stride = arith::MulIOp::create(b, loc, arith::ConstantIndexOp::create(b, loc, threads),
                                       step);
  auto loop = scf::ForOp::create(b, loc, lb, par.getUpperBound()[0], stride);
  Block *body = loop.getBody();
  body->getOperations().splice(body->begin(), par.getBody()->getOperations(),
                               par.getBody()->begin(), std::prev(par.getBody()->end()));
  par.getInductionVars()[0].replaceAllUsesWith(loop.getInductionVar());
  par.erase();
  return loop;
}

Value lowerSplitArrive(OpBuilder &b, SplitArriveOp op, Value tid) {
  Location loc = op.getLoc();
  Type i32 = b.getI32Type();
  auto c32 = [&](int32_t v) -> Value { return arith::ConstantIntOp::create(b, loc, i32, v); };
  SmallVector<Value> idx = {op.getBatch(), op.getHead(), op.getRow()};
  // Release: each thread's stores before its own fence, then the CTA's
  // barrier, then one thread's add (CUTLASS's semaphore fences once, in that
  // thread after the barrier: PERFORMANCE step 81's A/B to run).
  NVVM::MembarOp::create(b, loc, NVVM::MemScopeKind::GPU);
  gpu::BarrierOp::create(b, loc);
  Value leader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
                                       arith::ConstantIndexOp::create(b, loc, 0));
  Value splits = arith::IndexCastOp::create(b, loc, i32, op.getSplits());
  auto arrive = scf::IfOp::create(
      b, loc, leader,
      [&](OpBuilder &b, Location loc) {
        Value old = memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::addi, c32(1),
                                                op.getCount(), idx);
        Value last = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                           arith::AddIOp::create(b, loc, old, c32(1)), splits);
        scf::IfOp::create(b, loc, last, [&](OpBuilder &b, Location loc) {
          // Acquire: the other CTAs' partials after this fence; the counter
          // back to 0 for the next launch (no other CTA of the tile is left).
          NVVM::MembarOp::create(b, loc, NVVM::MemScopeKind::GPU);
          memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::assign, c32(0),
                                      op.getCount(), idx);
          scf::YieldOp::create(b, loc);
        });
        scf::YieldOp::create(b, loc, ValueRange{arith::ExtUIOp::create(b, loc, i32, last).getResult()});
      },
      [&](OpBuilder &b, Location loc) { scf::YieldOp::create(b, loc, ValueRange{c32(0)}); });
  // The barrier that broadcasts thread 0's answer (bar.red.or): every
  // thread's loads of the partials come after it.
  Value any = NVVM::BarrierOp::create(
                  b, loc, TypeRange{i32}, Value(), Value(),
                  NVVM::BarrierReductionAttr::get(b.getContext(), NVVM::BarrierReduction::OR),
                  arrive.getResult(0))
                  .getResult(0);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, any, c32(0));
}

} // namespace faattn
