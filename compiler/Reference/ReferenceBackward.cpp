//===- ReferenceBackward.cpp - Float64 reference backward attention -------===//
//
// See ReferenceBackward.h. Like Reference.cpp, written for clarity, not
// speed: the score expression is interpreted with its derivatives (forward
// mode) for every kept (b, h, q_idx, kv_idx), and the five products of the
// backward are plain loops.
//
//===----------------------------------------------------------------------===//
#include "faattn/Reference/ReferenceBackward.h"
#include "ReferenceInternal.h"

#include "llvm/ADT/Twine.h"

#include <cmath>
#include <limits>
#include <string>

namespace faattn::ref {
namespace {

using detail::fatal;
using spec::BinOp;
using spec::Expr;
using spec::Type;

//===----------------------------------------------------------------------===//
// Dual numbers over the checked AST
//===----------------------------------------------------------------------===//

/// An ExprDerivative that also knows whether its value depends on `score`
/// at all. A constant subexpression (`log(0.0)`, `log(q_idx - kv_idx)` on the
/// diagonal) has no derivative, so its infinite local derivative is never
/// multiplied into a 0 * inf = NaN, as PyTorch's autograd never differentiates
/// a tensor that does not require grad. (A param read is never constant: it
/// carries a term, as a param that requires grad.)
struct Dual : ExprDerivative {
  bool onScore = false;
};

constexpr double kLn2 = 0.693147180559945309417232121458176568; // d exp2(x)/dx = exp2(x) ln 2

Dual constant(double v) {
  Dual r;
  r.value = v;
  return r;
}

/// Adds c * (the derivatives of x) to r. The operations below call it once
/// per operand that the result depends on; an operand it is not called for
/// (the untaken side of min, max and where) contributes exactly 0.
void addScaled(Dual &r, const Dual &x, double c) {
  if (x.onScore) {
    r.dScore += c * x.dScore;
    r.onScore = true;
  }
  for (const Dual::ParamTerm &t : x.dParams)
    r.dParams.push_back({t.param, t.element, c * t.d});
}

/// A function of one operand: value v, derivative c = f'(x).
Dual unary(double v, const Dual &x, double c) {
  Dual r = constant(v);
  addScaled(r, x, c);
  return r;
}

/// A function of two operands: value v, partial derivatives cx and cy.
Dual binary(double v, const Dual &x, double cx, const Dual &y, double cy) {
  Dual r = constant(v);
  addScaled(r, x, cx);
  addScaled(r, y, cy);
  return r;
}

Dual dual(const Expr &e, const Env &env);

Dual dualBinary(const Expr &e, const Env &env) {
  // Only arithmetic operators give an f32; comparisons and logic are bool.
  Dual x = dual(*e.args[0], env), y = dual(*e.args[1], env);
  const double a = x.value, b = y.value;
  switch (e.binop) {
  case BinOp::Add: return binary(a + b, x, 1, y, 1);
  case BinOp::Sub: return binary(a - b, x, 1, y, -1);
  case BinOp::Mul: return binary(a * b, x, b, y, a);
  case BinOp::Div: {
    const double quot = a / b; // d(a/b) = (da - (a/b) db) / b
    return binary(quot, x, 1 / b, y, -quot / b);
  }
  default: break;
  }
  fatal("an f32 binary expression with a non-arithmetic operator (unchecked spec?)");
}

/// f32 min and max: values as evalExpr gives them (detail::minimumF/maximumF),
/// subgradients as torch.minimum/maximum (see the header).
Dual dualMinMax(bool isMin, const Dual &x, const Dual &y) {
  const double a = x.value, b = y.value;
  const double v = isMin ? detail::minimumF(a, b) : detail::maximumF(a, b);
  if (std::isnan(a) || std::isnan(b)) // torch: neither operand is masked out
    return binary(v, x, 1, y, 1);
  if (a == b) // a tie (-0 == +0 included): the gradient is split evenly
    return binary(v, x, 0.5, y, 0.5);
  const bool xWins = isMin ? a < b : a > b;
  return unary(v, xWins ? x : y, 1);
}

Dual dualCall(const Expr &e, const Env &env) {
  using spec::Func;
  if (e.func == Func::Where) { // only the chosen branch is evaluated, and only it has a gradient
    const bool c = evalExpr(*e.args[0], env) != 0;
    return dual(*e.args[c ? 1 : 2], env);
  }
  if (e.func == Func::Window)
    fatal("window() reached the reference (unchecked spec?)");

  Dual x = dual(*e.args[0], env);
  const double a = x.value;
  switch (e.func) {
  case Func::Tanh: {
    const double t = std::tanh(a);
    return unary(t, x, 1 - t * t);
  }
  case Func::Exp: {
    const double ex = std::exp(a);
    return unary(ex, x, ex);
  }
  case Func::Exp2: {
    const double ex = std::exp2(a);
    return unary(ex, x, ex * kLn2);
  }
  case Func::Log: return unary(std::log(a), x, 1 / a);
  case Func::Abs: {
    const double sign = double(a > 0) - double(a < 0); // 0 at +-0 and NaN
    return unary(std::fabs(a), x, sign);
  }
  case Func::Min:
  case Func::Max: return dualMinMax(e.func == Func::Min, x, dual(*e.args[1], env));
  case Func::Where:
  case Func::Window: break;
  }
  fatal("bad function");
}

/// The value and derivatives of an f32 node. Every node that is not f32 is
/// evaluated by evalExpr (the interpreter of Reference.cpp, with its i32 and
/// bool rules) and has no derivative.
Dual dual(const Expr &e, const Env &env) {
  if (e.type != Type::F32)
    fatal(llvm::Twine("an expression of type ") + spec::typeName(e.type) +
          " where f32 was expected (unchecked spec?)");
  switch (e.kind) {
  case Expr::Kind::FloatLit: return constant(double(e.fval));
  case Expr::Kind::Builtin:
    if (e.builtin != spec::Builtin::Score)
      fatal("an f32 built-in name other than score");
    {
      Dual r = constant(env.score);
      r.dScore = 1;
      r.onScore = true;
      return r;
    }
  case Expr::Kind::Param: {
    detail::ParamRead at = detail::locateParam(e, env);
    if (at.element < 0) // a read outside the param yields 0, a constant
      return constant(0);
    Dual r = constant((*env.params)[at.param].data[at.element]);
    r.dParams.push_back({at.param, at.element, 1});
    return r;
  }
  case Expr::Kind::Unary: {
    if (e.unop != spec::UnOp::Neg)
      fatal("an f32 unary expression other than negation");
    Dual x = dual(*e.args[0], env);
    return unary(-x.value, x, -1);
  }
  case Expr::Kind::Binary: return dualBinary(e, env);
  case Expr::Kind::Call: return dualCall(e, env);
  case Expr::Kind::ToF32: return constant(evalExpr(e, env)); // an i32 has no derivative
  case Expr::Kind::IntLit:
  case Expr::Kind::BoolLit:
  case Expr::Kind::Name: break;
  }
  fatal("an f32 expression of an unexpected kind (unchecked spec?)");
}

} // namespace

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

ExprDerivative evalExprDerivative(const spec::Expr &e, const Env &env) { return dual(e, env); }

bool readsParam(const spec::Expr &e, const std::string &name) {
  if (e.kind == Expr::Kind::Param && e.name == name)
    return true;
  for (const spec::ExprPtr &a : e.args)
    if (readsParam(*a, name))
      return true;
  return false;
}

void attentionBackward(const spec::KernelSpec &spec, const Shape &shape,
                       const std::vector<double> &q, const std::vector<double> &k,
                       const std::vector<double> &v, const std::vector<ParamValue> &params,
                       const std::vector<double> &dout, std::vector<double> &dq,
                       std::vector<double> &dk, std::vector<double> &dv,
                       std::vector<ParamValue> &dparams, std::vector<double> *delta,
                       uint64_t *undefinedOps, std::vector<ParamValue> *dparamsMagnitude) {
  detail::checkInputs(spec, shape, q, k, v, params);
  // The spec language gives e4m3 kernels, the only ones with factors, no backward.
  if (spec.qDescale || spec.kDescale || spec.vDescale)
    fatal("attentionBackward does not take q_descale / k_descale / v_descale (e4m3 kernels "
          "have no backward)");
  const int64_t B = shape.batch, Sq = shape.seqQ, Skv = shape.seqKV;
  const int64_t Hq = spec.headsQ, Hkv = spec.headsKV;
  const int64_t Dqk = spec.headDimQK, Dv = spec.headDimV;
  if (dout.size() != static_cast<size_t>(B * Sq * Hq * Dv))
    fatal("dout has " + llvm::Twine(dout.size()) + " elements, expected " +
          llvm::Twine(B * Sq * Hq * Dv));

  dq.assign(q.size(), 0.0);
  dk.assign(k.size(), 0.0);
  dv.assign(v.size(), 0.0);
  if (delta)
    delta->assign(static_cast<size_t>(B * Hq * Sq), 0.0);
  dparams.assign(params.size(), ParamValue());
  for (size_t p = 0; p < params.size(); ++p) {
    const spec::ParamDecl &decl = spec.params[p];
    dparams[p].dims = params[p].dims;
    if (decl.elemType == Type::F32 && spec.score && readsParam(*spec.score, decl.name))
      dparams[p].data.assign(params[p].data.size(), 0.0);
  }
  if (dparamsMagnitude)
    *dparamsMagnitude = dparams;

  Env env;
  env.kernel = &spec;
  env.params = &params;

  const int64_t group = Hq / Hkv;
  const double scale = spec.scale;
  const double negInf = -std::numeric_limits<double>::infinity();
  std::vector<Dual> s(static_cast<size_t>(Skv));
  std::vector<char> kept(static_cast<size_t>(Skv));
  std::vector<double> prob(static_cast<size_t>(Skv)), dP(static_cast<size_t>(Skv));
  std::vector<double> dqAcc(static_cast<size_t>(Dqk));

  for (int64_t b = 0; b < B; ++b) {
    env.b = static_cast<int32_t>(b);
    const int64_t sq = shape.lensQ.empty() ? Sq : shape.lensQ[b];
    const int64_t skv = shape.lensKV.empty() ? Skv : shape.lensKV[b];
    env.seqQ = static_cast<int32_t>(sq);
    env.seqKV = static_cast<int32_t>(skv);
    for (int64_t h = 0; h < Hq; ++h) {
      env.h = static_cast<int32_t>(h);
      const int64_t hkv = h / group;
      for (int64_t i = 0; i < sq; ++i) {
        env.qIdx = static_cast<int32_t>(i);
        const double *qRow = &q[((b * Sq + i) * Hq + h) * Dqk];
        const double *doRow = &dout[((b * Sq + i) * Hq + h) * Dv];

        // The forward's scores and row maximum (NaN propagating), with derivatives.
        double rowMax = negInf;
        bool anyKept = false;
        for (int64_t j = 0; j < skv; ++j) {
          env.kvIdx = static_cast<int32_t>(j);
          kept[j] = !spec.mask || evalExpr(*spec.mask, env) != 0;
          if (!kept[j])
            continue;
          anyKept = true;
          const double *kRow = &k[((b * Skv + j) * Hkv + hkv) * Dqk];
          double dot = 0;
          for (int64_t d = 0; d < Dqk; ++d)
            dot += qRow[d] * kRow[d];
          env.score = scale * dot;
          if (spec.score) {
            s[j] = dual(*spec.score, env);
          } else { // a hand-built spec: the identity
            s[j] = constant(env.score);
            s[j].dScore = 1;
            s[j].onScore = true;
          }
          if (std::isnan(s[j].value) || s[j].value > rowMax)
            rowMax = s[j].value;
        }
        if (!anyKept || rowMax == negInf) // out = 0 in the forward: no gradient
          continue;

        // P as the forward computes it; dP = dO V^T; D = sum P dP.
        double sum = 0;
        for (int64_t j = 0; j < skv; ++j)
          if (kept[j])
            sum += prob[j] = std::exp(s[j].value - rowMax);
        double rowDelta = 0;
        for (int64_t j = 0; j < skv; ++j) {
          if (!kept[j])
            continue;
          prob[j] /= sum;
          const double *vRow = &v[((b * Skv + j) * Hkv + hkv) * Dv];
          double dp = 0;
          for (int64_t d = 0; d < Dv; ++d)
            dp += doRow[d] * vRow[d];
          dP[j] = dp;
          rowDelta += prob[j] * dp;
        }
        if (delta)
          (*delta)[(b * Hq + h) * Sq + i] = rowDelta;

        std::fill(dqAcc.begin(), dqAcc.end(), 0.0);
        for (int64_t j = 0; j < skv; ++j) {
          if (!kept[j])
            continue;
          const double p = prob[j];
          double *dvRow = &dv[((b * Skv + j) * Hkv + hkv) * Dv];
          for (int64_t d = 0; d < Dv; ++d) // dV = P^T dO
            dvRow[d] += p * doRow[d];
          if (p == 0) // no weight, no gradient (even through an infinite ds'/ds)
            continue;
          const double dSmod = p * (dP[j] - rowDelta); // dL/ds'_j
          const double dS = dSmod * s[j].dScore;       // dL/ds_j
          const double *kRow = &k[((b * Skv + j) * Hkv + hkv) * Dqk];
          double *dkRow = &dk[((b * Skv + j) * Hkv + hkv) * Dqk];
          for (int64_t d = 0; d < Dqk; ++d) {
            dqAcc[d] += dS * kRow[d];
            dkRow[d] += scale * dS * qRow[d];
          }
          for (const Dual::ParamTerm &t : s[j].dParams) {
            std::vector<double> &g = dparams[t.param].data;
            if (g.empty())
              fatal("a gradient term for param '" + spec.params[t.param].name +
                    "', which has no gradient buffer");
            g[t.element] += dSmod * t.d;
            if (dparamsMagnitude)
              (*dparamsMagnitude)[t.param].data[t.element] += std::fabs(dSmod * t.d);
          }
        }
        double *dqRow = &dq[((b * Sq + i) * Hq + h) * Dqk];
        for (int64_t d = 0; d < Dqk; ++d)
          dqRow[d] = scale * dqAcc[d];
      }
    }
  }
  if (undefinedOps)
    *undefinedOps = env.undefinedOps;
}

} // namespace faattn::ref
