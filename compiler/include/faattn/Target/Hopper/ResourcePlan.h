//===- ResourcePlan.h - what a Hopper kernel needs, and whether it fits -*- C++ -*-===//
//
// The resource plan of a forward kernel on sm_90a: which tile loads are Q, K
// and V, the tile shapes (block_m, block_n, head dims), whether the TMA
// pipeline applies (and why not), the K/V ring's depth that shared memory
// holds, the KV loops the producer numbers its blocks over, the schedule's
// preconditions and the shared-memory budget. The limits come from
// TargetInfo (faattn/Target/TargetInfo.h). The templates (templates/hopper/)
// lower a kernel by this plan; faattn-tiles-to-wgmma makes it.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TARGET_HOPPER_RESOURCEPLAN_H
#define FAATTN_TARGET_HOPPER_RESOURCEPLAN_H

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <string>

namespace faattn {
namespace hopper {

using namespace mlir;

/// What the pass found in a kernel's grid, or why it cannot map it.
struct Plan {
  int64_t bm = 0;            // query rows per CTA (a multiple of 64)
  Type elt;                  // bf16 or f16: Q's, P's, O's (and K's and V's but below)
  // K's and V's element type: elt, or e4m3 (kv_dtype = e4m3) when the pass
  // is asked to take such kernels (faattn-tiles-to-wgmma's e4m3-kv; not yet
  // run on a GPU). Then the TMA ring holds the e4m3 blocks as loaded
  // (swizzleK8 / swizzleV8: their rows of d / dv bytes) and the consumers
  // convert each stage to elt into a ring of its own (convertedRing) laid
  // out as a 16-bit ring is, which the products read unchanged.
  Type kvElt;
  int64_t swizzleK8 = 0, swizzleV8 = 0;
  // e4m3 Q, K and V on the FP8 wgmma (`dtype = e4m3`; faattn-tiles-to-wgmma's
  // e4m3 option). `elt` is then O's 16-bit type. Q K^T runs on the e4m3
  // tiles as loaded (k-steps of 32); V's stage is transposed by the consumers
  // into a K-major tile (vReadAt; swizzleVt: its rows of bn bytes), its keys
  // in the order of P's e4m3 A fragments (fp8KeyAt), and P V reads P's
  // accumulator fragments rounded to e4m3 in place (no register permutation).
  bool fp8 = false;
  int64_t swizzleVt = 0;
  bool convertsKV() const { return !fp8 && kvElt && isa<Float8E4M3FNType>(kvElt); }
  /// K and V of one byte in the ring (e4m3: converted, or read by the FP8 wgmma).
  bool oneByteKV() const { return kvElt && isa<Float8E4M3FNType>(kvElt); }
  int64_t kvBytes() const { return oneByteKV() ? 1 : 2; }
  /// Bytes of a Q element, and the reduction depth of a wgmma k-step.
  int64_t qBytes() const { return fp8 ? 1 : 2; }
  int64_t kStep() const { return fp8 ? 32 : 16; }
  TileLoadOp q;              // the Q block: left operand of the first dot
  SmallVector<TileLoadOp> k; // right operands of Q K^T (one per KV loop)
  SmallVector<TileLoadOp> v; // right operands of P V
  // faattn-overlap-softmax's rotated KV loops (all of them or none; the TMA
  // pipeline only): block j - 1's P V in iteration j, after block j's Q K^T,
  // and each loop's last product after it (its V block, also in v). K and V
  // then have empty barriers of their own.
  bool rotated = false;
  int64_t d = 0, dv = 0, bn = 0;
  std::string whyNot;
  // The kernel is malformed for this lowering (an error was emitted): a
  // product without layout encodings.
  bool invalid = false;

