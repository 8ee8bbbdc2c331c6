//===- ReferenceBackward.h - Float64 reference backward attention -*- C++ -*-===//
//
// The gradients of ref::attention (Reference.h), in float64: the oracle of the
// backward kernels and of the compiler's differentiation of score expressions.
// Like the forward, it shares no code with the compiler: the derivatives of
// the score expression come from this library's own evaluation of the checked
// spec AST, in forward mode (dual numbers: every f32 node carries its value,
// its derivative with respect to `score` and its derivatives with respect to
// the param elements it read). Non-f32 nodes (i32, bool: indices, conditions,
// comparisons, masks) are evaluated by ref::evalExpr itself, with its integer
// rules, and carry no derivative. tests/unit/ReferenceBackwardTest.cpp proves
// the gradients by central finite differences of the forward.
//
// Conventions are the forward's: (batch, seq, head, dim) tensors, GQA groups
// of Hq / Hkv query heads per KV head, ragged lengths in Shape::lensQ/lensKV,
// params in the order of spec.params.
//
// Derivatives of the expression language (x, y f32 operands; PyTorch >= 1.10
// autograd's choices at the points without a derivative, derivatives.yaml as of
// PyTorch 2.x, unchanged since PR #59669 made maximum/minimum split ties):
//   x + y, x - y, -x, x * y, x / y   the usual rules ((dx - (x/y) dy) / y)
//   tanh(x)                          (1 - tanh(x)^2) dx
//   exp(x)                           exp(x) dx
//   exp2(x)                          exp2(x) ln(2) dx
//   log(x)                           dx / x        (log(0) = -inf, derivative +inf)
//   abs(x)                           sign(x) dx with sign(x) = (x > 0) - (x < 0), as
//                                    torch's sign kernel: abs'(+0) = abs'(-0) = 0, and
//                                    0 at NaN (the value is NaN anyway)
//   max(x, y)                        dx where x > y, dy where x < y, (dx + dy) / 2 at
//                                    a tie x == y (-0 == +0 ties), as torch.maximum;
//                                    dx + dy when x or y is NaN (torch's where/
//                                    masked_fill leaves both full; the value is NaN)
//   min(x, y)                        the same with the comparisons reversed
//                                    (torch.minimum)
//   where(c, x, y)                   the derivative of the taken branch only; the
//                                    other branch is not evaluated, so it contributes
//                                    exactly 0 even where its own derivative would be
//                                    inf or NaN (PyTorch computes 0 * inf = NaN there)
//   score                            d/dscore = 1
//   p[i, ...] of an f32 param        1 for the element read (the index expressions
//                                    are i32; a read outside the param yields 0 and
//                                    has no derivative); several reads of one
//                                    element add up
// Zero derivative: literals, the built-in names other than `score`, i32 params,
// every i32 and bool expression (integer arithmetic, abs/min/max/where of i32,
// `%`, comparisons, `&&` `||` `!`), the promotion of an i32 to f32, and the mask.
// An operand that gets no gradient (the untaken side of min, max or where)
// contributes exactly 0, and so does an f32 subexpression that depends neither
// on `score` nor on an f32 param (a constant such as `log(0.0)` or
// `log(q_idx - kv_idx)`: its infinite local derivative is not multiplied into
// 0 * inf = NaN, as autograd never differentiates what does not require grad).
// Elsewhere IEEE arithmetic applies: `log(0.0 * score)` has derivative
// 0 * inf = NaN, as in PyTorch.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_REFERENCE_REFERENCEBACKWARD_H
#define FAATTN_REFERENCE_REFERENCEBACKWARD_H

#include "faattn/Reference/Reference.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace faattn::ref {

/// The value of a checked f32 expression and its first derivatives.
struct ExprDerivative {
  double value = 0;  ///< bit-identical to evalExpr(e, env)
  double dScore = 0; ///< d value / d env.score
  /// d value / d params[param].data[element], one term per f32 param read
  /// that the value depends on (in evaluation order, not merged: a param
  /// element read twice may appear twice, and the terms add up).
  struct ParamTerm {
    size_t param = 0;
    int64_t element = 0;
    double d = 0;
  };
  std::vector<ParamTerm> dParams;
};

