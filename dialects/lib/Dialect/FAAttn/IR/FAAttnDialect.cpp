//===- FAAttnDialect.cpp - The faattn dialect: types, ops, verifiers ------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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
// Layout encodings
//===----------------------------------------------------------------------===//

LogicalResult WgmmaAccLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                         int64_t warpgroups) {
  if (warpgroups < 1 || warpgroups > 4)
    return emitError() << "warpgroups must be between 1 and 4, got " << warpgroups;
  return success();
}

LogicalResult WgmmaOperandALayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                              int64_t warpgroups) {
  if (warpgroups < 1 || warpgroups > 4)
    return emitError() << "warpgroups must be between 1 and 4, got " << warpgroups;
  return success();
}

LogicalResult WgmmaColumnsLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                             int64_t warpgroups) {
  if (warpgroups < 2 || warpgroups > 4)
    return emitError() << "a wgmma_cols tile splits its columns over 2 to 4 warpgroups, got "
                       << warpgroups;
  return success();
}

LogicalResult SharedLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                       int64_t swizzle, int64_t stages) {
  if (swizzle != 0 && swizzle != 32 && swizzle != 64 && swizzle != 128)
    return emitError() << "swizzle must be 0, 32, 64 or 128 bytes, got " << swizzle;
  if (stages < 1 || stages > 8)
    return emitError() << "stages must be between 1 and 8, got " << stages;
  return success();
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
  if (auto acc = llvm::dyn_cast_or_null<WgmmaAccLayoutAttr>(encoding)) {
    if (shape[0] != 64 * acc.getWarpgroups())
      return emitError() << "a wgmma_acc tile has 64 rows per warpgroup: expected "
                         << 64 * acc.getWarpgroups() << " rows, got " << shape[0];
    if (!elementType.isF32())
      return emitError() << "a wgmma_acc tile holds f32, got " << elementType;
  }
  if (auto a = llvm::dyn_cast_or_null<WgmmaOperandALayoutAttr>(encoding)) {
    if (shape[0] != 64 * a.getWarpgroups())
      return emitError() << "a wgmma_a tile has 64 rows per warpgroup: expected "
                         << 64 * a.getWarpgroups() << " rows, got " << shape[0];
    if (elementType.getIntOrFloatBitWidth() != 16)
      return emitError() << "a wgmma_a tile holds 16-bit elements, got " << elementType;
  }
  if (auto cols = llvm::dyn_cast_or_null<WgmmaColumnsLayoutAttr>(encoding)) {
    if (shape[0] != 64)
      return emitError() << "a wgmma_cols tile has 64 rows, got " << shape[0];
    if (shape[1] % (8 * cols.getWarpgroups()) != 0)
      return emitError() << "a wgmma_cols tile's columns split into blocks of multiples of 8: "
                         << shape[1] << " columns over " << cols.getWarpgroups()
                         << " warpgroups";
    if (!elementType.isF32() && elementType.getIntOrFloatBitWidth() != 16)
      return emitError() << "a wgmma_cols tile holds f32 or 16-bit elements, got "
                         << elementType;
  }
  if (auto sh = llvm::dyn_cast_or_null<SharedLayoutAttr>(encoding)) {
    int64_t rowBytes = shape[1] * elementType.getIntOrFloatBitWidth() / 8;
    if (sh.getSwizzle() && rowBytes % sh.getSwizzle() != 0)
      return emitError() << "a " << sh.getSwizzle() << "-byte swizzled tile needs rows of a "
                         << "multiple of " << sh.getSwizzle() << " bytes, got " << rowBytes;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

void AttentionOp::build(OpBuilder &b, OperationState &state, Value q, Value k, Value v,
                        Value out, Value lse, SequenceOperands seqs, ValueRange params,
                        int64_t numHeads, int64_t numKVHeads, float scale, Mode mode,
                        Layout layout, const BackwardOperands &backward) {
  state.addOperands({q, k, v, out});
  auto optional = [&](Value v) -> int32_t {
    if (v)
      state.addOperands(v);
    return v ? 1 : 0;
  };
  int32_t hasLse = optional(lse), hasCuQ = optional(seqs.cuSeqlensQ),
          hasCuKV = optional(seqs.cuSeqlensKV), hasTable = optional(seqs.blockTable),
          hasLens = optional(seqs.seqlensKV);
  state.addOperands(params);
  int32_t hasDout = optional(backward.dout), hasDq = optional(backward.dq),
          hasDk = optional(backward.dk), hasDv = optional(backward.dv);
  state.addOperands(backward.paramGrads);
  state.getOrAddProperties<Properties>().operandSegmentSizes = {
      1, 1, 1, 1, hasLse, hasCuQ, hasCuKV, hasTable, hasLens,
      static_cast<int32_t>(params.size()), hasDout, hasDq, hasDk, hasDv,
      static_cast<int32_t>(backward.paramGrads.size())};
  Properties &props = state.getOrAddProperties<Properties>();
  props.num_heads = b.getI64IntegerAttr(numHeads);
  props.num_kv_heads = b.getI64IntegerAttr(numKVHeads);
  props.scale = b.getF32FloatAttr(scale);
  props.mode = ModeAttr::get(b.getContext(), mode);
  props.layout = LayoutAttr::get(b.getContext(), layout);
  state.addRegion(); // score
  state.addRegion(); // mask
  state.addRegion(); // grad (faattn-score-grad)
  state.addRegion(); // v_descale (e4m3 kernels)
  state.addRegion(); // o_descale (an e4m3 output)
}

static void setIndexRegionArgNames(Region &region, bool hasScore,
                                   OpAsmSetValueNameFn setName);

void AttentionOp::getAsmBlockArgumentNames(Region &region, OpAsmSetValueNameFn setName) {
  setIndexRegionArgNames(region, &region == &getScore() || &region == &getGrad(), setName);
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
  Type kvType = cast<MemRefType>(getK().getType()).getElementType();
  if (cast<MemRefType>(getV().getType()).getElementType() != kvType)
    return emitOpError() << "'k' and 'v' must have the same element type";
  // K and V may differ from Q only as an e4m3 KV cache under a 16-bit Q (kv_dtype).
  if (kvType != inType && !(isa<Float8E4M3FNType>(kvType) && inType.getIntOrFloatBitWidth() == 16))
    return emitOpError() << "'q', 'k' and 'v' must have the same element type, or 'k' and 'v' "
                            "e4m3 under an f16 or bf16 'q'";
  if (kvType != inType && getMode() == Mode::backward)
    return emitOpError() << "e4m3 'k' and 'v' under a 16-bit 'q' are not supported with mode "
                            "backward";
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
  // The sequence operands: present exactly when varlen / paged KV need them.
  bool varlen = getVarlen(), paged = getPagedKvPage().has_value();
  struct SeqOperand {
    const char *name;
    Value value;
    bool wanted;
    int64_t rank;
    const char *why;
  } seqOperands[] = {
      {"cu_seqlens_q", getCuSeqlensQ(), varlen, 1, "varlen"},
      {"cu_seqlens_kv", getCuSeqlensKv(), varlen && !paged, 1, "varlen without paged KV"},
      {"block_table", getBlockTable(), paged, 2, "paged KV"},
      {"seqlens_kv", getSeqlensKv(), paged, 1, "paged KV"}};
  for (const SeqOperand &o : seqOperands) {
    if (o.wanted && !o.value)
      return emitOpError() << "needs '" << o.name << "' (" << o.why << ")";
    if (!o.wanted && o.value)
      return emitOpError() << "has '" << o.name << "', which only " << o.why << " takes";
    if (!o.value)
      continue;
    auto t = cast<MemRefType>(o.value.getType());
    if (t.getRank() != o.rank || !t.getElementType().isInteger(32))
      return emitOpError() << "'" << o.name << "' must be a " << o.rank << "-D i32 memref, got "
                           << t;
  }
  if (auto tile = getTile()) {
    if (tile->size() != 2 || (*tile)[0] <= 0 || (*tile)[1] <= 0)
      return emitOpError() << "tile must be two positive sizes [block_m, block_n]";
  }
  if (auto g = getHeadGroup()) {
    int64_t group = getNumHeads() / getNumKvHeads();
    if (static_cast<int64_t>(*g) <= 0 || group % static_cast<int64_t>(*g) != 0 ||
        (getTile() && (*getTile())[0] % static_cast<int64_t>(*g) != 0))
      return emitOpError() << "head_group must divide the GQA group (" << group
                           << ") and block_m, got " << *g;
  }
  if (auto grads = getRequiresGrad()) {
    int64_t previous = -1;
    for (int64_t p : *grads) {
      if (p <= previous || p >= static_cast<int64_t>(getParams().size()))
        return emitOpError() << "requires_grad must list positions of params in increasing "
                                "order, got "
                             << p;
      previous = p;
      if (!cast<MemRefType>(getParams()[p].getType()).getElementType().isF32())
        return emitOpError() << "requires_grad names param " << p << ", which is not f32";
    }
  }
  if (getDeterministic()) {
    if (getMode() != Mode::backward)
      return emitOpError() << "is deterministic, which only mode = backward takes";
    if (getRequiresGrad() && !getRequiresGrad()->empty())
      return emitOpError() << "is deterministic and has requires_grad: the param gradients' "
                              "adds are not ordered";
  }
  // The backward's gradient operands: all or none, on backward ops only.
  Value grads[] = {getDout(), getDq(), getDk(), getDv()};
  bool any = llvm::any_of(grads, [](Value v) { return bool(v); }) || !getParamGrads().empty();
  if (!any)
    return success();
  if (getMode() != Mode::backward)
    return emitOpError() << "has gradient operands (dout, dq, dk, dv, param_grads), which only "
                            "mode = backward takes";
  if (!llvm::all_of(grads, [](Value v) { return bool(v); }))
    return emitOpError() << "needs all of 'dout', 'dq', 'dk' and 'dv' (or none)";
  if (!getLse())
    return emitOpError() << "with gradient operands needs 'lse' (the forward's log-sum-exp)";
  struct Like {
    const char *name, *like;
    Value value, ref;
  } likes[] = {{"dout", "out", getDout(), getOut()},
               {"dq", "q", getDq(), getQ()},
               {"dk", "k", getDk(), getK()},
               {"dv", "v", getDv(), getV()}};
  for (const Like &l : likes) {
    auto t = cast<MemRefType>(l.value.getType()), r = cast<MemRefType>(l.ref.getType());
    if (t.getRank() != 4 || t.getShape()[headDimIdx] != r.getShape()[headDimIdx] ||
        t.getShape().back() != r.getShape().back() || !isa<FloatType>(t.getElementType()))
      return emitOpError() << "'" << l.name << "' must be shaped like '" << l.like << "' ("
                           << r << "), got " << t;
  }
  ArrayRef<int64_t> learnable = getRequiresGrad().value_or(ArrayRef<int64_t>());
  if (getParamGrads().size() != learnable.size())
    return emitOpError() << "needs one param gradient per requires_grad position ("
                         << learnable.size() << "), got " << getParamGrads().size();
  for (auto [g, p] : llvm::zip(getParamGrads(), learnable))
    if (g.getType() != getParams()[p].getType())
      return emitOpError() << "the gradient of param " << p << " must have its type "
                           << getParams()[p].getType() << ", got " << g.getType();
  return success();
}

/// Checks a score or mask region: arguments ([leading], b, h, q_idx, kv_idx,
/// seq_q, seq_kv, params...) and a faattn.yield of `yielded`.
static LogicalResult verifyIndexRegion(Operation *op, Region &region, StringRef name,
                                       Type leading, Type yielded, TypeRange paramTypes) {
  Builder b(op->getContext());
  SmallVector<Type> expected;
  if (leading)
    expected.push_back(leading);
  expected.append(AttentionOp::kNumIndexArgs, b.getI32Type());
  llvm::append_range(expected, paramTypes);
  Block &block = region.front();
  if (block.getArgumentTypes() != ArrayRef<Type>(expected)) {
    InFlightDiagnostic diag = op->emitOpError() << "'" << name << "' region must take (";
    llvm::interleaveComma(expected, diag);
    return diag << ")";
  }
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return op->emitOpError() << "'" << name << "' region must end with faattn.yield";
  if (yield.getValue().getType() != yielded)
    return op->emitOpError() << "'" << name << "' region must yield " << yielded << ", got "
                             << yield.getValue().getType();
  return success();
}

static void setIndexRegionArgNames(Region &region, bool hasScore,
                                   OpAsmSetValueNameFn setName) {
  if (region.empty())
    return;
  Block &block = region.front();
  static const char *const names[AttentionOp::kNumIndexArgs] = {"b", "h", "q_idx", "kv_idx",
                                                                "seq_q", "seq_kv"};
  unsigned i = 0;
  if (hasScore && block.getNumArguments() > 0)
    setName(block.getArgument(i++), "score");
  for (const char *n : names)
    if (i < block.getNumArguments())
      setName(block.getArgument(i++), n);
}

static LogicalResult verifyGradRegion(Operation *op, Region &region, TypeRange paramTypes,
                                      const ArrayRef<int64_t> *learnable);

LogicalResult AttentionOp::verifyRegions() {
  Builder b(getContext());
  if (failed(verifyIndexRegion(*this, getScore(), "score", b.getF32Type(), b.getF32Type(),
                               getParams().getTypes())))
    return failure();
  if (hasMask() && failed(verifyIndexRegion(*this, getMask(), "mask", Type(), b.getI1Type(),
                                            getParams().getTypes())))
    return failure();
  // The factor regions of e4m3 kernels: V's per (row, key), the output's per row.
  struct Factor {
    Region *region;
    const char *name, *article;
  } factors[] = {{&getVDescale(), "v_descale", "a"}, {&getODescale(), "o_descale", "an"}};
  for (const Factor &f : factors) {
    if (f.region->empty())
      continue;
    if (getMode() == Mode::backward)
      return emitOpError() << f.article << " '" << f.name
                           << "' region is not supported with mode backward";
    if (failed(verifyIndexRegion(*this, *f.region, f.name, Type(), b.getF32Type(),
                                 getParams().getTypes())))
      return failure();
  }
  if (hasGrad()) {
    ArrayRef<int64_t> learnable = getRequiresGrad().value_or(ArrayRef<int64_t>());
    return verifyGradRegion(*this, getGrad(), getParams().getTypes(), &learnable);
  }
  return success();
}

/// A grad region (an attention op's, or the backward tile ops' copy): the
/// score region's arguments, a faattn.grad_yield whose entries name param
/// arguments, of `learnable` when given.
static LogicalResult verifyGradRegion(Operation *op, Region &region, TypeRange paramTypes,
                                      const ArrayRef<int64_t> *learnable) {
  Builder b(op->getContext());
  Block &block = region.front();
  SmallVector<Type> expected{b.getF32Type()};
  expected.append(AttentionOp::kNumIndexArgs, b.getI32Type());
  llvm::append_range(expected, paramTypes);
  if (block.getArgumentTypes() != ArrayRef<Type>(expected)) {
    InFlightDiagnostic diag = op->emitOpError() << "'grad' region must take (";
    llvm::interleaveComma(expected, diag);
    return diag << ")";
  }
  auto yield = dyn_cast<GradYieldOp>(block.getTerminator());
  if (!yield)
    return op->emitOpError() << "'grad' region must end with faattn.grad_yield";
  for (Value ref : yield.getParamRefs()) {
    auto arg = dyn_cast<BlockArgument>(ref);
    unsigned first = 1 + AttentionOp::kNumIndexArgs;
    if (!arg || arg.getOwner() != &block || arg.getArgNumber() < first)
      return yield.emitOpError() << "params must be param arguments of the 'grad' region";
    if (learnable && !llvm::is_contained(*learnable, int64_t(arg.getArgNumber() - first)))
      return yield.emitOpError() << "yields a derivative for param "
                                 << arg.getArgNumber() - first
                                 << ", which the op's requires_grad does not list";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// GradYieldOp
//===----------------------------------------------------------------------===//

static int64_t rankOf(Value memref) { return cast<MemRefType>(memref.getType()).getRank(); }

OperandRange GradYieldOp::getIndicesOf(unsigned i) {
  int64_t start = 0;
  for (unsigned j = 0; j < i; ++j)
    start += rankOf(getParamRefs()[j]);
  return getIndices().slice(start, rankOf(getParamRefs()[i]));
}

LogicalResult GradYieldOp::verify() {
  if (getDparams().size() != getParamRefs().size())
    return emitOpError() << "needs one param per derivative, got " << getDparams().size()
                         << " derivatives and " << getParamRefs().size() << " params";
  int64_t indices = 0;
  for (Value ref : getParamRefs()) {
    if (!cast<MemRefType>(ref.getType()).getElementType().isF32())
      return emitOpError() << "params must be f32 memrefs, got " << ref.getType();
    indices += rankOf(ref);
  }
  if (indices != static_cast<int64_t>(getIndices().size()))
    return emitOpError() << "needs one index per dimension of its params (" << indices
                         << "), got " << getIndices().size();
  return success();
}

// faattn.grad_yield %v, %ds [params(%d -> %p[%i, ...] : memref<...>, ...)] attr-dict
void GradYieldOp::print(OpAsmPrinter &p) {
  p << " " << getValue() << ", " << getDscore();
  if (!getDparams().empty()) {
    p << " params(";
    for (unsigned i = 0, e = getDparams().size(); i < e; ++i) {
      if (i)
        p << ", ";
      p << getDparams()[i] << " -> " << getParamRefs()[i] << "[";
      p.printOperands(getIndicesOf(i));
      p << "] : " << getParamRefs()[i].getType();
    }
    p << ")";
  }
  p.printOptionalAttrDict((*this)->getAttrs(), {getOperandSegmentSizesAttrName()});
}

ParseResult GradYieldOp::parse(OpAsmParser &parser, OperationState &result) {
  using Operand = OpAsmParser::UnresolvedOperand;
  Operand value, dscore;
  SmallVector<Operand> dparams, refs, indices;
  SmallVector<Type> refTypes;
  if (parser.parseOperand(value) || parser.parseComma() || parser.parseOperand(dscore))
    return failure();
  if (succeeded(parser.parseOptionalKeyword("params"))) {
    auto entry = [&]() -> ParseResult {
      Type t;
      if (parser.parseOperand(dparams.emplace_back()) || parser.parseArrow() ||
          parser.parseOperand(refs.emplace_back()) ||
          parser.parseOperandList(indices, OpAsmParser::Delimiter::Square) ||
          parser.parseColonType(t))
        return failure();
      refTypes.push_back(t);
      return success();
    };
    if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Paren, entry))
      return failure();
  }
  if (parser.parseOptionalAttrDict(result.attributes))
    return failure();
  Type f32 = parser.getBuilder().getF32Type(), index = parser.getBuilder().getIndexType();
  if (parser.resolveOperand(value, f32, result.operands) ||
      parser.resolveOperand(dscore, f32, result.operands) ||
      parser.resolveOperands(dparams, f32, result.operands) ||
      parser.resolveOperands(refs, refTypes, parser.getNameLoc(), result.operands) ||
      parser.resolveOperands(indices, index, result.operands))
    return failure();
  result.getOrAddProperties<Properties>().operandSegmentSizes = {
      1, 1, static_cast<int32_t>(dparams.size()), static_cast<int32_t>(refs.size()),
      static_cast<int32_t>(indices.size())};
  return success();
}

//===----------------------------------------------------------------------===//
// Tile ops
//===----------------------------------------------------------------------===//

static TileType tileOf(Value v) { return cast<TileType>(v.getType()); }

/// A `head_group` (GQA packing) must be positive and divide the tile's rows.
static LogicalResult verifyHeadGroup(Operation *op, std::optional<uint64_t> group, TileType tile) {
  if (!group)
    return success();
  int64_t g = static_cast<int64_t>(*group), rows = tile.getShape()[0];
  if (g <= 0 || rows % g != 0)
    return op->emitOpError() << "head_group must be positive and divide the tile's " << rows
                             << " rows, got " << g;
  return success();
}

/// The shape a tile must have to hold rows of `mem` (see TileLoadOp).
static LogicalResult verifyRowsTile(Operation *op, MemRefType mem, TileType tile) {
  if (mem.getRank() != 4 && mem.getRank() != 3)
    return op->emitOpError() << "needs a 4-D (Q/K/V/O) or 3-D (LSE) memref, got " << mem;
  int64_t cols = mem.getRank() == 4 ? mem.getShape().back() : 1;
  // A head dim may be padded (paddedHeadDim): the columns past the memref's
  // read as 0 and are not written.
  int64_t padded = mem.getRank() == 4 ? paddedHeadDim(cols) : cols;
  if (tile.getShape()[1] != cols && (mem.getRank() != 4 || tile.getShape()[1] != padded))
    return op->emitOpError() << "tile must have " << cols << " columns"
                             << (mem.getRank() == 4 && padded != cols
                                     ? " (or " + std::to_string(padded) + ", padded)"
                                     : std::string())
                             << ", got " << tile;
  if (tile.getElementType() != mem.getElementType())
    return op->emitOpError() << "tile and memref element types differ: "
                             << tile.getElementType() << " vs " << mem.getElementType();
  return success();
}

LogicalResult TileLoadOp::verify() {
  if (failed(verifyRowsTile(*this, getMem().getType(), getResult().getType())) ||
      failed(verifyHeadGroup(*this, getHeadGroup(), getResult().getType())))
    return failure();
  if (static_cast<bool>(getPageTable()) != getPageSize().has_value())
    return emitOpError() << "'pages' and 'page_size' go together";
  if (Value table = getPageTable()) {
    auto t = cast<MemRefType>(table.getType());
    if (t.getRank() != 2 || !t.getElementType().isInteger(32))
      return emitOpError() << "page table must be a 2-D i32 memref, got " << t;
    if (*getPageSize() <= 0)
      return emitOpError() << "page_size must be positive";
    if (getOffset())
      return emitOpError() << "takes 'offset' or 'pages', not both";
    if (getMem().getType().getRank() != 4)
      return emitOpError() << "reads pages of a 4-D memref only";
  }
  return success();
}

LogicalResult TileStoreOp::verify() {
  if (failed(verifyHeadGroup(*this, getHeadGroup(), getValue().getType())))
    return failure();
  if (getAccumulate() && (!getValue().getType().getElementType().isF32() ||
                          !getMem().getType().getElementType().isF32()))
    return emitOpError() << "accumulates f32 tiles into f32 memrefs only";
  MemRefType mem = getMem().getType();
  if (std::optional<uint64_t> c0 = getCol0()) {
    int64_t cols = getValue().getType().getShape()[1], c = static_cast<int64_t>(*c0);
    if (mem.getRank() != 4 || c < 0 || c + cols > mem.getShape().back())
      return emitOpError() << "columns " << c << " .. " << c + cols - 1
                           << " are not inside the memref's head dim: " << mem;
    if (getValue().getType().getElementType() != mem.getElementType())
      return emitOpError() << "tile and memref element types differ";
    return success();
  }
  return verifyRowsTile(*this, mem, getValue().getType());
}

LogicalResult TileColumnsOp::verify() {
  TileType in = getInput().getType(), out = getResult().getType();
  int64_t c0 = static_cast<int64_t>(getCol0());
  if (in.getShape()[0] != out.getShape()[0] || in.getElementType() != out.getElementType() ||
      c0 < 0 || c0 + out.getShape()[1] > in.getShape()[1])
    return emitOpError() << "result " << out << " is not columns " << c0 << ".. of " << in;
  return success();
}

LogicalResult TileSplatOp::verify() {
  if (!isa<FloatType>(getResult().getType().getElementType()))
    return emitOpError() << "needs a float tile";
  return success();
}

LogicalResult TileDotOp::verify() {
  TileType a = getLhs().getType(), b = getRhs().getType(), c = getResult().getType();
  int64_t m = a.getShape()[getTransposeLhs() ? 1 : 0];
  int64_t ka = a.getShape()[getTransposeLhs() ? 0 : 1];
  int64_t k = b.getShape()[getTransposeRhs() ? 1 : 0];
  int64_t n = b.getShape()[getTransposeRhs() ? 0 : 1];
  if (ka != k)
    return emitOpError() << "contraction sizes differ: " << ka << " vs " << k;
  if (c.getShape()[0] != m || c.getShape()[1] != n || !c.getElementType().isF32())
    return emitOpError() << "result must be a " << m << "x" << n << " f32 tile, got " << c;
  if (!isa<FloatType>(a.getElementType()) || !isa<FloatType>(b.getElementType()))
    return emitOpError() << "operands must be float tiles";
  return success();
}

LogicalResult TileReduceOp::verify() {
  TileType in = getInput().getType(), out = getResult().getType();
  if (!in.getElementType().isF32() || !out.getElementType().isF32())
    return emitOpError() << "reduces f32 tiles only";
  if (out.getShape()[0] != in.getShape()[0] || out.getShape()[1] != 1)
    return emitOpError() << "result must be " << in.getShape()[0] << "x1, got " << out;
  return success();
}

void TileMapOp::build(OpBuilder &b, OperationState &state, TileType resultType,
                      ValueRange inputs,
                      function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  state.addOperands(inputs);
  state.addTypes(resultType);
  Region *region = state.addRegion();
  SmallVector<Type> argTypes;
  for (Value v : inputs)
    argTypes.push_back(cast<TileType>(v.getType()).getElementType());
  OpBuilder::InsertionGuard guard(b);
  Block *block = b.createBlock(region, {}, argTypes,
                               SmallVector<Location>(argTypes.size(), state.location));
  YieldOp::create(b, state.location, body(b, state.location, block->getArguments()));
}

LogicalResult TileMapOp::verifyRegions() {
  TileType res = getResult().getType();
  Block &block = getBody().front();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError() << "region must take one scalar per input (" << getInputs().size()
                         << "), got " << block.getNumArguments();
  for (auto [i, in] : llvm::enumerate(getInputs())) {
    TileType t = tileOf(in);
    if (t.getShape()[0] != res.getShape()[0] ||
        (t.getShape()[1] != res.getShape()[1] && t.getShape()[1] != 1))
      return emitOpError() << "input #" << i << " (" << t << ") must be "
                           << res.getShape()[0] << "x" << res.getShape()[1] << " or "
                           << res.getShape()[0] << "x1";
    if (block.getArgument(i).getType() != t.getElementType())
      return emitOpError() << "region argument #" << i << " must be " << t.getElementType();
  }
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield || yield.getValue().getType() != res.getElementType())
    return emitOpError() << "region must yield " << res.getElementType();
  return success();
}

template <typename Op>
static LogicalResult verifyIndexedTileOp(Op op, bool isScore) {
  if (op.getInput().getType() != op.getResult().getType() ||
      !op.getInput().getType().getElementType().isF32())
    return op.emitOpError() << "input and result must be the same f32 tile";
  if (failed(verifyHeadGroup(op, op.getHeadGroup(), op.getResult().getType())))
    return failure();
  Builder b(op.getContext());
  if (op.getRegion().empty())
    return success(); // only a mask may be empty (the score region is sized 1)
  return verifyIndexRegion(op, op.getRegion(), isScore ? "score" : "mask",
                           isScore ? Type(b.getF32Type()) : Type(),
                           isScore ? Type(b.getF32Type()) : Type(b.getI1Type()),
                           op.getParams().getTypes());
}

LogicalResult TileScoreOp::verifyRegions() { return verifyIndexedTileOp(*this, true); }
LogicalResult TileMaskOp::verifyRegions() { return verifyIndexedTileOp(*this, false); }

void TileScoreOp::getAsmBlockArgumentNames(Region &region, OpAsmSetValueNameFn setName) {
  setIndexRegionArgNames(region, /*hasScore=*/true, setName);
}
void TileMaskOp::getAsmBlockArgumentNames(Region &region, OpAsmSetValueNameFn setName) {
  setIndexRegionArgNames(region, /*hasScore=*/false, setName);
}

LogicalResult TileScoreGradOp::verifyRegions() {
  if (!getInput().getType().getElementType().isF32())
    return emitOpError() << "input and results must be the same f32 tile";
  return verifyGradRegion(*this, getRegion(), getParams().getTypes(), nullptr);
}

LogicalResult TileParamGradOp::verifyRegions() {
  TileType in = getInput().getType();
  if (!in.getElementType().isF32() || getWeight().getType() != in)
    return emitOpError() << "input and weight must be the same f32 tile";
  ArrayRef<int64_t> learnable = getRequiresGrad();
  if (learnable.size() != getGrads().size())
    return emitOpError() << "needs one gradient per requires_grad entry ("
                         << learnable.size() << "), got " << getGrads().size();
  for (size_t i = 1; i < learnable.size(); ++i)
    if (learnable[i] <= learnable[i - 1])
      return emitOpError() << "requires_grad must list params in increasing order, each once";
  for (auto [g, p] : llvm::zip(getGrads(), learnable)) {
    if (p < 0 || p >= static_cast<int64_t>(getParams().size()))
      return emitOpError() << "requires_grad names param " << p << ", but there are "
                           << getParams().size();
    if (g.getType() != getParams()[p].getType())
      return emitOpError() << "the gradient of param " << p << " must have its type "
                           << getParams()[p].getType() << ", got " << g.getType();
  }
  return verifyGradRegion(*this, getRegion(), getParams().getTypes(), &learnable);
}

void TileParamGradOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>> &effects) {
  for (OpOperand &p : getParamsMutable())
    effects.emplace_back(MemoryEffects::Read::get(), &p);
  for (OpOperand &g : getGradsMutable()) {
    effects.emplace_back(MemoryEffects::Read::get(), &g);
    effects.emplace_back(MemoryEffects::Write::get(), &g);
  }
}

