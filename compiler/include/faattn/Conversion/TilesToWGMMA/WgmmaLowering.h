//===- WgmmaLowering.h - the Hopper lowering of one kernel ------*- C++ -*-===//
//
// faattn-tiles-to-wgmma lowers one outlined kernel (a gpu.func of tile ops)
// with one WgmmaLowering. Its state (shared-memory offsets, thread indices,
// the ring's position, the fragments of each tile) is shared by the units
// that build the kernel, each in its own file, declared below in sections
// named after them:
//
//   compiler/Conversion/TilesToWGMMA/WgmmaLowering.cpp  the walk over the tile
//       ops; elementwise code, reductions and loops on wgmma fragments
//   templates/hopper/ForwardMainloop.cpp   the forward kernel's skeleton and
//       mainloop (Q once; the K/V ring; Q K^T; softmax; P V)
//   templates/hopper/BackwardMainloop.cpp, BackwardCopies.cpp  the backward's
//       main grid (its products, score and param gradients, turns) and its
//       block copies
//   templates/hopper/InlineProducer.cpp, Cooperative.cpp, Pingpong.cpp  the
//       warpgroup schedules: classes of their own behind the hooks of
//       templates/hopper/Schedule.h, each with its barrier protocol in its
//       header (they are friends: they build with the units below)
//   templates/hopper/Epilogue.cpp          O and LSE out; the persistent loop
//   compiler/Target/Hopper/TmaRing.cpp     mbarriers, phases, TMA copies
//   compiler/Target/Hopper/WgmmaBuilder.cpp descriptors, wgmma, wait/retire
//   compiler/Target/Hopper/BlockScan.cpp   the mask analysis' block scan
//
// The plan it lowers by (tile shapes, the ring's depth, the shared-memory
// budget, the schedule's preconditions) is compiler/Target/Hopper/
// ResourcePlan.h's. Private to the Hopper lowering: nothing outside the files
// above includes this header.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_CONVERSION_TILESTOWGMMA_WGMMALOWERING_H
#define FAATTN_CONVERSION_TILESTOWGMMA_WGMMALOWERING_H

#include "faattn/Conversion/GpuOutline.h"
#include "faattn/Conversion/ElementCode.h"
#include "faattn/Conversion/TileAddressing.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Target/Hopper/ResourcePlan.h"
#include "templates/hopper/Schedule.h"

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

#include <functional>

namespace faattn {
namespace hopper {

using namespace mlir;

/// The lowering of one outlined kernel by its plan (see the file comment).
class WgmmaLowering {
public:
  WgmmaLowering(gpu::GPUFuncOp fn, Plan plan, bool pingpong) : fn(fn), p(std::move(plan)) {
    tileLoop = tileLoopOf(fn);
    tma = p.tmaWhyNot.empty();
    warpSpec = p.warpSpecialized;
    // Not with paged or packed K/V: P V's clearing of the rows past the
    // sequence synchronizes both warpgroups, which pingpong keeps apart.
    // Nor with one-byte K/V in the consumers' hands: their conversion or
    // transposition synchronizes the consumers. With a producer warpgroup
    // (e4m3 Q, K and V: TilesToWGMMA.cpp), which transposes V, the turns are
    // the consumers'.
    sched = makeSchedule(*this, warpSpec,
                         pingpong && tma && p.bm == 128 && !p.kvLimit &&
                             (warpSpec || !p.oneByteKV()));
  }

  /// The schedule the kernel got (templates/hopper/Schedule.h): "pingpong"
  /// (the two warpgroups take turns at the tensor cores), "cooperative" (a
  /// producer warpgroup issues the loads) or "inline-producer" (thread 0 of
  /// the consumers issues them).
  StringRef schedule() const { return p.backward ? "backward" : sched->name(); }

  /// The dynamic shared memory the kernel needs, in bytes.
  int64_t sharedBytes() const { return total; }

  /// Whether the grid is persistent (a tile loop; the tile counter is an
  /// argument after the memrefs, before the tensor maps).
  bool persistent() const { return static_cast<bool>(tileLoop); }

  /// The K/V ring's depth (TMA pipeline; 0 for the thread-copied one): the
  /// spec's `stages`, fewer when they do not fit in shared memory.
  int64_t stages() const { return tma ? p.stages : 0; }

  /// Whether the KV loops are faattn-overlap-softmax's (P V under the softmax).
  bool overlapsSoftmax() const { return p.rotated; }

  LogicalResult run();

private:
  // The schedules build with the units below (templates/hopper/Schedule.h).
  friend class InlineProducerSchedule;
  friend class CooperativeSchedule;
  friend class PingpongSchedule;

