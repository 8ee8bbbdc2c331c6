//===- Explain.cpp - faattn-compile --explain: what the compiler decided ---===//
//
// For each kernel at one shape: compileForGpu (the builds --emit=ptx writes),
// ptxas' report of each build (runPtxas, as --emit=ptx), the tiles faattn-tune
// chose (the tile_mask op after faattn-tile, per build: the long-KV build
// runs faattn-tune's long-kv), and the block map of the build a launch at
// that shape takes:
//
//  * a mask that reads no param: the compiler's own classification,
//    MaskIntervals' classifyBlock, with b = 0 and h = 0 exact as at run time
//    (the run-time block scan is the same interval analysis emitted as code);
//    then checked against the exact element-wise evaluation (ref::evalExpr)
//    when the shape is small enough, and any difference reported;
//  * a mask that reads params (documents, prefix lengths): what the compiler
//    can decide without them is reported, and the map is the exact
//    element-wise evaluation with random params (ref::randomParam, the seeds
//    faattn-run uses), said so in the output;
//
// and from the classification the KV loop faattn-mask-analysis builds
// (compiler/Transforms/MaskAnalysis.cpp): each q-block visits [lo, hi), the
// non-empty blocks' span, with [flo, fhi) mask-free when the full blocks are
// contiguous; a block that reaches past seq_kv is never full.
//
//===----------------------------------------------------------------------===//
#include "Explain.h"
#include "ExplainModel.h"
#include "Output.h"

#include "faattn/Analysis/MaskIntervals.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Frontend/SpecToIR.h"
#include "faattn/Pipeline/Pipeline.h"
#include "faattn/Reference/Reference.h"
#include "faattn/Spec/Spec.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"
#include "faattn/runtime/FileIO.h"
#include "common/ShapeArg.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <climits>
#include <set>

namespace faattn::compile {

std::string parseExplainShape(llvm::StringRef text, ExplainShape &s) {
  llvm::Expected<ref::Shape> shape = parseShapeArg(text); // faattn-run's parser
  if (!shape)
    return llvm::toString(shape.takeError());
  s.batch = shape->batch;
  s.seqQ = shape->seqQ;
  s.seqKV = shape->seqKV;
  return "";
}

namespace {

/// The most (q-block, kv-block) pairs a map holds.
constexpr int64_t kMaxPairs = int64_t(1) << 22;
/// The most mask elements evaluated exactly (seq_q * seq_kv).
constexpr int64_t kMaxExactElements = int64_t(1) << 28;

/// Whether `e` reads the built-in `which`, or any param when `which` is null.
bool reads(const spec::Expr &e, std::optional<spec::Builtin> which) {
  if (!which && e.kind == spec::Expr::Kind::Param)
    return true;
  if (which && e.kind == spec::Expr::Kind::Builtin && e.builtin == *which)
    return true;
  for (const spec::ExprPtr &a : e.args)
    if (a && reads(*a, which))
      return true;
  return false;
}

/// The algorithm passes up to faattn-tile (faattn-tune's long-kv for a
/// long-KV build): the module, whose tile_mask op holds the tile and the
/// mask region.
mlir::OwningOpRef<mlir::ModuleOp> tiledModule(mlir::MLIRContext &ctx, const spec::KernelSpec &k,
                                              llvm::SourceMgr &sm, bool longKV,
                                              std::string &error) {
  mlir::OwningOpRef<mlir::ModuleOp> module = buildKernelModule(ctx, k, sm);
  mlir::PassManager pm(&ctx);
  AlgorithmOptions options;
  options.stopAfter = "faattn-tile";
  options.longKV = longKV;
  addAlgorithmPasses(pm, options);
  if (mlir::failed(pm.run(*module))) {
    error = "kernel '" + k.name + "': the algorithm passes failed up to faattn-tile";
    return nullptr;
  }
  return module;
}

TileMaskOp findMask(mlir::ModuleOp module) {
  TileMaskOp mask;
  module.walk([&](TileMaskOp m) {
    if (!mask)
      mask = m;
  });
  return mask;
}

/// The exact class of one block: every element's mask value (float64
/// reference evaluator), stopping once both values were seen.
char exactClass(const spec::KernelSpec &k, ref::Env &env, int64_t q0, int64_t q1, int64_t k0,
                int64_t k1) {
  bool sawTrue = false, sawFalse = false;
  for (int64_t q = q0; q <= q1; ++q) {
    env.qIdx = static_cast<int32_t>(q);
    for (int64_t kv = k0; kv <= k1; ++kv) {
      env.kvIdx = static_cast<int32_t>(kv);
      (ref::evalExpr(*k.mask, env) != 0 ? sawTrue : sawFalse) = true;
      if (sawTrue && sawFalse)
        return kPartial;
    }
  }
  return sawTrue ? kFull : kEmpty;
}

} // namespace

std::string explainPercent(int64_t n, int64_t total) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.1f%%", total ? 100.0 * n / total : 0.0);
  return s;
}

