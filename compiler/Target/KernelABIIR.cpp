//===- KernelABIIR.cpp - a kernel ABI argument as an MLIR type ------------===//
#include "faattn/Target/KernelABIIR.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/ErrorHandling.h"

#include <algorithm>

namespace faattn {

mlir::MemRefType kernelArgType(mlir::MLIRContext *ctx, const KernelArg &arg, bool f32Storage) {
  mlir::Builder b(ctx);
  mlir::Type elt;
  if (arg.dtype == "i32")
    elt = b.getI32Type();
  else if (arg.dtype == "f32" || f32Storage)
    elt = b.getF32Type();
  else if (arg.dtype == "bf16")
    elt = b.getBF16Type();
  else if (arg.dtype == "f16")
    elt = b.getF16Type();
  else if (arg.dtype == "e4m3")
    elt = b.getType<mlir::Float8E4M3FNType>();
  else
    llvm_unreachable("kernelArgs gave a dtype without an element type");
  llvm::SmallVector<int64_t> shape(arg.rank(), mlir::ShapedType::kDynamic);
  for (int64_t d : arg.staticDims)
    shape[d] = std::stoll(arg.shape[d]);
  return mlir::MemRefType::get(shape, elt);
}

} // namespace faattn
