//===- SpecTest.cpp - Unit tests of the spec front end --------------------===//
//
// Tests the public API of faattn/Spec/Spec.h: parseAndCheckText, canonicalJson,
// canonicalExpr and specHash, against the rules in docs/spec-language.md: the
// catalogue, the canonical form, the hash, expressions and defaults
// (SpecDiagnosticsTest.cpp: limits and diagnostics).
//
//===----------------------------------------------------------------------===//
#include "SpecTestSupport.h"

namespace {

TEST(SpecCatalogue, EveryFileParsesAndChecksWithoutDiagnostics) {
  std::vector<std::filesystem::path> files = specFiles();
  ASSERT_FALSE(files.empty()) << "no .fa file in " << FAATTN_SPECS_DIR;
  size_t kernels = 0;
  for (const auto &path : files) {
    SCOPED_TRACE(path.string());
    std::string text = readFile(path);
    ASSERT_FALSE(text.empty());
    auto p = parseText(text, path.filename().string());
    ASSERT_TRUE(p->kernels.has_value()) << p->diags;
    EXPECT_EQ(p->diags, "");
    EXPECT_FALSE(p->kernels->empty());
    for (const KernelSpec &k : *p->kernels) {
      EXPECT_TRUE(isHexHash(specHash(k))) << k.name << ": " << specHash(k);
      ++kernels;
    }
  }
  EXPECT_GE(kernels, files.size());
}

TEST(SpecCatalogue, KernelNamesAndHashesAreUniqueAcrossFiles) {
  // `faattn-compile specs/*.fa` compiles the catalogue in one run, which
  // requires unique kernel names; distinct kernels must have distinct hashes.
  std::map<std::string, std::string> nameToFile, hashToName;
  for (const auto &path : specFiles()) {
    auto p = parseText(readFile(path), path.filename().string());
    ASSERT_TRUE(p->kernels.has_value()) << path << "\n" << p->diags;
    for (const KernelSpec &k : *p->kernels) {
      auto [it, fresh] = nameToFile.emplace(k.name, path.filename().string());
      EXPECT_TRUE(fresh) << "kernel '" << k.name << "' in " << path.filename() << " and "
                         << it->second;
      auto [hit, hfresh] = hashToName.emplace(specHash(k), k.name);
      EXPECT_TRUE(hfresh) << k.name << " and " << hit->second << " have the same hash";
    }
  }
}

TEST(SpecCatalogue, HashIsStableAcrossParses) {
  for (const auto &path : specFiles()) {
    std::string text = readFile(path);
    auto a = parseText(text), b = parseText(text);
    ASSERT_TRUE(a->kernels && b->kernels) << path;
    ASSERT_EQ(a->kernels->size(), b->kernels->size());
    for (size_t i = 0; i < a->kernels->size(); ++i) {
      EXPECT_EQ(specHash((*a->kernels)[i]), specHash((*b->kernels)[i])) << path;
      EXPECT_EQ(canonicalJson((*a->kernels)[i]), canonicalJson((*b->kernels)[i])) << path;
    }
  }
}

// ---- Canonical invariance ---------------------------------------------------

/// Every text in `variants` must give the same canonical JSON and hash.
void expectSameCanonical(const std::vector<std::string> &variants) {
  ASSERT_GE(variants.size(), 2u);
  json j0 = jsonOf(variants[0]);
  std::string h0 = hashOf(variants[0]);
  ASSERT_FALSE(j0.is_null());
  for (size_t i = 1; i < variants.size(); ++i) {
    SCOPED_TRACE("variant " + std::to_string(i) + ":\n" + variants[i]);
    EXPECT_EQ(jsonOf(variants[i]).dump(2), j0.dump(2));
    EXPECT_EQ(hashOf(variants[i]), h0);
  }
}

TEST(SpecCanonical, WhitespaceAndComments) {
  expectSameCanonical({
      "kernel gqa { heads = 32 : 8; head_dim = 128; dtype = bf16; mask = causal }",
      "# leading comment\n"
      "kernel   gqa\n"
      "{   # the body\n"
      "\theads=32:8   # query : kv\n"
      "\n\n"
      "  head_dim    =    128\r\n"
      "  dtype = bf16 # é UTF-8 is fine in a comment\n"
      "  mask = causal\n"
      "}\n"
      "# trailing comment without newline",
      "kernel gqa{heads=32:8;head_dim=128;dtype=bf16;mask=causal}",
  });
}

TEST(SpecCanonical, StatementOrder) {
  expectSameCanonical({
      "kernel doc {\n"
      "  heads = 16 : 4\n  head_dim = 128\n  dtype = f16\n"
      "  param doc : i32[seq]\n  param slopes : f32[heads]\n"
      "  score = score - slopes[h]\n"
      "  mask = doc[q_idx] == doc[kv_idx]\n"
      "  return_lse\n  tile = 128x64\n"
      "}",
      "kernel doc {\n"
      "  tile = 128x64\n  return_lse\n"
      "  mask = doc[q_idx] == doc[kv_idx]\n"
      "  param slopes : f32[heads]\n"
      "  score = score - slopes[h]\n"
      "  dtype = f16\n  head_dim = 128\n"
      "  param doc : i32[seq]\n"
      "  heads = 16 : 4\n"
      "}",
  });
}

TEST(SpecCanonical, SemicolonVersusNewline) {
  expectSameCanonical({
      "kernel k { heads = 16; head_dim = 64; dtype = bf16; varlen; mask = causal }",
      "kernel k {\nheads = 16\nhead_dim = 64\ndtype = bf16\nvarlen\nmask = causal\n}",
      "kernel k {;;heads = 16;\n;head_dim = 64\n\ndtype = bf16;varlen\n\nmask = causal;;}",
  });
}

TEST(SpecCanonical, CausalIsSugar) {
  expectSameCanonical({
      kernelWith("mask = causal"),
      kernelWith("mask = q_idx >= kv_idx"),
      kernelWith("mask = (q_idx) >= ((kv_idx))"),
  });
}

TEST(SpecCanonical, WindowIsSugar) {
  expectSameCanonical({
      kernelWith("mask = window(1023, 0)"),
      kernelWith("mask = q_idx - kv_idx <= 1023 && kv_idx - q_idx <= 0"),
  });
}

TEST(SpecCanonical, IntAndFloatLiteralsInF32Context) {
  expectSameCanonical({
      kernelWith("score = 50 * tanh(score / 50)"),
      kernelWith("score = 50.0 * tanh(score / 50.0)"),
      kernelWith("score = 5e1 * tanh(score / 50.)"),
  });
  expectSameCanonical({kernelWith("scale = 1"), kernelWith("scale = 1.0"),
                       kernelWith("scale = 1e0")});
}

TEST(SpecCanonical, ExplicitDefaults) {
  expectSameCanonical({
      "kernel k { heads = 16; head_dim = 128 }",
      "kernel k { heads = 16 : 16; head_dim = 128 : 128; dtype = bf16; layout = bshd\n"
      "  mode = forward; target = sm_90a; schedule = auto; return_lse = false\n"
      "  varlen = false; score = score; mask = true; scale = 0.088388346 }",
      "kernel k { heads = 16; head_dim = 128; mask = (true) }",
  });
}

TEST(SpecCanonical, ExpressionMayContinueOnTheNextLine) {
  // A line break inside a statement is whitespace: the expression goes on
  // when the next line starts with a binary operator.
  expectSameCanonical({
      kernelWith("mask = q_idx >= kv_idx && q_idx - kv_idx < 4096"),
      kernelWith("mask = q_idx >= kv_idx\n      && q_idx - kv_idx < 4096"),
      kernelWith("mask = (q_idx >= kv_idx &&\n q_idx - kv_idx\n < 4096)"),
  });
}

// ---- The hash sees every field ----------------------------------------------

TEST(SpecHash, ChangesWhenAnySingleFieldChanges) {
  const std::string base = "kernel base {\n"
                           "  heads = 16 : 8\n"
                           "  head_dim = 128\n"
                           "  dtype = bf16\n"
                           "  param slopes : f32[heads]\n"
                           "  score = 50.0 * tanh(score / 50.0) - slopes[h]\n"
                           "  mask = causal\n"
                           "}\n";
  auto with = [&](const std::string &from, const std::string &to) {
    std::string s = base;
    size_t pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos)
      s.replace(pos, from.size(), to);
    return s;
  };
  // Two replacements (a declaration and its use).
  auto with2 = [&](const std::string &from1, const std::string &to1, const std::string &from2,
                   const std::string &to2) {
    std::string s = with(from1, to1);
    size_t pos = s.find(from2);
    EXPECT_NE(pos, std::string::npos) << from2;
    if (pos != std::string::npos)
      s.replace(pos, from2.size(), to2);
    return s;
  };
  auto add = [&](const std::string &stmt) { return with("  mask", "  " + stmt + "\n  mask"); };
  std::vector<std::pair<std::string, std::string>> variants = {
      {"kernel name", with("kernel base", "kernel base2")},
      {"query heads", with("16 : 8", "32 : 8")},
      {"kv heads", with("16 : 8", "16 : 4")},
      {"head_dim", with("head_dim = 128", "head_dim = 64")},
      {"head_dim v", with("head_dim = 128", "head_dim = 128 : 64")},
      {"dtype", with("bf16", "f16")},
      {"layout", add("layout = bhsd")},
      {"mode", add("mode = decode")},
      {"target", add("target = sm_80")},
      {"scale", add("scale = 0.125")},
      {"mask", with("mask = causal", "mask = window(255, 0)")},
      {"no mask", with("mask = causal", "mask = true")},
      {"score constant", with("50.0 * tanh(score / 50.0)", "30.0 * tanh(score / 50.0)")},
      {"score constant 2", with("50.0 * tanh(score / 50.0)", "50.0 * tanh(score / 30.0)")},
      {"score function", with("tanh", "exp")},
      {"param shape", with("f32[heads]", "f32[kv_heads]")},
      {"param rank", with2("f32[heads]", "f32[heads, seq_q]", "slopes[h]", "slopes[h, q_idx]")},
      {"param type", with("f32[heads]", "i32[heads]")},
      {"param name", with2("param slopes", "param slope2", "slopes[h]", "slope2[h]")},
      {"extra param", add("param unused : f32")},
      {"return_lse", add("return_lse")},
      {"varlen", add("varlen")},
      {"paged_kv", add("paged_kv(page = 64)")},
      {"tile", add("tile = 128x64")},
      {"tile n", add("tile = 128x128")},
      {"stages", add("stages = 2")},
      {"schedule", add("schedule = pingpong")},
  };
  std::string h0 = hashOf(base);
  ASSERT_TRUE(isHexHash(h0)) << h0;
  std::map<std::string, std::string> seen = {{h0, "base"}};
  for (const auto &[what, text] : variants) {
    SCOPED_TRACE(what + ":\n" + text);
    std::string h = hashOf(text);
    ASSERT_TRUE(isHexHash(h));
    EXPECT_NE(h, h0);
    EXPECT_NE(jsonOf(text), jsonOf(base));
    auto [it, fresh] = seen.emplace(h, what);
    EXPECT_TRUE(fresh) << "same hash as " << it->second;
  }
}

