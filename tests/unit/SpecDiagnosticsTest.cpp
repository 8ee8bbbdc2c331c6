//===- SpecDiagnosticsTest.cpp - the spec front end's limits and errors ---===//
//
// Tests faattn/Spec/Spec.h's limits and diagnostics (docs/spec-language.md):
// boundaries accepted, the exact first line of each error, source line and
// caret, notes, every error reported, expression size limits.
//
//===----------------------------------------------------------------------===//
#include "SpecTestSupport.h"

namespace {

TEST(SpecLimits, BoundariesAreAccepted) {
  for (const char *stmts :
       {"head_dim = 8", "head_dim = 256", "head_dim = 256 : 8", "head_dim = 8; target = sm_80",
        "stages = 1", "stages = 8", "tile = 16x256", "tile = 256x16", "paged_kv(page = 16)",
        "paged_kv(page = 1024)", "paged_kv(page = 48)", "paged_kv(page = 1)", "paged_kv(page = 8)", "dtype = e4m3; head_dim = 64",
        "dtype = e4m3; head_dim = 256", "dtype = e4m3; mode = decode; paged_kv(page = 64)",
        "schedule = pingpong", "schedule = cooperative", "scale = 1e-30", "scale = 1.e-5",
        "param x : f32[batch, heads, kv_heads, seq, seq_q, seq_kv]"}) {
    std::string text = std::string("kernel k { heads = 4 : 2; ") + stmts + " }";
    if (std::string(stmts).find("head_dim") == std::string::npos)
      text = std::string("kernel k { heads = 4 : 2; head_dim = 128; ") + stmts + " }";
    auto p = parseText(text);
    EXPECT_TRUE(p->kernels.has_value()) << text << "\n" << p->diags;
    EXPECT_EQ(p->diags, "") << text;
  }
}

// ---- Diagnostics -------------------------------------------------------------

TEST(SpecDiagnostics, ExactFirstLine) {
  EXPECT_EQ(errorOf("kernel a { heads = 16 head_dim = 128 }"),
            "bad.fa:1:23: error: expected ';' or a newline before 'head_dim'");
  EXPECT_EQ(errorOf("kernel a {\n  heads = 16\n  head = 16\n}"),
            "bad.fa:3:3: error: unknown key 'head'; did you mean 'heads'?");
  EXPECT_EQ(errorOf(kernelWith("score = scroe * 2"), "my.fa"),
            "my.fa:4:9: error: undefined name 'scroe'; did you mean 'score'?");
  EXPECT_EQ(errorOf(kernelWith("mask = score > 0")),
            "bad.fa:4:8: error: 'score' can only be used in the score expression");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 264; target = sm_80 }"),
            "bad.fa:1:35: error: head_dim 264 exceeds the maximum of 256 on sm_80");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 100 }"),
            "bad.fa:1:35: error: head_dim must be a multiple of 8, got 100");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 1024 }"),
            "bad.fa:1:35: error: head_dim must be between 1 and 512, got 1024");
  EXPECT_EQ(errorOf("kernel a { heads = 12 : 8; head_dim = 128 }"),
            "bad.fa:1:20: error: query heads (12) must be a multiple of KV heads (8)");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 96; dtype = e4m3 }"),
            "bad.fa:1:47: error: dtype e4m3 on sm_90a supports head_dim 64, 128 or 256 "
            "(equal for qk and v), got 96:96");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; dtype = e4m3; target = sm_80 }"),
            "bad.fa:1:48: error: dtype e4m3 requires target = sm_90a");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; dtype = e4m3; mode = backward }"),
            "bad.fa:1:48: error: dtype e4m3 is not supported with mode = backward");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; schedule = pingpong; target = sm_80 }"),
            "bad.fa:1:51: error: schedule = pingpong requires target = sm_90a");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; grid = persistent; target = sm_80 }"),
            "bad.fa:1:47: error: grid = persistent requires target = sm_90a");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; grid = persistent; mode = decode }"),
            "bad.fa:1:47: error: grid = persistent requires mode = forward, got decode");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; schedule = cooperative; "
                    "grid = persistent }"),
            "bad.fa:1:71: error: grid = persistent is not supported with schedule = "
            "cooperative yet");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; schedule = pingpong; grid = persistent }"),
            "bad.fa:1:68: error: grid = persistent is not supported with schedule = pingpong yet");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; varlen; grid = persistent }"),
            "bad.fa:1:55: error: grid = persistent is not supported with varlen yet");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; grid = dynamic }"),
            "bad.fa:1:47: error: unknown grid 'dynamic' (expected default or persistent)");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; paged_kv(page = 40) }"),
            "bad.fa:1:56: error: paged_kv page size must be 1, 2, 4, 8 or a multiple of 16 up "
            "to 1024, got 40");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; mode = backward; paged_kv(page = 64) }"),
            "bad.fa:1:57: error: paged_kv is not supported with mode = backward");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; tile = 128x8 }"),
            "bad.fa:1:47: error: tile sizes must be multiples of 16 between 16 and 256, got 128x8");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; stages = 9 }"),
            "bad.fa:1:49: error: stages must be between 1 and 8, got 9");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; scale = 0 }"),
            "bad.fa:1:48: error: scale must be a positive number");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; dtype = fp8 }"),
            "bad.fa:1:48: error: unknown dtype 'fp8' (expected f16, bf16 or e4m3)");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; mask = window(-1, 0) }"),
            "bad.fa:1:54: error: window() bounds must be non-negative integer constants");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128\n  param s : f32[heads]\n"
                    "  score = score * s\n}"),
            "bad.fa:3:19: error: param 's' has rank 1 but is indexed with 0 indices");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128; mask = q_idx & kv_idx }"),
            "bad.fa:1:53: error: unexpected '&'; did you mean '&&'?");
  EXPECT_EQ(errorOf(""), "bad.fa:1:1: error: no kernel in file");
}

