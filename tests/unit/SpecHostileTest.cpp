//===- SpecHostileTest.cpp - The hostile spec corpus, in process ----------===//
//
// Issue 21 item 7: every file of tests/fuzz/hostile (gen-hostile.py) through
// the front end: bad-*.fa rejected with a `file:line:col: error:` diagnostic,
// ok-*.fa accepted with a stable canonical form. check-hostile.sh runs the
// same files through faattn-compile (no crash, no abort, nothing written).
//
//===----------------------------------------------------------------------===//
#include "faattn/Spec/Spec.h"

#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;
using namespace faattn::spec;

namespace {

TEST(SpecHostile, EveryCorpusFileGetsItsOutcome) {
  fs::path dir = fs::path(FAATTN_SPECS_DIR) / ".." / "tests" / "fuzz" / "hostile";
  size_t bad = 0, ok = 0;
  std::regex located("^hostile\\.fa:[0-9]+:[0-9]+: error: .+");
  for (const auto &e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (e.path().extension() != ".fa")
      continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    llvm::SourceMgr sm;
    std::string diags;
    auto kernels = parseAndCheckText(sm, text.str(), "hostile.fa", diags);
    if (name.rfind("bad-", 0) == 0) {
      ++bad;
      EXPECT_FALSE(kernels) << name << " was accepted";
      std::string first = diags.substr(0, diags.find('\n'));
      EXPECT_TRUE(std::regex_match(first, located)) << name << ": " << first;
    } else {
      ++ok;
      ASSERT_TRUE(kernels) << name << ": " << diags;
      for (const KernelSpec &k : *kernels)
        EXPECT_EQ(canonicalJson(k).dump(), canonicalJson(k).dump()) << name;
    }
  }
  EXPECT_GE(bad + ok, 300u);
  EXPECT_GE(ok, 10u);
}

} // namespace