TEST(SpecHash, PageSizeTileAndStagesValuesMatter) {
  EXPECT_NE(hashOf(kernelWith("paged_kv(page = 64)")), hashOf(kernelWith("paged_kv(page = 128)")));
  EXPECT_NE(hashOf(kernelWith("tile = 128x64")), hashOf(kernelWith("tile = 64x128")));
  EXPECT_NE(hashOf(kernelWith("stages = 2")), hashOf(kernelWith("stages = 3")));
  EXPECT_NE(hashOf(kernelWith("schedule = cooperative")), hashOf(kernelWith("schedule = auto")));
}

TEST(SpecHash, IsSha256OfTheCompactCanonicalJson) {
  // Known answer, computed independently:
  //   python3 -c 'import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())' ...
  auto p = parseText("kernel k { heads = 16; head_dim = 128 }");
  ASSERT_TRUE(p->kernels) << p->diags;
  const KernelSpec &k = p->kernels->front();
  EXPECT_EQ(canonicalJson(k).dump(),
            R"({"dtype":"bf16","format":1,"head_dim":{"qk":128,"v":128},)"
            R"("heads":{"kv":16,"q":16},"layout":"bshd","mask":null,"mode":"forward",)"
            R"("name":"k","paged_kv":null,"params":[],"return_lse":false,)"
            R"("scale":"0.088388346","score":"score","target":"sm_90a",)"
            R"("tuning":{"schedule":"auto","stages":null,"tile":null},"varlen":false})");
  // grid = persistent is in the tuning object only when set: specs without it keep their hash.
  auto tuningOf = [](const char *stmts) { return jsonOf(kernelWith(stmts))["tuning"].dump(); };
  EXPECT_EQ(tuningOf("grid = persistent"),
            R"({"grid":"persistent","schedule":"auto","stages":null,"tile":null})");
  // Likewise tile_order (auto is the compiler's choice: not in the object, the same hash).
  EXPECT_EQ(tuningOf("tile_order = l2_sections"),
            R"({"schedule":"auto","stages":null,"tile":null,"tile_order":"l2_sections"})");
  EXPECT_EQ(hashOf(kernelWith("tile_order = auto")), specHash(k));
  // Likewise overlap: auto leaves the hash alone, none and softmax are kernels of their own.
  EXPECT_EQ(tuningOf("overlap = softmax"),
            R"({"overlap":"softmax","schedule":"auto","stages":null,"tile":null})");
  EXPECT_NE(hashOf(kernelWith("overlap = none")), hashOf(kernelWith("overlap = softmax")));
  EXPECT_NE(hashOf(kernelWith("overlap = none")), specHash(k));
  EXPECT_EQ(hashOf(kernelWith("overlap = auto")), specHash(k));
  EXPECT_EQ(hashOf(kernelWith("grid = default")), specHash(k));
  EXPECT_EQ(specHash(k), "a0c2c18546a3afe916c3a1a768f8424fa667c0593ba9ec88c53b122cbeb38a1c");
}

