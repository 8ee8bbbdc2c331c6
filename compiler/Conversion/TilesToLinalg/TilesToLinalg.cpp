//===- TilesToLinalg.cpp - faattn-tiles-to-linalg --------------------------===//
//
// The CPU path: tile values become tensors and tile ops become linalg /
// tensor ops, which upstream bufferization and loop lowering take to LLVM.
//
//   tile_load   -> tensor.generate (rows past the sequence read as 0)
//   tile_store  -> loops of tensor.extract + memref.store (rows inside only;
//                  `accumulate`: load, add, store)
//                  (`col0`: the memref's columns from col0)
//   tile_columns -> tensor.extract_slice
//   tile_splat  -> linalg.fill
//   tile_dot    -> linalg.generic (m, n, k), f32 products and sums
//   tile_reduce -> linalg.generic with a reduction over columns
//   tile_map    -> linalg.generic, the region inlined; Mx1 inputs broadcast
//   tile_score  -> linalg.generic with linalg.index for (q_idx, kv_idx)
//   tile_mask   -> same, keep ? x : -inf, with kv_idx < seq_kv
//   tile_score_grad -> a linalg.generic with two results (score', dscore)
//   tile_param_grad -> loops over the block, the grad region inlined, each
//                  contribution added into its gradient buffer
//   turn_pass / turn_wait / turn_end -> the lock's loads and stores, no
//                  waiting (the CTAs run in grid order; lowerTurn)
//   split_arrive -> the counter's load, add and store (lowerSplitArrive)
//
// The score and mask code is only evaluated for in-range (q_idx, kv_idx):
// it may read params indexed by them (document ids), which must not be read
// out of bounds.
//
//===----------------------------------------------------------------------===//
#include "faattn/Conversion/ElementCode.h"
#include "faattn/Conversion/TileAddressing.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <limits>

namespace faattn {
#define GEN_PASS_DEF_FAATTNTILESTOLINALG
#include "faattn/Conversion/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

RankedTensorType tensorOf(Type t) {
  auto s = cast<ShapedType>(t);
  return RankedTensorType::get(s.getShape(), s.getElementType());
}

Value cIdx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value zeroOf(OpBuilder &b, Location loc, Type t) {
  if (isa<FloatType>(t))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(t, 0.0));
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, 0));
}

