//===- KernelABI.h - the one definition of a kernel's ABI -------*- C++ -*-===//
//
// What a compiled faattn kernel takes and how it is launched, in one struct
// that travels unchanged from the compiler to the runtime:
//
//   compileForGpu (compiler/Pipeline) fills a CompiledKernel from the lowered
//   kernel's attributes and kernelArgs(); faattn-compile writes its JSON form
//   (kernelToJson) as NAME.json; the runtime launches it and its disk cache
//   stores that same JSON form beside the PTX (kernelFromJson reads it back,
//   every field type-checked).
//
// Argument order (kernelArgs is its one definition; the PTX parameters are
// in this order):
//   1. q, k, v, out (rank 4, in the spec's layout), then lse (rank 3) with
//      return_lse; a backward kernel (mode = backward, or backwardOf() of a
//      forward kernel with the `backward` flag): q, k, v, out, lse (the
//      forward's out and LSE, inputs), dout (dL/d out, shaped as out; in),
//      then dq, dk, dv (out, shaped and typed as q, k, v);
//   2. the sequence operands: cu_seqlens_q (varlen), cu_seqlens_kv (varlen,
//      not paged), block_table and seqlens_kv (paged_kv);
//   3. the params, in the spec's (sorted) order; a backward kernel then has
//      one f32 gradient per requires_grad param, `grad:NAME`, of its param's
//      shape, in the same order (out; the faattn.attention op's
//      param_grads);
//   4. split-KV decode: the workspace, workspace:o then workspace:lse (and
//      workspace:count with lastCtaCombine); a
//      backward kernel's GPU build: workspace:delta (f32, shaped as lse);
//   5. a persistent grid: the tile counter (a zeroed i32 in global memory);
//   6. the TMA pipeline (tmaBlockN > 0): four CUtensorMaps (q, k, v, out) by
//      value, 128 bytes each (boxes and swizzles: KernelABI::tmaBlockN).
// A split-KV kernel's combine entry takes items 1-4 only (it has no product:
// no tensor maps), and runs blockM threads without dynamic shared memory.
// Items 1-4 are memrefs, each passed as its expanded MLIR descriptor
// (allocated pointer, aligned pointer, offset, sizes[rank], strides[rank]).
//
// Header of std only: the runtime's public header includes it.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TARGET_KERNELABI_H
#define FAATTN_TARGET_KERNELABI_H

#include <cstdint>
#include <string>
#include <vector>