// ---- Canonical expressions --------------------------------------------------

TEST(SpecExpr, ScoreExpressions) {
  EXPECT_EQ(scoreOf("50.0 * tanh(score / 50)"), "(mul 50.0 (tanh (div score 50.0)))");
  EXPECT_EQ(scoreOf("score"), "score");
  // Literal promotion: an i32 literal next to an f32 operand becomes f32.
  EXPECT_EQ(scoreOf("score + 1"), "(add score 1.0)");
  EXPECT_EQ(scoreOf("2"), "2.0");
  EXPECT_EQ(scoreOf("(2) * score"), "(mul 2.0 score)");
  // Any other i32 operand is wrapped in (f32 ...), as a whole.
  EXPECT_EQ(scoreOf("score - (q_idx - kv_idx)"), "(sub score (f32 (sub q_idx kv_idx)))");
  EXPECT_EQ(scoreOf("score + 2 * 3"), "(add score (f32 (mul 2 3)))");
  EXPECT_EQ(scoreOf("q_idx"), "(f32 q_idx)");
  EXPECT_EQ(scoreOf("score * seq_q / seq_kv"), "(div (mul score (f32 seq_q)) (f32 seq_kv))");
  EXPECT_EQ(scoreOf("score * (seq_q / seq_kv)"), "(mul score (f32 (div seq_q seq_kv)))");
  // Left associativity.
  EXPECT_EQ(scoreOf("score - 1 - 2"), "(sub (sub score 1.0) 2.0)");
  EXPECT_EQ(scoreOf("score / 2 / 4"), "(div (div score 2.0) 4.0)");
  // Unary minus binds tighter than any binary operator.
  EXPECT_EQ(scoreOf("-score * 2"), "(mul (neg score) 2.0)");
  EXPECT_EQ(scoreOf("score - -1.5"), "(sub score -1.5)");
  EXPECT_EQ(scoreOf("--score"), "(neg (neg score))");
  // A negated literal is folded into the literal, so -2 and -2.0 agree.
  EXPECT_EQ(scoreOf("score * -2"), "(mul score -2.0)");
  EXPECT_EQ(scoreOf("score * -2"), scoreOf("score * -2.0"));
  EXPECT_EQ(scoreOf("score * -(2)"), "(mul score -2.0)");
  // Functions.
  EXPECT_EQ(scoreOf("exp(1)"), "(exp 1.0)");
  EXPECT_EQ(scoreOf("exp2(q_idx) + log(score)"), "(add (exp2 (f32 q_idx)) (log score))");
  EXPECT_EQ(scoreOf("score - abs(q_idx - kv_idx)"),
            "(sub score (f32 (abs (sub q_idx kv_idx))))");
  EXPECT_EQ(scoreOf("min(score, 10) + max(q_idx, kv_idx)"),
            "(add (min score 10.0) (f32 (max q_idx kv_idx)))");
  EXPECT_EQ(scoreOf("where(causal, score, 0)"), "(where (ge q_idx kv_idx) score 0.0)");
  EXPECT_EQ(scoreOf("where(b == 0, 1, 2)"), "(f32 (where (eq b 0) 1 2))");
  // Float text: shortest round trip, always with '.' or an exponent.
  EXPECT_EQ(scoreOf("score * 0.1"), "(mul score 0.1)");
  EXPECT_EQ(scoreOf("score * 2.50"), "(mul score 2.5)");
  EXPECT_EQ(scoreOf("score * 1e-5"), "(mul score 1e-05)");
  EXPECT_EQ(scoreOf("score * 0.3333333333333"), "(mul score 0.33333334)");
}