Value filled(OpBuilder &b, Location loc, RankedTensorType t, Value value) {
  Value empty = tensor::EmptyOp::create(b, loc, t.getShape(), t.getElementType());
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value lowerLoad(OpBuilder &b, TileLoadOp op) {
  Location loc = op.getLoc();
  return tensor::GenerateOp::create(
      b, loc, tensorOf(op.getType()), ValueRange{}, [&](OpBuilder &b, Location loc, ValueRange ij) {
        RowAddress at = tileRowAddress(b, loc, op, ij[0]);
        tensor::YieldOp::create(b, loc, loadOrZero(b, loc, op, at, ij[1]));
      });
}

void lowerStore(OpBuilder &b, TileStoreOp op) {
  Location loc = op.getLoc();
  ArrayRef<int64_t> shape = op.getValue().getType().getShape();
  Value tensor = op.getValue(); // already a tensor
  scf::ForOp::create(
      b, loc, cIdx(b, loc, 0), cIdx(b, loc, shape[0]), cIdx(b, loc, 1), ValueRange{},
      [&](OpBuilder &b, Location loc, Value i, ValueRange) {
        RowAddress at = tileRowAddress(b, loc, op, i);
        scf::IfOp::create(b, loc, at.inside, [&](OpBuilder &b, Location loc) {
          // A padded tile's columns past the head dim are not written; a
          // column chunk's go to the memref's columns from col0.
          int64_t col0 = static_cast<int64_t>(op.getCol0().value_or(0));
          int64_t cols = std::min(shape[1], memColumns(op.getMem().getType()) - col0);
          scf::ForOp::create(b, loc, cIdx(b, loc, 0), cIdx(b, loc, cols), cIdx(b, loc, 1),
                             ValueRange{}, [&](OpBuilder &b, Location loc, Value j, ValueRange) {
                               Value v = tensor::ExtractOp::create(b, loc, tensor, ValueRange{i, j});
                               Value col = col0 ? arith::AddIOp::create(b, loc, j, cIdx(b, loc, col0))
                                                : j;
                               SmallVector<Value> idx =
                                   tileMemIndices(op.getMem().getType(), op.getLayout(), at.batch,
                                                  at.head, at.row, col);
                               if (op.getAccumulate())
                                 v = arith::AddFOp::create(
                                     b, loc, memref::LoadOp::create(b, loc, op.getMem(), idx), v);
                               memref::StoreOp::create(b, loc, v, op.getMem(), idx);
                               scf::YieldOp::create(b, loc);
                             });
          scf::YieldOp::create(b, loc);
        });
        scf::YieldOp::create(b, loc);
      });
}

Value lowerDot(OpBuilder &b, TileDotOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  RankedTensorType resTy = tensorOf(op.getType());
  Value init = filled(b, loc, resTy, zeroOf(b, loc, b.getF32Type()));
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  SmallVector<AffineMap> maps = {
      op.getTransposeLhs() ? AffineMap::get(3, 0, {k, m}, ctx) : AffineMap::get(3, 0, {m, k}, ctx),
      op.getTransposeRhs() ? AffineMap::get(3, 0, {n, k}, ctx) : AffineMap::get(3, 0, {k, n}, ctx),
      AffineMap::get(3, 0, {m, n}, ctx)};
  SmallVector<utils::IteratorType> iters = {utils::IteratorType::parallel,
                                            utils::IteratorType::parallel,
                                            utils::IteratorType::reduction};
  auto gen = linalg::GenericOp::create(
      b, loc, TypeRange{resTy}, ValueRange{op.getLhs(), op.getRhs()}, ValueRange{init}, maps,
      iters, [&](OpBuilder &b, Location loc, ValueRange a) {
        auto toF32 = [&](Value v) -> Value {
          if (v.getType().isF32())
            return v;
          return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
        };
        Value prod = arith::MulFOp::create(b, loc, toF32(a[0]), toF32(a[1]));
        linalg::YieldOp::create(b, loc, Value(arith::AddFOp::create(b, loc, a[2], prod)));
      });
  return gen.getResult(0);
}

Value lowerReduce(OpBuilder &b, TileReduceOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  RankedTensorType resTy = tensorOf(op.getType());
  bool isMax = op.getKind() == ReduceKind::max;
  Value initValue = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(isMax ? -std::numeric_limits<float>::infinity() : 0.0f));
  Value init = filled(b, loc, resTy, initValue);
  AffineExpr r, c;
  bindDims(ctx, r, c);
  SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {r, c}, ctx),
                                 AffineMap::get(2, 0, {r, getAffineConstantExpr(0, ctx)}, ctx)};
  auto gen = linalg::GenericOp::create(
      b, loc, TypeRange{resTy}, ValueRange{op.getInput()}, ValueRange{init}, maps,
      {utils::IteratorType::parallel, utils::IteratorType::reduction},
      [&](OpBuilder &b, Location loc, ValueRange a) {
        Value v = isMax ? Value(arith::MaximumFOp::create(b, loc, a[0], a[1]))
                        : Value(arith::AddFOp::create(b, loc, a[0], a[1]));
        linalg::YieldOp::create(b, loc, v);
      });
  return gen.getResult(0);
}

/// A 2-D elementwise linalg.generic over `inputs` (MxN, or Mx1 broadcast)
/// whose body `fn` gets (row index, column index, scalars...).
Value elementwise(OpBuilder &b, Location loc, RankedTensorType resTy, ValueRange inputs,
                  function_ref<Value(OpBuilder &, Location, Value, Value, ValueRange)> fn) {
  MLIRContext *ctx = b.getContext();
  AffineExpr r, c;
  bindDims(ctx, r, c);
  AffineMap identity = AffineMap::get(2, 0, {r, c}, ctx);
  AffineMap column = AffineMap::get(2, 0, {r, getAffineConstantExpr(0, ctx)}, ctx);
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(cast<ShapedType>(in.getType()).getShape()[1] == 1 && resTy.getShape()[1] != 1
                       ? column
                       : identity);
  maps.push_back(identity);
  Value init = tensor::EmptyOp::create(b, loc, resTy.getShape(), resTy.getElementType());
  auto gen = linalg::GenericOp::create(
      b, loc, TypeRange{resTy}, inputs, ValueRange{init}, maps,
      {utils::IteratorType::parallel, utils::IteratorType::parallel},
      [&](OpBuilder &b, Location loc, ValueRange a) {
        Value i = linalg::IndexOp::create(b, loc, 0);
        Value j = linalg::IndexOp::create(b, loc, 1);
        linalg::YieldOp::create(b, loc, fn(b, loc, i, j, a.drop_back()));
      });
  return gen.getResult(0);
}

Value lowerMap(OpBuilder &b, TileMapOp op) {
  return elementwise(b, op.getLoc(), tensorOf(op.getType()), op.getInputs(),
                     [&](OpBuilder &b, Location, Value, Value, ValueRange a) {
                       return emitMapElement(b, op, a);
                     });
}

