//===- ReferenceBackwardTest.cpp - The float64 backward, proven by FD -----===//
//
// Tests faattn/Reference/ReferenceBackward.h. The gradients are checked
// against central finite differences of the forward ref::attention in float64:
// for L = sum(out * dout), dL/dx ~ sum_e (out(x + h) - out(x - h))_e dout_e / 2h
// (the difference taken element by element, so that the rounding of L itself
// does not swamp it). The expression derivatives are checked the same way
// against ref::evalExpr. Nothing here is an expected output written by hand
// except where a comment derives it.
//
// Measured (clang 22 -O2, x86-64, h = 1e-6), relative L2 errors against the
// finite differences: dq, dk, dv and the param gradients of the ten specs of
// kFDCases 5.8e-11 .. 4.1e-9 (the largest: expLog's dt), of the 18 kernels of
// specs/ at most 4.6e-9; the expression derivatives (d/dscore, d/dparam) at
// most 2.7e-10; at a kink (abs at 0, ties of min/max) at most 1.9e-7, an
// O(h) second-order term of the one-sided slopes. The thresholds below leave
// a margin of 20-50x over these; a wrong derivative is off by O(1e-2) or more
// (each was checked by breaking the implementation once: a tanh derivative,
// the tie split, abs'(0), the P = 0 rule, the accumulation of dk, constants).
//
//===----------------------------------------------------------------------===//
#include "faattn/Reference/Reference.h"
#include "faattn/Reference/ReferenceBackward.h"
#include "faattn/Spec/Spec.h"

#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace faattn;
using namespace faattn::ref;
using spec::KernelSpec;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
/// The finite-difference step (float64; the inputs are O(1)).
const double kStep = 1e-6;
/// Thresholds on the relative L2 error against finite differences (the
/// measured errors are in the file comment): attention gradients (measured
/// at most 4.6e-9, margin 22x), expression derivatives (2.7e-10, margin 37x),
/// and at a kink, where a central difference keeps an O(h) second-order term
/// (1.9e-7, margin 50x; a wrong subgradient is off by O(1)).
const double kFDTolerance = 1e-7;
const double kExprTolerance = 1e-8;
const double kKinkTolerance = 1e-5;

struct Parsed {
  llvm::SourceMgr sm;
  std::string diags;
  std::optional<std::vector<KernelSpec>> kernels;
  const KernelSpec &kernel() const { return kernels->front(); }
};

std::unique_ptr<Parsed> parse(const std::string &text) {
  auto p = std::make_unique<Parsed>();
  p->kernels = spec::parseAndCheckText(p->sm, text, "reference-backward-test.fa", p->diags);
  return p;
}

#define ASSERT_PARSED(p)                                                                           \
  ASSERT_TRUE((p)->kernels && (p)->kernels->size() == 1) << (p)->diags

/// One backward problem: a spec, a shape, inputs, params and dout.
struct Problem {
  std::unique_ptr<Parsed> parsed;
  size_t kernel = 0; ///< which of the parsed kernels
  Shape shape;
  std::vector<double> q, k, v, dout;
  std::vector<ParamValue> params;
  const KernelSpec &spec() const { return (*parsed->kernels)[kernel]; }
};

/// Random inputs (never zero): q and k in [-2, 2), v and dout in [-1, 1), f32
/// params uniform in [lo, hi), i32 params from randomParam.
void fill(Problem &p, uint64_t seed, double lo, double hi) {
  const KernelSpec &k = p.spec();
  const Shape &s = p.shape;
  p.q = randomTensor(s.batch * s.seqQ * k.headsQ * k.headDimQK, seed + 1, -2, 2);
  p.k = randomTensor(s.batch * s.seqKV * k.headsKV * k.headDimQK, seed + 2, -2, 2);
  p.v = randomTensor(s.batch * s.seqKV * k.headsKV * k.headDimV, seed + 3);
  p.dout = randomTensor(s.batch * s.seqQ * k.headsQ * k.headDimV, seed + 4);
  p.params.clear();
  for (size_t i = 0; i < k.params.size(); ++i) {
    ParamValue pv = randomParam(k, k.params[i], s, seed + 10 + i);
    if (k.params[i].elemType == spec::Type::F32)
      pv.data = randomTensor(pv.data.size(), seed + 10 + i, lo, hi);
    p.params.push_back(pv);
  }
}

Shape makeShape(int64_t batch, int64_t seqQ, int64_t seqKV) {
  Shape s;
  s.batch = batch;
  s.seqQ = seqQ;
  s.seqKV = seqKV;
  return s;
}

struct Grads {
  std::vector<double> dq, dk, dv, delta;
  std::vector<ParamValue> dparams;
};

Grads backward(const Problem &p) {
  Grads g;
  attentionBackward(p.spec(), p.shape, p.q, p.k, p.v, p.params, p.dout, g.dq, g.dk, g.dv,
                    g.dparams, &g.delta);
  return g;
}

std::vector<double> forward(const Problem &p) {
  std::vector<double> out, lse;
  attention(p.spec(), p.shape, p.q, p.k, p.v, p.params, out, lse);
  return out;
}