void TileScoreGradOp::getAsmBlockArgumentNames(Region &region, OpAsmSetValueNameFn setName) {
  setIndexRegionArgNames(region, /*hasScore=*/true, setName);
}
void TileParamGradOp::getAsmBlockArgumentNames(Region &region, OpAsmSetValueNameFn setName) {
  setIndexRegionArgNames(region, /*hasScore=*/true, setName);
}

LogicalResult SoftmaxUpdateOp::verify() {
  TileType s = getScores().getType(), v = getV().getType(), acc = getAcc().getType();
  TileType m = getRowMax().getType(), l = getRowSum().getType();
  int64_t rows = s.getShape()[0];
  auto isRowVector = [&](TileType t) {
    return t.getShape()[0] == rows && t.getShape()[1] == 1 && t.getElementType().isF32();
  };
  if (!s.getElementType().isF32() || !acc.getElementType().isF32())
    return emitOpError() << "scores and accumulator must be f32";
  if (v.getShape()[0] != s.getShape()[1])
    return emitOpError() << "v must have " << s.getShape()[1] << " rows, got " << v;
  if (acc.getShape()[0] != rows || acc.getShape()[1] != v.getShape()[1])
    return emitOpError() << "accumulator must be " << rows << "x" << v.getShape()[1];
  if (!isRowVector(m) || !isRowVector(l))
    return emitOpError() << "row max and row sum must be " << rows << "x1 f32 tiles";
  if (getNewAcc().getType() != acc || getNewRowMax().getType() != m ||
      getNewRowSum().getType() != l)
    return emitOpError() << "results must have the types of acc, row_max and row_sum";
  if (Value w = getWeight()) {
    TileType wt = tileOf(w);
    if (wt.getShape() != s.getShape() || !wt.getElementType().isF32())
      return emitOpError() << "weight must be an f32 tile shaped like the scores ("
                           << s.getShape()[0] << "x" << s.getShape()[1] << "), got " << wt;
  }
  return success();
}

