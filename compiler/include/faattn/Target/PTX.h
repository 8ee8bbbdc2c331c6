//===- PTX.h - LLVM -> PTX for the faattn GPU kernels -----------*- C++ -*-===//
#ifndef FAATTN_TARGET_PTX_H
#define FAATTN_TARGET_PTX_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace faattn {

struct PTXOptions {
  std::string chip = "sm_90a";    // sm_90a or sm_80
  std::string features = "+ptx86"; // the PTX ISA version (8.6: cp.async.bulk.tensor to shared::cta)
  /// libdevice bitcode, linked when the kernel calls __nv_* math functions.
  std::string libdevice = "/usr/local/cuda/nvvm/libdevice/libdevice.10.bc";
  unsigned optLevel = 3;
  /// false: the NVPTX backend runs without LLVM's loop strength reduction
  /// (LLVM's -disable-lsr; ptxas strength-reduces the PTX itself). LSR is
  /// most of the backend's time for kernels whose mask or score reads q_idx
  /// and kv_idx per element (docs/PERFORMANCE.md step 72). The switch is
  /// LLVM's process-wide option: once a compile turns it off, the process's
  /// later compiles (and faattn-compile's --disable-lsr) run without it too.
  bool loopStrengthReduction = true;
  /// When set, the stages (translation to LLVM IR, libdevice, the optimizer,
  /// the NVPTX backend) are timed under it.
  mlir::TimingScope *timing = nullptr;
};

/// Translates a gpu.module already lowered to the LLVM/NVVM dialects into LLVM
/// IR, links libdevice if needed, optimizes it (O3, with NVVMReflect) and runs
/// the NVPTX backend: the PTX text, in memory.
llvm::Expected<std::string> emitPTX(mlir::gpu::GPUModuleOp module, const PTXOptions &options);

/// Registers the translations emitPTX needs (builtin, LLVM, NVVM, GPU).
void registerPTXTranslations(mlir::DialectRegistry &registry);

} // namespace faattn

#endif // FAATTN_TARGET_PTX_H