namespace {

/// A one-line description of a param's random values.
std::string describeParam(const spec::ParamDecl &p, const ref::ParamValue &v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << p.name << " (" << spec::typeName(p.elemType) << "[";
  for (size_t i = 0; i < v.dims.size(); ++i)
    os << (i ? ", " : "") << v.dims[i];
  os << "]): ";
  auto value = [&](double x) {
    if (p.elemType == spec::Type::I32)
      os << static_cast<int64_t>(x);
    else
      os << llvm::format("%g", x);
  };
  if (v.data.size() <= 8) {
    for (size_t i = 0; i < v.data.size(); ++i) {
      os << (i ? " " : "");
      value(v.data[i]);
    }
    return s;
  }
  auto [lo, hi] = std::minmax_element(v.data.begin(), v.data.end());
  std::set<double> distinct(v.data.begin(), v.data.end());
  os << v.data.size() << " values in [";
  value(*lo);
  os << ", ";
  value(*hi);
  os << "], " << distinct.size() << " distinct";
  if (std::is_sorted(v.data.begin(), v.data.end()))
    os << ", non-decreasing";
  return s;
}

/// The kernel's params at the shape: random (faattn-run's seeds, seed base
/// 0), those named by --param from their files. `given` gets, per param,
/// whether it came from a file. "" or the error.
std::string kernelParams(const spec::KernelSpec &k, const ref::Shape &shape,
                         const std::vector<std::string> &paramFiles,
                         std::vector<ref::ParamValue> &params, std::vector<bool> &given) {
  for (size_t i = 0; i < k.params.size(); ++i)
    params.push_back(ref::randomParam(k, k.params[i], shape, 10 + i));
  given.assign(k.params.size(), false);
  for (llvm::StringRef option : paramFiles) {
    auto [name, path] = option.split('=');
    const spec::ParamDecl *decl = k.findParam(name.str());
    if (!decl)
      continue; // another kernel's (runExplain checked that one has it)
    ref::ParamValue &value = params[decl - k.params.data()];
    given[decl - k.params.data()] = true;
    size_t need = value.data.size() * 4;
    bool isI32 = decl->elemType == spec::Type::I32;
    std::string data;
    int64_t size = -1;
    std::string why = io::readRegularFile(path.str(), int64_t(need), data, &size);
    if (!why.empty() && !(size >= 0 && size_t(size) > need))
      return "--param " + name.str() + ": " + why;
    if (!why.empty() || data.size() != need)
      return "--param " + name.str() + ": '" + path.str() + "' holds " +
             std::to_string(why.empty() ? data.size() : size_t(size)) + " bytes; kernel '" +
             k.name + "' at b=" + std::to_string(shape.batch) + ",seq_q=" +
             std::to_string(shape.seqQ) + ",seq_kv=" + std::to_string(shape.seqKV) +
             " needs " + std::to_string(need) + " (" + std::to_string(value.data.size()) +
             (isI32 ? " int32" : " float32") + " values)";
    for (size_t j = 0; j < value.data.size(); ++j) {
      uint32_t word = llvm::support::endian::read32le(data.data() + 4 * j);
      value.data[j] = isI32 ? static_cast<double>(static_cast<int32_t>(word))
                            : static_cast<double>(llvm::bit_cast<float>(word));
    }
  }
  return "";
}

/// Whether an i32 param's values never decrease and step by at most 1 (the
/// packed document ids whose block ranges the run-time scan reads exactly).
bool sortedGapFree(const ref::ParamValue &v) {
  for (size_t i = 1; i < v.data.size(); ++i)
    if (v.data[i] < v.data[i - 1] || v.data[i] > v.data[i - 1] + 1)
      return false;
  return true;
}

/// The block map of `e`'s launched build: e.cls, e.run, e.source, e.notes.
std::string blockMap(KernelExplain &e, mlir::Region &mask,
                     const std::vector<std::string> &paramFiles) {
  const spec::KernelSpec &k = *e.spec;
  const BuildFacts &build = e.builds[e.launched];
  // A q-block of one head: a GQA-packed tile holds bm / headGroup rows of each head.
  const int64_t sq = e.shape.seqQ, skv = e.shape.seqKV, bm = build.bm / build.headGroup,
                bn = build.bn;
  e.nq = (sq + bm - 1) / bm;
  e.nk = (skv + bn - 1) / bn;
  if (e.nq * e.nk > kMaxPairs)
    return "kernel '" + k.name + "': the block map at seq_q=" + std::to_string(sq) +
           ", seq_kv=" + std::to_string(skv) + " has " + std::to_string(e.nq * e.nk) +
           " (q-block, kv-block) pairs, more than --explain draws (" +
           std::to_string(kMaxPairs) + ")";
  const bool hasMask = k.mask != nullptr;
  const bool readsParams = hasMask && reads(*k.mask, std::nullopt);
  const bool exactFits = sq * skv <= kMaxExactElements;
  auto qRange = [&](int64_t qb) {
    return std::pair<int64_t, int64_t>{qb * bm, std::min((qb + 1) * bm, sq) - 1};
  };
  auto kRange = [&](int64_t kb) {
    return std::pair<int64_t, int64_t>{kb * bn, std::min((kb + 1) * bn, skv) - 1};
  };

  // The compiler's classification (params unknown), b = 0 and h = 0 exact.
  std::vector<char> analysis(e.nq * e.nk);
  for (int64_t qb = 0; qb < e.nq; ++qb)
    for (int64_t kb = 0; kb < e.nk; ++kb) {
      BlockRanges r;
      r.batch = r.head = Interval::point(0);
      auto [q0, q1] = qRange(qb);
      auto [k0, k1] = kRange(kb);
      r.qIdx = {q0, q1};
      r.kvIdx = {k0, k1};
      r.seqQ = Interval::point(sq);
      r.seqKV = Interval::point(skv);
      BlockClass c = classifyBlock(mask, r);
      analysis[qb * e.nk + kb] = c == BlockClass::Empty ? kEmpty
                                 : c == BlockClass::Full ? kFull
                                                         : kPartial;
    }

  // The exact classification (params random), when it fits.
  std::vector<char> exact;
  std::vector<ref::ParamValue> params;
  ref::Shape rshape;
  rshape.batch = e.shape.batch;
  rshape.seqQ = sq;
  rshape.seqKV = skv;
  std::vector<bool> given;
  if (hasMask && exactFits) {
    if (std::string why = kernelParams(k, rshape, paramFiles, params, given); !why.empty())
      return why;
    ref::Env env;
    env.kernel = &k;
    env.params = &params;
    env.seqQ = static_cast<int32_t>(sq);
    env.seqKV = static_cast<int32_t>(skv);
    exact.resize(e.nq * e.nk);
    for (int64_t qb = 0; qb < e.nq; ++qb)
      for (int64_t kb = 0; kb < e.nk; ++kb) {
        auto [q0, q1] = qRange(qb);
        auto [k0, k1] = kRange(kb);
        exact[qb * e.nk + kb] = exactClass(k, env, q0, q1, k0, k1);
      }
  }

  std::string where = "b = 0, h = 0";
  if (hasMask && (reads(*k.mask, spec::Builtin::Batch) || reads(*k.mask, spec::Builtin::Head)))
    e.notes.push_back("the mask reads b or h: this map is the one of b = 0, h = 0; other (b, h) "
                      "may differ");
  if (!hasMask) {
    e.cls = analysis;
    e.source.push_back("no mask: every block is full but the one that reaches past seq_kv "
                       "(faattn-mask-analysis: no scan, only the sequence bound)");
  } else if (!readsParams) {
    e.cls = analysis;
    e.source.push_back("the compiler's classification: faattn-mask-analysis' interval analysis "
                       "(MaskIntervals classifyBlock) at " + where +
                       ", which the run-time block scan computes as code");
    if (exact.empty()) {
      e.source.push_back("exact check not run: seq_q * seq_kv = " + std::to_string(sq * skv) +
                         " elements, more than " + std::to_string(kMaxExactElements));
    } else {
      int64_t toEmpty = 0, toFull = 0, wrong = 0;
      for (size_t i = 0; i < exact.size(); ++i) {
        if (exact[i] == analysis[i])
          continue;
        if (analysis[i] != kPartial)
          ++wrong; // the analysis claims empty or full and is wrong: unsound
        else
          (exact[i] == kEmpty ? toEmpty : toFull)++;
      }
      if (wrong)
        return "kernel '" + k.name + "': internal error: the mask analysis classified " +
               std::to_string(wrong) + " blocks as empty or full that the exact evaluation "
               "does not";
      if (toEmpty + toFull == 0)
        e.source.push_back("exact check (every element through the float64 reference "
                           "evaluator): the same on all " +
                           std::to_string(exact.size()) + " blocks");
      else
        e.source.push_back("exact check (every element through the float64 reference "
                           "evaluator): of the blocks the analysis leaves partial, " +
                           std::to_string(toEmpty) + " are exactly empty and " +
                           std::to_string(toFull) +
                           " exactly full (the analysis is sound, not exact, there)");
    }
  } else {
    int64_t aE = 0, aF = 0;
    for (char c : analysis) {
      aE += c == kEmpty;
      aF += c == kFull;
    }
    std::string without = "without the params, at compile time, the interval analysis decides " +
                          std::to_string(aE) + " empty and " + std::to_string(aF) +
                          " full blocks of " + std::to_string(analysis.size()) +
                          "; the rest is the run-time block scan's, which reads the params";
    if (exact.empty()) {
      e.cls = analysis;
      e.source.push_back("the mask reads params and seq_q * seq_kv = " +
                         std::to_string(sq * skv) + " is more than the " +
                         std::to_string(kMaxExactElements) +
                         " elements evaluated exactly: this map is the compile-time part only "
                         "(params unknown)");
      e.source.push_back(without);
    } else {
      e.cls = exact;
      e.source.push_back("the mask reads params: the classification is made at run time by the "
                         "block scan. This map is the exact classification the block scan "
                         "computes for these params at " + where +
                         ", evaluated here element by element with the float64 reference "
                         "evaluator (ref::evalExpr)");
      for (size_t i = 0; i < k.params.size(); ++i) {
        std::string d = (given[i] ? "  GIVEN (--param): " : "  RANDOM (ref::randomParam, "
                                                              "faattn-run's seed): ") +
                        describeParam(k.params[i], params[i]);
        if (k.params[i].elemType == spec::Type::I32 && params[i].data.size() > 8)
          d += sortedGapFree(params[i]) ? ", steps of at most 1" : ", NOT sorted and gap-free";
        e.source.push_back(d);
      }
      e.source.push_back("the scan reads each param's min and max over the block (interval "
                         "arithmetic): exact for params read at b or h and for sorted, "
                         "gap-free document ids; for other ids it skips at most this much (it "
                         "is sound)");
      e.source.push_back(without);
    }
  }
  // The sequence bound: a block that reaches past seq_kv runs masked.
  if (skv % bn != 0)
    for (int64_t qb = 0; qb < e.nq; ++qb)
      if (e.cls[qb * e.nk + e.nk - 1] == kFull)
        e.cls[qb * e.nk + e.nk - 1] = kPartial;

  // The KV loop of each q-block (faattn-mask-analysis' split).
  e.run.assign(e.nq * e.nk, kSkipped);
  int64_t fallbacks = 0;
  for (int64_t qb = 0; qb < e.nq; ++qb) {
    const char *row = &e.cls[qb * e.nk];
    int64_t first = e.nk, last = -1, ffirst = e.nk, flast = -1, nfull = 0;
    for (int64_t kb = 0; kb < e.nk; ++kb) {
      if (row[kb] != kEmpty) {
        first = std::min(first, kb);
        last = std::max(last, kb);
      }
      if (row[kb] == kFull) {
        ffirst = std::min(ffirst, kb);
        flast = std::max(flast, kb);
        ++nfull;
      }
    }
    int64_t lo = first, hi = std::max(last + 1, lo);
    bool contiguous = nfull > 0 && nfull == flast + 1 - ffirst;
    int64_t flo = contiguous ? ffirst : hi, fhi = contiguous ? flast + 1 : hi;
    if (nfull > 0 && !contiguous)
      ++fallbacks;
    for (int64_t kb = lo; kb < hi && kb < e.nk; ++kb)
      e.run[qb * e.nk + kb] = kb >= flo && kb < fhi ? kNoMask : kMasked;
  }
  if (fallbacks)
    e.notes.push_back(std::to_string(fallbacks) +
                      " q-blocks have full blocks that are not contiguous: they run every "
                      "visited block masked (faattn-mask-analysis' fallback)");
  return "";
}

} // namespace