/// dL/dx[idx] by central differences, x one of p's input vectors.
double centralDifference(Problem &p, std::vector<double> &x, size_t idx) {
  const double x0 = x[idx];
  const double xp = x0 + kStep, xm = x0 - kStep;
  x[idx] = xp;
  std::vector<double> outPlus = forward(p);
  x[idx] = xm;
  std::vector<double> outMinus = forward(p);
  x[idx] = x0;
  double sum = 0;
  for (size_t e = 0; e < outPlus.size(); ++e)
    sum += (outPlus[e] - outMinus[e]) * p.dout[e];
  return sum / (xp - xm);
}

/// The relative L2 error of `grad` against finite differences over the
/// elements `idx` of `x` (all of them when `idx` is empty).
double fdError(Problem &p, std::vector<double> &x, const std::vector<double> &grad,
               std::vector<size_t> idx = {}) {
  if (idx.empty())
    for (size_t i = 0; i < x.size(); ++i)
      idx.push_back(i);
  std::vector<double> fd, an;
  for (size_t i : idx) {
    fd.push_back(centralDifference(p, x, i));
    an.push_back(grad[i]);
  }
  return relL2(an, fd);
}

/// A deterministic sample of about `fraction` of the indices below n.
std::vector<size_t> sample(size_t n, double fraction, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<size_t> idx;
  for (size_t i = 0; i < n; ++i)
    if (std::uniform_real_distribution<double>(0, 1)(rng) < fraction)
      idx.push_back(i);
  return idx;
}

//===----------------------------------------------------------------------===//
// Finite differences over specs at an odd shape: batch 2, seq_q 7, seq_kv 13,
// heads 4:2 (GQA: dk and dv sum two query heads), head dims 24 and 40.
//===----------------------------------------------------------------------===//

struct FDCase {
  const char *name;
  const char *text;
  double lo, hi; ///< the range of the f32 params
};

const FDCase kFDCases[] = {
    {"causal", "kernel t { heads = 4 : 2; head_dim = 24 : 40; mask = causal }", 0.2, 1},
    {"softcap50", "kernel t { heads = 4 : 2; head_dim = 40; scale = 2.0\n"
                  "  score = 50.0 * tanh(score / 50.0) }",
     0.2, 1},
    {"softcapParam", "kernel t { heads = 4 : 2; head_dim = 24; scale = 0.5; param cap : f32\n"
                     "  score = cap * tanh(score / cap) }",
     1, 2},
    {"alibi", "kernel t { heads = 4 : 2; head_dim = 24; param slopes : f32[heads]\n"
              "  score = score - slopes[h] * (q_idx - kv_idx); mask = causal }",
     0.05, 0.5},
    {"temperature", "kernel t { heads = 4 : 2; head_dim = 40 : 24; param temp : f32\n"
                    "  score = score / temp }",
     0.5, 1.5},
    {"where", "kernel t { heads = 4 : 2; head_dim = 24; param w : f32[heads]\n"
              "  param c : f32[kv_heads]\n"
              "  score = where(kv_idx % 3 == 1, score * w[h], score - c[h / 2]) }",
     0.2, 1.5},
    {"absMinMax", "kernel t { heads = 4 : 2; head_dim = 24; param g : f32[heads]\n"
                  "  score = max(score * g[h], min(score, 0.25)) - 0.1 * abs(score - g[h]) }",
     0.3, 1.5},
    {"expLog", "kernel t { heads = 4 : 2; head_dim = 24; param t : f32\n"
               "  score = log(exp2(score) + t) + exp(score * 0.5) * 0.1 }",
     0.2, 1},
    // A bias of shape [heads, seq_q, seq_kv], read twice per element (once
    // outside the param at the last row, which reads 0), times the score.
    {"bias", "kernel t { heads = 4 : 2; head_dim = 24 : 40\n"
             "  param bias : f32[heads, seq_q, seq_kv]\n"
             "  score = score + bias[h, q_idx, kv_idx] + 0.5 * bias[h, q_idx + 1, kv_idx] * score\n"
             "  mask = kv_idx <= q_idx + 4 }",
     -1, 1},
    // An i32 param, an f32 param only the mask reads, an f32 param the score
    // reads only in a condition.
    {"noGradParams", "kernel t { heads = 4 : 2; head_dim = 24; param doc : i32[seq]\n"
                     "  param m : f32[heads]; param u : f32\n"
                     "  score = score * (1.0 + doc[kv_idx] * 0.1) + where(u > 0.5, 0.25, -0.25)\n"
                     "  mask = doc[q_idx] >= doc[kv_idx] && m[h] > 0.0 }",
     0.2, 1},
};

void PrintTo(const FDCase &c, std::ostream *os) { *os << c.name; }

class ReferenceBackwardFD : public ::testing::TestWithParam<FDCase> {};