  // ---- Constants and control flow ----
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
  /// The warpgroups a tile's columns are split over (#faattn.wgmma_cols: the
  /// backward's S, P, dP and dS under Plan::keySplit), else 1.
  static int64_t columnGroups(TileType t) {
    auto cols = dyn_cast_or_null<WgmmaColumnsLayoutAttr>(t.getEncoding());
    return cols ? cols.getWarpgroups() : 1;
  }
  /// Elements per thread of a tile: N / 2 for M x N (N / 2 of a warpgroup's
  /// block of columns under #faattn.wgmma_cols), 2 for M x 1.
  static int64_t elems(TileType t) {
    return t.getShape()[1] == 1 ? 2 : t.getShape()[1] / 2 / columnGroups(t);
  }
  /// Whether `v` is defined before `op` (in its block or above it).
  static bool definedBefore(Value v, Operation *op) {
    Operation *def = v.getDefiningOp();
    if (def)
      def = op->getBlock()->findAncestorOpInBlock(*def);
    return !def || def->isBeforeInBlock(op);
  }

  // ---- compiler/Conversion/TilesToWGMMA/WgmmaLowering.cpp ----
  // The tile ops on fragments: the walk, elementwise code, reductions, loops.

  /// The block of the grid's body (the tile loop's with a persistent grid).
  Block &gridBlock() { return tileLoop ? tileLoop.getAfter().front() : fn.getBody().front(); }
  VectorType vecOf(TileType t) { return VectorType::get({elems(t)}, t.getElementType()); }
  /// Which of a thread's rows (0, 1) and columns fragment element i of an
  /// M x N tile is in (see rowOf, colOf).
  static int64_t rowKey(int64_t i) { return (i % 4) / 2; }
  static int64_t colKey(int64_t i) { return 2 * (i / 4) + i % 2; }
  /// Whether what the head block's loads need (its index, K's and V's
  /// batch and head) is defined before `op`.
  bool headOperandsBefore(Operation *op) const;
  /// The row (within the CTA's block) and column of fragment element i of
  /// a tile of type t. Under Plan::keySplit a tile of 64 rows (query rows) is
  /// every warpgroup's (its rows do not count the warpgroup), and a
  /// #faattn.wgmma_cols tile's columns start at the warpgroup's block.
  Value rowOf(OpBuilder &b, TileType t, int64_t i);
  Value colOf(OpBuilder &b, TileType t, int64_t i);
  /// The same less element 0's (a constant: rowOf(i) = rowOf(0) + rowPlus(t, i)).
  static int64_t rowPlus(TileType t, int64_t i) {
    return t.getShape()[1] == 1 ? 8 * i : 8 * ((i % 4) / 2);
  }
  static int64_t colPlus(int64_t i) { return 8 * (i / 4) + i % 2; }
  /// Element i of input `in` for element i of an M x N result (M x 1: its row).
  Value element(OpBuilder &b, Value in, TileType inTy, int64_t i, bool resultIsColumn);
  LogicalResult convertBlock(Block &block);
  LogicalResult convert(Operation *op);
  /// The row (q_idx and head) and kv_idx of fragment element i of a
  /// tile_score / tile_mask, as i32.
  std::pair<TileRow, Value> indices(OpBuilder &b, Operation *indexedOp, int64_t i);
  LogicalResult elementwise(OpBuilder &b, Operation *op, ValueRange inputs,
                            function_ref<Value(OpBuilder &, int64_t, ValueRange)> body);
  LogicalResult convertReduce(OpBuilder &b, TileReduceOp red);
  /// A loop carrying tiles carries their fragment vectors instead.
  LogicalResult convertLoop(scf::ForOp loop);

  // ---- templates/hopper/ForwardMainloop.cpp ----
  // The forward kernel (shared memory, roles, barriers) and its mainloop:
  // Q once, the K/V ring, Q K^T, softmax, P V (run() is above).

