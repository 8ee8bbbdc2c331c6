//===- ResourcePlan.cpp - the Hopper resource plan of a forward kernel ----===//
//
// analyze() finds Q, K and V in the two products of attention, checks the
// tile shapes wgmma takes, and analyzeTma() whether the TMA pipeline applies:
// Q, K and V as blocks of the kernel's arguments, rows swizzled in 128-, 64- or
// 32-byte chunks (the largest that divides a row: every head dim that is a
// multiple of 16),
// K/V pairs in KV loops over consecutive block ranges (so that a producer can
// number the blocks), the K/V ring's depth that the shared-memory budget
// (TargetInfo) holds. What does not fit gets a reason, which the pass writes
// on the function (faattn.wgmma_skipped / faattn.tma_skipped).
//
//===----------------------------------------------------------------------===//

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Target/Hopper/ResourcePlan.h"
#include "faattn/Conversion/GpuOutline.h"
#include "faattn/Target/TargetInfo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

#include <limits>

namespace faattn {
namespace hopper {


/// The L2 share the K and V of the tiles running at once may take (of
/// TargetInfo's 50 MB on H100 and H200; Q and O stream through the rest).
constexpr int64_t kL2SectionBytes = 32 << 20;
static_assert(kL2SectionBytes < kSM90a.l2Bytes, "the L2 sections fit the L2");

/// The shared memory a CTA may opt in to.
constexpr int64_t kSharedCap = kSM90a.maxDynamicSharedBytes();

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
    if (w->hasAttr(FAAttnDialect::getTileLoopAttrName()))
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
    if (par->hasAttr(FAAttnDialect::getBlockScanAttrName()))
      bytes += scanSlotBytes(par, threads);
  });
  return bytes;
}

int64_t swizzleForRow(int64_t bytes) {
  for (int64_t s : {128, 64, 32})
    if (bytes % s == 0)
      return s;
  return 0;
}

/// Bytes of shared memory the plain (thread-copied) pipeline needs.
int64_t copyPipelineBytes(const Plan &p) {
  auto rounded = [](int64_t bytes) { return (bytes + 127) / 128 * 128; };
  return rounded(p.bm * p.d * 2) + rounded(p.bn * p.d * 2) + rounded(p.dv * p.bn * 2) +
         p.scanBytes + (p.persistent ? 8 : 0);
}

/// Bytes of shared memory the TMA pipeline needs with `stages` K/V buffers:
/// 1024 to align the swizzled tiles, Q (reused for O when laid out alike:
/// Plan::oReusesQ), the ring (e4m3 K/V: and the ring they are converted
/// into), else O when it leaves by a TMA store (Plan::oStore), and the
/// mbarriers.
int64_t tmaPipelineBytes(const Plan &p, int64_t stages) {
  int64_t ring = stages * p.bn * (p.d + p.dv);
  int64_t bytes = 1024 + p.bm * p.d * 2 + ring * p.kvBytes() + (p.persistent ? 8 : 0);
  auto padded = [](int64_t b) { return (b + 1023) / 1024 * 1024; };
  if (p.fp8) {
    // e4m3 Q and rings, and the ring of V's transposed stages.
    bytes = 1024 + padded(p.bm * p.d) + padded(stages * p.bn * p.d) +
            padded(stages * p.bn * p.dv) + padded(stages * p.bn * p.dv) + (p.persistent ? 8 : 0);
  } else if (p.convertsKV()) {
    // The e4m3 K and V rings and the two converted ones, each placed at a
    // 1024-byte boundary (ForwardMainloop.cpp): their padding counted.
    bytes = 1024 + padded(p.bm * p.d * 2) + padded(stages * p.bn * p.d) +
            padded(stages * p.bn * p.dv) + padded(stages * p.bn * p.d * 2) +
            padded(stages * p.bn * p.dv * 2) + (p.persistent ? 8 : 0);
  }
  if (p.oStore && !p.oReusesQ()) // O's own tile (the e4m3 kernels store O by threads: none)
    bytes += p.bm * p.dv * 2;
  // The mbarriers (e4m3 Q, K, V: the cooperative schedule's `transposed`
  // too, counted whatever the schedule).
  return bytes + 8 * (1 + (p.rotated ? 4 : 3) * stages + (p.fp8 ? stages : 0)) + p.scanBytes;
}