TEST(SpecDiagnostics, LexicalErrors) {
  const std::string h = "kernel a { heads = 16; head_dim = 128; ";
  EXPECT_EQ(errorOf(h + "mask = caf\xc3\xa9 }"),
            "bad.fa:1:50: error: non-ASCII character outside a comment");
  EXPECT_EQ(errorOf("kernel a { heads = 16; head_dim = 128 } # \xff"),
            "bad.fa:1:43: error: invalid UTF-8 byte 0xFF");
  // Invalid UTF-8 is refused before lexing, so even in a comment.
  EXPECT_EQ(errorOf("# \xc3\nkernel a { heads = 16; head_dim = 128 }"),
            "bad.fa:1:3: error: invalid UTF-8 byte 0xC3");
  EXPECT_EQ(errorOf(h + "mask = q_idx > 99999999999 }"),
            "bad.fa:1:55: error: integer literal '99999999999' is too large");
  EXPECT_EQ(errorOf(h + "mask = q_idx > 2147483648 }"),
            "bad.fa:1:55: error: integer literal '2147483648' is too large");
  EXPECT_EQ(errorOf(h + "score = score * 1e39 }"),
            "bad.fa:1:56: error: floating-point literal '1e39' is out of range for f32");
  EXPECT_EQ(errorOf(h + "mask = q_idx > 12ab }"), "bad.fa:1:55: error: invalid number '12ab'");
  EXPECT_EQ(errorOf(h + "mask = q_idx > .5 }"), "bad.fa:1:55: error: unexpected character '.'");
  EXPECT_EQ(errorOf(h + "mask = q_idx \x01 2 }"), "bad.fa:1:53: error: unexpected byte 0x01");
  EXPECT_EQ(errorOf(h + "mask = q_idx | kv_idx }"),
            "bad.fa:1:53: error: unexpected '|'; did you mean '||'?");
  // The largest i32 literal is accepted.
  EXPECT_EQ(maskOf("q_idx < 2147483647"), "(lt q_idx 2147483647)");
}

TEST(SpecDiagnostics, SourceLineAndCaret) {
  auto p = parseText("kernel a {\n  heads = 16\n  head_dim = 128\n  dtype = fp16\n}\n", "c.fa");
  ASSERT_FALSE(p->kernels.has_value());
  EXPECT_EQ(p->diags, "c.fa:4:11: error: unknown dtype 'fp16' (expected f16, bf16 or e4m3)\n"
                      "  dtype = fp16\n"
                      "          ^\n");
}

TEST(SpecDiagnostics, NotesFollowTheirError) {
  auto p = parseText("kernel a { heads = 16; head_dim = 128; heads = 8 }", "n.fa");
  ASSERT_FALSE(p->kernels.has_value());
  EXPECT_EQ(firstLine(p->diags), "n.fa:1:40: error: duplicate key 'heads'");
  EXPECT_NE(p->diags.find("n.fa:1:12: note: previous definition is here"), std::string::npos)
      << p->diags;

  p = parseText("kernel a { heads = 16; head_dim = 128 }\nkernel a { heads = 8; head_dim = 64 }",
                "n.fa");
  ASSERT_FALSE(p->kernels.has_value());
  EXPECT_EQ(firstLine(p->diags), "n.fa:2:8: error: duplicate kernel name 'a'");
  EXPECT_NE(p->diags.find("n.fa:1:8: note: previous definition is here"), std::string::npos);

  p = parseText("kernel a {\n  heads = 16\n", "n.fa");
  ASSERT_FALSE(p->kernels.has_value());
  EXPECT_EQ(firstLine(p->diags), "n.fa:3:1: error: expected '}' to close kernel 'a'");
  EXPECT_NE(p->diags.find("n.fa:1:10: note: kernel body opened here"), std::string::npos);
}

