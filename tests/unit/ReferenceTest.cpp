//===- ReferenceTest.cpp - Unit tests of the float64 reference attention --===//
//
// Tests faattn/Reference/Reference.h against cases derived by hand and
// against a second, brute-force attention written here with plain C++ lambdas
// for the mask and score (no expression interpreter, no max subtraction).
//
//===----------------------------------------------------------------------===//
#include "faattn/Reference/Reference.h"
#include "faattn/Spec/Spec.h"

#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace faattn;
using namespace faattn::ref;
using spec::KernelSpec;

namespace {

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

/// One parsed and checked kernel. The SourceMgr is declared first so that it
/// is destroyed last: the kernel's SMLocs point into its buffers.
struct Parsed {
  llvm::SourceMgr sm;
  std::string diags;
  std::optional<std::vector<KernelSpec>> kernels;
  const KernelSpec &kernel() const { return kernels->front(); }
};

std::unique_ptr<Parsed> parse(const std::string &text) {
  auto p = std::make_unique<Parsed>();
  p->kernels = spec::parseAndCheckText(p->sm, text, "reference-test.fa", p->diags);
  return p;
}

#define ASSERT_PARSED(p)                                                                           \
  ASSERT_TRUE((p)->kernels && (p)->kernels->size() == 1) << (p)->diags

/// Flat indices of the bshd tensors and of lse.
struct Layout {
  Shape s;
  int64_t hq, hkv, dqk, dv;
  Layout(const KernelSpec &k, const Shape &s)
      : s(s), hq(k.headsQ), hkv(k.headsKV), dqk(k.headDimQK), dv(k.headDimV) {}
  size_t q(int64_t b, int64_t i, int64_t h, int64_t d) const {
    return ((b * s.seqQ + i) * hq + h) * dqk + d;
  }
  size_t k(int64_t b, int64_t j, int64_t g, int64_t d) const {
    return ((b * s.seqKV + j) * hkv + g) * dqk + d;
  }
  size_t v(int64_t b, int64_t j, int64_t g, int64_t d) const {
    return ((b * s.seqKV + j) * hkv + g) * dv + d;
  }
  size_t out(int64_t b, int64_t i, int64_t h, int64_t d) const {
    return ((b * s.seqQ + i) * hq + h) * dv + d;
  }
  size_t lse(int64_t b, int64_t h, int64_t i) const { return (b * hq + h) * s.seqQ + i; }
  size_t qSize() const { return s.batch * s.seqQ * hq * dqk; }
  size_t kSize() const { return s.batch * s.seqKV * hkv * dqk; }
  size_t vSize() const { return s.batch * s.seqKV * hkv * dv; }
};

using KeepFn = std::function<bool(int64_t b, int64_t h, int64_t i, int64_t j)>;
using ScoreFn = std::function<double(double s, int64_t b, int64_t h, int64_t i, int64_t j)>;

/// The textbook formula, straight: w_j = exp(score_j) over the kept keys,
/// out = sum w_j v_j / sum w_j, lse = log(sum w_j). Fine for small scores.
void bruteForce(const KernelSpec &k, const Shape &s, const std::vector<double> &q,
                const std::vector<double> &kk, const std::vector<double> &v, const KeepFn &keep,
                const ScoreFn &score, std::vector<double> &out, std::vector<double> &lse) {
  Layout L(k, s);
  out.assign(s.batch * s.seqQ * L.hq * L.dv, 0.0);
  lse.assign(s.batch * L.hq * s.seqQ, -kInf);
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t h = 0; h < L.hq; ++h)
      for (int64_t i = 0; i < s.seqQ; ++i) {
        int64_t g = h / (L.hq / L.hkv);
        double sum = 0;
        std::vector<double> acc(L.dv, 0.0);
        for (int64_t j = 0; j < s.seqKV; ++j) {
          if (!keep(b, h, i, j))
            continue;
          double dot = 0;
          for (int64_t d = 0; d < L.dqk; ++d)
            dot += q[L.q(b, i, h, d)] * kk[L.k(b, j, g, d)];
          double w = std::exp(score(double(k.scale) * dot, b, h, i, j));
          sum += w;
          for (int64_t d = 0; d < L.dv; ++d)
            acc[d] += w * v[L.v(b, j, g, d)];
        }
        if (sum == 0)
          continue; // out 0, lse -inf
        for (int64_t d = 0; d < L.dv; ++d)
          out[L.out(b, i, h, d)] = acc[d] / sum;
        lse[L.lse(b, h, i)] = std::log(sum);
      }
}

const ScoreFn identityScore = [](double s, int64_t, int64_t, int64_t, int64_t) { return s; };

/// A kernel spec built by hand (unchecked: any head dim is fine for the reference).
KernelSpec handSpec(int hq, int hkv, int dqk, int dv, float scale) {
  KernelSpec k;
  k.name = "hand";
  k.headsQ = hq;
  k.headsKV = hkv;
  k.headDimQK = dqk;
  k.headDimV = dv;
  k.scale = scale;
  return k; // score null (identity), mask null (keep all)
}

//===----------------------------------------------------------------------===//
// (1)-(5), (7): attention()
//===----------------------------------------------------------------------===//

