//===- ExplainModel.h - what --explain found, for its renderers -*- C++ -*-===//
//
// Explain.cpp fills a KernelExplain (the builds, their tiles and ptxas
// reports, the block map); ExplainRender.cpp writes it as text and SVG.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TOOLS_FAATTN_COMPILE_EXPLAINMODEL_H
#define FAATTN_TOOLS_FAATTN_COMPILE_EXPLAINMODEL_H

#include "Explain.h"

#include "faattn/Target/KernelABI.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace faattn::compile {

/// One build of a kernel (the main one or a shape-dependent alternative).
struct BuildFacts {
  std::string label;                     // "main" or "long-kv"
  const CompiledKernel *kernel = nullptr; // its ABI and launch facts
  int64_t bm = 0, bn = 0;                // faattn-tile's tile for this build
  int64_t headGroup = 1; // GQA packing: the tile's bm rows are headGroup heads x bm / headGroup
  bool ptxasFound = false;
  nlohmann::json resources; // ptxas' report (registers, shared_bytes, ...)
};

/// A (q-block, kv-block) pair's classification and what the KV loop does.
enum : char {
  kEmpty = 'E',   // the mask is false on every element
  kPartial = 'P', // some elements kept, some masked (or the block passes seq_kv)
  kFull = 'F',    // every element kept, inside seq_kv
};
enum : char {
  kSkipped = 's', // outside the scan's [lo, hi): never visited
  kMasked = 'm',  // visited with the mask code
  kNoMask = 'f',  // in [flo, fhi): visited without the mask code
};

struct KernelExplain {
  const spec::KernelSpec *spec = nullptr;
  ExplainShape shape;
  std::vector<BuildFacts> builds;
  size_t launched = 0; // the build a launch at `shape` takes
  // The block map of the launched build (row-major, nq x nk).
  int64_t nq = 0, nk = 0;
  std::vector<char> cls, run;
  /// Where the classification comes from, one line each (printed as is).
  std::vector<std::string> source;
  /// Further facts and caveats, one line each.
  std::vector<std::string> notes;

  int64_t count(const std::vector<char> &v, char c) const {
    int64_t n = 0;
    for (char x : v)
      n += x == c;
    return n;
  }
};

/// "43.8%" (Explain.cpp).
std::string explainPercent(int64_t n, int64_t total);
/// The SMs --explain counts a launch's waves over (the H100 and H200 SXM
/// faattn-tune's cost model was measured on; the runtime counts the GPU's own).
inline constexpr int kExplainMultiprocessors = 132;

/// When shape-dependent build `alt` is launched (launchesAlternative), in
/// words: "seq_kv >= 1024 and ceil(seq_kv / 128) >= 2.5 x min(waves, 16), ...".
std::string explainLaunchRule(const CompiledKernel &alt);

/// The text form (ExplainRender.cpp).
std::string renderText(const KernelExplain &e);
/// The SVG form (ExplainRender.cpp).
std::string renderSvg(const KernelExplain &e);

} // namespace faattn::compile

#endif // FAATTN_TOOLS_FAATTN_COMPILE_EXPLAINMODEL_H
