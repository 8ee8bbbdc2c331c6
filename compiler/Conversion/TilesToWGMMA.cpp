//===- TilesToWGMMA.cpp - faattn-tiles-to-wgmma: Hopper tensor cores -------===//
//
// The sm_90a forward path: each kernel's (batch, head, q-block) grid becomes
// a gpu.func of BM / 64 warpgroups (warpgroup g owns query rows [64g, 64g +
// 64)), and the tiles are mapped as the wgmma instructions want them:
//
//   * accumulator-shaped tiles (S, P, O and the Mx1 row statistics) live in
//     registers, as wgmma's m64nNk16 accumulator fragments: thread t of a
//     warpgroup (warp w = t / 32, lane l) holds, for fragment element i,
//       row = 16 w + l / 4 + 8 ((i % 4) / 2),  col = 8 (i / 4) + 2 (l % 4) + i % 2
//     (Mx1 tiles: its two rows); each such tile is one vector per thread;
//   * the operands of the two products live in shared memory in wgmma's
//     canonical K-major layout without swizzle (8 x 8 core matrices of 16-bit
//     elements, 128 bytes each; core matrix (r / 8, c / 8) of an R x C tile at
//     ((r / 8) (C / 8) + c / 8) * 128 bytes): Q (BM x D), K (BN x D), V
//     transposed (Dv x BN) and P (BM x BN), filled by all threads between
//     barriers, made visible to the tensor cores with fence.proxy.async;
//   * Q K^T and P V are chains of wgmma.mma_async (k = 16 each) from two
//     shared-memory descriptors, then commit and wait;
//   * score, mask and softmax code runs on fragment elements with their own
//     (q_idx, kv_idx); row reductions finish with two quad shuffles;
//   * O and LSE are stored from the fragments.
//
// What is not here yet (the Hopper issue's next steps): TMA loads into a
// multi-stage mbarrier ring, swizzled layouts, P from registers, warp
// specialization. A kernel this pass cannot map (another dtype, a tile shape
// wgmma does not take, split-KV decode) is left to faattn-tiles-to-gpu.
//
//===----------------------------------------------------------------------===//
#include "faattn/Conversion/GpuOutline.h"
#include "faattn/Conversion/TileScalar.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

#include <limits>