// (1) One query, two keys, dims 1: scores 0.5*2*1 = 1 and 0.5*2*3 = 3, so
// p = (1, e^2) / (1 + e^2), out = 3 p0 + 5 p1, lse = log(e + e^3) = 1 + log(1 + e^2).
TEST(ReferenceAttention, HandComputedTwoKeys) {
  KernelSpec k = handSpec(1, 1, 1, 1, 0.5f);
  Shape s{1, 1, 2};
  std::vector<double> out, lse;
  attention(k, s, {2.0}, {1.0, 3.0}, {3.0, 5.0}, {}, out, lse);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(lse.size(), 1u);
  EXPECT_NEAR(out[0], 4.761594155955764, 1e-14);
  EXPECT_NEAR(lse[0], 3.1269280110429727, 1e-14);

  // Swapping the keys swaps the weights: out = 3 p1 + 5 p0.
  attention(k, s, {2.0}, {3.0, 1.0}, {3.0, 5.0}, {}, out, lse);
  EXPECT_NEAR(out[0], 3 * 0.8807970779778824 + 5 * 0.11920292202211755, 1e-14);
  EXPECT_NEAR(lse[0], 3.1269280110429727, 1e-14);

  // Huge scores: max subtraction keeps it finite (exp(1000) overflows a double).
  KernelSpec big = handSpec(1, 1, 1, 1, 1.0f);
  attention(big, s, {1000.0}, {1.0, 1.0}, {3.0, 5.0}, {}, out, lse);
  EXPECT_NEAR(out[0], 4.0, 1e-12);
  EXPECT_NEAR(lse[0], 1000.0 + std::log(2.0), 1e-9);
}

// (2) No mask and, per (batch, kv head), every key and value row the same:
// the softmax is uniform, out is that value row, lse = log(Skv) + s.
TEST(ReferenceAttention, IdenticalKeysGiveUniformWeights) {
  auto p = parse("kernel t { heads = 2; head_dim = 8 }");
  ASSERT_PARSED(p);
  const KernelSpec &k = p->kernel();
  Shape s{2, 3, 5};
  Layout L(k, s);
  std::vector<double> q = randomTensor(L.qSize(), 1);
  std::vector<double> kRow = randomTensor(s.batch * L.hkv * L.dqk, 2);
  std::vector<double> vRow = randomTensor(s.batch * L.hkv * L.dv, 3);
  std::vector<double> kk(L.kSize()), v(L.vSize());
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t j = 0; j < s.seqKV; ++j)
      for (int64_t g = 0; g < L.hkv; ++g) {
        for (int64_t d = 0; d < L.dqk; ++d)
          kk[L.k(b, j, g, d)] = kRow[(b * L.hkv + g) * L.dqk + d];
        for (int64_t d = 0; d < L.dv; ++d)
          v[L.v(b, j, g, d)] = vRow[(b * L.hkv + g) * L.dv + d];
      }
  std::vector<double> out, lse;
  attention(k, s, q, kk, v, {}, out, lse);
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t h = 0; h < L.hq; ++h)
      for (int64_t i = 0; i < s.seqQ; ++i) {
        double dot = 0;
        for (int64_t d = 0; d < L.dqk; ++d)
          dot += q[L.q(b, i, h, d)] * kRow[(b * L.hkv + h) * L.dqk + d];
        EXPECT_NEAR(lse[L.lse(b, h, i)], std::log(5.0) + double(k.scale) * dot, 1e-13);
        for (int64_t d = 0; d < L.dv; ++d)
          EXPECT_NEAR(out[L.out(b, i, h, d)], vRow[(b * L.hkv + h) * L.dv + d], 1e-14);
      }
}

// (3) Causal: row 0 sees key 0 only, so out[row 0] == V[0] and lse = s00; the
// other rows match the brute force over j <= i.
TEST(ReferenceAttention, CausalFirstRowSeesOnlyFirstKey) {
  auto p = parse("kernel c { heads = 2; head_dim = 8; mask = causal }");
  ASSERT_PARSED(p);
  const KernelSpec &k = p->kernel();
  Shape s{2, 6, 6};
  Layout L(k, s);
  auto q = randomTensor(L.qSize(), 11), kk = randomTensor(L.kSize(), 12),
       v = randomTensor(L.vSize(), 13);
  std::vector<double> out, lse;
  attention(k, s, q, kk, v, {}, out, lse);
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t h = 0; h < L.hq; ++h) {
      double dot = 0;
      for (int64_t d = 0; d < L.dqk; ++d)
        dot += q[L.q(b, 0, h, d)] * kk[L.k(b, 0, h, d)];
      EXPECT_NEAR(lse[L.lse(b, h, 0)], double(k.scale) * dot, 1e-14);
      for (int64_t d = 0; d < L.dv; ++d)
        EXPECT_DOUBLE_EQ(out[L.out(b, 0, h, d)], v[L.v(b, 0, h, d)]);
    }
  std::vector<double> wantOut, wantLse;
  bruteForce(k, s, q, kk, v, [](int64_t, int64_t, int64_t i, int64_t j) { return i >= j; },
             identityScore, wantOut, wantLse);
  EXPECT_LT(relL2(out, wantOut), 1e-13);
  EXPECT_LT(relL2(lse, wantLse), 1e-13);
}

// (4) Rows that keep no key: out 0, lse -inf; the rows that keep one key are untouched.
TEST(ReferenceAttention, FullyMaskedRows) {
  auto all = parse("kernel m { heads = 1; head_dim = 8; mask = kv_idx > q_idx + 1000 }");
  ASSERT_PARSED(all);
  Shape s{1, 4, 4};
  Layout L(all->kernel(), s);
  auto q = randomTensor(L.qSize(), 21), kk = randomTensor(L.kSize(), 22),
       v = randomTensor(L.vSize(), 23);
  std::vector<double> out, lse;
  attention(all->kernel(), s, q, kk, v, {}, out, lse);
  for (double o : out)
    EXPECT_EQ(o, 0.0);
  for (double l : lse)
    EXPECT_EQ(l, -kInf);

  // kv_idx > q_idx + 2 with 4 keys: row 0 keeps key 3 only, rows 1..3 nothing.
  auto some = parse("kernel m { heads = 1; head_dim = 8; mask = kv_idx > q_idx + 2 }");
  ASSERT_PARSED(some);
  attention(some->kernel(), s, q, kk, v, {}, out, lse);
  for (int64_t d = 0; d < L.dv; ++d)
    EXPECT_DOUBLE_EQ(out[L.out(0, 0, 0, d)], v[L.v(0, 3, 0, d)]);
  EXPECT_TRUE(std::isfinite(lse[L.lse(0, 0, 0)]));
  for (int64_t i = 1; i < 4; ++i) {
    EXPECT_EQ(lse[L.lse(0, 0, i)], -kInf);
    for (int64_t d = 0; d < L.dv; ++d)
      EXPECT_EQ(out[L.out(0, i, 0, d)], 0.0);
  }

  // `mask = false` is kept as a mask that keeps nothing.
  auto none = parse("kernel m { heads = 1; head_dim = 8; mask = false }");
  ASSERT_PARSED(none);
  ASSERT_NE(none->kernel().mask, nullptr);
  attention(none->kernel(), s, q, kk, v, {}, out, lse);
  for (double l : lse)
    EXPECT_EQ(l, -kInf);
}