  /// The dynamic shared-memory buffer (`total` bytes: smem, smemBase, padElems).
  void initSharedMemory(OpBuilder &b, Location loc);
  /// This thread's indices: tid, wgIdx, rowBase, colBase and the leaders.
  void initThreads(OpBuilder &b, Location loc);
  /// Erases the converted tile ops (toErase), references first.
  void eraseConverted();
  /// The four 32-bit A registers of k-step k (16 columns) of a 16-bit (or
  /// f32, rounded to the plan's type) fragment vector: P's for P V.
  SmallVector<Value> packA(OpBuilder &b, Value pFrag, int64_t k);
  /// The four 32-bit e4m3 A registers of k-step k (32 keys) of P's f32
  /// fragments (Plan::fp8), in the key order transposeStage gives V.
  SmallVector<Value> packA8(OpBuilder &b, Value pFrag, int64_t k);
  /// Every k-step's packA8 registers of `pFrag` in one vector<4 kSteps x
  /// i32>, and back (a rotated e4m3 loop's carried P: packedP).
  Value packP8(OpBuilder &b, Value pFrag, int64_t kSteps);
  SmallVector<SmallVector<Value>> unpackP8(OpBuilder &b, Value packed);
  /// Before the first KV loop: ring blocks [0, stages - 1) are started
  /// (with a head, block 0 was started before, as early as its index and
  /// K/V's batch and head were known) and Q is waited for. Warp-specialized:
  /// the roles split here instead.
  void prologue(OpBuilder &b);
  /// The TMA pipeline's loads. Q: the producer starts it (waited for in the
  /// prologue). K (first in its loop): the producer starts block
  /// seq + stages - 1, then every thread waits for block seq's K. V: its
  /// stage is recorded; P V waits for it.
  LogicalResult convertLoadTma(OpBuilder &b, TileLoadOp load);
  /// The block index of a V block of a rotated loop (analyzeTma checked its
  /// row: j * block_n, or the head's `j < lo ? c : j` times block_n).
  Value blockIndexOf(TileLoadOp v) const;
  /// The cooperative load of a Q/K/V block into its shared-memory layout:
  /// Q and K as (rows, dim), V transposed as (dim, rows).
  LogicalResult convertLoad(OpBuilder &b, TileLoadOp load);
  /// Element index in the shared buffer of (r, c) of a tile with `cols`
  /// columns whose first element is at element `base`.
  Value coreIndex(OpBuilder &b, int64_t base, Value r, Value c, int64_t cols);
  /// result = lhs * rhs^T (Q K^T) or lhs * rhs (P V) on wgmma. A product is
  /// waited for at once, except in a rotated KV loop (faattn-overlap-softmax):
  /// there Q K_j^T and P V_{j-1} are issued back to back and each is waited
  /// for before its result's first use (awaitBefore), Q K^T's under P V,
  /// P V's under block j's softmax; a rotated loop's last product, after
  /// it, runs only if the loop did (its V block is not loaded else).
  LogicalResult convertDot(OpBuilder &b, TileDotOp dot);
  /// Before the head loop: when its early iteration will not run (the scan
  /// did not find the head block the last one), ring block 0 is waited out
  /// and released as if consumed, and the block the schedule's producer
  /// would have started then is started (WarpgroupSchedule::issueAhead).
  void drainHead(OpBuilder &b);
  /// o * alpha of O's update fma(o, alpha, P V), as a wgmma accumulator.
  Value scaledAccumulator(OpBuilder &b, TileMapOp update, Type structTy);
  /// The tile_map that is P V's only use when it computes o * alpha + P V
  /// (math.fma of its first two inputs and the product, o and P V of the
  /// same type, alpha a row or a full tile); null otherwise.
  static TileMapOp rescaleOf(TileDotOp dot);

  // ---- templates/hopper/BackwardMainloop.cpp, BackwardCopies.cpp ----
  // The backward's main grid (faattn-backward-tile's; Plan::backward): one
  // warpgroup, Q/dO blocks copied by the threads (BackwardCopies.cpp: the
  // loads, the cp.async and prefetch arms), the five products on wgmma from
  // the canonical layout without swizzle (K-major, or MN-major for a B whose
  // reduction runs over its rows).

