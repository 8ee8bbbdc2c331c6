//===- Pipeline.h - faattn's pass pipelines ---------------------*- C++ -*-===//
#ifndef FAATTN_PIPELINE_PIPELINE_H
#define FAATTN_PIPELINE_PIPELINE_H

#include "mlir/Pass/PassManager.h"
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
  /// faattn-pipeline-kv on every kernel after faattn-assign-layouts
  /// (faattn-run --cpu --pipeline-kv); else only on those marked
  /// `overlap = softmax` (the wgmma TMA pipeline lowers them).
  bool pipelineKV = false;
  /// faattn-tile's long-kv: the long-KV build of the kernels that have one
  /// (`overlap = auto`'s shape-dependent choice).
  bool longKV = false;
};

/// Adds the algorithm passes (nested on func.func). Returns false when
/// `stopAfter` names no algorithm pass.
bool addAlgorithmPasses(mlir::OpPassManager &pm, const AlgorithmOptions &options = {});

/// The CPU path after the algorithm passes: faattn-tiles-to-linalg, one-shot
/// bufferization, deallocation, loops, and conversion to the LLVM dialect.
void addCpuLoweringPasses(mlir::OpPassManager &pm);

/// The GPU (SIMT) path after the algorithm passes: faattn-tiles-to-gpu, then
/// the gpu.module to the NVVM/LLVM dialects (ready for faattn::emitPTX).
void addGpuLoweringPasses(mlir::OpPassManager &pm);

/// Registers what the GPU path needs (gpu, nvvm, LLVM, their translations).
void registerGpuDialects(mlir::DialectRegistry &registry);

/// Registers what the CPU path needs beyond registerFAAttnDialects: linalg,
/// tensor, bufferization and their bufferization models, the LLVM dialect
/// and its translation.
void registerCpuDialects(mlir::DialectRegistry &registry);

/// A kernel compiled for the GPU.
struct GpuKernel {
  std::string name;  // the PTX entry
  std::string chip;  // sm_90a or sm_80
  std::string ptx;
  int64_t blockM = 0;      // query rows per CTA
  int64_t threads = 0;     // threads per CTA (the SIMT mapping: blockM)
  int64_t sharedBytes = 0; // dynamic shared memory per CTA
  std::string mapping = "simt"; // "simt" or "wgmma"
  /// Split-KV decode (maxSplits > 0): entries `name` (the split grid) and
  /// `name`_combine, a workspace from the runtime (faattn-split-kv).
  int64_t blockN = 0, maxSplits = 0;
  /// The TMA pipeline (tmaBlockN > 0): four tensor maps (q, k, v, out; 64
  /// columns, 128-byte swizzle; block_m rows for q and out, tmaBlockN for k
  /// and v) follow the memref arguments.
  int64_t tmaBlockN = 0;
  /// The wgmma mapping's warpgroup schedule ("inline-producer", "pingpong"
  /// or "cooperative") and K/V ring depth (the TMA pipeline's; 0 without).
  std::string schedule;
  int64_t stages = 0;
  /// A persistent grid (`grid = persistent` on the wgmma path): a CTA per
  /// SM slot taking q-tiles from a zeroed i32 counter, an argument after
  /// the memrefs (see CompiledKernel::persistent).
  bool persistent = false;
  /// The order the wgmma mapping's tiles are taken in ("heavy_first" or
  /// "l2_sections", see tileCoords in GpuOutline.h; "" on the SIMT path).
  std::string tileOrder;
  /// What the wgmma mapping's products overlap within a warpgroup:
  /// "softmax" (faattn-pipeline-kv's rotated loops), "" for nothing.
  std::string overlap;
  /// Why the kernel did not get the wgmma mapping or its TMA pipeline ("" when
  /// it did, or when it was never a candidate: split-KV decode).
  std::string fallback;
  /// Shape-dependent builds of the same spec (`overlap = auto`: the long-KV
  /// build, cooperative with the softmax overlap), each launched instead of
  /// this kernel from a KV sequence of minSeqKV rows; ascending minSeqKV.
  std::vector<GpuKernel> alternatives;
  /// As an alternative: the shortest KV sequence it is launched for.
  int64_t minSeqKV = 0;
};

/// The spec through the algorithm passes (decode split over a runtime
/// workspace), the GPU lowerings (wgmma or SIMT) and the NVPTX backend; for
/// the kernels faattn-tile marks (`overlap = auto`), a second build with
/// faattn-tile's long-kv as `alternatives` (an error there fails the
/// compile). `ctx` must have registerFAAttnDialects and registerGpuDialects.
/// `printIR` enables --print-ir-after-all.
llvm::Expected<GpuKernel> compileForGpu(mlir::MLIRContext &ctx, const spec::KernelSpec &kernel,
                                        llvm::SourceMgr &sm, bool printIR = false);

} // namespace faattn

#endif // FAATTN_PIPELINE_PIPELINE_H
