//===- TilesToGPU.cpp - faattn-tiles-to-gpu: a SIMT mapping of the tiles ---===//
//
// The first GPU path: each kernel's grid becomes a `gpu.func` in the module's
// `gpu.module @faattn_kernels`, one CTA per grid point (block ids x, y, z =
// the grid's induction variables) and one thread per row of the Q block:
//
//   * row tiles (every tile whose rows are the CTA's query rows: Q, S, P,
//     the accumulator, running max and sum) live in each thread's private
//     memory, one row per thread: memref<N x T>, per-thread loops;
//   * shared tiles (K and V blocks: tile_load results used only as the
//     right operand of tile_dot) live in shared memory, loaded cooperatively
//     between two barriers;
//   * loop-carried tiles get one buffer each; a yield copies into it.
//
// This is a correct, simple mapping (CUDA-core FMAs, no tensor cores); the
// Hopper passes replace it with wgmma fragments and TMA. A split-KV decode
// function (faattn-split-kv with workspace-args) becomes two kernels, `name`
// (grid (batch, head, q-block * splits + split)) and `name`_combine (no
// tiles: its scf.parallel over the columns spread over the threads); the
// kv-outer loop order (several grids and a state in memory) stays CPU-only.
//
//===----------------------------------------------------------------------===//
#include "faattn/Conversion/GpuOutline.h"
#include "faattn/Conversion/ElementCode.h"
#include "faattn/Conversion/TileAddressing.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Conversion/Passes.h"
#include "templates/common/SplitKVCombine.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <limits>

namespace faattn {
#define GEN_PASS_DEF_FAATTNTILESTOGPU
#include "faattn/Conversion/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

Value cIdx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// for (i = lb; i < ub; i += step) body(i)
void forLoop(OpBuilder &b, Location loc, Value lb, Value ub, Value step,
             function_ref<void(OpBuilder &, Value)> body) {
  scf::ForOp::create(b, loc, lb, ub, step, ValueRange{},
                     [&](OpBuilder &b, Location loc, Value i, ValueRange) {
                       body(b, i);
                       scf::YieldOp::create(b, loc);
                     });
}

/// e4m3 (1 sign, 4 exponent bits with bias 7, 3 mantissa bits, no
/// infinities, S.1111.111 = NaN) to f32 with integer and float ops: the LLVM
/// lowering has no fp8 conversions on this path.
Value decodeE4M3(OpBuilder &b, Location loc, Value v) {
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  auto c = [&](int64_t x) -> Value { return arith::ConstantIntOp::create(b, loc, i32, x); };
  auto cf = [&](float x) -> Value { return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(x)); };
  Value bits = arith::ExtUIOp::create(b, loc, i32, arith::BitcastOp::create(b, loc, b.getI8Type(), v));
  Value sign = arith::ShRUIOp::create(b, loc, bits, c(7));
  Value exp = arith::AndIOp::create(b, loc, arith::ShRUIOp::create(b, loc, bits, c(3)), c(15));
  Value mant = arith::AndIOp::create(b, loc, bits, c(7));
  Value mantF = arith::UIToFPOp::create(b, loc, f32, mant);
  // normal: (8 + m) * 2^(e - 10); subnormal (e = 0): m * 2^-9
  Value normal = arith::MulFOp::create(
      b, loc, arith::AddFOp::create(b, loc, mantF, cf(8)),
      math::Exp2Op::create(b, loc, arith::SIToFPOp::create(b, loc, f32, arith::SubIOp::create(b, loc, exp, c(10)))));
  Value sub = arith::MulFOp::create(b, loc, mantF, cf(1.0f / 512));
  Value isSub = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, exp, c(0));
  Value mag = arith::SelectOp::create(b, loc, isSub, sub, normal);
  Value isNan = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                      arith::AndIOp::create(b, loc, bits, c(127)), c(127));
  mag = arith::SelectOp::create(b, loc, isNan, cf(std::numeric_limits<float>::quiet_NaN()), mag);
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, sign, c(0));
  return arith::SelectOp::create(b, loc, neg, arith::NegFOp::create(b, loc, mag), mag);
}

Value extToF32(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isF32())
    return v;
  if (isa<Float8E4M3FNType>(v.getType()))
    return decodeE4M3(b, loc, v);
  return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

Value zeroOf(OpBuilder &b, Location loc, Type t) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(t, 0.0));
}

class SimtLowering {
public:
  /// `combine`: the split-KV combine kernel (templates/common/SplitKVCombine.h),
  /// whose top-level scf.parallel over the columns is spread over the threads.
  /// `lanes` (a power of 2 up to 32 dividing every row tile's columns; 1
  /// unless the grid has no products, rowLanes): the threads that share a
  /// row, rows * lanes in all.
  SimtLowering(gpu::GPUFuncOp fn, int64_t rows, int64_t lanes = 1, bool combine = false)
      : fn(fn), rows(rows), lanes(lanes), threads(rows * lanes), combine(combine) {}

