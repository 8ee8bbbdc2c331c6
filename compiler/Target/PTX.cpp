//===- PTX.cpp - LLVM -> PTX for the faattn GPU kernels -------------------===//
#include "faattn/Target/PTX.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

namespace faattn {

void registerPTXTranslations(mlir::DialectRegistry &registry) {
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerNVVMDialectTranslation(registry);
  mlir::registerGPUDialectTranslation(registry);
}

/// Turns LLVM's codegen option -disable-lsr on, once per process (every
/// caller that asks waits until it is set, so no compile that asked runs
/// with the option half set).
static void disableLoopStrengthReduction() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto &options = llvm::cl::getRegisteredOptions();
    auto it = options.find("disable-lsr");
    if (it != options.end())
      if (auto *opt = static_cast<llvm::cl::opt<bool> *>(it->second))
        *opt = true;
  });
}

static llvm::Error error(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

llvm::Expected<std::string> emitPTX(mlir::gpu::GPUModuleOp gpuModule, const PTXOptions &opts) {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
  });
  if (!opts.loopStrengthReduction)
    disableLoopStrengthReduction();
  mlir::TimingScope none;
  mlir::TimingScope &timing = opts.timing ? *opts.timing : none;
  mlir::TimingScope stage = timing.nest("translate to LLVM IR");
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> module =
      mlir::translateModuleToLLVMIR(gpuModule, ctx, gpuModule.getName());
  if (!module)
    return error("cannot translate gpu.module '" + gpuModule.getName() + "' to LLVM IR");

  llvm::Triple triple("nvptx64-nvidia-cuda");
  std::string err;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, err);
  if (!target)
    return error("no NVPTX target in this LLVM: " + err);
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, opts.chip, opts.features, llvm::TargetOptions(), std::nullopt));
  if (!tm)
    return error("cannot create an NVPTX target machine for " + opts.chip);
  module->setTargetTriple(triple);
  module->setDataLayout(tm->createDataLayout());

  // Math functions come from libdevice (__nv_tanhf, ...).
  bool needsLibdevice = llvm::any_of(module->functions(), [](const llvm::Function &f) {
    return f.isDeclaration() && f.getName().starts_with("__nv_");
  });
  stage.stop();
  if (needsLibdevice) {
    stage = timing.nest("link libdevice");
    llvm::SMDiagnostic diag;
    // Read lazily: the link materializes only the functions the kernel calls
    // (a few of libdevice's hundreds), not the whole library.
    std::unique_ptr<llvm::Module> libdevice = llvm::getLazyIRFileModule(opts.libdevice, diag, ctx);
    if (!libdevice)
      return error("cannot read libdevice '" + opts.libdevice + "': " + diag.getMessage());
    libdevice->setTargetTriple(triple);
    libdevice->setDataLayout(module->getDataLayout());
    if (llvm::Linker::linkModules(*module, std::move(libdevice),
                                  llvm::Linker::Flags::LinkOnlyNeeded))
      return error("cannot link libdevice into the kernel module");
  }

  stage.stop();
  // Optimize (the NVPTX callbacks add NVVMReflect, which resolves libdevice's
  // __nvvm_reflect queries).
  stage = timing.nest("LLVM optimizer (O" + std::to_string(opts.optLevel) + ")");
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(tm.get());
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = opts.optLevel >= 3   ? llvm::OptimizationLevel::O3
                                  : opts.optLevel == 2 ? llvm::OptimizationLevel::O2
                                  : opts.optLevel == 1 ? llvm::OptimizationLevel::O1
                                                       : llvm::OptimizationLevel::O0;
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(level);
  mpm.run(*module, mam);

  stage.stop();
  stage = timing.nest("NVPTX backend");
  std::string ptx;
  {
    llvm::raw_string_ostream os(ptx);
    llvm::buffer_ostream bos(os);
    llvm::legacy::PassManager pm;
    if (tm->addPassesToEmitFile(pm, bos, nullptr, llvm::CodeGenFileType::AssemblyFile))
      return error("the NVPTX backend cannot emit assembly");
    pm.run(*module);
  }
  return ptx;
}

} // namespace faattn
