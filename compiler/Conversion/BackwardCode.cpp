//===- BackwardCode.cpp - The backward's per-pair code, shared ------------===//
//
// See BackwardCode.h.
//
//===----------------------------------------------------------------------===//
#include "faattn/Conversion/BackwardCode.h"
#include "faattn/Conversion/ElementCode.h"
#include "faattn/Conversion/TileAddressing.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;

namespace faattn {

SmallVector<AttentionOp> backwardOps(Operation *root) {
  SmallVector<AttentionOp> ops;
  root->walk([&](AttentionOp op) {
    if (op.getMode() == Mode::backward)
      ops.push_back(op);
  });
  return ops;
}

BackwardCode::BackwardCode(AttentionOp op, OpBuilder b, IRMapping operands)
    : op(op), b(b), loc(op.getLoc()), operands(std::move(operands)) {
  scale = arith::ConstantOp::create(this->b, loc, op.getScaleAttr());
  minusInf = cF32(-std::numeric_limits<float>::infinity());
}

Value BackwardCode::cIdx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
Value BackwardCode::cF32(float v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}
Value BackwardCode::i32(Value index) {
  return arith::IndexCastOp::create(b, loc, b.getI32Type(), index);
}

ValueRange BackwardCode::loop(Value lb, Value ub, ValueRange init,
                              function_ref<SmallVector<Value>(Value, ValueRange)> body) {
  auto forOp = scf::ForOp::create(b, loc, lb, ub, cIdx(1), init,
                                  [&](OpBuilder &, Location, Value iv, ValueRange carried) {
                                    SmallVector<Value> yielded = body(iv, carried);
                                    scf::YieldOp::create(b, loc, yielded);
                                  });
  return forOp.getResults();
}

void BackwardCode::when(Value cond, function_ref<void()> body) {
  auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&ifOp.getThenRegion().front());
  body();
}

void BackwardCode::guarded(Value inside, function_ref<void()> body) {
  if (inside)
    when(inside, body);
  else
    body();
}

Value BackwardCode::load(Value mem, ValueRange idx) {
  Value v = memref::LoadOp::create(b, loc, mem, idx);
  return v.getType().isF32() ? v : arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

void BackwardCode::store(Value v, Value mem, ValueRange idx) {
  Type elt = cast<MemRefType>(mem.getType()).getElementType();
  if (elt != v.getType())
    v = arith::TruncFOp::create(b, loc, elt, v);
  memref::StoreOp::create(b, loc, v, mem, idx);
}

void BackwardCode::accumulate(Value mem, ValueRange idx, Value v) {
  store(arith::AddFOp::create(b, loc, load(mem, idx), v), mem, idx);
}

SmallVector<Value> BackwardCode::at(Value mem, Value batch, Value head, Value row, Value col) {
  return tileMemIndices(cast<MemRefType>(mem.getType()), op.getLayout(), batch, head, row, col);
}

Value BackwardCode::dot(function_ref<Value(Value)> x, function_ref<Value(Value)> y,
                        int64_t dim) {
  return loop(cIdx(0), cIdx(dim), ValueRange{cF32(0)},
              [&](Value c, ValueRange acc) -> SmallVector<Value> {
                Value p = arith::MulFOp::create(b, loc, x(c), y(c));
                return {arith::AddFOp::create(b, loc, acc[0], p)};
              })[0];
}

std::function<Value(Value)> BackwardCode::row(Value mem, Value batch, Value head, Value r) {
  return [this, mem, batch, head, r](Value c) { return load(mem, at(mem, batch, head, r, c)); };
}

static unsigned seqDim(AttentionOp op) { return op.getLayout() == Layout::bshd ? 1 : 2; }

Value BackwardCode::seqQ() { return memref::DimOp::create(b, loc, operand(op.getQ()), seqDim(op)); }
Value BackwardCode::seqKV() {
  return memref::DimOp::create(b, loc, operand(op.getK()), seqDim(op));
}

Value BackwardCode::batches() {
  if (!op.getVarlen())
    return memref::DimOp::create(b, loc, operand(op.getQ()), 0);
  Value cu = memref::DimOp::create(b, loc, operand(op.getCuSeqlensQ()), 0);
  return arith::SubIOp::create(b, loc, cu, cIdx(1));
}

BackwardCode::Sequence BackwardCode::sequence(Value seq, Value memQ, Value memKV) {
  Sequence s{seq, Value(), Value(), memQ, memKV, Value(), Value()};
  if (op.getVarlen()) {
    // Every sequence packed in the memrefs' one batch.
    s.bi = cIdx(0);
    auto span = [&](Value cu) -> std::pair<Value, Value> {
      Value start = memref::LoadOp::create(b, loc, cu, ValueRange{seq});
      Value end = memref::LoadOp::create(
          b, loc, cu, ValueRange{arith::AddIOp::create(b, loc, seq, cIdx(1))});
      Value len = arith::MaxSIOp::create(b, loc, arith::SubIOp::create(b, loc, end, start),
                                         arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0));
      auto index = [&](Value x) {
        return arith::IndexCastOp::create(b, loc, b.getIndexType(), x).getResult();
      };
      return {index(start), index(len)};
    };
    std::tie(s.qStart, s.lenQ) = span(operand(op.getCuSeqlensQ()));
    std::tie(s.kvStart, s.lenKV) = span(operand(op.getCuSeqlensKv()));
  }
  s.lenQ32 = i32(s.lenQ);
  s.lenKV32 = i32(s.lenKV);
  return s;
}