  LogicalResult run() {
    Block &entry = fn.getBody().front();
    OpBuilder b = OpBuilder::atBlockBegin(&entry);
    Location loc = fn.getLoc();
    tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    tid32 = arith::IndexCastOp::create(b, loc, b.getI32Type(), tid);
    allocPoint = tid32.getDefiningOp();
    row = tid;
    row32 = tid32;
    if (lanes > 1) {
      row = arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, lanes));
      lane = arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, lanes));
      row32 = arith::IndexCastOp::create(b, loc, b.getI32Type(), row);
    }
    // Shared tiles: loads whose every use is the right operand of a dot.
    fn.walk([&](TileLoadOp load) {
      bool onlyRhs = !load->use_empty();
      for (OpOperand &use : load->getUses()) {
        auto dot = dyn_cast<TileDotOp>(use.getOwner());
        onlyRhs &= dot && use.getOperandNumber() == 1;
      }
      if (onlyRhs)
        shared.insert(load.getResult());
    });
    if (failed(convertBlock(entry)))
      return failure();
    // Converted ops may still use each other (and a rewritten loop's old
    // block arguments): drop every reference first, then erase.
    for (Operation *op : toErase)
      op->dropAllReferences();
    for (Operation *op : toErase) {
      op->dropAllUses();
      op->erase();
    }
    return success();
  }