namespace faattn {
#define GEN_PASS_DEF_FAATTNTILESTOWGMMA
#include "faattn/Transforms/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

/// What the pass found in a kernel's grid, or why it cannot map it.
struct Plan {
  int64_t bm = 0;            // query rows per CTA (a multiple of 64)
  Type elt;                  // bf16 or f16
  TileLoadOp q;              // the Q block: left operand of the first dot
  SmallVector<TileLoadOp> k; // right operands of Q K^T (one per KV loop)
  SmallVector<TileLoadOp> v; // right operands of P V
  int64_t d = 0, dv = 0, bn = 0;
  std::string whyNot;
};

/// The plan for the tile ops under `root` (a grid's body, outlined).
Plan analyze(Operation *root) {
  Plan p;
  auto no = [&](const Twine &why) {
    p.whyNot = why.str();
    return p;
  };
  SmallVector<TileDotOp> dots;
  root->walk([&](TileDotOp d) { dots.push_back(d); });
  if (dots.empty())
    return no("no tile_dot");
  for (TileDotOp dot : dots) {
    auto rhs = dot.getRhs().getDefiningOp<TileLoadOp>();
    if (!rhs || !rhs->hasOneUse())
      return no("a dot's right operand is not a block load of its own");
    (dot.getTransposeRhs() ? p.k : p.v).push_back(rhs);
    if (dot.getTransposeRhs()) {
      auto lhs = dot.getLhs().getDefiningOp<TileLoadOp>();
      if (!lhs || (p.q && lhs != p.q))
        return no("Q K^T's left operand is not the Q block");
      p.q = lhs;
    } else if (dot.getLhs().getDefiningOp<TileLoadOp>()) {
      return no("P V's left operand is a load");
    }
  }
  if (!p.q || p.k.empty() || p.v.empty())
    return no("not the two products of attention");
  TileType qt = p.q.getType();
  p.bm = qt.getShape()[0];
  p.d = qt.getShape()[1];
  p.elt = qt.getElementType();
  p.bn = p.k.front().getType().getShape()[0];
  p.dv = p.v.front().getType().getShape()[1];
  if (!p.elt.isBF16() && !p.elt.isF16())
    return no("element type is not bf16 or f16");
  if (p.bm % 64 != 0 || p.bm > 256)
    return no("block_m is not 64, 128, 192 or 256");
  if (p.d % 16 != 0 || p.bn % 16 != 0 || p.dv % 16 != 0 || p.bn > 256 || p.dv > 256)
    return no("head dims and block_n must be multiples of 16, at most 256");
  for (TileLoadOp l : llvm::concat<TileLoadOp>(p.k, p.v))
    if (l.getType().getShape()[0] != p.bn || l.getType().getElementType() != p.elt)
      return no("K and V blocks differ");
  // Q, K, V^T and P must fit the 227 KB a CTA can opt in to.
  auto rounded = [](int64_t bytes) { return (bytes + 127) / 128 * 128; };
  int64_t smemBytes = rounded(p.bm * p.d * 2) + rounded(p.bn * p.d * 2) +
                      rounded(p.dv * p.bn * 2) + rounded(p.bm * p.bn * 2);
  if (smemBytes > 232448)
    return no("the tiles need " + Twine(smemBytes) + " bytes of shared memory, more than 232448");
  // Every other tile: the CTA's rows, M x N or M x 1.
  bool ok = true;
  root->walk([&](Operation *op) {
    if (isa<TileLoadOp>(op))
      return;
    for (Value r : op->getResults())
      if (auto t = dyn_cast<TileType>(r.getType()))
        ok &= t.getShape()[0] == p.bm &&
              (t.getShape()[1] == 1 || t.getShape()[1] % 8 == 0);
    if (isa<TileStoreOp>(op))
      ok &= cast<TileType>(op->getOperand(0).getType()).getShape()[0] == p.bm;
  });
  if (!ok)
    return no("a tile is not the CTA's rows");
  return p;
}

class WgmmaLowering {
public:
  WgmmaLowering(gpu::GPUFuncOp fn, Plan plan) : fn(fn), p(std::move(plan)) {}

  /// The dynamic shared memory the kernel needs, in bytes.
  int64_t sharedBytes() const { return total; }

  LogicalResult run() {
    Block &entry = fn.getBody().front();
    OpBuilder b = OpBuilder::atBlockBegin(&entry);
    Location loc = fn.getLoc();
    f32 = b.getF32Type();
    int64_t eb = 2;
    // Shared memory: Q, K, V^T and P, 128-byte aligned.
    auto place = [&](int64_t bytes) {
      int64_t at = total;
      total += (bytes + 127) / 128 * 128;
      return at;
    };
    qAt = place(p.bm * p.d * eb);
    kAt = place(p.bn * p.d * eb);
    vAt = place(p.dv * p.bn * eb);
    pAt = place(p.bm * p.bn * eb);
    auto ws = gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
    auto bytesTy = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(), MemRefLayoutAttrInterface(), ws);
    Value raw = gpu::DynamicSharedMemoryOp::create(b, loc, bytesTy);
    int64_t elems = total / eb;
    auto eltTy = MemRefType::get({elems}, p.elt, MemRefLayoutAttrInterface(), ws);
    smem = memref::ViewOp::create(b, loc, eltTy, raw, cIdx(b, 0), ValueRange{});
    // The shared-memory address of the buffer (for the wgmma descriptors).
    Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem);
    smemBase = arith::IndexCastOp::create(b, loc, b.getI64Type(), base);

    tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    Value wg = arith::DivUIOp::create(b, loc, tid, cIdx(b, 128));
    Value inWg = arith::RemUIOp::create(b, loc, tid, cIdx(b, 128));
    Value warp = arith::DivUIOp::create(b, loc, inWg, cIdx(b, 32));
    Value lane = arith::RemUIOp::create(b, loc, inWg, cIdx(b, 32));
    wgIdx = wg;
    // This thread's first fragment row and column.
    rowBase = arith::AddIOp::create(
        b, loc,
        arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, wg, cIdx(b, 64)),
                              arith::MulIOp::create(b, loc, warp, cIdx(b, 16))),
        arith::DivUIOp::create(b, loc, lane, cIdx(b, 4)));
    colBase = arith::MulIOp::create(b, loc, arith::RemUIOp::create(b, loc, lane, cIdx(b, 4)),
                                    cIdx(b, 2));
    quadLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                       arith::RemUIOp::create(b, loc, lane, cIdx(b, 4)), cIdx(b, 0));
    threads = p.bm * 2;

    // V's block load next to K's: one copy phase (one barrier pair) for both.
    for (TileLoadOp v : p.v)
      for (TileLoadOp k : p.k)
        if (k->getBlock() == v->getBlock() && k->isBeforeInBlock(v) &&
            llvm::all_of(v->getOperands(), [&](Value x) {
              Operation *def = x.getDefiningOp();
              return !def || def->getBlock() != k->getBlock() || def->isBeforeInBlock(k);
            }))
          v->moveAfter(k);
    if (failed(convertBlock(entry)))
      return failure();
    for (Operation *op : llvm::reverse(toErase))
      op->dropAllReferences();
    for (Operation *op : toErase) {
      op->dropAllUses();
      op->erase();
    }
    return success();
  }

