//===- GpuOutline.h - Kernel functions' grids to gpu.func -------*- C++ -*-===//
//
// Shared by the GPU lowerings (faattn-tiles-to-wgmma, faattn-tiles-to-gpu):
// finding the grids of a kernel function and moving each into a kernel
// gpu.func of `gpu.module @faattn_kernels`, block ids standing for the grid's
// induction variables. The lowering of the tile ops inside is theirs.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_CONVERSION_GPUOUTLINE_H
#define FAATTN_CONVERSION_GPUOUTLINE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"

#include <array>

namespace faattn {

/// The grids of kernel function `fn`, one GPU kernel each: a (batch, head,
/// q-block) grid, or a split-KV grid (batch, head, q-block, split) and its
/// combine grid, or faattn-backward-tile's pre, main and post grids (its
/// workspace-args form; pre and post alone once the main one is taken),
/// after a preamble without memory effects (sizes). Empty when
/// `fn` has no grid; an error (emitted on `fn`) for any other shape.
mlir::FailureOr<llvm::SmallVector<mlir::scf::ForallOp>> kernelGrids(mlir::func::FuncOp fn);

/// `gpu.module @faattn_kernels` of `module`, created (and `module` marked a
/// GPU container) on first use.
mlir::gpu::GPUModuleOp kernelModule(mlir::ModuleOp module);

/// A kernel gpu.func `name` with `fn`'s signature and faattn.* attributes and
/// `threads` threads: the preamble, then `grid`'s body with block ids x, y, z
/// for its induction variables (a split grid: z = q-block * splits + split).
///
/// `persistent` (a plain grid only): the body runs in a loop over the grid's
/// tiles instead, `scf.while` marked `faattn.tile_loop` over (tile, ring,
/// count) from (block id x, 0, 0) while tile < batch * heads * q-blocks;
/// tile t is tileCoords(t). The body yields (the tile count, ring, count):
/// the lowering that takes the loop sets the next tile and its own counters.
///
/// `sectionTiles` > 0: the tiles in L2-section order (tileCoords), a plain
/// grid's CTA taking tile x + X (y + Y z), the order in which the hardware
/// starts them, a persistent grid's turn tile t; 0: a plain grid's block ids
/// x, y, z as they are (the wgmma lowering reverses z: heavy first), a
/// persistent grid's tiles heavy first.
mlir::gpu::GPUFuncOp outlineGrid(mlir::func::FuncOp fn, mlir::scf::ForallOp grid,
                                 llvm::StringRef name, mlir::gpu::GPUModuleOp gpuModule,
                                 int64_t threads, bool persistent = false,
                                 int64_t sectionTiles = 0);

/// The (batch, head, q-block) of tile `t` of a (batches, heads, qBlocks)
/// grid (pairs = batches * heads) taken in order t = 0, 1, ...:
///   * sectionTiles == 0, heavy first: (t % X, t / X % Y, Z - 1 - t / (X Y)),
///     the last q-blocks of every (batch, head) first (under a causal mask
///     they have the most KV blocks: starting them first shortens the tail);
///   * sectionTiles > 0, L2 sections: the (batch, head) pairs p = head +
///     heads * batch in sections of G = the largest power of two <=
///     max(1, sectionTiles / qBlocks) pairs (the last section may be
///     smaller); a section's tiles one after the other, in it the pairs
///     fastest and the q-blocks last first. The CTAs running at once then
///     share the K and V of one section (sectionTiles: how many q-blocks'
///     worth of K and V rows fit the L2 share), where heavy first has every
///     pair's K and V in flight and reads them from DRAM once per q-block.
std::array<mlir::Value, 3> tileCoords(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t,
                                      mlir::Value batches, mlir::Value heads,
                                      mlir::Value pairs, mlir::Value qBlocks,
                                      int64_t sectionTiles);

/// The kernel name of a function's grid: the function's name, or
/// `<name>_combine` for a split-KV combine grid, `<name>_pre` / `<name>_post`
/// for the backward's (faattn-backward-tile's main grid is `<name>`).
std::string kernelName(mlir::func::FuncOp fn, mlir::scf::ForallOp grid);

/// Whether `root` holds a KV loop rotated by faattn-overlap-softmax (marked
/// `faattn.rotated`): faattn-tiles-to-wgmma lowers such a kernel on its TMA
/// pipeline only, faattn-tiles-to-gpu refuses it.
bool hasRotatedKVLoop(mlir::Operation *root);

} // namespace faattn

#endif // FAATTN_CONVERSION_GPUOUTLINE_H