TEST_P(ReferenceBackwardFD, GradientsMatchFiniteDifferences) {
  const FDCase &c = GetParam();
  Problem p;
  p.parsed = parse(c.text);
  ASSERT_PARSED(p.parsed);
  p.shape = makeShape(2, 7, 13);
  fill(p, 1000, c.lo, c.hi);
  Grads g = backward(p);
  ASSERT_EQ(g.dq.size(), p.q.size());
  ASSERT_EQ(g.dk.size(), p.k.size());
  ASSERT_EQ(g.dv.size(), p.v.size());
  ASSERT_EQ(g.dparams.size(), p.params.size());

  double worst = 0;
  auto check = [&](const char *what, double err) {
    std::printf("[ measured ] %s %s: relative L2 error vs FD %.3g\n", c.name, what, err);
    EXPECT_LT(err, kFDTolerance) << what;
    worst = std::max(worst, err);
  };
  check("dq", fdError(p, p.q, g.dq, sample(p.q.size(), 0.25, 1)));
  check("dk", fdError(p, p.k, g.dk, sample(p.k.size(), 0.25, 2)));
  check("dv", fdError(p, p.v, g.dv, sample(p.v.size(), 0.25, 3)));

  // Every element of every f32 param; a param without a gradient buffer
  // (mask-only) must have a zero finite difference.
  for (size_t i = 0; i < p.params.size(); ++i) {
    const spec::ParamDecl &decl = p.spec().params[i];
    EXPECT_EQ(g.dparams[i].dims, p.params[i].dims) << decl.name;
    if (decl.elemType != spec::Type::F32) {
      EXPECT_TRUE(g.dparams[i].data.empty()) << decl.name;
      continue;
    }
    if (g.dparams[i].data.empty()) {
      for (size_t e = 0; e < p.params[i].data.size(); ++e)
        EXPECT_EQ(centralDifference(p, p.params[i].data, e), 0.0) << decl.name << "[" << e << "]";
      continue;
    }
    ASSERT_EQ(g.dparams[i].data.size(), p.params[i].data.size()) << decl.name;
    check(("d" + decl.name).c_str(), fdError(p, p.params[i].data, g.dparams[i].data));
  }
  std::printf("[ measured ] %s: worst %.3g (threshold %.3g)\n", c.name, worst, kFDTolerance);

  // D = rowsum(dout * out), the kernels' preprocessing output.
  std::vector<double> out = forward(p), rowsum(g.delta.size(), 0.0);
  const KernelSpec &k = p.spec();
  for (int64_t b = 0; b < p.shape.batch; ++b)
    for (int64_t i = 0; i < p.shape.seqQ; ++i)
      for (int64_t h = 0; h < k.headsQ; ++h)
        for (int64_t d = 0; d < k.headDimV; ++d) {
          size_t e = ((b * p.shape.seqQ + i) * k.headsQ + h) * k.headDimV + d;
          rowsum[(b * k.headsQ + h) * p.shape.seqQ + i] += out[e] * p.dout[e];
        }
  EXPECT_LT(relL2(g.delta, rowsum), 1e-13);
}

INSTANTIATE_TEST_SUITE_P(Specs, ReferenceBackwardFD, ::testing::ValuesIn(kFDCases),
                         [](const ::testing::TestParamInfo<FDCase> &info) {
                           return std::string(info.param.name);
                         });

// e4m3 kernels, the only ones with dequantization factors, have no backward: the
// backward reference refuses factors rather than differentiate without them.
TEST(ReferenceBackward, DescaleFactorsAreRefused) {
  Problem p;
  p.parsed = parse("kernel f { heads = 2; head_dim = 64; dtype = e4m3\n"
                   "  param vs : f32\n  v_descale = vs }");
  ASSERT_PARSED(p.parsed);
  p.shape = makeShape(1, 3, 4);
  fill(p, 7, 0.5, 2);
  EXPECT_DEATH(backward(p), "attentionBackward does not take q_descale / k_descale / "
                            "v_descale \\(e4m3 kernels have no backward\\)");
}

// Every kernel of specs/ (whatever its mode: the reference takes its score,
// mask, params and shapes), at an odd shape: a sample of q, k and v and every
// element of every f32 param against finite differences.
TEST(ReferenceBackwardCatalogue, EverySpecMatchesFiniteDifferences) {
  std::vector<std::filesystem::path> files;
  for (const auto &entry : std::filesystem::directory_iterator(FAATTN_SPECS_DIR))
    if (entry.path().extension() == ".fa")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  size_t kernels = 0, skipped = 0; // skipped: with descale factors (no backward)
  double worst = 0;
  for (const auto &path : files) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    for (size_t ki = 0;; ++ki) {
      Problem p;
      p.parsed = parse(text.str());
      ASSERT_TRUE(p.parsed->kernels) << path << "\n" << p.parsed->diags;
      if (ki >= p.parsed->kernels->size())
        break;
      p.kernel = ki;
      SCOPED_TRACE(path.filename().string() + ": " + p.spec().name);
      // Dequantization factors belong to e4m3 kernels, which have no backward: the
      // backward reference refuses them (ReferenceBackward.DescaleFactorsAreRefused).
      if (p.spec().qDescale || p.spec().kDescale || p.spec().vDescale) {
        ++skipped;
        continue;
      }
      p.shape = makeShape(2, 5, 9);
      fill(p, 500 + ki, 0.05, 0.5);
      Grads g = backward(p);
      std::vector<double> errs = {fdError(p, p.q, g.dq, sample(p.q.size(), 12.0 / p.q.size(), 1)),
                                  fdError(p, p.k, g.dk, sample(p.k.size(), 12.0 / p.k.size(), 2)),
                                  fdError(p, p.v, g.dv, sample(p.v.size(), 12.0 / p.v.size(), 3))};
      for (size_t i = 0; i < p.params.size(); ++i)
        if (!g.dparams[i].data.empty())
          errs.push_back(fdError(p, p.params[i].data, g.dparams[i].data));
      for (double e : errs) {
        EXPECT_LT(e, kFDTolerance);
        worst = std::max(worst, e);
      }
      ++kernels;
    }
  }
  std::printf("[ measured ] %zu catalogue kernels (%zu with descale factors skipped): worst "
              "relative L2 error vs FD %.3g\n",
              kernels, skipped, worst);
  EXPECT_GE(kernels, files.size());
}