// (4b) NaN is never hidden: a NaN in K at key 2 makes every row that keeps key 2
// NaN (out and lse), as SDPA's math backend does; causal rows 0 and 1 do not
// keep it and stay finite; an inf in Q makes its row NaN (inf - inf); rows that
// keep nothing stay exactly 0 / -inf.
TEST(ReferenceAttention, NaNAndInfInputsPropagateToTheRowsTheyReach) {
  auto p = parse("kernel c { heads = 1; head_dim = 8; mask = q_idx >= kv_idx && q_idx != 5 }");
  ASSERT_PARSED(p);
  const KernelSpec &k = p->kernel();
  Shape s{1, 6, 6};
  Layout L(k, s);
  auto q = randomTensor(L.qSize(), 41), kk = randomTensor(L.kSize(), 42),
       v = randomTensor(L.vSize(), 43);
  kk[L.k(0, 2, 0, 3)] = kNaN;
  std::vector<double> out, lse;
  attention(k, s, q, kk, v, {}, out, lse);
  for (int64_t i = 0; i < 6; ++i) {
    bool reached = i >= 2 && i != 5;
    if (i == 5) {
      EXPECT_EQ(lse[L.lse(0, 0, i)], -kInf);
      for (int64_t d = 0; d < L.dv; ++d)
        EXPECT_EQ(out[L.out(0, i, 0, d)], 0.0);
      continue;
    }
    EXPECT_EQ(std::isnan(lse[L.lse(0, 0, i)]), reached) << "row " << i;
    for (int64_t d = 0; d < L.dv; ++d)
      EXPECT_EQ(std::isnan(out[L.out(0, i, 0, d)]), reached) << "row " << i << " d " << d;
  }
  kk = randomTensor(L.kSize(), 42);
  q[L.q(0, 1, 0, 0)] = kInf;
  attention(k, s, q, kk, v, {}, out, lse);
  EXPECT_TRUE(std::isnan(lse[L.lse(0, 0, 1)]));
  EXPECT_TRUE(std::isnan(out[L.out(0, 1, 0, 0)]));
  EXPECT_TRUE(std::isfinite(lse[L.lse(0, 0, 0)]));
  EXPECT_TRUE(std::isfinite(lse[L.lse(0, 0, 2)]));
}

// (5) GQA 6:2: query head h reads kv head h / 3. Each kv head g has constant
// keys 0.1 (g + 1) and values 10 (g + 1), and Q is all ones, so
// out = 10 (h/3 + 1) and lse = log(Skv) + scale * Dqk * 0.1 (h/3 + 1).
// (h % 2, the wrong grouping, gives different numbers for h = 1..4.)
TEST(ReferenceAttention, GroupedQueryHeadsReadTheirKVHead) {
  auto p = parse("kernel g { heads = 6 : 2; head_dim = 16 : 8 }");
  ASSERT_PARSED(p);
  const KernelSpec &k = p->kernel();
  Shape s{2, 3, 4};
  Layout L(k, s);
  std::vector<double> q(L.qSize(), 1.0), kk(L.kSize()), v(L.vSize());
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t j = 0; j < s.seqKV; ++j)
      for (int64_t g = 0; g < L.hkv; ++g) {
        for (int64_t d = 0; d < L.dqk; ++d)
          kk[L.k(b, j, g, d)] = 0.1 * (g + 1);
        for (int64_t d = 0; d < L.dv; ++d)
          v[L.v(b, j, g, d)] = 10.0 * (g + 1);
      }
  std::vector<double> out, lse;
  attention(k, s, q, kk, v, {}, out, lse);
  ASSERT_EQ(out.size(), size_t(2 * 3 * 6 * 8));
  ASSERT_EQ(lse.size(), size_t(2 * 6 * 3));
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t h = 0; h < L.hq; ++h)
      for (int64_t i = 0; i < s.seqQ; ++i) {
        int64_t g = h / 3;
        EXPECT_NEAR(lse[L.lse(b, h, i)], std::log(4.0) + double(k.scale) * 16 * 0.1 * (g + 1),
                    1e-13)
            << "b=" << b << " h=" << h << " i=" << i;
        for (int64_t d = 0; d < L.dv; ++d)
          EXPECT_NEAR(out[L.out(b, i, h, d)], 10.0 * (g + 1), 1e-12);
      }
}

