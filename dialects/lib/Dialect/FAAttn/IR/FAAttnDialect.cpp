//===- FAAttnDialect.cpp - The faattn dialect: types, ops, verifiers ------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace faattn;

#include "faattn/Dialect/FAAttn/IR/FAAttnDialect.cpp.inc"
#include "faattn/Dialect/FAAttn/IR/FAAttnEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "faattn/Dialect/FAAttn/IR/FAAttnTypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "faattn/Dialect/FAAttn/IR/FAAttnAttrs.cpp.inc"

#define GET_OP_CLASSES
#include "faattn/Dialect/FAAttn/IR/FAAttnOps.cpp.inc"

void FAAttnDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "faattn/Dialect/FAAttn/IR/FAAttnTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "faattn/Dialect/FAAttn/IR/FAAttnAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "faattn/Dialect/FAAttn/IR/FAAttnOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// TileType
//===----------------------------------------------------------------------===//

// !faattn.tile<128x64xf32> or !faattn.tile<128x64xf32, #encoding>
Type TileType::parse(AsmParser &parser) {
  SmallVector<int64_t> shape;
  Type elementType;
  Attribute encoding;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/false, /*withTrailingX=*/true) ||
      parser.parseType(elementType))
    return {};
  if (succeeded(parser.parseOptionalComma()) && parser.parseAttribute(encoding))
    return {};
  if (parser.parseGreater())
    return {};
  return parser.getChecked<TileType>(parser.getContext(), shape, elementType, encoding);
}

void TileType::print(AsmPrinter &printer) const {
  printer << "<";
  printer.printDimensionList(getShape());
  printer << "x" << getElementType();
  if (getEncoding())
    printer << ", " << getEncoding();
  printer << ">";
}