  LogicalResult runBackward();
  /// K, V (once) and Q, dO (each Q block, with faattn-backward-tile's row
  /// zeroing map applied in the copy) into their direct buffers
  /// (operandTiles); an M x 1 block (LSE, D) into fragments.
  LogicalResult convertLoadBackward(OpBuilder &b, TileLoadOp load);
  /// The copy of `load` into its direct buffer at element `at` (plus
  /// `stageElems`: a prefetched block's buffer) by cp.async (Plan::
  /// copyAsync), committed as one group: every chunk of a thread in flight
  /// at once, none held in registers; rows outside the sequence, and with
  /// `rowLoad` (the LSE of the row-zeroing map) rows whose LSE is -inf,
  /// zero-filled. The block's chunks divide evenly over the threads (the
  /// caller checks).
  /// The element offset of (row, col) in a tile_load / tile_store memref of
  /// type memTy whose strided metadata is `meta` (its offset plus the tile
  /// indices times its strides).
  Value elementOffset(OpBuilder &b, memref::ExtractStridedMetadataOp meta, MemRefType memTy,
                      Layout layout, const RowAddress &row, Value col);
  /// The global byte address (i64) of element `offset` past `base` (an
  /// aligned pointer as an index) for elements of `eltBytes` bytes.
  Value globalAddress(OpBuilder &b, Value base, Value offset, int64_t eltBytes);
  void copyBlockAsync(OpBuilder &b, TileLoadOp load, TileLoadOp rowLoad, int64_t at,
                      Value stageElems = Value());
  /// Plan::copyPrefetch: the loads of a Q loop's body that are copied ahead
  /// (a block, or its row-zeroing map, read from a direct buffer), with the
  /// row-zeroing map's LSE load (or null); empty when `v` is not one.
  TileLoadOp prefetchedLoad(Value v, TileLoadOp &rowLoad);
  /// At the first prefetched load of a Q loop's body: the loop's first block
  /// copied before the loop, this block's copies waited for, the next
  /// block's issued into the other buffers (qStage: this block's).
  void prefetchQBlocks(OpBuilder &b, scf::ForOp loop);
  /// The buffer (0 or 1) of the current Q block under Plan::copyPrefetch.
  Value qStage;
  scf::ForOp prefetchedLoop;
  /// Waits for the cp.async groups in flight, then makes the buffers visible
  /// to the tensor cores (fence.proxy.async, barrier).
  void finishAsyncCopies(OpBuilder &b, Location loc);
  /// Whether cp.async copies are committed but not yet waited for (Q's, so
  /// that dO's join them).
  bool asyncCopiesPending = false;
  /// Plan::dqBulk: the byte offset of dQ's staging buffer (over the Q loop's
  /// buffers; -1: dQ by atomic adds) and its row pitch in bytes (a row's
  /// bytes plus 16: a half-warp's 8-byte stores to 4 rows then meet 2-way
  /// bank conflicts, not 4-way; a 32-byte pad would remove them, not yet
  /// measured). Set by runBackward where every accumulating store can take it.
  int64_t dqAt = -1, dqPitch = 0;
  /// Where the staging buffer fits dQ's stores (f32 M x N fragments; rows of
  /// whole 16-byte units in an identity-layout memref) and no deterministic
  /// turn orders the adds: its rows and columns, else {0, 0}.
  std::pair<int64_t, int64_t> dqStagingShape();
  /// Plan::overlapProducts: each product of a Q loop's `body` moved up to
  /// just after the last op it needs there (and after the product before
  /// it, so that the wgmma groups retire in order), the maps that make its
  /// operands (P, dS in 16 bits) first, likewise. convertDotBackward then
  /// leaves each in flight until its result is read.
  void hoistProducts(Block &body);
  /// S = Q K^T, dP = dO V^T (SS); dV += P^T dO, dK += dS^T Q (SS, A the
  /// fragments written transposed to shared memory, B MN-major); dQ = dS K
  /// (RS, B MN-major). Under Plan::keySplit each warpgroup's products read
  /// its own 64 keys (rows 64 w on of K and V, of P^T and dS^T), and dQ = dS K
  /// is its half of the columns over every key (SS: A dS^T read MN-major).
  LogicalResult convertDotBackward(OpBuilder &b, TileDotOp dot);
  /// Plan::keySplit: S and dP (the products over K and V, B read K-major) and
  /// the tiles made from them elementwise (P, dS, the score's derivative, in
  /// f32 or 16 bits) become #faattn.wgmma_cols<warpgroups = 2> tiles: each
  /// warpgroup holds its 64 keys' columns; so does dQ = dS K (each its half of
  /// the head dim). Fails on such a tile read by an op other than those, the
  /// products and dQ's accumulating store.
  LogicalResult splitKeys();
  /// (q_idx, kv_idx) (i32) of fragment element i of a tile_score_grad /
  /// tile_param_grad input of type t at (row0, col0).
  std::pair<Value, Value> gradIndices(OpBuilder &b, Value row0, Value col0, TileType t,
                                      int64_t i);
  LogicalResult convertScoreGrad(OpBuilder &b, TileScoreGradOp op);
  LogicalResult convertParamGrad(OpBuilder &b, TileParamGradOp op);
  /// The deterministic backward's turns (faattn.turn_pass, turn_wait,
  /// turn_end): thread 0 polls and stores a block's lock with CTA barriers
  /// around; skipped blocks are passed by the threads in parallel.
  LogicalResult convertTurn(OpBuilder &b, Operation *op);
  /// A block scan (or a range reduction in one) as a loop every thread runs.
  LogicalResult sequentialScan(scf::ParallelOp par);
  /// The descriptor of k-step k of a canonical K-major tile at byte `at`
  /// with `kdim` reduction elements a row (LBO 128, SBO kdim / 8 * 128).
  Value canonicalDescriptor(OpBuilder &b, int64_t at, int64_t k, int64_t kdim,
                            Value extraBytes = Value());
  /// The descriptor of k-step k of the same buffer (a rows x cols tile) read
  /// as an MN-major B, its reduction over the rows (LBO cols / 8 * 128, SBO
  /// 128; the product's transpose-B bit set).
  Value mnMajorDescriptor(OpBuilder &b, int64_t at, int64_t k, int64_t cols,
                          Value extraBytes = Value());
  /// A tile's byte offsets in shared memory: as it is (rows x cols,
  /// K-major over its columns; also read MN-major) and transposed (cols x
  /// rows: P^T and dS^T, written from fragments); -1: none.
  struct OperandTile {
    int64_t direct = -1, transposed = -1;
    /// Bytes of one of the two direct buffers of a prefetched block (Q, dO
    /// under Plan::copyPrefetch; 0: one buffer): the block of Q iteration i
    /// is in buffer i % 2.
    int64_t stageBytes = 0;
  };
  DenseMap<Value, OperandTile> operandTiles;