// (7) A param-driven mask: document ids from randomParam, against the brute
// force with the mask written in C++.
TEST(ReferenceAttention, DocumentMaskMatchesBruteForce) {
  auto p = parse("kernel document_causal { heads = 2; head_dim = 8\n"
                 "  param doc : i32[seq]\n"
                 "  mask = doc[q_idx] == doc[kv_idx] && q_idx >= kv_idx }");
  ASSERT_PARSED(p);
  const KernelSpec &k = p->kernel();
  Shape s{2, 13, 13};
  Layout L(k, s);
  std::vector<ParamValue> params = {randomParam(k, k.params[0], s, 7)};
  const std::vector<double> &doc = params[0].data;
  ASSERT_EQ(doc.size(), 13u);
  ASSERT_GT(doc.back(), 0.0) << "the seed should give more than one document";

  auto q = randomTensor(L.qSize(), 31), kk = randomTensor(L.kSize(), 32),
       v = randomTensor(L.vSize(), 33);
  std::vector<double> out, lse, wantOut, wantLse;
  uint64_t undefined = 99;
  attention(k, s, q, kk, v, params, out, lse, &undefined);
  EXPECT_EQ(undefined, 0u);
  bruteForce(
      k, s, q, kk, v,
      [&](int64_t, int64_t, int64_t i, int64_t j) { return doc[i] == doc[j] && i >= j; },
      identityScore, wantOut, wantLse);
  EXPECT_LT(relL2(out, wantOut), 1e-13);
  EXPECT_LT(relL2(lse, wantLse), 1e-13);

  // Without the causal part, a document's rows all see the whole document:
  // the first and last rows of a document agree.
  auto nc = parse("kernel d { heads = 2; head_dim = 8\n"
                  "  param doc : i32[seq]\n  mask = doc[q_idx] == doc[kv_idx] }");
  ASSERT_PARSED(nc);
  attention(nc->kernel(), s, q, kk, v, params, out, lse);
  bruteForce(
      nc->kernel(), s, q, kk, v,
      [&](int64_t, int64_t, int64_t i, int64_t j) { return doc[i] == doc[j]; }, identityScore,
      wantOut, wantLse);
  EXPECT_LT(relL2(out, wantOut), 1e-13);
  EXPECT_LT(relL2(lse, wantLse), 1e-13);
}

// Ragged batches (varlen, paged KV): sequence b has lensQ[b] rows and lensKV[b]
// keys of its padded seqQ / seqKV; seq_q and seq_kv are those lengths (here in
// a bottom-right causal mask and a score that reads b), and rows past the
// lengths stay 0. Against the brute force with the same per-sequence lengths.
TEST(ReferenceAttention, RaggedBatchesUseEachSequencesLengths) {
  auto p = parse("kernel ragged { heads = 2; head_dim = 8\n"
                 "  score = score + 0.25 * b\n"
                 "  mask = q_idx + seq_kv - seq_q >= kv_idx }");
  ASSERT_PARSED(p);
  const KernelSpec &k = p->kernel();
  Shape s{3, 9, 11};
  s.lensQ = {9, 4, 6};
  s.lensKV = {11, 7, 0};
  Layout L(k, s);
  auto q = randomTensor(L.qSize(), 41), kk = randomTensor(L.kSize(), 42),
       v = randomTensor(L.vSize(), 43);
  std::vector<double> out, lse, wantOut, wantLse;
  attention(k, s, q, kk, v, {}, out, lse);
  Shape dense{3, 9, 11};
  bruteForce(
      k, dense, q, kk, v,
      [&](int64_t b, int64_t, int64_t i, int64_t j) {
        return i < s.lensQ[b] && j < s.lensKV[b] && i + s.lensKV[b] - s.lensQ[b] >= j;
      },
      [](double x, int64_t b, int64_t, int64_t, int64_t) { return x + 0.25 * double(b); },
      wantOut, wantLse);
  // Rows past a sequence's length: 0 in the reference (the brute force
  // gives them -inf LSE as rows that keep nothing).
  for (int64_t b = 0; b < 3; ++b)
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t i = s.lensQ[b]; i < 9; ++i) {
        EXPECT_EQ(lse[L.lse(b, h, i)], 0.0);
        wantLse[L.lse(b, h, i)] = 0.0;
      }
  EXPECT_LT(relL2(out, wantOut), 1e-13);
  EXPECT_LT(relL2(lse, wantLse), 1e-13);
  // Sequence 2 has no keys: its rows are 0 with LSE -inf.
  EXPECT_EQ(lse[L.lse(2, 0, 0)], -kInf);
  EXPECT_EQ(out[L.out(2, 0, 0, 0)], 0.0);
}

// A score param and a [batch] param, with seq_q != seq_kv: ALiBi slopes plus a
// prefix-LM mask, against the brute force.
TEST(ReferenceAttention, ScoreAndBatchParamsMatchBruteForce) {
  auto p = parse("kernel a { heads = 4 : 2; head_dim = 8\n"
                 "  param slopes : f32[heads]\n  param prefix : i32[batch]\n"
                 "  score = score - slopes[h] * (q_idx - kv_idx)\n"
                 "  mask = kv_idx < prefix[b] || q_idx >= kv_idx }");
  ASSERT_PARSED(p);
  const KernelSpec &k = p->kernel();
  Shape s{3, 5, 9};
  Layout L(k, s);
  // In the checked spec's (name) order: prefix, slopes.
  std::vector<ParamValue> params = {randomParam(k, *k.findParam("prefix"), s, 42),
                                    randomParam(k, *k.findParam("slopes"), s, 41)};
  const auto &prefix = params[0].data, &slopes = params[1].data;
  auto q = randomTensor(L.qSize(), 43), kk = randomTensor(L.kSize(), 44),
       v = randomTensor(L.vSize(), 45);
  std::vector<double> out, lse, wantOut, wantLse;
  attention(k, s, q, kk, v, params, out, lse);
  bruteForce(
      k, s, q, kk, v,
      [&](int64_t b, int64_t, int64_t i, int64_t j) { return j < prefix[b] || i >= j; },
      [&](double sc, int64_t, int64_t h, int64_t i, int64_t j) {
        return sc - slopes[h] * double(i - j);
      },
      wantOut, wantLse);
  EXPECT_LT(relL2(out, wantOut), 1e-13);
  EXPECT_LT(relL2(lse, wantLse), 1e-13);
}