namespace faattn {

/// The ABI's version: bump it whenever the argument order, the launch rules
/// or the JSON form change. The runtime's disk cache derives its format and
/// its keys from it (compilerVersion(), the entry header), so an entry of
/// another ABI is never read.
/// 12: varlen decode kernels are split (workspace (splits, total_q, ...)).
/// 13: the tiled backward's workspace:dq is zeroed by the launcher (its pre
/// grid no longer stores the zeros).
/// 14: the tiled backward's pre and post grids have block sizes of their own
/// (backward.pre_block, backward.post_block: preThreads, postThreads).
/// 15: a long-KV build is launched by a cost model (min_kv_blocks_per_wave).
/// 16: split_kv.balance (varlen decode: S = balance x the cost model's
/// count, each sequence's chunk from the batch's average length).
/// 17: split_kv.last_cta (no combine entry; workspace:count after
/// workspace:lse).
inline constexpr int kKernelABIVersion = 17;

/// One memref argument (items 1-4 of the order above).
struct KernelArg {
  std::string name;  // q k v out lse [dout dq dk dv] | cu_seqlens_q ... | param:NAME
                     // [grad:NAME] | workspace:o ...
  std::string dtype; // bf16 f16 e4m3 f32 i32
  /// Each extent: a number ("8") or what it stands for ("batch", "seq_q",
  /// "batch + 1", "batch * splits").
  std::vector<std::string> shape;
  /// The extents the kernel is compiled for (indices into `shape`,
  /// ascending; each a number): the head counts and head dims. The kernel's
  /// memref type is static there and dynamic elsewhere: every other extent
  /// is the launch's, a number included (a packed tensor's batch of 1, a
  /// page's rows), and is read from the descriptor.
  std::vector<int64_t> staticDims;
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  bool operator==(const KernelArg &o) const {
    return name == o.name && dtype == o.dtype && shape == o.shape && staticDims == o.staticDims;
  }
};

/// A kernel's ABI and launch: everything the runtime needs besides the PTX.
struct KernelABI {
  std::string name;   // the PTX entry (split-KV: also name + "_combine")
  std::string target; // sm_90a or sm_80
  /// The memref arguments, in order; the tile counter and tensor maps
  /// follow (persistent, tmaBlockN).
  std::vector<KernelArg> args;
  /// Varlen: the grid's q-blocks come from the launch's max_seqlen_q.
  bool varlen = false;
  int64_t blockM = 0;      // query rows per CTA
  /// GQA packing (decode): a CTA's blockM rows are headGroup query heads of
  /// one KV group, blockM / headGroup rows of each; the grid's y counts head
  /// groups (heads / headGroup) and its q-blocks are of blockM / headGroup
  /// rows; q's and out's TMA boxes are (swizzle / 2, blockM / headGroup,
  /// headGroup). A split-KV combine entry is not packed. 1: no packing.
  int64_t headGroup = 1;
  int64_t threads = 0;     // threads per CTA (0: blockM)
  int64_t sharedBytes = 0; // dynamic shared memory per CTA
  /// Split-KV decode (Flash-Decoding) when maxSplits > 0: entries `name`
  /// (grid (batch, heads, q_blocks * splits); threads, sharedBytes and the
  /// tensor maps are this entry's) and `name`_combine (grid (batch, heads,
  /// q_blocks), blockM threads, no dynamic shared memory, no tensor maps),
  /// with a workspace the runtime allocates.
  int64_t blockN = 0, maxSplits = 0;
  /// Balanced splits (varlen K/V; faattn-split-kv's `balance`): the runtime
  /// launches balance x its cost model's split count, a sequence's chunk
  /// then being the average length's (1: each sequence divides its own KV
  /// blocks by the count).
  int64_t splitBalance = 1;
  /// Split-KV with faattn-split-kv's last-cta-combine: no `name`_combine
  /// entry; the split grid's last CTA of a tile combines, counting arrivals
  /// in workspace:count (after workspace:lse), which the runtime zeroes
  /// before each launch.
  bool lastCtaCombine = false;
  /// A backward kernel's GPU build (faattn-backward-to-gpu): entries
  /// `name`_dq (grid (batch, heads, ceil(max seq_q / blockM)), blockM
  /// threads: D into workspace:delta, dq, the param gradients) then `name`
  /// (grid (batch, KV heads, ceil(seq_kv / blockN); varlen: total_kv), blockN threads: dk,
  /// dv), on one stream, after the runtime zeroes the param gradients (and,
  /// varlen, dq, dk and dv); both take every argument.
  bool backward = false;
  /// The tiled backward (faattn-backward-tile's grids; the tensor-core
  /// build, unless FAATTN_BACKWARD_SIMT=1): entries
  /// `name`_pre (grid (batch, heads, ceil(max seq_q / blockM)), preThreads
  /// threads: D into workspace:delta), `name` (grid (batch, KV heads, ceil(seq_kv / blockN)),
  /// `threads` threads and sharedBytes: dK, dV, dQ and the param gradients
  /// added) and `name`_post (pre's grid, postThreads threads: dq from the
  /// accumulator), on one stream after the runtime zeroes workspace:dq and
  /// the param gradients (varlen: dq, dk, dv).
  bool backwardTiled = false;
  /// The tiled backward's `name`_pre and `name`_post block sizes (0:
  /// blockM): faattn-tiles-to-gpu shares a row of those grids among lanes
  /// (blockM * lanes threads).
  int64_t preThreads = 0, postThreads = 0;
  /// The TMA pipeline when tmaBlockN > 0: four tensor maps (q, k, v, out)
  /// after the other arguments, built at each launch: boxes of swizzle / 2
  /// columns (one swizzled row of 16-bit elements) x blockM rows for q and
  /// out (x blockM / headGroup rows x headGroup heads when packed), x
  /// tmaBlockN rows for k and v; q and k with tmaSwizzleQK, v and out
  /// with tmaSwizzleV (bytes: 128, 64 or 32, the largest dividing a row of
  /// the head dim). K's and V's own maps take tmaSwizzleK and
  /// tmaSwizzleVLoad, which differ from those only when K and V are e4m3
  /// under a 16-bit Q (rows of d and dv bytes; boxes of swizzle columns,
  /// faattn-tiles-to-wgmma's experimental e4m3-kv).
  int64_t tmaBlockN = 0;
  int64_t tmaSwizzleQK = 0, tmaSwizzleV = 0;
  int64_t tmaSwizzleK = 0, tmaSwizzleVLoad = 0;
  /// A persistent grid (`grid = persistent`): about one CTA per SM (as many
  /// as fit at once), each taking q-tiles from the tile counter.
  bool persistent = false;
  /// What the build is (reported; not needed to launch): "simt" or "wgmma",
  /// the warpgroup schedule, the K/V ring's depth, the tiles' order, what
  /// the products overlap ("softmax"), why wgmma or TMA was not taken.
  std::string mapping = "simt";
  std::string schedule;
  int64_t stages = 0;
  std::string tileOrder, overlap, fallback;
  /// As a shape-dependent build (overlap = auto): the shortest KV sequence
  /// it is launched for; 0 for a kernel's main build.
  int64_t minSeqKV = 0;
  /// As a shape-dependent build: the cost model's ratio R (faattn-tune,
  /// docs/PERFORMANCE.md step 68). It is launched where the launch's KV
  /// blocks a tile, ceil(seq_kv / block_n), reach R x min(waves, 16), waves
  /// = batch x heads x ceil(seq_q / block_m) / SMs (launchesAlternative); 0:
  /// from minSeqKV at any shape.
  double minKVBlocksPerWave = 0;

