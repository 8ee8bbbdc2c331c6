//===- FAAttnTypes.td - Types of the faattn dialect --------*- tablegen -*-===//
#ifndef FAATTN_TYPES_TD
#define FAATTN_TYPES_TD

include "faattn/Dialect/FAAttn/IR/FAAttnDialect.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

def FAAttn_TileType : TypeDef<FAAttn_Dialect, "Tile", [ShapedTypeInterface]> {
  let mnemonic = "tile";
  let summary = "A 2-D block of values held by one CTA";
  let description = [{
    `!faattn.tile<128x64xf32>` is a block of a larger matrix (a block of Q rows,
    of scores, of the output accumulator) that one CTA holds. Where it lives and
    how its elements map to threads is the optional encoding, which the GPU
    layout passes set (a wgmma accumulator fragment, a swizzled shared-memory
    buffer): `!faattn.tile<128x64xf32, #faattn.some_layout>`. Algorithm passes
    leave it empty.
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape, "::mlir::Type":$elementType,
                        DefaultValuedParameter<"::mlir::Attribute", "{}">:$encoding);
  let builders = [
    TypeBuilderWithInferredContext<(ins "::llvm::ArrayRef<int64_t>":$shape,
        "::mlir::Type":$elementType, CArg<"::mlir::Attribute", "{}">:$encoding), [{
      return $_get(elementType.getContext(), shape, elementType, encoding);
    }]>
  ];
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    using ::mlir::ShapedType::Trait<TileType>::clone;
    bool hasRank() const { return true; }
    TileType cloneWith(std::optional<::llvm::ArrayRef<int64_t>> shape,
                       ::mlir::Type elementType) const {
      return TileType::get(getContext(), shape.value_or(getShape()), elementType,
                           getEncoding());
    }
  }];
}

#endif // FAATTN_TYPES_TD
