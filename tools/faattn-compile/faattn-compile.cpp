//===- faattn-compile.cpp - Spec files to kernels -------------------------===//
//
// faattn-compile [options] <spec.fa>...
//
// Reads every input, parses and checks every kernel, and only then writes
// anything: a spec with an error leaves the output directory untouched.
//
//===----------------------------------------------------------------------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Frontend/SpecToIR.h"
#include "faattn/Pipeline/Pipeline.h"
#include "faattn/Spec/Spec.h"
#include "faattn/Target/KernelABIJson.h"
#include "faattn/Transforms/Passes.h"

#include "faattn/Target/PTX.h"
#include "faattn/runtime/FileIO.h"

#include "Explain.h"
#include "Output.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Program.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

using namespace faattn;
namespace cl = llvm::cl;

namespace {

enum class Emit { Summary, SpecJson, MLIR, PTX };

cl::OptionCategory category("faattn-compile options");
cl::list<std::string> inputs(cl::Positional, cl::desc("<spec.fa>..."), cl::OneOrMore,
                             cl::cat(category));
cl::opt<std::string> outDir("o", cl::desc("Output directory (created if missing)"),
                            cl::value_desc("dir"), cl::cat(category));
cl::opt<Emit> emit("emit", cl::desc("What to produce"), cl::init(Emit::Summary),
                   cl::values(clEnumValN(Emit::Summary, "summary",
                                         "one line per kernel (default)"),
                              clEnumValN(Emit::SpecJson, "spec-json",
                                         "canonical JSON of each kernel's spec"),
                              clEnumValN(Emit::MLIR, "mlir", "the faattn dialect IR"),
                              clEnumValN(Emit::PTX, "ptx",
                                         "PTX + metadata JSON (+ cubin when ptxas is on PATH)")),
                   cl::cat(category));
cl::opt<bool> timeStages(
    "time",
    cl::desc("With --emit=ptx: print the time of each stage to stderr (parsing, the frontend, "
             "every pass, LLVM's optimizer, the NVPTX backend, ptxas; per kernel and build)"),
    cl::cat(category));
cl::opt<std::string> onlyKernel("kernel", cl::desc("Only this kernel"),
                                cl::value_desc("name"), cl::cat(category));
/// --stop-after=<pass>. LLVM's codegen already owns a cl::opt of that name,
/// so main() takes this one out of argv before the command line is parsed.
std::string stopAfter;
cl::opt<bool> printIRAfterAll("print-ir-after-all",
                              cl::desc("Print the IR after every pass (to stderr)"),
                              cl::cat(category));
cl::opt<std::string> referenceShape(
    "reference-shape", cl::init("4096x4096"), cl::value_desc("SQxSKV"),
    cl::desc("seq_q x seq_kv at which the block counts are reported (default 4096x4096)"),
    cl::cat(category));
cl::opt<bool> explain("explain",
                      cl::desc("Describe what the compiler decided at --shape: the block map, "
                               "tiles, schedule, registers and builds (text to stdout; with -o, "
                               "<kernel>.explain.txt and <kernel>.explain.svg)"),
                      cl::cat(category));
cl::opt<std::string> explainShape("shape", cl::desc("The problem size --explain describes"),
                                  cl::value_desc("b=B,seq_q=SQ,seq_kv=SKV"), cl::cat(category));
cl::list<std::string> explainParams(
    "param",
    cl::desc("--explain: NAME=FILE, the param's values from FILE (raw little-endian int32 or "
             "float32, as faattn-run's --param) instead of random ones (repeatable)"),
    cl::value_desc("name=file"), cl::cat(category));

/// The pipeline's stages for --stop-after: the frontend, then each pass.
std::string stageList() {
  std::string s = "frontend";
  for (llvm::StringRef name : faattn::algorithmPassNames())
    s += ", " + name.str();
  for (llvm::StringRef name : faattn::gpuLoweringPassNames())
    s += ", " + name.str();
  return s;
}

int fail(const llvm::Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "faattn-compile") << msg << "\n";
  return 1;
}

