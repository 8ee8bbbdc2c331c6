//===- Pipeline.h - faattn's pass pipelines ---------------------*- C++ -*-===//
#ifndef FAATTN_PIPELINE_PIPELINE_H
#define FAATTN_PIPELINE_PIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
class DialectRegistry;
}

namespace faattn {

/// The target-independent algorithm passes, in pipeline order, by flag.
llvm::ArrayRef<llvm::StringRef> algorithmPassNames();

/// Adds the algorithm passes (nested on func.func) up to and including
/// `stopAfter` (all of them when empty). Returns false when `stopAfter` names
/// no algorithm pass.
bool addAlgorithmPasses(mlir::OpPassManager &pm, llvm::StringRef stopAfter = "");

/// The CPU path after the algorithm passes: faattn-tiles-to-linalg, one-shot
/// bufferization, deallocation, loops, and conversion to the LLVM dialect.
void addCpuLoweringPasses(mlir::OpPassManager &pm);

/// Registers what the CPU path needs beyond registerFAAttnDialects: linalg,
/// tensor, bufferization and their bufferization models, the LLVM dialect
/// and its translation.
void registerCpuDialects(mlir::DialectRegistry &registry);

} // namespace faattn

#endif // FAATTN_PIPELINE_PIPELINE_H
