//===- SpecTestSupport.h - helpers of the spec front end's unit tests -*- C++ -*-===//
//
// Parsing a text, the first diagnostic line, canonical JSON and hash of a
// kernel, and the catalogue's files, for SpecTest.cpp and
// SpecDiagnosticsTest.cpp (one copy per test file: an anonymous namespace).
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TESTS_UNIT_SPECTESTSUPPORT_H
#define FAATTN_TESTS_UNIT_SPECTESTSUPPORT_H

#include "faattn/Spec/Spec.h"

#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace faattn::spec;
using nlohmann::json;

namespace {

/// The result of parsing one buffer. The SourceMgr is declared first so that
/// it is destroyed last: the kernels' SMLocs point into its buffers.
struct Parsed {
  llvm::SourceMgr sm;
  std::string diags;
  std::optional<std::vector<KernelSpec>> kernels;
};

inline std::unique_ptr<Parsed> parseText(const std::string &text,
                                  const std::string &name = "test.fa") {
  auto p = std::make_unique<Parsed>();
  p->kernels = parseAndCheckText(p->sm, text, name, p->diags);
  return p;
}

/// The first line of a diagnostics text.
inline std::string firstLine(const std::string &s) { return s.substr(0, s.find('\n')); }

/// Number of occurrences of `needle` in `hay`.
inline size_t count(const std::string &hay, const std::string &needle) {
  size_t n = 0;
  for (size_t pos = hay.find(needle); pos != std::string::npos;
       pos = hay.find(needle, pos + needle.size()))
    ++n;
  return n;
}

/// Parses `text`, which must hold exactly one valid kernel, and returns its
/// canonical JSON (null JSON and a test failure otherwise).
inline json jsonOf(const std::string &text) {
  auto p = parseText(text);
  if (!p->kernels) {
    ADD_FAILURE() << "rejected:\n" << text << "\n" << p->diags;
    return json();
  }
  EXPECT_EQ(p->diags, "") << text;
  if (p->kernels->size() != 1) {
    ADD_FAILURE() << "expected one kernel in:\n" << text;
    return json();
  }
  return canonicalJson(p->kernels->front());
}

inline std::string hashOf(const std::string &text) {
  auto p = parseText(text);
  if (!p->kernels || p->kernels->size() != 1) {
    ADD_FAILURE() << "rejected or not one kernel:\n" << text << "\n" << p->diags;
    return "";
  }
  return specHash(p->kernels->front());
}

/// A kernel with the given statements (a header that any statement can follow).
inline std::string kernelWith(const std::string &stmts) {
  return "kernel k {\n  heads = 16\n  head_dim = 128\n" + stmts + "\n}\n";
}

/// canonicalExpr of the score (or mask) of kernelWith(stmts); "<error>" if the
/// kernel is rejected, "<none>" for a null mask.
inline std::string exprOf(const std::string &stmts, bool mask) {
  auto p = parseText(kernelWith(stmts));
  if (!p->kernels) {
    ADD_FAILURE() << "rejected: " << stmts << "\n" << p->diags;
    return "<error>";
  }
  const KernelSpec &k = p->kernels->front();
  const ExprPtr &e = mask ? k.mask : k.score;
  return e ? canonicalExpr(*e) : "<none>";
}
inline std::string scoreOf(const std::string &expr) { return exprOf("score = " + expr, false); }
inline std::string maskOf(const std::string &expr) { return exprOf("mask = " + expr, true); }

/// Parses `text`, which must be rejected; returns the first diagnostic line.
inline std::string errorOf(const std::string &text, const std::string &name = "bad.fa") {
  auto p = parseText(text, name);
  EXPECT_FALSE(p->kernels.has_value()) << "accepted:\n" << text;
  EXPECT_NE(p->diags.find("error: "), std::string::npos) << text;
  return firstLine(p->diags);
}

inline bool isHexHash(const std::string &s) {
  static const std::regex re("^[0-9a-f]{64}$");
  return std::regex_match(s, re);
}

// ---- The catalogue ----------------------------------------------------------

inline std::vector<std::filesystem::path> specFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto &entry : std::filesystem::directory_iterator(FAATTN_SPECS_DIR))
    if (entry.is_regular_file() && entry.path().extension() == ".fa")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

inline std::string readFile(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
} // namespace

#endif // FAATTN_TESTS_UNIT_SPECTESTSUPPORT_H
