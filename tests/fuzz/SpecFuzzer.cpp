//===- SpecFuzzer.cpp - libFuzzer target for the spec front end -----------===//
//
// Any byte string must parse, check and (when valid) canonicalize without a
// crash, a hang or a sanitizer report; a valid spec's canonical form must be
// stable (printing it twice gives the same text and hash).
//
//===----------------------------------------------------------------------===//
#include "faattn/Spec/Spec.h"

#include "llvm/Support/SourceMgr.h"

#include <nlohmann/json.hpp>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::SourceMgr sm;
  std::string diags;
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  auto kernels = faattn::spec::parseAndCheckText(sm, text, "fuzz.fa", diags);
  if (!kernels) {
    if (diags.find("error: ") == std::string::npos)
      std::abort(); // a rejected input must say why
    return 0;
  }
  for (const faattn::spec::KernelSpec &k : *kernels) {
    std::string a = faattn::spec::canonicalJson(k).dump();
    if (a != faattn::spec::canonicalJson(k).dump() ||
        faattn::spec::specHash(k) != faattn::spec::specHash(k))
      std::abort();
  }
  return 0;
}
