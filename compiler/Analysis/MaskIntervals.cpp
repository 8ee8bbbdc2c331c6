//===- MaskIntervals.cpp - Interval analysis of mask regions --------------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Analysis/MaskIntervals.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>

using namespace mlir;

namespace faattn {

// Far from the int64 limits, so that sums and products of two bounds cannot
// overflow before they are clamped.
static constexpr int64_t kBig = int64_t(1) << 40;

Interval Interval::unknown() { return {-kBig, kBig}; }
bool Interval::isUnknown() const { return lo <= -kBig && hi >= kBig; }

namespace {

int64_t clamp(__int128 v) {
  return static_cast<int64_t>(std::max<__int128>(-kBig, std::min<__int128>(kBig, v)));
}

Interval make(__int128 a, __int128 b) { return {clamp(std::min(a, b)), clamp(std::max(a, b))}; }

Interval add(Interval a, Interval b) {
  if (a.isUnknown() || b.isUnknown())
    return Interval::unknown();
  return make(__int128(a.lo) + b.lo, __int128(a.hi) + b.hi);
}
Interval sub(Interval a, Interval b) {
  if (a.isUnknown() || b.isUnknown())
    return Interval::unknown();
  return make(__int128(a.lo) - b.hi, __int128(a.hi) - b.lo);
}
Interval mul(Interval a, Interval b) {
  if (a.isUnknown() || b.isUnknown())
    return Interval::unknown();
  __int128 c[4] = {__int128(a.lo) * b.lo, __int128(a.lo) * b.hi, __int128(a.hi) * b.lo,
                   __int128(a.hi) * b.hi};
  return {clamp(*std::min_element(c, c + 4)), clamp(*std::max_element(c, c + 4))};
}
Interval divs(Interval a, Interval b) {
  if (a.isUnknown() || b.isUnknown() || (b.lo <= 0 && b.hi >= 0))
    return Interval::unknown();
  // Truncating division is monotone in each argument on a sign-constant divisor.
  int64_t c[4] = {a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi};
  return {*std::min_element(c, c + 4), *std::max_element(c, c + 4)};
}
Interval join(Interval a, Interval b) { return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)}; }

/// i1 values are intervals within [0, 1]: [1,1] true, [0,0] false.
const Interval kTrue = Interval::point(1), kFalse = Interval::point(0), kEither = {0, 1};

Interval cmp(arith::CmpIPredicate p, Interval a, Interval b) {
  using P = arith::CmpIPredicate;
  auto lt = [](Interval x, Interval y) { // x < y ?
    if (x.hi < y.lo)
      return kTrue;
    if (x.lo >= y.hi)
      return kFalse;
    return kEither;
  };
  auto le = [](Interval x, Interval y) { // x <= y ?
    if (x.hi <= y.lo)
      return kTrue;
    if (x.lo > y.hi)
      return kFalse;
    return kEither;
  };
  switch (p) {
  case P::slt: return lt(a, b);
  case P::sle: return le(a, b);
  case P::sgt: return lt(b, a);
  case P::sge: return le(b, a);
  case P::eq:
    if (a.lo == a.hi && b.lo == b.hi && a.lo == b.lo)
      return kTrue;
    if (a.hi < b.lo || b.hi < a.lo)
      return kFalse;
    return kEither;
  case P::ne:
    if (a.lo == a.hi && b.lo == b.hi && a.lo == b.lo)
      return kFalse;
    if (a.hi < b.lo || b.hi < a.lo)
      return kTrue;
    return kEither;
  default: return kEither; // unsigned predicates: not used by the frontend
  }
}

class Evaluator {
public:
  Interval get(Value v) {
    auto it = values.find(v);
    if (it != values.end())
      return it->second;
    return v.getType().isInteger(1) ? kEither : Interval::unknown();
  }
  void set(Value v, Interval i) { values[v] = i; }

