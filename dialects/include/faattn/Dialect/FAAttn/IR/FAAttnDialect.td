//===- FAAttnDialect.td - The faattn dialect ---------------*- tablegen -*-===//
#ifndef FAATTN_DIALECT_TD
#define FAATTN_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def FAAttn_Dialect : Dialect {
  let name = "faattn";
  let cppNamespace = "::faattn";
  let summary = "Attention kernels: the spec-level op and the tile-level algorithm";
  let description = [{
    `faattn.attention` is one attention variant as the user wrote it: Q, K, V,
    the output, extra params, and the score modification and mask as regions.
    Algorithm passes rewrite it into tile-level ops on `!faattn.tile` values.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect"];
}

class FAAttn_Op<string mnemonic, list<Trait> traits = []>
    : Op<FAAttn_Dialect, mnemonic, traits>;

def FAAttn_Mode : I32EnumAttr<"Mode", "attention mode", [
    I32EnumAttrCase<"forward", 0>, I32EnumAttrCase<"backward", 1>,
    I32EnumAttrCase<"decode", 2>]> {
  let cppNamespace = "::faattn";
  let genSpecializedAttr = 0;
}
def FAAttn_ModeAttr : EnumAttr<FAAttn_Dialect, FAAttn_Mode, "mode"> {
  let assemblyFormat = "`<` $value `>`";
}

def FAAttn_Layout : I32EnumAttr<"Layout", "memory layout of Q, K, V and O", [
    I32EnumAttrCase<"bshd", 0>, I32EnumAttrCase<"bhsd", 1>]> {
  let cppNamespace = "::faattn";
  let genSpecializedAttr = 0;
}
def FAAttn_LayoutAttr : EnumAttr<FAAttn_Dialect, FAAttn_Layout, "layout"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // FAATTN_DIALECT_TD