  // The TMA pipeline (when tmaWhyNot is empty): Q, K and V blocks are
  // copied by the tensor-memory accelerator, K and V into a ring of
  // `stages` buffers filled ahead of the consumers.
  std::string tmaWhyNot;
  // The swizzle of the TMA tiles, in bytes (128, 64 or 32: the largest that
  // divides a row, faattn-assign-layouts' encoding): Q and K (head dim d)
  // and V and O (dv) are stored as column chunks of swizzle / 2 elements,
  // one TMA box each, rows of `swizzle` bytes.
  int64_t swizzleQK = 0, swizzleV = 0;
  // Paged K/V on the TMA pipeline (page > 0: the K/V loads' page size): a
  // block of bn rows is boxes of kvBoxRows() rows, each at its page's slot
  // (table[batch, row / page]); rows at or past kvLimit (the sequence's
  // length) read as zeros in V (the consumers clear them before P V) and
  // are masked in K. Pages of a multiple of 8 rows (a swizzle atom: each box
  // starts a whole atom) that divide block_n or that it divides; not with
  // rotated loops (the spec refuses overlap = softmax with paged K/V).
  int64_t page = 0;
  Value pageTable, kvLimit;
  // Packed sequences (varlen) on the TMA pipeline: the boxes of Q and of K/V
  // start at the sequence's first row (qStart, kvStart: the loads' offsets;
  // null when dense) in tensor maps over all packed rows. A box's rows past
  // the sequence are the next sequence's (or zeros past the tensor): K's are
  // masked, V's cleared before P V as a paged sequence's (kvLimit), Q's rows
  // are computed and not stored (O and the LSE leave by the threads' stores,
  // which check each row against qLimit).
  Value qStart, kvStart;
  int64_t kvBoxRows() const { return page ? std::min(page, bn) : bn; }
  // Whether O's epilogue buffer is Q's: each warpgroup writes its O rows over
  // its own Q rows (no other warpgroup reads them any more), which holds only
  // when the two are laid out alike: O no wider than Q and the same swizzle
  // (chunks of the same width, rows of the same bytes). Else a warpgroup that
  // finished first would overwrite Q rows of another still in its products
  // (head dim 96 : 64, 64- and 128-byte swizzles: seen as wrong output under
  // compute-sanitizer's racecheck timing, which cannot see the tensor cores'
  // reads), and O gets a buffer of its own.
  bool oReusesQ() const { return !fp8 && dv <= d && swizzleQK == swizzleV; }
  SmallVector<scf::ForOp> kvLoops; // in program order; each loads one K and one V block
  // faattn-kv-head's head (kvLoops.front() {faattn.kv_head}, whose
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
  // The backward's main grid (analyzeBackward): Q blocks of 64 query rows
  // (bn = 64) and a CTA of bm keys: one warpgroup for 64 keys, or two that
  // split 128 keys (keySplit).
  bool backward = false;
  // Two warpgroups split the CTA's 128 keys (faattn-backward-tile's block-kv
  // 128): each holds S, P, dP and dS for its 64 keys (#faattn.wgmma_cols),
  // and its 64 rows of dK and dV; Q, dO, LSE and D are copied once for
  // both, and each makes half of dQ = dS K's columns over all 128 keys.
  bool keySplit = false;
  // The backward's block copies: chunks of 16 bytes a thread loads before it
  // stores them (1: a load, then its store; faattn-tiles-to-wgmma's
  // backward-copy-batch).
  int64_t copyBatch = 1;
  // Or by cp.async (faattn-tiles-to-wgmma's backward-copy-async): no
  // registers held, zero fill for the rows not read.
  bool copyAsync = false;
  // And the next Q block's Q and dO copied during this block's products, into
  // a second buffer of each (backward-copy-prefetch; implies copyAsync).
  bool copyPrefetch = false;
  // dQ added a Q block at a time by bulk reductions (cp.reduce.async.bulk,
  // a row each) from a staging buffer over the Q loop's buffers, instead of
  // an atomic add per element (backward-dq-bulk; the deterministic turns
  // keep the atomics).
  bool dqBulk = false;
  // The products of a Q block issued as early as their operands allow (they
  // and the maps making their 16-bit operands moved up in the Q loop's
  // body), each waited for where its result is first read (backward-overlap).
  bool overlapProducts = false;
  // Each product's descriptors made next to its wgmma from an opaque zero
  // (WgmmaLowering::opaqueZero) rather than hoisted out of the Q loop: the
  // buffers' addresses are loop-invariant, and 52 hoisted 64-bit descriptors
  // (head dim 128) spilled (faattn-tiles-to-wgmma's backward-loop-descriptors;
  // PERFORMANCE step 60).
  bool loopDescriptors = true;
  // e4m3 V's transposition (WgmmaLowering::transposeStage, VTranspose.cpp):
  // a lane's row stores rotated by (lane / 2) % 4 so that a warp's 16-byte
  // stores spread over the swizzle's eight units, in two rounds of prmt
  // (faattn-tiles-to-wgmma's e4m3-transpose=lean, the default since
  // PERFORMANCE step 77), from byte extracts (rotated, step 76), those in
  // order (direct: 16-way bank conflicts, as before step 76), or not at all
  // (skip: a timing-only build whose P V reads V's stage as loaded; wrong
  // results).
  enum class VTranspose { Rotated, Direct, Lean, Skip };
  VTranspose vTranspose = VTranspose::Lean;
  // The softmax's row reductions (WgmmaLowering::convertReduce): 1, a chain
  // a row, row after row; N > 1, N independent chains a row with the two rows
  // interleaved, then a tree (faattn-tiles-to-wgmma's row-partials;
  // experimental, PERFORMANCE step 79).
  int64_t rowPartials = 1;
  int64_t threads() const { return 2 * bm + (warpSpecialized ? 128 : 0); }
};

/// The plan of faattn-backward-tile's main grid (outlined) on the tensor
/// cores: bf16/f16 Q and dO blocks of 64 rows, K and V blocks of 64 rows (one
/// warpgroup) or 128 (keySplit: no column chunks, no deterministic turns),
/// head dims multiples of 16 up to 256; `whyNot` otherwise.
Plan analyzeBackward(gpu::GPUFuncOp root);

/// The largest swizzle (128, 64 or 32 bytes) that divides a row of `bytes`; 0 if none.
int64_t swizzleForRow(int64_t bytes);

/// tile_order = l2_sections: how many q-blocks' worth of K and V rows (block_m
/// rows of d + dv elements, what a (batch, head) pair of self-attention reads
/// per q-block) fit the L2 share the tiles running at once may take; 0 when
/// the grid has no Q K^T and P V.
int64_t l2SectionTiles(scf::ForallOp grid);

/// The persistent grid's tile loop (outlineGrid's `faattn.tile_loop`), or null.
scf::WhileOp tileLoopOf(gpu::GPUFuncOp fn);

/// Bytes of the cross-warp slots of a block scan, and of all of the kernel's
/// (one i64 per warp and reduction; see WgmmaLowering::convertScan).
int64_t scanSlotBytes(scf::ParallelOp scan, int64_t threads);
int64_t scanSlotBytes(gpu::GPUFuncOp fn, int64_t threads);

/// Bytes of shared memory the plain (thread-copied) pipeline needs.
int64_t copyPipelineBytes(const Plan &p);

/// Bytes of shared memory the TMA pipeline needs with `stages` K/V buffers.
int64_t tmaPipelineBytes(const Plan &p, int64_t stages);

/// The plan for the tile ops under `root` (a grid's body, outlined);
/// `warpSpecialized`: a producer warpgroup if the TMA pipeline is taken.
/// `whyNot` is set when wgmma cannot take the kernel. `e4m3KV`: take K and V
/// in e4m3 under a 16-bit Q (converted in shared memory; see Plan::kvElt).
/// `e4m3`: take e4m3 Q, K and V on the FP8 wgmma (Plan::fp8).
/// `packedTma`: packed (varlen) Q and K/V on the TMA pipeline, paged or
/// packed e4m3 Q, K and V too (faattn-tiles-to-wgmma's packed-tma).
Plan analyze(gpu::GPUFuncOp root, bool warpSpecialized, bool e4m3KV = false, bool e4m3 = false,
             bool packedTma = true);

} // namespace hopper
} // namespace faattn

#endif // FAATTN_TARGET_HOPPER_RESOURCEPLAN_H