  /// The mask code is i32 arithmetic that wraps: a range that leaves i32
  /// could wrap anywhere, so it becomes the whole i32 range (unknown).
  void wrapToI32(Operation *op) {
    for (Value r : op->getResults()) {
      auto it = values.find(r);
      if (it == values.end() || !r.getType().isInteger(32))
        continue;
      if (it->second.lo < INT32_MIN || it->second.hi > INT32_MAX)
        it->second = {INT32_MIN, INT32_MAX};
    }
  }

  void visit(Operation *op) {
    visitOp(op);
    wrapToI32(op);
  }

  void visitOp(Operation *op) {
    auto bin = [&](auto fn) { set(op->getResult(0), fn(get(op->getOperand(0)), get(op->getOperand(1)))); };
    bool isI1 = op->getNumResults() == 1 && op->getResult(0).getType().isInteger(1);
    llvm::TypeSwitch<Operation *>(op)
        .Case([&](arith::ConstantOp c) {
          if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
            set(c, Interval::point(c.getType().isInteger(1) ? (i.getValue().isZero() ? 0 : 1)
                                                            : i.getValue().getSExtValue()));
        })
        .Case([&](arith::AddIOp) { if (!isI1) bin(add); })
        .Case([&](arith::SubIOp) { if (!isI1) bin(sub); })
        .Case([&](arith::MulIOp) { if (!isI1) bin(mul); })
        .Case([&](arith::DivSIOp) { if (!isI1) bin(divs); })
        .Case([&](arith::RemSIOp r) {
          Interval a = get(r.getLhs()), b = get(r.getRhs());
          if (!isI1 && a.lo >= 0 && b.lo == b.hi && b.lo > 0)
            set(r, {0, std::min(a.hi, b.lo - 1)});
        })
        .Case([&](arith::MinSIOp) {
          bin([](Interval a, Interval b) {
            return Interval{std::min(a.lo, b.lo), std::min(a.hi, b.hi)};
          });
        })
        .Case([&](arith::MaxSIOp) {
          bin([](Interval a, Interval b) {
            return Interval{std::max(a.lo, b.lo), std::max(a.hi, b.hi)};
          });
        })
        .Case([&](math::AbsIOp a) {
          Interval x = get(a.getOperand());
          if (x.isUnknown())
            return;
          if (x.lo >= 0)
            set(a, x);
          else if (x.hi <= 0)
            set(a, {-x.hi, -x.lo});
          else
            set(a, {0, std::max(-x.lo, x.hi)});
        })
        .Case([&](arith::CmpIOp c) {
          set(c, cmp(c.getPredicate(), get(c.getLhs()), get(c.getRhs())));
        })
        .Case([&](arith::AndIOp) {
          if (isI1)
            bin([](Interval a, Interval b) {
              return a == kFalse || b == kFalse ? kFalse
                     : a == kTrue && b == kTrue ? kTrue
                                                : kEither;
            });
        })
        .Case([&](arith::OrIOp) {
          if (isI1)
            bin([](Interval a, Interval b) {
              return a == kTrue || b == kTrue     ? kTrue
                     : a == kFalse && b == kFalse ? kFalse
                                                  : kEither;
            });
        })
        .Case([&](arith::XOrIOp) {
          if (isI1)
            bin([](Interval a, Interval b) {
              if (a.lo != a.hi || b.lo != b.hi)
                return kEither;
              return Interval::point(a.lo ^ b.lo);
            });
        })
        .Case([&](arith::SelectOp s) {
          Interval c = get(s.getCondition());
          if (s.getType().isIntOrIndex())
            set(s, c == kTrue    ? get(s.getTrueValue())
                   : c == kFalse ? get(s.getFalseValue())
                                 : join(get(s.getTrueValue()), get(s.getFalseValue())));
        })
        .Case<arith::IndexCastOp, arith::ExtSIOp>(
            [&](Operation *o) { set(o->getResult(0), get(o->getOperand(0))); })
        .Default([](Operation *) {}); // unknown results
  }

private:
  llvm::DenseMap<Value, Interval> values;
};

} // namespace