//===----------------------------------------------------------------------===//
// The expression derivatives against finite differences of evalExpr
//===----------------------------------------------------------------------===//

/// A kernel with a scalar, a per-head and an i32 param around `score = expr`.
std::string exprKernel(const std::string &expr) {
  return "kernel e { heads = 4 : 2; head_dim = 24; param t : f32; param w : f32[heads]\n"
         "  param doc : i32[seq]; score = " +
         expr + " }";
}

/// Every function and operator of the language in an f32 expression.
const char *const kExpressions[] = {
    "tanh(score)",
    "exp(score)",
    "exp2(score)",
    "log(score * score + t)",
    "abs(score)",
    "-score / (t + score * score)",
    "min(score, w[h])",
    "max(score, t)",
    "where(score > 0.0, score * t, -score)",
    "score - w[h] * (q_idx - kv_idx)",
    "min(q_idx, kv_idx) * score + doc[kv_idx] - abs(q_idx - 3) % 2",
    "max(abs(score), exp(t)) * w[(h + 1) % 4]",
    "score * w[h] * w[h] + w[h] / t",
    "score + w[q_idx]", // outside the param for q_idx >= 4: reads 0, no term
    "where(doc[q_idx] == doc[kv_idx], tanh(score * t), exp2(-score))",
    "abs(score - t) + abs(-score) + min(max(score, -t), t) + seq_q / seq_kv",
};

TEST(ReferenceBackwardExpr, DerivativesMatchFiniteDifferencesOfEvalExpr) {
  const Shape shape = makeShape(1, 7, 13);
  for (const char *expr : kExpressions) {
    SCOPED_TRACE(expr);
    auto p = parse(exprKernel(expr));
    ASSERT_PARSED(p);
    const KernelSpec &k = p->kernel();
    std::mt19937_64 rng(42);
    std::vector<double> an, fd, anParam, fdParam;
    for (int trial = 0; trial < 40; ++trial) {
      std::vector<ParamValue> params;
      for (size_t i = 0; i < k.params.size(); ++i) {
        params.push_back(randomParam(k, k.params[i], shape, 100 * trial + i));
        if (k.params[i].elemType == spec::Type::F32)
          params.back().data = randomTensor(params.back().data.size(), 100 * trial + i, 0.2, 1.5);
      }
      Env env;
      env.kernel = &k;
      env.params = &params;
      env.h = int32_t(rng() % 4);
      env.qIdx = int32_t(rng() % 7);
      env.kvIdx = int32_t(rng() % 13);
      env.seqQ = 7;
      env.seqKV = 13;
      env.score = randomTensor(1, 7 * trial + 1, -2, 2)[0];
      ExprDerivative d = evalExprDerivative(*k.score, env);
      // The value is the interpreter's, bit for bit.
      ASSERT_EQ(d.value, evalExpr(*k.score, env));

      const double s0 = env.score;
      env.score = s0 + kStep;
      const double fPlus = evalExpr(*k.score, env);
      env.score = s0 - kStep;
      const double fMinus = evalExpr(*k.score, env);
      env.score = s0;
      an.push_back(d.dScore);
      fd.push_back((fPlus - fMinus) / ((s0 + kStep) - (s0 - kStep)));

      // Every element of every f32 param: the terms (summed) against FD.
      for (size_t pi = 0; pi < params.size(); ++pi) {
        if (k.params[pi].elemType != spec::Type::F32)
          continue;
        for (size_t e = 0; e < params[pi].data.size(); ++e) {
          double sum = 0;
          for (const ExprDerivative::ParamTerm &t : d.dParams)
            if (t.param == pi && t.element == int64_t(e))
              sum += t.d;
          const double x0 = params[pi].data[e];
          params[pi].data[e] = x0 + kStep;
          const double gPlus = evalExpr(*k.score, env);
          params[pi].data[e] = x0 - kStep;
          const double gMinus = evalExpr(*k.score, env);
          params[pi].data[e] = x0;
          anParam.push_back(sum);
          fdParam.push_back((gPlus - gMinus) / ((x0 + kStep) - (x0 - kStep)));
        }
      }
      // No term for an i32 param, nor outside a param.
      for (const ExprDerivative::ParamTerm &t : d.dParams) {
        EXPECT_EQ(k.params[t.param].elemType, spec::Type::F32);
        EXPECT_LT(t.element, int64_t(params[t.param].data.size()));
      }
    }
    const double errScore = relL2(an, fd), errParam = relL2(anParam, fdParam);
    std::printf("[ measured ] %-60s d/dscore %.3g, d/dparams %.3g\n", expr, errScore, errParam);
    EXPECT_LT(errScore, kExprTolerance);
    EXPECT_LT(errParam, kExprTolerance);
  }
}