/// Evaluates an f32 expression of a checked spec (the score expression, or
/// any f32 subexpression) with its derivatives; the rules are in the comment
/// at the top of this file. An expression that is not f32 is a fatal error.
/// Counts undefined i32 operations in env.undefinedOps as evalExpr does.
ExprDerivative evalExprDerivative(const spec::Expr &e, const Env &env);

/// Whether `e` reads the param `name` anywhere (in an f32 context or not).
bool readsParam(const spec::Expr &e, const std::string &name);

/// Backward attention in float64. Given the forward's inputs and dout (dL/dout,
/// shaped like out: [B, Sq, Hq, Dv]), computes, for the loss L whose gradient
/// with respect to ref::attention's `out` is dout:
///   dq: [B, Sq, Hq, Dqk], dk: [B, Skv, Hkv, Dqk], dv: [B, Skv, Hkv, Dv]
/// (all resized) and dparams, one entry per spec.params: an f32 param that the
/// score expression reads gets its gradient, with the param's dims and data;
/// an i32 param, and an f32 param that only the mask reads (or nothing), gets
/// its dims and empty data. (An f32 param that the score reads only in a
/// condition gets a gradient of zeros.) The lse is not an output of the
/// gradient here: L depends on out only.
///
/// Per (b, h, i), with j over the kept keys of row i, s_j = scale * q_i . k_j,
/// s'_j = score_expr(s_j, ...), P = softmax(s') (as the forward):
///   dP_j = dout_i . v_j,  D_i = sum_j P_j dP_j  (= rowsum(dout_i * out_i)),
///   dS'_j = P_j (dP_j - D_i),  dS_j = dS'_j * ds'_j/ds_j,
///   dv_j += P_j dout_i,  dq_i += scale * sum_j dS_j k_j,  dk_j += scale * dS_j q_i,
///   dparam[e] += dS'_j * ds'_j/dparam[e]  for every element e the expression read.
/// GQA: dk and dv of a KV head sum over the Hq / Hkv query heads of its group.
/// Rows outside a sequence (ragged batches) and rows that keep no key or whose
/// kept scores are all -inf (the forward's out = 0) contribute nothing: their
/// dq is 0, never NaN. A kept key whose P_j is exactly 0 (s'_j = -inf, or an
/// exp that underflows) contributes nothing either, even where ds'/ds is
/// infinite. NaN propagates as in the forward: a NaN score, q, k, v or dout
/// element makes the gradients it reaches NaN.
///
/// If `delta` is given it receives D as [B, Hq, Sq] (0 where no gradient
/// flows), the preprocessing output of the kernels; if `undefinedOps` is
/// given it receives the count of undefined i32 operations (Env::undefinedOps)
/// of the mask and score evaluations. If `dparamsMagnitude` is given it
/// receives, shaped as dparams, the sum of the magnitudes of the terms each
/// param gradient element adds up, sum |dS'_j ds'_j/dparam[e]|: the scale of
/// an f32 sum's rounding error, whose terms may cancel to a gradient far
/// smaller than they are (sum_j dS'_j = 0 in exact arithmetic).
void attentionBackward(const spec::KernelSpec &spec, const Shape &shape,
                       const std::vector<double> &q, const std::vector<double> &k,
                       const std::vector<double> &v, const std::vector<ParamValue> &params,
                       const std::vector<double> &dout, std::vector<double> &dq,
                       std::vector<double> &dk, std::vector<double> &dv,
                       std::vector<ParamValue> &dparams, std::vector<double> *delta = nullptr,
                       uint64_t *undefinedOps = nullptr,
                       std::vector<ParamValue> *dparamsMagnitude = nullptr);

} // namespace faattn::ref

#endif // FAATTN_REFERENCE_REFERENCEBACKWARD_H
