//===- BackwardToLoops.cpp - faattn-backward-to-loops ----------------------===//
//
// The CPU path of the backward: a `mode = backward` faattn.attention op with
// its gradient operands (dout, lse, dq, dk, dv, param_grads) and its `grad`
// region (faattn-score-grad) becomes plain scf.for loops over the memrefs,
// in f32: the naive FlashAttention-2 backward, one query row at a time,
// correctness first (the oracle is ref::attentionBackward).
//
//   zero dq, dk, dv and every param gradient
//   for b, h (query head; kv head h / group), i (query row):
//     lse_i = lse[b, h, i];  skip the row when lse_i = -inf (no kept key)
//     D_i = sum_c dO[i, c] O[i, c]
//     for j (key): when the mask keeps (i, j):
//       s = scale * q_i . k_j;  the grad region at (s, b, h, i, j, ...):
//       s', d s'/d s and d s'/d p[idx] for each learnable param element
//       P = exp(s' - lse_i);  skip when P = 0 (nothing flows, even where
//       d s'/d s is infinite)
//       dP = dO_i . v_j;  dS' = P (dP - D_i);  dS = dS' d s'/d s
//       dv_j += P dO_i;  dq_i += scale dS k_j;  dk_j += scale dS q_i
//       grad_p[idx] += dS' d s'/d p[idx]
//
// GQA: dk and dv of a KV head sum over its group's query heads (the loops
// over h add into the same rows). The score, mask and grad regions are
// inlined per element with ElementCode's inlineRegion / inlineRegionBody, as
// the forward's CPU path evaluates them; the loops visit in-range (q_idx,
// kv_idx) only, so no guard is needed. varlen: the batch is
// size(cu_seqlens_q) - 1, sequence b's rows start at cu_seqlens[b] of the
// memrefs' one batch, its lengths (clamped to >= 0) are the regions' seq_q
// and seq_kv, and a row outside the memref is skipped, whatever the offsets
// hold. paged_kv ops are refused (Sema refuses paged_kv backward kernels).
//
//===----------------------------------------------------------------------===//
#include "faattn/Conversion/ElementCode.h"
#include "faattn/Conversion/Passes.h"
#include "faattn/Conversion/TileAddressing.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <limits>

namespace faattn {
#define GEN_PASS_DEF_FAATTNBACKWARDTOLOOPS
#include "faattn/Conversion/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

/// Builds the loops of one backward op at the builder (before the op).
class BackwardLowering {
public:
  BackwardLowering(AttentionOp op) : op(op), b(op), loc(op.getLoc()) {}

  LogicalResult run();

private:
  Value cIdx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value cF32(float v) { return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v)); }
  Value i32(Value index) { return arith::IndexCastOp::create(b, loc, b.getI32Type(), index); }

  /// scf.for [lb, ub) at the builder; `body` builds the body with the builder
  /// inside it (its induction variable and carried values given) and returns
  /// what it yields.
  ValueRange loop(Value lb, Value ub, ValueRange init,
                  function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    auto forOp = scf::ForOp::create(b, loc, lb, ub, cIdx(1), init,
                                    [&](OpBuilder &, Location, Value iv, ValueRange carried) {
                                      SmallVector<Value> yielded = body(iv, carried);
                                      scf::YieldOp::create(b, loc, yielded);
                                    });
    return forOp.getResults();
  }
  /// scf.if `cond` without results; `body` builds the then-branch.
  void when(Value cond, function_ref<void()> body) {
    auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    body();
  }

  /// An element of a float memref as f32, and stores of an f32 into one.
  Value load(Value mem, ValueRange idx) {
    Value v = memref::LoadOp::create(b, loc, mem, idx);
    return v.getType().isF32() ? v : arith::ExtFOp::create(b, loc, b.getF32Type(), v);
  }
  void store(Value v, Value mem, ValueRange idx) {
    Type elt = cast<MemRefType>(mem.getType()).getElementType();
    if (elt != v.getType())
      v = arith::TruncFOp::create(b, loc, elt, v);
    memref::StoreOp::create(b, loc, v, mem, idx);
  }
  /// mem[idx] += v.
  void accumulate(Value mem, ValueRange idx, Value v) {
    store(arith::AddFOp::create(b, loc, load(mem, idx), v), mem, idx);
  }
  /// Every element of `mem` (any rank) set to 0.
  void zero(Value mem);
  /// The element (row, col) of head `head` of a 4-D Q/K/V/O-shaped memref.
  SmallVector<Value> at(Value mem, Value batch, Value head, Value row, Value col) {
    return tileMemIndices(cast<MemRefType>(mem.getType()), op.getLayout(), batch, head, row, col);
  }
  /// sum_c x[bx, hx, rx, c] * y[by, hy, ry, c] over c in [0, dim).
  Value dot(Value x, Value hx, Value rx, Value y, Value hy, Value ry, Value batch, int64_t dim) {
    return loop(cIdx(0), cIdx(dim), ValueRange{cF32(0)},
                [&](Value c, ValueRange acc) -> SmallVector<Value> {
                  Value p = arith::MulFOp::create(b, loc, load(x, at(x, batch, hx, rx, c)),
                                                  load(y, at(y, batch, hy, ry, c)));
                  return {arith::AddFOp::create(b, loc, acc[0], p)};
                })[0];
  }

  AttentionOp op;
  OpBuilder b;
  Location loc;
};

