//===- ScoreGrad.cpp - faattn-score-grad ----------------------------------===//
//
// Differentiates the score region of every backward `faattn.attention` into
// its `grad` region (see the pass description in Passes.td): the score
// region's code (the primal) cloned, then its adjoint code, reverse mode
// from d score'/d score' = 1, ending with
//
//   faattn.grad_yield %score', %dscore params(%d -> %p[%idx] : ..., ...)
//
// Only values that depend on the score or on a learnable param (`active`)
// get an adjoint, so no code is made for constants, indices or conditions.
// The local derivatives are PyTorch autograd's formulas (derivatives.yaml),
// in the same operation order where that is cheap, including its
// subgradients: abs'(0) = 0, min / max at a tie give half to each side,
// where() gives the whole adjoint to the taken branch and 0 to the other.
// The only simplifications are exact: a product with 1 (or -1) is its
// other factor (negated), and -(constant) is a constant.
//
//===----------------------------------------------------------------------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

namespace faattn {
#define GEN_PASS_DEF_FAATTNSCOREGRAD
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

/// Whether `x` and `y` are the same value, or are computed by the same ops
/// from the same values (two reads of `slopes[h]` index with two
/// `arith.index_cast %h`). The region writes no memory, so equal loads read
/// equal values.
bool sameValue(Value x, Value y, unsigned depth = 0) {
  if (x == y)
    return true;
  auto rx = dyn_cast<OpResult>(x), ry = dyn_cast<OpResult>(y);
  if (!rx || !ry || depth > 32 || rx.getResultNumber() != ry.getResultNumber())
    return false;
  Operation *a = rx.getOwner(), *b = ry.getOwner();
  if (a->getNumRegions() != 0 || b->getNumRegions() != 0)
    return false;
  return OperationEquivalence::isEquivalentTo(
      a, b, [&](Value u, Value v) { return success(sameValue(u, v, depth + 1)); },
      /*markEquivalent=*/nullptr, OperationEquivalence::IgnoreLocations);
}

class Differentiator {
public:
  explicit Differentiator(AttentionOp op) : op(op), b(op.getContext()) {}
  LogicalResult run();

private:
  Location loc() const { return curLoc; }
  Value cst(double v) {
    Value &c = constants[v];
    if (!c) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(block);
      c = arith::ConstantOp::create(b, op.getLoc(), b.getF32FloatAttr(static_cast<float>(v)));
    }
    return c;
  }
  std::optional<double> constOf(Value v) {
    FloatAttr::ValueType f(0.0f);
    if (matchPattern(v, m_ConstantFloat(&f)))
      return f.convertToDouble();
    return std::nullopt;
  }
  Value neg(Value x) {
    if (auto c = constOf(x))
      return cst(-*c);
    if (auto n = x.getDefiningOp<arith::NegFOp>())
      return n.getOperand();
    return arith::NegFOp::create(b, loc(), x);
  }
  Value mul(Value x, Value y) {
    for (auto [u, v] : {std::pair(x, y), std::pair(y, x)}) {
      if (constOf(u) == 1.0)
        return v;
      if (constOf(u) == -1.0)
        return neg(v);
    }
    return arith::MulFOp::create(b, loc(), x, y);
  }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc(), x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc(), x, y); }
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc(), p, x, y);
  }
  Value select(Value c, Value x, Value y) { return arith::SelectOp::create(b, loc(), c, x, y); }
  bool active(Value v) const { return activeValues.contains(v); }
  /// adj(v) += d, when v needs an adjoint.
  void accumulate(Value v, Value d) {
    Value &a = adjoints[v];
    a = a ? arith::AddFOp::create(b, loc(), a, d).getResult() : d;
  }
  /// The adjoint code of `o`, whose result has adjoint `g`; failure when `o`
  /// has no derivative rule.
  LogicalResult backprop(Operation *o, Value g);
  /// torch.maximum / torch.minimum's backward: (d x, d y).
  std::pair<Value, Value> minMax(Value x, Value y, Value g, bool isMax);

  AttentionOp op;
  OpBuilder b;
  Block *block = nullptr;
  Location curLoc = UnknownLoc::get(op.getContext());
  DenseSet<Value> activeValues;
  DenseMap<Value, Value> adjoints;
  std::map<double, Value> constants;
};

