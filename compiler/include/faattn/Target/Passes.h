//===- Passes.h - faattn's target passes -----------------------*- C++ -*-===//
//
// faattn-tune and faattn-assign-layouts (declared in Passes.td beside this).
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TARGET_PASSES_H
#define FAATTN_TARGET_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace faattn {

#define GEN_PASS_DECL
#include "faattn/Target/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "faattn/Target/Passes.h.inc"

} // namespace faattn

#endif // FAATTN_TARGET_PASSES_H