  // ---- templates/hopper/Epilogue.cpp ----
  // The epilogue: O through shared memory and TMA (or from the fragments),
  // LSE, the persistent tile loop.

  /// Persistent: the next tile slot of this tile (by the tile count's parity).
  Value nextSlot(OpBuilder &b);
  /// Persistent: the store leader takes a tile number from the counter (the
  /// value before its increment); store it with storeNext before a CTA barrier.
  Value fetchNext(OpBuilder &b);
  void storeNext(OpBuilder &b, Value fetched);
  /// The tile loop: its body converted, then the next tile (the grid's size
  /// plus the fetched number: every CTA starts at its block id), the ring
  /// continued past this tile's blocks and the tile count.
  LogicalResult convertTileLoop();
  /// O (M x N) or LSE (M x 1) from the fragments; rows outside the sequence
  /// are not written. Each LSE row is written by the quad's first thread.
  /// An accumulate store (the backward's dQ, f32 M x N) adds each element
  /// atomically instead.
  LogicalResult convertStore(OpBuilder &b, TileStoreOp store);
  /// O through shared memory: each warpgroup writes its rows (pairs of
  /// elements, swizzled like V's TMA boxes: p.swizzleV) over its own rows of
  /// Q (Plan::oReusesQ; else O's own buffer), then one TMA store per box of p.swizzleV / 2
  /// columns writes the block; TMA drops the rows past the sequence.
  LogicalResult convertStoreTma(OpBuilder &b, TileStoreOp store);
  /// The backward's dQ under Plan::dqBulk (dqAt): every thread's fragments
  /// into the staging buffer (after a barrier: the block's products are
  /// done with the buffers under it), fence.proxy.async and a barrier, then
  /// thread r adds row r into the accumulator with one bulk reduction
  /// (cp.reduce.async.bulk .add.f32, element-wise atomic at L2) if the row
  /// exists; one bulk group a thread. The next Q block's copies wait for
  /// the group's reads (convertLoadBackward), the kernel's end for its
  /// completion (runBackward).
  LogicalResult convertStoreReduce(OpBuilder &b, TileStoreOp store);

  // ---- compiler/Target/Hopper/TmaRing.cpp ----
  // The TMA ring: mbarriers, full/empty phases, expect-tx, bulk tensor copies.

