//===- BlockScan.cpp - the mask analysis' block scan over the CTA ----------===//
//
// faattn-mask-analysis' block scan (an scf.parallel of reductions over the
// KV blocks, faattn.block_scan) spread over the CTA's threads: warp w takes
// blocks lb + (w * groups + g) * step, then every warps * groups blocks; the
// warp combines its partials with xor shuffles, the warps through one
// shared-memory slot each (the plan's scanBytes), read by every thread after
// a barrier. When the classifier reads a param over a range
// (faattn.range_reduce: document ids), groups of kScanLanes lanes share one
// block's reads, 16 in flight a lane. Results are broadcast from lane 0 so
// that ptxas sees them warp-uniform.
//
//===----------------------------------------------------------------------===//

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
namespace faattn {
namespace hopper {

Value WgmmaLowering::shuffle32(OpBuilder &b, Value x, int64_t offset, gpu::ShuffleMode mode) {
  return gpu::ShuffleOp::create(b, fn.getLoc(), x, c32(b, offset), c32(b, 32), mode)
      .getShuffleResult();
}

Value WgmmaLowering::shuffle64(OpBuilder &b, Value v, int64_t offset, gpu::ShuffleMode mode) {
  Location loc = fn.getLoc();
  auto shfl = [&](Value x) { return shuffle32(b, x, offset, mode); };
  Value lo = arith::TruncIOp::create(b, loc, b.getI32Type(), v);
  Value hi = arith::TruncIOp::create(b, loc, b.getI32Type(),
                                     arith::ShRUIOp::create(b, loc, v, c64(b, 32)));
  return arith::OrIOp::create(
      b, loc, arith::ExtUIOp::create(b, loc, b.getI64Type(), shfl(lo)),
      arith::ShLIOp::create(b, loc, arith::ExtUIOp::create(b, loc, b.getI64Type(), shfl(hi)),
                            c64(b, 32)));
}

Value WgmmaLowering::broadcastLane0(OpBuilder &b, Value v) {
  return shuffle64(b, v, 0, gpu::ShuffleMode::IDX);
}

bool WgmmaLowering::isCtaScan(scf::ParallelOp par) {
  return par->hasAttr(FAAttnDialect::getBlockScanAttrName()) && par.getNumLoops() == 1 &&
         par->getBlock() == &gridBlock();
}

Value WgmmaLowering::combine(OpBuilder &b, scf::ReduceOp reduce, unsigned i, Value x, Value y) {
  Block &r = reduce.getReductions()[i].front();
  IRMapping map;
  map.map(r.getArgument(0), x);
  map.map(r.getArgument(1), y);
  for (Operation &op : r.without_terminator())
    b.clone(op, map);
  return map.lookup(cast<scf::ReduceReturnOp>(r.getTerminator()).getResult());
}

SmallVector<Value> WgmmaLowering::accumulateAt(OpBuilder &b, scf::ParallelOp par, Value index, Value valid,
                                ValueRange acc) {
  Location loc = par.getLoc();
  auto reduce = cast<scf::ReduceOp>(par.getBody()->getTerminator());
  IRMapping map;
  map.map(par.getInductionVars()[0],
          arith::SelectOp::create(b, loc, valid, index, par.getLowerBound()[0]));
  for (Operation &op : par.getBody()->without_terminator())
    b.clone(op, map);
  SmallVector<Value> next;
  for (auto [k, v] : llvm::enumerate(reduce.getOperands())) {
    Value x = arith::SelectOp::create(b, loc, valid, map.lookupOrDefault(v),
                                      par.getInitVals()[k]);
    next.push_back(combine(b, reduce, k, acc[k], x));
  }
  return next;
}

LogicalResult WgmmaLowering::convertScan(scf::ParallelOp par) {
  Location loc = par.getLoc();
  OpBuilder b(par);
  auto reduce = cast<scf::ReduceOp>(par.getBody()->getTerminator());
  bool reads = false;
  par.getBody()->walk([&](scf::ParallelOp r) { reads |= r->hasAttr(FAAttnDialect::getRangeReduceAttrName()); });
  int64_t lanes = reads ? kScanLanes : 1, groups = 32 / lanes;
  int64_t warps = threads / 32, at = scanSlots.lookup(par);
  Value warp = arith::DivUIOp::create(b, loc, tid, cIdx(b, 32));
  Value group = arith::DivUIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, tid, cIdx(b, 32)), cIdx(b, lanes));
  Value lb = par.getLowerBound()[0], ub = par.getUpperBound()[0], step = par.getStep()[0];
  Value first = arith::AddIOp::create(
      b, loc, lb,
      arith::MulIOp::create(b, loc, arith::MulIOp::create(b, loc, warp, cIdx(b, groups)),
                            step));
  Value stride = arith::MulIOp::create(b, loc, step, cIdx(b, warps * groups));
  auto loop = scf::ForOp::create(
      b, loc, first, ub, stride, par.getInitVals(),
      [&](OpBuilder &b, Location loc, Value base, ValueRange it) {
        Value kb = arith::AddIOp::create(b, loc, base, arith::MulIOp::create(b, loc, group, step));
        Value valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, kb, ub);
        scf::YieldOp::create(b, loc, accumulateAt(b, par, kb, valid, it));
      });
  SmallVector<scf::ParallelOp> rangeReads;
  loop.walk([&](scf::ParallelOp r) {
    if (r->hasAttr(FAAttnDialect::getRangeReduceAttrName()))
      rangeReads.push_back(r);
  });
  for (scf::ParallelOp r : rangeReads) {
    if (failed(convertRangeReduce(r, lanes)))
      return failure();
    r.erase();
  }
  unsigned n = par.getNumReductions();
  auto slot = [&](OpBuilder &b, Value w, unsigned i) {
    Value byte = arith::AddIOp::create(
        b, loc, cIdx(b, at + 8 * i),
        arith::MulIOp::create(b, loc, w, cIdx(b, 8 * n)));
    return sharedPtr(b, byte);
  };
  SmallVector<Value> partial;
  for (unsigned i = 0; i < n; ++i) {
    Value v = loop.getResult(i);
    if (!v.getType().isInteger(64))
      return par.emitOpError() << "block scan reduces a " << v.getType() << ", not an i64";
    for (int64_t offset = 16; offset >= lanes; offset /= 2)
      v = combine(b, reduce, i, v, shuffle64(b, v, offset, gpu::ShuffleMode::XOR));
    partial.push_back(v);
  }
  ifThen(b, loc, laneLeader, [&](OpBuilder &b) {
    for (unsigned i = 0; i < n; ++i)
      LLVM::StoreOp::create(b, loc, partial[i], slot(b, warp, i), /*alignment=*/8);
  });
  gpu::BarrierOp::create(b, loc);
  for (unsigned i = 0; i < n; ++i) {
    Value acc;
    for (int64_t w = 0; w < warps; ++w) {
      Value x = LLVM::LoadOp::create(b, loc, b.getI64Type(), slot(b, cIdx(b, w), i),
                                     /*alignment=*/8);
      acc = acc ? combine(b, reduce, i, acc, x) : x;
    }
    // Every thread holds the same value now, but ptxas cannot know it:
    // broadcast from lane 0, which it knows is warp-uniform, so that the
    // KV loops' bounds, block indices and the descriptors and TMA
    // coordinates derived from them stay in uniform registers.
    par.getResult(i).replaceAllUsesWith(broadcastLane0(b, acc));
  }
  toErase.push_back(par);
  return success();
}