std::string summaryLine(const spec::KernelSpec &k, mlir::ModuleOp module) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << k.name << ": " << spec::modeName(k.mode) << " " << spec::dtypeName(k.dtype);
  if (k.kvDtype) // an e4m3 KV cache under a 16-bit Q
    os << " kv=" << spec::dtypeName(*k.kvDtype);
  if (k.outDtype) // an e4m3 output
    os << " out=" << spec::dtypeName(*k.outDtype);
  os << " heads=" << k.headsQ << ":" << k.headsKV << " head_dim=" << k.headDimQK << ":"
     << k.headDimV << " target=" << spec::targetName(k.target)
     << " mask=" << (k.mask ? "yes" : "none") << " params=" << k.params.size()
     << " hash=" << spec::specHash(k).substr(0, 16);
  auto fn = module.lookupSymbol<mlir::func::FuncOp>(k.name);
  faattn::TileDotOp qk; // the first dot is S = Q K^T: its shape is the tile
  fn.walk([&](faattn::TileDotOp d) {
    if (!qk)
      qk = d;
  });
  if (qk)
    os << " tile=" << qk.getType().getShape()[0] << "x" << qk.getType().getShape()[1];
  mlir::DictionaryAttr counts;
  fn.walk([&](mlir::Operation *o) {
    if (auto c = o->getAttrOfType<mlir::DictionaryAttr>(FAAttnDialect::getBlockCountsAttrName()))
      counts = c;
  });
  if (counts) {
    auto get = [&](const char *n) {
      return mlir::cast<mlir::IntegerAttr>(counts.get(n)).getInt();
    };
    os << " blocks@" << referenceShape << ": empty=" << get("empty")
       << " partial=" << get("partial") << " full=" << get("full");
  }
  return s;
}

nlohmann::json specDocument(const spec::KernelSpec &k) {
  return {{"hash", spec::specHash(k)}, {"spec", spec::canonicalJson(k)}};
}

} // namespace

/// ptxas's resource report ("Used 40 registers, ... 8 bytes spill stores").
nlohmann::json parsePtxasReport(llvm::StringRef text) {
  nlohmann::json r = nlohmann::json::object();
  auto number = [&](llvm::StringRef line, llvm::StringRef before) -> std::optional<int64_t> {
    size_t at = line.find(before);
    if (at == llvm::StringRef::npos)
      return std::nullopt;
    llvm::StringRef head = line.take_front(at).rtrim();
    size_t space = head.find_last_of(" ,:");
    int64_t v;
    if (head.drop_front(space + 1).getAsInteger(10, v))
      return std::nullopt;
    return v;
  };
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  for (llvm::StringRef line : lines) {
    if (auto v = number(line, " registers"))
      r["registers"] = *v;
    if (auto v = number(line, " bytes smem"))
      r["shared_bytes"] = *v;
    if (auto v = number(line, " bytes stack frame"))
      r["stack_bytes"] = *v;
    if (auto v = number(line, " bytes spill stores"))
      r["spill_stores"] = *v;
    if (auto v = number(line, " bytes spill loads"))
      r["spill_loads"] = *v;
  }
  return r;
}

using Artifact = faattn::compile::OutputFile;