BlockClass classifyBlock(Region &mask, const BlockRanges &r) {
  if (mask.empty())
    return BlockClass::Full;
  Block &block = mask.front();
  Evaluator ev;
  Interval args[AttentionOp::kNumIndexArgs] = {r.batch, r.head, r.qIdx, r.kvIdx, r.seqQ, r.seqKV};
  for (unsigned i = 0; i < AttentionOp::kNumIndexArgs; ++i)
    ev.set(block.getArgument(i), args[i]);
  for (Operation &o : block.without_terminator())
    ev.visit(&o);
  Interval res = ev.get(cast<YieldOp>(block.getTerminator()).getValue());
  if (res == kTrue)
    return BlockClass::Full;
  if (res == kFalse)
    return BlockClass::Empty;
  return BlockClass::Partial;
}

BlockCounts countBlocks(Region &mask, int64_t numHeads, int64_t blockM, int64_t blockN,
                        int64_t seqQ, int64_t seqKV) {
  BlockCounts counts;
  BlockRanges r;
  r.batch = {0, kBig};
  r.head = {0, numHeads - 1};
  r.seqQ = Interval::point(seqQ);
  r.seqKV = Interval::point(seqKV);
  for (int64_t q0 = 0; q0 < seqQ; q0 += blockM) {
    r.qIdx = {q0, std::min(q0 + blockM, seqQ) - 1};
    for (int64_t k0 = 0; k0 < seqKV; k0 += blockN) {
      r.kvIdx = {k0, std::min(k0 + blockN, seqKV) - 1};
      switch (classifyBlock(mask, r)) {
      case BlockClass::Empty: ++counts.empty; break;
      case BlockClass::Partial: ++counts.partial; break;
      case BlockClass::Full: ++counts.full; break;
      }
    }
  }
  return counts;
}

//===----------------------------------------------------------------------===//
// The same analysis as code, for ranges known only at run time
//===----------------------------------------------------------------------===//

namespace {

/// Emits interval arithmetic. An integer value is a (lo, hi) pair of i64 SSA
/// values or unknown; an i1 is a (mayBeTrue, mayBeFalse) pair. Only what is
/// exact and overflow-free on i64 is tracked: sums and differences of i32
/// ranges, products and quotients by constants, min/max, comparisons and
/// boolean logic. Everything else is unknown, which is always sound.
class ClassifierEmitter {
public:
  using Pair = std::pair<Value, Value>;

  /// `readsEnabled`: the ranged param reads that depend on the block run
  /// only where this i1 holds (an empty range otherwise, which is unknown);
  /// without it they are not emitted (unknown) and `skippedReads` says so.
  /// `hoisted` keeps the reads emitted to `hoist`, shared by the emitters of
  /// one classification so that each is read once.
  /// `root`: the block the classification is emitted into (its reads whose
  /// indices are defined outside it may go to `hoist`).
  ClassifierEmitter(OpBuilder &b, Location loc, OpBuilder *hoist, Block *root,
                    Value readsEnabled, llvm::DenseMap<Operation *, Pair> &hoisted)
      : b(b), loc(loc), hoist(hoist), root(root), readsEnabled(readsEnabled), hoisted(hoisted) {}

  bool skippedReads = false;

  void setRange(Value v, Pair p) { ranges[v] = p; }
  /// The param memref a region argument stands for.
  void setMemref(Value arg, Value actual) { memrefs[arg] = actual; }

  Pair boolOf(Value v) {
    auto it = bools.find(v);
    if (it != bools.end())
      return it->second;
    Value t = cst1(true);
    return {t, t};
  }