private:
  /// A per-thread row buffer for `t` (rows must be the CTA's query rows).
  FailureOr<Value> rowBuffer(Operation *at, TileType t) {
    if (t.getShape()[0] != rows)
      return at->emitError() << "the GPU (SIMT) mapping needs every row tile to have "
                             << rows << " rows, got " << t;
    if (held(t.getShape()[1]) * lanes != t.getShape()[1] && t.getShape()[1] != 1)
      return at->emitError() << "the GPU (SIMT) mapping shares a row among " << lanes
                             << " threads, which do not divide " << t;
    OpBuilder b(allocPoint->getBlock(), std::next(allocPoint->getIterator()));
    return Value(memref::AllocaOp::create(
        b, fn.getLoc(), MemRefType::get({held(t.getShape()[1])}, t.getElementType())));
  }

  /// The elements of an n-column row tile a thread holds: its row's columns
  /// lane, lane + lanes, ... (an n = 1 tile's one value in every lane).
  int64_t held(int64_t n) const { return n == 1 ? 1 : n / lanes; }

  /// for (j = 0; j < held(n); ++j) body(j, the column of element j).
  void eachHeld(OpBuilder &b, Location loc, int64_t n,
                function_ref<void(OpBuilder &, Value, Value)> body) {
    forLoop(b, loc, cIdx(b, loc, 0), cIdx(b, loc, held(n)), cIdx(b, loc, 1),
            [&](OpBuilder &b, Value j) {
              Value c = j;
              if (lanes > 1 && n != 1)
                c = arith::AddIOp::create(
                    b, loc, arith::MulIOp::create(b, loc, j, cIdx(b, loc, lanes)), lane);
              body(b, j, c);
            });
  }

  /// True when every use of `earlier` comes before `later` (so that `later`
  /// may overwrite its buffer: its load starts with a barrier).
  static bool allUsesBefore(Value earlier, Operation *later) {
    // A loop around `later` that does not define `earlier` but uses it would
    // read it again in its next iteration, after `later` overwrote it.
    Operation *def = earlier.getDefiningOp();
    for (Operation *loop = later->getParentOp(); loop; loop = loop->getParentOp()) {
      if (!isa<scf::ForOp>(loop) || loop->isProperAncestor(def))
        continue;
      for (Operation *user : earlier.getUsers())
        if (loop->isProperAncestor(user))
          return false;
    }
    for (Operation *user : earlier.getUsers()) {
      bool ordered = false;
      for (Operation *at = later; at; at = at->getParentOp()) {
        if (Operation *anc = at->getBlock()->findAncestorOpInBlock(*user)) {
          ordered = anc != at && anc->isBeforeInBlock(at);
          break;
        }
      }
      if (!ordered)
        return false;
    }
    return true;
  }

  /// A shared-memory buffer for `load`: reuses one of the same type whose
  /// tiles are all dead by then (K of this block and V of the last, ...).
  Value sharedBuffer(TileLoadOp load) {
    TileType t = load.getType();
    for (auto &[buffer, users] : sharedPool) {
      auto type = cast<MemRefType>(buffer.getType());
      if (type.getShape() != t.getShape() || type.getElementType() != t.getElementType())
        continue;
      if (llvm::all_of(users, [&](Value v) { return allUsesBefore(v, load); })) {
        users.push_back(load.getResult());
        return buffer;
      }
    }
    auto space = gpu::AddressSpaceAttr::get(fn.getContext(), gpu::AddressSpace::Workgroup);
    auto type = MemRefType::get(t.getShape(), t.getElementType(), MemRefLayoutAttrInterface(),
                                space);
    Value buffer = fn.addWorkgroupAttribution(type, fn.getLoc());
    sharedPool.push_back({buffer, {load.getResult()}});
    return buffer;
  }

  /// The row buffer of a tile value (row tiles only).
  Value buf(Value tile) { return buffers.lookup(tile); }

  void copy(OpBuilder &b, Location loc, Value from, Value to, int64_t n) {
    eachHeld(b, loc, n, [&](OpBuilder &b, Value j, Value) {
      memref::StoreOp::create(b, loc, memref::LoadOp::create(b, loc, from, j), to, j);
    });
  }

  LogicalResult define(Operation *op, Value tile) {
    FailureOr<Value> b = rowBuffer(op, cast<TileType>(tile.getType()));
    if (failed(b))
      return failure();
    buffers[tile] = *b;
    return success();
  }

  LogicalResult convertBlock(Block &block) {
    for (Operation &op : llvm::make_early_inc_range(block)) {
      if (failed(convert(&op)))
        return failure();
    }
    return success();
  }

  LogicalResult convert(Operation *op) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    if (auto load = dyn_cast<TileLoadOp>(op))
      return shared.count(load.getResult()) ? sharedLoad(b, load) : rowLoad(b, load);
    if (auto store = dyn_cast<TileStoreOp>(op)) {
      if (store.getAccumulate() || store.getCol0())
        return op->emitOpError() << "with accumulate or col0 has no GPU (SIMT) lowering";
      return rowStore(b, store);
    }
    if (auto dot = dyn_cast<TileDotOp>(op); dot && dot.getTransposeLhs())
      return op->emitOpError() << "with transpose_lhs has no GPU (SIMT) lowering";
    if (isa<TileColumnsOp>(op))
      return op->emitOpError() << "has no GPU (SIMT) lowering";
    if (auto splat = dyn_cast<TileSplatOp>(op)) {
      if (failed(define(op, splat)))
        return failure();
      Value v = arith::ConstantOp::create(b, loc, splat.getValueAttr());
      Value dst = buf(splat);
      eachHeld(b, loc, splat.getType().getShape()[1],
               [&](OpBuilder &b, Value j, Value) { memref::StoreOp::create(b, loc, v, dst, j); });
      toErase.push_back(op);
      return success();
    }
    if (auto dot = dyn_cast<TileDotOp>(op))
      return convertDot(b, dot);
    if (auto red = dyn_cast<TileReduceOp>(op))
      return convertReduce(b, red);
    if (auto map = dyn_cast<TileMapOp>(op))
      return elementwise(b, op, map.getInputs(), [&](OpBuilder &b, Value, ValueRange x) {
        return emitMapElement(b, map, x);
      });
    if (auto score = dyn_cast<TileScoreOp>(op))
      return elementwise(b, op, ValueRange{score.getInput()},
                         [&](OpBuilder &b, Value col, ValueRange x) {
                           return emitScoreElement(b, score, rowIndex(b, score),
                                                   kvIndex(b, score.getCol0(), col), x[0]);
                         });
    if (auto mask = dyn_cast<TileMaskOp>(op))
      return elementwise(b, op, ValueRange{mask.getInput()},
                         [&](OpBuilder &b, Value col, ValueRange x) {
                           return emitMaskElement(b, mask, rowIndex(b, mask),
                                                  kvIndex(b, mask.getCol0(), col), x[0]);
                         });
    if (auto loop = dyn_cast<scf::ForOp>(op))
      return convertLoop(loop);
    if (auto sum = dyn_cast<ParamGradSumOp>(op))
      return convertParamGradSum(b, sum);
    if (auto par = dyn_cast<scf::ParallelOp>(op);
        par && ((combine && par->getBlock() == &fn.getBody().front()) ||
                par->hasAttr(FAAttnDialect::getThreadLoopAttrName())))
      return threadLoop(par);
    if (auto arrive = dyn_cast<SplitArriveOp>(op)) {
      OpBuilder b(arrive);
      arrive.getLast().replaceAllUsesWith(lowerSplitArrive(b, arrive, tid));
      arrive.erase();
      return success();
    }
    if (isa<FAAttnDialect>(op->getDialect()))
      return op->emitOpError() << "has no GPU (SIMT) lowering; run faattn-online-softmax first";
    for (Region &r : op->getRegions())
      for (Block &blk : r)
        if (failed(convertBlock(blk)))
          return failure();
    return success();
  }

  /// faattn.param_grad_sum (the deterministic backward's post grid, its
  /// first CTA): warp w sums the items (batch, head, entry) w, w + warps, ...
  /// (entry innermost), its lanes over the item's KV blocks x slots (lane l
  /// the l-th, l + 32-th, ...), then a shuffle tree, and lane 0 leaves the
  /// sum in the item's slot-0 column of KV block 0; after a CTA barrier
  /// thread 0 adds the sums into the gradients, entry by entry over (batch,
  /// head) in order, a run of sums on one element added once. Fixed lanes,
  /// tree and order: the same partials give the same bits.
  LogicalResult convertParamGradSum(OpBuilder &b, ParamGradSumOp op) {
    if (threads % 32 != 0)
      return op.emitOpError() << "needs whole warps, the CTA has " << threads << " threads";
    Location loc = op.getLoc();
    Value partials = op.getPartials();
    int64_t entries = static_cast<int64_t>(op.getGradOfEntry().size());
    auto c = [&](int64_t v) { return cIdx(b, loc, v); };
    auto dim = [&](int64_t d) { return memref::DimOp::create(b, loc, partials, d).getResult(); };
    Value batch = dim(0), heads = dim(1), kvBlocks = dim(2);
    Value perBatch = arith::MulIOp::create(b, loc, heads, c(entries));
    Value items = arith::MulIOp::create(b, loc, batch, perBatch);
    Value any = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, kvBlocks, c(0));
    Value parts = arith::MulIOp::create(b, loc, kvBlocks, c(kParamGradSlots));
    Value warp = arith::DivUIOp::create(b, loc, tid, c(32));
    Value lane = arith::RemUIOp::create(b, loc, tid, c(32));
    // An item's (batch, head, entry), entry innermost.
    auto itemAt = [&](OpBuilder &b, Value item) {
      Value e = arith::RemUIOp::create(b, loc, item, cIdx(b, loc, entries));
      Value bh = arith::DivUIOp::create(b, loc, item, cIdx(b, loc, entries));
      return std::array<Value, 3>{arith::DivUIOp::create(b, loc, bh, heads),
                                  arith::RemUIOp::create(b, loc, bh, heads), e};
    };
    auto ifThen = [&](OpBuilder &b, Value cond, function_ref<void(OpBuilder &)> body) {
      scf::IfOp::create(b, loc, cond, [&](OpBuilder &b, Location loc) {
        body(b);
        scf::YieldOp::create(b, loc);
      });
    };
    forLoop(b, loc, warp, items, c(threads / 32), [&](OpBuilder &b, Value item) {
      std::array<Value, 3> at = itemAt(b, item);
      Value bi = at[0], hi = at[1], e = at[2];
      Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
      auto sweep = scf::ForOp::create(
          b, loc, lane, parts, cIdx(b, loc, 32), ValueRange{zero},
          [&](OpBuilder &b, Location loc, Value i, ValueRange sum) {
            Value slot = arith::RemUIOp::create(b, loc, i, cIdx(b, loc, kParamGradSlots));
            Value col = arith::AddIOp::create(
                b, loc, arith::MulIOp::create(b, loc, slot, cIdx(b, loc, kParamGradEntries)), e);
            Value kb = arith::DivUIOp::create(b, loc, i, cIdx(b, loc, kParamGradSlots));
            Value x = memref::LoadOp::create(b, loc, partials, ValueRange{bi, hi, kb, col});
            scf::YieldOp::create(b, loc, ValueRange{arith::AddFOp::create(b, loc, sum[0], x)});
          });
      Value sum = sweep.getResult(0);
      for (int64_t offset : {16, 8, 4, 2, 1})
        sum = arith::AddFOp::create(b, loc, sum,
                                    gpu::ShuffleOp::create(b, loc, sum,
                                                           arith::ConstantIntOp::create(
                                                               b, loc, b.getI32Type(), offset),
                                                           arith::ConstantIntOp::create(
                                                               b, loc, b.getI32Type(), 32),
                                                           gpu::ShuffleMode::XOR)
                                        .getShuffleResult());
      Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, c(0));
      ifThen(b, arith::AndIOp::create(b, loc, first, any), [&](OpBuilder &b) {
        memref::StoreOp::create(b, loc, sum, partials, ValueRange{bi, hi, cIdx(b, loc, 0), e});
      });
    });
    gpu::BarrierOp::create(b, loc);
    // Thread 0, entry by entry, over (batch, head) in order: a run of items
    // on one element (a scalar's every item) is summed in a register and
    // added once, so the adds do not wait on one another's stores.
    Value leader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, c(0));
    ifThen(b, arith::AndIOp::create(b, loc, leader, any), [&](OpBuilder &b) {
      Type i32 = b.getI32Type();
      auto c32 = [&](OpBuilder &b, int64_t v) {
        return arith::ConstantIntOp::create(b, loc, i32, v).getResult();
      };
      Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
      for (int64_t e = 0; e < entries; ++e) {
        auto flush = [&](OpBuilder &b, Value at, Value acc) {
          ifThen(b, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, at, c32(b, 0)),
                 [&](OpBuilder &b) { addParamGradTotal(b, op, e, at, acc); });
        };
        auto walk = scf::ForOp::create(
            b, loc, cIdx(b, loc, 0), arith::MulIOp::create(b, loc, batch, heads),
            cIdx(b, loc, 1), ValueRange{zero, c32(b, -1)},
            [&](OpBuilder &b, Location loc, Value bh, ValueRange run) {
              Value bi = arith::DivUIOp::create(b, loc, bh, heads);
              Value hi = arith::RemUIOp::create(b, loc, bh, heads);
              Value total = memref::LoadOp::create(
                  b, loc, partials, ValueRange{bi, hi, cIdx(b, loc, 0), cIdx(b, loc, e)});
              Value adds = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, total, zero);
              auto step = scf::IfOp::create(
                  b, loc, adds,
                  [&](OpBuilder &b, Location loc) {
                    Value at = memref::LoadOp::create(b, loc, op.getPartialIndices(),
                                                      ValueRange{bi, hi, cIdx(b, loc, e)});
                    // Another element: the run so far is added, a new one starts.
                    Value other = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, at,
                                                        run[1]);
                    ifThen(b, other, [&](OpBuilder &b) { flush(b, run[1], run[0]); });
                    Value acc = arith::SelectOp::create(
                        b, loc, other, total, arith::AddFOp::create(b, loc, run[0], total));
                    scf::YieldOp::create(b, loc, ValueRange{acc, at});
                  },
                  [&](OpBuilder &b, Location loc) { scf::YieldOp::create(b, loc, run); });
              scf::YieldOp::create(b, loc, step.getResults());
            });
        flush(b, walk.getResult(1), walk.getResult(0));
      }
    });
    op.erase();
    return success();
  }

  /// The combine's columns over the threads: for (c = lb + tid * step; c <
  /// ub; c += threads * step), the parallel loop's body in it.
  LogicalResult threadLoop(scf::ParallelOp par) {
    scf::ForOp loop = spreadOverThreads(par, tid, threads);
    return loop ? convertBlock(*loop.getBody()) : failure();
  }

  /// The thread's row of a tile_score / tile_mask.
  TileRow rowIndex(OpBuilder &b, Operation *indexedOp) { return indexedRow(b, indexedOp, row32); }
  Value kvIndex(OpBuilder &b, Value col0, Value col) {
    Location loc = fn.getLoc();
    return arith::AddIOp::create(b, loc, col0,
                                 arith::IndexCastOp::create(b, loc, b.getI32Type(), col));
  }

  /// result[c] = fn(c, inputs[c] or inputs[0] for Mx1 inputs), per thread.
  LogicalResult elementwise(OpBuilder &b, Operation *op, ValueRange inputs,
                            function_ref<Value(OpBuilder &, Value, ValueRange)> fnBody) {
    Value res = op->getResult(0);
    if (failed(define(op, res)))
      return failure();
    Location loc = op->getLoc();
    int64_t n = cast<TileType>(res.getType()).getShape()[1];
    Value dst = buf(res);
    eachHeld(b, loc, n, [&](OpBuilder &b, Value j, Value c) {
      SmallVector<Value> x;
      for (Value in : inputs) {
        Value idx = cast<TileType>(in.getType()).getShape()[1] == 1 ? cIdx(b, loc, 0) : j;
        x.push_back(memref::LoadOp::create(b, loc, buf(in), idx));
      }
      memref::StoreOp::create(b, loc, fnBody(b, c, x), dst, j);
    });
    toErase.push_back(op);
    return success();
  }

  LogicalResult rowLoad(OpBuilder &b, TileLoadOp load) {
    if (failed(define(load, load)))
      return failure();
    Location loc = load.getLoc();
    int64_t cols = load.getType().getShape()[1];
    RowAddress at = tileRowAddress(b, loc, load, row);
    Value dst = buf(load);
    eachHeld(b, loc, cols, [&](OpBuilder &b, Value j, Value c) {
      memref::StoreOp::create(b, loc, loadOrZero(b, loc, load, at, c), dst, j);
    });
    toErase.push_back(load);
    return success();
  }

  LogicalResult sharedLoad(OpBuilder &b, TileLoadOp load) {
    Location loc = load.getLoc();
    TileType t = load.getType();
    int64_t rows = t.getShape()[0], cols = t.getShape()[1];
    Value sh = sharedBuffer(load);
    sharedBuffers[load.getResult()] = sh;
    gpu::BarrierOp::create(b, loc); // no thread still reads the previous block
    forLoop(b, loc, tid, cIdx(b, loc, rows * cols), cIdx(b, loc, threads), [&](OpBuilder &b, Value i) {
      Value r = arith::DivUIOp::create(b, loc, i, cIdx(b, loc, cols));
      Value c = arith::RemUIOp::create(b, loc, i, cIdx(b, loc, cols));
      RowAddress at = tileRowAddress(b, loc, load, r);
      memref::StoreOp::create(b, loc, loadOrZero(b, loc, load, at, c), sh, ValueRange{r, c});
    });
    gpu::BarrierOp::create(b, loc); // the block is complete
    toErase.push_back(load);
    return success();
  }

  LogicalResult rowStore(OpBuilder &b, TileStoreOp store) {
    Location loc = store.getLoc();
    auto memTy = store.getMem().getType();
    // A padded tile's columns past the head dim are not written.
    int64_t n = store.getValue().getType().getShape()[1];
    int64_t cols = std::min(n, memColumns(memTy));
    Value src = buf(store.getValue());
    if (!src)
      return store.emitOpError() << "stores a tile with no per-thread buffer";
    RowAddress at = tileRowAddress(b, loc, store, row);
    Value inside = at.inside;
    if (lanes > 1 && n == 1) // the row's one value: its first lane stores it
      inside = arith::AndIOp::create(
          b, loc, inside,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, cIdx(b, loc, 0)));
    scf::IfOp::create(b, loc, inside, [&](OpBuilder &b, Location loc) {
      auto storeAt = [&](OpBuilder &b, Value j, Value c) {
        memref::StoreOp::create(b, loc, memref::LoadOp::create(b, loc, src, j), store.getMem(),
                                tileMemIndices(memTy, store.getLayout(), at.batch, at.head,
                                               at.row, c));
      };
      if (lanes == 1)
        forLoop(b, loc, cIdx(b, loc, 0), cIdx(b, loc, cols), cIdx(b, loc, 1),
                [&](OpBuilder &b, Value c) { storeAt(b, c, c); });
      else
        eachHeld(b, loc, n, [&](OpBuilder &b, Value j, Value c) {
          if (cols == n)
            return storeAt(b, j, c);
          Value kept = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, c,
                                             cIdx(b, loc, cols));
          scf::IfOp::create(b, loc, kept, [&](OpBuilder &b, Location loc) {
            storeAt(b, j, c);
            scf::YieldOp::create(b, loc);
          });
        });
      scf::YieldOp::create(b, loc);
    });
    toErase.push_back(store);
    return success();
  }

  LogicalResult convertDot(OpBuilder &b, TileDotOp dot) {
    Location loc = dot.getLoc();
    Value rhs = sharedBuffers.lookup(dot.getRhs());
    Value lhs = buf(dot.getLhs());
    if (!rhs || !lhs || lanes > 1)
      return dot.emitOpError() << "the GPU (SIMT) mapping needs a row-tile left operand and a "
                                  "shared (K/V) right operand";
    if (failed(define(dot, dot)))
      return failure();
    TileType a = dot.getLhs().getType();
    int64_t k = a.getShape()[1], n = dot.getType().getShape()[1];
    bool transposed = dot.getTransposeRhs();
    Value dst = buf(dot);
    forLoop(b, loc, cIdx(b, loc, 0), cIdx(b, loc, n), cIdx(b, loc, 1), [&](OpBuilder &b, Value j) {
      auto inner = scf::ForOp::create(
          b, loc, cIdx(b, loc, 0), cIdx(b, loc, k), cIdx(b, loc, 1),
          ValueRange{zeroOf(b, loc, b.getF32Type())},
          [&](OpBuilder &b, Location loc, Value kk, ValueRange acc) {
            Value x = extToF32(b, loc, memref::LoadOp::create(b, loc, lhs, kk));
            Value y = extToF32(b, loc, memref::LoadOp::create(
                                           b, loc, rhs, transposed ? ValueRange{j, kk}
                                                                   : ValueRange{kk, j}));
            scf::YieldOp::create(b, loc, ValueRange{math::FmaOp::create(b, loc, x, y, acc[0])});
          });
      memref::StoreOp::create(b, loc, inner.getResult(0), dst, j);
    });
    toErase.push_back(dot);
    return success();
  }

  LogicalResult convertReduce(OpBuilder &b, TileReduceOp red) {
    Location loc = red.getLoc();
    if (failed(define(red, red)))
      return failure();
    bool isMax = red.getKind() == ReduceKind::max;
    int64_t n = red.getInput().getType().getShape()[1];
    Value src = buf(red.getInput());
    Value init = arith::ConstantOp::create(
        b, loc, b.getF32FloatAttr(isMax ? -std::numeric_limits<float>::infinity() : 0.0f));
    auto fold = [&](OpBuilder &b, Value x, Value y) -> Value {
      return isMax ? Value(arith::MaximumFOp::create(b, loc, x, y))
                   : Value(arith::AddFOp::create(b, loc, x, y));
    };
    auto loop = scf::ForOp::create(
        b, loc, cIdx(b, loc, 0), cIdx(b, loc, held(n)), cIdx(b, loc, 1), ValueRange{init},
        [&](OpBuilder &b, Location loc, Value j, ValueRange acc) {
          scf::YieldOp::create(b, loc, fold(b, acc[0], memref::LoadOp::create(b, loc, src, j)));
        });
    Value r = loop.getResult(0);
    // The row's lanes (adjacent in the warp) combine theirs, every lane
    // getting the row's value.
    auto c32 = [&](int64_t v) -> Value {
      return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
    };
    if (n != 1 && lanes > 1) {
      Value width = c32(32);
      for (int64_t offset = lanes / 2; offset >= 1; offset /= 2)
        r = fold(b, r,
                 gpu::ShuffleOp::create(b, loc, r, c32(offset), width, gpu::ShuffleMode::XOR)
                     .getShuffleResult());
    }
    memref::StoreOp::create(b, loc, r, buf(red), cIdx(b, loc, 0));
    toErase.push_back(red);
    return success();
  }

  /// A loop carrying tiles: one buffer per carried tile, initialized before
  /// the loop, written by a copy at the yield, read after the loop.
  LogicalResult convertLoop(scf::ForOp loop) {
    SmallVector<unsigned> tileArgs;
    for (auto [i, t] : llvm::enumerate(loop.getResultTypes()))
      if (isa<TileType>(t))
        tileArgs.push_back(i);
    if (tileArgs.empty())
      return convertBlock(*loop.getBody());
    Location loc = loop.getLoc();
    OpBuilder b(loop);
    DenseMap<unsigned, Value> carried;
    for (unsigned i : tileArgs) {
      Value init = loop.getInitArgs()[i];
      FailureOr<Value> dst = rowBuffer(loop, cast<TileType>(init.getType()));
      if (failed(dst))
        return failure();
      copy(b, loc, buf(init), *dst, cast<TileType>(init.getType()).getShape()[1]);
      carried[i] = *dst;
      buffers[loop.getRegionIterArgs()[i]] = *dst;
    }
    if (failed(convertBlock(*loop.getBody())))
      return failure();
    auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
    // The yield copies run one after another: a yield that passes one carried
    // tile into another's place would read an already overwritten buffer.
    for (unsigned i : tileArgs)
      for (unsigned j : tileArgs)
        if (i != j && buf(yield.getOperand(i)) == carried[j])
          return loop.emitError() << "the GPU (SIMT) mapping does not support a loop that "
                                     "permutes its carried tiles";
    {
      OpBuilder yb(yield);
      for (unsigned i : tileArgs) {
        Value src = buf(yield.getOperand(i));
        if (src != carried[i])
          copy(yb, loc, src, carried[i],
               cast<TileType>(yield.getOperand(i).getType()).getShape()[1]);
      }
    }
    // The same loop without the tile values.
    SmallVector<Value> inits;
    SmallVector<unsigned> kept;
    for (unsigned i = 0; i < loop.getNumResults(); ++i)
      if (!carried.count(i)) {
        kept.push_back(i);
        inits.push_back(loop.getInitArgs()[i]);
      }
    auto newLoop = scf::ForOp::create(b, loc, loop.getLowerBound(), loop.getUpperBound(),
                                      loop.getStep(), inits);
    newLoop->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
    Block *newBody = newLoop.getBody();
    if (!newBody->empty())
      newBody->getTerminator()->erase();
    newBody->getOperations().splice(newBody->end(), loop.getBody()->getOperations());
    loop.getInductionVar().replaceAllUsesWith(newLoop.getInductionVar());
    for (auto [n, i] : llvm::enumerate(kept))
      loop.getRegionIterArgs()[i].replaceAllUsesWith(newLoop.getRegionIterArgs()[n]);
    SmallVector<Value> yielded;
    for (unsigned i : kept)
      yielded.push_back(yield.getOperand(i));
    {
      OpBuilder yb(yield);
      scf::YieldOp::create(yb, loc, yielded);
    }
    yield.erase();
    for (unsigned i : tileArgs)
      buffers[loop.getResult(i)] = carried[i];
    for (auto [n, i] : llvm::enumerate(kept))
      loop.getResult(i).replaceAllUsesWith(newLoop.getResult(n));
    toErase.push_back(loop);
    return success();
  }

  gpu::GPUFuncOp fn;
  int64_t rows, lanes, threads;
  bool combine;
  Value tid, tid32;
  Value row, row32, lane; // the thread's row of the CTA's and its lane in it
  Operation *allocPoint = nullptr;
  DenseSet<Value> shared;
  DenseMap<Value, Value> buffers, sharedBuffers;
  SmallVector<std::pair<Value, SmallVector<Value>>> sharedPool;
  SmallVector<Operation *> toErase;
};

