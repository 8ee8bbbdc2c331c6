//===- SpecToIR.cpp - Checked specs to the faattn dialect -----------------===//
#include "faattn/Frontend/SpecToIR.h"

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Spec/Spec.h"
#include "faattn/Target/KernelABIIR.h"
#include "faattn/Target/KernelABIJson.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/SourceMgr.h"
#include <limits>

using namespace mlir;

namespace faattn {

void registerFAAttnDialects(DialectRegistry &registry) {
  registry.insert<FAAttnDialect, func::FuncDialect, arith::ArithDialect, math::MathDialect,
                  memref::MemRefDialect, scf::SCFDialect>();
}

namespace {

class Builder {
public:
  Builder(MLIRContext &ctx, llvm::SourceMgr &sm, bool f32Storage)
      : ctx(ctx), sm(sm), b(&ctx), f32Storage(f32Storage) {}

  Location loc(llvm::SMLoc l) {
    if (!l.isValid())
      return b.getUnknownLoc();
    unsigned id = sm.FindBufferContainingLoc(l);
    if (!id)
      return b.getUnknownLoc();
    auto [line, col] = sm.getLineAndColumn(l, id);
    return FileLineColLoc::get(&ctx, sm.getMemoryBuffer(id)->getBufferIdentifier(), line, col);
  }

  void buildKernel(ModuleOp module, const spec::KernelSpec &k);

private:
  /// Emits `e` at the builder's insertion point; `args` are the region's
  /// block arguments (score first when `hasScore`).
  Value emit(const spec::Expr &e, Block &block, bool hasScore);
  /// i32 x / y (or x % y) as the spec language defines it for every y.
  Value divideI32(Location l, Value x, Value y, bool remainder);

  MLIRContext &ctx;
  llvm::SourceMgr &sm;
  OpBuilder b;
  /// What `score` reads in the score region when it is not the region's
  /// argument: the score times q_descale and k_descale (e4m3 kernels).
  Value scoreValue;
  bool f32Storage;
  /// Position of each param among the kernel's params (declaration order).
  std::map<std::string, unsigned> paramIndex;
  std::map<std::string, const spec::ParamDecl *> paramDecls;
};

/// Whether index expression `e` of a param read lies inside dim `d` for
/// every element the score and mask code runs for: b in a batch dim, h in
/// a heads dim, q_idx in a seq_q or seq (max(seq_q, seq_kv)) dim, kv_idx in
/// a seq_kv or seq dim.
bool insideByConstruction(const spec::Expr &e, spec::Dim d) {
  if (e.kind != spec::Expr::Kind::Builtin)
    return false;
  using B = spec::Builtin;
  using D = spec::Dim;
  switch (e.builtin) {
  case B::Batch: return d == D::Batch;
  case B::Head: return d == D::Heads;
  case B::QIdx: return d == D::SeqQ || d == D::Seq;
  case B::KVIdx: return d == D::SeqKV || d == D::Seq;
  default: return false;
  }
}

Value Builder::divideI32(Location l, Value x, Value y, bool remainder) {
  // docs/spec-language.md defines i32 `/` and `%` for every operand:
  // x / 0 = 0 and x % 0 = x; INT_MIN / -1 = INT_MIN (wraps) and x % -1 = 0.
  // So (x / y) * y + x % y = x always, and no path traps (SIGFPE on the
  // CPU) or leaves it unspecified (the GPU).
  auto c = [&](int64_t v) -> Value { return arith::ConstantIntOp::create(b, l, b.getI32Type(), v); };
  APInt divisor;
  if (matchPattern(y, m_ConstantInt(&divisor)) && !divisor.isZero()) {
    if (!divisor.isAllOnes()) // the common case, e.g. q_idx / 64: the plain op
      return remainder ? Value(arith::RemSIOp::create(b, l, x, y))
                       : Value(arith::DivSIOp::create(b, l, x, y));
    return remainder ? c(0) : Value(arith::SubIOp::create(b, l, c(0), x)); // wraps at INT_MIN
  }
  Value isZero = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, y, c(0));
  Value isMinusOne = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, y, c(-1));
  Value safe = arith::SelectOp::create(b, l, arith::OrIOp::create(b, l, isZero, isMinusOne), c(1), y);
  if (remainder) // x % 1 = 0 stands for x % -1
    return arith::SelectOp::create(b, l, isZero, x, arith::RemSIOp::create(b, l, x, safe));
  Value quotient = arith::SelectOp::create(b, l, isMinusOne, arith::SubIOp::create(b, l, c(0), x),
                                           arith::DivSIOp::create(b, l, x, safe));
  return arith::SelectOp::create(b, l, isZero, c(0), quotient);
}