std::string explainLaunchRule(const CompiledKernel &alt) {
  std::string rule = "seq_kv >= " + std::to_string(alt.minSeqKV);
  if (alt.minKVBlocksPerWave <= 0)
    return rule;
  int64_t bn = alt.tmaBlockN > 0 ? alt.tmaBlockN : alt.blockN;
  std::string ratio;
  llvm::raw_string_ostream(ratio) << llvm::format("%g", alt.minKVBlocksPerWave);
  return rule + " and ceil(seq_kv / " + std::to_string(bn) + ") >= " + ratio +
         " x min(waves, 16), waves = batch x heads x ceil(seq_q / " +
         std::to_string(alt.blockM) + ") / " + std::to_string(kExplainMultiprocessors) + " SMs";
}

std::string explainKernels(const std::vector<spec::KernelSpec> &kernels, llvm::SourceMgr &sm,
                           const ExplainShape &shape, const std::vector<std::string> &paramFiles,
                           std::vector<Explanation> &out) {
  mlir::DialectRegistry registry;
  registerFAAttnDialects(registry);
  registerGpuDialects(registry);
  mlir::MLIRContext ctx(registry);
  for (const spec::KernelSpec &k : kernels) {
    if (k.mode == spec::Mode::Backward) {
      llvm::WithColor::warning(llvm::errs(), "faattn-compile")
          << "kernel '" << k.name << "': mode = backward kernels are not explained (the block map is the forward's)\n";
      continue;
    }
    llvm::Expected<GpuKernel> kernel = compileForGpu(ctx, k, sm);
    if (!kernel)
      return llvm::toString(kernel.takeError());
    KernelExplain e;
    e.spec = &k;
    e.shape = shape;
    std::vector<const CompiledKernel *> builds = {&*kernel};
    for (const CompiledKernel &alt : kernel->alternatives)
      builds.push_back(&alt);
    std::vector<mlir::OwningOpRef<mlir::ModuleOp>> modules;
    for (size_t i = 0; i < builds.size(); ++i) {
      BuildFacts b;
      b.kernel = builds[i];
      b.label = i == 0 ? "main" : "long-kv";
      std::string why;
      modules.push_back(tiledModule(ctx, k, sm, i > 0, why));
      if (!modules.back())
        return why;
      TileMaskOp mask = findMask(*modules.back());
      if (!mask)
        return "kernel '" + k.name + "': no faattn.tile_mask after faattn-tile";
      b.bm = mask.getInput().getType().getShape()[0];
      b.bn = mask.getInput().getType().getShape()[1];
      b.headGroup = static_cast<int64_t>(mask.getHeadGroup().value_or(1));
      std::string cubin, ptxasErrors;
      if (auto report = runPtxas(builds[i]->ptx, builds[i]->target, cubin, ptxasErrors)) {
        if (!ptxasErrors.empty())
          return "kernel '" + k.name + "' (" + b.label + " build): " + ptxasErrors;
        b.ptxasFound = true;
        b.resources = *report;
      }
      if (i > 0 && launchesAlternative(*builds[i], shape.batch, k.headsQ, shape.seqQ, shape.seqKV,
                                       kExplainMultiprocessors))
        e.launched = i;
      e.builds.push_back(std::move(b));
    }
    for (const BuildFacts &b : e.builds)
      if (b.kernel->blockM != b.bm)
        e.notes.push_back("the " + b.label + " build's CTA takes " +
                          std::to_string(b.kernel->blockM) + " query rows, faattn-tile's tile " +
                          std::to_string(b.bm));
    if (std::string why =
            blockMap(e, findMask(*modules[e.launched]).getRegion(), paramFiles);
        !why.empty())
      return why;
    if (k.varlen || k.pagedKVPage)
      e.notes.push_back(std::string(k.varlen ? "varlen" : "paged_kv") +
                        ": the map is one sequence of seq_q x seq_kv (each sequence of a batch "
                        "has its own, at its lengths)");
    if (kernel->maxSplits > 0)
      e.notes.push_back("split-KV decode: the KV blocks are divided among up to " +
                        std::to_string(kernel->maxSplits) +
                        " splits chosen at launch by the runtime's cost model (CTAs, KV blocks, "
                        "the SMs, the combine's share), then combined; "
                        "each split scans its own blocks (this map is the unsplit row's)");
    Explanation x;
    x.kernel = k.name;
    x.text = renderText(e);
    x.svg = renderSvg(e);
    out.push_back(std::move(x));
  }
  return "";
}