/// base + index (an i32 tile origin plus an index offset into the tile).
Value offsetI32(OpBuilder &b, Location loc, Value base, Value index) {
  return arith::AddIOp::create(b, loc, base,
                               arith::IndexCastOp::create(b, loc, b.getI32Type(), index));
}

/// tile_score / tile_mask: element (i, j) is at (q_idx, kv_idx) = (row0 + i, col0 + j) (the
/// row of a head_group: indexedRow).
template <typename Op>
Value lowerIndexed(OpBuilder &b, Op op) {
  return elementwise(
      b, op.getLoc(), tensorOf(op.getType()), ValueRange{op.getInput()},
      [&](OpBuilder &b, Location loc, Value i, Value j, ValueRange a) -> Value {
        Type i32 = b.getI32Type();
        TileRow row = indexedRow(b, op, arith::IndexCastOp::create(b, loc, i32, i));
        Value kv = offsetI32(b, loc, op.getCol0(), j);
        if constexpr (std::is_same_v<Op, TileScoreOp>)
          return emitScoreElement(b, op, row, kv, a[0]);
        else
          return emitMaskElement(b, op, row, kv, a[0]);
      });
}

/// tile_score_grad: (score', dscore) per element, at (row0 + i, col0 + j).
std::pair<Value, Value> lowerScoreGrad(OpBuilder &b, TileScoreGradOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  RankedTensorType t = tensorOf(op.getInput().getType());
  AffineExpr r, c;
  bindDims(ctx, r, c);
  AffineMap identity = AffineMap::get(2, 0, {r, c}, ctx);
  Value init = tensor::EmptyOp::create(b, loc, t.getShape(), t.getElementType());
  auto gen = linalg::GenericOp::create(
      b, loc, TypeRange{t, t}, ValueRange{op.getInput()}, ValueRange{init, init},
      SmallVector<AffineMap>(3, identity),
      {utils::IteratorType::parallel, utils::IteratorType::parallel},
      [&](OpBuilder &b, Location loc, ValueRange a) {
        Value q = offsetI32(b, loc, op.getRow0(), linalg::IndexOp::create(b, loc, 0));
        Value kv = offsetI32(b, loc, op.getCol0(), linalg::IndexOp::create(b, loc, 1));
        auto [score, dscore] = emitScoreGradElement(b, op, q, kv, a[0]);
        linalg::YieldOp::create(b, loc, ValueRange{score, dscore});
      });
  return {gen.getResult(0), gen.getResult(1)};
}

/// tile_param_grad: loops over the block's elements, each adding into the
/// gradient buffers (load, add, store: the CPU path runs one thread).
LogicalResult lowerParamGrad(OpBuilder &b, TileParamGradOp op) {
  Location loc = op.getLoc();
  ArrayRef<int64_t> shape = op.getInput().getType().getShape();
  Value x = op.getInput(), w = op.getWeight(); // already tensors
  auto forEach = [&](OpBuilder &b, int64_t n, function_ref<void(OpBuilder &, Value)> body) {
    scf::ForOp::create(b, loc, cIdx(b, loc, 0), cIdx(b, loc, n), cIdx(b, loc, 1), ValueRange{},
                       [&](OpBuilder &b, Location loc, Value iv, ValueRange) {
                         body(b, iv);
                         scf::YieldOp::create(b, loc);
                       });
  };
  // With partials (deterministic): every entry is summed, into slot 0.
  SmallVector<bool> summed;
  if (op.getPartials()) {
    summed = tileInvariantParamEntries(op);
    if (llvm::is_contained(summed, false))
      return op.emitOpError() << "with partials needs every entry's element the same over "
                                 "the tile";
  }
  forEach(b, shape[0], [&](OpBuilder &b, Value i) {
    forEach(b, shape[1], [&](OpBuilder &b, Value j) {
      Value q = offsetI32(b, loc, op.getRow0(), i), kv = offsetI32(b, loc, op.getCol0(), j);
      Value xe = tensor::ExtractOp::create(b, loc, x, ValueRange{i, j});
      Value we = tensor::ExtractOp::create(b, loc, w, ValueRange{i, j});
      SmallVector<Value> parts = emitParamGradElement(
          b, op, q, kv, xe, we,
          [&](OpBuilder &b, Value mem, ValueRange idx, Value v) {
            Value old = memref::LoadOp::create(b, loc, mem, idx);
            memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, old, v), mem, idx);
          },
          summed);
      for (unsigned e = 0; e < parts.size(); ++e) {
        Value part = parts[e];
        Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
        Value adds = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, part, zero);
        scf::IfOp::create(b, loc, adds, [&](OpBuilder &b, Location loc) {
          addParamGradPartial(b, op, e, cIdx(b, loc, 0), part);
          scf::YieldOp::create(b, loc);
        });
      }
    });
  });
  return success();
}

