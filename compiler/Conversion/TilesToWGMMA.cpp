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
//   * the TMA pipeline (head dims multiples of 64, dense Q/K/V blocks): Q, K
//     and V are copied by cp.async.bulk.tensor into 128-byte-swizzled
//     shared memory, K and V into a ring of `stages` buffers with mbarrier
//     full / empty phases (thread 0 issues the loads ahead); otherwise all
//     threads copy 16-byte chunks into the canonical no-swizzle K-major
//     layout between barriers (V transposed);
//   * Q K^T is a chain of wgmma.mma_async (k = 16 each) from two
//     shared-memory descriptors; P V takes P from registers and accumulates
//     onto O * alpha;
//   * score, mask and softmax code runs on fragment elements with their own
//     (q_idx, kv_idx), what depends on neither once per tile and what
//     depends on one of them once per row or column (ElementCode); row
//     reductions finish with two quad shuffles;
//   * faattn-peel-diagonal's head block (known before the block scan) is
//     ring block 0: thread 0 starts its K/V loads right after Q's, under
//     the scan (cooperative: the producer warpgroup, after the scan, with
//     the others); when the first KV loop does not take it (the scan found
//     another last block), it is waited out and released;
//   * the mask analysis' block scan (an scf.parallel of reductions) is
//     spread over the CTA's threads, groups of 8 lanes sharing a block when
//     its classifier reads a param over a range (faattn.range_reduce);
//   * O goes out through swizzled shared memory and a TMA store (else from
//     the fragments), LSE from the fragments;
//   * schedule = pingpong: the two warpgroups take turns at the tensor cores.
//
//   * schedule = cooperative: a producer warpgroup (setmaxnreg) issues the
//     loads, the two consumer warpgroups compute;
//   * grid = persistent: outlineGrid's tile loop, the ring and Q's phases
//     continued across tiles, the next tile from a counter in the epilogue;
//   * the tiles' order: heavy first (block id z reversed) or, with
//     tile_order = l2_sections, outlineGrid's L2 sections (GpuOutline.h);
//   * faattn-pipeline-kv's rotated KV loops (overlap = softmax, the TMA
//     pipeline with two or more stages): Q K_j^T and P V_{j-1} issued back to
//     back, each waited for before its result's first use (awaitBefore,
//     retire), K and V with empty barriers of their own, V from ring block
//     j' - seqOrigin, each loop's last product after it if the loop ran.
//
// What is not here yet: skipping the rotated loops' first product (of P = 0),
// the next tile's loads before this tile's epilogue (persistent), FP8. A
// kernel this pass cannot map (another dtype, a tile shape wgmma does not
// take, split-KV decode) is left to
// faattn-tiles-to-gpu.
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
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <functional>
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
  // faattn-pipeline-kv's rotated KV loops (all of them or none; the TMA
  // pipeline only): block j - 1's P V in iteration j, after block j's Q K^T,
  // and each loop's last product after it (its V block, also in v). K and V
  // then have empty barriers of their own.
  bool pipelined = false;
  int64_t d = 0, dv = 0, bn = 0;
  std::string whyNot;

  // The TMA pipeline (when tmaWhyNot is empty): Q, K and V blocks are
  // copied by the tensor-memory accelerator, K and V into a ring of
  // `stages` buffers filled ahead of the consumers.
  std::string tmaWhyNot;
  SmallVector<scf::ForOp> kvLoops; // in program order; each loads one K and one V block
  // faattn-peel-diagonal's head (kvLoops.front() {faattn.kv_head}, whose
  // block is `iv < headLo ? headBlock : iv`), if any: block headBlock is
  // ring block 0, loaded whether or not the loop's early iteration runs
  // (before the block scan when headBlock is known there); blocks headLo...
  // follow from ring block 1.
  scf::ForOp head;
  Value headBlock, headLo;
  int64_t stages = 0;
  TileStoreOp oStore; // O through shared memory and a TMA store (or null)
  int64_t scanBytes = 0; // the block scans' cross-warp slots
  // A producer warpgroup (warpgroup 0: TMA) before the block_m / 64 consumer
  // warpgroups (schedule = cooperative, on the TMA pipeline).
  bool warpSpecialized = false;
  // A persistent grid (outlineGrid's tile loop): 8 bytes of shared memory
  // for the next tile's index.
  bool persistent = false;
  int64_t threads() const { return 2 * bm + (warpSpecialized ? 128 : 0); }
};

/// The L2 share the K and V of the tiles running at once may take (H100 and
/// H200 have 50 MB of L2; Q and O stream through the rest).
constexpr int64_t kL2SectionBytes = 32 << 20;

/// tile_order = l2_sections: how many q-blocks' worth of K and V rows (block_m
/// rows of d + dv elements, what a (batch, head) pair of self-attention reads
/// per q-block) fit kL2SectionBytes; 0 when the grid has no Q K^T and P V.
int64_t l2SectionTiles(scf::ForallOp grid) {
  int64_t bm = 0, d = 0, dv = 0, bytes = 0;
  grid.walk([&](TileDotOp dot) {
    if (dot.getTransposeRhs()) {
      auto q = cast<TileType>(dot.getLhs().getType());
      bm = q.getShape()[0];
      d = q.getShape()[1];
      bytes = q.getElementType().getIntOrFloatBitWidth() / 8;
    } else {
      dv = cast<TileType>(dot.getRhs().getType()).getShape()[1];
    }
  });
  if (bm == 0 || dv == 0 || bytes == 0)
    return 0;
  return std::max<int64_t>(1, kL2SectionBytes / (bm * (d + dv) * bytes));
}

/// The persistent grid's tile loop (outlineGrid's `faattn.tile_loop`), or null.
scf::WhileOp tileLoopOf(gpu::GPUFuncOp fn) {
  for (auto w : fn.getBody().front().getOps<scf::WhileOp>())
    if (w->hasAttr("faattn.tile_loop"))
      return w;
  return {};
}

/// Bytes of the cross-warp slots of the kernel's block scans (one i64 per
/// warp and reduction; see WgmmaLowering::convertScan).
int64_t scanSlotBytes(scf::ParallelOp scan, int64_t threads) {
  return 8 * (threads / 32) * scan.getNumReductions();
}
int64_t scanSlotBytes(gpu::GPUFuncOp fn, int64_t threads) {
  int64_t bytes = 0;
  fn.walk([&](scf::ParallelOp par) {
    if (par->hasAttr("faattn.block_scan"))
      bytes += scanSlotBytes(par, threads);
  });
  return bytes;
}

/// Bytes of shared memory the plain (thread-copied) pipeline needs.
int64_t copyPipelineBytes(const Plan &p) {
  auto rounded = [](int64_t bytes) { return (bytes + 127) / 128 * 128; };
  return rounded(p.bm * p.d * 2) + rounded(p.bn * p.d * 2) + rounded(p.dv * p.bn * 2) +
         p.scanBytes + (p.persistent ? 8 : 0);
}

/// Bytes of shared memory the TMA pipeline needs with `stages` K/V buffers:
/// 1024 to align the swizzled tiles, Q (reused for O when it is as wide), the
/// ring, O when wider than Q, and the mbarriers.
int64_t tmaPipelineBytes(const Plan &p, int64_t stages) {
  int64_t bytes = 1024 + p.bm * p.d * 2 + stages * p.bn * (p.d + p.dv) * 2 +
                  (p.persistent ? 8 : 0);
  if (p.dv > p.d)
    bytes += p.bm * p.dv * 2;
  return bytes + 8 * (1 + (p.pipelined ? 4 : 3) * stages) + p.scanBytes;
}

int64_t swizzleOf(Type t) {
  auto enc = dyn_cast_or_null<SharedLayoutAttr>(cast<TileType>(t).getEncoding());
  return enc ? enc.getSwizzle() : 0;
}