LogicalResult WgmmaLowering::convertRangeReduce(scf::ParallelOp par, int64_t lanes) {
  int64_t unroll = std::max<int64_t>(1, 128 / lanes);
  Location loc = par.getLoc();
  OpBuilder b(par);
  auto reduce = cast<scf::ReduceOp>(par.getBody()->getTerminator());
  unsigned n = par.getNumReductions();
  for (Value v : par.getInitVals())
    if (!v.getType().isInteger(64))
      return par.emitOpError() << "range reduction of a " << v.getType() << ", not an i64";
  Value lb = par.getLowerBound()[0], ub = par.getUpperBound()[0], step = par.getStep()[0];
  // Minima and maxima do not change when an element is read twice: past
  // the end a lane re-reads the range's last element (the loop body runs
  // only for a non-empty range) instead of selecting an identity for each
  // reduction, and those of sign-extended i32 values run on the i32 values
  // (one 32-bit min, not a 64-bit compare and select). Else every element
  // past the end reads element lb and contributes the identities.
  bool idempotent = getConstantIntValue(step) == 1;
  for (unsigned k = 0; k < n; ++k)
    idempotent &= isMinOrMax(par, k);
  SmallVector<bool> narrow;
  SmallVector<Value> inits;
  for (unsigned k = 0; k < n; ++k) {
    narrow.push_back(idempotent && minMaxOfI32(par, k));
    Value init = par.getInitVals()[k];
    inits.push_back(narrow[k] ? arith::TruncIOp::create(b, loc, b.getI32Type(), init) : init);
  }
  Value last = idempotent ? arith::SubIOp::create(b, loc, ub, cIdx(b, 1)).getResult() : Value();
  Value lane = arith::RemUIOp::create(b, loc, tid, cIdx(b, lanes));
  Value lane32 =
      idempotent ? arith::IndexCastOp::create(b, loc, b.getI32Type(), lane).getResult() : Value();
  auto loop = scf::ForOp::create(
      b, loc, lb, ub, arith::MulIOp::create(b, loc, step, cIdx(b, lanes * unroll)), inits,
      [&](OpBuilder &b, Location loc, Value base, ValueRange it) {
        SmallVector<Value> acc(it);
        // Idempotent: element base + min(l + lanes * u, span), the offset in
        // 32 bits (span = min(last - base, lanes * unroll - 1) once a trip).
        Value span32;
        if (idempotent) {
          Value left = arith::SubIOp::create(b, loc, last, base);
          Value span = arith::MinSIOp::create(b, loc, left, cIdx(b, lanes * unroll - 1));
          span32 = arith::IndexCastOp::create(b, loc, b.getI32Type(), span);
        }
        for (int64_t u = 0; u < unroll; ++u) {
          if (!idempotent) {
            Value i = arith::AddIOp::create(
                b, loc, base,
                arith::MulIOp::create(
                    b, loc, arith::AddIOp::create(b, loc, lane, cIdx(b, lanes * u)), step));
            Value valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, ub);
            acc = accumulateAt(b, par, i, valid, acc);
            continue;
          }
          Value off32 = arith::MinSIOp::create(
              b, loc, arith::AddIOp::create(b, loc, lane32, c32(b, lanes * u)), span32);
          IRMapping map;
          map.map(par.getInductionVars()[0],
                  arith::AddIOp::create(
                      b, loc, base,
                      arith::IndexCastUIOp::create(b, loc, b.getIndexType(), off32)));
          for (Operation &op : par.getBody()->without_terminator())
            b.clone(op, map);
          for (unsigned k = 0; k < n; ++k) {
            Value x = map.lookupOrDefault(reduce.getOperands()[k]);
            acc[k] = narrow[k] ? minOrMaxI32(b, loc, reduce, k, acc[k],
                                             x.getDefiningOp<arith::ExtSIOp>().getIn())
                               : combine(b, reduce, k, acc[k], x);
          }
        }
        scf::YieldOp::create(b, loc, acc);
      });
  for (unsigned k = 0; k < n; ++k) {
    Value v = loop.getResult(k);
    if (minMaxOfI32(par, k)) { // 32-bit shuffles and min / max
      Value v32 = narrow[k] ? v : arith::TruncIOp::create(b, loc, b.getI32Type(), v);
      for (int64_t offset = lanes / 2; offset >= 1; offset /= 2)
        v32 = minOrMaxI32(b, loc, reduce, k, v32,
                          shuffle32(b, v32, offset, gpu::ShuffleMode::XOR));
      v = arith::ExtSIOp::create(b, loc, b.getI64Type(), v32);
    } else {
      for (int64_t offset = lanes / 2; offset >= 1; offset /= 2)
        v = combine(b, reduce, k, v, shuffle64(b, v, offset, gpu::ShuffleMode::XOR));
    }
    par.getResult(k).replaceAllUsesWith(v);
  }
  return success();
}

