//===- faattn-compile.cpp - Spec files to kernels -------------------------===//
//
// faattn-compile [options] <spec.fa>...
//
// Reads every input, parses and checks every kernel, and only then writes
// anything: a spec with an error leaves the output directory untouched.
//
//===----------------------------------------------------------------------===//
#include "faattn/Frontend/SpecToIR.h"
#include "faattn/Spec/Spec.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

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

enum class Emit { Summary, SpecJson, MLIR };

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
                              clEnumValN(Emit::MLIR, "mlir", "the faattn dialect IR")),
                   cl::cat(category));
cl::opt<std::string> onlyKernel("kernel", cl::desc("Only this kernel"),
                                cl::value_desc("name"), cl::cat(category));

int fail(const llvm::Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "faattn-compile") << msg << "\n";
  return 1;
}

std::string summaryLine(const spec::KernelSpec &k) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << k.name << ": " << spec::modeName(k.mode) << " " << spec::dtypeName(k.dtype)
     << " heads=" << k.headsQ << ":" << k.headsKV << " head_dim=" << k.headDimQK << ":"
     << k.headDimV << " target=" << spec::targetName(k.target)
     << " mask=" << (k.mask ? "yes" : "none") << " params=" << k.params.size()
     << " hash=" << spec::specHash(k).substr(0, 16);
  return s;
}

nlohmann::json specDocument(const spec::KernelSpec &k) {
  return {{"hash", spec::specHash(k)}, {"spec", spec::canonicalJson(k)}};
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "faattn-compile: attention specs to GPU kernels\n");

  // 1. Read, parse and check everything.
  llvm::SourceMgr sm;
  std::vector<spec::KernelSpec> kernels;
  bool ok = true;
  for (const std::string &path : inputs) {
    auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
    if (!buf) {
      fail("cannot open '" + path + "': " + buf.getError().message());
      ok = false;
      continue;
    }
    unsigned id = sm.AddNewSourceBuffer(std::move(*buf), llvm::SMLoc());
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
  if (!onlyKernel.empty()) {
    llvm::erase_if(kernels, [](const spec::KernelSpec &k) { return k.name != onlyKernel; });
    if (kernels.empty())
      return fail("no kernel named '" + onlyKernel + "' in the input");
  }
  // Names must be unique across all inputs too: they name output files.
  for (size_t i = 0; i < kernels.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (kernels[i].name == kernels[j].name) {
        spec::Diagnostics diag(sm, llvm::errs());
        diag.error(kernels[i].loc, "duplicate kernel name '" + kernels[i].name + "'");
        diag.note(kernels[j].loc, "previous definition is here");
        return 1;
      }

  // 2. Lower. Every kernel is built and verified before anything is written.
  mlir::DialectRegistry registry;
  registerFAAttnDialects(registry);
  mlir::MLIRContext ctx(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module;
  if (emit == Emit::MLIR) {
    module = buildModule(ctx, kernels, sm);
    if (mlir::failed(mlir::verify(*module)))
      return fail("internal error: the IR built from the spec does not verify");
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
        llvm::outs() << summaryLine(k) << "\n";
      else
        llvm::outs() << specDocument(k).dump(2) << "\n";
    }
    return 0;
  }
  if (std::error_code ec = llvm::sys::fs::create_directories(outDir))
    return fail("cannot create output directory '" + outDir + "': " + ec.message());
  for (const spec::KernelSpec &k : kernels) {
    if (emit == Emit::Summary) {
      llvm::outs() << summaryLine(k) << "\n";
      continue;
    }
    llvm::SmallString<256> path(outDir);
    std::string text;
    if (emit == Emit::MLIR) {
      llvm::sys::path::append(path, k.name + ".mlir");
      text = moduleText(k.name);
    } else {
      llvm::sys::path::append(path, k.name + ".spec.json");
      text = specDocument(k).dump(2) + "\n";
    }
    // writeToOutput writes a temporary file and renames it into place.
    if (llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
          os << text;
          return llvm::Error::success();
        }))
      return fail("cannot write '" + path + "': " + llvm::toString(std::move(err)));
  }
  return 0;
}