/// The threads that share a row of `grid`'s Q block of `rows`: 1 where the
/// grid has products (a thread holds its row) or an scf.parallel (a block
/// scan, which its own code spreads over the threads), else (the backward's pre and
/// post grids: loads, stores and row-wise maps and sums) the widest power of
/// 2 up to `maxLanes` that divides every row tile's columns (but 1), in a
/// CTA of whole warps and at most 1024 threads, so that a warp's loads and
/// stores fall on a few rows' adjacent elements instead of 32 rows a row's
/// pitch apart (PERFORMANCE step 65).
int64_t rowLanes(scf::ForallOp grid, int64_t rows, int64_t maxLanes) {
  bool products = false; // or a scan: anything not row by row
  SmallVector<int64_t> cols;
  grid.walk([&](Operation *op) {
    products |= isa<TileDotOp, scf::ParallelOp>(op);
    for (Type t : op->getResultTypes())
      if (auto tile = dyn_cast<TileType>(t); tile && tile.getShape()[1] != 1)
        cols.push_back(tile.getShape()[1]);
  });
  if (products)
    return 1;
  int64_t lanes = 1;
  for (int64_t g = 2; g <= std::min<int64_t>(maxLanes, 32); g *= 2) {
    bool fits = rows * g <= 1024 && (rows * g) % 32 == 0 &&
                llvm::all_of(cols, [&](int64_t n) { return n % g == 0; });
    if (fits)
      lanes = g;
  }
  return lanes;
}