TEST(SpecDiagnostics, CheckReportsEveryErrorButParseStopsAtTheFirst) {
  // Semantic errors: all of them.
  auto p = parseText("kernel a { dtype = e4m3; target = sm_80; stages = 0\n"
                     "  mask = q_idx + 1; score = foo(1) }\n"
                     "kernel b { heads = 0; head_dim = 12 }");
  ASSERT_FALSE(p->kernels.has_value());
  EXPECT_EQ(count(p->diags, "error: "), 8u) << p->diags;
  for (const char *msg :
       {"kernel 'a' is missing required key 'heads'", "kernel 'a' is missing required key 'head_dim'",
        "dtype e4m3 requires target = sm_90a", "stages must be between 1 and 8, got 0",
        "unknown function 'foo'", "mask must be a boolean expression, got i32",
        "heads must be positive, got 0", "head_dim must be a multiple of 8, got 12"})
    EXPECT_NE(p->diags.find(msg), std::string::npos) << msg << "\n" << p->diags;

  // Syntax errors: only the first.
  p = parseText("kernel a { heads = ; head_dim = ; dtype = }");
  ASSERT_FALSE(p->kernels.has_value());
  EXPECT_EQ(count(p->diags, "error: "), 1u) << p->diags;
}

TEST(SpecDiagnostics, RejectedInputsAlwaysReportAnError) {
  const std::string h = "kernel a { heads = 16; head_dim = 128; ";
  const std::vector<std::string> bad = {
      // File structure.
      "", "# only a comment\n", "kernel", "kernel a", "kernel 1 {}", "kernel a {",
      "kernel a { heads = 16", "kernel a { heads = 16; head_dim = 128 };",
      "heads = 16", "kernel a {}", "kernel a { heads = 16 }", "kernel a { head_dim = 128 }",
      "kernel a ( heads = 16 )",
      // Keys and values.
      h + "foo = 1 }", h + "heads = 8 }", h + "dtype = }", h + "dtype =", h + "dtype = f32 }",
      h + "layout = sbhd }", h + "mode = train }", h + "target = sm_89 }",
      h + "schedule = fast }", h + "return_lse = 1 }", h + "varlen = yes }",
      h + "paged_kv = 64 }", h + "paged_kv(size = 64) }", h + "paged_kv(page 64) }",
      h + "paged_kv(page = 64 }", h + "paged_kv(page = 64.0) }", h + "tile = 128 }",
      h + "tile = 128 x 64 }", h + "tile = 128X64 }", h + "stages = two }",
      h + "scale = -1 }", h + "scale = 1/8 }", h + "scale = abc }",
      "kernel a { heads = -1; head_dim = 128 }", "kernel a { heads = 1e2; head_dim = 128 }",
      "kernel a { heads = 16; head_dim = 128.0 }", "kernel a { heads = 16 : ; head_dim = 128 }",
      "kernel a { heads = 16; head_dim = 0 }", "kernel a { heads = 16; head_dim = 128 : 300 }",
      "kernel a { heads = 16 : 0; head_dim = 128 }",
      // Params.
      h + "param }", h + "param x f32 }", h + "param x : f16 }", h + "param x : f32[] }",
      h + "param x : f32[seq }", h + "param x : f32[tokens] }", h + "param b : f32 }",
      h + "param causal : f32 }", h + "param tanh : f32 }", h + "param x : f32; param x : i32 }",
      // Expressions: syntax.
      h + "mask = }", h + "mask = min(q_idx }", h + "mask = (q_idx > 1 }",
      h + "mask = q_idx | kv_idx }", h + "mask = q_idx > 12ab }", h + "mask = q_idx > .5 }",
      h + "mask = q_idx > 99999999999 }", h + "score = score * 1e39 }",
      h + "mask = q_idx > 1..2 }", h + "mask = q_idx @ 2 }", h + "mask = q_idx \x01 2 }",
      h + "mask = q_idx > 0 kv_idx > 0 }", h + "mask = q_idx >= = kv_idx }",
      h + "mask = q_idx > 128x64 }", h + "mask = caf\xc3\xa9 }",
      h + "} # bad UTF-8 \xff", h + "} # truncated UTF-8 \xc3",
      // Expressions: names and types.
      h + "score = scroe }", h + "score = t[h] }", h + "score = q_idx[h] }", h + "score = tanh }",
      h + "score = tanh(1, 2) }", h + "score = foo(1) }", h + "mask = score > 0 }",
      h + "mask = q_idx }", h + "mask = 1.5 }", h + "score = causal }", h + "score = true }",
      h + "mask = q_idx && true }", h + "mask = q_idx == true }", h + "mask = -true }",
      h + "mask = !q_idx }", h + "mask = !q_idx >= kv_idx }", h + "mask = q_idx < kv_idx < 3 }",
      h + "mask = 1.0 % 2 > 0 }", h + "score = score % 2 }", h + "score = tanh(true) }",
      h + "score = abs(true) }", h + "score = min(true, 1) }", h + "score = where(1, 2, 3) }",
      h + "score = where(true, true, 3) }", h + "mask = window(1.0, 0) }",
      h + "mask = window(1) }", h + "mask = window(q_idx, 0) }", h + "mask = window(1 + 0, 0) }",
      h + "score = window(1, 0) }", h + "score = score / 0 }", h + "score = score / (1 - 1) }",
      h + "mask = q_idx / (1 / 2) > 0 }", h + "mask = q_idx % 0 == 0 }",
      h + "param s : f32[heads]; score = score * s }",
      h + "param s : f32[heads]; score = score * s[h, h] }",
      h + "param s : f32[heads]; score = score * s[1.0] }",
      h + "param s : f32[heads]; score = score * s(h) }",
      h + "param s : f32[heads]; score = score * s[score] }",
      h + "param s : f32; score = score * s[0] }",
      // Limits.
      h + "dtype = e4m3; target = sm_80 }", h + "dtype = e4m3; mode = backward }",
      "kernel a { heads = 16; head_dim = 192 : 128; dtype = e4m3 }",
      h + "schedule = pingpong; target = sm_80 }", h + "paged_kv(page = 12) }",
      h + "paged_kv(page = 2048) }", h + "mode = backward; paged_kv(page = 64) }",
      h + "tile = 8x64 }", h + "tile = 272x64 }", h + "stages = 0 }", h + "scale = 0 }",
      "kernel a { heads = 16; head_dim = 264 }", "kernel a { heads = 16; head_dim = 520 }",
      // Duplicates.
      h + "mask = causal; mask = causal }", h + "varlen; varlen }",
      "kernel a { heads = 16; head_dim = 128 } kernel a { heads = 16; head_dim = 128 }",
  };
  for (const std::string &text : bad) {
    auto p = parseText(text, "bad.fa");
    EXPECT_FALSE(p->kernels.has_value()) << "accepted:\n" << text;
    EXPECT_NE(p->diags.find("error: "), std::string::npos) << "no error for:\n" << text;
    EXPECT_EQ(p->diags.rfind("bad.fa:", 0), 0u) << text << "\n" << p->diags;
  }
}

