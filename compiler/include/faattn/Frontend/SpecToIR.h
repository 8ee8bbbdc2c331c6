//===- SpecToIR.h - Checked specs to the faattn dialect ---------*- C++ -*-===//
#ifndef FAATTN_FRONTEND_SPECTOIR_H
#define FAATTN_FRONTEND_SPECTOIR_H

#include "faattn/Spec/AST.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace llvm {
class SourceMgr;
}

namespace faattn {

/// Registers every dialect that faattn's IR uses (faattn, func, arith, math,
/// memref, scf) with `registry`.
void registerFAAttnDialects(mlir::DialectRegistry &registry);

/// Builds one module with a `func.func @<kernel>` per checked kernel. Each
/// function takes (q, k, v, out[, lse], params...) memrefs and holds one
/// `faattn.attention` whose regions compute the spec's score and mask.
/// Source locations point into `sm` (file:line:col of the spec).
/// With `f32Storage`, Q, K, V and the output are f32 whatever the spec's
/// dtype: the CPU numerics checks run the algorithm in f32 against a float64
/// reference.
mlir::OwningOpRef<mlir::ModuleOp> buildModule(mlir::MLIRContext &ctx,
                                              const std::vector<spec::KernelSpec> &kernels,
                                              llvm::SourceMgr &sm, bool f32Storage = false);

/// The module of one kernel (see buildModule).
mlir::OwningOpRef<mlir::ModuleOp> buildKernelModule(mlir::MLIRContext &ctx,
                                                    const spec::KernelSpec &kernel,
                                                    llvm::SourceMgr &sm, bool f32Storage = false);

} // namespace faattn

#endif // FAATTN_FRONTEND_SPECTOIR_H