private:
  static Value cIdx(OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, b.getUnknownLoc(), v);
  }
  Value c32(OpBuilder &b, int64_t v) {
    return arith::ConstantIntOp::create(b, fn.getLoc(), b.getI32Type(), v);
  }

  /// Elements per thread of a tile: N / 2 for M x N, 2 for M x 1.
  static int64_t elems(TileType t) {
    return t.getShape()[1] == 1 ? 2 : t.getShape()[1] / 2;
  }
  VectorType vecOf(TileType t) { return VectorType::get({elems(t)}, t.getElementType()); }

  /// The row (within the CTA's block) and column of fragment element i.
  Value rowOf(OpBuilder &b, TileType t, int64_t i) {
    int64_t plus = t.getShape()[1] == 1 ? 8 * i : 8 * ((i % 4) / 2);
    return plus ? arith::AddIOp::create(b, fn.getLoc(), rowBase, cIdx(b, plus)).getResult()
                : rowBase;
  }
  Value colOf(OpBuilder &b, int64_t i) {
    return arith::AddIOp::create(b, fn.getLoc(), colBase, cIdx(b, 8 * (i / 4) + i % 2));
  }
  /// Element i of input `in` for element i of an M x N result (M x 1: its row).
  Value element(OpBuilder &b, Value in, TileType inTy, int64_t i, bool resultIsColumn) {
    int64_t at = inTy.getShape()[1] == 1 && !resultIsColumn ? (i % 4) / 2 : i;
    Value v = frag.lookup(in);
    assert(v && "a tile operand without fragments (checked by analyze)");
    return vector::ExtractOp::create(b, fn.getLoc(), v, at);
  }

  LogicalResult convertBlock(Block &block) {
    for (Operation &op : llvm::make_early_inc_range(block))
      if (failed(convert(&op)))
        return failure();
    return success();
  }

  LogicalResult convert(Operation *op) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    if (auto load = dyn_cast<TileLoadOp>(op))
      return convertLoad(b, load);
    if (auto store = dyn_cast<TileStoreOp>(op))
      return convertStore(b, store);
    if (auto splat = dyn_cast<TileSplatOp>(op)) {
      Value v = arith::ConstantOp::create(b, loc, splat.getValueAttr());
      frag[splat] = vector::BroadcastOp::create(b, loc, vecOf(splat.getType()), v);
      toErase.push_back(op);
      return success();
    }
    if (auto dot = dyn_cast<TileDotOp>(op))
      return convertDot(b, dot);
    if (auto red = dyn_cast<TileReduceOp>(op))
      return convertReduce(b, red);
    if (auto map = dyn_cast<TileMapOp>(op))
      return elementwise(b, op, map.getInputs(), [&](OpBuilder &b, int64_t, ValueRange x) {
        return emitMapElement(b, map, x);
      });
    if (auto score = dyn_cast<TileScoreOp>(op))
      return elementwise(b, op, ValueRange{score.getInput()}, [&](OpBuilder &b, int64_t i,
                                                                   ValueRange x) {
        auto [q, kv] = indices(b, score.getType(), score.getRow0(), score.getCol0(), i);
        return emitScoreElement(b, score, q, kv, x[0]);
      });
    if (auto mask = dyn_cast<TileMaskOp>(op))
      return elementwise(b, op, ValueRange{mask.getInput()}, [&](OpBuilder &b, int64_t i,
                                                                 ValueRange x) {
        auto [q, kv] = indices(b, mask.getType(), mask.getRow0(), mask.getCol0(), i);
        return emitMaskElement(b, mask, q, kv, x[0]);
      });
    if (auto loop = dyn_cast<scf::ForOp>(op))
      return convertLoop(loop);
    if (isa<FAAttnDialect>(op->getDialect()))
      return op->emitOpError() << "has no wgmma lowering";
    for (Region &r : op->getRegions())
      for (Block &blk : r)
        if (failed(convertBlock(blk)))
          return failure();
    return success();
  }

  /// (q_idx, kv_idx) of fragment element i as i32.
  std::pair<Value, Value> indices(OpBuilder &b, TileType t, Value row0, Value col0, int64_t i) {
    Location loc = fn.getLoc();
    auto i32 = [&](Value v) { return arith::IndexCastOp::create(b, loc, b.getI32Type(), v); };
    Value q = arith::AddIOp::create(b, loc, row0, i32(rowOf(b, t, i)));
    Value kv = arith::AddIOp::create(b, loc, col0, i32(colOf(b, i)));
    return {q, kv};
  }

  LogicalResult elementwise(OpBuilder &b, Operation *op, ValueRange inputs,
                            function_ref<Value(OpBuilder &, int64_t, ValueRange)> body) {
    auto resTy = cast<TileType>(op->getResult(0).getType());
    bool column = resTy.getShape()[1] == 1;
    SmallVector<Value> out;
    for (int64_t i = 0; i < elems(resTy); ++i) {
      SmallVector<Value> x;
      for (Value in : inputs)
        x.push_back(element(b, in, cast<TileType>(in.getType()), i, column));
      out.push_back(body(b, i, x));
    }
    frag[op->getResult(0)] = vector::FromElementsOp::create(b, op->getLoc(), vecOf(resTy), out);
    toErase.push_back(op);
    return success();
  }

  LogicalResult convertReduce(OpBuilder &b, TileReduceOp red) {
    Location loc = red.getLoc();
    bool isMax = red.getKind() == ReduceKind::max;
    TileType in = red.getInput().getType();
    auto combine = [&](Value x, Value y) -> Value {
      return isMax ? Value(arith::MaximumFOp::create(b, loc, x, y))
                   : Value(arith::AddFOp::create(b, loc, x, y));
    };
    SmallVector<Value> rows;
    for (int64_t r = 0; r < 2; ++r) {
      Value acc;
      for (int64_t i = 0; i < elems(in); ++i) {
        if ((i % 4) / 2 != r)
          continue;
        Value x = vector::ExtractOp::create(b, loc, frag.lookup(red.getInput()), i);
        acc = acc ? combine(acc, x) : x;
      }
      // The row's other elements are in the three other threads of the quad.
      for (int64_t offset : {1, 2}) {
        auto shfl = gpu::ShuffleOp::create(b, loc, acc, c32(b, offset), c32(b, 32),
                                           gpu::ShuffleMode::XOR);
        acc = combine(acc, shfl.getShuffleResult());
      }
      rows.push_back(acc);
    }
    frag[red] = vector::FromElementsOp::create(b, loc, vecOf(red.getType()), rows);
    toErase.push_back(red);
    return success();
  }

  /// Stores `value` (an element of type elt) at element offset `at` of the
  /// shared buffer.
  void smemStore(OpBuilder &b, Value value, Value at) {
    memref::StoreOp::create(b, fn.getLoc(), value, smem, at);
  }

  /// The cooperative load of a Q/K/V block into its shared-memory layout:
  /// Q and K as (rows, dim), V transposed as (dim, rows).
  LogicalResult convertLoad(OpBuilder &b, TileLoadOp load) {
    Location loc = load.getLoc();
    bool isV = llvm::is_contained(p.v, load);
    bool isQ = load == p.q;
    if (!isQ && !isV && !llvm::is_contained(p.k, load))
      return load.emitOpError() << "is not a Q, K or V block";
    TileType t = load.getType();
    int64_t rows = t.getShape()[0], cols = t.getShape()[1];
    int64_t base = (isQ ? qAt : isV ? vAt : kAt) / 2;
    // No thread may still read the previous block (wgmma waits before the
    // barrier); a load right after another shares its copy phase.
    if (!inCopyPhase)
      gpu::BarrierOp::create(b, loc);
    auto next = dyn_cast_or_null<TileLoadOp>(load->getNextNode());
    inCopyPhase = next && (llvm::is_contained(p.k, next) || llvm::is_contained(p.v, next) ||
                           next == p.q);
    // Chunks of 8 elements along the head dim: one 16-byte load each (the
    // tensors are 16-byte aligned and head dims multiples of 16), stored as
    // one core-matrix row (Q, K) or spread over 8 rows (V, transposed).
    auto chunkTy = VectorType::get({8}, t.getElementType());
    int64_t chunks = cols / 8;
    auto copyChunk = [&](OpBuilder &b, Location loc, Value i) {
          Value r = arith::DivUIOp::create(b, loc, i, cIdx(b, chunks));
          Value c = arith::MulIOp::create(
              b, loc, arith::RemUIOp::create(b, loc, i, cIdx(b, chunks)), cIdx(b, 8));
          RowAddress at =
              tileRowAddress(b, loc, load, arith::AddIOp::create(b, loc, load.getRow0(), r));
          auto read = scf::IfOp::create(
              b, loc, at.inside,
              [&](OpBuilder &b, Location loc) {
                Value v = vector::LoadOp::create(
                    b, loc, chunkTy, load.getMem(),
                    tileMemIndices(load.getMem().getType(), load.getLayout(), at.batch,
                                   load.getHead(), at.row, c),
                    /*nontemporal=*/false, llvm::MaybeAlign(16));
                scf::YieldOp::create(b, loc, v);
              },
              [&](OpBuilder &b, Location loc) {
                Value zero = arith::ConstantOp::create(
                    b, loc, b.getFloatAttr(t.getElementType(), 0.0));
                scf::YieldOp::create(b, loc,
                                     ValueRange{vector::BroadcastOp::create(b, loc, chunkTy, zero)});
              });
          Value v = read.getResult(0);
          if (!isV) {
            vector::StoreOp::create(b, loc, v, smem, coreIndex(b, base, r, c, cols),
                                    /*nontemporal=*/false, llvm::MaybeAlign(16));
          } else {
            for (int64_t e = 0; e < 8; ++e) {
              Value d = arith::AddIOp::create(b, loc, c, cIdx(b, e));
              smemStore(b, vector::ExtractOp::create(b, loc, v, e), coreIndex(b, base, d, r, rows));
            }
          }
    };
    // Four chunks per thread and iteration when they divide evenly: their
    // loads are issued before the first store waits (more would spill).
    int64_t total = rows * chunks;
    int64_t unroll = total % (4 * threads) == 0 ? 4 : 1;
    scf::ForOp::create(b, loc, tid, cIdx(b, total), cIdx(b, unroll * threads), ValueRange{},
                       [&](OpBuilder &b, Location loc, Value i, ValueRange) {
                         for (int64_t k = 0; k < unroll; ++k)
                           copyChunk(b, loc,
                                     k ? arith::AddIOp::create(b, loc, i, cIdx(b, k * threads))
                                           .getResult()
                                       : i);
                         scf::YieldOp::create(b, loc);
                       });
    if (!inCopyPhase)
      asyncVisible(b, loc);
    copiedSincePV = true;
    toErase.push_back(load);
    return success();
  }

  /// Element index in the shared buffer of (r, c) of a tile with `cols`
  /// columns whose first element is at element `base`.
  Value coreIndex(OpBuilder &b, int64_t base, Value r, Value c, int64_t cols) {
    Location loc = fn.getLoc();
    auto div = [&](Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, cIdx(b, y)); };
    auto rem = [&](Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, cIdx(b, y)); };
    auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, cIdx(b, y)); };
    auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); };
    // ((r / 8) (cols / 8) + c / 8) * 64 + (r % 8) * 8 + c % 8 elements.
    Value core = add(mul(div(r, 8), cols / 8), div(c, 8));
    return add(add(add(mul(core, 64), mul(rem(r, 8), 8)), rem(c, 8)), cIdx(b, base));
  }

  /// Shared-memory writes by the threads, then the tensor cores read them.
  void asyncVisible(OpBuilder &b, Location loc) {
    NVVM::FenceProxyOp::create(b, loc, NVVM::ProxyKind::async_shared,
                               NVVM::SharedSpaceAttr::get(b.getContext(), NVVM::SharedSpace::shared_cta));
    gpu::BarrierOp::create(b, loc);
  }

  /// The wgmma descriptor of the tile at byte `at` (+ `extra` bytes, an index
  /// value) whose rows have `cols` reduction elements.
  Value descriptor(OpBuilder &b, int64_t at, Value extra, int64_t cols) {
    Location loc = fn.getLoc();
    Type i64 = b.getI64Type();
    auto c64 = [&](int64_t v) { return arith::ConstantIntOp::create(b, loc, i64, v); };
    Value addr = arith::AddIOp::create(b, loc, smemBase, c64(at));
    if (extra)
      addr = arith::AddIOp::create(b, loc, addr, arith::IndexCastOp::create(b, loc, i64, extra));
    int64_t lbo = 128, sbo = (cols / 8) * 128;
    // bits 0-13: address >> 4; 16-29: LBO >> 4; 32-45: SBO >> 4; 62-63: swizzle (0: none).
    Value start = arith::AndIOp::create(b, loc, arith::ShRUIOp::create(b, loc, addr, c64(4)),
                                        c64(0x3FFF));
    int64_t fields = ((lbo >> 4) << 16) | ((sbo >> 4) << 32);
    return arith::OrIOp::create(b, loc, start, c64(fields));
  }

  /// result = lhs * rhs^T (Q K^T) or lhs * rhs (P V) on wgmma.
  LogicalResult convertDot(OpBuilder &b, TileDotOp dot) {
    Location loc = dot.getLoc();
    MLIRContext *ctx = b.getContext();
    TileType res = dot.getType();
    int64_t n = res.getShape()[1];
    int64_t kdim = dot.getLhs().getType().getShape()[1];
    int64_t aAt, bAt;
    if (dot.getTransposeRhs()) { // Q K^T: A = Q (bm x d), B = K (bn x d)
      aAt = qAt;
      bAt = kAt;
    } else { // P V: A = P (bm x bn), B = V^T (dv x bn)
      // The P fragments to shared memory (each warpgroup its own rows). The
      // previous P V must be done reading it: a copy phase since then has a
      // barrier after every thread's wait; without one, a barrier here.
      Value pv = frag.lookup(dot.getLhs());
      if (!pv)
        return dot.emitOpError() << "P has no fragments";
      if (!copiedSincePV)
        gpu::BarrierOp::create(b, loc);
      copiedSincePV = false;
      // Elements i and i + 1 are neighbours in a row: one 4-byte store.
      TileType pt = dot.getLhs().getType();
      auto pairTy = VectorType::get({2}, p.elt);
      for (int64_t i = 0; i < elems(pt); i += 2) {
        Value pair = vector::FromElementsOp::create(
            b, loc, pairTy,
            ValueRange{vector::ExtractOp::create(b, loc, pv, i),
                       vector::ExtractOp::create(b, loc, pv, i + 1)});
        vector::StoreOp::create(b, loc, pair, smem,
                                coreIndex(b, pAt / 2, rowOf(b, pt, i), colOf(b, i), kdim),
                                /*nontemporal=*/false, llvm::MaybeAlign(4));
      }
      asyncVisible(b, loc);
      aAt = pAt;
      bAt = vAt;
    }
    // This warpgroup's 64 rows of A: 8 core-matrix rows per 64 rows.
    Value aRows = arith::MulIOp::create(b, loc, wgIdx, cIdx(b, 8 * (kdim / 8) * 128));
    auto structTy = LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(n / 2, f32));
    Value acc = LLVM::ZeroOp::create(b, loc, structTy);
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    auto wgType = p.elt.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
    for (int64_t k = 0; k < kdim / 16; ++k) {
      // The next 16 reduction elements: two core matrices (256 bytes) on.
      Value descA = descriptor(b, aAt + k * 256, aRows, kdim);
      Value descB = descriptor(b, bAt + k * 256, Value(), kdim);
      acc = NVVM::WgmmaMmaAsyncOp::create(
          b, loc, structTy, acc, descA, descB, NVVM::MMAShapeAttr::get(ctx, 64, n, 16), wgType,
          wgType, NVVM::WGMMATypes::f32,
          k == 0 ? NVVM::WGMMAScaleOut::zero : NVVM::WGMMAScaleOut::one,
          NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row,
          NVVM::MMALayout::col, /*satfinite=*/NVVM::MMAIntOverflowAttr());
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
    SmallVector<Value> out;
    for (int64_t i = 0; i < n / 2; ++i)
      out.push_back(LLVM::ExtractValueOp::create(b, loc, acc, i));
    frag[dot] = vector::FromElementsOp::create(b, loc, vecOf(res), out);
    toErase.push_back(dot);
    return success();
  }

  /// O (M x N) or LSE (M x 1) from the fragments; rows outside the sequence
  /// are not written. Each LSE row is written by the quad's first thread.
  LogicalResult convertStore(OpBuilder &b, TileStoreOp store) {
    Location loc = store.getLoc();
    TileType t = store.getValue().getType();
    Value v = frag.lookup(store.getValue());
    if (!v)
      return store.emitOpError() << "stores a tile with no fragments";
    bool column = t.getShape()[1] == 1;
    auto body = [&](OpBuilder &b) {
      for (int64_t i = 0; i < elems(t); ++i) {
        Value row = arith::AddIOp::create(b, loc, store.getRow0(), rowOf(b, t, i));
        RowAddress at = tileRowAddress(b, loc, store, row);
        Value col = column ? cIdx(b, 0) : colOf(b, i);
        scf::IfOp::create(b, loc, at.inside, [&](OpBuilder &b, Location loc) {
          memref::StoreOp::create(b, loc, vector::ExtractOp::create(b, loc, v, i),
                                  store.getMem(),
                                  tileMemIndices(store.getMem().getType(), store.getLayout(),
                                                 at.batch, store.getHead(), at.row, col));
          scf::YieldOp::create(b, loc);
        });
      }
    };
    if (column) {
      scf::IfOp::create(b, loc, quadLeader, [&](OpBuilder &b, Location loc) {
        body(b);
        scf::YieldOp::create(b, loc);
      });
    } else {
      body(b);
    }
    toErase.push_back(store);
    return success();
  }

  /// A loop carrying tiles carries their fragment vectors instead.
  LogicalResult convertLoop(scf::ForOp loop) {
    bool any = llvm::any_of(loop.getResultTypes(), [](Type t) { return isa<TileType>(t); });
    if (!any)
      return convertBlock(*loop.getBody());
    Location loc = loop.getLoc();
    OpBuilder b(loop);
    SmallVector<Value> inits;
    for (Value init : loop.getInitArgs())
      inits.push_back(isa<TileType>(init.getType()) ? frag.lookup(init) : init);
    if (llvm::is_contained(inits, Value()))
      return loop.emitError() << "a carried tile has no fragments";
    auto newLoop = scf::ForOp::create(b, loc, loop.getLowerBound(), loop.getUpperBound(),
                                      loop.getStep(), inits);
    newLoop->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
    Block *newBody = newLoop.getBody();
    if (!newBody->empty())
      newBody->getTerminator()->erase();
    newBody->getOperations().splice(newBody->end(), loop.getBody()->getOperations());
    loop.getInductionVar().replaceAllUsesWith(newLoop.getInductionVar());
    for (auto [oldArg, newArg] : llvm::zip(loop.getRegionIterArgs(), newLoop.getRegionIterArgs())) {
      if (isa<TileType>(oldArg.getType()))
        frag[oldArg] = newArg;
      else
        oldArg.replaceAllUsesWith(newArg);
    }
    auto yield = cast<scf::YieldOp>(newBody->getTerminator());
    if (failed(convertBlock(*newBody)))
      return failure();
    SmallVector<Value> yielded;
    for (Value v : yield.getOperands())
      yielded.push_back(isa<TileType>(v.getType()) ? frag.lookup(v) : v);
    {
      OpBuilder yb(yield);
      scf::YieldOp::create(yb, loc, yielded);
    }
    yield.erase();
    for (auto [oldRes, newRes] : llvm::zip(loop.getResults(), newLoop.getResults())) {
      if (isa<TileType>(oldRes.getType()))
        frag[oldRes] = newRes;
      else
        oldRes.replaceAllUsesWith(newRes);
    }
    toErase.push_back(loop);
    return success();
  }

  gpu::GPUFuncOp fn;
  Plan p;
  Type f32;
  int64_t total = 0, qAt = 0, kAt = 0, vAt = 0, pAt = 0, threads = 0;
  /// The load being converted is followed by another (same copy phase).
  bool inCopyPhase = false;
  /// A copy phase (with its barriers) came after the last P V.
  bool copiedSincePV = true;
  Value smem, smemBase, tid, wgIdx, rowBase, colBase, quadLeader;
  DenseMap<Value, Value> frag;
  SmallVector<Operation *> toErase;
};