/// Runs ptxas (when on PATH) on `ptx`; fills `cubin` and returns the report.
std::optional<nlohmann::json> runPtxas(llvm::StringRef ptx, llvm::StringRef chip,
                                       std::string &cubin, std::string &errors) {
  auto ptxas = llvm::sys::findProgramByName("ptxas");
  if (!ptxas)
    ptxas = llvm::sys::findProgramByName("ptxas", {"/usr/local/cuda/bin"});
  if (!ptxas)
    return std::nullopt;
  llvm::SmallString<128> in, out, log;
  int inFD = -1;
  if (llvm::sys::fs::createTemporaryFile("faattn", "ptx", inFD, in) ||
      llvm::sys::fs::createTemporaryFile("faattn", "cubin", out) ||
      llvm::sys::fs::createTemporaryFile("faattn", "log", log)) {
    if (inFD >= 0)
      ::close(inFD);
    errors = "cannot create temporary files for ptxas";
    return nlohmann::json();
  }
  llvm::scope_exit cleanup([&] {
    llvm::sys::fs::remove(in);
    llvm::sys::fs::remove(out);
    llvm::sys::fs::remove(log);
  });
  {
    // Checked: a full disk is an error here, never an exit.
    std::string why = faattn::io::writeAll(inFD, ptx.data(), ptx.size());
    if (::close(inFD) != 0 && why.empty())
      why = std::strerror(errno);
    if (!why.empty()) {
      errors = "cannot write '" + std::string(in) + "' for ptxas: " + why;
      return nlohmann::json();
    }
  }
  std::string arch = "-arch=" + chip.str();
  llvm::StringRef args[] = {*ptxas, arch, "-v", "-o", out, in};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(log),
                                                llvm::StringRef(log)};
  int rc = llvm::sys::ExecuteAndWait(*ptxas, args, std::nullopt, redirects);
  auto logText = llvm::MemoryBuffer::getFile(log);
  std::string report = logText ? (*logText)->getBuffer().str() : "";
  if (rc != 0) {
    errors = "ptxas failed (" + std::to_string(rc) + "): " + report;
    return nlohmann::json();
  }
  auto bin = llvm::MemoryBuffer::getFile(out, /*IsText=*/false);
  if (bin)
    cubin = (*bin)->getBuffer().str();
  return parsePtxasReport(report);
}