  Value qFull(OpBuilder &b) { return sharedPtr(b, cIdx(b, barAt)); }
  Value fullK(OpBuilder &b, Value s) { return barrier(b, 1, s); }
  Value fullV(OpBuilder &b, Value s) { return barrier(b, 1 + p.stages, s); }
  /// The stage's release: its K and V (rotated loops: its K only).
  Value empty(OpBuilder &b, Value s) { return barrier(b, 1 + 2 * p.stages, s); }
  /// Rotated loops: the release of the stage's V (after block j's P V, in
  /// iteration j + 1), apart from its K's (after Q K_j^T).
  Value emptyV(OpBuilder &b, Value s) { return barrier(b, 1 + 3 * p.stages, s); }
  /// e4m3 Q, K, V under the cooperative schedule (producerTransposes): V's
  /// transposed stage written (one arrival per transposing warp).
  Value transposed(OpBuilder &b, Value s) {
    return barrier(b, 1 + (p.rotated ? 4 : 3) * p.stages, s);
  }
  /// The mbarriers' count: Q full, then per stage K full, V full, empty,
  /// (rotated) emptyV and (producerTransposes) transposed.
  int64_t barrierCount() const {
    return 1 + (3 + (p.rotated ? 1 : 0) + (producerTransposes() ? 1 : 0)) * p.stages;
  }
  /// Whether the producer warpgroup transposes V's stages (e4m3 Q, K, V
  /// under the cooperative schedule; Cooperative.cpp): its warps 1-3 do,
  /// off the consumers' path, and signal `transposed`.
  bool producerTransposes() const { return p.fp8 && warpSpec; }
  /// The producer warpgroup's warps that transpose (1-3; warp 0's thread 0
  /// issues the loads).
  static constexpr int64_t kTransposingWarps = 3;
  /// A shared-memory pointer `bytes` (an index value) past the aligned base.
  Value sharedPtr(OpBuilder &b, Value bytes);
  Value barrier(OpBuilder &b, int64_t first, Value stage);
  /// One arrival per warp on `bar` (its lane 0, after the warp's reads).
  void release(OpBuilder &b, Value bar, Value cond = Value());
  /// Every thread waits for phase `parity` (an i32 0/1) of `bar`.
  void wait(OpBuilder &b, Value bar, Value parity);
  /// Ring block `seq` of this tile counted over the CTA's tiles (a
  /// persistent grid continues the ring from one tile to the next).
  Value globalSeq(OpBuilder &b, Value seq);
  /// The stage (index) and phase parity (i32) of global ring block g.
  Value stageOf(OpBuilder &b, Value g);
  Value parityOf(OpBuilder &b, Value g);
  /// The phase of Q's barrier this tile waits for: the CTA's tile count mod 2.
  Value qPhase(OpBuilder &b);
  /// TMA copies of a block of `rows` rows of tensor map `map` at (row,
  /// head, batch) into shared memory at byte `at`, completing on `bar`: one
  /// box per chunk of `swizzle` / `eltBytes` columns (rows of `swizzle`
  /// bytes, the tensor map's swizzle), chunk c at at + c * rows * swizzle.
  void tmaLoad(OpBuilder &b, Value map, int64_t cols, int64_t swizzle, int64_t rows, Value at,
               Value row, Value head, Value batch, Value bar, int64_t eltBytes = 2);
  /// e4m3 K/V (Plan::convertsKV): the consumers convert ring stage `ring` of
  /// K (ofV false) or V from e4m3 to Q's type, 16 bytes a thread at a time,
  /// into the converted ring's stage, laid out as a 16-bit TMA stage is (so
  /// the products' descriptors read it unchanged); paged V's rows at or past
  /// the sequence's length (block row `row0` on) are written as zeros, as
  /// clearTail clears them. Ends with asyncVisible.
  void convertStage(OpBuilder &b, bool ofV, Value ring, Value row0);
  /// e4m3 Q, K, V (Plan::fp8): threads `me`, `me + count`, ... transpose ring stage `ring` of
  /// V (bn keys x dv) into the K-major tile P V's FP8 wgmma reads (vReadAt:
  /// dv rows of bn keys, swizzleVt), each 16 keys in the order of P's A
  /// fragments (position q holds key fp8KeyAt(q), WgmmaFragments.h); a thread reads 4 columns
  /// of 16 keys (16 words) and writes 4 rows of 16 keys (16 bytes each).
  /// The caller makes the stage visible to the async proxy (the consumers:
  /// asyncVisible; the producer warpgroup: a fence and `transposed`).
  void transposeStage(OpBuilder &b, Value ring, Value me, int64_t count, Value row0 = Value());
  /// transposeStage's lean form (e4m3-transpose=lean, the default).
  void transposeStageLean(OpBuilder &b, Value ring, Value me, int64_t count, Value row0);
  /// The byte offset of the 16-byte unit holding element (r, c) of a
  /// swizzled tile of `rows` rows stored as column chunks of S bytes (S /
  /// eltBytes columns): chunk c / (S / eltBytes), row r of S bytes, its unit
  /// XORed with (r / (128 / S)) % (S / 16), as TMA writes it (CUTLASS's
  /// Swizzle<log2(S / 16), 4, 3>; the epilogue's formula). `byte` (one-byte
  /// elements): element (r, c)'s own byte, the unit's plus c % 16.
  Value swizzledUnit(OpBuilder &b, Value r, Value c, int64_t s, int64_t eltBytes, int64_t rows,
                     bool byte = false);

  /// The KV block index of ring block `seq`: seqOrigin + seq, and with a head
  /// the head block first (ring block 0), then headLo, headLo + 1, ...
  Value blockOf(OpBuilder &b, Value seq);
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
  void issueKV(OpBuilder &b, Value seq, Value j, bool withK = true, bool withV = true);
  /// Paged K/V: the TMA coordinates (slot, page; i32) of each box of KV
  /// block `j` of sequence `batch`: page table[batch, row / page], or -1 (a
  /// box of zeros, no memory read) for a box at or past the sequence's
  /// length or the table's end.
  SmallVector<std::pair<Value, Value>> pageSlots(OpBuilder &b, Value j, Value batch);
  /// Paged K/V: before P V of the block at row `row0`, the rows of V's stage
  /// `ring` at or past the sequence's length are cleared (a box there may
  /// hold another sequence's rows or anything a page held: P is 0 there, but
  /// 0 * NaN is not), then made visible to the tensor cores.
  void clearTail(OpBuilder &b, Value ring, Value row0);
  /// Paged or packed K/V: the keys of the block at row `row0` that lie in the
  /// sequence, max(kvLimit - row0, 0) (clearTail clears V's rows from there,
  /// transposeStage writes those keys as zeros).
  Value keysLeft(OpBuilder &b, Value row0);
  /// Shared-memory writes by the threads, then the tensor cores (or TMA)
  /// read them.
  void asyncVisible(OpBuilder &b, Location loc);