/// Why the kernel cannot take the TMA pipeline ("" when it can); fills the
/// plan's TMA fields.
std::string analyzeTma(Plan &p, gpu::GPUFuncOp fn) {
  Block &entry = fn.getBody().front();
  scf::WhileOp tileLoop = tileLoopOf(fn);
  Block &body = tileLoop ? tileLoop.getAfter().front() : entry;
  auto isArg = [&](Value mem, unsigned i) {
    auto a = dyn_cast<BlockArgument>(mem);
    return a && a.getOwner() == &entry && a.getArgNumber() == i;
  };
  auto plain = [](auto op) { return !op.getOffset() && !op.getLimit(); };
  // faattn-pipeline-kv's V loads have the limit select(none, row, max) (the
  // first iteration's and an empty loop's product read 0 on the CPU path);
  // the TMA pipeline reads the block as it is (P is 0 there: it adds 0).
  auto plainV = [&](TileLoadOp v) {
    if (!p.pipelined || v.getOffset() || !v.getLimit())
      return plain(v);
    auto sel = v.getLimit().getDefiningOp<arith::SelectOp>();
    return sel && sel.getTrueValue() == v.getRow0() &&
           getConstantIntValue(sel.getFalseValue()) == std::numeric_limits<int64_t>::max();
  };
  if (!plain(p.q) || p.q.getPageTable() || !isArg(p.q.getMem(), 0))
    return "Q is not a block of the q argument";
  for (TileLoadOp l : p.k)
    if (!plain(l) || l.getPageTable() || !isArg(l.getMem(), 1))
      return "a K block is not a block of the k argument (varlen or paged)";
  for (TileLoadOp l : p.v)
    if (!plainV(l) || l.getPageTable() || !isArg(l.getMem(), 2))
      return "a V block is not a block of the v argument (varlen or paged)";
  if (p.d % 64 != 0 || p.dv % 64 != 0)
    return "head dims are not multiples of 64 (128-byte swizzled rows)";
  if (swizzleOf(p.q.getType()) != 128 || swizzleOf(p.k.front().getType()) != 128 ||
      swizzleOf(p.v.front().getType()) != 128)
    return "the Q, K or V tile is not 128-byte swizzled";
  if (p.bn % 8 != 0)
    return "block_n is not a multiple of 8";
  // The V block of each KV loop's body and (rotated loops) of each loop's
  // last product, after it.
  SmallVector<TileLoadOp> vIn, vAfter;
  for (TileLoadOp v : p.v)
    (isa<scf::ForOp>(v->getParentOp()) ? vIn : vAfter).push_back(v);
  if (p.k.size() != vIn.size() || vAfter.size() != (p.pipelined ? p.k.size() : 0))
    return "K and V blocks are not loaded in pairs";
  // Each KV loop: one K and one V block at row iv * block_n of the same
  // (batch, head), both loop-invariant; the loops run one after another over
  // consecutive block ranges, so that the producer can number the blocks.
  auto headOf = [&](scf::ForOp loop) -> arith::SelectOp {
    // block = select(iv < lo, c, iv), the body's first op.
    if (!loop->hasAttr("faattn.kv_head") || loop.getBody()->getOperations().size() < 2)
      return {};
    auto cmp = dyn_cast<arith::CmpIOp>(loop.getBody()->front());
    auto sel = dyn_cast_or_null<arith::SelectOp>(cmp ? cmp->getNextNode() : nullptr);
    Value iv = loop.getInductionVar();
    if (!cmp || !sel || cmp.getPredicate() != arith::CmpIPredicate::slt || cmp.getLhs() != iv ||
        sel.getCondition() != cmp || sel.getFalseValue() != iv ||
        !loop.isDefinedOutsideOfLoop(cmp.getRhs()) ||
        !loop.isDefinedOutsideOfLoop(sel.getTrueValue()))
      return {};
    return sel;
  };
  // Whether l's row is block `idx` (iv, or faattn-pipeline-kv's carried
  // index or its loop's result) times block_n; in the head loop the block is
  // `idx < lo ? c : idx` (the loop's own select for iv, a clone of it else).
  auto rowIsBlockOf = [&](TileLoadOp l, scf::ForOp loop, Value idx) {
    auto mul = l.getRow0().getDefiningOp<arith::MulIOp>();
    if (!mul)
      return false;
    arith::SelectOp head = headOf(loop);
    auto isBlock = [&](Value x) {
      if (!head)
        return x == idx;
      if (idx == loop.getInductionVar())
        return x == head.getResult();
      auto sel = x.getDefiningOp<arith::SelectOp>();
      auto cmp = sel ? sel.getCondition().getDefiningOp<arith::CmpIOp>() : arith::CmpIOp();
      auto headCmp = cast<arith::CmpIOp>(head.getCondition().getDefiningOp());
      return cmp && cmp.getPredicate() == arith::CmpIPredicate::slt && cmp.getLhs() == idx &&
             cmp.getRhs() == headCmp.getRhs() && sel.getFalseValue() == idx &&
             sel.getTrueValue() == head.getTrueValue();
    };
    for (auto [x, y] : {std::pair{mul.getLhs(), mul.getRhs()}, {mul.getRhs(), mul.getLhs()}})
      if (isBlock(x) && getConstantIntValue(y) == p.bn)
        return true;
    return false;
  };
  auto rowIsBlock = [&](TileLoadOp l, scf::ForOp loop) {
    return rowIsBlockOf(l, loop, loop.getInductionVar());
  };
  for (size_t i = 0; i < p.k.size(); ++i) {
    TileLoadOp k = p.k[i], v = vIn[i];
    auto loop = dyn_cast<scf::ForOp>(k->getParentOp());
    if (!loop || loop->getBlock() != &body || v->getParentOp() != loop.getOperation() ||
        !k->isBeforeInBlock(v))
      return "a K/V pair is not loaded in a KV loop of the kernel body";
    if (getConstantIntValue(loop.getStep()) != 1)
      return "a KV loop's step is not 1";
    if (loop->hasAttr("faattn.kv_head") && !headOf(loop))
      return "the head KV loop's block is not `iv < lo ? c : iv`";
    if (loop->hasAttr("faattn.pipelined") != p.pipelined)
      return "some KV loops are rotated by faattn-pipeline-kv, some not";
    SmallVector<TileLoadOp> vs{v};
    if (p.pipelined) {
      // Block j' (the last carried value: the lower bound, then iv) in the
      // body; after the loop, its result's block (the loop's last product).
      TileLoadOp after = vAfter[i];
      auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
      if (loop.getNumRegionIterArgs() == 0 ||
          yield.getOperands().back() != loop.getInductionVar() ||
          loop.getInitArgs().back() != loop.getLowerBound() ||
          !rowIsBlockOf(v, loop, loop.getRegionIterArgs().back()))
        return "a rotated KV loop's V block is not the carried block index times block_n";
      if (after->getBlock() != &body || !loop->isBeforeInBlock(after) ||
          (i + 1 < p.k.size() && !after->isBeforeInBlock(p.k[i + 1]->getParentOp())) ||
          !rowIsBlockOf(after, loop, loop.getResults().back()))
        return "a rotated KV loop's last V block does not follow it";
      vs.push_back(after);
    } else if (!rowIsBlock(v, loop)) {
      return "a K/V block's row is not the loop's block index times block_n";
    }
    if (!rowIsBlock(k, loop))
      return "a K/V block's row is not the loop's block index times block_n";
    for (TileLoadOp l : vs) {
      for (Value x : {k.getBatch(), k.getHead(), l.getBatch(), l.getHead()})
        if (!loop.isDefinedOutsideOfLoop(x))
          return "a K/V block's batch or head changes inside its loop";
      if (k.getBatch() != p.k.front().getBatch() || k.getHead() != p.k.front().getHead() ||
          l.getBatch() != p.k.front().getBatch() || l.getHead() != p.k.front().getHead())
        return "K/V blocks of different heads";
    }
    if (i > 0 && !p.kvLoops.back()->isBeforeInBlock(loop))
      return "KV loops out of order";
    p.kvLoops.push_back(loop);
  }
  for (size_t i = 1; i < p.kvLoops.size(); ++i)
    if (p.kvLoops[i].getLowerBound() != p.kvLoops[i - 1].getUpperBound())
      return "the KV loops do not cover consecutive block ranges";
  scf::ForOp first = p.kvLoops.front();
  SmallVector<Value> bounds{first.getLowerBound(), p.kvLoops.back().getUpperBound()};
  for (size_t i = 1; i < p.kvLoops.size(); ++i)
    if (p.kvLoops[i]->hasAttr("faattn.kv_head"))
      return "a head KV loop after the first";
  if (first->hasAttr("faattn.kv_head")) {
    arith::SelectOp sel = headOf(first); // checked above
    p.head = first;
    p.headBlock = sel.getTrueValue();
    p.headLo = cast<arith::CmpIOp>(sel.getCondition().getDefiningOp()).getRhs();
    bounds.append({p.headBlock, p.headLo});
  }
  // Known before the first KV loop: defined in the body before it, or (a
  // persistent grid) in the kernel's preamble before the tile loop.
  for (Value bound : bounds)
    if (Operation *def = bound.getDefiningOp()) {
      bool inBody = def->getBlock() == &body && def->isBeforeInBlock(first);
      bool inPreamble = tileLoop && def->getBlock() == &entry && def->isBeforeInBlock(tileLoop);
      if (!inBody && !inPreamble)
        return "the KV range is not known before the first KV loop";
    }
  // As many K/V buffers as the tiles ask for and shared memory holds.
  auto enc = cast<SharedLayoutAttr>(p.k.front().getType().getEncoding());
  for (p.stages = std::max<int64_t>(enc.getStages(), 1); p.stages > 1; --p.stages)
    if (tmaPipelineBytes(p, p.stages) <= 232448)
      break;
  if (tmaPipelineBytes(p, p.stages) > 232448)
    return "the TMA tiles need more than 232448 bytes of shared memory";
  if (p.pipelined && p.stages < 2)
    return "rotated KV loops need two K/V stages, shared memory holds one";
  // O in 16 bits, swizzled, stored as one block of the out argument.
  fn.walk([&](TileStoreOp st) {
    TileType t = st.getValue().getType();
    if (plain(st) && isArg(st.getMem(), 3) && t.getShape()[1] == p.dv &&
        t.getElementType() == p.elt && swizzleOf(t) == 128)
      p.oStore = st;
  });
  return "";
}

/// The plan for the tile ops under `root` (a grid's body, outlined);
/// `warpSpecialized`: a producer warpgroup if the TMA pipeline is taken.
Plan analyze(gpu::GPUFuncOp root, bool warpSpecialized) {
  Plan p;
  auto no = [&](const Twine &why) {
    p.whyNot = why.str();
    return p;
  };
  p.pipelined = hasPipelinedKVLoop(root);
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
  p.persistent = static_cast<bool>(tileLoopOf(root));
  // The slots for the larger thread count; the TMA check counts them.
  p.scanBytes = scanSlotBytes(root, 2 * p.bm + (warpSpecialized ? 128 : 0));
  p.tmaWhyNot = analyzeTma(p, root);
  p.warpSpecialized = warpSpecialized && p.tmaWhyNot.empty() && p.bm == 128;
  if (!p.warpSpecialized) // the slots for the threads there are (stages were chosen with more)
    p.scanBytes = scanSlotBytes(root, 2 * p.bm);
  if (!p.tmaWhyNot.empty() && p.pipelined) // rotated loops: the TMA pipeline only
    return no(p.tmaWhyNot);
  if (!p.tmaWhyNot.empty()) {
    p.kvLoops.clear();
    p.head = nullptr;
    p.headBlock = p.headLo = Value();
    p.oStore = nullptr;
    // Q, K and V^T must fit the 227 KB a CTA can opt in to.
    if (copyPipelineBytes(p) > 232448)
      return no("the tiles need " + Twine(copyPipelineBytes(p)) +
                " bytes of shared memory, more than 232448");
  }
  return p;
}

class WgmmaLowering {
public:
  WgmmaLowering(gpu::GPUFuncOp fn, Plan plan, bool pingpong) : fn(fn), p(std::move(plan)) {
    tileLoop = tileLoopOf(fn);
    tma = p.tmaWhyNot.empty();
    warpSpec = p.warpSpecialized;
    this->pingpong = pingpong && tma && p.bm == 128 && !warpSpec;
  }

  /// The schedule the kernel got: "pingpong" (the two warpgroups take turns
  /// at the tensor cores), "cooperative" (a producer warpgroup issues the
  /// loads) or "inline-producer" (thread 0 of the consumers issues them).
  StringRef schedule() const {
    return pingpong ? "pingpong" : warpSpec ? "cooperative" : "inline-producer";
  }

  /// The dynamic shared memory the kernel needs, in bytes.
  int64_t sharedBytes() const { return total; }

  /// Whether the grid is persistent (a tile loop; the tile counter is an
  /// argument after the memrefs, before the tensor maps).
  bool persistent() const { return static_cast<bool>(tileLoop); }

  /// The K/V ring's depth (TMA pipeline; 0 for the thread-copied one): the
  /// spec's `stages`, fewer when they do not fit in shared memory.
  int64_t stages() const { return tma ? p.stages : 0; }

  /// Whether the KV loops are faattn-pipeline-kv's (P V under the softmax).
  bool overlapsSoftmax() const { return p.pipelined; }