TEST(SpecExpr, MaskExpressions) {
  EXPECT_EQ(maskOf("causal"), "(ge q_idx kv_idx)");
  EXPECT_EQ(maskOf("window(1023, 0)"),
            "(and (le (sub q_idx kv_idx) 1023) (le (sub kv_idx q_idx) 0))");
  EXPECT_EQ(maskOf("window(0, 7)"), "(and (le (sub q_idx kv_idx) 0) (le (sub kv_idx q_idx) 7))");
  EXPECT_EQ(maskOf("window((5), 0)"), "(and (le (sub q_idx kv_idx) 5) (le (sub kv_idx q_idx) 0))");
  // && binds tighter than ||.
  EXPECT_EQ(maskOf("q_idx > 1 || kv_idx > 2 && b == 0"),
            "(or (gt q_idx 1) (and (gt kv_idx 2) (eq b 0)))");
  EXPECT_EQ(maskOf("q_idx > 1 && kv_idx > 2 || b == 0"),
            "(or (and (gt q_idx 1) (gt kv_idx 2)) (eq b 0))");
  EXPECT_EQ(maskOf("(q_idx > 1 || kv_idx > 2) && b == 0"),
            "(and (or (gt q_idx 1) (gt kv_idx 2)) (eq b 0))");
  // Comparisons bind tighter than ==, arithmetic tighter than comparisons.
  EXPECT_EQ(maskOf("q_idx < kv_idx == kv_idx < q_idx"), "(eq (lt q_idx kv_idx) (lt kv_idx q_idx))");
  EXPECT_EQ(maskOf("q_idx - kv_idx < 4096"), "(lt (sub q_idx kv_idx) 4096)");
  EXPECT_EQ(maskOf("q_idx + kv_idx * 2 != h % 4"), "(ne (add q_idx (mul kv_idx 2)) (rem h 4))");
  EXPECT_EQ(maskOf("!causal"), "(not (ge q_idx kv_idx))");
  EXPECT_EQ(maskOf("!(q_idx < 3) || false"), "(or (not (lt q_idx 3)) false)");
  EXPECT_EQ(maskOf("causal == true"), "(eq (ge q_idx kv_idx) true)");
  EXPECT_EQ(maskOf("-q_idx < -1"), "(lt (neg q_idx) -1)");
  // Mixed comparison: the i32 side is promoted.
  EXPECT_EQ(maskOf("q_idx < 2.5"), "(lt (f32 q_idx) 2.5)");
  EXPECT_EQ(maskOf("q_idx - kv_idx < 4096.0"), "(lt (f32 (sub q_idx kv_idx)) 4096.0)");
  EXPECT_EQ(maskOf("abs(q_idx - kv_idx) <= 4"), "(le (abs (sub q_idx kv_idx)) 4)");
  EXPECT_EQ(maskOf("seq_q - q_idx <= seq_kv - kv_idx"),
            "(le (sub seq_q q_idx) (sub seq_kv kv_idx))");
  // i32 division stays i32.
  EXPECT_EQ(maskOf("q_idx / 64 == kv_idx / 64"), "(eq (div q_idx 64) (div kv_idx 64))");
  EXPECT_EQ(maskOf("where(b == 0, causal, true)"), "(where (eq b 0) (ge q_idx kv_idx) true)");
  EXPECT_EQ(maskOf("false"), "false");
  EXPECT_EQ(maskOf("true && true"), "(and true true)");
}