// A constant f32 subexpression with an infinite local derivative (log at 0)
// does not poison the derivative with 0 * inf.
TEST(ReferenceBackwardExpr, ConstantsHaveNoDerivative) {
  auto p = parse(exprKernel("score + exp(log(0.0)) + exp(log(q_idx - kv_idx))"));
  ASSERT_PARSED(p);
  const KernelSpec &k = p->kernel();
  std::vector<ParamValue> params;
  for (const spec::ParamDecl &d : k.params)
    params.push_back(randomParam(k, d, makeShape(1, 7, 13), 5));
  Env env;
  env.kernel = &k;
  env.params = &params;
  env.qIdx = env.kvIdx = 3; // log(0) = -inf, its derivative +inf
  env.score = 0.75;
  ExprDerivative d = evalExprDerivative(*k.score, env);
  EXPECT_EQ(d.value, 0.75); // exp(log(0)) = exp(-inf) = 0
  EXPECT_EQ(d.dScore, 1.0);
  EXPECT_TRUE(d.dParams.empty());
}

//===----------------------------------------------------------------------===//
// Subgradients (the header's documented PyTorch choices)
//===----------------------------------------------------------------------===//

/// dScore and the summed d/dt of `expr` at score = s, t = tv.
std::pair<double, double> derivativeAt(const std::string &expr, double s, double tv) {
  auto p = parse(exprKernel(expr));
  if (!p->kernels)
    ADD_FAILURE() << p->diags;
  if (!p->kernels)
    return {kNaN, kNaN};
  const KernelSpec &k = p->kernel();
  std::vector<ParamValue> params;
  for (const spec::ParamDecl &d : k.params)
    params.push_back(randomParam(k, d, makeShape(1, 7, 13), 9));
  params[k.findParam("t") - k.params.data()].data[0] = tv;
  Env env;
  env.kernel = &k;
  env.params = &params;
  env.score = s;
  ExprDerivative d = evalExprDerivative(*k.score, env);
  double dt = 0;
  for (const ExprDerivative::ParamTerm &term : d.dParams)
    if (k.params[term.param].name == "t")
      dt += term.d;
  return {d.dScore, dt};
}

TEST(ReferenceBackwardSubgradient, AbsMinMaxWhereAtTheirKinks) {
  using P = std::pair<double, double>;
  // abs'(0) = 0 at +0 and -0 (torch.sign(0) = 0); +-1 elsewhere.
  EXPECT_EQ(derivativeAt("abs(score)", 0.0, 1).first, 0.0);
  EXPECT_EQ(derivativeAt("abs(score)", -0.0, 1).first, 0.0);
  EXPECT_EQ(derivativeAt("abs(score)", -0.5, 1).first, -1.0);
  EXPECT_EQ(derivativeAt("abs(score)", 0.5, 1).first, 1.0);
  // Ties of max and min split evenly (torch.maximum / torch.minimum).
  EXPECT_EQ(derivativeAt("max(score, t)", 0.25, 0.25), P(0.5, 0.5));
  EXPECT_EQ(derivativeAt("min(score, t)", 0.25, 0.25), P(0.5, 0.5));
  EXPECT_EQ(derivativeAt("max(score, 0.0)", -0.0, 1), P(0.5, 0.0)); // -0 == +0 is a tie
  EXPECT_EQ(derivativeAt("max(score, score)", 0.3, 1).first, 1.0);  // both halves
  EXPECT_EQ(derivativeAt("max(score, t)", 0.5, 0.25), P(1.0, 0.0));
  EXPECT_EQ(derivativeAt("max(score, t)", 0.125, 0.25), P(0.0, 1.0));
  EXPECT_EQ(derivativeAt("min(score, t)", 0.5, 0.25), P(0.0, 1.0));
  EXPECT_EQ(derivativeAt("min(score, t)", 0.125, 0.25), P(1.0, 0.0));
  // NaN: neither side is masked out (the value is NaN).
  EXPECT_EQ(derivativeAt("max(score, t)", kNaN, 0.25), P(1.0, 1.0));
  // where: only the taken branch.
  EXPECT_EQ(derivativeAt("where(score > 0.0, 2.0 * score, t)", 0.5, 1), P(2.0, 0.0));
  EXPECT_EQ(derivativeAt("where(score > 0.0, 2.0 * score, t)", -0.5, 1), P(0.0, 1.0));
  // ... even where the other branch's derivative is infinite or NaN.
  EXPECT_EQ(derivativeAt("where(score > 0.0, score, log(0.0 * score))", 0.5, 1).first, 1.0);
}