Value Builder::emit(const spec::Expr &e, Block &block, bool hasScore) {
  using K = spec::Expr::Kind;
  Location l = loc(e.loc);
  unsigned idxBase = hasScore ? 1 : 0;
  auto arg = [&](spec::Builtin bi) -> Value {
    switch (bi) {
    case spec::Builtin::Score: return scoreValue ? scoreValue : block.getArgument(0);
    case spec::Builtin::Batch: return block.getArgument(idxBase + 0);
    case spec::Builtin::Head: return block.getArgument(idxBase + 1);
    case spec::Builtin::QIdx: return block.getArgument(idxBase + 2);
    case spec::Builtin::KVIdx: return block.getArgument(idxBase + 3);
    case spec::Builtin::SeqQ: return block.getArgument(idxBase + 4);
    case spec::Builtin::SeqKV: return block.getArgument(idxBase + 5);
    }
    return {};
  };
  switch (e.kind) {
  case K::IntLit: return arith::ConstantIntOp::create(b, l, b.getI32Type(), e.ival);
  case K::FloatLit: return arith::ConstantOp::create(b, l, b.getF32FloatAttr(e.fval));
  case K::BoolLit: return arith::ConstantIntOp::create(b, l, b.getI1Type(), e.bval);
  case K::Builtin: return arg(e.builtin);
  case K::ToF32:
    return arith::SIToFPOp::create(b, l, b.getF32Type(), emit(*e.args[0], block, hasScore));
  case K::Param: {
    // Params follow the index arguments, in declaration order.
    unsigned pos = idxBase + AttentionOp::kNumIndexArgs;
    // The spec resolved the name; find its position among the block args by
    // the function's param order (kept in the op's operand order).
    pos += paramIndex.at(e.name);
    Value mem = block.getArgument(pos);
    const spec::ParamDecl &decl = *paramDecls.at(e.name);
    // A read outside the param yields 0 (as in the reference). An index
    // that cannot leave its dim where the code runs (score and mask code
    // runs for b < batch, h < heads, q_idx < seq_q, kv_idx < seq_kv) is
    // read as it is; any other is checked against the dim and clamped to
    // 0, so that the load never leaves the buffer.
    SmallVector<Value> indices;
    Value inBounds;
    for (auto [d, a] : llvm::enumerate(e.args)) {
      Value idx = arith::IndexCastOp::create(b, l, b.getIndexType(), emit(*a, block, hasScore));
      if (!insideByConstruction(*a, decl.shape[d])) {
        Value inDim = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, idx,
                                            memref::DimOp::create(b, l, mem, d));
        idx = arith::SelectOp::create(b, l, inDim, idx,
                                      arith::ConstantIndexOp::create(b, l, 0));
        inBounds = inBounds ? arith::AndIOp::create(b, l, inBounds, inDim).getResult() : inDim;
      }
      indices.push_back(idx);
    }
    Value value = memref::LoadOp::create(b, l, mem, indices);
    if (!inBounds)
      return value;
    return arith::SelectOp::create(b, l, inBounds, value,
                                   arith::ConstantOp::create(b, l, b.getZeroAttr(value.getType())));
  }
  case K::Unary: {
    Value x = emit(*e.args[0], block, hasScore);
    if (e.unop == spec::UnOp::Not)
      return arith::XOrIOp::create(b, l, x, arith::ConstantIntOp::create(b, l, b.getI1Type(), 1));
    if (e.type == spec::Type::F32)
      return arith::NegFOp::create(b, l, x);
    return arith::SubIOp::create(b, l, arith::ConstantIntOp::create(b, l, b.getI32Type(), 0), x);
  }
  case K::Binary: {
    Value x = emit(*e.args[0], block, hasScore), y = emit(*e.args[1], block, hasScore);
    bool isFloat = e.args[0]->type == spec::Type::F32;
    using BO = spec::BinOp;
    auto cmp = [&](arith::CmpFPredicate fp, arith::CmpIPredicate ip) -> Value {
      if (isFloat)
        return arith::CmpFOp::create(b, l, fp, x, y);
      return arith::CmpIOp::create(b, l, ip, x, y);
    };
    switch (e.binop) {
    case BO::Add: return isFloat ? Value(arith::AddFOp::create(b, l, x, y)) : arith::AddIOp::create(b, l, x, y);
    case BO::Sub: return isFloat ? Value(arith::SubFOp::create(b, l, x, y)) : arith::SubIOp::create(b, l, x, y);
    case BO::Mul: return isFloat ? Value(arith::MulFOp::create(b, l, x, y)) : arith::MulIOp::create(b, l, x, y);
    case BO::Div: return isFloat ? Value(arith::DivFOp::create(b, l, x, y)) : divideI32(l, x, y, false);
    case BO::Rem: return divideI32(l, x, y, true);
    case BO::Lt: return cmp(arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt);
    case BO::Le: return cmp(arith::CmpFPredicate::OLE, arith::CmpIPredicate::sle);
    case BO::Gt: return cmp(arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt);
    case BO::Ge: return cmp(arith::CmpFPredicate::OGE, arith::CmpIPredicate::sge);
    case BO::Eq: return cmp(arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq);
    case BO::Ne: return cmp(arith::CmpFPredicate::UNE, arith::CmpIPredicate::ne);
    case BO::And: return arith::AndIOp::create(b, l, x, y);
    case BO::Or: return arith::OrIOp::create(b, l, x, y);
    }
    return {};
  }
  case K::Call: {
    SmallVector<Value> a;
    for (const spec::ExprPtr &x : e.args)
      a.push_back(emit(*x, block, hasScore));
    bool isFloat = e.type == spec::Type::F32;
    switch (e.func) {
    case spec::Func::Tanh: return math::TanhOp::create(b, l, a[0]);
    case spec::Func::Exp: return math::ExpOp::create(b, l, a[0]);
    case spec::Func::Exp2: return math::Exp2Op::create(b, l, a[0]);
    case spec::Func::Log: return math::LogOp::create(b, l, a[0]);
    case spec::Func::Abs: return isFloat ? Value(math::AbsFOp::create(b, l, a[0])) : math::AbsIOp::create(b, l, a[0]);
    case spec::Func::Min: return isFloat ? Value(arith::MinimumFOp::create(b, l, a[0], a[1])) : arith::MinSIOp::create(b, l, a[0], a[1]);
    case spec::Func::Max: return isFloat ? Value(arith::MaximumFOp::create(b, l, a[0], a[1])) : arith::MaxSIOp::create(b, l, a[0], a[1]);
    case spec::Func::Where: return arith::SelectOp::create(b, l, a[0], a[1], a[2]);
    case spec::Func::Window: break; // desugared by Sema
    }
    return {};
  }
  case K::Name: break; // resolved by Sema
  }
  llvm_unreachable("unchecked expression reached the IR frontend");
}

