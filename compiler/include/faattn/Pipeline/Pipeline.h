//===- Pipeline.h - faattn's pass pipelines ---------------------*- C++ -*-===//
#ifndef FAATTN_PIPELINE_PIPELINE_H
#define FAATTN_PIPELINE_PIPELINE_H

#include "faattn/Target/KernelABI.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include "faattn/Spec/AST.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace llvm {
class SourceMgr;
}

namespace mlir {
class DialectRegistry;
class MLIRContext;
}

namespace faattn {

/// The target-independent algorithm passes, in pipeline order, by flag.
llvm::ArrayRef<llvm::StringRef> algorithmPassNames();

struct AlgorithmOptions {
  /// Stop after this pass (all of them when empty).
  llvm::StringRef stopAfter;
  /// faattn-split-kv for decode kernels.
  bool splitKV = true;
  /// Its workspace (and number of splits) from the runtime, as function
  /// arguments (the GPU path), instead of a memref.alloc (the CPU path).
  bool splitKVWorkspaceArgs = false;
  /// faattn-overlap-softmax on every kernel after faattn-assign-layouts
  /// (faattn-run --cpu --overlap-softmax); else only on those marked
  /// `overlap = softmax` (the wgmma TMA pipeline lowers them).
  bool overlapSoftmax = false;
  /// faattn-tune's long-kv: the long-KV build of the kernels that have one
  /// (`overlap = auto`'s shape-dependent choice).
  bool longKV = false;
  /// faattn-tile's pad-head-dims: 16-bit sm_90a head dims (multiples of 8)
  /// rounded up to multiples of 16 (FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1 on the GPU
  /// path; faattn-run --cpu --pad-head-dims).
  bool padHeadDims = false;
};

/// Adds the algorithm passes (nested on func.func). Returns false when
/// `stopAfter` names no algorithm pass.
bool addAlgorithmPasses(mlir::OpPassManager &pm, const AlgorithmOptions &options = {});

/// The CPU path after the algorithm passes: faattn-score-grad and
/// faattn-backward-tile and faattn-mask-analysis's column order (backward
/// ops; with `naiveBackward`
/// faattn-backward-to-loops, the reference lowering, instead),
/// faattn-tiles-to-linalg, one-shot bufferization, deallocation, loops, and
/// conversion to the LLVM dialect.
/// `backwardBlock` > 0: faattn-backward-tile's blocks of that many rows
/// (the tensor-core backward's 64, checked on the CPU); `padHeadDims`: its
/// pad-head-dims (faattn-run --cpu --pad-head-dims); `backwardMaxCols` > 0:
/// its max-cols, the column chunks of head dims wider than that (the
/// tensor-core backward's 128).
void addCpuLoweringPasses(mlir::OpPassManager &pm, bool naiveBackward = false,
                          int64_t backwardBlock = 0, bool padHeadDims = false,
                          int64_t backwardMaxCols = 0);

/// The GPU lowering passes faattn's own, in order (the upstream conversions
/// run between them): the names --stop-after takes after the algorithm's.
llvm::ArrayRef<llvm::StringRef> gpuLoweringPassNames();

/// The GPU paths after the algorithm passes (run with splitKVWorkspaceArgs):
/// faattn-tiles-to-wgmma, faattn-tiles-to-gpu, then the gpu.module to the
/// NVVM/LLVM dialects (faattn-fast-math, ..., faattn-tensor-map-args; ready
/// for faattn::emitPTX); up to `stopAfter` when it names one of
/// gpuLoweringPassNames() (false when it names none).
/// `padHeadDims`: faattn-backward-tile's pad-head-dims for the tensor-core
/// backward (as AlgorithmOptions::padHeadDims for the forward).
/// `backwardKeySplit`: faattn-backward-tile's block-kv 128, two warpgroups
/// splitting a CTA's keys (takesBackwardKeySplit).
bool addGpuLoweringPasses(mlir::OpPassManager &pm, llvm::StringRef stopAfter = "",
                          bool e4m3KV = false, bool backwardWgmma = false,
                          bool padHeadDims = false, bool backwardKeySplit = false);

/// Whether the environment asks for the experimental tensor-core lowering of
/// e4m3 K/V under a 16-bit Q (FAATTN_EXPERIMENTAL_E4M3_KV=1:
/// faattn-tiles-to-wgmma's e4m3-kv, not yet run on a GPU; docs/FP8.md). Read
/// once per process; compileForGpu follows it and the runtime's cache key
/// (compilerVersion) names it.
bool experimentalE4M3KV();

/// FAATTN_FP8_SIMT=1: e4m3 Q, K and V on the SIMT path (f32 P) instead of
/// the FP8 wgmma (faattn-tiles-to-wgmma's e4m3, the default since its GPU
/// run: docs/FP8.md, PERFORMANCE step 51). addGpuLoweringPasses follows it
/// and the runtime's cache key names it.
bool fp8SimtForced();

/// FAATTN_PACKED_THREAD_COPIES=1: packed (varlen) sequences by the threads'
/// copies, and paged or packed e4m3 Q, K and V on the SIMT path, as before
/// PERFORMANCE step 71 (faattn-tiles-to-wgmma's packed-tma=0). By default
/// they take the TMA pipeline and the FP8 wgmma (GPU-validated on an H100:
/// step 71 and its recheck); addGpuLoweringPasses follows it and the
/// runtime's cache key names it.
bool packedThreadCopies();

/// FAATTN_EXPERIMENTAL_NO_LSR=1: the kernels' PTX made without LLVM's loop
/// strength reduction (PTXOptions::loopStrengthReduction; a third to a half
/// of the compile of the kernels whose mask or score reads q_idx and kv_idx
/// per element, PERFORMANCE step 72), until a GPU run shows the kernels no
/// slower. compileForGpu follows it and the runtime's cache key names it.
bool experimentalNoLSR();

/// FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1: head dims that are multiples of 8
/// but not of 16 padded to the next multiple of 16 on the GPU path (the TMA
/// pipeline instead of the thread copies or SIMT), until a GPU run
/// validates it.
bool experimentalPaddedHeadDims();

/// FAATTN_SPLIT_BALANCE=k (1 to 64; else 0, unset): faattn-split-kv's
/// `balance` for varlen decode on the GPU, in place of the pass's default
/// (2). 1 is the split of each sequence's own blocks from before balancing,
/// for A/B timing in one bundle (bench/experiments/ragged-decode.sh).
int64_t splitBalanceOverride();

/// FAATTN_EXPERIMENTAL_PAGED_BALANCE=1: faattn-split-kv's `balance-paged`
/// (paged K/V's splits balanced by each sequence's seqlens_kv, as varlen
/// K/V's are), on the CPU and GPU paths; built 2026-12-08, not yet run on a
/// GPU. Part of the runtime's cache key.
bool experimentalPagedBalance();

/// FAATTN_SPLIT_COMBINE=last_cta: split-KV decode with faattn-split-kv's
/// last-cta-combine (the split grid's last CTA of a tile combines; no
/// combine kernel), on the CPU and GPU paths; experimental (issue 23 item 2's
/// measurement of the two forms). Part of the runtime's cache key.
bool lastCtaCombineOverride();

/// FAATTN_E4M3_TRANSPOSE=rotated|direct|skip (else lean, the default):
/// faattn-tiles-to-wgmma's e4m3-transpose, for A/B timing in one bundle
/// (PERFORMANCE steps 76 and 77). skip is timing only: its e4m3 results are
/// wrong.
llvm::StringRef e4m3TransposeOrder();

/// FAATTN_ROW_PARTIALS=N (2 to 8; else 1, the default): faattn-tiles-to-wgmma's
/// row-partials, the softmax's row maxima and sums on the tensor-core path as N
/// independent chains a row (PERFORMANCE step 79; experimental, for A/B
/// timing in one bundle).
int64_t rowPartials();

/// FAATTN_EXPERIMENTAL_BACKWARD_COPY_BATCH=N (1 to 16; else 1): with
/// FAATTN_BACKWARD_COPY_REGISTERS=1, the tensor-core backward's block copies
/// issue N 16-byte loads a thread before storing them (faattn-tiles-to-wgmma's
/// backward-copy-batch; the default cp.async copies have every chunk in
/// flight already).
int64_t experimentalBackwardCopyBatch();

/// FAATTN_BACKWARD_COPY_REGISTERS=1: those copies through the threads'
/// registers (a load, then its store; with COPY_BATCH, N loads first), as
/// before PERFORMANCE step 61, instead of the default cp.async with zero fill
/// (faattn-tiles-to-wgmma's backward-copy-async), for comparison.
bool backwardCopyRegisters();

/// FAATTN_EXPERIMENTAL_BACKWARD_COPY_PREFETCH=1: the cp.async copies, with Q
/// and dO double-buffered, the next Q block's copied during this one's
/// products (faattn-tiles-to-wgmma's backward-copy-prefetch).
bool experimentalBackwardCopyPrefetch();

/// FAATTN_BACKWARD_THREAD_PER_ROW=1: the tiled backward's pre and post
/// grids a thread per row, as before PERFORMANCE step 65, instead of a row
/// shared by up to 32 lanes (faattn-tiles-to-gpu's max-row-lanes=1), for
/// comparison.
bool backwardThreadPerRow();

/// FAATTN_BACKWARD_ONE_WARPGROUP=1: the tensor-core backward's CTA of 64
/// keys and one warpgroup, as before PERFORMANCE step 67, instead of 128
/// keys that two warpgroups split (faattn-backward-tile's block-kv 128), for
/// comparison. Read once per process; the runtime's cache key names it.
bool backwardOneWarpgroup();

/// FAATTN_BACKWARD_DQ_ATOMIC=1: the tensor-core backward's dQ by one f32
/// atomic add an element, as before PERFORMANCE step 58, instead of the
/// default bulk reductions from shared memory, a row each (faattn-tiles-to-
/// wgmma's backward-dq-bulk=false), for comparison.
bool backwardDqAtomic();

/// FAATTN_EXPERIMENTAL_BACKWARD_OVERLAP=1: the tensor-core backward's
/// products issued as soon as their operands exist and waited for where
/// their results are first read (faattn-tiles-to-wgmma's backward-overlap),
/// instead of each waited for at once, until a GPU run measures it.
bool experimentalBackwardOverlap();

/// FAATTN_BACKWARD_HOISTED_DESCRIPTORS=1: the tensor-core backward's
/// descriptors as before PERFORMANCE step 60 (hoisted out of the Q loop by
/// LLVM; faattn-tiles-to-wgmma's backward-loop-descriptors=false), for
/// comparison.
bool backwardHoistedDescriptors();

/// Whether the environment asks for the SIMT backward for every backward
/// kernel (FAATTN_BACKWARD_SIMT=1: faattn-backward-to-gpu's kernels instead
/// of the tensor-core backward, for comparison; docs/BACKWARD.md). Read once
/// per process; the runtime's cache key names it.
bool simtBackwardForced();

/// Whether compileForGpu builds backward kernel `k` as the tensor-core
/// backward (faattn-backward-tile's GPU form, its main grid on wgmma, pre
/// and post SIMT): not simtBackwardForced(), and `k` a bf16 / f16 sm_90a
/// backward kernel at head dims that are multiples of 16 up to 128, or over
/// 128 in column chunks of multiples of 16 (faattn-backward-tile's max-cols
/// 128: 144-256, ...; both head dims split as often).
bool takesBackwardWgmma(const spec::KernelSpec &k);

/// Whether the tensor-core backward of `k` has CTAs of 128 keys that two
/// warpgroups split (faattn-backward-tile's block-kv 128; PERFORMANCE step
/// 67): takesBackwardWgmma(k), not deterministic, no column chunks (head
/// dims up to 128), not FAATTN_BACKWARD_ONE_WARPGROUP=1, and either head dims
/// up to 80 or no mask and the identity score (where the split measured
/// without register spills).
bool takesBackwardKeySplit(const spec::KernelSpec &k);

/// Registers what the GPU path needs (gpu, nvvm, LLVM, their translations).
void registerGpuDialects(mlir::DialectRegistry &registry);

/// Registers what the CPU path needs beyond registerFAAttnDialects: linalg,
/// tensor, bufferization and their bufferization models, the LLVM dialect
/// and its translation.
void registerCpuDialects(mlir::DialectRegistry &registry);

/// What compileForGpu produces: the kernel's ABI and launch, its PTX and its
/// shape-dependent builds (faattn/Target/KernelABI.h; the runtime's disk
/// cache stores this same struct).
using GpuKernel = CompiledKernel;

/// The spec through the algorithm passes (decode split over a runtime
/// workspace), the GPU lowerings (wgmma or SIMT) and the NVPTX backend; for
/// the kernels faattn-tune marks (`overlap = auto`), a second build with
/// faattn-tune's long-kv as `alternatives` (an error there fails the
/// compile). `ctx` must have registerFAAttnDialects and registerGpuDialects.
/// `printIR` enables --print-ir-after-all. With `timing`, each stage (the
/// frontend, every pass, LLVM's optimizer, the NVPTX backend; the long-KV
/// build apart) is timed under it (faattn-compile --time).
llvm::Expected<GpuKernel> compileForGpu(mlir::MLIRContext &ctx, const spec::KernelSpec &kernel,
                                        llvm::SourceMgr &sm, bool printIR = false,
                                        mlir::TimingScope *timing = nullptr);

} // namespace faattn

#endif // FAATTN_PIPELINE_PIPELINE_H