// The same choices through the whole backward: one query row of zeros puts
// its scores exactly at the kink. There a central difference averages the
// two one-sided derivatives, which is what the documented choices give
// (abs: (+1 + -1) / 2 = 0; a tie of max: (1 + 0) / 2 each), so it checks them;
// the kink leaves an O(h) second-order term, hence the looser tolerance.
TEST(ReferenceBackwardSubgradient, KinksThroughAttentionMatchCentralDifferences) {
  const char *specs[] = {
      "kernel t { heads = 2; head_dim = 16; score = 2.0 * abs(score) - score }",
      "kernel t { heads = 2; head_dim = 16; param z : f32[seq_kv]; score = max(score, z[kv_idx]) }",
      "kernel t { heads = 2; head_dim = 16; param z : f32[seq_kv]; score = min(z[kv_idx], score) }",
  };
  for (const char *text : specs) {
    SCOPED_TRACE(text);
    Problem p;
    p.parsed = parse(text);
    ASSERT_PARSED(p.parsed);
    p.shape = makeShape(1, 3, 5);
    fill(p, 77, 0.2, 1);
    // Row (b 0, i 1, h 1) is zero: its scores are exactly 0, as is every z.
    const int64_t D = p.spec().headDimQK;
    std::fill(p.q.begin() + (1 * 2 + 1) * D, p.q.begin() + (1 * 2 + 2) * D, 0.0);
    for (ParamValue &pv : p.params)
      std::fill(pv.data.begin(), pv.data.end(), 0.0);
    Grads g = backward(p);
    std::vector<size_t> row;
    for (int64_t d = 0; d < D; ++d)
      row.push_back((1 * 2 + 1) * D + d);
    const double errRow = fdError(p, p.q, g.dq, row);
    const double errAll = fdError(p, p.q, g.dq);
    double errZ = 0;
    if (!p.params.empty())
      errZ = fdError(p, p.params[0].data, g.dparams[0].data);
    std::printf("[ measured ] kink: dq row %.3g, dq %.3g, dz %.3g\n", errRow, errAll, errZ);
    EXPECT_LT(errRow, kKinkTolerance);
    EXPECT_LT(errAll, kKinkTolerance);
    EXPECT_LT(errZ, kKinkTolerance);
    EXPECT_LT(fdError(p, p.k, g.dk), kKinkTolerance);
  }
}

//===----------------------------------------------------------------------===//
// Masked rows, ragged batches, NaN, and the gradient buffers
//===----------------------------------------------------------------------===//

bool allFinite(const std::vector<double> &x) {
  return std::all_of(x.begin(), x.end(), [](double e) { return std::isfinite(e); });
}

// Rows that keep no key (q_idx >= 4) or whose kept scores are all -inf
// (q_idx == 1) get zero gradients, never NaN; a kept key with score -inf
// (kv_idx == 0) contributes nothing although its ds'/ds is NaN.
TEST(ReferenceBackwardMasked, FullyMaskedRowsGiveZeroGradients) {
  Problem p;
  p.parsed = parse("kernel t { heads = 4 : 2; head_dim = 24\n"
                   "  score = where(q_idx == 1 || kv_idx == 0, log(0.0 * score), score)\n"
                   "  mask = q_idx < 4 }");
  ASSERT_PARSED(p.parsed);
  p.shape = makeShape(2, 7, 13);
  fill(p, 3, 0.2, 1);
  Grads g = backward(p);
  EXPECT_TRUE(allFinite(g.dq) && allFinite(g.dk) && allFinite(g.dv) && allFinite(g.delta));
  const KernelSpec &k = p.spec();
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t i = 0; i < 7; ++i)
      for (int64_t h = 0; h < 4; ++h) {
        const bool dead = i == 1 || i >= 4;
        double norm = 0;
        for (int64_t d = 0; d < k.headDimQK; ++d)
          norm += std::fabs(g.dq[((b * 7 + i) * 4 + h) * k.headDimQK + d]);
        EXPECT_EQ(norm == 0, dead) << b << " " << i << " " << h;
        if (dead)
          EXPECT_EQ(g.delta[(b * 4 + h) * 7 + i], 0.0);
      }
  // Key 0 is never attended to (its score is -inf): no gradient.
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t d = 0; d < 2 * k.headDimQK; ++d)
      EXPECT_EQ(g.dk[b * 13 * 2 * k.headDimQK + d], 0.0);
  EXPECT_LT(fdError(p, p.q, g.dq, sample(p.q.size(), 0.3, 4)), kFDTolerance);
  EXPECT_LT(fdError(p, p.k, g.dk, sample(p.k.size(), 0.3, 5)), kFDTolerance);
  EXPECT_LT(fdError(p, p.v, g.dv, sample(p.v.size(), 0.3, 6)), kFDTolerance);

  // `mask = false`: nothing at all.
  Problem none;
  none.parsed = parse("kernel t { heads = 4 : 2; head_dim = 24; mask = false }");
  ASSERT_PARSED(none.parsed);
  none.shape = makeShape(2, 7, 13);
  fill(none, 4, 0.2, 1);
  Grads z = backward(none);
  for (const std::vector<double> *x : {&z.dq, &z.dk, &z.dv, &z.delta})
    EXPECT_TRUE(std::all_of(x->begin(), x->end(), [](double e) { return e == 0.0; }));
}