static int64_t swizzleOf(Type t) {
  auto enc = dyn_cast_or_null<SharedLayoutAttr>(cast<TileType>(t).getEncoding());
  return enc ? enc.getSwizzle() : 0;
}

/// Why the kernel cannot take the TMA pipeline ("" when it can); fills the
/// plan's TMA fields.
static std::string analyzeTma(Plan &p, gpu::GPUFuncOp fn, bool packedTma) {
  Block &entry = fn.getBody().front();
  scf::WhileOp tileLoop = tileLoopOf(fn);
  Block &body = tileLoop ? tileLoop.getAfter().front() : entry;
  auto isArg = [&](Value mem, unsigned i) {
    auto a = dyn_cast<BlockArgument>(mem);
    return a && a.getOwner() == &entry && a.getArgNumber() == i;
  };
  auto plain = [](auto op) { return !op.getOffset() && !op.getLimit(); };
  // faattn-overlap-softmax's V loads have the limit select(none, row, max) (the
  // first iteration's and an empty loop's product read 0 on the CPU path);
  // the TMA pipeline reads the block as it is (P is 0 there: it adds 0).
  // A packed sequence's block (varlen): its first row and its length.
  auto packedIn = [](TileLoadOp l) {
    return l.getOffset() && l.getLimit() && !l.getPageTable();
  };
  if (p.q.getPageTable() || !isArg(p.q.getMem(), 0) ||
      !(plain(p.q) || (packedTma && packedIn(p.q))))
    return "Q is not a block of the q argument";
  p.qStart = p.q.getOffset();
  TileLoadOp k0 = p.k.front();
  if (!packedTma && packedIn(k0))
    return "a K block is not a block of the k argument (varlen, or paged blocks that differ)";
  if (packedIn(k0)) {
    p.kvStart = k0.getOffset();
    p.kvLimit = k0.getLimit();
  }
  auto plainV = [&](TileLoadOp v) {
    if (v.getOffset() != p.kvStart || v.getPageTable())
      return false;
    if (p.rotated && !p.kvStart && v.getLimit()) {
      auto sel = v.getLimit().getDefiningOp<arith::SelectOp>();
      if (sel && sel.getTrueValue() == v.getRow0() &&
          getConstantIntValue(sel.getFalseValue()) == std::numeric_limits<int64_t>::max())
        return true;
    }
    return p.kvStart ? v.getLimit() == p.kvLimit : plain(v);
  };
  // Paged K/V: every K/V block through the same page table, length and page
  // size (faattn-tile's loads of one sequence); packed: at the same first row
  // with the same length.
  auto paged = [&](TileLoadOp l) {
    return l.getPageTable() && !l.getOffset() && l.getLimit() &&
           l.getPageTable() == k0.getPageTable() && l.getLimit() == k0.getLimit() &&
           l.getPageSize() == k0.getPageSize();
  };
  if (k0.getPageTable() && paged(k0)) {
    p.page = *k0.getPageSize();
    p.pageTable = k0.getPageTable();
    p.kvLimit = k0.getLimit();
  }
  // P V's clearing of the rows past a paged or packed sequence is not
  // placed in rotated loops (faattn-overlap-softmax; the spec refuses
  // overlap = softmax with paged_kv and varlen).
  if (p.rotated && p.kvLimit)
    return "rotated KV loops over a paged or packed sequence";
  auto packed = [&](TileLoadOp l) {
    return packedIn(l) && l.getOffset() == p.kvStart && l.getLimit() == p.kvLimit;
  };
  for (TileLoadOp l : p.k)
    if (!(p.page ? paged(l) : p.kvStart ? packed(l) : plain(l) && !l.getPageTable()) ||
        !isArg(l.getMem(), 1))
      return "a K block is not a block of the k argument (paged or packed blocks that differ)";
  for (TileLoadOp l : p.v)
    if (!(p.page ? paged(l) : plainV(l)) || !isArg(l.getMem(), 2))
      return "a V block is not a block of the v argument (paged or packed blocks that differ)";
  if (p.page % 8 != 0)
    return "page size " + std::to_string(p.page) +
           " (a TMA box holds whole 8-row swizzle atoms: a multiple of 8)";
  if (p.page && p.bn % p.page != 0 && p.page % p.bn != 0)
    return "page size " + std::to_string(p.page) + " and block_n " + std::to_string(p.bn) +
           " (neither divides the other)";
  // Every head dim that is a multiple of 16 (analyze checked it) has rows
  // of a multiple of 32 bytes: 128-, 64- or 32-byte swizzled chunks.
  p.swizzleQK = swizzleOf(p.q.getType());
  p.swizzleV = swizzleOf(p.v.front().getType());
  int64_t swizzleK = p.swizzleQK;
  if (p.oneByteKV()) {
    // The e4m3 blocks as loaded (rows of d / dv bytes); the tiles they are
    // converted into (and O) are laid out as 16-bit ones.
    p.swizzleK8 = swizzleK = swizzleOf(p.k.front().getType());
    p.swizzleV8 = swizzleOf(p.v.front().getType());
    p.swizzleV = swizzleForRow(p.dv * 2);
    if (p.swizzleK8 == 0 || p.swizzleV8 == 0)
      return "the e4m3 K or V tile is not swizzled (32, 64 or 128 bytes)";
  }
  if (p.fp8) {
    // V's transposed stage: dv rows of bn e4m3 keys (k-steps of 32 bytes).
    p.swizzleVt = swizzleForRow(p.bn);
    if (p.swizzleQK != p.swizzleK8 || p.swizzleVt == 0)
      return "e4m3 Q and K swizzled differently, or block_n not a multiple of 32";
    if (p.page && !packedTma)
      return "paged e4m3 Q, K and V (the transposed V's rows past the sequence)";
  }
  if (p.swizzleQK == 0 || p.swizzleV == 0 || swizzleOf(p.k.front().getType()) != swizzleK)
    return "the Q, K or V tile is not swizzled (32, 64 or 128 bytes), or Q and K differ";
  for (TileLoadOp l : llvm::concat<TileLoadOp>(p.k, p.v))
    if (swizzleOf(l.getType()) !=
        (llvm::is_contained(p.k, l) ? swizzleK : p.oneByteKV() ? p.swizzleV8 : p.swizzleV))
      return "the K or V blocks are swizzled differently";
  if (p.bn % 8 != 0)
    return "block_n is not a multiple of 8";
  // The V block of each KV loop's body and (rotated loops) of each loop's
  // last product, after it.
  SmallVector<TileLoadOp> vIn, vAfter;
  for (TileLoadOp v : p.v)
    (isa<scf::ForOp>(v->getParentOp()) ? vIn : vAfter).push_back(v);
  if (p.k.size() != vIn.size() || vAfter.size() != (p.rotated ? p.k.size() : 0))
    return "K and V blocks are not loaded in pairs";
  // Each KV loop: one K and one V block at row iv * block_n of the same
  // (batch, head), both loop-invariant; the loops run one after another over
  // consecutive block ranges, so that the producer can number the blocks.
  auto headOf = [&](scf::ForOp loop) -> arith::SelectOp {
    // block = select(iv < lo, c, iv), the body's first op.
    if (!loop->hasAttr(FAAttnDialect::getKvHeadAttrName()) || loop.getBody()->getOperations().size() < 2)
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
  // Whether l's row is block `idx` (iv, or faattn-overlap-softmax's carried
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
    if (loop->hasAttr(FAAttnDialect::getKvHeadAttrName()) && !headOf(loop))
      return "the head KV loop's block is not `iv < lo ? c : iv`";
    if (loop->hasAttr(FAAttnDialect::getRotatedAttrName()) != p.rotated)
      return "some KV loops are rotated by faattn-overlap-softmax, some not";
    SmallVector<TileLoadOp> vs{v};
    if (p.rotated) {
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
  for (Value x : {p.kvLimit, p.kvStart})
    if (x)
      bounds.push_back(x); // the producer reads them in the prologue
  for (size_t i = 1; i < p.kvLoops.size(); ++i)
    if (p.kvLoops[i]->hasAttr(FAAttnDialect::getKvHeadAttrName()))
      return "a head KV loop after the first";
  if (first->hasAttr(FAAttnDialect::getKvHeadAttrName())) {
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
  // O in 16 bits, swizzled, stored as one block of the out argument: through
  // a shared-memory tile and a TMA store (known before the stages are
  // counted: the tile takes shared memory unless it reuses Q's).
  fn.walk([&](TileStoreOp st) {
    TileType t = st.getValue().getType();
    if (plain(st) && isArg(st.getMem(), 3) && t.getShape()[1] == p.dv &&
        t.getElementType() == p.elt && t.getElementType().getIntOrFloatBitWidth() == 16 &&
        swizzleOf(t) == p.swizzleV)
      p.oStore = st;
  });
  // As many K/V buffers as the tiles ask for and shared memory holds.
  auto enc = cast<SharedLayoutAttr>(p.k.front().getType().getEncoding());
  for (p.stages = std::max<int64_t>(enc.getStages(), 1); p.stages > 1; --p.stages)
    if (tmaPipelineBytes(p, p.stages) <= kSharedCap)
      break;
  if (tmaPipelineBytes(p, p.stages) > kSharedCap)
    return "the TMA tiles need more than " + std::to_string(kSharedCap) +
           " bytes of shared memory";
  if (p.rotated && p.stages < 2)
    return "rotated KV loops need two K/V stages, shared memory holds one";
  // A converted stage is rewritten once every thread has passed the barrier
  // after the previous block's conversion, which follows the products of the
  // block before that: with two stages or more, those that read it.
  if (p.oneByteKV() && p.stages < 2)
    return "e4m3 K/V need two ring stages, shared memory holds one";
  if (p.convertsKV() && p.rotated)
    return "e4m3 K/V are not converted in rotated KV loops";
  return "";
}

/// The plan for the tile ops under `root` (a grid's body, outlined);
/// `warpSpecialized`: a producer warpgroup if the TMA pipeline is taken.
Plan analyze(gpu::GPUFuncOp root, bool warpSpecialized, bool e4m3KV, bool e4m3, bool packedTma) {
  Plan p;
  auto no = [&](const Twine &why) {
    p.whyNot = why.str();
    return p;
  };
  p.rotated = hasRotatedKVLoop(root);
  SmallVector<TileDotOp> dots;
  root->walk([&](TileDotOp d) { dots.push_back(d); });
  if (dots.empty())
    return no("no tile_dot");
  // What a kernel that wgmma cannot take at all looks like, before its
  // layouts: K and V of another element type, a CTA not of 64-row warpgroups
  // (faattn-assign-layouts gives neither layout encodings).
  for (TileDotOp dot : dots) {
    Type kv = dot.getRhs().getType().getElementType();
    if (!kv.isBF16() && !kv.isF16() && !((e4m3KV || e4m3) && isa<Float8E4M3FNType>(kv)))
      return no("element type is not bf16 or f16");
    int64_t rows = dot.getType().getShape()[0];
    if (rows % 64 != 0 || rows > 256)
      return no("block_m is not 64, 128, 192 or 256");
  }
  // Each product's form comes from its operands' layout encodings
  // (faattn-assign-layouts), as Triton lowers by #nvidia_mma / #nvmma_shared:
  // A in shared memory (#faattn.smem, a loaded block: Q) makes an SS wgmma
  // with a K-major B (the transposed right operand: K); A in registers
  // (#faattn.wgmma_a: P) an RS wgmma with an MN-major B (V); B is a shared
  // block and the result a #faattn.wgmma_acc accumulator of the CTA's
  // warpgroups. A product without them is an error, not a guess.
  auto encodingOf = [](Value v) { return cast<TileType>(v.getType()).getEncoding(); };
  for (TileDotOp dot : dots) {
    Attribute a = encodingOf(dot.getLhs()), b = encodingOf(dot.getRhs()),
              c = encodingOf(dot.getResult());
    if (!a || !b || !c) {
      dot.emitOpError() << "has an operand or result without a layout encoding (the wgmma "
                           "lowering reads the layouts faattn-assign-layouts assigns)";
      p.invalid = true;
      return no("a product without layout encodings");
    }
    auto acc = dyn_cast<WgmmaAccLayoutAttr>(c);
    if (!acc || acc.getWarpgroups() * 64 != dot.getType().getShape()[0])
      return no("a product's result is not a wgmma accumulator of the CTA's warpgroups");
    if (!isa<SharedLayoutAttr>(b))
      return no("a product's B operand is not in shared memory");
    auto rhs = dot.getRhs().getDefiningOp<TileLoadOp>();
    if (!rhs || !rhs->hasOneUse())
      return no("a dot's right operand is not a block load of its own");
    if (isa<SharedLayoutAttr>(a)) { // SS: Q K^T
      if (!dot.getTransposeRhs())
        return no("a product with A in shared memory takes a K-major B (a transposed right "
                  "operand)");
      auto lhs = dot.getLhs().getDefiningOp<TileLoadOp>();
      if (!lhs || (p.q && lhs != p.q))
        return no("Q K^T's left operand is not the Q block");
      p.q = lhs;
      p.k.push_back(rhs);
    } else if (isa<WgmmaOperandALayoutAttr>(a) ||
               ((e4m3KV || e4m3) && isa<WgmmaAccLayoutAttr>(a) &&
                isa<Float8E4M3FNType>(dot.getRhs().getType().getElementType()))) {
      // RS: P V (with e4m3 V, P is f32 in the IR, as the SIMT path takes it:
      // its fragments are rounded to Q's type for the product, as a 16-bit
      // V's P is, and V is converted to Q's type).
      if (dot.getTransposeRhs())
        return no("a product with A in registers takes an MN-major B (a right operand as "
                  "loaded)");
      p.v.push_back(rhs);
    } else {
      return no("a product's A operand is neither in shared memory nor a wgmma A fragment");
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
  p.kvElt = p.k.front().getType().getElementType();
  // e4m3 K/V under a 16-bit Q only with e4m3-kv (the e4m3 option is for e4m3 Q, K and V).
  if (isa<Float8E4M3FNType>(p.kvElt) && !isa<Float8E4M3FNType>(p.elt) && !e4m3KV)
    return no("element type is not bf16 or f16");
  if (e4m3 && isa<Float8E4M3FNType>(p.elt) && p.kvElt == p.elt) {
    // e4m3 Q, K and V: elt becomes O's type (a 16-bit tile store of the
    // CTA's rows), and the FP8 products' shapes are checked here. An e4m3 O
    // (out_dtype = e4m3, stored by threads) gives bf16: shared memory's
    // 16-bit view. (A split-KV grid's f32 partial O gives neither: SIMT.)
    p.fp8 = true;
    root->walk([&](TileStoreOp st) {
      TileType t = st.getValue().getType();
      if (t.getShape()[1] != p.dv)
        return;
      if (t.getElementType().isBF16() || t.getElementType().isF16())
        p.elt = t.getElementType();
      else if (isa<Float8E4M3FNType>(t.getElementType()))
        p.elt = BFloat16Type::get(root->getContext());
    });
    if (p.d % 32 != 0 || p.dv % 32 != 0 || p.bn % 32 != 0)
      return no("e4m3 head dims and block_n must be multiples of 32 (k-steps of 32 bytes)");
  }
  if (!p.elt.isBF16() && !p.elt.isF16())
    return no("element type is not bf16 or f16");
  if (p.kvElt != p.elt && !p.oneByteKV())
    return no("K and V are neither of Q's type nor e4m3");
  if (p.bm % 64 != 0 || p.bm > 256)
    return no("block_m is not 64, 128, 192 or 256");
  if (p.d % 16 != 0 || p.bn % 16 != 0 || p.dv % 16 != 0 || p.bn > 256 || p.dv > 256)
    return no("head dims and block_n must be multiples of 16, at most 256");
  for (TileLoadOp l : llvm::concat<TileLoadOp>(p.k, p.v))
    if (l.getType().getShape()[0] != p.bn || l.getType().getElementType() != p.kvElt)
      return no("K and V blocks differ");
  // The backward's forms (faattn-backward-tile) are not the forward's.
  bool backwardForm = false;
  root->walk([&](Operation *op) {
    if (auto dot = dyn_cast<TileDotOp>(op))
      backwardForm |= dot.getTransposeLhs();
    if (auto store = dyn_cast<TileStoreOp>(op))
      backwardForm |= store.getAccumulate();
    backwardForm |= isa<TileScoreGradOp, TileParamGradOp>(op);
  });
  if (backwardForm)
    return no("a backward tile op (transpose_lhs, accumulate, score or param gradients)");
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
  p.tmaWhyNot = analyzeTma(p, root, packedTma);
  p.warpSpecialized = warpSpecialized && p.tmaWhyNot.empty() && p.bm == 128;
  if (!p.warpSpecialized) // the slots for the threads there are (stages were chosen with more)
    p.scanBytes = scanSlotBytes(root, 2 * p.bm);
  if (!p.tmaWhyNot.empty() && (p.rotated || p.oneByteKV())) // the TMA pipeline only
    return no(p.tmaWhyNot);
  // e4m3 Q, K and V in rotated loops: V transposed by the producer
  // warpgroup (cooperative or pingpong). The consumers' own transposition
  // releases the stage's `empty`, which in rotated loops guards K only (V
  // has emptyV).
  if (p.fp8 && p.rotated && !p.warpSpecialized)
    return no("rotated KV loops with e4m3 Q, K and V need a producer warpgroup that "
              "transposes V (schedule cooperative or pingpong)");
  if (!p.tmaWhyNot.empty()) {
    p.page = 0;
    p.pageTable = p.kvLimit = p.qStart = p.kvStart = Value();
    p.kvLoops.clear();
    p.head = nullptr;
    p.headBlock = p.headLo = Value();
    p.oStore = nullptr;
    // Q, K and V^T must fit the 227 KB a CTA can opt in to.
    if (copyPipelineBytes(p) > kSharedCap)
      return no("the tiles need " + Twine(copyPipelineBytes(p)) +
                " bytes of shared memory, more than " + Twine(kSharedCap));
  }
  return p;
}

Plan analyzeBackward(gpu::GPUFuncOp root) {
  Plan p;
  p.backward = true;
  p.tmaWhyNot = "the backward's blocks are copied by the threads";
  auto no = [&](const Twine &why) {
    p.whyNot = why.str();
    return p;
  };
  if (tileLoopOf(root))
    return no("a persistent backward grid");
  SmallVector<TileDotOp> dots;
  root->walk([&](TileDotOp d) { dots.push_back(d); });
  if (dots.empty())
    return no("no tile_dot");
  // A 16-bit tile that a product reads from shared memory: a block load, or
  // faattn-backward-tile's map of one (its rows zeroed where the LSE is -inf),
  // or a column chunk of either (tile_columns, read in place).
  auto loaded = [](Value v) {
    if (auto c = v.getDefiningOp<TileColumnsOp>())
      v = c.getInput();
    if (v.getDefiningOp<TileLoadOp>())
      return true;
    auto map = v.getDefiningOp<TileMapOp>();
    return map && map.getInputs().size() == 2 && map.getInputs()[0].getDefiningOp<TileLoadOp>() &&
           map.getInputs()[0].hasOneUse() &&
           cast<TileType>(map.getInputs()[1].getType()).getShape()[1] == 1 &&
           map.getInputs()[1].getDefiningOp<TileLoadOp>();
  };
  // The CTA's keys: the rows of K (the B of S = Q K^T, read K-major).
  int64_t keys = 0;
  for (TileDotOp dot : dots)
    if (dot.getTransposeRhs())
      keys = std::max(keys, dot.getRhs().getType().getShape()[0]);
  if (keys != 64 && keys != 128)
    return no("a KV block that is not of 64 or 128 rows");
  p.keySplit = keys == 128;
  if (p.keySplit) {
    bool other = false;
    root->walk([&](Operation *op) {
      other |= isa<TurnPassOp, TurnWaitOp, TurnEndOp, TileColumnsOp>(op);
    });
    if (other)
      return no("128 keys a CTA with deterministic turns or column chunks");
  }
  for (TileDotOp dot : dots) {
    TileType a = dot.getLhs().getType(), b = dot.getRhs().getType(), c = dot.getType();
    Type elt = a.getElementType();
    if ((!elt.isBF16() && !elt.isF16()) || b.getElementType() != elt)
      return no("element type is not bf16 or f16");
    if (p.elt && p.elt != elt)
      return no("products of different element types");
    p.elt = elt;
    if (dot.getTransposeLhs() && dot.getTransposeRhs())
      return no("a product with both operands transposed");
    // A: a loaded tile (Q K^T, dO V^T) or fragments (P, dS); B: loaded.
    if (!loaded(dot.getRhs()) || loaded(dot.getLhs()) != dot.getTransposeRhs())
      return no("a product's operands are not the backward's (a loaded B; A loaded only for "
                "Q K^T and dO V^T)");
    // A column chunk is read in place as an MN-major B only (its columns
    // are the product's N; a K-major read would need its own buffer).
    auto chunk = dot.getRhs().getDefiningOp<TileColumnsOp>();
    if (dot.getLhs().getDefiningOp<TileColumnsOp>() || (chunk && dot.getTransposeRhs()))
      return no("a column chunk read as A or K-major");
    if (chunk && chunk.getCol0() % 8 != 0)
      return no("a column chunk that does not start at a core matrix (a multiple of 8 columns)");
    int64_t m = c.getShape()[0], n = c.getShape()[1];
    int64_t k = dot.getTransposeLhs() ? a.getShape()[0] : a.getShape()[1];
    // (dK and dV: M the CTA's keys, 64 a warpgroup.)
    int64_t rows = dot.getTransposeLhs() ? keys : 64;
    if (m != rows || n % 16 != 0 || n > 256 || k % 16 != 0 || k > 256)
      return no("a product is not 64 x N x K with N and K multiples of 16 up to 256");
    // Under the key split each warpgroup makes half of dQ = dS K's columns
    // (splitKeys): the product's result may only be added into memory.
    if (p.keySplit && !dot.getTransposeLhs() && !dot.getTransposeRhs())
      for (Operation *user : dot->getUsers()) {
        auto store = dyn_cast<TileStoreOp>(user);
        if (!store || !store.getAccumulate())
          return no("a product over the CTA's keys whose result is not only added into memory");
      }
  }
  // Every tile: 64 rows (query rows, or the CTA's 64 keys) or the CTA's
  // keys, M x N or M x 1.
  bool ok = true;
  root->walk([&](Operation *op) {
    for (Value r : op->getResults())
      if (auto t = dyn_cast<TileType>(r.getType()))
        ok &= (t.getShape()[0] == 64 || t.getShape()[0] == keys) &&
              (t.getShape()[1] == 1 || t.getShape()[1] % 8 == 0);
  });
  if (!ok)
    return no(p.keySplit ? "a tile is not of 64 or 128 rows" : "a tile is not of 64 rows");
  p.bm = keys;
  p.bn = 64;
  return p;
}

} // namespace hopper
} // namespace faattn
