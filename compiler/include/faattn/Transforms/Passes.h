//===- Passes.h - faattn's passes -------------------------------*- C++ -*-===//
#ifndef FAATTN_TRANSFORMS_PASSES_H
#define FAATTN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace faattn {

#define GEN_PASS_DECL
#include "faattn/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "faattn/Transforms/Passes.h.inc"

} // namespace faattn

#endif // FAATTN_TRANSFORMS_PASSES_H