std::pair<Value, Value> BackwardCode::rowOf(Value start, Value r, Value size) {
  if (!start)
    return {r, Value()};
  Value rowIdx = arith::AddIOp::create(b, loc, start, r);
  return {rowIdx, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, rowIdx, size)};
}

void BackwardCode::forLiveRows(const Sequence &s, Value h, Value memQ,
                               function_ref<void(Value, Value, Value)> body) {
  Value lse = operand(op.getLse());
  loop(cIdx(0), s.lenQ, {}, [&](Value iSeq, ValueRange) -> SmallVector<Value> {
    auto [i, qInside] = rowOf(s.qStart, iSeq, memQ);
    guarded(qInside, [&, i = i] {
      Value lseI = load(lse, ValueRange{s.bi, h, i});
      Value live = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, lseI, minusInf);
      when(live, [&] { body(i, iSeq, lseI); });
    });
    return {};
  });
}

void BackwardCode::pair(const Sequence &s, Value seq, Value h, Value iSeq, Value jSeq,
                        Value lseI, Value delta, function_ref<Value()> qk,
                        function_ref<Value()> dOv, function_ref<void(Pair &)> body) {
  SmallVector<Value> params;
  for (Value p : op.getParams())
    params.push_back(operand(p));
  SmallVector<Value> indexArgs = {i32(seq), i32(h), i32(iSeq), i32(jSeq), s.lenQ32, s.lenKV32};
  Value keep;
  if (op.hasMask()) {
    SmallVector<Value> args = indexArgs;
    llvm::append_range(args, params);
    keep = inlineRegion(b, op.getMask(), args);
  } else {
    keep = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
  }
  auto yield = cast<GradYieldOp>(op.getGrad().front().getTerminator());
  when(keep, [&] {
    Value score = arith::MulFOp::create(b, loc, scale, qk());
    SmallVector<Value> args = {score};
    llvm::append_range(args, indexArgs);
    llvm::append_range(args, params);
    Pair pr;
    pr.grad = inlineRegionBody(b, op.getGrad(), args);
    Value value = pr.grad.lookupOrDefault(yield.getValue());
    Value dScore = pr.grad.lookupOrDefault(yield.getDscore());
    pr.p = math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, value, lseI));
    // P = 0 (a -inf score, an underflow): nothing flows.
    Value flows = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, pr.p, cF32(0));
    when(flows, [&] {
      Value dP = dOv();
      pr.dSPrime = arith::MulFOp::create(b, loc, pr.p, arith::SubFOp::create(b, loc, dP, delta));
      Value dS = arith::MulFOp::create(b, loc, pr.dSPrime, dScore);
      pr.scaledDS = arith::MulFOp::create(b, loc, scale, dS);
      body(pr);
    });
  });
}

unsigned BackwardCode::numParamRefs() {
  auto yield = cast<GradYieldOp>(op.getGrad().front().getTerminator());
  return yield.getDparams().size();
}

Value BackwardCode::paramGradBuffer(unsigned e) {
  auto yield = cast<GradYieldOp>(op.getGrad().front().getTerminator());
  ArrayRef<int64_t> learnable = op.getRequiresGrad().value_or(ArrayRef<int64_t>());
  return operand(op.getParamGrads()[gradBufferIndex(yield, learnable, e)]);
}

BackwardCode::ParamTerm BackwardCode::paramTerm(Pair &pr, unsigned e) {
  auto yield = cast<GradYieldOp>(op.getGrad().front().getTerminator());
  ParamTerm t;
  t.buffer = paramGradBuffer(e);
  for (Value x : yield.getIndicesOf(e))
    t.indices.push_back(pr.grad.lookupOrDefault(x));
  Value d = pr.grad.lookupOrDefault(yield.getDparams()[e]);
  t.contribution = arith::MulFOp::create(b, loc, pr.dSPrime, d);
  return t;
}

} // namespace faattn