struct TilesToWGMMAPass : impl::FAAttnTilesToWGMMABase<TilesToWGMMAPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> kernels;
    for (auto fn : module.getOps<func::FuncOp>())
      kernels.push_back(fn);
    for (func::FuncOp fn : kernels) {
      FailureOr<SmallVector<scf::ForallOp>> grids = kernelGrids(fn);
      if (failed(grids))
        return signalPassFailure();
      if (grids->size() != 1)
        continue; // no grid, or split-KV: faattn-tiles-to-gpu
      auto target = fn->getAttrOfType<StringAttr>("faattn.target");
      auto skip = [&](StringRef why) {
        fn->setAttr("faattn.wgmma_skipped", StringAttr::get(fn.getContext(), why));
      };
      if (target && target.getValue() != "sm_90a") {
        skip("target is not sm_90a");
        continue;
      }
      // The plan is made on the outlined kernel (its ops are the ones lowered).
      gpu::GPUModuleOp gpuModule = kernelModule(module);
      gpu::GPUFuncOp gfn =
          outlineGrid(fn, grids->front(), kernelName(fn, 0), gpuModule, /*threads=*/0);
      Plan plan = analyze(gfn);
      if (!plan.whyNot.empty()) {
        skip(plan.whyNot);
        gfn.erase();
        continue;
      }
      int64_t bm = plan.bm;
      OpBuilder ab(gfn);
      gfn.setKnownBlockSizeAttr(ab.getDenseI32ArrayAttr({static_cast<int32_t>(2 * bm), 1, 1}));
      WgmmaLowering lowering(gfn, std::move(plan));
      if (failed(lowering.run()))
        return signalPassFailure();
      OpBuilder b(gfn);
      gfn->setAttr("faattn.block_m", b.getI64IntegerAttr(bm));
      gfn->setAttr("faattn.threads", b.getI64IntegerAttr(2 * bm));
      gfn->setAttr("faattn.dynamic_shared_bytes", b.getI64IntegerAttr(lowering.sharedBytes()));
      gfn->setAttr("faattn.mapping", b.getStringAttr("wgmma"));
      fn.erase();
    }
  }
};

} // namespace
} // namespace faattn