  // ---- compiler/Target/Hopper/WgmmaBuilder.cpp ----
  // The wgmma builder: descriptors, SS/RS forms, fences, commit/wait and retire.

  /// A wgmma shared-memory descriptor: start address `addr` (i64, bytes),
  /// leading and stride byte offsets, swizzle mode (0: none, 1: 128 bytes,
  /// 2: 64 bytes, 3: 32 bytes; swizzleMode() maps bytes to it).
  Value descriptor(OpBuilder &b, Value addr, int64_t lbo, int64_t sbo, int64_t swizzle);
  /// The descriptor's swizzle mode of a swizzle of `bytes` (128, 64, 32; 0 else).
  static int64_t swizzleMode(int64_t bytes);
  /// smemBase + at + extra (an optional index value), as i64.
  Value address(OpBuilder &b, int64_t at, Value extra);
  /// The descriptors of k-step `k` (16 reduction elements) of A (this
  /// warpgroup's 64 rows) and B for result = lhs * rhs^T (Q K^T) or lhs * rhs
  /// (P V; B only, A comes from registers); `ring` is the ring stage (TMA).
  std::pair<Value, Value> descriptors(OpBuilder &b, bool qk, int64_t k, int64_t kdim,
                                      Value ring);
  /// One wgmma with A from registers (four 32-bit registers of 16-bit
  /// pairs), B from shared memory: acc (+)= A * B. NVVM's op takes A from
  /// shared memory only, so this one is inline PTX.
  Value wgmmaRS(OpBuilder &b, Value acc, ArrayRef<Value> a, Value descB, int64_t n,
                bool accumulate, bool transposeB);
  /// The fragment vector of an accumulator (an LLVM struct of f32).
  Value fragmentsOf(OpBuilder &b, Value acc, TileType t);
  /// f32 values through an empty inline asm that has side effects (CUTLASS's
  /// warpgroup_fence_operand): their uses stay after what comes before it
  /// (a wgmma.wait_group), whatever LLVM would move; no instruction in SASS.
  SmallVector<Value> fenced(OpBuilder &b, ValueRange values);
  /// An index 0 that LLVM cannot see through (a `mov` in an inline asm with
  /// side effects): what is computed from it where it is made stays there,
  /// instead of being hoisted out of the loop around and held in registers
  /// across it (the backward's descriptors, Plan::loopDescriptors).
  Value opaqueZero(OpBuilder &b);
  /// The same for the warpgroup's index (thread index / 128) times `bytes`,
  /// read from %tid.x where it is made: Plan::keySplit's offsets of a
  /// warpgroup's keys in the descriptors of the Q loop (Plan::loopDescriptors).
  Value opaqueWarpgroupBytes(OpBuilder &b, int64_t bytes);
  /// Before `op` (in a rotated loop): the products whose results it reads
  /// retired, and all of them before a terminator or control flow (no group
  /// crosses a region boundary) and before an op that computes a wgmma A
  /// operand: the next P is computed once the product reading the last one
  /// is done (FA3's order), so that two P's are never live at once; the
  /// tiles it reads pass a register fence after that wait, which keeps the
  /// new P's conversions after it.
  void awaitBefore(OpBuilder &b, Operation *op);
  /// Waits for the products up to group `upTo` (wgmma.wait_group: the
  /// younger ones stay in flight), runs what follows each and gives their
  /// results fragments; then fences the f32 tiles `reader` reads.
  void retire(OpBuilder &b, int64_t upTo, Operation *reader);

  // ---- compiler/Target/Hopper/BlockScan.cpp ----
  // The block scan over the CTA and the range reductions of its classifier.

