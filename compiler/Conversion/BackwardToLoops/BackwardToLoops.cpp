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
#include "faattn/Conversion/BackwardCode.h"
#include "faattn/Conversion/Passes.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace faattn {
#define GEN_PASS_DEF_FAATTNBACKWARDTOLOOPS
#include "faattn/Conversion/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

/// Builds the loops of one backward op before the op.
class BackwardLowering : BackwardCode {
public:
  BackwardLowering(AttentionOp op) : BackwardCode(op, OpBuilder(op)) {}

  LogicalResult run();

private:
  /// Every element of `mem` (any rank) set to 0.
  void zero(Value mem);
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
  Value q = op.getQ(), k = op.getK(), v = op.getV(), out = op.getOut();
  Value dout = op.getDout(), dq = op.getDq(), dk = op.getDk(), dv = op.getDv();
  Value memQ = seqQ(), memKV = seqKV();
  int64_t dimQK = op.getHeadDimQK(), dimV = op.getHeadDimV();

  for (Value g : {dq, dk, dv})
    zero(g);
  for (Value g : op.getParamGrads())
    zero(g);

  loop(cIdx(0), batches(), {}, [&](Value seq, ValueRange) -> SmallVector<Value> {
    Sequence s = sequence(seq, memQ, memKV);
    Value bi = s.bi;
    loop(cIdx(0), cIdx(op.getNumHeads()), {}, [&](Value h, ValueRange) -> SmallVector<Value> {
      Value kvh = arith::DivUIOp::create(b, loc, h, cIdx(op.getGroupSize()));
      // A row that keeps no key (lse = -inf, out = 0) gets no gradient.
      forLiveRows(s, h, memQ, [&](Value i, Value iSeq, Value lseI) {
        Value delta = dot(row(dout, bi, h, i), row(out, bi, h, i), dimV);
        loop(cIdx(0), s.lenKV, {}, [&](Value jSeq, ValueRange) -> SmallVector<Value> {
          auto [j, kvInside] = rowOf(s.kvStart, jSeq, memKV);
          guarded(kvInside, [&, j = j] {
            auto qk = [&] { return dot(row(q, bi, h, i), row(k, bi, kvh, j), dimQK); };
            auto dOv = [&] { return dot(row(dout, bi, h, i), row(v, bi, kvh, j), dimV); };
            pair(s, seq, h, iSeq, jSeq, lseI, delta, qk, dOv, [&](Pair &pr) {
              loop(cIdx(0), cIdx(dimV), {}, [&](Value c, ValueRange) -> SmallVector<Value> {
                Value g = load(dout, at(dout, bi, h, i, c));
                accumulate(dv, at(dv, bi, kvh, j, c), arith::MulFOp::create(b, loc, pr.p, g));
                return {};
              });
              loop(cIdx(0), cIdx(dimQK), {}, [&](Value c, ValueRange) -> SmallVector<Value> {
                Value kc = load(k, at(k, bi, kvh, j, c));
                Value qc = load(q, at(q, bi, h, i, c));
                accumulate(dq, at(dq, bi, h, i, c),
                           arith::MulFOp::create(b, loc, pr.scaledDS, kc));
                accumulate(dk, at(dk, bi, kvh, j, c),
                           arith::MulFOp::create(b, loc, pr.scaledDS, qc));
                return {};
              });
              // The param elements the score read: dS' d s'/d p[idx].
              for (unsigned e = 0; e < numParamRefs(); ++e) {
                ParamTerm t = paramTerm(pr, e);
                accumulate(t.buffer, t.indices, t.contribution);
              }
            });
          });
          return {};
        });
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
    for (AttentionOp op : backwardOps(getOperation()))
      if (failed(BackwardLowering(op).run()))
        return signalPassFailure();
  }
};

} // namespace
} // namespace faattn