TEST(SpecExpr, Params) {
  EXPECT_EQ(exprOf("param doc : i32[seq]\nmask = doc[q_idx] == doc[kv_idx] && q_idx >= kv_idx",
                   true),
            "(and (eq (param doc q_idx) (param doc kv_idx)) (ge q_idx kv_idx))");
  EXPECT_EQ(exprOf("param slopes : f32[heads]\nscore = score - slopes[h] * (q_idx - kv_idx)",
                   false),
            "(sub score (mul (param slopes h) (f32 (sub q_idx kv_idx))))");
  EXPECT_EQ(exprOf("param bias : f32[batch, heads]\nscore = score + bias[b, h]", false),
            "(add score (param bias b h))");
  EXPECT_EQ(exprOf("param prefix : i32[batch]\nmask = kv_idx < prefix[b] || causal", true),
            "(or (lt kv_idx (param prefix b)) (ge q_idx kv_idx))");
  EXPECT_EQ(exprOf("param ids : i32[seq_kv]\nscore = score + ids[kv_idx]", false),
            "(add score (f32 (param ids kv_idx)))");
  // Scalars: bare name or empty brackets.
  EXPECT_EQ(exprOf("param s : f32\nscore = score * s", false), "(mul score (param s))");
  EXPECT_EQ(exprOf("param s : f32\nscore = score * s[]", false), "(mul score (param s))");
  EXPECT_EQ(exprOf("param n : i32\nmask = q_idx < n", true), "(lt q_idx (param n))");
  // Indices are arbitrary i32 expressions.
  EXPECT_EQ(exprOf("param doc : i32[seq]\nmask = doc[q_idx / 2 + 1] == 0", true),
            "(eq (param doc (add (div q_idx 2) 1)) 0)");
  // A key name is not reserved.
  EXPECT_EQ(exprOf("param heads : f32\nscore = score * heads", false), "(mul score (param heads))");
}