  /// The number of tensor maps after the memrefs (0 or 4).
  int64_t tensorMaps() const { return tmaBlockN > 0 ? 4 : 0; }
  /// The kernel's number of LLVM-level parameters: 3 + 2 * rank a memref,
  /// one for the tile counter and one per tensor map (the combine entry:
  /// the memrefs' only).
  int64_t llvmParams() const;
  int64_t combineLlvmParams() const { return llvmParams() - tensorMaps(); }
};

/// A kernel as the compiler produced it and the runtime launches it (the
/// disk cache stores it): its ABI, its PTX and its shape-dependent builds.
struct CompiledKernel : KernelABI {
  std::string ptx;
  /// Shape-dependent builds of the same spec (`overlap = auto`: a long-KV
  /// build, cooperative with the softmax overlap). launch() takes the last
  /// whose minSeqKV is at most the launch's KV sequence length and whose
  /// cost model takes the launch's shape (launchesAlternative), else this kernel.
  /// Ascending minSeqKV, each > 0; an alternative has none of its own.
  std::vector<CompiledKernel> alternatives{};
};

/// Whether shape-dependent build `alt` (a CompiledKernel's alternative) is
/// launched for batch x heads x seq_q queries over seq_kv keys on a GPU of
/// `multiprocessors` SMs: seq_kv >= alt.minSeqKV and the build choice's cost
/// model (faattn-tune; docs/PERFORMANCE.md step 68): with n = ceil(seq_kv /
/// block_n) KV blocks a tile and w = batch x heads x ceil(seq_q / block_m) /
/// multiprocessors waves, n >= alt.minKVBlocksPerWave x min(w, 16) (no trend
/// was measured past 16 waves). A ratio of 0 takes every seq_kv from
/// minSeqKV; an unknown SM count (0) counts 16 waves.
bool launchesAlternative(const KernelABI &alt, int64_t batch, int64_t heads, int64_t seqQ,
                         int64_t seqKV, int multiprocessors);

/// Whether `abi`'s launch sizes can be launched: a block of at most 1024
/// threads, at most the shared memory a target allows (TargetInfo), block_n
/// for split-KV, a TMA block_n within one box, a persistent grid without
/// split-KV.
bool launchSizesValid(const KernelABI &abi);

} // namespace faattn

#endif // FAATTN_TARGET_KERNELABI_H
