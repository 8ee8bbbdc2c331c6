//===- Passes.h - faattn's conversion passes -------------------*- C++ -*-===//
//
// The conversion passes (declared in Passes.td beside this header): the CPU
// path's faattn-backward-to-loops and faattn-tiles-to-linalg, the GPU paths' faattn-tiles-to-wgmma,
// faattn-fast-math, faattn-tiles-to-gpu and faattn-tensor-map-args.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_CONVERSION_PASSES_H
#define FAATTN_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace faattn {

#define GEN_PASS_DECL
#include "faattn/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "faattn/Conversion/Passes.h.inc"

} // namespace faattn

#endif // FAATTN_CONVERSION_PASSES_H