std::pair<Value, Value> Differentiator::minMax(Value x, Value y, Value g, bool isMax) {
  // at::where(self == other, grad / 2, grad).masked_fill_(self < other, 0)
  // for maximum's self (self > other for its other, and the reverse for
  // minimum): a tie gives half to each side; with a NaN no comparison holds
  // and both get the whole adjoint.
  Value tie = cmp(arith::CmpFPredicate::OEQ, x, y);
  Value half = mul(g, cst(0.5));
  Value zero = cst(0.0);
  auto side = [&](arith::CmpFPredicate loses) {
    return select(tie, half, select(cmp(loses, x, y), zero, g));
  };
  Value dx = active(x) ? side(isMax ? arith::CmpFPredicate::OLT : arith::CmpFPredicate::OGT)
                       : Value();
  Value dy = active(y) ? side(isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT)
                       : Value();
  return {dx, dy};
}

LogicalResult Differentiator::backprop(Operation *o, Value g) {
  curLoc = o->getLoc();
  Value r = o->getResult(0);
  auto operand = [&](unsigned i) { return o->getOperand(i); };
  // Each rule: the adjoint of every active float operand.
  auto unary = [&](auto derivative) {
    if (active(operand(0)))
      accumulate(operand(0), derivative());
  };
  if (isa<arith::AddFOp>(o)) {
    for (Value x : o->getOperands())
      if (active(x))
        accumulate(x, g);
  } else if (isa<arith::SubFOp>(o)) {
    if (active(operand(0)))
      accumulate(operand(0), g);
    if (active(operand(1)))
      accumulate(operand(1), neg(g));
  } else if (isa<arith::MulFOp>(o)) {
    // grad * other, grad * self
    Value x = operand(0), y = operand(1);
    if (active(x))
      accumulate(x, mul(g, y));
    if (active(y))
      accumulate(y, mul(g, x));
  } else if (isa<arith::DivFOp>(o)) {
    // grad / other, -grad * ((self / other) / other)
    Value x = operand(0), y = operand(1);
    if (active(x))
      accumulate(x, div(g, y));
    if (active(y)) {
      Value minusG = neg(g);
      accumulate(y, mul(minusG, div(r, y)));
    }
  } else if (isa<arith::NegFOp>(o)) {
    unary([&] { return neg(g); });
  } else if (isa<math::TanhOp>(o)) {
    unary([&] { return mul(g, sub(cst(1.0), mul(r, r))); }); // grad * (1 - y * y)
  } else if (isa<math::ExpOp>(o)) {
    unary([&] { return mul(g, r); });
  } else if (isa<math::Exp2Op>(o)) {
    unary([&] { return mul(mul(g, r), cst(M_LN2)); }); // grad * result * ln 2
  } else if (isa<math::LogOp>(o)) {
    unary([&] { return div(g, operand(0)); });
  } else if (isa<math::AbsFOp>(o)) {
    // grad * sgn(self), sgn(0) = 0 (and 0 for NaN, as torch.sign).
    unary([&] {
      Value x = operand(0), zero = cst(0.0);
      Value positive = cmp(arith::CmpFPredicate::OGT, x, zero);
      Value negative = cmp(arith::CmpFPredicate::OLT, x, zero);
      Value sign = select(positive, cst(1.0), select(negative, cst(-1.0), zero));
      return mul(g, sign);
    });
  } else if (isa<arith::MaximumFOp, arith::MinimumFOp>(o)) {
    auto [dx, dy] = minMax(operand(0), operand(1), g, isa<arith::MaximumFOp>(o));
    if (dx)
      accumulate(operand(0), dx);
    if (dy)
      accumulate(operand(1), dy);
  } else if (isa<arith::SelectOp>(o)) {
    // where: the taken branch gets the adjoint, the other 0.
    Value c = operand(0), zero = cst(0.0);
    if (active(operand(1)))
      accumulate(operand(1), select(c, g, zero));
    if (active(operand(2)))
      accumulate(operand(2), select(c, zero, g));
  } else {
    return failure();
  }
  return success();
}