/// --emit=ptx: each kernel through the algorithm passes and the GPU (SIMT)
/// path to PTX, with a metadata JSON; everything is produced before anything
/// is written.
int emitPTXFiles(const std::vector<spec::KernelSpec> &kernels, llvm::SourceMgr &sm,
                 mlir::TimingScope &timing) {
  mlir::DialectRegistry registry;
  registerFAAttnDialects(registry);
  faattn::registerGpuDialects(registry);
  mlir::MLIRContext ctx(registry);
  std::vector<Artifact> artifacts;
  std::vector<std::string> written; // what is printed after writing
  for (const spec::KernelSpec &k : kernels) {
    mlir::TimingScope kernelTime = timing.nest("kernel " + k.name);
    llvm::Expected<faattn::GpuKernel> kernel =
        faattn::compileForGpu(ctx, k, sm, printIRAfterAll, &kernelTime);
    if (!kernel)
      return fail(llvm::toString(kernel.takeError()));
    // Each build's metadata: the kernel ABI's JSON form (faattn/Target/
    // KernelABIJson.h: arguments, launch, mapping), its PTX file, and its
    // cubin with ptxas' report when ptxas is on PATH.
    auto describe = [&](const faattn::GpuKernel &g, const std::string &file, const char *what,
                        nlohmann::json &out) -> bool {
      out.update(faattn::kernelToJson(g));
      out["ptx"] = file + ".ptx";
      out["cubin"] = nullptr;
      out["resources"] = nullptr;
      std::string cubin, ptxasErrors;
      mlir::TimingScope ptxasTime = kernelTime.nest(std::string("ptxas") + what);
      auto report = runPtxas(g.ptx, g.target, cubin, ptxasErrors);
      ptxasTime.stop();
      if (report) {
        if (!ptxasErrors.empty()) {
          fail("kernel '" + k.name + "'" + what + ": " + ptxasErrors);
          return false;
        }
        out["cubin"] = file + ".cubin";
        out["resources"] = *report;
        artifacts.push_back({file + ".cubin", cubin});
      }
      artifacts.push_back({file + ".ptx", g.ptx});
      return true;
    };
    nlohmann::json meta = {{"kernel", k.name}, {"spec_hash", spec::specHash(k)}};
    if (!describe(*kernel, k.name, "", meta))
      return 1;
    written.push_back(k.name + ": " + outDir + "/" + k.name + ".ptx");
    // overlap = auto's shape-dependent builds: the same entry, parameters and
    // ABI in their own PTX, launched instead from seq_kv >= min_seq_kv.
    nlohmann::json alternatives = nlohmann::json::array();
    for (const faattn::GpuKernel &alt : kernel->alternatives) {
      nlohmann::json a = nlohmann::json::object();
      if (!describe(alt, k.name + ".kv" + std::to_string(alt.minSeqKV),
                    " (its long-KV build, overlap = auto)", a))
        return 1;
      alternatives.push_back(std::move(a));
      written.push_back(k.name + ": " + outDir + "/" + k.name + ".kv" +
                        std::to_string(alt.minSeqKV) + ".ptx (launched from seq_kv " +
                        std::to_string(alt.minSeqKV) + ")");
    }
    meta["alternatives"] = std::move(alternatives);
    // One spec, both directions: a forward kernel with the `backward` flag
    // also yields its backward (spec::backwardOf), in NAME.backward.ptx.
    meta["backward_kernel"] = nullptr;
    if (k.backward) {
      spec::KernelSpec bk = spec::backwardOf(k);
      llvm::Expected<faattn::GpuKernel> backward =
          faattn::compileForGpu(ctx, bk, sm, printIRAfterAll, &kernelTime);
      if (!backward)
        return fail(llvm::toString(backward.takeError()));
      nlohmann::json b = {{"spec_hash", spec::specHash(bk)}};
      if (!describe(*backward, k.name + ".backward", " (its backward)", b))
        return 1;
      meta["backward_kernel"] = std::move(b);
      written.push_back(k.name + ": " + outDir + "/" + k.name + ".backward.ptx (its backward)");
    }
    artifacts.push_back({k.name + ".json", meta.dump(2) + "\n"});
  }
  if (outDir.empty()) {
    for (const Artifact &a : artifacts)
      if (llvm::StringRef(a.file).ends_with(".ptx"))
        llvm::outs() << a.text;
    return 0;
  }
  if (llvm::sys::fs::exists(outDir) && !llvm::sys::fs::is_directory(outDir))
    return fail("output path '" + outDir + "' exists and is not a directory");
  // All or nothing (Output.h).
  if (std::string why = faattn::compile::writeOutputs(outDir, artifacts); !why.empty())
    return fail(why);
  for (const std::string &line : written)
    llvm::outs() << line << "\n";
  return 0;
}

