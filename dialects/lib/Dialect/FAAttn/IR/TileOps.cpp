//===- TileOps.cpp - The faattn dialect's tile ops: verifiers, builders ---===//
//
// The ops on register tiles (tile_load ... softmax_finalize); the dialect,
// its types, attributes and the attention op are in FAAttnDialect.cpp.
//
//===----------------------------------------------------------------------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "RegionChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace faattn;
using namespace faattn::detail;

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
  if (LogicalResult r = verifyGradRegion(*this, getRegion(), getParams().getTypes(), &learnable);
      failed(r))
    return r;
  if (!getPartials() || !getPartialIndices() || !getKvBlock()) {
    if (getPartials() || getPartialIndices() || getKvBlock())
      return emitOpError() << "partials, partial_indices and kv_block go together";
    return success();
  }
  auto yield = cast<GradYieldOp>(getRegion().front().getTerminator());
  int64_t entries = static_cast<int64_t>(yield.getDparams().size());
  if (entries > kParamGradEntries)
    return emitOpError() << "has " << entries << " param-gradient entries; partials hold "
                         << kParamGradEntries;
  return verifyParamGradPartials(*this, getPartials().getType(),
                                 getPartialIndices().getType());
}

LogicalResult faattn::detail::verifyParamGradPartials(Operation *op, MemRefType partials,
                                              MemRefType indices) {
  if (partials.getDimSize(3) != kParamGradSlots * kParamGradEntries)
    return op->emitOpError() << "partials' last extent must be " << kParamGradSlots << " x "
                             << kParamGradEntries << " (slots x entries), got "
                             << partials;
  if (indices.getDimSize(2) != kParamGradEntries)
    return op->emitOpError() << "partial_indices' last extent must be " << kParamGradEntries
                             << ", got " << indices;
  if (partials.getDimSize(1) != indices.getDimSize(1))
    return op->emitOpError() << "partials and partial_indices must have the same heads, got "
                             << partials << " and " << indices;
  return success();
}

LogicalResult ParamGradSumOp::verify() {
  if (failed(verifyParamGradPartials(*this, getPartials().getType(),
                                     getPartialIndices().getType())))
    return failure();
  ArrayRef<int64_t> gradOf = getGradOfEntry();
  if (static_cast<int64_t>(gradOf.size()) > kParamGradEntries)
    return emitOpError() << "has " << gradOf.size() << " entries; partials hold "
                         << kParamGradEntries;
  for (int64_t g : gradOf)
    if (g < 0 || g >= static_cast<int64_t>(getGrads().size()))
      return emitOpError() << "grad_of_entry names gradient " << g << ", but there are "
                           << getGrads().size();
  return success();
}

void TileParamGradOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>> &effects) {
  for (OpOperand &p : getParamsMutable())
    effects.emplace_back(MemoryEffects::Read::get(), &p);
  for (OpOperand &g : getGradsMutable()) {
    effects.emplace_back(MemoryEffects::Read::get(), &g);
    effects.emplace_back(MemoryEffects::Write::get(), &g);
  }
  for (OpOperand &g : getPartialsMutable()) {
    effects.emplace_back(MemoryEffects::Read::get(), &g);
    effects.emplace_back(MemoryEffects::Write::get(), &g);
  }
  for (OpOperand &g : getPartialIndicesMutable())
    effects.emplace_back(MemoryEffects::Write::get(), &g);
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
  if (Value r = getRowScale(); r && !isRowVector(tileOf(r)))
    return emitOpError() << "row_scale must be a " << rows << "x1 f32 tile, got " << tileOf(r);
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
  for (auto [name, v] : {std::pair<StringRef, Value>{"row_scale", getRowScale()},
                         {"out_scale", getOutScale()}}) {
    if (!v)
      continue;
    TileType t = tileOf(v);
    if (t.getShape()[0] != rows || t.getShape()[1] != 1 || !t.getElementType().isF32())
      return emitOpError() << name << " must be a " << rows << "x1 f32 tile, got " << t;
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