LogicalResult SoftmaxFinalizeOp::verify() {
  TileType acc = getAcc().getType(), out = getOut().getType();
  int64_t rows = acc.getShape()[0];
  for (Value v : {getRowMax(), getRowSum(), getLse()}) {
    TileType t = tileOf(v);
    if (t.getShape()[0] != rows || t.getShape()[1] != 1 || !t.getElementType().isF32())
      return emitOpError() << "row max, row sum and lse must be " << rows << "x1 f32 tiles";
  }
  if (out.getShape() != acc.getShape() || !isa<FloatType>(out.getElementType()))
    return emitOpError() << "out must be a float tile of the accumulator's shape";
  if (Value d = getDescale()) {
    TileType t = tileOf(d);
    if (t.getShape() != acc.getShape() || !t.getElementType().isF32())
      return emitOpError() << "descale must be an f32 tile of the accumulator's shape";
  }
  return success();
}

llvm::SmallVector<Value> faattn::turnLockIndices(OpBuilder &b, Location loc, Value batch,
                                                 Value head, Value offset, Value block,
                                                 int64_t rows) {
  Value row = arith::MulIOp::create(b, loc, block, arith::ConstantIndexOp::create(b, loc, rows));
  if (offset)
    row = arith::AddIOp::create(b, loc, offset, row);
  return {batch, head, row};
}