struct TilesToGPUPass : impl::FAAttnTilesToGPUBase<TilesToGPUPass> {
  using FAAttnTilesToGPUBase::FAAttnTilesToGPUBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> kernels;
    for (auto fn : module.getOps<func::FuncOp>())
      kernels.push_back(fn);
    for (func::FuncOp fn : kernels) {
      FailureOr<SmallVector<scf::ForallOp>> grids = kernelGrids(fn);
      if (failed(grids))
        return signalPassFailure();
      if (grids->empty())
        continue;
      gpu::GPUModuleOp gpuModule = kernelModule(module);
      for (auto [i, grid] : llvm::enumerate(*grids)) {
        if (hasRotatedKVLoop(grid)) {
          // faattn-tiles-to-wgmma lowers them where it takes the kernel.
          auto why = fn->getAttrOfType<StringAttr>(FAAttnDialect::getWgmmaSkippedAttrName());
          fn.emitError() << "overlap = softmax (faattn-overlap-softmax's rotated KV loops) is "
                            "lowered on the wgmma TMA pipeline only, which this kernel does not "
                            "take: "
                         << (why ? why.getValue() : StringRef("no wgmma lowering"));
          return signalPassFailure();
        }
        // The block size: the rows of the CTA's Q block (the first tile_load),
        // or the combine's (its faattn.block_m: it has no tiles).
        int64_t rows = 0;
        bool combine = grid->hasAttr(FAAttnDialect::getSplitKvCombineAttrName());
        if (auto a = grid->getAttrOfType<IntegerAttr>(FAAttnDialect::getBlockMAttrName()))
          rows = a.getInt();
        grid.walk([&](TileLoadOp load) {
          if (!rows)
            rows = load.getType().getShape()[0];
        });
        if (rows <= 0 || rows > 1024) {
          fn.emitError() << "cannot map a Q block of " << rows << " rows to one CTA";
          return signalPassFailure();
        }
        int64_t lanes = combine ? 1 : rowLanes(grid, rows, maxRowLanes);
        gpu::GPUFuncOp gfn =
            outlineGrid(fn, grid, kernelName(fn, grid), gpuModule, rows * lanes);
        OpBuilder ab(gfn);
        gfn->setAttr(FAAttnDialect::getBlockMAttrName(), ab.getI64IntegerAttr(rows));
        if (lanes > 1)
          gfn->setAttr(FAAttnDialect::getThreadsAttrName(), ab.getI64IntegerAttr(rows * lanes));
        if (failed(SimtLowering(gfn, rows, lanes, combine).run()))
          return signalPassFailure();
        lowerE4M3Truncs(gfn); // an e4m3 output's conversion
      }
      fn.erase();
    }
  }
};

} // namespace
} // namespace faattn