TEST(SpecExpr, ParamsAreSortedByNameInJson) {
  json j = jsonOf(kernelWith("param zeta : f32[heads]\nparam alpha : i32[batch, seq_q]\n"
                             "param mid : f32"));
  ASSERT_TRUE(j.contains("params"));
  EXPECT_EQ(j["params"].dump(),
            R"([{"name":"alpha","shape":["batch","seq_q"],"type":"i32"},)"
            R"({"name":"mid","shape":[],"type":"f32"},)"
            R"({"name":"zeta","shape":["heads"],"type":"f32"}])");
}

// ---- Defaults and fields ----------------------------------------------------

TEST(SpecDefaults, MinimalKernel) {
  auto p = parseText("kernel k { heads = 16; head_dim = 128 }");
  ASSERT_TRUE(p->kernels) << p->diags;
  const KernelSpec &k = p->kernels->front();
  EXPECT_EQ(k.scale, static_cast<float>(1.0 / std::sqrt(128.0)));
  EXPECT_FALSE(k.scaleGiven);
  EXPECT_TRUE(k.mask == nullptr);
  ASSERT_TRUE(k.score != nullptr);
  EXPECT_EQ(canonicalExpr(*k.score), "score");

  json j = canonicalJson(k);
  std::set<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it)
    keys.insert(it.key());
  EXPECT_EQ(keys, (std::set<std::string>{"dtype", "format", "head_dim", "heads", "layout",
                                         "mask", "mode", "name", "paged_kv", "params",
                                         "return_lse", "scale", "score", "target", "tuning",
                                         "varlen"}));
  EXPECT_EQ(j["format"], 1);
  EXPECT_EQ(j["name"], "k");
  EXPECT_EQ(j["heads"], json({{"q", 16}, {"kv", 16}}));
  EXPECT_EQ(j["head_dim"], json({{"qk", 128}, {"v", 128}}));
  EXPECT_EQ(j["dtype"], "bf16");
  EXPECT_EQ(j["layout"], "bshd");
  EXPECT_EQ(j["mode"], "forward");
  EXPECT_EQ(j["target"], "sm_90a");
  EXPECT_EQ(j["scale"], "0.088388346");
  EXPECT_EQ(j["score"], "score");
  EXPECT_TRUE(j["mask"].is_null());
  EXPECT_EQ(j["params"], json::array());
  EXPECT_EQ(j["return_lse"], false);
  EXPECT_EQ(j["varlen"], false);
  EXPECT_TRUE(j["paged_kv"].is_null());
  EXPECT_EQ(j["tuning"], json({{"schedule", "auto"}, {"stages", nullptr}, {"tile", nullptr}}));
}

