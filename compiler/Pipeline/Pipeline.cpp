//===- Pipeline.cpp - faattn's pass pipelines ------------------------------===//
#include "faattn/Pipeline/Pipeline.h"

#include "faattn/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

using namespace mlir;

namespace faattn {

llvm::ArrayRef<llvm::StringRef> algorithmPassNames() {
  static const llvm::StringRef names[] = {"faattn-tile", "faattn-loop-order",
                                          "faattn-split-kv", "faattn-mask-analysis",
                                          "faattn-online-softmax"};
  return names;
}

bool addAlgorithmPasses(OpPassManager &pm, llvm::StringRef stopAfter) {
  if (!stopAfter.empty() && !llvm::is_contained(algorithmPassNames(), stopAfter))
    return false;
  OpPassManager &fn = pm.nest<func::FuncOp>();
  for (llvm::StringRef name : algorithmPassNames()) {
    if (name == "faattn-tile")
      fn.addPass(createFAAttnTile());
    else if (name == "faattn-loop-order")
      fn.addPass(createFAAttnLoopOrder());
    else if (name == "faattn-split-kv")
      fn.addPass(createFAAttnSplitKV());
    else if (name == "faattn-mask-analysis")
      fn.addPass(createFAAttnMaskAnalysis());
    else
      fn.addPass(createFAAttnOnlineSoftmax());
    if (name == stopAfter)
      break;
  }
  return true;
}

void addCpuLoweringPasses(OpPassManager &pm) {
  pm.nest<func::FuncOp>().addPass(createFAAttnTilesToLinalg());
  pm.addPass(createForallToForLoopPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.allowReturnAllocsFromLoops = true; // the KV loop's running tiles
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.nest<func::FuncOp>().addPass(createConvertLinalgToLoopsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass()); // what has no LLVM intrinsic (tanh)
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void registerCpuDialects(DialectRegistry &registry) {
  registry.insert<linalg::LinalgDialect, tensor::TensorDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  LLVM::LLVMDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

} // namespace faattn