// Ragged batches: sequence 1 has no query rows, sequence 2 no keys; the rows
// and keys past a sequence's lengths get exactly 0, the rest match FD.
TEST(ReferenceBackwardMasked, RaggedBatchesWithEmptySequences) {
  Problem p;
  p.parsed = parse("kernel t { heads = 4 : 2; head_dim = 24 : 40; param slopes : f32[heads]\n"
                   "  score = score - slopes[h] * (seq_kv - kv_idx); mask = causal }");
  ASSERT_PARSED(p.parsed);
  p.shape = Shape{3, 7, 13, {5, 0, 7}, {9, 6, 0}};
  fill(p, 21, 0.05, 0.5);
  Grads g = backward(p);
  const KernelSpec &k = p.spec();
  EXPECT_TRUE(allFinite(g.dq) && allFinite(g.dk) && allFinite(g.dv));
  for (int64_t b = 0; b < 3; ++b) {
    for (int64_t i = 0; i < 7; ++i)
      for (int64_t h = 0; h < 4; ++h)
        for (int64_t d = 0; d < k.headDimQK; ++d) {
          const double x = g.dq[((b * 7 + i) * 4 + h) * k.headDimQK + d];
          // Row 0 keeps key 0 only: p = 1 whatever its score, so dq = 0 there.
          if (i == 0 || i >= p.shape.lensQ[b] || p.shape.lensKV[b] == 0)
            EXPECT_EQ(x, 0.0);
          else
            EXPECT_NE(x, 0.0);
        }
    for (int64_t j = 0; j < 13; ++j)
      for (int64_t g2 = 0; g2 < 2; ++g2) {
        // Causal: key j is seen by the rows i >= j of the sequence.
        const bool seen = j < p.shape.lensKV[b] && j < p.shape.lensQ[b];
        for (int64_t d = 0; d < k.headDimV; ++d)
          EXPECT_EQ(g.dv[((b * 13 + j) * 2 + g2) * k.headDimV + d] != 0.0, seen);
      }
  }
  EXPECT_LT(fdError(p, p.q, g.dq, sample(p.q.size(), 0.25, 7)), kFDTolerance);
  EXPECT_LT(fdError(p, p.k, g.dk, sample(p.k.size(), 0.25, 8)), kFDTolerance);
  EXPECT_LT(fdError(p, p.v, g.dv, sample(p.v.size(), 0.25, 9)), kFDTolerance);
  EXPECT_LT(fdError(p, p.params[0].data, g.dparams[0].data), kFDTolerance);
}

// A NaN reaches exactly what it reaches in the forward: a NaN in q makes its
// row's out NaN, and its dq row, the dk and dv of the keys that row keeps,
// and the gradient of its head's slope; a NaN in dout the same but for out.
TEST(ReferenceBackwardMasked, NaNPropagates) {
  const char *text = "kernel t { heads = 4 : 2; head_dim = 24; param slopes : f32[heads]\n"
                     "  score = score - slopes[h] * (q_idx - kv_idx); mask = causal }";
  Problem p;
  p.parsed = parse(text);
  ASSERT_PARSED(p.parsed);
  p.shape = makeShape(2, 7, 13);
  fill(p, 31, 0.05, 0.5);
  const int64_t D = 24;
  auto rowHasNaN = [](const std::vector<double> &x, size_t row, int64_t n) {
    return std::any_of(x.begin() + row * n, x.begin() + (row + 1) * n,
                       [](double e) { return std::isnan(e); });
  };
  for (int which = 0; which < 2; ++which) {
    SCOPED_TRACE(which == 0 ? "NaN in q" : "NaN in dout");
    Problem c;
    c.parsed = parse(text);
    ASSERT_PARSED(c.parsed);
    c.shape = p.shape;
    c.q = p.q, c.k = p.k, c.v = p.v, c.dout = p.dout, c.params = p.params;
    // Row (b 0, i 3, h 1), of KV head 0.
    const size_t row = (0 * 7 + 3) * 4 + 1;
    (which == 0 ? c.q[row * D + 5] : c.dout[row * D + 7]) = kNaN;
    Grads g = backward(c);
    std::vector<double> out = forward(c);
    for (size_t r = 0; r < 2 * 7 * 4; ++r) {
      EXPECT_EQ(rowHasNaN(g.dq, r, D), r == row) << r;
      EXPECT_EQ(rowHasNaN(out, r, D), which == 0 && r == row) << r;
    }
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t j = 0; j < 13; ++j)
        for (int64_t g2 = 0; g2 < 2; ++g2) {
          const bool reached = b == 0 && g2 == 0 && j <= 3;
          const size_t key = (b * 13 + j) * 2 + g2;
          EXPECT_EQ(rowHasNaN(g.dk, key, D), reached) << b << " " << j << " " << g2;
          EXPECT_EQ(rowHasNaN(g.dv, key, D), reached) << b << " " << j << " " << g2;
        }
    for (size_t h = 0; h < 4; ++h)
      EXPECT_EQ(std::isnan(g.dparams[0].data[h]), h == 1) << h;
  }
}

// Which params get a gradient buffer, and the undefined-operation count.
TEST(ReferenceBackwardMasked, ParamGradientBuffersAndUndefinedOps) {
  Problem p;
  p.parsed = parse("kernel t { heads = 2; head_dim = 8; param doc : i32[seq]; param m : f32\n"
                   "  param u : f32[heads]; param w : f32[batch, heads]; param unused : f32\n"
                   "  score = score * w[b, h] + where(u[h] > 0.5, 1.0, 0.0)\n"
                   "    + q_idx / (kv_idx - 2)\n"
                   "  mask = doc[q_idx] >= doc[kv_idx] && m > 0.0 }");
  ASSERT_PARSED(p.parsed);
  p.shape = makeShape(2, 5, 6);
  fill(p, 41, 0.2, 1);
  Grads g;
  uint64_t undefinedBwd = 0, undefinedFwd = 0;
  attentionBackward(p.spec(), p.shape, p.q, p.k, p.v, p.params, p.dout, g.dq, g.dk, g.dv,
                    g.dparams, nullptr, &undefinedBwd);
  std::vector<double> out, lse;
  attention(p.spec(), p.shape, p.q, p.k, p.v, p.params, out, lse, &undefinedFwd);
  EXPECT_GT(undefinedFwd, 0u); // kv_idx == 2 divides by zero in the kept elements
  EXPECT_EQ(undefinedBwd, undefinedFwd);
  // Params in the order of spec.params.
  ASSERT_EQ(g.dparams.size(), 5u);
  for (size_t i = 0; i < 5; ++i)
    EXPECT_EQ(g.dparams[i].dims, p.params[i].dims);
  auto at = [&](const char *name) {
    return size_t(p.spec().findParam(name) - &p.spec().params[0]);
  };
  EXPECT_TRUE(g.dparams[at("doc")].data.empty()); // i32
  EXPECT_TRUE(g.dparams[at("m")].data.empty());   // only the mask reads it
  EXPECT_EQ(g.dparams[at("u")].data, std::vector<double>(2, 0.0)); // only in a condition: zeros
  ASSERT_EQ(g.dparams[at("w")].data.size(), 4u);
  EXPECT_LT(fdError(p, p.params[at("w")].data, g.dparams[at("w")].data), kFDTolerance);
  EXPECT_TRUE(g.dparams[at("unused")].data.empty()); // read by nothing
}