LogicalResult TileType::verify(function_ref<InFlightDiagnostic()> emitError,
                               ArrayRef<int64_t> shape, Type elementType,
                               Attribute encoding) {
  if (shape.size() != 2)
    return emitError() << "tile must be 2-D, got rank " << shape.size();
  for (int64_t d : shape)
    if (d <= 0)
      return emitError() << "tile dimensions must be positive, got " << d;
  if (!elementType.isIntOrFloat())
    return emitError() << "tile element type must be an integer or float, got "
                       << elementType;
  return success();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

void AttentionOp::build(OpBuilder &b, OperationState &state, Value q, Value k, Value v,
                        Value out, Value lse, ValueRange params, int64_t numHeads,
                        int64_t numKVHeads, float scale, Mode mode, Layout layout) {
  state.addOperands({q, k, v, out});
  if (lse)
    state.addOperands(lse);
  state.addOperands(params);
  state.getOrAddProperties<Properties>().operandSegmentSizes = {
      1, 1, 1, 1, lse ? 1 : 0, static_cast<int32_t>(params.size())};
  Properties &props = state.getOrAddProperties<Properties>();
  props.num_heads = b.getI64IntegerAttr(numHeads);
  props.num_kv_heads = b.getI64IntegerAttr(numKVHeads);
  props.scale = b.getF32FloatAttr(scale);
  props.mode = ModeAttr::get(b.getContext(), mode);
  props.layout = LayoutAttr::get(b.getContext(), layout);
  state.addRegion(); // score
  state.addRegion(); // mask
}

void AttentionOp::getAsmBlockArgumentNames(Region &region, OpAsmSetValueNameFn setName) {
  if (region.empty())
    return;
  Block &block = region.front();
  static const char *const names[kNumIndexArgs] = {"b", "h", "q_idx", "kv_idx", "seq_q",
                                                   "seq_kv"};
  unsigned i = 0;
  if (&region == &getScore() && block.getNumArguments() > 0)
    setName(block.getArgument(i++), "score");
  for (const char *n : names)
    if (i < block.getNumArguments())
      setName(block.getArgument(i++), n);
}

int64_t AttentionOp::getHeadDimQK() {
  return cast<MemRefType>(getQ().getType()).getShape().back();
}
int64_t AttentionOp::getHeadDimV() {
  return cast<MemRefType>(getV().getType()).getShape().back();
}

LogicalResult AttentionOp::verify() {
  int64_t heads = getNumHeads(), kvHeads = getNumKvHeads();
  if (heads % kvHeads != 0)
    return emitOpError() << "num_heads (" << heads << ") must be a multiple of num_kv_heads ("
                         << kvHeads << ")";
  unsigned headDimIdx = getLayout() == Layout::bshd ? 2 : 1;
  struct Operand {
    const char *name;
    Value value;
    int64_t heads;
  } operands[] = {{"q", getQ(), heads},
                  {"k", getK(), kvHeads},
                  {"v", getV(), kvHeads},
                  {"out", getOut(), heads}};
  for (const Operand &o : operands) {
    auto t = cast<MemRefType>(o.value.getType());
    if (t.getRank() != 4)
      return emitOpError() << "'" << o.name << "' must be a 4-D memref, got " << t;
    if (ShapedType::isDynamic(t.getShape().back()))
      return emitOpError() << "'" << o.name << "' must have a static head dimension";
    int64_t h = t.getShape()[headDimIdx];
    if (!ShapedType::isDynamic(h) && h != o.heads)
      return emitOpError() << "'" << o.name << "' has " << h << " heads, expected " << o.heads;
    if (!isa<FloatType>(t.getElementType()))
      return emitOpError() << "'" << o.name << "' must have a float element type";
  }
  Type inType = cast<MemRefType>(getQ().getType()).getElementType();
  if (cast<MemRefType>(getK().getType()).getElementType() != inType ||
      cast<MemRefType>(getV().getType()).getElementType() != inType)
    return emitOpError() << "'q', 'k' and 'v' must have the same element type";
  auto dim = [](Value v) { return cast<MemRefType>(v.getType()).getShape().back(); };
  if (dim(getQ()) != dim(getK()))
    return emitOpError() << "'q' and 'k' head dims differ: " << dim(getQ()) << " vs "
                         << dim(getK());
  if (dim(getV()) != dim(getOut()))
    return emitOpError() << "'v' and 'out' head dims differ: " << dim(getV()) << " vs "
                         << dim(getOut());
  if (Value lse = getLse()) {
    auto t = cast<MemRefType>(lse.getType());
    if (t.getRank() != 3 || !t.getElementType().isF32())
      return emitOpError() << "'lse' must be a 3-D f32 memref (batch, heads, seq_q), got " << t;
  }
  if (auto page = getPagedKvPage(); page && *page <= 0)
    return emitOpError() << "paged_kv_page must be positive";
  if (auto tile = getTile()) {
    if (tile->size() != 2 || (*tile)[0] <= 0 || (*tile)[1] <= 0)
      return emitOpError() << "tile must be two positive sizes [block_m, block_n]";
  }
  return success();
}

LogicalResult AttentionOp::verifyRegions() {
  Builder b(getContext());
  auto checkRegion = [&](Region &region, const char *name, Type leading,
                         Type yielded) -> LogicalResult {
    SmallVector<Type> expected;
    if (leading)
      expected.push_back(leading);
    expected.append(kNumIndexArgs, b.getI32Type());
    llvm::append_range(expected, getParams().getTypes());
    Block &block = region.front();
    if (block.getArgumentTypes() != ArrayRef<Type>(expected)) {
      InFlightDiagnostic diag = emitOpError() << "'" << name << "' region must take (";
      llvm::interleaveComma(expected, diag);
      return diag << ")";
    }
    auto yield = dyn_cast<YieldOp>(block.getTerminator());
    if (!yield)
      return emitOpError() << "'" << name << "' region must end with faattn.yield";
    if (yield.getValue().getType() != yielded)
      return emitOpError() << "'" << name << "' region must yield " << yielded << ", got "
                           << yield.getValue().getType();
    return success();
  };
  if (failed(checkRegion(getScore(), "score", b.getF32Type(), b.getF32Type())))
    return failure();
  if (hasMask() && failed(checkRegion(getMask(), "mask", Type(), b.getI1Type())))
    return failure();
  return success();
}
