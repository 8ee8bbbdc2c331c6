//===- TensorMapArgs.cpp - faattn-tensor-map-args ---------------------------===//
//
// The TMA pipeline's kernels take their tensor maps (CUtensorMap, 128 bytes)
// by value in the parameter space, as CUDA's __grid_constant__ parameters:
// byval, 64-byte aligned, nvvm.grid_constant. faattn-tiles-to-wgmma appends
// them as pointer arguments and records their count; convert-gpu-to-nvvm
// drops argument attributes it does not know, so they are set here, on the
// lowered llvm.func.
//
//===----------------------------------------------------------------------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

namespace faattn {
#define GEN_PASS_DEF_FAATTNTENSORMAPARGS
#include "faattn/Conversion/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

struct TensorMapArgsPass : impl::FAAttnTensorMapArgsBase<TensorMapArgsPass> {
  void runOnOperation() override {
    getOperation().walk([&](LLVM::LLVMFuncOp fn) {
      auto count = fn->getAttrOfType<IntegerAttr>(FAAttnDialect::getTensorMapsAttrName());
      if (!count)
        return;
      int64_t n = count.getInt();
      unsigned args = fn.getNumArguments();
      if (n < 0 || n > args) {
        fn.emitError() << "faattn.tensor_maps = " << n << " but the function has " << args
                       << " arguments";
        return signalPassFailure();
      }
      MLIRContext *ctx = fn.getContext();
      OpBuilder b(ctx);
      auto blob = LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), 128);
      for (unsigned i = args - n; i < args; ++i) {
        if (!isa<LLVM::LLVMPointerType>(fn.getArgument(i).getType())) {
          fn.emitError() << "tensor-map argument " << i << " is not a pointer";
          return signalPassFailure();
        }
        fn.setArgAttr(i, LLVM::LLVMDialect::getByValAttrName(), TypeAttr::get(blob));
        fn.setArgAttr(i, LLVM::LLVMDialect::getAlignAttrName(), b.getI64IntegerAttr(64));
        fn.setArgAttr(i, NVVM::NVVMDialect::getGridConstantAttrName(), b.getUnitAttr());
      }
    });
  }
};

} // namespace
} // namespace faattn