// e4m3 dequantization factors: attention over q * qs[b, h, i], k * ks[b, g] and
// v * vs[b, g, j] (per row, per (batch, KV head), per key), written out in C++ on the
// dequantized tensors, with a softcap that reads the dequantized score.
TEST(ReferenceAttention, DescaleFactorsDequantizeTheInputs) {
  auto p = parse("kernel f { heads = 4 : 2; head_dim = 64; dtype = e4m3\n"
                 "  param qs : f32[batch, heads, seq_q]\n  param ks : f32[batch, kv_heads]\n"
                 "  param vs : f32[batch, kv_heads, seq_kv]\n"
                 "  q_descale = qs[b, h, q_idx]\n  k_descale = ks[b, h / 2]\n"
                 "  v_descale = vs[b, h / 2, kv_idx]\n  score = 5 * tanh(score / 5) }");
  ASSERT_PARSED(p);
  const KernelSpec &k = p->kernel();
  Shape s{2, 5, 7};
  Layout L(k, s);
  // In name order: ks, qs, vs.
  std::vector<ParamValue> params = {randomParam(k, *k.findParam("ks"), s, 51),
                                    randomParam(k, *k.findParam("qs"), s, 52),
                                    randomParam(k, *k.findParam("vs"), s, 53)};
  for (ParamValue &pv : params) // factors in [0.5, 3): far from 1, never 0
    pv.data = randomTensor(pv.data.size(), pv.data.size(), 0.5, 3);
  const auto &ks = params[0].data, &qs = params[1].data, &vs = params[2].data;
  auto q = randomTensor(L.qSize(), 54), kk = randomTensor(L.kSize(), 55),
       v = randomTensor(L.vSize(), 56);
  std::vector<double> qd = q, kd = kk, vd = v;
  for (int64_t b = 0; b < s.batch; ++b) {
    for (int64_t i = 0; i < s.seqQ; ++i)
      for (int64_t h = 0; h < L.hq; ++h)
        for (int64_t d = 0; d < L.dqk; ++d)
          qd[L.q(b, i, h, d)] *= qs[(b * L.hq + h) * s.seqQ + i];
    for (int64_t j = 0; j < s.seqKV; ++j)
      for (int64_t g = 0; g < L.hkv; ++g) {
        for (int64_t d = 0; d < L.dqk; ++d)
          kd[L.k(b, j, g, d)] *= ks[b * L.hkv + g];
        for (int64_t d = 0; d < L.dv; ++d)
          vd[L.v(b, j, g, d)] *= vs[(b * L.hkv + g) * s.seqKV + j];
      }
  }
  std::vector<double> out, lse, wantOut, wantLse;
  attention(k, s, q, kk, v, params, out, lse);
  bruteForce(
      k, s, qd, kd, vd, [](int64_t, int64_t, int64_t, int64_t) { return true; },
      [](double sc, int64_t, int64_t, int64_t, int64_t) { return 5 * std::tanh(sc / 5); },
      wantOut, wantLse);
  EXPECT_LT(relL2(out, wantOut), 1e-12);
  EXPECT_LT(relL2(lse, wantLse), 1e-12);
  // The factors are not 1: without them the result is far off.
  std::vector<double> plainOut, plainLse;
  bruteForce(
      k, s, q, kk, v, [](int64_t, int64_t, int64_t, int64_t) { return true; },
      [](double sc, int64_t, int64_t, int64_t, int64_t) { return 5 * std::tanh(sc / 5); },
      plainOut, plainLse);
  EXPECT_GT(relL2(out, plainOut), 0.1);
}

// The softcap score changes the weights exactly as 50 tanh(s / 50).
TEST(ReferenceAttention, SoftcapMatchesBruteForce) {
  auto p = parse("kernel s { heads = 2; head_dim = 8; scale = 40.0\n"
                 "  score = 50.0 * tanh(score / 50.0) }");
  ASSERT_PARSED(p);
  const KernelSpec &k = p->kernel();
  Shape s{1, 4, 6};
  Layout L(k, s);
  auto q = randomTensor(L.qSize(), 51), kk = randomTensor(L.kSize(), 52),
       v = randomTensor(L.vSize(), 53);
  std::vector<double> out, lse, wantOut, wantLse;
  attention(k, s, q, kk, v, {}, out, lse);
  bruteForce(
      k, s, q, kk, v, [](int64_t, int64_t, int64_t, int64_t) { return true; },
      [](double sc, int64_t, int64_t, int64_t, int64_t) { return 50.0 * std::tanh(sc / 50.0); },
      wantOut, wantLse);
  EXPECT_LT(relL2(out, wantOut), 1e-13);
  EXPECT_LT(relL2(lse, wantLse), 1e-13);
  // The cap matters at this scale: without it the result is different.
  std::vector<double> plainOut, plainLse;
  bruteForce(k, s, q, kk, v, [](int64_t, int64_t, int64_t, int64_t) { return true; },
             identityScore, plainOut, plainLse);
  EXPECT_GT(relL2(lse, plainLse), 1e-3);
}

//===----------------------------------------------------------------------===//
// (6) evalExpr
//===----------------------------------------------------------------------===//