void BackwardLowering::zero(Value mem) {
  auto t = cast<MemRefType>(mem.getType());
  SmallVector<Value> idx;
  std::function<void(int64_t)> nest = [&](int64_t d) {
    if (d == t.getRank()) {
      store(cF32(0), mem, idx);
      return;
    }
    loop(cIdx(0), memref::DimOp::create(b, loc, mem, d), ValueRange{},
         [&](Value iv, ValueRange) -> SmallVector<Value> {
           idx.push_back(iv);
           nest(d + 1);
           idx.pop_back();
           return {};
         });
  };
  nest(0);
}

LogicalResult BackwardLowering::run() {
  if (!op.getDout())
    return op.emitOpError() << "has no gradient operands (dout, lse, dq, dk, dv): "
                               "faattn-backward-to-loops lowers a complete backward op";
  if (!op.hasGrad())
    return op.emitOpError() << "has no 'grad' region: run faattn-score-grad first";
  if (op.getPagedKvPage())
    return op.emitOpError() << "faattn-backward-to-loops does not lower paged_kv backward ops";
  Value q = op.getQ(), k = op.getK(), v = op.getV(), out = op.getOut(), lse = op.getLse();
  Value dout = op.getDout(), dq = op.getDq(), dk = op.getDk(), dv = op.getDv();
  unsigned seqDim = op.getLayout() == Layout::bshd ? 1 : 2;
  bool varlen = op.getVarlen();
  Value seqQ = memref::DimOp::create(b, loc, q, seqDim);
  Value seqKV = memref::DimOp::create(b, loc, k, seqDim);
  // varlen: the batch is size(cu_seqlens_q) - 1, every sequence packed in
  // the memrefs' one batch.
  Value batches = varlen ? arith::SubIOp::create(b, loc,
                                                 memref::DimOp::create(b, loc,
                                                                       op.getCuSeqlensQ(), 0),
                                                 cIdx(1))
                               .getResult()
                         : memref::DimOp::create(b, loc, q, 0).getResult();
  int64_t dimQK = op.getHeadDimQK(), dimV = op.getHeadDimV();
  Value scale = arith::ConstantOp::create(b, loc, op.getScaleAttr());
  Value minusInf = cF32(-std::numeric_limits<float>::infinity());

  for (Value g : {dq, dk, dv})
    zero(g);
  for (Value g : op.getParamGrads())
    zero(g);

  // Which gradient buffer each learnable param position adds into.
  ArrayRef<int64_t> learnable = op.getRequiresGrad().value_or(ArrayRef<int64_t>());
  auto yield = cast<GradYieldOp>(op.getGrad().front().getTerminator());
  unsigned firstParam = 1 + AttentionOp::kNumIndexArgs;

  loop(cIdx(0), batches, {}, [&](Value seq, ValueRange) -> SmallVector<Value> {
    // The sequence: its rows' batch in the memrefs, first rows and lengths
    // (varlen: from cu_seqlens, lengths clamped to >= 0; a row outside the
    // memref is skipped below, whatever the offsets hold).
    Value bi = seq, qStart, kvStart, lenQ = seqQ, lenKV = seqKV;
    if (varlen) {
      bi = cIdx(0);
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
      std::tie(qStart, lenQ) = span(op.getCuSeqlensQ());
      std::tie(kvStart, lenKV) = span(op.getCuSeqlensKv());
    }
    Value seqQ32 = i32(lenQ), seqKV32 = i32(lenKV);
    // Row r of the sequence in the memref, and whether it is inside it.
    auto rowOf = [&](Value start, Value r, Value size) -> std::pair<Value, Value> {
      if (!start)
        return {r, Value()};
      Value row = arith::AddIOp::create(b, loc, start, r);
      return {row, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, size)};
    };
    auto guarded = [&](Value inside, function_ref<void()> body) {
      if (inside)
        when(inside, body);
      else
        body();
    };
    loop(cIdx(0), cIdx(op.getNumHeads()), {}, [&](Value h, ValueRange) -> SmallVector<Value> {
      Value kvh = arith::DivUIOp::create(b, loc, h, cIdx(op.getGroupSize()));
      loop(cIdx(0), lenQ, {}, [&](Value iSeq, ValueRange) -> SmallVector<Value> {
       auto [i, qInside] = rowOf(qStart, iSeq, seqQ);
       guarded(qInside, [&, i = i] {
        Value lseI = load(lse, ValueRange{bi, h, i});
        // A row that keeps no key (lse = -inf, out = 0) gets no gradient.
        Value live = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, lseI, minusInf);
        when(live, [&] {
          Value delta = dot(dout, h, i, out, h, i, bi, dimV);
          loop(cIdx(0), lenKV, {}, [&](Value jSeq, ValueRange) -> SmallVector<Value> {
           auto [j, kvInside] = rowOf(kvStart, jSeq, seqKV);
           guarded(kvInside, [&, j = j] {
            SmallVector<Value> indexArgs = {i32(seq), i32(h), i32(iSeq), i32(jSeq), seqQ32,
                                            seqKV32};
            Value keep;
            if (op.hasMask()) {
              SmallVector<Value> args = indexArgs;
              llvm::append_range(args, op.getParams());
              keep = inlineRegion(b, op.getMask(), args);
            } else {
              keep = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
            }
            when(keep, [&] {
              Value s = arith::MulFOp::create(b, loc, scale, dot(q, h, i, k, kvh, j, bi, dimQK));
              SmallVector<Value> args = {s};
              llvm::append_range(args, indexArgs);
              llvm::append_range(args, op.getParams());
              IRMapping grad = inlineRegionBody(b, op.getGrad(), args);
              Value value = grad.lookupOrDefault(yield.getValue());
              Value dScore = grad.lookupOrDefault(yield.getDscore());
              Value p = math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, value, lseI));
              // P = 0 (a -inf score, an underflow): nothing flows.
              Value flows = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, p, cF32(0));
              when(flows, [&] {
                Value dP = dot(dout, h, i, v, kvh, j, bi, dimV);
                Value dSPrime = arith::MulFOp::create(b, loc, p,
                                                      arith::SubFOp::create(b, loc, dP, delta));
                Value dS = arith::MulFOp::create(b, loc, dSPrime, dScore);
                Value scaledDS = arith::MulFOp::create(b, loc, scale, dS);
                loop(cIdx(0), cIdx(dimV), {}, [&](Value c, ValueRange) -> SmallVector<Value> {
                  Value g = load(dout, at(dout, bi, h, i, c));
                  accumulate(dv, at(dv, bi, kvh, j, c), arith::MulFOp::create(b, loc, p, g));
                  return {};
                });
                loop(cIdx(0), cIdx(dimQK), {}, [&](Value c, ValueRange) -> SmallVector<Value> {
                  Value kc = load(k, at(k, bi, kvh, j, c));
                  Value qc = load(q, at(q, bi, h, i, c));
                  accumulate(dq, at(dq, bi, h, i, c), arith::MulFOp::create(b, loc, scaledDS, kc));
                  accumulate(dk, at(dk, bi, kvh, j, c), arith::MulFOp::create(b, loc, scaledDS, qc));
                  return {};
                });
                // The param elements the score read: dS' d s'/d p[idx].
                for (unsigned e = 0; e < yield.getDparams().size(); ++e) {
                  auto ref = cast<BlockArgument>(yield.getParamRefs()[e]);
                  int64_t position = ref.getArgNumber() - firstParam;
                  Value buffer = op.getParamGrads()[llvm::find(learnable, position) -
                                                    learnable.begin()];
                  SmallVector<Value> idx;
                  for (Value x : yield.getIndicesOf(e))
                    idx.push_back(grad.lookupOrDefault(x));
                  Value d = grad.lookupOrDefault(yield.getDparams()[e]);
                  accumulate(buffer, idx, arith::MulFOp::create(b, loc, dSPrime, d));
                }
              });
            });
           });
            return {};
          });
        });
       });
        return {};
      });
      return {};
    });
    return {};
  });
  op.erase();
  return success();
}

struct BackwardToLoopsPass : impl::FAAttnBackwardToLoopsBase<BackwardToLoopsPass> {
  void runOnOperation() override {
    SmallVector<AttentionOp> ops;
    getOperation().walk([&](AttentionOp op) {
      if (op.getMode() == Mode::backward)
        ops.push_back(op);
    });
    for (AttentionOp op : ops)
      if (failed(BackwardLowering(op).run()))
        return signalPassFailure();
  }
};

} // namespace
} // namespace faattn
