//===- Reference.h - Float64 reference attention for a spec -----*- C++ -*-===//
//
// An independent, deliberately simple implementation of the attention that a
// checked KernelSpec describes, computed in float64. It is the oracle of the
// compiler's CPU and GPU numerics tests, so it shares no code with the IR
// frontend or the kernels: it walks the checked spec AST directly.
//
// Conventions:
//  * Q, K, V and the output are always (batch, seq, head, dim), row-major,
//    whatever the spec's `layout` says; callers transpose bhsd data.
//  * Tensors are dense (batch, seq, ...); ragged batches (varlen, paged KV)
//    give per-batch lengths in Shape and pad each sequence to seqQ / seqKV:
//    callers pack or page the data themselves.
//  * The gradients of attention() are in ReferenceBackward.h.
//  * Inputs are taken at face value. A kernel reads bf16/f16/e4m3 and f32
//    params, so to compare like with like, round the inputs to the kernel's
//    element type before giving them to the reference.
//  * e4m3 kernels' `q_descale`, `k_descale` and `v_descale` (dequantization
//    factors) are applied as the spec language defines them: the score is
//    scale * dot(q, k) * q_descale * k_descale, and key j's value row is
//    weighted by v_descale in the output (not in the softmax's sum).
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_REFERENCE_REFERENCE_H
#define FAATTN_REFERENCE_REFERENCE_H

#include "faattn/Spec/AST.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faattn::ref {

/// The launch-time sizes; heads and head dims come from the spec.
struct Shape {
  int64_t batch = 1, seqQ = 1, seqKV = 1;
  /// Ragged batches (varlen, paged KV): when not empty, one length per batch,
  /// each at most seqQ / seqKV. Sequence b then has lensQ[b] query rows and
  /// lensKV[b] keys (the first ones of its seqQ / seqKV rows; the others are
  /// ignored, and out and lse stay 0 for them); seq_q and seq_kv in the
  /// spec's expressions are these lengths.
  std::vector<int64_t> lensQ, lensKV;
};

/// A param's values as float64 (i32 params hold integers), row-major over its
/// declared shape. A scalar param has no dims and one value.
struct ParamValue {
  std::vector<int64_t> dims;
  std::vector<double> data;
};

/// The extent of a param's dims: batch -> shape.batch, heads -> spec.headsQ,
/// kv_heads -> spec.headsKV, seq -> max(seqQ, seqKV), seq_q -> seqQ,
/// seq_kv -> seqKV. Empty for a scalar.
std::vector<int64_t> paramDims(const spec::KernelSpec &k, const spec::ParamDecl &p,
                               const Shape &shape);

/// What a spec expression can read: the built-in names and the params.
struct Env {
  double score = 0; ///< the scaled score `scale * dot(q, k)` (score expression only)
  int32_t b = 0, h = 0, qIdx = 0, kvIdx = 0, seqQ = 0, seqKV = 0;
  /// The kernel whose expressions are evaluated (for its param declarations)
  /// and the params' values, in the same order as kernel->params. May be null
  /// when the expression reads no param.
  const spec::KernelSpec *kernel = nullptr;
  const std::vector<ParamValue> *params = nullptr;
  /// Incremented for every i32 `/` or `%` that takes one of the special
  /// cases docs/spec-language.md defines (C leaves them undefined): by zero
  /// (x / 0 = 0, x % 0 = x), INT32_MIN / -1 (= INT32_MIN) and INT32_MIN % -1
  /// (= 0). The compiled code gives the same values on every path; the
  /// count is reported, not an error. A param read outside the param is
  /// defined too: it yields 0, in the reference and in the compiled code.
  mutable uint64_t undefinedOps = 0;
};

/// Evaluates a checked expression (no Name nodes, no window()) and returns its
/// value as a double: bool as 0/1, i32 as its integer value, f32 in double.
/// Semantics follow the compiled code:
///  * i32 arithmetic is 32-bit two's complement with wraparound (+, -, *, unary
///    -, abs(INT32_MIN) == INT32_MIN); `/` truncates toward zero and `%` is the
///    C remainder (sign of the dividend);
///  * i32 -> f32 promotion (ToF32) is exact (done in double);
///  * f32 comparisons are ordered (false on NaN) except `!=`, which is true on
///    NaN; f32 min/max propagate NaN and order -0 before +0;
///  * `&&`, `||` and `where` evaluate only the operands that decide the
///    result, so an undefined operation in an unused operand is not counted.
double evalExpr(const spec::Expr &e, const Env &env);

/// Forward attention in float64.
///   q: [B, Sq, Hq, Dqk], k: [B, Skv, Hkv, Dqk], v: [B, Skv, Hkv, Dv]
///   out: [B, Sq, Hq, Dv], lse: [B, Hq, Sq] (natural log); both are resized.
/// For each (b, h, i): s_j = spec.scale * dot(q[b,i,h], k[b,j,h/(Hq/Hkv)]),
/// then s_j = score_expr(s_j, b, h, i, j, ...); key j is kept iff mask_expr
/// (all keys without a mask); p = softmax over the kept keys (max-subtracted);
/// out = sum_j p_j v[b,j,hkv]; lse = log(sum_j exp(s_j)). A row whose kept
/// scores are all -inf, or that keeps no key, gets out = 0 and lse = -inf.
/// NaN or +inf scores propagate (to NaN) as they would in the kernel.
/// `params` are in the order of spec.params with dims == paramDims(). Sizes
/// that do not match are a fatal error. If `undefinedOps` is given it receives
/// the count of undefined expression operations (see Env::undefinedOps). With
/// `onlyRows` (seq_q flags), only the flagged query rows are computed (the
/// others stay 0): a cheap check of large problems, rows being independent.
void attention(const spec::KernelSpec &spec, const Shape &shape, const std::vector<double> &q,
               const std::vector<double> &k, const std::vector<double> &v,
               const std::vector<ParamValue> &params, std::vector<double> &out,
               std::vector<double> &lse, uint64_t *undefinedOps = nullptr,
               const std::vector<char> *onlyRows = nullptr);

/// Relative L2 error ||a - b|| / ||b||, or the absolute ||a - b|| when
/// ||b|| == 0. Returns +inf if either vector holds a NaN or an infinity that
/// the other does not hold at the same position; positions where both hold
/// NaN (a NaN input propagated) or the same infinity (e.g. the lse of a fully
/// masked row) count as equal and are left out of both norms. Sizes that
/// differ are a fatal error.
double relL2(const std::vector<double> &a, const std::vector<double> &b);

/// `n` deterministic pseudo-random values, uniform in [lo, hi), never exactly
/// zero (a zero draw is drawn again). splitmix64 seeded with `seed`.
std::vector<double> randomTensor(size_t n, uint64_t seed, double lo = -1, double hi = 1);

/// Deterministic values for a param, with dims == paramDims(k, p, shape):
///  * f32: uniform in [0.01, 1), rounded to f32;
///  * i32 of shape [seq], [seq_q] or [seq_kv] (document ids): a non-decreasing
///    run of ids 0, 1, 2, ... over documents of random lengths in
///    1..max(1, n/3), where n is the extent;
///  * i32 of shape [batch] (e.g. prefix lengths): integers in [0, seqKV];
///  * any other i32 (including a scalar): integers in [0, 4).
ParamValue randomParam(const spec::KernelSpec &k, const spec::ParamDecl &p, const Shape &shape,
                       uint64_t seed);

} // namespace faattn::ref

#endif // FAATTN_REFERENCE_REFERENCE_H