  void visit(Operation *op) {
    visitOp(op);
    // The mask code is i32 arithmetic that wraps (the i64 ranges here do not):
    // a range that leaves i32 becomes the whole i32 range, which is sound.
    for (Value r : op->getResults()) {
      auto it = ranges.find(r);
      if (it == ranges.end() || !r.getType().isInteger(32) || r.getDefiningOp<arith::ConstantOp>())
        continue;
      auto [lo, hi] = it->second;
      Value fits = andI(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, lo, cst64(INT32_MIN)),
                        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, hi, cst64(INT32_MAX)));
      it->second = {arith::SelectOp::create(b, loc, fits, lo, cst64(INT32_MIN)),
                    arith::SelectOp::create(b, loc, fits, hi, cst64(INT32_MAX))};
    }
  }

  void visitOp(Operation *op) {
    llvm::TypeSwitch<Operation *>(op)
        .Case([&](arith::ConstantOp c) {
          auto i = dyn_cast<IntegerAttr>(c.getValue());
          if (!i)
            return;
          if (c.getType().isInteger(1)) {
            bool v = !i.getValue().isZero();
            bools[c] = {cst1(v), cst1(!v)};
          } else {
            Value x = cst64(i.getValue().getSExtValue());
            ranges[c] = {x, x};
          }
        })
        .Case([&](arith::AddIOp o) {
          if (auto [x, y] = operands(o); x && y)
            ranges[o] = {add(x->first, y->first), add(x->second, y->second)};
        })
        .Case([&](arith::SubIOp o) {
          if (auto [x, y] = operands(o); x && y)
            ranges[o] = {sub(x->first, y->second), sub(x->second, y->first)};
        })
        .Case([&](arith::MulIOp o) { scaleByConstant(o, /*divide=*/false); })
        .Case([&](arith::DivSIOp o) { scaleByConstant(o, /*divide=*/true); })
        .Case([&](arith::MinSIOp o) {
          if (auto [x, y] = operands(o); x && y)
            ranges[o] = {arith::MinSIOp::create(b, loc, x->first, y->first),
                         arith::MinSIOp::create(b, loc, x->second, y->second)};
        })
        .Case([&](arith::MaxSIOp o) {
          if (auto [x, y] = operands(o); x && y)
            ranges[o] = {arith::MaxSIOp::create(b, loc, x->first, y->first),
                         arith::MaxSIOp::create(b, loc, x->second, y->second)};
        })
        .Case([&](arith::CmpIOp c) { compare(c); })
        .Case([&](arith::AndIOp o) {
          if (!o.getType().isInteger(1))
            return;
          auto [xt, xf] = boolOf(o.getLhs());
          auto [yt, yf] = boolOf(o.getRhs());
          bools[o] = {andI(xt, yt), orI(xf, yf)};
        })
        .Case([&](arith::OrIOp o) {
          if (!o.getType().isInteger(1))
            return;
          auto [xt, xf] = boolOf(o.getLhs());
          auto [yt, yf] = boolOf(o.getRhs());
          bools[o] = {orI(xt, yt), andI(xf, yf)};
        })
        .Case([&](arith::XOrIOp o) {
          if (!o.getType().isInteger(1))
            return;
          auto [xt, xf] = boolOf(o.getLhs());
          auto [yt, yf] = boolOf(o.getRhs());
          bools[o] = {orI(andI(xt, yf), andI(xf, yt)), orI(andI(xt, yt), andI(xf, yf))};
        })
        .Case([&](arith::SelectOp s) {
          auto [ct, cf] = boolOf(s.getCondition());
          if (s.getType().isInteger(1)) {
            auto [xt, xf] = boolOf(s.getTrueValue());
            auto [yt, yf] = boolOf(s.getFalseValue());
            bools[s] = {orI(andI(ct, xt), andI(cf, yt)), orI(andI(ct, xf), andI(cf, yf))};
            return;
          }
          auto x = range(s.getTrueValue()), y = range(s.getFalseValue());
          if (!x || !y)
            return;
          // Either branch may be taken: the union (exact when the condition is known).
          Value lo = arith::MinSIOp::create(b, loc, x->first, y->first);
          Value hi = arith::MaxSIOp::create(b, loc, x->second, y->second);
          Value onlyT = andI(ct, notI(cf)), onlyF = andI(cf, notI(ct));
          lo = arith::SelectOp::create(b, loc, onlyT, x->first,
                                       arith::SelectOp::create(b, loc, onlyF, y->first, lo));
          hi = arith::SelectOp::create(b, loc, onlyT, x->second,
                                       arith::SelectOp::create(b, loc, onlyF, y->second, hi));
          ranges[s] = {lo, hi};
        })
        .Case<arith::IndexCastOp, arith::ExtSIOp>([&](Operation *o) {
          if (auto x = range(o->getOperand(0)))
            ranges[o->getResult(0)] = *x;
          else if (bools.count(o->getOperand(0)))
            bools[o->getResult(0)] = bools[o->getOperand(0)];
        })
        .Case([&](memref::LoadOp load) { loadAtPoint(load); })
        .Default([](Operation *) {});
  }