/// Evaluates the score expression of a kernel with `score = EXPR` (an i32
/// EXPR is promoted to f32 exactly, so i32 results read back unchanged).
class ReferenceEval : public ::testing::Test {
protected:
  double score(const std::string &expr, Env env) {
    auto p = parse("kernel e { heads = 1; head_dim = 8; score = " + expr + " }");
    EXPECT_TRUE(p->kernels) << p->diags;
    if (!p->kernels)
      return kNaN;
    double r = evalExpr(*p->kernel().score, env);
    lastUndefined = env.undefinedOps;
    return r;
  }
  double mask(const std::string &expr, Env env) {
    auto p = parse("kernel e { heads = 1; head_dim = 8; mask = " + expr + " }");
    EXPECT_TRUE(p->kernels && p->kernel().mask) << p->diags;
    if (!p->kernels || !p->kernel().mask)
      return kNaN;
    double r = evalExpr(*p->kernel().mask, env);
    lastUndefined = env.undefinedOps;
    return r;
  }
  static Env at(int32_t qIdx, int32_t kvIdx, double sc = 0) {
    Env e;
    e.qIdx = qIdx;
    e.kvIdx = kvIdx;
    e.score = sc;
    e.seqQ = e.seqKV = 16;
    return e;
  }
  uint64_t lastUndefined = 0;
};

TEST_F(ReferenceEval, I32DivisionTruncatesAndRemainderTakesTheDividendSign) {
  EXPECT_EQ(score("(q_idx - 7) / 2", at(0, 0)), -3.0); // floor would give -4
  EXPECT_EQ(score("-7 / 2", at(0, 0)), -3.0);
  EXPECT_EQ(score("7 / (q_idx - 2)", at(0, 0)), -3.0);
  EXPECT_EQ(score("(q_idx - 7) % 3", at(0, 0)), -1.0); // Python would give 2
  EXPECT_EQ(score("7 % (q_idx - 3)", at(0, 0)), 1.0);
  EXPECT_EQ(score("q_idx % 4", at(13, 0)), 1.0);
  // i32 division before promotion: 3 / 2 is 1, not 1.5.
  EXPECT_EQ(score("score + q_idx / 2", at(3, 0, 0.25)), 1.25);
  EXPECT_EQ(score("score + q_idx / 2.0", at(3, 0, 0.25)), 1.75);
  EXPECT_EQ(lastUndefined, 0u);
}

TEST_F(ReferenceEval, I32ArithmeticWraps) {
  EXPECT_EQ(score("2147483647 + q_idx", at(1, 0)), -2147483648.0);
  EXPECT_EQ(score("q_idx - 2147483647 - 2", at(0, 0)), 2147483647.0);
  Env big = at(0, 0);
  big.seqQ = 65536;
  big.seqKV = 65537;
  EXPECT_EQ(score("seq_q * seq_kv", big), 65536.0); // 65536 * 65537 mod 2^32
  EXPECT_EQ(score("-(q_idx - 2147483647 - 1)", at(0, 0)), -2147483648.0);
  EXPECT_EQ(score("abs(q_idx - 2147483647 - 1)", at(0, 0)), -2147483648.0);
  EXPECT_EQ(lastUndefined, 0u);
}

TEST_F(ReferenceEval, DivisionByZeroAndOverflowAreDefinedAndCounted) {
  // docs/spec-language.md: x / 0 = 0, x % 0 = x, INT_MIN / -1 = INT_MIN,
  // INT_MIN % -1 = 0 (so (x / y) * y + x % y = x for every y).
  EXPECT_EQ(score("10 / q_idx", at(0, 0)), 0.0);
  EXPECT_EQ(lastUndefined, 1u);
  EXPECT_EQ(score("-7 % q_idx", at(0, 0)), -7.0);
  EXPECT_EQ(lastUndefined, 1u);
  EXPECT_EQ(score("10 % q_idx + 10 / q_idx", at(0, 0)), 10.0);
  EXPECT_EQ(lastUndefined, 2u);
  EXPECT_EQ(score("(q_idx - 2147483647 - 1) / -1", at(0, 0)), -2147483648.0);
  EXPECT_EQ(lastUndefined, 1u);
  EXPECT_EQ(score("(q_idx - 2147483647 - 1) % (kv_idx - 1)", at(0, 0)), 0.0);
  EXPECT_EQ(lastUndefined, 1u);
  for (int32_t y : {0, -1, 1, 3, -3})
    for (int32_t x : {-2147483647 - 1, -7, 0, 7, 2147483647})
      EXPECT_EQ(score("q_idx / kv_idx * kv_idx + q_idx % kv_idx", at(x, y)),
                static_cast<double>(x))
          << x << " and " << y;
  EXPECT_EQ(score("10 / q_idx", at(3, 0)), 3.0);
  EXPECT_EQ(lastUndefined, 0u);
  // Only the operands that decide the result are evaluated.
  EXPECT_EQ(mask("q_idx > 0 && 10 / q_idx > 2", at(0, 0)), 0.0);
  EXPECT_EQ(lastUndefined, 0u);
  EXPECT_EQ(mask("q_idx == 0 || 10 / q_idx > 2", at(0, 0)), 1.0);
  EXPECT_EQ(lastUndefined, 0u);
  EXPECT_EQ(score("where(q_idx == 0, 0, 10 / q_idx)", at(0, 0)), 0.0);
  EXPECT_EQ(lastUndefined, 0u);
  EXPECT_EQ(score("where(q_idx != 0, 10 / q_idx, 0)", at(0, 0)), 0.0);
  EXPECT_EQ(lastUndefined, 0u);
}