TEST(SpecDefaults, ScaleFollowsQKHeadDim) {
  EXPECT_EQ(jsonOf("kernel k { heads = 8; head_dim = 64 }")["scale"], "0.125");
  EXPECT_EQ(jsonOf("kernel k { heads = 8; head_dim = 256 }")["scale"], "0.0625");
  EXPECT_EQ(jsonOf("kernel k { heads = 8; head_dim = 192 : 128 }")["scale"],
            "0.07216878"); // 1/sqrt(192), not 1/sqrt(128)
  EXPECT_EQ(jsonOf("kernel k { heads = 8; head_dim = 128; scale = 2 }")["scale"], "2.0");
  EXPECT_EQ(jsonOf("kernel k { heads = 8; head_dim = 128; scale = 0.5 }")["scale"], "0.5");
  EXPECT_EQ(jsonOf("kernel k { heads = 8; head_dim = 128; scale = 1e-3 }")["scale"], "0.001");
}

TEST(SpecDefaults, MaskTrueIsNoMask) {
  auto p = parseText(kernelWith("mask = true"));
  ASSERT_TRUE(p->kernels) << p->diags;
  EXPECT_TRUE(p->kernels->front().mask == nullptr);
  EXPECT_TRUE(canonicalJson(p->kernels->front())["mask"].is_null());
  // `false` is a mask (that keeps nothing), not the absence of one.
  EXPECT_EQ(jsonOf(kernelWith("mask = false"))["mask"], "false");
}

TEST(SpecDefaults, EveryKeyReachesTheJson) {
  json j = jsonOf("kernel full {\n"
                  "  heads = 32 : 8; head_dim = 192 : 128; dtype = f16; layout = bhsd\n"
                  "  mode = decode; target = sm_90a; scale = 0.25\n"
                  "  return_lse; varlen = true; paged_kv(page = 256)\n"
                  "  tile = 64x128; stages = 3; schedule = pingpong\n"
                  "}");
  EXPECT_EQ(j["name"], "full");
  EXPECT_EQ(j["heads"], json({{"q", 32}, {"kv", 8}}));
  EXPECT_EQ(j["head_dim"], json({{"qk", 192}, {"v", 128}}));
  EXPECT_EQ(j["dtype"], "f16");
  EXPECT_EQ(j["layout"], "bhsd");
  EXPECT_EQ(j["mode"], "decode");
  EXPECT_EQ(j["target"], "sm_90a");
  EXPECT_EQ(j["scale"], "0.25");
  EXPECT_EQ(j["return_lse"], true);
  EXPECT_EQ(j["varlen"], true);
  EXPECT_EQ(j["paged_kv"], json({{"page", 256}}));
  EXPECT_EQ(j["tuning"], json({{"schedule", "pingpong"}, {"stages", 3}, {"tile", {64, 128}}}));
  EXPECT_EQ(jsonOf(kernelWith("schedule = cooperative"))["tuning"]["schedule"], "cooperative");
  EXPECT_EQ(jsonOf(kernelWith("mode = backward"))["mode"], "backward");
  EXPECT_EQ(jsonOf(kernelWith("dtype = e4m3"))["dtype"], "e4m3");
  EXPECT_EQ(jsonOf(kernelWith("target = sm_80"))["target"], "sm_80");
  EXPECT_EQ(jsonOf(kernelWith("return_lse = false"))["return_lse"], false);
}