/// faattn.param_grad_sum on the CPU: (batch, head, entry) in order, each
/// entry's partials summed over the KV blocks, then the slots.
void lowerParamGradSum(OpBuilder &b, ParamGradSumOp op) {
  Location loc = op.getLoc();
  Value partials = op.getPartials();
  auto loop = [&](OpBuilder &b, Value n, ValueRange init,
                  function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)> body) {
    return scf::ForOp::create(b, loc, cIdx(b, loc, 0), n, cIdx(b, loc, 1), init,
                              [&](OpBuilder &b, Location loc, Value iv, ValueRange carried) {
                                scf::YieldOp::create(b, loc, body(b, iv, carried));
                              });
  };
  auto dim = [&](OpBuilder &b, int64_t d) { return memref::DimOp::create(b, loc, partials, d); };
  loop(b, dim(b, 0), {}, [&](OpBuilder &b, Value batch, ValueRange) {
    loop(b, dim(b, 1), {}, [&](OpBuilder &b, Value head, ValueRange) {
      for (unsigned e = 0; e < op.getGradOfEntry().size(); ++e) {
        Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
        auto blocks = loop(b, dim(b, 2), zero, [&](OpBuilder &b, Value kb, ValueRange sum) {
          auto slots = loop(b, cIdx(b, loc, kParamGradSlots), sum,
                            [&](OpBuilder &b, Value slot, ValueRange sum) {
                              Value col = arith::AddIOp::create(
                                  b, loc,
                                  arith::MulIOp::create(b, loc, slot,
                                                        cIdx(b, loc, kParamGradEntries)),
                                  cIdx(b, loc, e));
                              Value x = memref::LoadOp::create(
                                  b, loc, partials, ValueRange{batch, head, kb, col});
                              return SmallVector<Value>{
                                  arith::AddFOp::create(b, loc, sum[0], x)};
                            });
          return SmallVector<Value>(slots.getResults());
        });
        Value total = blocks.getResult(0);
        Value adds = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, total, zero);
        scf::IfOp::create(b, loc, adds, [&](OpBuilder &b, Location loc) {
          Value linear = memref::LoadOp::create(b, loc, op.getPartialIndices(),
                                                ValueRange{batch, head, cIdx(b, loc, e)});
          addParamGradTotal(b, op, e, linear, total);
          scf::YieldOp::create(b, loc);
        });
      }
      return SmallVector<Value>();
    });
    return SmallVector<Value>();
  });
}

/// The deterministic backward's turns on the CPU path, which runs the CTAs
/// one after another in grid order: nothing waits. turn_wait's `ready` is
/// whether the lock holds the turn; a pass whose turn had not come sets the
/// lock to -1, which no later turn matches, so a broken order makes a later
/// wait's adds NaN.
/// faattn.split_arrive with the CTAs in grid order: n = count + 1; the last
/// (n == splits) sets the element back to 0 and combines.
Value lowerSplitArrive(OpBuilder &b, SplitArriveOp op) {
  Location loc = op.getLoc();
  Type i32 = b.getI32Type();
  SmallVector<Value> idx = {op.getBatch(), op.getHead(), op.getRow()};
  Value n = arith::AddIOp::create(b, loc, memref::LoadOp::create(b, loc, op.getCount(), idx),
                                  arith::ConstantIntOp::create(b, loc, i32, 1));
  Value splits = arith::IndexCastOp::create(b, loc, i32, op.getSplits());
  Value last = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, n, splits);
  Value next = arith::SelectOp::create(b, loc, last,
                                       arith::ConstantIntOp::create(b, loc, i32, 0), n);
  memref::StoreOp::create(b, loc, next, op.getCount(), idx);
  return last;
}