int run(int argc, char **argv) {
  std::vector<char *> args;
  for (int i = 0; i < argc; ++i) {
    llvm::StringRef a(argv[i]);
    if (i > 0 && (a.consume_front("--stop-after=") || a.consume_front("-stop-after=")))
      stopAfter = a.str();
    else
      args.push_back(argv[i]);
  }
  cl::HideUnrelatedOptions(category);
  std::string stopAfterText = "\n  --stop-after=<stage>  stop after this stage (" + stageList() + ")\n";
  cl::extrahelp stopAfterHelp(stopAfterText.c_str());
  cl::ParseCommandLineOptions(static_cast<int>(args.size()), args.data(),
                              "faattn-compile: attention specs to GPU kernels\n");

  faattn::compile::ExplainShape shape; // --explain (Explain.h)
  if (std::string why = faattn::compile::checkExplainOptions(
          explain, explainShape.getNumOccurrences() > 0, explainShape, !explainParams.empty(),
          emit.getNumOccurrences() > 0, !stopAfter.empty(), shape);
      !why.empty())
    return fail(why);

  if (timeStages && emit != Emit::PTX)
    return fail("--time times the GPU build: use it with --emit=ptx");
  // Stage times (--time), printed to stderr when the manager goes.
  mlir::DefaultTimingManager timingManager;
  timingManager.setEnabled(timeStages);
  mlir::TimingScope rootTime = timingManager.getRootScope();
  mlir::TimingScope parseTime = rootTime.nest("parse and check");

  // 1. Read, parse and check everything.
  llvm::SourceMgr sm;
  std::vector<spec::KernelSpec> kernels;
  bool ok = true;
  for (const std::string &path : inputs) {
    // A regular file of at most kMaxSpecBytes: a FIFO, a device or a
    // directory is refused, never blocked on or read without end.
    std::string text;
    if (std::string why = faattn::io::readRegularFile(path, spec::kMaxSpecBytes, text);
        !why.empty()) {
      fail(why);
      ok = false;
      continue;
    }
    unsigned id =
        sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, path), llvm::SMLoc());
    auto parsed = spec::parseAndCheck(sm, id, llvm::errs());
    if (!parsed) {
      ok = false;
      continue;
    }
    for (spec::KernelSpec &k : *parsed)
      kernels.push_back(std::move(k));
  }
  if (!ok)
    return 1;
  parseTime.stop();
  if (!onlyKernel.empty()) {
    llvm::erase_if(kernels, [](const spec::KernelSpec &k) { return k.name != onlyKernel; });
    if (kernels.empty())
      return fail("no kernel named '" + onlyKernel + "' in the input");
  }
  // Names must be unique across all inputs too: they name output files.
  // (A hash map from name to first definition: linear in the kernels.)
  llvm::StringMap<size_t> firstKernel;
  for (size_t i = 0; i < kernels.size(); ++i)
    if (auto [it, inserted] = firstKernel.try_emplace(kernels[i].name, i); !inserted) {
      spec::Diagnostics diag(sm, llvm::errs());
      diag.error(kernels[i].loc, "duplicate kernel name '" + kernels[i].name + "'");
      diag.note(kernels[it->second].loc, "previous definition is here");
      return 1;
    }

  if (explain) {
    if (std::string why = faattn::compile::runExplain(kernels, sm, shape, explainParams,
                                                           outDir, llvm::outs());
        !why.empty())
      return fail(why);
    return 0;
  }

  // 2. Lower. Every kernel is built and verified before anything is written.
  mlir::DialectRegistry registry;
  registerFAAttnDialects(registry);
  // A GPU lowering pass as the stage: the algorithm passes as the GPU build
  // runs them (the split-KV workspace as arguments), then the lowering up to it.
  bool gpuStage = llvm::is_contained(faattn::gpuLoweringPassNames(), stopAfter);
  if (gpuStage)
    faattn::registerGpuDialects(registry);
  mlir::MLIRContext ctx(registry);
  int64_t refQ = 0, refKV = 0;
  {
    auto [a, b] = llvm::StringRef(referenceShape).split('x');
    if (a.getAsInteger(10, refQ) || b.getAsInteger(10, refKV) || refQ <= 0 || refKV <= 0)
      return fail("--reference-shape must be SQxSKV with positive sizes, got '" +
                  referenceShape + "'");
  }
  if (!stopAfter.empty() && stopAfter != "frontend" && !gpuStage &&
      !llvm::is_contained(faattn::algorithmPassNames(), stopAfter))
    return fail("unknown stage '" + stopAfter + "' for --stop-after (expected " + stageList() +
                ")");
  if (emit == Emit::PTX)
    return emitPTXFiles(kernels, sm, rootTime);
  mlir::OwningOpRef<mlir::ModuleOp> module;
  if (emit != Emit::SpecJson) {
    module = buildModule(ctx, kernels, sm);
    if (mlir::failed(mlir::verify(*module)))
      return fail("internal error: the IR built from the spec does not verify");
    for (auto fn : module->getOps<mlir::func::FuncOp>())
      fn->setAttr(FAAttnDialect::getReferenceShapeAttrName(),
                  mlir::DenseI64ArrayAttr::get(&ctx, {refQ, refKV}));
    mlir::PassManager pm(&ctx);
    if (printIRAfterAll) {
      ctx.disableMultithreading();
      pm.enableIRPrinting();
    }
    if (gpuStage) {
      faattn::AlgorithmOptions gpu;
      gpu.splitKVWorkspaceArgs = true;
      gpu.padHeadDims = faattn::experimentalPaddedHeadDims();
      faattn::addAlgorithmPasses(pm, gpu);
      // The lowerings as compileForGpu takes them (the tensor-core backward
      // when every backward kernel here qualifies, the experimental e4m3 K/V).
      bool backwardWgmma = llvm::any_of(kernels, [](const spec::KernelSpec &k) {
        return faattn::takesBackwardWgmma(k);
      }) && llvm::all_of(kernels, [](const spec::KernelSpec &k) {
        return k.mode != spec::Mode::Backward || faattn::takesBackwardWgmma(k);
      });
      // (The key split likewise: when every backward kernel here takes it.)
      bool keySplit = backwardWgmma && llvm::all_of(kernels, [](const spec::KernelSpec &k) {
        return k.mode != spec::Mode::Backward || faattn::takesBackwardKeySplit(k);
      });
      faattn::addGpuLoweringPasses(pm, stopAfter, faattn::experimentalE4M3KV(), backwardWgmma,
                                   faattn::experimentalPaddedHeadDims(), keySplit);
    } else if (stopAfter != "frontend") {
      // The algorithm passes as the GPU build runs them (the padded tiles too).
      faattn::AlgorithmOptions algorithm;
      algorithm.stopAfter = stopAfter;
      algorithm.padHeadDims = faattn::experimentalPaddedHeadDims();
      faattn::addAlgorithmPasses(pm, algorithm);
    }
    if (mlir::failed(pm.run(*module)))
      return fail("internal error: the pass pipeline failed");
  }
  auto moduleText = [&](llvm::StringRef name) {
    std::string text;
    llvm::raw_string_ostream os(text);
    if (name.empty())
      module->print(os);
    else
      module->lookupSymbol(name)->print(os);
    return text;
  };

  // 3. Produce.
  if (emit == Emit::MLIR) {
    if (outDir.empty()) {
      llvm::outs() << moduleText("");
      return 0;
    }
  }
  if (outDir.empty()) {
    for (const spec::KernelSpec &k : kernels) {
      if (emit == Emit::Summary)
        llvm::outs() << summaryLine(k, *module) << "\n";
      else
        llvm::outs() << specDocument(k).dump(2) << "\n";
    }
    return 0;
  }
  if (emit == Emit::Summary) { // the summary always goes to stdout; -o has nothing to hold
    for (const spec::KernelSpec &k : kernels)
      llvm::outs() << summaryLine(k, *module) << "\n";
    return 0;
  }
  if (llvm::sys::fs::exists(outDir) && !llvm::sys::fs::is_directory(outDir))
    return fail("output path '" + outDir + "' exists and is not a directory");
  std::vector<Artifact> files;
  for (const spec::KernelSpec &k : kernels) {
    if (emit == Emit::MLIR)
      files.push_back({k.name + ".mlir", moduleText(k.name)});
    else
      files.push_back({k.name + ".spec.json", specDocument(k).dump(2) + "\n"});
  }
  // All or nothing (Output.h): a temporary directory renamed into place.
  if (std::string why = faattn::compile::writeOutputs(outDir, files); !why.empty())
    return fail(why);
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  int rc = run(argc, argv);
  // Standard output is checked too (a full disk, a closed pipe): an error,
  // never LLVM's "IO failure on output stream" abort.
  llvm::outs().flush();
  if (std::error_code ec = llvm::outs().error()) {
    llvm::outs().clear_error();
    fail("cannot write to standard output: " + ec.message());
    rc = 1;
  }
  llvm::errs().clear_error();
  return rc;
}