TEST(SpecDefaults, SeveralKernelsInOneFile) {
  auto p = parseText("kernel a { heads = 16; head_dim = 128 } kernel b { heads = 8\n"
                     "head_dim = 64 }\n\nkernel c {\n heads = 4 : 1\n head_dim = 256\n}");
  ASSERT_TRUE(p->kernels) << p->diags;
  ASSERT_EQ(p->kernels->size(), 3u);
  EXPECT_EQ((*p->kernels)[0].name, "a");
  EXPECT_EQ((*p->kernels)[1].name, "b");
  EXPECT_EQ((*p->kernels)[2].name, "c");
  EXPECT_EQ((*p->kernels)[2].headsKV, 1);
}

} // namespace

// One spec, both directions (docs/spec-language.md, `backward` and `requires_grad`).
TEST(SpecBackward, TheFlagImpliesTheLseAndReachesTheJson) {
  json j = jsonOf("kernel k { heads = 16; head_dim = 128; backward\n"
                  "  param t : f32 requires_grad\n  param u : f32\n  score = score * t * u }");
  EXPECT_EQ(j["backward"], true);
  EXPECT_EQ(j["return_lse"], true);
  EXPECT_EQ(j["params"][0], json({{"name", "t"}, {"requires_grad", true}, {"shape", json::array()},
                                  {"type", "f32"}}));
  EXPECT_EQ(j["params"][1], json({{"name", "u"}, {"shape", json::array()}, {"type", "f32"}}));
  // Neither key when not set, so that every older spec keeps its hash.
  json plain = jsonOf(kernelWith("backward = false"));
  EXPECT_FALSE(plain.contains("backward"));
  EXPECT_EQ(plain["return_lse"], false);
}

TEST(SpecBackward, BackwardOfIsTheKernelWrittenWithModeBackward) {
  // The forward, with tuning keys of its own, and the backward written out.
  auto fwd = parseText("kernel alibi { heads = 16 : 4; head_dim = 128; dtype = f16\n"
                       "  layout = bhsd; scale = 0.5; tile = 128x64; stages = 3; backward\n"
                       "  param slopes : f32[heads] requires_grad\n"
                       "  param doc : i32[seq]\n"
                       "  score = score - slopes[h] * abs(q_idx - kv_idx)\n"
                       "  mask = causal && doc[q_idx] == doc[kv_idx] }");
  auto bwd = parseText("kernel alibi { heads = 16 : 4; head_dim = 128; dtype = f16\n"
                       "  layout = bhsd; scale = 0.5; mode = backward\n"
                       "  param doc : i32[seq]\n"
                       "  param slopes : f32[heads] requires_grad\n"
                       "  score = score - slopes[h] * abs(q_idx - kv_idx)\n"
                       "  mask = q_idx >= kv_idx && doc[q_idx] == doc[kv_idx] }");
  ASSERT_TRUE(fwd->kernels) << fwd->diags;
  ASSERT_TRUE(bwd->kernels) << bwd->diags;
  const KernelSpec &f = fwd->kernels->front();
  KernelSpec derived = backwardOf(f);
  EXPECT_EQ(derived.mode, Mode::Backward);
  EXPECT_FALSE(derived.backward);
  EXPECT_FALSE(derived.returnLse);
  EXPECT_FALSE(derived.tileM.has_value());
  EXPECT_FALSE(derived.stages.has_value());
  EXPECT_EQ(canonicalJson(derived), canonicalJson(bwd->kernels->front()));
  EXPECT_EQ(specHash(derived), specHash(bwd->kernels->front()));
  // The forward is untouched (its expressions were cloned, not moved).
  EXPECT_EQ(f.mode, Mode::Forward);
  ASSERT_TRUE(f.score && f.mask);
  EXPECT_EQ(canonicalExpr(*f.score), canonicalExpr(*derived.score));
  EXPECT_NE(specHash(f), specHash(derived));
}
