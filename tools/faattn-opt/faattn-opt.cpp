//===- faattn-opt.cpp - mlir-opt for faattn's dialects and passes ---------===//
#include "faattn/Frontend/SpecToIR.h"
#include "faattn/Transforms/Passes.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  faattn::registerFAAttnPasses();
  mlir::DialectRegistry registry;
  faattn::registerFAAttnDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "faattn optimizer driver\n", registry));
}
