//===- KernelABIIR.h - a kernel ABI argument as an MLIR type ----*- C++ -*-===//
//
// The kernel function's argument types come from the kernel ABI's argument
// list (KernelABI.h, kernelArgs): the frontend builds the kernel's
// signature from it, and faattn-split-kv appends the workspace arguments
// from it, so that the order, the element types and the static extents are
// defined once.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TARGET_KERNELABIIR_H
#define FAATTN_TARGET_KERNELABIIR_H

#include "faattn/Target/KernelABI.h"

#include "mlir/IR/BuiltinTypes.h"

namespace faattn {

/// The memref type of `arg`: its dtype as the element type (with
/// `f32Storage`, the CPU path's, 16- and 8-bit floats as f32), its static
/// extents (KernelArg::staticDims) static, every other extent dynamic.
mlir::MemRefType kernelArgType(mlir::MLIRContext *ctx, const KernelArg &arg,
                               bool f32Storage = false);

} // namespace faattn

#endif // FAATTN_TARGET_KERNELABIIR_H
