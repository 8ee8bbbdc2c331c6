//===- MaskIntervals.cpp - Interval analysis of mask regions --------------===//
#include "faattn/Analysis/MaskIntervals.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
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

  void visit(Operation *op) {
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

BlockClass classifyBlock(AttentionOp op, const BlockRanges &r) {
  if (!op.hasMask())
    return BlockClass::Full;
  Block &block = op.getMask().front();
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

BlockCounts countBlocks(AttentionOp op, int64_t blockM, int64_t blockN, int64_t seqQ,
                        int64_t seqKV) {
  BlockCounts counts;
  BlockRanges r;
  r.batch = {0, kBig};
  r.head = {0, static_cast<int64_t>(op.getNumHeads()) - 1};
  r.seqQ = Interval::point(seqQ);
  r.seqKV = Interval::point(seqKV);
  for (int64_t q0 = 0; q0 < seqQ; q0 += blockM) {
    r.qIdx = {q0, std::min(q0 + blockM, seqQ) - 1};
    for (int64_t k0 = 0; k0 < seqKV; k0 += blockN) {
      r.kvIdx = {k0, std::min(k0 + blockN, seqKV) - 1};
      switch (classifyBlock(op, r)) {
      case BlockClass::Empty: ++counts.empty; break;
      case BlockClass::Partial: ++counts.partial; break;
      case BlockClass::Full: ++counts.full; break;
      }
    }
  }
  return counts;
}

} // namespace faattn
