//===- BackwardCode.h - The backward's per-pair code, shared -----*- C++ -*-===//
//
// What the backward computes for one (query row i, key j) pair, and the scalar
// building blocks around it, shared by its two lowerings:
//   faattn-backward-to-loops (the CPU path: loops over every row), and
//   faattn-backward-to-gpu (SIMT kernels: a thread per query row for dq, a
//   thread per key row for dk and dv).
// Both build the same pair code, so the GPU path computes what the CPU path
// (checked against the float64 reference) computes:
//
//   keep = mask(b, h, i, j, seq_q, seq_kv, params...)     (true without a mask)
//   s = scale * q_i . k_j;  s', d s'/d s, d s'/d p[idx] = grad(s, ...)
//   P = exp(s' - lse_i);  where P != 0 (nothing flows elsewhere, even where
//   d s'/d s is infinite):
//     dS' = P (dO_i . v_j - D_i);  dS = dS' d s'/d s;  scaled dS = scale dS
//
// The values the code reads (q, k, ..., the params and their gradients) are
// the op's operands on the CPU and a kernel's arguments on the GPU:
// `operands` maps one to the other.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_CONVERSION_BACKWARDCODE_H
#define FAATTN_CONVERSION_BACKWARDCODE_H

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace faattn {

/// The backward attention ops (mode = backward) under `root`, in walk order:
/// what each backward lowering rewrites (collected first: it erases them).
llvm::SmallVector<AttentionOp> backwardOps(mlir::Operation *root);

class BackwardCode {
public:
  /// Code for `op` at `b`'s insertion point, reading `operands`' values for
  /// the op's operands (identity where it has none).
  BackwardCode(AttentionOp op, mlir::OpBuilder b, mlir::IRMapping operands = {});

  mlir::Value cIdx(int64_t v);
  mlir::Value cF32(float v);
  mlir::Value i32(mlir::Value index);
  /// The value standing for the op's operand `v`.
  mlir::Value operand(mlir::Value v) const { return operands.lookupOrDefault(v); }

  /// scf.for [lb, ub) at the builder; `body` builds the body with the
  /// builder inside it and returns what it yields.
  mlir::ValueRange loop(mlir::Value lb, mlir::Value ub, mlir::ValueRange init,
                        llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::Value,
                                                                          mlir::ValueRange)>
                            body);
  /// scf.if `cond` without results; `body` builds the then-branch.
  void when(mlir::Value cond, llvm::function_ref<void()> body);
  /// `body` under `inside`, or unconditionally when `inside` is null.
  void guarded(mlir::Value inside, llvm::function_ref<void()> body);

  /// An element of a float memref as f32, and a store of an f32 into one
  /// (truncated to its element type).
  mlir::Value load(mlir::Value mem, mlir::ValueRange idx);
  void store(mlir::Value v, mlir::Value mem, mlir::ValueRange idx);
  /// mem[idx] += v.
  void accumulate(mlir::Value mem, mlir::ValueRange idx, mlir::Value v);
  /// The element (row, col) of head `head` of a 4-D Q/K/V/O-shaped memref.
  llvm::SmallVector<mlir::Value> at(mlir::Value mem, mlir::Value batch, mlir::Value head,
                                    mlir::Value row, mlir::Value col);
  /// sum_c x[c] * y[c] over c in [0, dim): each of `x` and `y` an element
  /// function of c.
  mlir::Value dot(llvm::function_ref<mlir::Value(mlir::Value)> x,
                  llvm::function_ref<mlir::Value(mlir::Value)> y, int64_t dim);
  /// Row `row` of head `head` of 4-D `mem` as an element function of c.
  std::function<mlir::Value(mlir::Value)> row(mlir::Value mem, mlir::Value batch,
                                              mlir::Value head, mlir::Value row);

  /// A sequence of the batch: the memrefs' batch index of its rows, its
  /// first query and key rows (varlen; null otherwise), its lengths (index
  /// and i32, varlen: from cu_seqlens, clamped to >= 0).
  struct Sequence {
    mlir::Value bi, qStart, kvStart, lenQ, lenKV, lenQ32, lenKV32;
  };
  /// The batch size (varlen: size(cu_seqlens_q) - 1) and the memrefs'
  /// sequence extents.
  mlir::Value batches();
  mlir::Value seqQ();
  mlir::Value seqKV();
  /// Sequence `seq` in memrefs of `memQ` query and `memKV` key rows.
  Sequence sequence(mlir::Value seq, mlir::Value memQ, mlir::Value memKV);
  /// Row r of a sequence starting at `start` in a memref of `size` rows,
  /// and whether it is inside (null when `start` is null: always).
  std::pair<mlir::Value, mlir::Value> rowOf(mlir::Value start, mlir::Value r, mlir::Value size);

  /// For each query row of sequence `s` (rows 0 .. lenQ, those inside the
  /// memref of `memQ` rows) of query head `h` whose LSE is not -inf (a row
  /// that keeps no key gets no gradient): `body(i, iSeq, lse_i)`, i the
  /// memref's row.
  void forLiveRows(const Sequence &s, mlir::Value h, mlir::Value memQ,
                   llvm::function_ref<void(mlir::Value, mlir::Value, mlir::Value)> body);

  /// What flows through a kept pair with P != 0.
  struct Pair {
    mlir::Value p, dSPrime, scaledDS;
    mlir::IRMapping grad; // the grad region's values at this pair
  };
  /// The pair (query row iSeq, key jSeq of sequence `seq`, query head h):
  /// the mask, the score, the grad region, P = exp(s' - lse_i); where the
  /// mask keeps it and P != 0, dS' and dS with `qk` = q_i . k_j and `dOv` =
  /// dO_i . v_j (built there), then `body`.
  void pair(const Sequence &s, mlir::Value seq, mlir::Value h, mlir::Value iSeq,
            mlir::Value jSeq, mlir::Value lseI, mlir::Value delta,
            llvm::function_ref<mlir::Value()> qk, llvm::function_ref<mlir::Value()> dOv,
            llvm::function_ref<void(Pair &)> body);
  /// The number of param elements the score reads (the grad yield's param
  /// refs), and for ref e of `pr`: the gradient buffer it adds into (an
  /// operand()), its indices and its contribution dS' d s'/d p[idx].
  unsigned numParamRefs();
  /// The gradient buffer (an operand()) param ref e adds into.
  mlir::Value paramGradBuffer(unsigned e);
  struct ParamTerm {
    mlir::Value buffer;
    llvm::SmallVector<mlir::Value> indices;
    mlir::Value contribution;
  };
  ParamTerm paramTerm(Pair &pr, unsigned e);

  AttentionOp op;
  mlir::OpBuilder b;
  mlir::Location loc;
  mlir::IRMapping operands;
  mlir::Value scale, minusInf;
};

} // namespace faattn

#endif // FAATTN_CONVERSION_BACKWARDCODE_H