// dparamsMagnitude: shaped as dparams, each element the sum of |term| of the
// terms its gradient adds: at least |gradient|, far above it where the terms
// cancel (a scalar read by every element: sum_j dS'_j = 0 per row), equal to
// it where one term each (a bias read at (h, q_idx, kv_idx) once).
TEST(ReferenceBackwardMasked, ParamGradientMagnitudes) {
  Problem p;
  p.parsed = parse("kernel t { heads = 2; head_dim = 8; param g : f32\n"
                   "  param bias : f32[heads, seq_q, seq_kv]; param doc : i32[seq]\n"
                   "  score = score + g + bias[h, q_idx, kv_idx] }");
  ASSERT_PARSED(p.parsed);
  p.shape = makeShape(1, 5, 6);
  fill(p, 43, 0.5, 1.5);
  Grads g, h;
  std::vector<ParamValue> magnitude;
  attentionBackward(p.spec(), p.shape, p.q, p.k, p.v, p.params, p.dout, g.dq, g.dk, g.dv,
                    g.dparams, nullptr, nullptr, &magnitude);
  attentionBackward(p.spec(), p.shape, p.q, p.k, p.v, p.params, p.dout, h.dq, h.dk, h.dv,
                    h.dparams);
  EXPECT_EQ(g.dparams[0].data, h.dparams[0].data); // the extra output changes nothing
  ASSERT_EQ(magnitude.size(), g.dparams.size());
  for (size_t i = 0; i < magnitude.size(); ++i) {
    EXPECT_EQ(magnitude[i].dims, g.dparams[i].dims);
    ASSERT_EQ(magnitude[i].data.size(), g.dparams[i].data.size());
    for (size_t e = 0; e < magnitude[i].data.size(); ++e)
      EXPECT_GE(magnitude[i].data[e], std::fabs(g.dparams[i].data[e]) * (1 - 1e-12));
  }
  auto at = [&](const char *name) {
    return size_t(p.spec().findParam(name) - &p.spec().params[0]);
  };
  EXPECT_TRUE(magnitude[at("doc")].data.empty());
  EXPECT_GT(magnitude[at("g")].data[0], 10 * std::fabs(g.dparams[at("g")].data[0]));
  for (size_t e = 0; e < magnitude[at("bias")].data.size(); ++e)
    EXPECT_DOUBLE_EQ(magnitude[at("bias")].data[e], std::fabs(g.dparams[at("bias")].data[e]));
}

// One query and two keys of dim 1, no expression (a hand-built spec), derived
// by hand: s_j = c q k_j, p = softmax(s), out = sum p_j v_j;
// dL/dv_j = p_j dout; dL/dq = dout c sum_j p_j (v_j - out) k_j;
// dL/dk_j = dout c p_j (v_j - out) q.
TEST(ReferenceBackwardMasked, HandComputedTwoKeys) {
  KernelSpec k;
  k.name = "hand";
  k.headsQ = k.headsKV = k.headDimQK = k.headDimV = 1;
  k.scale = 0.5f;
  const double q = 2, k0 = 1, k1 = 3, v0 = 3, v1 = 5, dout = 0.7;
  const double p0 = 1 / (1 + std::exp(2.0)), p1 = 1 - p0; // s = (1, 3)
  const double out = p0 * v0 + p1 * v1;
  std::vector<double> dq, dk, dv, delta;
  std::vector<ParamValue> dparams;
  attentionBackward(k, makeShape(1, 1, 2), {q}, {k0, k1}, {v0, v1}, {}, {dout}, dq, dk, dv,
                    dparams, &delta);
  ASSERT_EQ(dq.size(), 1u);
  EXPECT_NEAR(dv[0], p0 * dout, 1e-15);
  EXPECT_NEAR(dv[1], p1 * dout, 1e-15);
  EXPECT_NEAR(dq[0], dout * 0.5 * (p0 * (v0 - out) * k0 + p1 * (v1 - out) * k1), 1e-14);
  EXPECT_NEAR(dk[0], dout * 0.5 * p0 * (v0 - out) * q, 1e-14);
  EXPECT_NEAR(dk[1], dout * 0.5 * p1 * (v1 - out) * q, 1e-14);
  EXPECT_NEAR(delta[0], dout * out, 1e-14);
  EXPECT_TRUE(dparams.empty());
}

} // namespace