void Builder::buildKernel(ModuleOp module, const spec::KernelSpec &k) {
  Location l = loc(k.loc);
  // The signature is the kernel ABI's argument list (KernelABI.h: q, k, v,
  // out, lse, [dout, dq, dk, dv,] the sequence operands, the params[, their
  // gradients]; the split-KV workspace is faattn-split-kv's to add).
  std::vector<KernelArg> abiArgs = kernelArgs(k, /*splitKV=*/false);
  SmallVector<Type> argTypes;
  std::map<std::string, unsigned> position;
  for (const KernelArg &a : abiArgs) {
    position[a.name] = argTypes.size();
    argTypes.push_back(kernelArgType(&ctx, a, f32Storage));
  }
  paramIndex.clear();
  paramDecls.clear();
  SmallVector<Type> paramTypes;
  for (const spec::ParamDecl &p : k.params) {
    paramIndex[p.name] = paramTypes.size();
    paramDecls[p.name] = &p;
    paramTypes.push_back(argTypes[position.at("param:" + p.name)]);
  }

  b.setInsertionPointToEnd(module.getBody());
  auto fn = func::FuncOp::create(b, l, k.name, b.getFunctionType(argTypes, {}));
  fn->setAttr(FAAttnDialect::getKernelAttrName(), b.getUnitAttr());
  fn->setAttr(FAAttnDialect::getTargetAttrName(), b.getStringAttr(spec::targetName(k.target)));
  fn->setAttr(FAAttnDialect::getSpecHashAttrName(), b.getStringAttr(spec::specHash(k)));
  // Tuning overrides the GPU passes read (absent: the compiler chooses).
  if (k.schedule != spec::Schedule::Auto)
    fn->setAttr(FAAttnDialect::getScheduleAttrName(), b.getStringAttr(spec::scheduleName(k.schedule)));
  if (k.stages)
    fn->setAttr(FAAttnDialect::getStagesAttrName(), b.getI64IntegerAttr(*k.stages));
  if (k.grid == spec::Grid::Persistent)
    fn->setAttr(FAAttnDialect::getLaunchGridAttrName(), b.getStringAttr(spec::gridName(k.grid)));
  if (k.tileOrder != spec::TileOrder::Auto)
    fn->setAttr(FAAttnDialect::getTileOrderAttrName(), b.getStringAttr(spec::tileOrderName(k.tileOrder)));
  if (k.overlap != spec::Overlap::Auto)
    fn->setAttr(FAAttnDialect::getOverlapAttrName(), b.getStringAttr(spec::overlapName(k.overlap)));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);

  auto arg = [&](const char *name) -> Value {
    auto it = position.find(name);
    return it == position.end() ? Value() : entry->getArgument(it->second);
  };
  SequenceOperands seqs;
  seqs.cuSeqlensQ = arg("cu_seqlens_q");
  seqs.cuSeqlensKV = arg("cu_seqlens_kv");
  seqs.blockTable = arg("block_table");
  seqs.seqlensKV = arg("seqlens_kv");
  SmallVector<Value> params;
  for (const spec::ParamDecl &p : k.params)
    params.push_back(entry->getArgument(position.at("param:" + p.name)));
  auto mode = k.mode == spec::Mode::Forward    ? Mode::forward
              : k.mode == spec::Mode::Backward ? Mode::backward
                                               : Mode::decode;
  auto layout = k.layout == spec::Layout::BSHD ? Layout::bshd : Layout::bhsd;
  // The backward's gradient operands (absent from a forward's arguments).
  BackwardOperands backward;
  backward.dout = arg("dout");
  backward.dq = arg("dq");
  backward.dk = arg("dk");
  backward.dv = arg("dv");
  for (const spec::ParamDecl &p : k.params)
    if (Value g = arg(("grad:" + p.name).c_str()))
      backward.paramGrads.push_back(g);
  auto attn = AttentionOp::create(b, l, arg("q"), arg("k"), arg("v"), arg("out"), arg("lse"), seqs,
                                  params,
                                  k.headsQ, k.headsKV, k.scale, mode, layout, backward);
  if (k.varlen)
    attn.setVarlen(true);
  if (k.pagedKVPage)
    attn.setPagedKvPage(*k.pagedKVPage);
  if (k.tileM)
    attn.setTile(ArrayRef<int64_t>{*k.tileM, *k.tileN});
  // The learnable params (positions in the op's params, which follow k.params).
  SmallVector<int64_t> learnable;
  for (auto [i, p] : llvm::enumerate(k.params))
    if (p.requiresGrad)
      learnable.push_back(static_cast<int64_t>(i));
  if (!learnable.empty())
    attn.setRequiresGrad(learnable);
  if (k.deterministic && k.mode == spec::Mode::Backward)
    attn.setDeterministic(true);

  auto fillRegion = [&](Region &region, const spec::Expr &expr, bool hasScore) {
    SmallVector<Type> types;
    if (hasScore)
      types.push_back(b.getF32Type());
    types.append(AttentionOp::kNumIndexArgs, b.getI32Type());
    llvm::append_range(types, paramTypes);
    Block *block = b.createBlock(&region, {}, types, SmallVector<Location>(types.size(), l));
    // The score region dequantizes the score first: scale * dot(q, k) of
    // the e4m3 values times q_descale and k_descale (in that order). A
    // negative factor reads as NaN (docs/spec-language.md, section 4), so
    // that every factor is >= 0 or NaN and faattn-fold-row-factors may move
    // a query row's factors into the softmax's exponent.
    scoreValue = Value();
    if (hasScore)
      for (const spec::ExprPtr *d : {&k.qDescale, &k.kDescale})
        if (*d) {
          Location at = loc((*d)->loc);
          Value base = scoreValue ? scoreValue : block->getArgument(0);
          Value factor = emit(**d, *block, /*hasScore=*/true);
          Value negative = arith::CmpFOp::create(
              b, at, arith::CmpFPredicate::OLT, factor,
              arith::ConstantOp::create(b, at, b.getF32FloatAttr(0)));
          Value nan = arith::ConstantOp::create(
              b, at, b.getF32FloatAttr(std::numeric_limits<float>::quiet_NaN()));
          factor = arith::SelectOp::create(b, at, negative, nan, factor);
          scoreValue = arith::MulFOp::create(b, at, base, factor);
        }
    Value v = emit(expr, *block, hasScore);
    scoreValue = Value();
    YieldOp::create(b, loc(expr.loc), v);
  };
  fillRegion(attn.getScore(), *k.score, /*hasScore=*/true);
  if (k.mask)
    fillRegion(attn.getMask(), *k.mask, /*hasScore=*/false);
  if (k.vDescale)
    fillRegion(attn.getVDescale(), *k.vDescale, /*hasScore=*/false);
  // An e4m3 output always has the region (1.0 unless the spec's o_descale):
  // it marks the output as quantized on every path, the CPU path's f32 too.
  if (k.outType() == spec::DType::E4M3) {
    spec::Expr one(spec::Expr::Kind::FloatLit, k.loc);
    one.fval = 1.0f;
    one.type = spec::Type::F32;
    fillRegion(attn.getODescale(), k.oDescale ? *k.oDescale : one, /*hasScore=*/false);
  }
  b.setInsertionPointToEnd(entry);
  func::ReturnOp::create(b, l);
}

} // namespace