// Ill-formed UTF-8 (RFC 3629) is refused even inside comments: surrogates,
// overlong forms and code points above U+10FFFF.
TEST(SpecDiagnostics, IllFormedUtf8InCommentsIsRefused) {
  for (const char *seq : {"\xed\xa0\x80", "\xe0\x80\x80", "\xf0\x80\x80\x80", "\xf4\x90\x80\x80"}) {
    std::string text = std::string("# ") + seq + "\nkernel a { heads = 16; head_dim = 128 }";
    EXPECT_EQ(errorOf(text).rfind("bad.fa:1:3: error: invalid UTF-8 byte 0x", 0), 0u) << text;
  }
}

// The canonical text of a float reads back as the same value, FLT_MAX included
// (the lexer range-checks after rounding to f32).
TEST(SpecExpr, CanonicalFloatTextReadsBack) {
  std::string once = scoreOf("score * 3.4028234e38");
  EXPECT_EQ(once, "(mul score 3.4028235e+38)");
  EXPECT_EQ(scoreOf("score * 3.4028235e+38"), once);
}

TEST(SpecDiagnostics, ExpressionSizeLimits) {
  auto nested = [](int n) {
    return kernelWith("mask = " + std::string(n, '(') + "q_idx" + std::string(n, ')') + " > 0");
  };
  EXPECT_TRUE(parseText(nested(150))->kernels.has_value());
  EXPECT_NE(errorOf(nested(300)).find("error: expression is nested too deeply"),
            std::string::npos);
  std::string chain;
  for (int i = 0; i < 1200; ++i)
    chain += "q_idx + ";
  EXPECT_NE(errorOf(kernelWith("mask = " + chain + "0 > 0"))
                .find("error: expression is too large (more than 2000 nodes)"),
            std::string::npos);
  std::string shortChain;
  for (int i = 0; i < 500; ++i)
    shortChain += "q_idx + ";
  EXPECT_TRUE(parseText(kernelWith("mask = " + shortChain + "0 > 0"))->kernels.has_value());
}

} // namespace
