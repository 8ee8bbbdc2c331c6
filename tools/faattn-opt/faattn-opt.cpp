//===- faattn-opt.cpp - mlir-opt for faattn's dialects and passes ---------===//
#include "faattn/Frontend/SpecToIR.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  faattn::registerFAAttnDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "faattn optimizer driver\n", registry));
}