LogicalResult Differentiator::run() {
  Block &src = op.getScore().front();
  b.setInsertionPointToStart(&op.getGrad().emplaceBlock());
  block = &op.getGrad().front();
  for (BlockArgument a : src.getArguments())
    block->addArgument(a.getType(), a.getLoc());
  IRMapping map;
  map.map(src.getArguments(), block->getArguments());
  // The primal, with a note of which score op each clone comes from.
  DenseMap<Operation *, Operation *> source;
  for (Operation &o : src.without_terminator())
    source[b.clone(o, map)] = &o;
  Value value = map.lookup(cast<YieldOp>(src.getTerminator()).getValue());

  // The learnable params' arguments, and what depends on them or the score.
  unsigned firstParam = 1 + AttentionOp::kNumIndexArgs;
  DenseSet<Value> learnable;
  for (int64_t p : op.getRequiresGrad().value_or(ArrayRef<int64_t>()))
    learnable.insert(block->getArgument(firstParam + p));
  activeValues.insert(block->getArgument(0));
  SmallVector<memref::LoadOp> reads;
  for (Operation &o : block->getOperations()) {
    auto isFloat = [](Value v) { return isa<FloatType>(v.getType()); };
    if (auto load = dyn_cast<memref::LoadOp>(o)) {
      if (learnable.contains(load.getMemRef()) && isFloat(load.getResult())) {
        activeValues.insert(load.getResult());
        reads.push_back(load);
      }
      continue;
    }
    if (llvm::any_of(o.getOperands(), [&](Value v) { return active(v) && isFloat(v); }))
      for (Value r : o.getResults())
        if (isFloat(r))
          activeValues.insert(r);
  }

  // The adjoints, from the yield backwards.
  b.setInsertionPointToEnd(block);
  if (active(value))
    adjoints[value] = cst(1.0);
  SmallVector<Operation *> ops;
  for (Operation &o : block->getOperations())
    ops.push_back(&o);
  for (Operation *o : llvm::reverse(ops)) {
    if (o->getNumResults() != 1 || isa<memref::LoadOp>(o))
      continue;
    Value g = adjoints.lookup(o->getResult(0));
    if (!g)
      continue; // nothing the score's value depends on differentiably
    if (failed(backprop(o, g))) {
      source.lookup(o)->emitError() << "faattn-score-grad cannot differentiate '"
                                    << o->getName() << "'";
      block->dropAllDefinedValueUses();
      block->erase();
      return failure();
    }
  }
  // An op with several results and an active operand has no rule either.
  for (Operation *o : ops)
    if (o->getNumResults() > 1 &&
        llvm::any_of(o->getResults(), [&](Value r) { return adjoints.count(r); })) {
      source.lookup(o)->emitError() << "faattn-score-grad cannot differentiate '"
                                    << o->getName() << "'";
      block->dropAllDefinedValueUses();
      block->erase();
      return failure();
    }

  // One entry per param element read: reads at equal indices add up.
  curLoc = op.getLoc();
  SmallVector<Value> dparams, refs, indices;
  SmallVector<memref::LoadOp> entryRead;
  for (memref::LoadOp read : reads) {
    Value g = adjoints.lookup(read.getResult());
    if (!g)
      continue;
    auto same = llvm::find_if(entryRead, [&](memref::LoadOp e) {
      return e.getMemRef() == read.getMemRef() &&
             llvm::all_of(llvm::zip(e.getIndices(), read.getIndices()),
                          [](auto p) { return sameValue(std::get<0>(p), std::get<1>(p)); });
    });
    if (same != entryRead.end()) {
      Value &d = dparams[same - entryRead.begin()];
      d = arith::AddFOp::create(b, loc(), d, g);
      continue;
    }
    entryRead.push_back(read);
    dparams.push_back(g);
    refs.push_back(read.getMemRef());
    llvm::append_range(indices, read.getIndices());
  }
  Value dscore = adjoints.lookup(block->getArgument(0));
  if (!dscore)
    dscore = cst(0.0);
  GradYieldOp::create(b, op.getLoc(), value, dscore, dparams, refs, indices);
  // Constants that a simplification left unused (-1 in -1 * x).
  for (auto &[v, c] : constants)
    if (c.use_empty())
      c.getDefiningOp()->erase();
  return success();
}

struct ScoreGradPass : impl::FAAttnScoreGradBase<ScoreGradPass> {
  void runOnOperation() override {
    SmallVector<AttentionOp> ops;
    getOperation().walk([&](AttentionOp op) {
      if (op.getMode() == Mode::backward && !op.hasGrad())
        ops.push_back(op);
    });
    for (AttentionOp op : ops)
      if (failed(Differentiator(op).run()))
        return signalPassFailure();
  }
};

} // namespace
} // namespace faattn