  LogicalResult run() {
    Block &entry = fn.getBody().front();
    OpBuilder b = OpBuilder::atBlockBegin(&entry);
    Location loc = fn.getLoc();
    MLIRContext *ctx = b.getContext();
    f32 = b.getF32Type();
    int64_t eb = 2;
    auto place = [&](int64_t bytes, int64_t align) {
      total = (total + align - 1) / align * align;
      int64_t at = total;
      total += bytes;
      return at;
    };
    if (tma) {
      // Swizzled tiles start at 1024-byte boundaries (the swizzle repeats
      // every 8 rows of 128 bytes); the base is aligned at run time.
      qAt = place(p.bm * p.d * eb, 1024);
      kAt = place(p.stages * p.bn * p.d * eb, 1024);
      vAt = place(p.stages * p.bn * p.dv * eb, 1024);
      oAt = p.dv <= p.d ? qAt : place(p.bm * p.dv * eb, 1024);
      barAt = place(8 * (1 + (p.pipelined ? 4 : 3) * p.stages), 8);
    } else {
      qAt = place(p.bm * p.d * eb, 128);
      kAt = place(p.bn * p.d * eb, 128);
      vAt = place(p.dv * p.bn * eb, 128);
    }
    // The block scans' cross-warp slots: one i64 per warp and reduction.
    threads = p.threads();
    fn.walk([&](scf::ParallelOp par) {
      if (isCtaScan(par))
        scanSlots[par] = place(scanSlotBytes(par, threads), 8);
    });
    // Persistent: the next tile's index (two i32 slots, by the tile count's
    // parity: a slot is rewritten two tiles later, after every thread has
    // passed the epilogue barrier that follows its read).
    if (tileLoop)
      nextAt = place(8, 8);
    if (tma)
      total += 1024; // the base is aligned to 1024 bytes at run time
    auto wgSpace = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    auto bytesTy = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(), MemRefLayoutAttrInterface(), wgSpace);
    Value raw = gpu::DynamicSharedMemoryOp::create(b, loc, bytesTy);
    int64_t elems = total / eb;
    auto eltTy = MemRefType::get({elems}, p.elt, MemRefLayoutAttrInterface(), wgSpace);
    smem = memref::ViewOp::create(b, loc, eltTy, raw, cIdx(b, 0), ValueRange{});
    // The shared-memory address of the buffer (for descriptors and TMA).
    Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem);
    smemBase = arith::IndexCastOp::create(b, loc, b.getI64Type(), base);
    padElems = cIdx(b, 0);
    if (tma) {
      Value aligned = arith::AndIOp::create(
          b, loc, arith::AddIOp::create(b, loc, smemBase, c64(b, 1023)), c64(b, ~int64_t(1023)));
      padElems = arith::DivUIOp::create(
          b, loc,
          arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                     arith::SubIOp::create(b, loc, aligned, smemBase)),
          cIdx(b, 2));
      smemBase = aligned;
    }

    tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    Value wg = arith::DivUIOp::create(b, loc, tid, cIdx(b, 128));
    if (warpSpec) {
      // Warpgroup 0 produces; consumer warpgroup c is warpgroup c + 1 (the
      // producer's own value is unused: clamped to 0).
      Value consumer = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, wg, cIdx(b, 1));
      wg = arith::SelectOp::create(b, loc, consumer,
                                   arith::SubIOp::create(b, loc, wg, cIdx(b, 1)), cIdx(b, 0));
    }
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
    laneLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, cIdx(b, 0));
    producer = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, cIdx(b, 0));
    // The thread that stores O by TMA: the first consumer thread.
    storeLeader = warpSpec ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, cIdx(b, 128))
                           .getResult()
                     : producer;

    if (tileLoop) {
      // The tile counter (a zeroed i32 in global memory), after the memrefs
      // (and before the tensor maps, which faattn-tensor-map-args expects last).
      unsigned n = fn.getNumArguments();
      (void)fn.insertArgument(n, LLVM::LLVMPointerType::get(ctx, 1), DictionaryAttr::get(ctx), loc);
      tileCounter = entry.getArgument(n);
      ringBase = tileLoop.getAfterArguments()[1];
      tileNo = tileLoop.getAfterArguments()[2];
    }
    if (tma) {
      // The tensor maps (q, k, v, out) are the last four arguments.
      auto ptrTy = LLVM::LLVMPointerType::get(ctx);
      unsigned n = fn.getNumArguments();
      for (unsigned i = 0; i < 4; ++i)
        (void)fn.insertArgument(n + i, ptrTy, DictionaryAttr::get(ctx), loc);
      for (unsigned i = 0; i < 4; ++i)
        tmap[i] = entry.getArgument(n + i);
      // The mbarriers: Q full; per stage K full, V full, and empty (one
      // arrival per consumer warp; rotated loops: K's, then V's own).
      ifThen(b, loc, producer, [&](OpBuilder &b) {
        auto init = [&](Value bar, int64_t count) {
          NVVM::MBarrierInitOp::create(b, loc, bar, c32(b, count), Value());
        };
        init(qFull(b), 1);
        for (int64_t s = 0; s < p.stages; ++s) {
          init(fullK(b, cIdx(b, s)), 1);
          init(fullV(b, cIdx(b, s)), 1);
          init(empty(b, cIdx(b, s)), 2 * p.bm / 32); // the consumer warps
        }
        for (int64_t s = 0; p.pipelined && s < p.stages; ++s)
          init(emptyV(b, cIdx(b, s)), 2 * p.bm / 32);
        NVVM::FenceMbarrierInitOp::create(b, loc);
      });
      gpu::BarrierOp::create(b, loc);
    } else {
      // V's block load next to K's: one copy phase (one barrier pair) for both.
      for (TileLoadOp v : p.v)
        for (TileLoadOp k : p.k)
          if (k->getBlock() == v->getBlock() && k->isBeforeInBlock(v) &&
              llvm::all_of(v->getOperands(), [&](Value x) {
                Operation *def = x.getDefiningOp();
                return !def || def->getBlock() != k->getBlock() || def->isBeforeInBlock(k);
              }))
            v->moveAfter(k);
    }
    if (failed(convertBlock(entry)))
      return failure();
    if (consumerBranch) {
      // Everything after the role split is the consumers' code; a CTA-wide
      // barrier there would wait for the producer warpgroup forever.
      Operation *yield = consumerBranch.elseBlock()->getTerminator();
      for (Operation *op = consumerBranch->getNextNode(); op && op != entry.getTerminator();) {
        Operation *next = op->getNextNode();
        op->moveBefore(yield);
        op = next;
      }
      WalkResult r = consumerBranch.getElseRegion().walk([](gpu::BarrierOp bar) {
        bar.emitOpError() << "in the consumers of a warp-specialized kernel (the producer "
                             "warpgroup never reaches it)";
        return WalkResult::interrupt();
      });
      if (r.wasInterrupted())
        return failure();
    }
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
  Value c64(OpBuilder &b, int64_t v) {
    return arith::ConstantIntOp::create(b, fn.getLoc(), b.getI64Type(), v);
  }
  Value i32(OpBuilder &b, Value index) {
    return arith::IndexCastOp::create(b, fn.getLoc(), b.getI32Type(), index);
  }
  static void ifThen(OpBuilder &b, Location loc, Value cond,
                     function_ref<void(OpBuilder &)> body) {
    scf::IfOp::create(b, loc, cond, [&](OpBuilder &b, Location loc) {
      body(b);
      scf::YieldOp::create(b, loc);
    });
  }

  /// A shared-memory pointer `bytes` (an index value) past the aligned base.
  Value sharedPtr(OpBuilder &b, Value bytes) {
    Location loc = fn.getLoc();
    Value addr = arith::AddIOp::create(
        b, loc, smemBase, arith::IndexCastOp::create(b, loc, b.getI64Type(), bytes));
    return LLVM::IntToPtrOp::create(b, loc, LLVM::LLVMPointerType::get(b.getContext(), 3), addr);
  }
  Value barrier(OpBuilder &b, int64_t first, Value stage) {
    Value at = arith::AddIOp::create(b, fn.getLoc(), cIdx(b, barAt + 8 * first),
                                     arith::MulIOp::create(b, fn.getLoc(), stage, cIdx(b, 8)));
    return sharedPtr(b, at);
  }
  Value qFull(OpBuilder &b) { return sharedPtr(b, cIdx(b, barAt)); }
  Value fullK(OpBuilder &b, Value s) { return barrier(b, 1, s); }
  Value fullV(OpBuilder &b, Value s) { return barrier(b, 1 + p.stages, s); }
  /// The stage's release: its K and V (rotated loops: its K only).
  Value empty(OpBuilder &b, Value s) { return barrier(b, 1 + 2 * p.stages, s); }
  /// Rotated loops: the release of the stage's V (after block j's P V, in
  /// iteration j + 1), apart from its K's (after Q K_j^T).
  Value emptyV(OpBuilder &b, Value s) { return barrier(b, 1 + 3 * p.stages, s); }
  /// One arrival per warp on `bar` (its lane 0, after the warp's reads).
  void release(OpBuilder &b, Value bar, Value cond = Value()) {
    Location loc = fn.getLoc();
    Value who = cond ? arith::AndIOp::create(b, loc, laneLeader, cond).getResult() : laneLeader;
    ifThen(b, loc, who, [&](OpBuilder &b) {
      NVVM::MBarrierArriveOp::create(b, loc, Type(), bar, Value(), NVVM::MemScopeKindAttr(),
                                     BoolAttr());
    });
  }

  /// Every thread waits for phase `parity` (an i32 0/1) of `bar`.
  void wait(OpBuilder &b, Value bar, Value parity) {
    NVVM::MBarrierTryWaitParityOp::create(b, fn.getLoc(), bar, parity, c32(b, 0x989680));
  }

  /// The block of the grid's body (the tile loop's with a persistent grid).
  Block &gridBlock() { return tileLoop ? tileLoop.getAfter().front() : fn.getBody().front(); }

  /// Ring block `seq` of this tile counted over the CTA's tiles (a
  /// persistent grid continues the ring from one tile to the next).
  Value globalSeq(OpBuilder &b, Value seq) {
    return ringBase ? arith::AddIOp::create(b, fn.getLoc(), seq, ringBase).getResult() : seq;
  }
  /// The stage (index) and phase parity (i32) of global ring block g.
  Value stageOf(OpBuilder &b, Value g) {
    return arith::RemUIOp::create(b, fn.getLoc(), g, cIdx(b, p.stages));
  }
  Value parityOf(OpBuilder &b, Value g) {
    Location loc = fn.getLoc();
    return i32(b, arith::RemUIOp::create(
                      b, loc, arith::DivUIOp::create(b, loc, g, cIdx(b, p.stages)), cIdx(b, 2)));
  }
  /// The phase of Q's barrier this tile waits for: the CTA's tile count mod 2.
  Value qPhase(OpBuilder &b) {
    if (!tileNo)
      return c32(b, 0);
    return i32(b, arith::RemUIOp::create(b, fn.getLoc(), tileNo, cIdx(b, 2)));
  }
  /// Persistent: the next tile slot of this tile (by the tile count's parity).
  Value nextSlot(OpBuilder &b) {
    Location loc = fn.getLoc();
    Value at = arith::AddIOp::create(
        b, loc, cIdx(b, nextAt),
        arith::MulIOp::create(b, loc, arith::RemUIOp::create(b, loc, tileNo, cIdx(b, 2)),
                              cIdx(b, 4)));
    return sharedPtr(b, at);
  }
  /// Persistent: the store leader takes a tile number from the counter (the
  /// value before its increment); store it with storeNext before a CTA barrier.
  Value fetchNext(OpBuilder &b) {
    Location loc = fn.getLoc();
    auto fetch = scf::IfOp::create(b, loc, TypeRange{b.getI32Type()}, storeLeader,
                                   /*withElseRegion=*/true);
    OpBuilder tb = fetch.getThenBodyBuilder();
    Value old = LLVM::AtomicRMWOp::create(tb, loc, LLVM::AtomicBinOp::add, tileCounter,
                                          c32(tb, 1), LLVM::AtomicOrdering::monotonic);
    scf::YieldOp::create(tb, loc, old);
    OpBuilder eb = fetch.getElseBodyBuilder();
    scf::YieldOp::create(eb, loc, ValueRange{c32(eb, 0)});
    nextFetched = true;
    return fetch.getResult(0);
  }
  void storeNext(OpBuilder &b, Value fetched) {
    ifThen(b, fn.getLoc(), storeLeader, [&](OpBuilder &b) {
      LLVM::StoreOp::create(b, fn.getLoc(), fetched, nextSlot(b), /*alignment=*/4);
    });
  }

  /// The tile loop: its body converted, then the next tile (the grid's size
  /// plus the fetched number: every CTA starts at its block id), the ring
  /// continued past this tile's blocks and the tile count.
  LogicalResult convertTileLoop() {
    Block &body = tileLoop.getAfter().front();
    if (failed(convertBlock(body)))
      return failure();
    auto yield = cast<scf::YieldOp>(body.getTerminator());
    OpBuilder b(yield);
    Location loc = yield.getLoc();
    if (!nextFetched) { // no epilogue barrier to share: one of its own
      storeNext(b, fetchNext(b));
      gpu::BarrierOp::create(b, loc);
    }
    Value n = LLVM::LoadOp::create(b, loc, b.getI32Type(), nextSlot(b), /*alignment=*/4);
    Value next = arith::AddIOp::create(
        b, loc, gpu::GridDimOp::create(b, loc, gpu::Dimension::x),
        arith::IndexCastUIOp::create(b, loc, b.getIndexType(), n));
    Value ring = kvCount ? arith::AddIOp::create(b, loc, ringBase, kvCount).getResult() : ringBase;
    Value tiles = arith::AddIOp::create(b, loc, tileNo, cIdx(b, 1));
    yield->setOperands(ValueRange{next, ring, tiles});
    return success();
  }

  /// TMA copies of a block of `rows` rows (64-column boxes, 128-byte
  /// swizzled) of tensor map `map` at (row, head, batch) into shared memory
  /// at byte `at`, completing on `bar`.
  void tmaLoad(OpBuilder &b, Value map, int64_t cols, int64_t rows, Value at, Value row,
               Value head, Value batch, Value bar) {
    Location loc = fn.getLoc();
    for (int64_t c = 0; c < cols / 64; ++c) {
      Value dst = sharedPtr(b, arith::AddIOp::create(b, loc, at, cIdx(b, c * rows * 128)));
      NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
          b, loc, dst, map, ValueRange{c32(b, 64 * c), row, i32(b, head), i32(b, batch)}, bar,
          ValueRange{}, Value(), Value(), NVVM::TMALoadMode::TILE, /*isCTAOnly=*/true,
          NVVM::CTAGroupKindAttr(), Value());
    }
  }

  /// The KV block index of ring block `seq`: seqOrigin + seq, and with a head
  /// the head block first (ring block 0), then headLo, headLo + 1, ...
  Value blockOf(OpBuilder &b, Value seq) {
    Location loc = fn.getLoc();
    Value j = arith::AddIOp::create(b, loc, seqOrigin, seq);
    if (!p.head)
      return j;
    Value isHead = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, seq, cIdx(b, 0));
    return arith::SelectOp::create(b, loc, isHead, p.headBlock, j);
  }

  /// The producer (thread 0) starts ring block `seq`, KV block `j`: it waits
  /// until the consumers released the stage's previous block, then TMA-loads
  /// K and V into the stage. Only a previous block of this tile (seq >= stages)
  /// is waited for: with a persistent grid, one of an earlier tile was
  /// released before that tile's closing CTA barrier, which the producer has
  /// passed. (Waiting for it as well, a spin in thread 0 before the tile's
  /// first wgmma, makes ptxas serialize every wgmma of the kernel: C7520.)
  ///
  /// Rotated loops (K and V with empty barriers of their own): `withK` /
  /// `withV` pick the blocks to load, each after its own release.
  void issueKV(OpBuilder &b, Value seq, Value j, bool withK = true, bool withV = true) {
    Location loc = fn.getLoc();
    Value S = cIdx(b, p.stages);
    Value g = globalSeq(b, seq);
    Value s = arith::RemUIOp::create(b, loc, g, S);
    Value use = arith::DivUIOp::create(b, loc, g, S);
    Value reused = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, seq, S);
    auto awaitFree = [&](bool ofV) {
      ifThen(b, loc, reused, [&](OpBuilder &b) {
        Value prev = arith::SubIOp::create(b, loc, use, cIdx(b, 1));
        wait(b, ofV ? emptyV(b, s) : empty(b, s),
             i32(b, arith::RemUIOp::create(b, loc, prev, cIdx(b, 2))));
      });
    };
    if (!p.pipelined)
      awaitFree(/*ofV=*/false);
    Value row = i32(b, arith::MulIOp::create(b, loc, j, cIdx(b, p.bn)));
    TileLoadOp k = p.k.front(), v = p.v.front();
    Value kDst = arith::AddIOp::create(b, loc, cIdx(b, kAt),
                                       arith::MulIOp::create(b, loc, s, cIdx(b, p.bn * p.d * 2)));
    Value vDst = arith::AddIOp::create(b, loc, cIdx(b, vAt),
                                       arith::MulIOp::create(b, loc, s, cIdx(b, p.bn * p.dv * 2)));
    // K's (ofV false) or V's block: its bytes expected on its full barrier, then its copies.
    auto start = [&](bool ofV) {
      if (p.pipelined)
        awaitFree(ofV);
      auto full = [&] { return ofV ? fullV(b, s) : fullK(b, s); };
      int64_t cols = ofV ? p.dv : p.d;
      TileLoadOp block = ofV ? v : k;
      NVVM::MBarrierArriveExpectTxOp::create(b, loc, Type(), full(), c32(b, p.bn * cols * 2),
                                             NVVM::MemScopeKindAttr(), BoolAttr(), Value());
      tmaLoad(b, tmap[ofV ? 2 : 1], cols, p.bn, ofV ? vDst : kDst, row, block.getHead(),
              block.getBatch(), full());
    };
    if (withK)
      start(/*ofV=*/false);
    if (withV)
      start(/*ofV=*/true);
  }

  /// The head block's loads, as soon as its index is known (the Q block's
  /// load and the mbarriers' initialization come first): ring block 0,
  /// always loaded (not warp-specialized: that producer issues every block).
  void speculateHead(OpBuilder &b) {
    if (!p.head || warpSpec || headIssued)
      return;
    headIssued = true;
    ifThen(b, fn.getLoc(), producer,
           [&](OpBuilder &b) { issueKV(b, cIdx(b, 0), p.headBlock); });
  }
  /// Whether `v` is defined before `op` (in its block or above it).
  static bool definedBefore(Value v, Operation *op) {
    Operation *def = v.getDefiningOp();
    if (def)
      def = op->getBlock()->findAncestorOpInBlock(*def);
    return !def || def->isBeforeInBlock(op);
  }

  /// Whether what the head block's loads need (its index, K's and V's
  /// batch and head) is defined before `op`.
  bool headOperandsBefore(Operation *op) const {
    TileLoadOp k = p.k.front(), v = p.v.front();
    return llvm::all_of(ValueRange{p.headBlock, k.getBatch(), k.getHead(), v.getBatch(),
                                   v.getHead()},
                        [&](Value x) { return definedBefore(x, op); });
  }

  /// Before the first KV loop: ring blocks [0, stages - 1) are started
  /// (with a head, block 0 was started before, as early as its index and
  /// K/V's batch and head were known) and Q is waited for. Warp-specialized:
  /// the roles split here instead.
  void prologue(OpBuilder &b) {
    Location loc = fn.getLoc();
    // With a head, ring block 0 is the head block whether or not the first
    // loop's early iteration runs; block headLo is ring block 1.
    Value kvFirst = p.head ? p.headLo : p.kvLoops.front().getLowerBound();
    Value last = p.kvLoops.back().getUpperBound();
    Value n = arith::SubIOp::create(b, loc, arith::MaxSIOp::create(b, loc, last, kvFirst), kvFirst);
    kvCount = p.head ? arith::AddIOp::create(b, loc, n, cIdx(b, 1)).getResult() : n;
    seqOrigin =
        p.head ? arith::SubIOp::create(b, loc, kvFirst, cIdx(b, 1)).getResult() : kvFirst;
    if (warpSpec)
      return splitRoles(b);
    speculateHead(b); // where the head's index was not known earlier
    for (int64_t i = p.head ? 1 : 0; i + 1 < p.stages; ++i) {
      Value go = arith::AndIOp::create(
          b, loc, producer,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, cIdx(b, i), kvCount));
      ifThen(b, loc, go, [&](OpBuilder &b) { issueKV(b, cIdx(b, i), blockOf(b, cIdx(b, i))); });
    }
    wait(b, qFull(b), qPhase(b));
    if (pingpong) {
      // Warpgroup 0 takes the first turn.
      ifThen(b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, wgIdx, cIdx(b, 1)),
             [&](OpBuilder &b) { passTurn(b, cIdx(b, 0)); });
    }
  }

  /// Warp-specialized: warpgroup 0 gives up registers (setmaxnreg 24) and
  /// its thread 0 loads every KV block of the CTA into the ring, waiting for
  /// each stage's release; the consumers take registers (240: 24 x 128 +
  /// 240 x 256 = 64512, exactly the pool of 168 registers x 384 threads the
  /// kernel starts with: nvvm.minctasm = 1 makes ptxas fix that count) and
  /// wait for Q. The producer issues the KV range's kvCount blocks (with a
  /// head, ring block 0 is the head block: after the scan here), the
  /// consumers' loops cover the same consecutive range (analyzeTma checks
  /// it; faattn-mask-analysis orders lo <= flo <= fhi <= hi) and consume
  /// ring block 0 by the first loop's early iteration or the drain. The
  /// consumers' code (everything after this point) is moved into the else
  /// branch at the end of run(); no CTA-wide barrier may follow the split.
  void splitRoles(OpBuilder &b) {
    Location loc = fn.getLoc();
    Value isProducer = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, tid, cIdx(b, 128));
    consumerBranch = scf::IfOp::create(b, loc, isProducer, /*withElseRegion=*/true);
    OpBuilder pb = consumerBranch.getThenBodyBuilder();
    NVVM::SetMaxRegisterOp::create(pb, loc, 24, NVVM::SetMaxRegisterAction::decrease);
    ifThen(pb, loc, producer, [&](OpBuilder &b) {
      scf::ForOp::create(b, loc, cIdx(b, 0), kvCount, cIdx(b, 1), ValueRange{},
                         [&](OpBuilder &b, Location loc, Value seq, ValueRange) {
                           issueKV(b, seq, blockOf(b, seq));
                           scf::YieldOp::create(b, loc);
                         });
    });
    OpBuilder cb = consumerBranch.getElseBodyBuilder();
    NVVM::SetMaxRegisterOp::create(cb, loc, 240, NVVM::SetMaxRegisterAction::increase);
    wait(cb, qFull(cb), qPhase(cb));
  }

  /// Pingpong (two warpgroups): before issuing a product, a warpgroup waits
  /// for its turn (named barrier 1 + its index, 256 threads: its own 128
  /// wait, the other's 128 arrive); after issuing, it passes the turn. The
  /// tensor cores then run one warpgroup's products while the other does
  /// its softmax.
  void takeTurn(OpBuilder &b) {
    Location loc = fn.getLoc();
    Value id = i32(b, arith::AddIOp::create(b, loc, wgIdx, cIdx(b, 1)));
    NVVM::BarrierOp::create(b, loc, TypeRange{}, id, c32(b, 256), {}, Value());
  }
  void passTurn(OpBuilder &b, Value otherWg) {
    Location loc = fn.getLoc();
    Value id = i32(b, arith::AddIOp::create(b, loc, otherWg, cIdx(b, 1)));
    NVVM::BarrierArriveOp::create(b, loc, id, c32(b, 256));
  }
  Value otherWarpgroup(OpBuilder &b) {
    return arith::SubIOp::create(b, fn.getLoc(), cIdx(b, 1), wgIdx);
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
    for (Operation &op : llvm::make_early_inc_range(block)) {
      if (!inFlight.empty()) {
        OpBuilder b(&op);
        awaitBefore(b, &op);
      }
      if (failed(convert(&op)))
        return failure();
      // The head block's loads as soon as Q's are issued and what they need
      // is defined (its index, K's and V's batch and head).
      if (p.head && qIssued && !headIssued && &block == &gridBlock() &&
          op.getNextNode() && headOperandsBefore(op.getNextNode())) {
        OpBuilder b(op.getContext());
        b.setInsertionPointAfter(&op);
        speculateHead(b);
      }
    }
    return success();
  }

  LogicalResult convert(Operation *op) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    if (auto load = dyn_cast<TileLoadOp>(op))
      return tma ? convertLoadTma(b, load) : convertLoad(b, load);
    if (auto store = dyn_cast<TileStoreOp>(op))
      return store == p.oStore ? convertStoreTma(b, store) : convertStore(b, store);
    if (auto splat = dyn_cast<TileSplatOp>(op)) {
      // In the tile's element type (faattn-pipeline-kv's P = 0 is bf16/f16).
      Type elt = splat.getType().getElementType();
      auto attr = cast<FloatAttr>(splat.getValueAttr());
      Value v = arith::ConstantOp::create(
          b, loc, attr.getType() == elt ? attr : b.getFloatAttr(elt, attr.getValueAsDouble()));
      frag[splat] = vector::BroadcastOp::create(b, loc, vecOf(splat.getType()), v);
      toErase.push_back(op);
      return success();
    }
    if (auto dot = dyn_cast<TileDotOp>(op))
      return convertDot(b, dot);
    if (auto red = dyn_cast<TileReduceOp>(op))
      return convertReduce(b, red);
    if (fused.contains(op))
      return success(); // computed by the P V it was fused into
    if (auto map = dyn_cast<TileMapOp>(op))
      return elementwise(b, op, map.getInputs(), [&](OpBuilder &b, int64_t, ValueRange x) {
        return emitMapElement(b, map, x);
      });
    // Score and mask code per fragment element; what depends on neither the
    // element's score nor its indices (slopes[h]) once per tile, what
    // depends on its row or column alone (doc[q_idx], doc[kv_idx]) once per
    // row (2 a thread) or column (N / 4).
    if (isa<TileScoreOp, TileMaskOp>(op) &&
        cast<TileType>(op->getResult(0).getType()).getShape()[1] == 1)
      return op->emitOpError() << "on an M x 1 tile has no wgmma lowering (rowKey / colKey "
                                  "assume M x N fragments)";
    if (auto score = dyn_cast<TileScoreOp>(op)) {
      ElementCode code(op);
      code.emitUniform(b);
      return elementwise(b, op, ValueRange{score.getInput()}, [&](OpBuilder &b, int64_t i,
                                                                   ValueRange x) {
        auto [q, kv] = indices(b, score.getType(), score.getRow0(), score.getCol0(), i);
        IRMapping pre = code.forElement(b, rowKey(i), q, colKey(i), kv);
        return emitScoreElement(b, score, q, kv, x[0], &pre);
      });
    }
    if (auto mask = dyn_cast<TileMaskOp>(op)) {
      ElementCode code(op);
      code.emitUniform(b);
      return elementwise(b, op, ValueRange{mask.getInput()}, [&](OpBuilder &b, int64_t i,
                                                                 ValueRange x) {
        auto [q, kv] = indices(b, mask.getType(), mask.getRow0(), mask.getCol0(), i);
        IRMapping pre = code.forElement(b, rowKey(i), q, colKey(i), kv);
        return emitMaskElement(b, mask, q, kv, x[0], &pre);
      });
    }
    if (auto loop = dyn_cast<scf::ForOp>(op))
      return convertLoop(loop);
    if (op == tileLoop.getOperation())
      return convertTileLoop();
    if (auto par = dyn_cast<scf::ParallelOp>(op); par && scanSlots.count(par))
      return convertScan(par);
    if (auto par = dyn_cast<scf::ParallelOp>(op);
        par && par->hasAttr("faattn.range_reduce") && par->getBlock() == &gridBlock()) {
      // Hoisted before a scan (the Q block's rows): every thread reaches it.
      toErase.push_back(par);
      return convertRangeReduce(par, /*lanes=*/32);
    }
    if (isa<FAAttnDialect>(op->getDialect()))
      return op->emitOpError() << "has no wgmma lowering";
    for (Region &r : op->getRegions())
      for (Block &blk : r)
        if (failed(convertBlock(blk)))
          return failure();
    return success();
  }

  /// Which of a thread's rows (0, 1) and columns fragment element i of an
  /// M x N tile is in (see rowOf, colOf).
  static int64_t rowKey(int64_t i) { return (i % 4) / 2; }
  static int64_t colKey(int64_t i) { return 2 * (i / 4) + i % 2; }

  /// (q_idx, kv_idx) of fragment element i as i32.
  std::pair<Value, Value> indices(OpBuilder &b, TileType t, Value row0, Value col0, int64_t i) {
    Location loc = fn.getLoc();
    Value q = arith::AddIOp::create(b, loc, row0, i32(b, rowOf(b, t, i)));
    Value kv = arith::AddIOp::create(b, loc, col0, i32(b, colOf(b, i)));
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

  /// The producer starts ring block seq + stages - 1 when there is one (the
  /// head block, ring block 0, was started before). Rotated loops: K of that
  /// block (its stage's K was freed by Q K_{seq-1}^T) and V of block
  /// seq + stages - 2 (its stage's V was freed by P V_{seq-2}, in the last
  /// iteration; P V_{seq-1}, which frees the next, runs in this one, after
  /// the producer would have had to wait for it): every V block is started
  /// a block after its K, one iteration before its product.
  void issueAhead(OpBuilder &b, Value seq) {
    Location loc = fn.getLoc();
    Value ahead = arith::AddIOp::create(b, loc, seq, cIdx(b, p.stages - 1));
    Value go = arith::AndIOp::create(
        b, loc, producer, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, ahead, kvCount));
    if (p.head && p.stages == 1)
      go = arith::AndIOp::create(
          b, loc, go, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, ahead, cIdx(b, 0)));
    if (!p.pipelined) {
      ifThen(b, loc, go, [&](OpBuilder &b) { issueKV(b, ahead, blockOf(b, ahead)); });
      return;
    }
    ifThen(b, loc, go, [&](OpBuilder &b) {
      issueKV(b, ahead, blockOf(b, ahead), /*withK=*/true, /*withV=*/false);
    });
    // Blocks [0, stages - 1) were started whole by the prologue.
    Value behind = arith::AddIOp::create(b, loc, seq, cIdx(b, p.stages - 2));
    Value goV = arith::AndIOp::create(
        b, loc,
        arith::AndIOp::create(
            b, loc, producer,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, seq, cIdx(b, 1))),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, behind, kvCount));
    ifThen(b, loc, goV, [&](OpBuilder &b) {
      issueKV(b, behind, blockOf(b, behind), /*withK=*/false, /*withV=*/true);
    });
  }

  /// Before the head loop: when its early iteration will not run (the scan
  /// did not find the head block the last one), ring block 0 is waited out
  /// and released as if consumed, and the block the producer would have
  /// started then is started.
  void drainHead(OpBuilder &b) {
    Location loc = fn.getLoc();
    Value missed = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                         p.head.getLowerBound(), p.headLo);
    ifThen(b, loc, missed, [&](OpBuilder &b) {
      if (!warpSpec)
        issueAhead(b, cIdx(b, 0));
      // Ring block 0: stage 0, phase 0 (a persistent grid: where the ring
      // stands after the CTA's earlier tiles).
      auto stage0 = [&](OpBuilder &b) { return ringBase ? stageOf(b, ringBase) : cIdx(b, 0); };
      auto phase0 = [&](OpBuilder &b) { return ringBase ? parityOf(b, ringBase) : c32(b, 0); };
      Value s = stage0(b);
      wait(b, fullK(b, s), phase0(b));
      wait(b, fullV(b, stage0(b)), phase0(b));
      NVVM::SyncWarpOp::create(b, loc, c32(b, -1));
      ifThen(b, loc, laneLeader, [&](OpBuilder &b) {
        NVVM::MBarrierArriveOp::create(b, loc, Type(), empty(b, stage0(b)), Value(),
                                       NVVM::MemScopeKindAttr(), BoolAttr());
      });
      if (p.pipelined)
        release(b, emptyV(b, stage0(b)));
    });
  }

  /// The TMA pipeline's loads. Q: the producer starts it (waited for in the
  /// prologue). K (first in its loop): the producer starts block
  /// seq + stages - 1, then every thread waits for block seq's K. V: its
  /// stage is recorded; P V waits for it.
  LogicalResult convertLoadTma(OpBuilder &b, TileLoadOp load) {
    Location loc = load.getLoc();
    if (load == p.q) {
      ifThen(b, loc, producer, [&](OpBuilder &b) {
        NVVM::MBarrierArriveExpectTxOp::create(b, loc, Type(), qFull(b), c32(b, p.bm * p.d * 2),
                                               NVVM::MemScopeKindAttr(), BoolAttr(), Value());
        tmaLoad(b, tmap[0], p.d, p.bm, cIdx(b, qAt), i32(b, load.getRow0()), load.getHead(),
                load.getBatch(), qFull(b));
      });
      qIssued = true; // the head block's loads may follow (convertBlock)
    } else if (llvm::is_contained(p.k, load)) {
      if (!kvIv)
        return load.emitOpError() << "K block outside a KV loop";
      Value seq = arith::SubIOp::create(b, loc, kvIv, seqOrigin);
      // The head loop's early iteration (iv = headLo - 1) is ring block 0.
      if (!warpSpec) // else the producer warpgroup has them all in flight
        issueAhead(b, seq);
      Value g = globalSeq(b, seq);
      stage = stageOf(b, g);
      parity = parityOf(b, g);
      wait(b, fullK(b, stage), parity);
      NVVM::SyncWarpOp::create(b, loc, c32(b, -1));
    } else if (!llvm::is_contained(p.v, load)) {
      return load.emitOpError() << "is not a Q, K or V block";
    } else if (p.pipelined) {
      // Rotated loops: V of block j' (the carried index in the loop, the
      // loop's result after it), ring block j' - seqOrigin; in the loop a
      // product of a block before this one (else the first iteration's,
      // of P = 0, on this block's V) and after it the loop's last, if the
      // loop ran.
      Value j = blockIndexOf(load);
      Value g = globalSeq(b, arith::SubIOp::create(b, loc, j, seqOrigin));
      vStage = stageOf(b, g);
      vParity = parityOf(b, g);
      vEarlier = kvIv ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, j, kvIv).getResult()
                      : Value();
      vLoop = kvIv ? scf::ForOp() : j.getDefiningOp<scf::ForOp>();
      if (!kvIv && !vLoop)
        return load.emitOpError() << "a rotated loop's last V block, not from the loop's index";
    }
    toErase.push_back(load);
    return success();
  }

  /// The block index of a V block of a rotated loop (analyzeTma checked its
  /// row: j * block_n, or the head's `j < lo ? c : j` times block_n).
  Value blockIndexOf(TileLoadOp v) const {
    auto mul = v.getRow0().getDefiningOp<arith::MulIOp>();
    Value x = getConstantIntValue(mul.getRhs()) == p.bn ? mul.getLhs() : mul.getRhs();
    if (auto sel = x.getDefiningOp<arith::SelectOp>())
      return sel.getFalseValue();
    return x;
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
              memref::StoreOp::create(b, loc, vector::ExtractOp::create(b, loc, v, e), smem,
                                      coreIndex(b, base, d, r, rows));
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

  /// Shared-memory writes by the threads, then the tensor cores (or TMA)
  /// read them.
  void asyncVisible(OpBuilder &b, Location loc) {
    NVVM::FenceProxyOp::create(b, loc, NVVM::ProxyKind::async_shared,
                               NVVM::SharedSpaceAttr::get(b.getContext(), NVVM::SharedSpace::shared_cta));
    if (warpSpec) // the consumers alone (named barrier 3): the producer is not there
      NVVM::BarrierOp::create(b, loc, TypeRange{}, c32(b, 3), c32(b, 2 * p.bm), {}, Value());
    else
      gpu::BarrierOp::create(b, loc);
  }

  /// A wgmma shared-memory descriptor: start address `addr` (i64, bytes),
  /// leading and stride byte offsets, swizzle mode (0: none, 1: 128 bytes).
  Value descriptor(OpBuilder &b, Value addr, int64_t lbo, int64_t sbo, int64_t swizzle) {
    Location loc = fn.getLoc();
    // bits 0-13: address >> 4; 16-29: LBO >> 4; 32-45: SBO >> 4; 62-63: swizzle.
    Value start = arith::AndIOp::create(b, loc, arith::ShRUIOp::create(b, loc, addr, c64(b, 4)),
                                        c64(b, 0x3FFF));
    int64_t fields = ((lbo >> 4) << 16) | ((sbo >> 4) << 32) | (swizzle << 62);
    return arith::OrIOp::create(b, loc, start, c64(b, fields));
  }
  /// smemBase + at + extra (an optional index value), as i64.
  Value address(OpBuilder &b, int64_t at, Value extra) {
    Location loc = fn.getLoc();
    Value addr = arith::AddIOp::create(b, loc, smemBase, c64(b, at));
    if (extra)
      addr = arith::AddIOp::create(b, loc, addr,
                                   arith::IndexCastOp::create(b, loc, b.getI64Type(), extra));
    return addr;
  }

  /// The descriptors of k-step `k` (16 reduction elements) of A (this
  /// warpgroup's 64 rows) and B for result = lhs * rhs^T (Q K^T) or lhs * rhs
  /// (P V; B only, A comes from registers); `ring` is the ring stage (TMA).
  std::pair<Value, Value> descriptors(OpBuilder &b, bool qk, int64_t k, int64_t kdim,
                                      Value ring) {
    Location loc = fn.getLoc();
    if (!tma) {
      // Canonical K-major without swizzle: core matrices of 8 x 16 bytes,
      // LBO 128 (next 8 reduction elements), SBO (kdim / 8) * 128 (next 8
      // rows); k-step k is two core matrices (256 bytes) on.
      int64_t sbo = (kdim / 8) * 128;
      Value aRows = arith::MulIOp::create(b, loc, wgIdx, cIdx(b, 8 * sbo));
      Value descA = qk ? descriptor(b, address(b, qAt + k * 256, aRows), 128, sbo, 0) : Value();
      Value descB = descriptor(b, address(b, (qk ? kAt : vAt) + k * 256, Value()), 128, sbo, 0);
      return {descA, descB};
    }
    // 128-byte swizzle: the tile is stored as column chunks of 64 elements
    // (one TMA box each), rows of 128 bytes, SBO 1024 (next 8 rows).
    if (qk) {
      // K-major A (Q) and B (K): k-step k is in chunk k / 4, 32 bytes per step.
      int64_t inChunk = (k / 4), step = (k % 4) * 32;
      Value aRows = arith::MulIOp::create(b, loc, wgIdx, cIdx(b, 64 * 128));
      Value descA =
          descriptor(b, address(b, qAt + inChunk * p.bm * 128 + step, aRows), 16, 1024, 1);
      Value kStage = arith::MulIOp::create(b, loc, ring, cIdx(b, p.bn * p.d * 2));
      Value descB =
          descriptor(b, address(b, kAt + inChunk * p.bn * 128 + step, kStage), 16, 1024, 1);
      return {descA, descB};
    }
    // MN-major B (V as stored, rows = reduction): k-step k is 16 rows (2048
    // bytes) on; LBO is the distance between 64-column chunks.
    Value vBytes = arith::MulIOp::create(b, loc, ring, cIdx(b, p.bn * p.dv * 2));
    Value descB = descriptor(b, address(b, vAt + k * 2048, vBytes), p.bn * 128, 1024, 1);
    return {Value(), descB};
  }

  /// One wgmma with A from registers (four 32-bit registers of 16-bit
  /// pairs), B from shared memory: acc (+)= A * B. NVVM's op takes A from
  /// shared memory only, so this one is inline PTX.
  Value wgmmaRS(OpBuilder &b, Value acc, ArrayRef<Value> a, Value descB, int64_t n,
                bool accumulate, bool transposeB) {
    Location loc = fn.getLoc();
    int64_t m = n / 2;
    std::string type = p.elt.isBF16() ? "bf16" : "f16";
    std::string asmStr = "{\n.reg .pred p;\nsetp.ne.b32 p, $" + std::to_string(2 * m + 5) +
                         ", 0;\nwgmma.mma_async.sync.aligned.m64n" + std::to_string(n) +
                         "k16.f32." + type + "." + type + " {";
    std::string constraints;
    for (int64_t i = 0; i < m; ++i) {
      asmStr += (i ? ", $" : "$") + std::to_string(i);
      constraints += (i ? ",=f" : "=f");
    }
    asmStr += "}, {$" + std::to_string(2 * m) + ", $" + std::to_string(2 * m + 1) + ", $" +
              std::to_string(2 * m + 2) + ", $" + std::to_string(2 * m + 3) + "}, $" +
              std::to_string(2 * m + 4) + ", p, 1, 1, " + (transposeB ? "1" : "0") + ";\n}\n";
    SmallVector<Value> operands;
    for (int64_t i = 0; i < m; ++i) {
      operands.push_back(LLVM::ExtractValueOp::create(b, loc, acc, i));
      constraints += "," + std::to_string(i);
    }
    for (Value r : a)
      operands.push_back(r);
    operands.push_back(descB);
    operands.push_back(c32(b, accumulate ? 1 : 0));
    constraints += ",r,r,r,r,l,r";
    auto op = LLVM::InlineAsmOp::create(
        b, loc, acc.getType(), operands, asmStr, constraints, /*has_side_effects=*/true,
        /*is_align_stack=*/false, LLVM::TailCallKind::None,
        LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT), ArrayAttr());
    return op.getResult(0);
  }

  /// result = lhs * rhs^T (Q K^T) or lhs * rhs (P V) on wgmma. A product is
  /// waited for at once, except in a rotated KV loop (faattn-pipeline-kv):
  /// there Q K_j^T and P V_{j-1} are issued back to back and each is waited
  /// for before its result's first use (awaitBefore), Q K^T's under P V,
  /// P V's under block j's softmax; a rotated loop's last product, after
  /// it, runs only if the loop did (its V block is not loaded else).
  LogicalResult convertDot(OpBuilder &b, TileDotOp dot) {
    Location loc = dot.getLoc();
    MLIRContext *ctx = b.getContext();
    TileType res = dot.getType();
    int64_t n = res.getShape()[1];
    int64_t kdim = dot.getLhs().getType().getShape()[1];
    bool qk = dot.getTransposeRhs();
    bool rotated = p.pipelined && kvIv;       // in a rotated loop: deferred
    bool last = p.pipelined && !kvIv && !qk; // a rotated loop's last product
    if (!rotated && !inFlight.empty())
      retire(b, inFlight.back().group, nullptr);
    auto structTy = LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(n / 2, f32));
    Value acc;
    // O's update o * alpha + P V: the wgmma chain accumulates onto o * alpha
    // (one accumulator live instead of two).
    TileMapOp update = qk ? TileMapOp() : rescaleOf(dot);
    if (update)
      acc = preScaled.lookup(dot);
    if (!acc)
      acc = update ? scaledAccumulator(b, update, structTy)
                   : LLVM::ZeroOp::create(b, loc, structTy).getResult();
    // A rotated loop's P V accumulates onto o * alpha computed before Q K^T
    // is issued: ptxas waits for the Q K^T in flight before an instruction
    // that writes an accumulator of a wgmma (C7517, measured on block j - 1's
    // o * alpha between the two issues), so it comes first.
    if (rotated && qk)
      for (Operation *op = dot->getNextNode(); op; op = op->getNextNode())
        if (auto pv = dyn_cast<TileDotOp>(op); pv && !pv.getTransposeRhs()) {
          TileMapOp up = rescaleOf(pv);
          if (up && definedBefore(up.getInputs()[0], dot) && definedBefore(up.getInputs()[1], dot))
            preScaled[pv] = scaledAccumulator(
                b, up,
                LLVM::LLVMStructType::getLiteral(
                    ctx, SmallVector<Type>(pv.getType().getShape()[1] / 2, f32)));
          break;
        }
    Value pFrag;
    if (!qk) {
      pFrag = frag.lookup(dot.getLhs());
      if (!pFrag)
        return dot.emitOpError() << "P has no fragments";
    }
    // The rotated loops' P V reads its own block's stage (block j - 1's).
    Value ring = !qk && p.pipelined ? vStage : stage;
    Value ringParity = !qk && p.pipelined ? vParity : parity;
    // Pingpong: a warpgroup's turn covers its products of the iteration (both
    // of them in a rotated loop).
    bool take = pingpong && kvIv && (!rotated || qk);
    bool pass = pingpong && kvIv && (!rotated || !qk);
    auto issue = [&](OpBuilder &b, Value acc) {
      if (!qk && tma) {
        wait(b, fullV(b, ring), ringParity);
        NVVM::SyncWarpOp::create(b, loc, c32(b, -1));
      }
      if (take)
        takeTurn(b);
      NVVM::WgmmaFenceAlignedOp::create(b, loc);
      auto wgType = p.elt.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
      for (int64_t k = 0; k < kdim / 16; ++k) {
        auto [descA, descB] = descriptors(b, qk, k, kdim, ring);
        if (qk) {
          acc = NVVM::WgmmaMmaAsyncOp::create(
              b, loc, structTy, acc, descA, descB, NVVM::MMAShapeAttr::get(ctx, 64, n, 16), wgType,
              wgType, NVVM::WGMMATypes::f32,
              k == 0 ? NVVM::WGMMAScaleOut::zero : NVVM::WGMMAScaleOut::one,
              NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row,
              NVVM::MMALayout::col, /*satfinite=*/NVVM::MMAIntOverflowAttr());
          continue;
        }
        // P's k-step k: fragment elements 8k .. 8k + 7 are the wgmma A
        // fragment of columns [16k, 16k + 16), packed in pairs.
        SmallVector<Value> regs;
        for (int64_t r = 0; r < 4; ++r) {
          Value pair = vector::FromElementsOp::create(
              b, loc, VectorType::get({2}, p.elt),
              ValueRange{vector::ExtractOp::create(b, loc, pFrag, 8 * k + 2 * r),
                         vector::ExtractOp::create(b, loc, pFrag, 8 * k + 2 * r + 1)});
          Value word =
              vector::BitCastOp::create(b, loc, VectorType::get({1}, b.getI32Type()), pair);
          regs.push_back(vector::ExtractOp::create(b, loc, word, 0));
        }
        acc = wgmmaRS(b, acc, regs, descB, n, /*accumulate=*/k > 0 || update, /*transposeB=*/tma);
      }
      NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
      if (pass)
        passTurn(b, otherWarpgroup(b));
      return acc;
    };
    Value result = update ? update.getResult() : dot.getResult();
    if (update) {
      fused.insert(update);
      toErase.push_back(update);
    }
    toErase.push_back(dot);
    if (rotated) {
      // In flight until awaitBefore retires it: then Q K^T's stage frees its
      // K, P V's its V (not the first iteration's product: that block's own
      // V, read again by the next iteration's).
      acc = issue(b, acc);
      Value at = stage, earlier = vEarlier;
      std::function<void(OpBuilder &)> done = [this, qk, at, earlier, ring](OpBuilder &b) {
        if (qk)
          release(b, empty(b, at));
        else
          release(b, emptyV(b, ring), earlier);
      };
      inFlight.push_back({result, acc, res, nextGroup++, std::move(done)});
      return success();
    }
    if (last) {
      // The loop's last block's product: only if the loop ran, then its V is
      // released like the loop's.
      Value ran = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, vLoop.getLowerBound(),
                                        vLoop.getUpperBound());
      auto guard = scf::IfOp::create(b, loc, TypeRange{structTy}, ran, /*withElseRegion=*/true);
      OpBuilder tb = guard.getThenBodyBuilder();
      Value out = issue(tb, acc);
      NVVM::WgmmaWaitGroupSyncOp::create(tb, loc, 0);
      release(tb, emptyV(tb, ring));
      scf::YieldOp::create(tb, loc, out);
      OpBuilder eb = guard.getElseBodyBuilder();
      scf::YieldOp::create(eb, loc, acc);
      frag[result] = fragmentsOf(b, guard.getResult(0), res);
      return success();
    }
    acc = issue(b, acc);
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
    if (!qk && tma) {
      // The stage's K and V are read: one arrival per warp frees it.
      ifThen(b, loc, laneLeader, [&](OpBuilder &b) {
        NVVM::MBarrierArriveOp::create(b, loc, Type(), empty(b, stage), Value(),
                                       NVVM::MemScopeKindAttr(), BoolAttr());
      });
    }
    frag[result] = fragmentsOf(b, acc, res);
    return success();
  }

  /// o * alpha of O's update fma(o, alpha, P V), as a wgmma accumulator.
  Value scaledAccumulator(OpBuilder &b, TileMapOp update, Type structTy) {
    Location loc = fn.getLoc();
    Value acc = LLVM::ZeroOp::create(b, loc, structTy);
    auto oTy = cast<TileType>(update.getInputs()[0].getType());
    auto alphaTy = cast<TileType>(update.getInputs()[1].getType());
    for (int64_t i = 0; i < elems(oTy); ++i) {
      Value o = element(b, update.getInputs()[0], oTy, i, false);
      Value alpha = element(b, update.getInputs()[1], alphaTy, i, false);
      acc = LLVM::InsertValueOp::create(b, loc, acc, arith::MulFOp::create(b, loc, o, alpha), i);
    }
    return acc;
  }

  /// The fragment vector of an accumulator (an LLVM struct of f32).
  Value fragmentsOf(OpBuilder &b, Value acc, TileType t) {
    SmallVector<Value> out;
    for (int64_t i = 0; i < elems(t); ++i)
      out.push_back(LLVM::ExtractValueOp::create(b, fn.getLoc(), acc, i));
    return vector::FromElementsOp::create(b, fn.getLoc(), vecOf(t), out);
  }

  /// f32 values through an empty inline asm that has side effects (CUTLASS's
  /// warpgroup_fence_operand): their uses stay after what comes before it
  /// (a wgmma.wait_group), whatever LLVM would move; no instruction in SASS.
  SmallVector<Value> fenced(OpBuilder &b, ValueRange values) {
    Location loc = fn.getLoc();
    std::string constraints;
    for (size_t i = 0; i < values.size(); ++i)
      constraints += i ? ",=f" : "=f";
    for (size_t i = 0; i < values.size(); ++i)
      constraints += "," + std::to_string(i);
    auto ty = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                               SmallVector<Type>(values.size(), f32));
    auto op = LLVM::InlineAsmOp::create(
        b, loc, ty, values, "", constraints, /*has_side_effects=*/true,
        /*is_align_stack=*/false, LLVM::TailCallKind::None,
        LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT), ArrayAttr());
    SmallVector<Value> out;
    for (size_t i = 0; i < values.size(); ++i)
      out.push_back(LLVM::ExtractValueOp::create(b, loc, op.getResult(0), i));
    return out;
  }

  /// A product issued and not waited for yet (rotated loops): the tile its
  /// result stands for, the accumulator, its wgmma group number and what
  /// follows its completion (a stage's release).
  struct InFlight {
    Value result;
    Value acc;
    TileType type;
    int64_t group;
    std::function<void(OpBuilder &)> done;
  };

  /// Before `op` (in a rotated loop): the products whose results it reads
  /// retired, and all of them before a terminator or control flow (no group
  /// crosses a region boundary) and before an op that computes a wgmma A
  /// operand: the next P is computed once the product reading the last one
  /// is done (FA3's order), so that two P's are never live at once; the
  /// tiles it reads pass a register fence after that wait, which keeps the
  /// new P's conversions after it.
  void awaitBefore(OpBuilder &b, Operation *op) {
    bool makesA = llvm::any_of(op->getResultTypes(), [](Type t) {
      auto tt = dyn_cast<TileType>(t);
      return tt && isa_and_nonnull<WgmmaOperandALayoutAttr>(tt.getEncoding());
    });
    bool all = makesA || op->hasTrait<OpTrait::IsTerminator>() ||
               (op->getNumRegions() > 0 && !isa<FAAttnDialect>(op->getDialect()));
    int64_t upTo = -1;
    for (InFlight &f : inFlight)
      if (all || llvm::is_contained(op->getOperands(), f.result))
        upTo = std::max(upTo, f.group);
    if (upTo >= 0)
      retire(b, upTo, makesA ? op : nullptr);
  }

  /// Waits for the products up to group `upTo` (wgmma.wait_group: the
  /// younger ones stay in flight), runs what follows each and gives their
  /// results fragments; then fences the f32 tiles `reader` reads.
  void retire(OpBuilder &b, int64_t upTo, Operation *reader) {
    Location loc = fn.getLoc();
    int64_t younger = llvm::count_if(inFlight, [&](const InFlight &f) { return f.group > upTo; });
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, younger);
    SmallVector<InFlight> left;
    for (InFlight &f : inFlight) {
      if (f.group > upTo) {
        left.push_back(std::move(f));
        continue;
      }
      f.done(b);
      SmallVector<Value> values;
      for (int64_t i = 0; i < elems(f.type); ++i)
        values.push_back(LLVM::ExtractValueOp::create(b, loc, f.acc, i));
      frag[f.result] = vector::FromElementsOp::create(b, loc, vecOf(f.type), fenced(b, values));
    }
    inFlight = std::move(left);
    if (!reader)
      return;
    for (Value in : reader->getOperands()) {
      auto t = dyn_cast<TileType>(in.getType());
      Value v = frag.lookup(in);
      if (!t || !v || !t.getElementType().isF32())
        continue;
      SmallVector<Value> values;
      for (int64_t i = 0; i < elems(t); ++i)
        values.push_back(vector::ExtractOp::create(b, loc, v, i));
      frag[in] = vector::FromElementsOp::create(b, loc, vecOf(t), fenced(b, values));
    }
  }

  /// The tile_map that is P V's only use when it computes o * alpha + P V
  /// (math.fma of its first two inputs and the product, o and P V of the
  /// same type, alpha a row or a full tile); null otherwise.
  static TileMapOp rescaleOf(TileDotOp dot) {
    if (!dot->hasOneUse())
      return {};
    auto map = dyn_cast<TileMapOp>(*dot->user_begin());
    if (!map || map.getInputs().size() != 3 || map.getInputs()[2] != dot.getResult() ||
        map.getInputs()[0] == dot.getResult() || map.getInputs()[1] == dot.getResult() ||
        map.getType() != dot.getType() || map.getInputs()[0].getType() != dot.getType())
      return {};
    Block &body = map.getBody().front();
    auto yield = dyn_cast<YieldOp>(body.getTerminator());
    auto fma = yield ? yield.getValue().getDefiningOp<math::FmaOp>() : math::FmaOp();
    if (!fma || &body.front() != fma.getOperation() ||
        fma.getA() != body.getArgument(0) || fma.getB() != body.getArgument(1) ||
        fma.getC() != body.getArgument(2))
      return {};
    return map;
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
        ifThen(b, loc, at.inside, [&](OpBuilder &b) {
          memref::StoreOp::create(b, loc, vector::ExtractOp::create(b, loc, v, i),
                                  store.getMem(),
                                  tileMemIndices(store.getMem().getType(), store.getLayout(),
                                                 at.batch, store.getHead(), at.row, col));
        });
      }
    };
    if (column)
      ifThen(b, loc, quadLeader, body);
    else
      body(b);
    toErase.push_back(store);
    return success();
  }

  /// O through shared memory: each warpgroup writes its rows (pairs of
  /// elements, 128-byte swizzled like the TMA box) over its own rows of Q
  /// (or O's own buffer), then one TMA store per 64 columns writes the
  /// block; TMA drops the rows past the sequence.
  LogicalResult convertStoreTma(OpBuilder &b, TileStoreOp store) {
    Location loc = store.getLoc();
    TileType t = store.getValue().getType();
    Value v = frag.lookup(store.getValue());
    if (!v)
      return store.emitOpError() << "stores a tile with no fragments";
    auto div = [&](Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, cIdx(b, y)); };
    auto rem = [&](Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, cIdx(b, y)); };
    auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, cIdx(b, y)); };
    auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); };
    auto pairTy = VectorType::get({2}, p.elt);
    // Persistent: the next tile's number is fetched before O's writes (its
    // latency under them) and published before the barrier they end with.
    Value fetched =
        tileLoop && store->getBlock() == &gridBlock() ? fetchNext(b) : Value();
    for (int64_t i = 0; i < elems(t); i += 2) {
      Value r = rowOf(b, t, i), c = colOf(b, i);
      // Byte (r, c): chunk c / 64, row r of 128 bytes, 16-byte unit
      // (c % 64) / 8 XOR r % 8.
      Value unit = arith::XOrIOp::create(b, loc, div(rem(c, 64), 8), rem(r, 8));
      Value byte = add(add(mul(div(c, 64), p.bm * 128), mul(r, 128)),
                       add(mul(unit, 16), mul(rem(c, 8), 2)));
      Value at = add(add(div(byte, 2), cIdx(b, oAt / 2)), padElems);
      Value pair = vector::FromElementsOp::create(
          b, loc, pairTy,
          ValueRange{vector::ExtractOp::create(b, loc, v, i),
                     vector::ExtractOp::create(b, loc, v, i + 1)});
      vector::StoreOp::create(b, loc, pair, smem, at, /*nontemporal=*/false,
                              llvm::MaybeAlign(4));
    }
    if (fetched)
      storeNext(b, fetched);
    asyncVisible(b, loc);
    ifThen(b, loc, storeLeader, [&](OpBuilder &b) {
      for (int64_t c = 0; c < p.dv / 64; ++c)
        NVVM::CpAsyncBulkTensorSharedCTAToGlobalOp::create(
            b, loc, tmap[3], sharedPtr(b, cIdx(b, oAt + c * p.bm * 128)),
            ValueRange{c32(b, 64 * c), i32(b, store.getRow0()), i32(b, store.getHead()),
                       i32(b, store.getBatch())},
            Value(), NVVM::TMAStoreModeAttr(), Value());
      NVVM::CpAsyncBulkCommitGroupOp::create(b, loc);
      // Shared memory must outlive the store's reads.
      NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0), b.getUnitAttr());
    });
    toErase.push_back(store);
    return success();
  }

  /// A 32-bit value across the warp: xor with `offset`, or from lane
  /// `offset` (mode idx).
  Value shuffle32(OpBuilder &b, Value x, int64_t offset, gpu::ShuffleMode mode) {
    return gpu::ShuffleOp::create(b, fn.getLoc(), x, c32(b, offset), c32(b, 32), mode)
        .getShuffleResult();
  }
  /// An i64 as two 32-bit shuffles.
  Value shuffle64(OpBuilder &b, Value v, int64_t offset, gpu::ShuffleMode mode) {
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
  Value broadcastLane0(OpBuilder &b, Value v) {
    return shuffle64(b, v, 0, gpu::ShuffleMode::IDX);
  }

  /// A block scan of faattn-mask-analysis (a one-dimensional scf.parallel
  /// with reductions) in the kernel's body, where every thread reaches it.
  /// Each thread starts from the scan's initial values, which is right
  /// because faattn-mask-analysis makes them identities of their reductions
  /// (the block count under min, -1 under max, 0 under add): a contract of
  /// the faattn.block_scan attribute.
  bool isCtaScan(scf::ParallelOp par) {
    return par->hasAttr("faattn.block_scan") && par.getNumLoops() == 1 &&
           par->getBlock() == &gridBlock();
  }

  /// Combines x and y with reduction i of `reduce` (an scf.parallel's).
  static Value combine(OpBuilder &b, scf::ReduceOp reduce, unsigned i, Value x, Value y) {
    Block &r = reduce.getReductions()[i].front();
    IRMapping map;
    map.map(r.getArgument(0), x);
    map.map(r.getArgument(1), y);
    for (Operation &op : r.without_terminator())
      b.clone(op, map);
    return map.lookup(cast<scf::ReduceReturnOp>(r.getTerminator()).getResult());
  }

  /// One step of a reduction loop standing in for `par` (an scf.parallel
  /// whose initial values are identities): `par`'s body at `index` when
  /// `valid`, else at its lower bound with the identities contributed, so
  /// that every lane runs the same code; returns `acc` combined with it.
  SmallVector<Value> accumulateAt(OpBuilder &b, scf::ParallelOp par, Value index, Value valid,
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

  /// Lanes that share one KV block's param reads in a block scan (a group):
  /// each keeps 16 reads in flight (convertRangeReduce), so that a group
  /// reads a 128-wide block's ids in one trip, then combines them in 3
  /// shuffle steps; a warp classifies 4 blocks at once.
  static constexpr int64_t kScanLanes = 8;

  /// The scan's blocks spread over the CTA. Without param reads over a
  /// range each thread classifies blocks (lanes = 1); with them
  /// (faattn.range_reduce loops in the classifier) a group of kScanLanes
  /// lanes classifies one block together, sharing its reads
  /// (convertRangeReduce), so that every lane of a group holds the group's
  /// partial result. Warp w takes the blocks lb + (w * groups + g) * step,
  /// then every warps * groups blocks, group g of its lanes each; the trip
  /// count is the same for the whole warp (a group past the end classifies
  /// block lb and contributes the identities) so that the shuffles stay
  /// convergent. The groups' partials are combined across the warp (xor
  /// shuffles), then across warps (one slot per warp in shared memory, read
  /// by every thread after a barrier).
  LogicalResult convertScan(scf::ParallelOp par) {
    Location loc = par.getLoc();
    OpBuilder b(par);
    auto reduce = cast<scf::ReduceOp>(par.getBody()->getTerminator());
    bool reads = false;
    par.getBody()->walk([&](scf::ParallelOp r) { reads |= r->hasAttr("faattn.range_reduce"); });
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
      if (r->hasAttr("faattn.range_reduce"))
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

  /// A faattn.range_reduce loop of the mask classifier (a one-dimensional
  /// scf.parallel of i64 reductions over a param's elements, whose initial
  /// values are identities and whose body only reads) reached by aligned
  /// groups of `lanes` lanes (a power of two dividing 32), the same bounds
  /// within a group and every lane of the warp at the end: lane l of a group
  /// takes the elements lb + l, lb + l + lanes, ..., 128 / lanes of them a
  /// trip so that its reads are in flight together (past the end: see
  /// below), then the group combines with xor shuffles. Every lane of the
  /// group ends with the whole range's result. The caller erases `par`.
  LogicalResult convertRangeReduce(scf::ParallelOp par, int64_t lanes) {
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

  /// Whether reduction k of `par` is a minimum or maximum of its two
  /// operands, returned (idempotent: min(x, x) = x).
  static bool isMinOrMax(scf::ParallelOp par, unsigned k) {
    auto reduce = cast<scf::ReduceOp>(par.getBody()->getTerminator());
    Block &r = reduce.getReductions()[k].front();
    Operation &op = r.front();
    return r.getOperations().size() == 2 &&
           isa<arith::MinSIOp, arith::MaxSIOp, arith::MinUIOp, arith::MaxUIOp>(op) &&
           llvm::is_contained(op.getOperands(), r.getArgument(0)) &&
           llvm::is_contained(op.getOperands(), r.getArgument(1)) &&
           r.getTerminator()->getOperand(0) == op.getResult(0);
  }

  /// Reduction k of `reduce` (a signed minimum or maximum: minMaxOfI32) on
  /// two i32 values.
  static Value minOrMaxI32(OpBuilder &b, Location loc, scf::ReduceOp reduce, unsigned k, Value x,
                           Value y) {
    if (isa<arith::MinSIOp>(reduce.getReductions()[k].front().front()))
      return arith::MinSIOp::create(b, loc, x, y);
    return arith::MaxSIOp::create(b, loc, x, y);
  }

  /// Whether reduction k of `par` is a signed minimum or maximum of i32
  /// values sign-extended to i64 from an initial value in the i32 range: its
  /// partial results then fit in 32 bits.
  static bool minMaxOfI32(scf::ParallelOp par, unsigned k) {
    auto reduce = cast<scf::ReduceOp>(par.getBody()->getTerminator());
    auto ext = reduce.getOperands()[k].getDefiningOp<arith::ExtSIOp>();
    Block &r = reduce.getReductions()[k].front();
    auto init = getConstantIntValue(par.getInitVals()[k]);
    return ext && ext.getIn().getType().isInteger(32) && init && *init >= INT32_MIN &&
           *init <= INT32_MAX && isMinOrMax(par, k) &&
           isa<arith::MinSIOp, arith::MaxSIOp>(r.front());
  }

  /// A loop carrying tiles carries their fragment vectors instead.
  LogicalResult convertLoop(scf::ForOp loop) {
    bool isKV = tma && llvm::is_contained(p.kvLoops, loop);
    if (isKV && loop == p.kvLoops.front()) {
      OpBuilder b(loop);
      prologue(b);
      if (loop == p.head)
        drainHead(b);
    }
    if (pingpong && isKV && loop == p.kvLoops.back()) {
      // Warpgroup 1's last turn passed to warpgroup 0 is taken here, so that
      // no named barrier is left half-arrived.
      OpBuilder b(loop);
      b.setInsertionPointAfter(loop);
      ifThen(b, loop.getLoc(),
             arith::CmpIOp::create(b, loop.getLoc(), arith::CmpIPredicate::eq, wgIdx, cIdx(b, 0)),
             [&](OpBuilder &b) { takeTurn(b); });
    }
    bool any = llvm::any_of(loop.getResultTypes(), [](Type t) { return isa<TileType>(t); });
    if (!any) {
      kvIv = isKV ? loop.getInductionVar() : Value();
      LogicalResult r = convertBlock(*loop.getBody());
      kvIv = Value();
      return r;
    }
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
    kvIv = isKV ? newLoop.getInductionVar() : Value();
    if (failed(convertBlock(*newBody)))
      return failure();
    kvIv = Value();
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
  bool tma = false, pingpong = false, warpSpec = false;
  /// A persistent grid: the tile loop, its ring-block and tile counts (the
  /// ring's blocks and the Q barrier's phases continue across tiles), the
  /// tile counter argument and the next tile's slots; whether this tile's
  /// epilogue fetched the next tile (else the end of the body does).
  scf::WhileOp tileLoop;
  Value ringBase, tileNo, tileCounter;
  int64_t nextAt = 0;
  bool nextFetched = false;
  /// Warp-specialized: the role split (then: producer, else: consumers).
  scf::IfOp consumerBranch;
  Type f32;
  int64_t total = 0, qAt = 0, kAt = 0, vAt = 0, oAt = 0, barAt = 0, threads = 0;
  /// The load being converted is followed by another (same copy phase).
  bool inCopyPhase = false;
  Value smem, smemBase, padElems, tid, wgIdx, rowBase, colBase, quadLeader, laneLeader, producer,
      storeLeader;
  /// The tensor maps of q, k, v and out (TMA pipeline).
  Value tmap[4];
  /// The KV sequence: its length (ring blocks, the head block's included),
  /// what the KV loops' induction variables count from (iv - seqOrigin is
  /// the ring block: the first loop's lower bound, or headLo - 1 with a
  /// head), the induction variable of the KV loop being converted, and the
  /// current block's ring stage (index) and phase parity (i32).
  Value kvCount, seqOrigin, kvIv, stage, parity;
  /// Rotated loops: the V block being read (its stage and phase parity),
  /// in the loop whether it is a block before this iteration's (an i1),
  /// after the loop the loop itself.
  Value vStage, vParity, vEarlier;
  scf::ForOp vLoop;
  /// Rotated loops: the products in flight, in issue order, and the next
  /// product's group number.
  SmallVector<InFlight> inFlight;
  int64_t nextGroup = 0;
  /// Rotated loops: P V's accumulator o * alpha, computed before Q K^T's issue.
  DenseMap<Operation *, Value> preScaled;
  /// Whether Q's and the head block's loads are issued yet.
  bool qIssued = false, headIssued = false;
  DenseMap<Value, Value> frag;
  /// The block scans spread over the CTA, and their slots' byte offsets.
  DenseMap<Operation *, int64_t> scanSlots;
  /// O updates folded into their P V (see rescaleOf).
  llvm::SmallPtrSet<Operation *, 4> fused;
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
      auto schedule = fn->getAttrOfType<StringAttr>("faattn.schedule");
      bool pingpong = schedule && schedule.getValue() == "pingpong";
      bool cooperative = schedule && schedule.getValue() == "cooperative";
      // grid = persistent: a CTA per SM looping over the tiles (the inline
      // producer schedule only: the spec refuses the others).
      auto launchGrid = fn->getAttrOfType<StringAttr>("faattn.launch_grid");
      bool persistent =
          launchGrid && launchGrid.getValue() == "persistent" && !cooperative && !pingpong;
      // The tiles' order: heavy first unless the spec asks for L2 sections.
      auto order = fn->getAttrOfType<StringAttr>("faattn.tile_order");
      int64_t sectionTiles = order && order.getValue() == "l2_sections"
                                 ? l2SectionTiles(grids->front())
                                 : 0;
      gpu::GPUFuncOp gfn = outlineGrid(fn, grids->front(), kernelName(fn, 0), gpuModule,
                                       /*threads=*/0, persistent, sectionTiles);
      Plan plan = analyze(gfn, cooperative);
      if (!plan.whyNot.empty()) {
        skip(plan.whyNot);
        gfn.erase();
        continue;
      }
      int64_t bm = plan.bm, bn = plan.bn, d = plan.d, dv = plan.dv, threads = plan.threads();
      bool warpSpec = plan.warpSpecialized;
      // The last q-blocks first: under a causal mask they have the most KV
      // blocks, and starting them first shortens the grid's tail (L2
      // sections and the persistent tile loop order the tiles themselves).
      gfn->setAttr("faattn.tile_order",
                   StringAttr::get(gfn.getContext(),
                                   sectionTiles > 0 ? "l2_sections" : "heavy_first"));
      gfn.walk([&](gpu::BlockIdOp id) {
        if (id.getDimension() != gpu::Dimension::z || sectionTiles > 0 || persistent)
          return;
        OpBuilder rb(id);
        rb.setInsertionPointAfter(id);
        Location loc = id.getLoc();
        Value count = gpu::GridDimOp::create(rb, loc, gpu::Dimension::z);
        Value last = arith::SubIOp::create(rb, loc, count,
                                           arith::ConstantIndexOp::create(rb, loc, 1));
        auto reversed = arith::SubIOp::create(rb, loc, last, id);
        id.getResult().replaceAllUsesExcept(reversed, reversed);
      });
      std::string tmaWhyNot = plan.tmaWhyNot;
      OpBuilder ab(gfn);
      gfn.setKnownBlockSizeAttr(ab.getDenseI32ArrayAttr({static_cast<int32_t>(threads), 1, 1}));
      WgmmaLowering lowering(gfn, std::move(plan), pingpong);
      if (failed(lowering.run()))
        return signalPassFailure();
      // tanh (softcapping) on the SFU: tanh.approx.f32, relative error at
      // most 2^-11, below the bf16 rounding of P (2^-8) it feeds; libdevice's
      // tanhf is a long instruction sequence per score element.
      // f32 division (a score modification's `score / 50.0`, O / l): LLVM's
      // fdiv is IEEE div.rn.f32, a range check and a slow-path call per
      // element. A constant divisor becomes a product with its reciprocal
      // (within 1.5 ulp); others div.full.f32 (within 2 ulp, no branch),
      // as Triton's `/` does.
      gfn.walk([&](arith::DivFOp div) {
        if (!div.getType().isF32())
          return;
        OpBuilder db(div);
        Location loc = div.getLoc();
        Value result;
        FloatAttr c;
        if (matchPattern(div.getRhs(), m_Constant(&c)) && std::isnormal(c.getValueAsDouble())) {
          float r = 1.0f / static_cast<float>(c.getValueAsDouble());
          if (std::isnormal(r))
            result = arith::MulFOp::create(
                db, loc, div.getLhs(),
                arith::ConstantOp::create(db, loc, db.getF32FloatAttr(r)));
        }
        if (!result) // the intrinsic of div.full.f32 (LLVM schedules it, unlike inline PTX)
          result = LLVM::CallIntrinsicOp::create(db, loc, db.getF32Type(),
                                                 db.getStringAttr("llvm.nvvm.div.full"),
                                                 ValueRange{div.getLhs(), div.getRhs()})
                       .getResult(0);
        div.replaceAllUsesWith(result);
        div.erase();
      });
      // exp2 (the online softmax's, with the scale folded in): ex2.approx.ftz
      // (results below 2^-126 flush to 0, far below what P's bf16 rounding
      // keeps next to the row maximum's 1); libdevice's exp2f is ex2.approx
      // with a range fix-up (a compare and two multiplies per element). Not
      // for head dims up to 64 with 128-row tiles: there libdevice's version
      // fits in 128 registers a thread (two CTAs per SM, measured at
      // f076142: 1.3x the one-CTA kernel at 1k tokens), the shorter one
      // lets ptxas keep more exponentials in flight and takes 164.
      bool twoCtasPerSM = !warpSpec && d <= 64 && dv <= 64 && bm == 128;
      gfn.walk([&](math::Exp2Op exp2) {
        if (!exp2.getType().isF32() || twoCtasPerSM)
          return;
        OpBuilder eb(exp2);
        // The intrinsic, not inline PTX: LLVM schedules it like any other op
        // (inline asm here raised head_dim 64's registers from 128 to 164).
        auto asmOp = LLVM::CallIntrinsicOp::create(
            eb, exp2.getLoc(), eb.getF32Type(), eb.getStringAttr("llvm.nvvm.ex2.approx.ftz.f32"),
            ValueRange{exp2.getOperand()});
        exp2.replaceAllUsesWith(asmOp.getResult(0));
        exp2.erase();
      });
      gfn.walk([&](math::TanhOp tanh) {
        if (!tanh.getType().isF32())
          return;
        OpBuilder tb(tanh);
        auto asmOp = LLVM::InlineAsmOp::create(
            tb, tanh.getLoc(), tb.getF32Type(), ValueRange{tanh.getOperand()},
            "tanh.approx.f32 $0, $1;", "=f,f", /*has_side_effects=*/false,
            /*is_align_stack=*/false, LLVM::TailCallKind::None,
            LLVM::AsmDialectAttr::get(tb.getContext(), LLVM::AsmDialect::AD_ATT), ArrayAttr());
        tanh.replaceAllUsesWith(asmOp.getResult(0));
        tanh.erase();
      });
      OpBuilder b(gfn);
      gfn->setAttr("faattn.block_m", b.getI64IntegerAttr(bm));
      gfn->setAttr("faattn.threads", b.getI64IntegerAttr(threads));
      gfn->setAttr("faattn.dynamic_shared_bytes", b.getI64IntegerAttr(lowering.sharedBytes()));
      gfn->setAttr("faattn.mapping", b.getStringAttr("wgmma"));
      gfn->setAttr("faattn.schedule", b.getStringAttr(lowering.schedule()));
      if (lowering.persistent())
        gfn->setAttr("faattn.persistent", b.getUnitAttr());
      if (lowering.stages() > 0)
        gfn->setAttr("faattn.ring_stages", b.getI64IntegerAttr(lowering.stages()));
      if (lowering.overlapsSoftmax())
        gfn->setAttr("faattn.overlap", b.getStringAttr("softmax"));
      // setmaxnreg needs a register count fixed at entry: .minnctapersm 1
      // with .maxntid 384 gives 168 (without it ptxas ignores setmaxnreg
      // when the kernel needs fewer, C7508, and serializes the wgmmas).
      if (warpSpec)
        gfn->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(), b.getI32IntegerAttr(1));
      if (tmaWhyNot.empty()) {
        // Four tensor maps (q, k, v, out) after the memrefs, built at launch.
        gfn->setAttr("faattn.tensor_maps", b.getI64IntegerAttr(4));
        gfn->setAttr("faattn.tma_block_n", b.getI64IntegerAttr(bn));
      } else {
        gfn->setAttr("faattn.tma_skipped", b.getStringAttr(tmaWhyNot));
      }
      fn.erase();
    }
  }
};

} // namespace
} // namespace faattn
