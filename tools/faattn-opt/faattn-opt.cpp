//===- faattn-opt.cpp - mlir-opt for faattn's dialects and passes ---------===//
//
// faattn's dialects and passes, plus every upstream dialect, extension and
// pass, so that the lit tests can run any part of the lowering (e.g. the
// CPU path's bufferization) on its own.
//
//===----------------------------------------------------------------------===//
#include "faattn/Frontend/SpecToIR.h"
#include "faattn/Conversion/Passes.h"
#include "faattn/Target/Passes.h"
#include "faattn/Transforms/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  faattn::registerFAAttnPasses();
  faattn::registerFAAttnConversionPasses();
  faattn::registerFAAttnTargetPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  faattn::registerFAAttnDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "faattn optimizer driver\n", registry));
}