TEST_F(ReferenceEval, WhereMinMaxAbs) {
  const char *e = "where(q_idx > kv_idx, min(score, 2.0), max(score, -1))";
  EXPECT_EQ(score(e, at(1, 0, 5.0)), 2.0);
  EXPECT_EQ(score(e, at(1, 0, 1.5)), 1.5);
  EXPECT_EQ(score(e, at(0, 1, -5.0)), -1.0);
  EXPECT_EQ(score(e, at(0, 1, 0.5)), 0.5);
  EXPECT_EQ(score("min(q_idx, kv_idx) - max(q_idx, kv_idx)", at(3, 5)), -2.0);
  EXPECT_EQ(score("abs(q_idx - kv_idx)", at(3, 5)), 2.0);
  EXPECT_EQ(score("abs(score)", at(0, 0, -2.5)), 2.5);
  EXPECT_EQ(mask("where(q_idx > 2, true, kv_idx == 0)", at(1, 0)), 1.0);
  EXPECT_EQ(mask("where(q_idx > 2, true, kv_idx == 0)", at(1, 1)), 0.0);
  // f32 min/max propagate NaN.
  EXPECT_TRUE(std::isnan(score("min(score, 1.0)", at(0, 0, kNaN))));
  EXPECT_TRUE(std::isnan(score("max(1.0, score)", at(0, 0, kNaN))));
}

TEST_F(ReferenceEval, TranscendentalsAndSoftcap) {
  EXPECT_NEAR(score("50.0 * tanh(score / 50.0)", at(0, 0, 100.0)), 48.20137900379085, 1e-12);
  EXPECT_NEAR(score("50.0 * tanh(score / 50.0)", at(0, 0, 1e-3)), 1e-3, 1e-12);
  EXPECT_NEAR(score("50.0 * tanh(score / 50.0)", at(0, 0, -1e6)), -50.0, 1e-12);
  EXPECT_EQ(score("exp2(q_idx)", at(3, 0)), 8.0);
  EXPECT_NEAR(score("exp(score)", at(0, 0, 1.0)), 2.718281828459045, 1e-15);
  EXPECT_NEAR(score("log(q_idx)", at(10, 0)), 2.302585092994046, 1e-15);
  EXPECT_EQ(score("log(q_idx)", at(0, 0)), -kInf);
}

TEST_F(ReferenceEval, ComparisonsAndBools) {
  EXPECT_EQ(mask("q_idx >= kv_idx", at(2, 2)), 1.0);
  EXPECT_EQ(mask("causal", at(1, 2)), 0.0);
  EXPECT_EQ(mask("window(2, 0)", at(5, 3)), 1.0);
  EXPECT_EQ(mask("window(2, 0)", at(5, 2)), 0.0);
  EXPECT_EQ(mask("!(q_idx < kv_idx) && q_idx != 3", at(3, 1)), 0.0);
  EXPECT_EQ(mask("(q_idx == kv_idx) == (h == 0)", at(1, 1)), 1.0);
  EXPECT_EQ(mask("seq_q - q_idx <= seq_kv - kv_idx", at(15, 15)), 1.0);
  // Ordered f32 comparisons are false on NaN; != is true.
  EXPECT_EQ(score("where(score < 1.0, 1.0, 0.0)", at(0, 0, kNaN)), 0.0);
  EXPECT_EQ(score("where(score == score, 1.0, 0.0)", at(0, 0, kNaN)), 0.0);
  EXPECT_EQ(score("where(score != score, 1.0, 0.0)", at(0, 0, kNaN)), 1.0);
  // Mixed i32 / f32 comparison promotes: 3 < 3.5.
  EXPECT_EQ(mask("q_idx < 3.5", at(3, 0)), 1.0);
}

TEST_F(ReferenceEval, ParamReads) {
  auto p = parse("kernel e { heads = 2; head_dim = 8\n"
                 "  param doc : i32[seq]\n  param bias : f32[batch, heads]\n  param c : f32\n"
                 "  score = score + bias[b, h] * c + doc[kv_idx] }");
  ASSERT_PARSED(p);
  const KernelSpec &k = p->kernel();
  Shape s{2, 3, 4};
  // Checked specs list their params by name (the canonical and ABI order): bias, c, doc.
  ASSERT_EQ(k.params[0].name, "bias");
  ASSERT_EQ(k.params[1].name, "c");
  ASSERT_EQ(k.params[2].name, "doc");
  std::vector<ParamValue> params = {
      {{2, 2}, {0.5, 0.25, 0.125, 0.0625}}, {{}, {2.0}}, {{4}, {0, 0, 1, 2}}};
  ASSERT_EQ(paramDims(k, *k.findParam("doc"), s), std::vector<int64_t>{4});
  ASSERT_EQ(paramDims(k, *k.findParam("bias"), s), (std::vector<int64_t>{2, 2}));
  ASSERT_TRUE(paramDims(k, *k.findParam("c"), s).empty());
  Env env;
  env.kernel = &k;
  env.params = &params;
  env.score = 1.0;
  env.b = 1;
  env.h = 0;
  env.kvIdx = 3;
  EXPECT_EQ(evalExpr(*k.score, env), 1.0 + 0.125 * 2.0 + 2.0);
  EXPECT_EQ(env.undefinedOps, 0u);
  // Out of bounds (either side): reads 0, defined (the compiled code reads 0 too).
  env.kvIdx = 4;
  EXPECT_EQ(evalExpr(*k.score, env), 1.0 + 0.125 * 2.0);
  env.kvIdx = -1;
  EXPECT_EQ(evalExpr(*k.score, env), 1.0 + 0.125 * 2.0);
  EXPECT_EQ(env.undefinedOps, 0u);
}

//===----------------------------------------------------------------------===//
// (8) relL2, random inputs, param shapes
//===----------------------------------------------------------------------===//

