//===- FAAttnDialect.cpp - The faattn dialect: types, ops, verifiers ------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "RegionChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace faattn;
using namespace faattn::detail;

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
  if (getDeterministic() && getMode() != Mode::backward)
    return emitOpError() << "is deterministic, which only mode = backward takes";
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
LogicalResult faattn::detail::verifyIndexRegion(Operation *op, Region &region, StringRef name,
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

void faattn::detail::setIndexRegionArgNames(Region &region, bool hasScore,
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
LogicalResult faattn::detail::verifyGradRegion(Operation *op, Region &region, TypeRange paramTypes,
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