Value lowerTurn(OpBuilder &b, Operation *op) {
  Location loc = op->getLoc();
  auto i32 = [&](Value v) { return arith::IndexCastOp::create(b, loc, b.getI32Type(), v); };
  auto next = [&](Value turn) {
    return arith::AddIOp::create(b, loc, i32(turn),
                                 arith::ConstantIntOp::create(b, loc, b.getI32Type(), 1));
  };
  if (auto pass = dyn_cast<TurnPassOp>(op)) {
    scf::ForOp::create(
        b, loc, pass.getFrom(), pass.getTo(), cIdx(b, loc, 1), ValueRange{},
        [&](OpBuilder &b, Location loc, Value k, ValueRange) {
          SmallVector<Value> idx = pass.lockIndices(b, k);
          Value held = memref::LoadOp::create(b, loc, pass.getLock(), idx);
          Value ours = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, held,
                                             i32(pass.getTurn()));
          Value broken = arith::ConstantIntOp::create(b, loc, b.getI32Type(), -1);
          Value v = arith::SelectOp::create(b, loc, ours, next(pass.getTurn()), broken);
          memref::StoreOp::create(b, loc, v, pass.getLock(), idx);
          scf::YieldOp::create(b, loc);
        });
    return Value();
  }
  if (auto wait = dyn_cast<TurnWaitOp>(op)) {
    Value held = memref::LoadOp::create(b, loc, wait.getLock(), wait.lockIndices(b, wait.getBlock()));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, held, i32(wait.getTurn()));
  }
  auto end = cast<TurnEndOp>(op);
  memref::StoreOp::create(b, loc, next(end.getTurn()), end.getLock(),
                          end.lockIndices(b, end.getBlock()));
  return Value();
}

struct TilesToLinalgPass : impl::FAAttnTilesToLinalgBase<TilesToLinalgPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    // 1. Loop-carried tiles become tensors in place (same shapes).
    fn.walk([&](scf::ForOp loop) {
      for (BlockArgument arg : loop.getRegionIterArgs())
        if (isa<TileType>(arg.getType()))
          arg.setType(tensorOf(arg.getType()));
      for (OpResult res : loop->getResults())
        if (isa<TileType>(res.getType()))
          res.setType(tensorOf(res.getType()));
    });
    // 2. Tile ops, in program order (producers before their users).
    SmallVector<Operation *> ops;
    fn.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<FAAttnDialect>(op->getDialect()) && !isa<YieldOp, GradYieldOp>(op) &&
          !op->getParentOfType<TileMapOp>() && !op->getParentOfType<TileScoreOp>() &&
          !op->getParentOfType<TileMaskOp>() && !op->getParentOfType<TileScoreGradOp>() &&
          !op->getParentOfType<TileParamGradOp>())
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      OpBuilder b(op);
      Value repl;
      if (auto o = dyn_cast<TileLoadOp>(op))
        repl = lowerLoad(b, o);
      else if (auto o = dyn_cast<TileStoreOp>(op))
        lowerStore(b, o);
      else if (auto o = dyn_cast<TileColumnsOp>(op)) {
        TileType t = o.getType();
        repl = tensor::ExtractSliceOp::create(
            b, o.getLoc(), tensorOf(t), o.getInput(),
            ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(o.getCol0())},
            ArrayRef<OpFoldResult>{b.getIndexAttr(t.getShape()[0]), b.getIndexAttr(t.getShape()[1])},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
      } else if (auto o = dyn_cast<TileSplatOp>(op))
        repl = filled(b, o.getLoc(), tensorOf(o.getType()),
                      arith::ConstantOp::create(b, o.getLoc(), o.getValueAttr()));
      else if (auto o = dyn_cast<TileDotOp>(op))
        repl = lowerDot(b, o);
      else if (auto o = dyn_cast<TileReduceOp>(op))
        repl = lowerReduce(b, o);
      else if (auto o = dyn_cast<TileMapOp>(op))
        repl = lowerMap(b, o);
      else if (auto o = dyn_cast<TileScoreOp>(op))
        repl = lowerIndexed(b, o);
      else if (auto o = dyn_cast<TileMaskOp>(op))
        repl = lowerIndexed(b, o);
      else if (auto o = dyn_cast<TileScoreGradOp>(op)) {
        auto [score, dscore] = lowerScoreGrad(b, o);
        o.getDscore().replaceAllUsesWith(dscore);
        repl = score;
      } else if (auto o = dyn_cast<TileParamGradOp>(op)) {
        if (failed(lowerParamGrad(b, o)))
          return signalPassFailure();
      } else if (auto o = dyn_cast<ParamGradSumOp>(op))
        lowerParamGradSum(b, o);
      else if (isa<TurnPassOp, TurnWaitOp, TurnEndOp>(op))
        repl = lowerTurn(b, op);
      else if (auto o = dyn_cast<SplitArriveOp>(op))
        repl = lowerSplitArrive(b, o);
      else {
        op->emitOpError() << "cannot be lowered to linalg: run faattn-tile and "
                             "faattn-online-softmax first";
        return signalPassFailure();
      }
      if (repl)
        op->getResult(0).replaceAllUsesWith(repl);
      op->erase();
    }
  }
};

} // namespace
} // namespace faattn