  /// A 32-bit value across the warp: xor with `offset`, or from lane
  /// `offset` (mode idx).
  Value shuffle32(OpBuilder &b, Value x, int64_t offset, gpu::ShuffleMode mode);
  /// An i64 as two 32-bit shuffles.
  Value shuffle64(OpBuilder &b, Value v, int64_t offset, gpu::ShuffleMode mode);
  Value broadcastLane0(OpBuilder &b, Value v);
  /// A block scan of faattn-mask-analysis (a one-dimensional scf.parallel
  /// with reductions) in the kernel's body, where every thread reaches it.
  /// Each thread starts from the scan's initial values, which is right
  /// because faattn-mask-analysis makes them identities of their reductions
  /// (the block count under min, -1 under max, 0 under add): a contract of
  /// the faattn.block_scan attribute.
  bool isCtaScan(scf::ParallelOp par);
  /// Combines x and y with reduction i of `reduce` (an scf.parallel's).
  static Value combine(OpBuilder &b, scf::ReduceOp reduce, unsigned i, Value x, Value y);
  /// One step of a reduction loop standing in for `par` (an scf.parallel
  /// whose initial values are identities): `par`'s body at `index` when
  /// `valid`, else at its lower bound with the identities contributed, so
  /// that every lane runs the same code; returns `acc` combined with it.
  SmallVector<Value> accumulateAt(OpBuilder &b, scf::ParallelOp par, Value index, Value valid,
                                  ValueRange acc);
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
  LogicalResult convertScan(scf::ParallelOp par);
  /// A faattn.range_reduce loop of the mask classifier (a one-dimensional
  /// scf.parallel of i64 reductions over a param's elements, whose initial
  /// values are identities and whose body only reads) reached by aligned
  /// groups of `lanes` lanes (a power of two dividing 32), the same bounds
  /// within a group and every lane of the warp at the end: lane l of a group
  /// takes the elements lb + l, lb + l + lanes, ..., 128 / lanes of them a
  /// trip so that its reads are in flight together (past the end: see
  /// below), then the group combines with xor shuffles. Every lane of the
  /// group ends with the whole range's result. The caller erases `par`.
  LogicalResult convertRangeReduce(scf::ParallelOp par, int64_t lanes);
  /// Whether reduction k of `par` is a minimum or maximum of its two
  /// operands, returned (idempotent: min(x, x) = x).
  static bool isMinOrMax(scf::ParallelOp par, unsigned k);
  /// Reduction k of `reduce` (a signed minimum or maximum: minMaxOfI32) on
  /// two i32 values.
  static Value minOrMaxI32(OpBuilder &b, Location loc, scf::ReduceOp reduce, unsigned k, Value x,
                           Value y);
  /// Whether reduction k of `par` is a signed minimum or maximum of i32
  /// values sign-extended to i64 from an initial value in the i32 range: its
  /// partial results then fit in 32 bits.
  static bool minMaxOfI32(scf::ParallelOp par, unsigned k);

  // ---- State ----

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

  /// Lanes that share one KV block's param reads in a block scan (a group):
  /// each keeps 16 reads in flight (convertRangeReduce), so that a group
  /// reads a 128-wide block's ids in one trip, then combines them in 3
  /// shuffle steps; a warp classifies 4 blocks at once.
  static constexpr int64_t kScanLanes = 8;

  gpu::GPUFuncOp fn;
  Plan p;
  bool tma = false, warpSpec = false;
  /// The warpgroup schedule (InlineProducer, Cooperative or Pingpong).
  std::unique_ptr<WarpgroupSchedule> sched;
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
  /// Where the products read K and V: the ring (kAt, vAt), or with e4m3 K/V
  /// the ring they are converted into.
  int64_t kReadAt = 0, vReadAt = 0;
  /// The load being converted is followed by another (same copy phase).
  bool inCopyPhase = false;
  Value smem, smemBase, padElems, tid, wgIdx, rowBase, colBase, quadLeader, laneLeader, producer,
      storeLeader;
  /// Plan::keySplit: the thread's first fragment row in its warpgroup
  /// (rowBase less the warpgroup's 64 rows).
  Value rowInWg;
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
  /// The V block being read (not rotated): its first row.
  Value vRow0;
  scf::ForOp vLoop;
  /// Rotated loops: the products in flight, in issue order, and the next
  /// product's group number.
  SmallVector<InFlight> inFlight;
  int64_t nextGroup = 0;
  /// Rotated loops: P V's accumulator o * alpha, computed before Q K^T's issue.
  DenseMap<Operation *, Value> preScaled;
  /// e4m3 P's A registers of a rotated loop's P V (per k-step), converted
  /// before the Q K^T issued ahead of it, as preScaled's o * alpha.
  DenseMap<Operation *, SmallVector<SmallVector<Value>>> prePackedA8;
  /// Rotated e4m3 loops: P carried between iterations as its e4m3 A
  /// registers (packP8; a quarter of its f32 fragments' registers), by the
  /// tile value it stands for (a KV loop's iter_arg or result), for the P V
  /// that reads it (convertLoop).
  DenseMap<Value, Value> packedP;
  /// Whether Q's and the head block's loads are issued yet.
  bool qIssued = false, headIssued = false;
  DenseMap<Value, Value> frag;
  /// The block scans spread over the CTA, and their slots' byte offsets.
  DenseMap<Operation *, int64_t> scanSlots;
  /// O updates folded into their P V (see rescaleOf).
  llvm::SmallPtrSet<Operation *, 4> fused;
  SmallVector<Operation *> toErase;
};

} // namespace hopper
} // namespace faattn

#endif // FAATTN_CONVERSION_TILESTOWGMMA_WGMMALOWERING_H