bool WgmmaLowering::isMinOrMax(scf::ParallelOp par, unsigned k) {
  auto reduce = cast<scf::ReduceOp>(par.getBody()->getTerminator());
  Block &r = reduce.getReductions()[k].front();
  Operation &op = r.front();
  return r.getOperations().size() == 2 &&
         isa<arith::MinSIOp, arith::MaxSIOp, arith::MinUIOp, arith::MaxUIOp>(op) &&
         llvm::is_contained(op.getOperands(), r.getArgument(0)) &&
         llvm::is_contained(op.getOperands(), r.getArgument(1)) &&
         r.getTerminator()->getOperand(0) == op.getResult(0);
}

Value WgmmaLowering::minOrMaxI32(OpBuilder &b, Location loc, scf::ReduceOp reduce, unsigned k, Value x,
                         Value y) {
  if (isa<arith::MinSIOp>(reduce.getReductions()[k].front().front()))
    return arith::MinSIOp::create(b, loc, x, y);
  return arith::MaxSIOp::create(b, loc, x, y);
}

bool WgmmaLowering::minMaxOfI32(scf::ParallelOp par, unsigned k) {
  auto reduce = cast<scf::ReduceOp>(par.getBody()->getTerminator());
  auto ext = reduce.getOperands()[k].getDefiningOp<arith::ExtSIOp>();
  Block &r = reduce.getReductions()[k].front();
  auto init = getConstantIntValue(par.getInitVals()[k]);
  return ext && ext.getIn().getType().isInteger(32) && init && *init >= INT32_MIN &&
         *init <= INT32_MAX && isMinOrMax(par, k) &&
         isa<arith::MinSIOp, arith::MaxSIOp>(r.front());
}

} // namespace hopper
} // namespace faattn