private:
  /// A param read at indices that are single values over the whole block
  /// (b, h, constants: prefix[b], slopes[h]) is read at run time; its value
  /// is then exact. A read with one index that is a range over the block
  /// (doc[q_idx], doc[kv_idx]) takes the minimum and maximum of the param
  /// over that range, read at run time too (loadOverRange).
  void loadAtPoint(memref::LoadOp load) {
    if (!load.getType().isSignlessInteger(32))
      return;
    auto mem = memrefs.find(load.getMemRef());
    if (mem == memrefs.end())
      return;
    SmallVector<Pair> idx;
    int ranged = -1;
    for (auto [d, i] : llvm::enumerate(load.getIndices())) {
      auto r = range(i);
      if (!r)
        return;
      if (r->first != r->second) { // not the same SSA value at both ends
        if (ranged >= 0)
          return; // two ranged indices: unknown
        ranged = d;
      }
      idx.push_back(*r);
    }
    if (ranged >= 0)
      return loadOverRange(load, mem->second, idx, ranged);
    SmallVector<Value> indices;
    for (Pair r : idx)
      indices.push_back(arith::IndexCastOp::create(b, loc, b.getIndexType(), r.first));
    Value v = memref::LoadOp::create(b, loc, mem->second, indices);
    Value v64 = arith::ExtSIOp::create(b, loc, b.getI64Type(), v);
    ranges[load] = {v64, v64};
  }

  /// Whether `v` is defined outside the block the classifier is emitted into
  /// (so that code depending only on such values can run before it).
  bool invariant(Value v) {
    Block *here = root;
    Block *blk = isa<BlockArgument>(v) ? cast<BlockArgument>(v).getOwner()
                                       : v.getDefiningOp()->getBlock();
    // Defined in `root` or in a block nested in it (walking out through the
    // ops that hold each block).
    for (; blk; blk = blk->getParentOp() ? blk->getParentOp()->getBlock() : nullptr)
      if (blk == here)
        return false;
    return true;
  }

  /// The range of `mem[idx]` where index `d` runs over [lo, hi] and the
  /// others are single values: a loop reads the param over the range and
  /// keeps its minimum and maximum. Unknown (the whole i32 range) when the
  /// range is empty or leaves the param's bounds. Emitted before the
  /// classifier's block (the scan) when the range does not depend on it:
  /// the Q block's rows are the same for every KV block.
  void loadOverRange(memref::LoadOp load, Value mem, ArrayRef<Pair> idx, unsigned d) {
    bool hoistable = hoist && llvm::all_of(idx, [&](Pair r) {
      return invariant(r.first) && invariant(r.second);
    });
    if (hoistable && hoisted.count(load)) {
      ranges[load] = hoisted.lookup(load);
      return;
    }
    if (!hoistable && !readsEnabled) {
      skippedReads = true;
      return;
    }
    OpBuilder &e = hoistable ? *hoist : b;
    auto c64 = [&](int64_t v) { return arith::ConstantIntOp::create(e, loc, e.getI64Type(), v); };
    auto toIndex = [&](Value v) {
      return arith::IndexCastOp::create(e, loc, e.getIndexType(), v).getResult();
    };
    auto [lo, hi] = idx[d];
    Value size = arith::IndexCastOp::create(
        e, loc, e.getI64Type(), memref::DimOp::create(e, loc, mem, d));
    using P = arith::CmpIPredicate;
    Value inside = arith::AndIOp::create(
        e, loc,
        arith::AndIOp::create(e, loc, arith::CmpIOp::create(e, loc, P::sge, lo, c64(0)),
                              arith::CmpIOp::create(e, loc, P::slt, hi, size)),
        arith::CmpIOp::create(e, loc, P::sle, lo, hi));
    if (!hoistable)
      inside = arith::AndIOp::create(e, loc, inside, readsEnabled);
    // An empty loop when the range is not inside (or not enabled).
    Value first = arith::SelectOp::create(e, loc, inside, lo, c64(0));
    Value end = arith::SelectOp::create(e, loc, inside, arith::AddIOp::create(e, loc, hi, c64(1)),
                                        c64(0));
    Value minInit = c64(INT32_MAX), maxInit = c64(INT32_MIN);
    // Every element is independent of the others: an scf.parallel whose two
    // results (minimum, maximum) are reductions. faattn.range_reduce: the
    // initial values are identities of their reductions and the body only
    // reads memory, so a lowering may spread the elements over a warp's
    // lanes and read in-range elements more than once (TilesToWGMMA does).
    auto loop = scf::ParallelOp::create(
        e, loc, ValueRange{toIndex(first)}, ValueRange{toIndex(end)},
        ValueRange{arith::ConstantIndexOp::create(e, loc, 1)}, ValueRange{minInit, maxInit},
        [&](OpBuilder &lb, Location loc, ValueRange ivs, ValueRange) {
          SmallVector<Value> indices;
          for (auto [k, r] : llvm::enumerate(idx))
            indices.push_back(k == d ? ivs[0]
                                     : arith::IndexCastOp::create(lb, loc, lb.getIndexType(),
                                                                  r.first)
                                           .getResult());
          Value v = arith::ExtSIOp::create(lb, loc, lb.getI64Type(),
                                           memref::LoadOp::create(lb, loc, mem, indices));
          auto reduce = scf::ReduceOp::create(lb, loc, ValueRange{v, v});
          for (int i = 0; i < 2; ++i) {
            Block *blk = &reduce.getReductions()[i].front();
            OpBuilder rb = OpBuilder::atBlockEnd(blk);
            Value x = blk->getArgument(0), y = blk->getArgument(1);
            Value r = i == 0 ? arith::MinSIOp::create(rb, loc, x, y).getResult()
                             : arith::MaxSIOp::create(rb, loc, x, y).getResult();
            scf::ReduceReturnOp::create(rb, loc, r);
          }
        });
    loop->setAttr(FAAttnDialect::getRangeReduceAttrName(), e.getUnitAttr());
    // Outside: the whole i32 range (the loop's start values, an empty
    // interval, would make every comparison with it look certain).
    ranges[load] = {arith::SelectOp::create(e, loc, inside, loop.getResult(0), c64(INT32_MIN)),
                    arith::SelectOp::create(e, loc, inside, loop.getResult(1), c64(INT32_MAX))};
    if (hoistable)
      hoisted[load] = ranges[load];
  }

  std::optional<Pair> range(Value v) {
    auto it = ranges.find(v);
    if (it == ranges.end())
      return std::nullopt;
    return it->second;
  }
  std::pair<std::optional<Pair>, std::optional<Pair>> operands(Operation *o) {
    return {range(o->getOperand(0)), range(o->getOperand(1))};
  }
  std::optional<int64_t> constantOf(Value v) {
    if (auto c = v.getDefiningOp<arith::ConstantOp>())
      if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
        return i.getValue().getSExtValue();
    return std::nullopt;
  }
  void scaleByConstant(Operation *o, bool divide) {
    Value lhs = o->getOperand(0), rhs = o->getOperand(1);
    std::optional<int64_t> c = constantOf(rhs);
    Value other = lhs;
    if (!c && !divide) {
      c = constantOf(lhs);
      other = rhs;
    }
    auto x = range(other);
    if (!c || !x || (divide && *c == 0))
      return;
    Value k = cst64(*c);
    auto f = [&](Value v) -> Value {
      if (divide)
        return arith::DivSIOp::create(b, loc, v, k);
      return arith::MulIOp::create(b, loc, v, k);
    };
    // Both are monotone in the range's ends; a negative constant swaps them.
    if (*c >= 0)
      ranges[o->getResult(0)] = {f(x->first), f(x->second)};
    else
      ranges[o->getResult(0)] = {f(x->second), f(x->first)};
  }
  void compare(arith::CmpIOp c) {
    auto x = range(c.getLhs()), y = range(c.getRhs());
    if (!x || !y)
      return;
    using P = arith::CmpIPredicate;
    auto cmp = [&](P p, Value l, Value r) -> Value { return arith::CmpIOp::create(b, loc, p, l, r); };
    auto [xl, xh] = *x;
    auto [yl, yh] = *y;
    Pair res;
    switch (c.getPredicate()) {
    case P::slt: res = {cmp(P::slt, xl, yh), cmp(P::sge, xh, yl)}; break;
    case P::sle: res = {cmp(P::sle, xl, yh), cmp(P::sgt, xh, yl)}; break;
    case P::sgt: res = {cmp(P::sgt, xh, yl), cmp(P::sle, xl, yh)}; break;
    case P::sge: res = {cmp(P::sge, xh, yl), cmp(P::slt, xl, yh)}; break;
    case P::eq:
    case P::ne: {
      Value disjoint = orI(cmp(P::slt, xh, yl), cmp(P::slt, yh, xl));
      Value samePoint = andI(andI(cmp(P::eq, xl, xh), cmp(P::eq, yl, yh)), cmp(P::eq, xl, yl));
      Value mayEq = notI(disjoint), mayNe = notI(samePoint);
      res = c.getPredicate() == P::eq ? Pair{mayEq, mayNe} : Pair{mayNe, mayEq};
      break;
    }
    default: return; // unsigned predicates: unknown
    }
    bools[c] = res;
  }
  Value cst64(int64_t v) { return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v); }
  Value cst1(bool v) { return arith::ConstantIntOp::create(b, loc, b.getI1Type(), v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value andI(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value orI(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value notI(Value x) { return arith::XOrIOp::create(b, loc, x, cst1(true)); }

  OpBuilder &b;
  Location loc;
  llvm::DenseMap<Value, Pair> ranges;
  llvm::DenseMap<Value, Pair> bools;
  llvm::DenseMap<Value, Value> memrefs;
  OpBuilder *hoist;
  Block *root;
  Value readsEnabled;
  llvm::DenseMap<Operation *, Pair> &hoisted;
};

} // namespace

std::pair<Value, Value> emitBlockClassifier(OpBuilder &b, Location loc, Region &mask,
                                            ArrayRef<std::pair<Value, Value>> args,
                                            ValueRange params, OpBuilder *hoist) {
  if (mask.empty()) {
    Value t = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
    Value f = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0);
    return {t, f};
  }
  Block &block = mask.front();
  llvm::DenseMap<Operation *, ClassifierEmitter::Pair> hoisted;
  Block *root = b.getInsertionBlock();
  auto classify = [&](Value readsEnabled, bool *skipped) {
    ClassifierEmitter em(b, loc, hoist, root, readsEnabled, hoisted);
    for (unsigned i = 0; i < AttentionOp::kNumIndexArgs; ++i)
      em.setRange(block.getArgument(i), args[i]);
    for (auto [arg, actual] :
         llvm::zip(block.getArguments().drop_front(AttentionOp::kNumIndexArgs), params))
      em.setMemref(arg, actual);
    for (Operation &o : block.without_terminator())
      em.visit(&o);
    if (skipped)
      *skipped = em.skippedReads;
    return em.boolOf(cast<YieldOp>(block.getTerminator()).getValue());
  };
  // First without the reads over the block's ranges (a loop each): what
  // needs no param decides most blocks of most masks (causal documents:
  // every block above the diagonal is empty whatever the ids). The reads
  // run only for the blocks left undecided; for the others their ranges are
  // empty (no branch: the code stays convergent for a lowering that spreads
  // a range over several threads), and the refined result is then at least
  // as precise as the first (every step is monotone in its ranges), and
  // sound either way.
  bool skipped = false;
  auto [mayTrue, mayFalse] = classify(Value(), &skipped);
  if (!skipped)
    return {mayTrue, mayFalse};
  Value undecided = arith::AndIOp::create(b, loc, mayTrue, mayFalse);
  return classify(undecided, nullptr);
}

} // namespace faattn