static OwningOpRef<ModuleOp> build(MLIRContext &ctx,
                                    llvm::ArrayRef<const spec::KernelSpec *> kernels,
                                    llvm::SourceMgr &sm, bool f32Storage) {
  ctx.loadDialect<FAAttnDialect, func::FuncDialect, arith::ArithDialect, math::MathDialect,
                  memref::MemRefDialect, scf::SCFDialect>();
  Builder builder(ctx, sm, f32Storage);
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&ctx));
  for (const spec::KernelSpec *k : kernels)
    builder.buildKernel(*module, *k);
  return module;
}

OwningOpRef<ModuleOp> buildModule(MLIRContext &ctx, const std::vector<spec::KernelSpec> &kernels,
                                  llvm::SourceMgr &sm, bool f32Storage) {
  SmallVector<const spec::KernelSpec *> ptrs;
  for (const spec::KernelSpec &k : kernels)
    ptrs.push_back(&k);
  return build(ctx, ptrs, sm, f32Storage);
}

OwningOpRef<ModuleOp> buildKernelModule(MLIRContext &ctx, const spec::KernelSpec &kernel,
                                        llvm::SourceMgr &sm, bool f32Storage) {
  return build(ctx, {&kernel}, sm, f32Storage);
}

} // namespace faattn