std::string checkExplainOptions(bool explain, bool shapeGiven, llvm::StringRef shapeText,
                                bool paramsGiven, bool emitGiven, bool stopAfterGiven,
                                ExplainShape &shape) {
  if (!explain)
    return shapeGiven    ? "--shape is only used with --explain"
           : paramsGiven ? "--param is only used with --explain"
                         : "";
  if (emitGiven || stopAfterGiven)
    return "--explain cannot be combined with --emit or --stop-after";
  if (!shapeGiven)
    return "--explain needs --shape b=B,seq_q=SQ,seq_kv=SKV";
  return parseExplainShape(shapeText, shape);
}

std::string runExplain(const std::vector<spec::KernelSpec> &kernels, llvm::SourceMgr &sm,
                       const ExplainShape &shape, const std::vector<std::string> &paramFiles,
                       const std::string &outDir, llvm::raw_ostream &os) {
  for (llvm::StringRef option : paramFiles) {
    auto [name, path] = option.split('=');
    if (name.empty() || path.empty())
      return "--param must be NAME=FILE, got '" + option.str() + "'";
    std::string n = name.str();
    if (llvm::none_of(kernels,
                      [&](const spec::KernelSpec &k) { return k.findParam(n) != nullptr; }))
      return "--param " + name.str() + ": no kernel has a param named '" + name.str() + "'";
  }
  std::vector<Explanation> all;
  if (std::string why = explainKernels(kernels, sm, shape, paramFiles, all); !why.empty())
    return why;
  if (outDir.empty()) {
    for (size_t i = 0; i < all.size(); ++i)
      os << (i ? "\n" : "") << all[i].text;
    return "";
  }
  struct stat st;
  if (::stat(outDir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
    return "output path '" + outDir + "' exists and is not a directory";
  std::vector<OutputFile> files;
  for (const Explanation &x : all) {
    files.push_back({x.kernel + ".explain.txt", x.text});
    files.push_back({x.kernel + ".explain.svg", x.svg});
  }
  // All or nothing (Output.h).
  if (std::string why = writeOutputs(outDir, files); !why.empty())
    return why;
  for (const Explanation &x : all)
    os << x.kernel << ": " << outDir << "/" << x.kernel << ".explain.txt, " << outDir << "/"
       << x.kernel << ".explain.svg\n";
  return "";
}

} // namespace faattn::compile