TEST(ReferenceRelL2, Basics) {
  std::vector<double> b = {3, 4}; // ||b|| = 5
  EXPECT_EQ(relL2(b, b), 0.0);
  EXPECT_DOUBLE_EQ(relL2({3, 5}, b), 0.2);
  EXPECT_DOUBLE_EQ(relL2({0, 0}, b), 1.0);
  EXPECT_DOUBLE_EQ(relL2({3.3, 4.4}, b), 0.1);
  // ||b|| == 0: the absolute error.
  EXPECT_DOUBLE_EQ(relL2({3, 4}, {0, 0}), 5.0);
  EXPECT_EQ(relL2({0, 0}, {0, 0}), 0.0);
  EXPECT_EQ(relL2({}, {}), 0.0);
  // NaN on one side only: +inf. NaN at the same position on both sides (a
  // NaN input propagated as the reference propagates it): equal.
  EXPECT_EQ(relL2({kNaN, 4}, b), kInf);
  EXPECT_EQ(relL2(b, {3, kNaN}), kInf);
  EXPECT_EQ(relL2({kNaN}, {kNaN}), 0.0);
  EXPECT_EQ(relL2({kNaN, 4}, {kNaN, 4}), 0.0);
  EXPECT_EQ(relL2({kNaN, 4}, {3, kNaN}), kInf);
  // The same infinity on both sides is equal (masked lse rows); a lone or
  // opposite infinity is an infinite error.
  EXPECT_DOUBLE_EQ(relL2({3, 5, -kInf}, {3, 4, -kInf}), 0.2);
  EXPECT_EQ(relL2({3, 4, 0}, {3, 4, -kInf}), kInf);
  EXPECT_EQ(relL2({3, 4, kInf}, {3, 4, -kInf}), kInf);
  EXPECT_EQ(relL2({3, 4, -kInf}, {3, 4, 1}), kInf);
}

TEST(ReferenceRandom, TensorIsDeterministicInRangeAndNonZero) {
  auto a = randomTensor(10000, 42), b = randomTensor(10000, 42), c = randomTensor(10000, 43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  double lo = 1, hi = -1, sum = 0;
  for (double x : a) {
    EXPECT_NE(x, 0.0);
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    sum += x;
  }
  EXPECT_GE(lo, -1.0);
  EXPECT_LT(hi, 1.0);
  EXPECT_LT(lo, -0.99); // spread over the whole range
  EXPECT_GT(hi, 0.99);
  EXPECT_NEAR(sum / a.size(), 0.0, 0.05);
  for (double x : randomTensor(1000, 7, 2.0, 3.0)) {
    EXPECT_GE(x, 2.0);
    EXPECT_LT(x, 3.0);
  }
}

TEST(ReferenceRandom, ParamShapesAndValues) {
  auto p = parse("kernel r { heads = 8 : 2; head_dim = 8\n"
                 "  param doc : i32[seq]\n  param docq : i32[seq_q]\n"
                 "  param prefix : i32[batch]\n  param slopes : f32[heads]\n"
                 "  param kvb : i32[kv_heads, seq_kv]\n  param n : i32\n"
                 "  mask = doc[q_idx] == docq[q_idx] || prefix[b] + kvb[0, 0] + n > 0\n"
                 "  score = score * slopes[h] }");
  ASSERT_PARSED(p);
  const KernelSpec &k = p->kernel();
  Shape s{3, 7, 30};
  EXPECT_EQ(paramDims(k, *k.findParam("doc"), s), std::vector<int64_t>{30}); // seq = max(7, 30)
  EXPECT_EQ(paramDims(k, *k.findParam("docq"), s), std::vector<int64_t>{7});
  EXPECT_EQ(paramDims(k, *k.findParam("prefix"), s), std::vector<int64_t>{3});
  EXPECT_EQ(paramDims(k, *k.findParam("slopes"), s), std::vector<int64_t>{8});
  EXPECT_EQ(paramDims(k, *k.findParam("kvb"), s), (std::vector<int64_t>{2, 30}));
  EXPECT_TRUE(paramDims(k, *k.findParam("n"), s).empty());

  // Document ids: 0, then steps of 0 or 1, documents of 1..10 tokens.
  for (uint64_t seed = 0; seed < 20; ++seed) {
    ParamValue doc = randomParam(k, *k.findParam("doc"), s, seed);
    ASSERT_EQ(doc.dims, std::vector<int64_t>{30});
    ASSERT_EQ(doc.data.size(), 30u);
    EXPECT_EQ(doc.data[0], 0.0);
    int64_t run = 1;
    for (size_t i = 1; i < doc.data.size(); ++i) {
      double step = doc.data[i] - doc.data[i - 1];
      EXPECT_TRUE(step == 0 || step == 1) << "seed " << seed << " at " << i;
      if (step == 0) {
        ++run;
        EXPECT_LE(run, 10) << "seed " << seed;
      } else {
        run = 1;
      }
    }
  }
  ParamValue doc = randomParam(k, *k.findParam("doc"), s, 1);
  EXPECT_GE(doc.data.back(), 2.0) << "30 tokens in documents of at most 10: at least 3 documents";
  EXPECT_EQ(doc.data, randomParam(k, *k.findParam("doc"), s, 1).data);

  std::set<double> prefixes;
  for (uint64_t seed = 0; seed < 50; ++seed)
    for (double x : randomParam(k, *k.findParam("prefix"), s, seed).data) {
      EXPECT_GE(x, 0.0);
      EXPECT_LE(x, 30.0);
      EXPECT_EQ(x, std::floor(x));
      prefixes.insert(x);
    }
  EXPECT_GT(prefixes.size(), 10u);

  ParamValue slopes = randomParam(k, *k.findParam("slopes"), s, 3);
  ASSERT_EQ(slopes.data.size(), 8u);
  for (double x : slopes.data) {
    EXPECT_GE(x, 0.01);
    EXPECT_LT(x, 1.0);
    EXPECT_EQ(x, double(float(x))) << "f32 params are exact f32 values";
  }

  for (const char *name : {"kvb", "n"}) {
    ParamValue other = randomParam(k, *k.findParam(name), s, 4);
    EXPECT_EQ(other.data.size(), std::string(name) == "kvb" ? 60u : 1u);
    for (double x : other.data)
      EXPECT_TRUE(x == 0 || x == 1 || x == 2 || x == 3) << x;
  }
}

} // namespace
