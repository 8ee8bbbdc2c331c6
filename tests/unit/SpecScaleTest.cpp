//===- SpecScaleTest.cpp - Hostile spec sizes the front end withstands ----===//
//
// Issue 21 item 5: the duplicate checks are hash sets (a 10 MB spec of 80k
// kernels is parsed and checked in well under 2 s; the quadratic checks took
// 21 s), kernel names have a length limit, and so on.
//
//===----------------------------------------------------------------------===//
#include "faattn/Spec/Spec.h"

#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

using namespace faattn::spec;

namespace {

/// `n` distinct kernels, about 128 bytes each, and `extra` after them.
std::string manyKernels(int n, const std::string &extra = "") {
  std::string text;
  text.reserve(size_t(n) * 130 + extra.size());
  for (int i = 0; i < n; ++i)
    text += "kernel k" + std::to_string(i) +
            " { heads = 8 : 2; head_dim = 64; dtype = bf16\n  mask = causal\n"
            "  param s : f32[heads]; param t : f32[heads]; score = score + s[h] - t[h] }\n";
  return text + extra;
}

double secondsToCheck(const std::string &text, std::string &diags, size_t &kernels) {
  llvm::SourceMgr sm;
  auto start = std::chrono::steady_clock::now();
  auto parsed = parseAndCheckText(sm, text, "big.fa", diags);
  kernels = parsed ? parsed->size() : 0;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(SpecScale, TenMegabytesOfKernelsAreCheckedInUnderTwoSeconds) {
  std::string text = manyKernels(80000);
  ASSERT_GT(text.size(), size_t(10) << 20);
  std::string diags;
  size_t kernels = 0;
  double s = secondsToCheck(text, diags, kernels);
  EXPECT_EQ(diags, "");
  EXPECT_EQ(kernels, 80000u);
  EXPECT_LT(s, 2.0) << "80k kernels took " << s << " s";
}

TEST(SpecScale, ADuplicateAmongManyIsFoundFast) {
  std::string text = manyKernels(80000, "kernel k79999 { heads = 8; head_dim = 64 }\n");
  std::string diags;
  size_t kernels = 0;
  double s = secondsToCheck(text, diags, kernels);
  EXPECT_EQ(kernels, 0u);
  EXPECT_EQ(diags.substr(0, diags.find('\n')),
            "big.fa:240001:8: error: duplicate kernel name 'k79999'");
  EXPECT_NE(diags.find("big.fa:239998:8: note: previous definition is here"), std::string::npos)
      << diags.substr(0, 400);
  EXPECT_LT(s, 2.0);
}

TEST(SpecScale, ManyParamsAreCheckedFast) {
  std::string text = "kernel k { heads = 8; head_dim = 64\n";
  for (int i = 0; i < 20000; ++i)
    text += "param p" + std::to_string(i) + " : f32[heads]\n";
  text += "param p7 : f32\n}\n";
  std::string diags;
  size_t kernels = 0;
  double s = secondsToCheck(text, diags, kernels);
  EXPECT_EQ(diags.substr(0, diags.find('\n')), "big.fa:20002:7: error: duplicate param 'p7'");
  EXPECT_NE(diags.find("big.fa:9:7: note: previous declaration is here"), std::string::npos)
      << diags;
  EXPECT_LT(s, 2.0);
}

TEST(SpecScale, KernelNamesHaveALengthLimit) {
  std::string ok(kMaxKernelNameLength, 'a');
  std::string diags;
  size_t kernels = 0;
  secondsToCheck("kernel " + ok + " { heads = 8; head_dim = 64 }", diags, kernels);
  EXPECT_EQ(diags, "");
  EXPECT_EQ(kernels, 1u);
  std::string tooLong(kMaxKernelNameLength + 1, 'a');
  diags.clear();
  secondsToCheck("kernel " + tooLong + " { heads = 8; head_dim = 64 }", diags, kernels);
  EXPECT_EQ(diags.substr(0, diags.find('\n')),
            "big.fa:1:8: error: kernel name is 129 characters long; at most 128 are allowed");
  // A name of a megabyte: the same error, at once.
  diags.clear();
  secondsToCheck("kernel " + std::string(1 << 20, 'b') + " { heads = 8; head_dim = 64 }", diags,
                 kernels);
  EXPECT_EQ(diags.substr(0, diags.find('\n')),
            "big.fa:1:8: error: kernel name is 1048576 characters long; at most 128 are allowed");
}

} // namespace
