//===- Pipeline.cpp - faattn's pass pipelines ------------------------------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Pipeline/Pipeline.h"

#include <cstdlib>

#include "faattn/Frontend/SpecToIR.h"
#include "faattn/Target/PTX.h"
#include "faattn/Conversion/Passes.h"
#include "faattn/Target/Passes.h"
#include "faattn/Target/KernelABIJson.h"
#include "faattn/Transforms/Passes.h"
#include "faattn/Transforms/TileSequence.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

#include "mlir/Pass/PassManager.h"

#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <optional>
#include <thread>

using namespace mlir;

namespace faattn {

llvm::ArrayRef<llvm::StringRef> algorithmPassNames() {
  static const llvm::StringRef names[] = {
      "faattn-tune",          "faattn-tile",           "faattn-fold-row-factors",
      "faattn-loop-order",    "faattn-split-kv",
      "faattn-mask-analysis", "faattn-kv-head",  "faattn-online-softmax",
      "faattn-assign-layouts", "faattn-overlap-softmax"};
  return names;
}

bool addAlgorithmPasses(OpPassManager &pm, const AlgorithmOptions &options) {
  llvm::StringRef stopAfter = options.stopAfter;
  if (!stopAfter.empty() && !llvm::is_contained(algorithmPassNames(), stopAfter))
    return false;
  OpPassManager &fn = pm.nest<func::FuncOp>();
  for (llvm::StringRef name : algorithmPassNames()) {
    if (name == "faattn-tune") {
      FAAttnTuneOptions o;
      o.longKV = options.longKV;
      o.padHeadDims = options.padHeadDims;
      fn.addPass(createFAAttnTune(o));
    }
    else if (name == "faattn-tile") {
      FAAttnTileOptions o;
      o.padHeadDims = options.padHeadDims;
      fn.addPass(createFAAttnTile(o));
    }
    else if (name == "faattn-fold-row-factors")
      fn.addPass(createFAAttnFoldRowFactors());
    else if (name == "faattn-loop-order")
      fn.addPass(createFAAttnLoopOrder());
    else if (name == "faattn-split-kv") {
      if (options.splitKV) {
        FAAttnSplitKVOptions o;
        o.workspaceArgs = options.splitKVWorkspaceArgs;
        // On the GPU the runtime's cost model picks the count at launch (up to
        // one CTA of the grid over every SM of a large GPU: an MQA decode step
        // at batch 1 is a single (batch, head group) CTA); the CPU path keeps
        // the pass's default.
        if (o.workspaceArgs) {
          o.maxSplits = 256;
          if (int64_t k = splitBalanceOverride())
            o.balance = k;
        }
        o.lastCtaCombine = lastCtaCombineOverride();
        o.balancePaged = experimentalPagedBalance();
        fn.addPass(createFAAttnSplitKV(o));
      }
    }
    else if (name == "faattn-mask-analysis")
      fn.addPass(createFAAttnMaskAnalysis());
    else if (name == "faattn-kv-head")
      fn.addPass(createFAAttnKVHead());
    else if (name == "faattn-online-softmax")
      fn.addPass(createFAAttnOnlineSoftmax());
    else if (name == "faattn-assign-layouts")
      fn.addPass(createFAAttnAssignLayouts());
    else {
      // On the laid-out tiles (the carried P and alpha keep theirs): every
      // kernel with options.overlapSoftmax, else those with `overlap = softmax`.
      FAAttnOverlapSoftmaxOptions overlap;
      overlap.markedOnly = !options.overlapSoftmax;
      fn.addPass(createFAAttnOverlapSoftmax(overlap));
    }
    if (name == stopAfter)
      break;
  }
  return true;
}

void addCpuLoweringPasses(OpPassManager &pm, bool naiveBackward, int64_t backwardBlock,
                          bool padHeadDims, int64_t backwardMaxCols) {
  // Backward ops (the algorithm passes leave them whole): the score's
  // derivatives, then the blocked backward as tile ops whose Q loops
  // faattn-mask-analysis splits in column order (it leaves the forward's
  // loops, split already, as they are), or the naive scalar loops, the
  // reference lowering. Both leave forward kernels unchanged.
  pm.nest<func::FuncOp>().addPass(createFAAttnScoreGrad());
  if (naiveBackward) {
    pm.nest<func::FuncOp>().addPass(createFAAttnBackwardToLoops());
  } else {
    FAAttnBackwardTileOptions tile;
    tile.block = backwardBlock;
    tile.padHeadDims = padHeadDims;
    tile.maxCols = backwardMaxCols;
    pm.nest<func::FuncOp>().addPass(createFAAttnBackwardTile(tile));
    pm.nest<func::FuncOp>().addPass(createFAAttnMaskAnalysis());
  }
  pm.nest<func::FuncOp>().addPass(createFAAttnTilesToLinalg());
  pm.addPass(createForallToForLoopPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.allowReturnAllocsFromLoops = true; // the KV loop's running tiles
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.nest<func::FuncOp>().addPass(createConvertLinalgToLoopsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass()); // what has no LLVM intrinsic (tanh)
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

llvm::ArrayRef<llvm::StringRef> gpuLoweringPassNames() {
  static const llvm::StringRef names[] = {"faattn-backward-to-gpu", "faattn-tiles-to-wgmma",
                                          "faattn-tiles-to-gpu",
                                          "faattn-fast-math", "faattn-tensor-map-args"};
  return names;
}

/// Whether environment variable `name` is "1".
static bool envFlag(const char *name) {
  const char *env = std::getenv(name);
  return env && llvm::StringRef(env) == "1";
}

bool experimentalE4M3KV() {
  static const bool on = envFlag("FAATTN_EXPERIMENTAL_E4M3_KV");
  return on;
}

bool fp8SimtForced() {
  static const bool on = envFlag("FAATTN_FP8_SIMT");
  return on;
}

bool packedThreadCopies() {
  static const bool on = envFlag("FAATTN_PACKED_THREAD_COPIES");
  return on;
}

bool experimentalNoLSR() {
  static const bool on = envFlag("FAATTN_EXPERIMENTAL_NO_LSR");
  return on;
}

bool experimentalPaddedHeadDims() {
  static const bool on = envFlag("FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS");
  return on;
}

/// Environment variable `name` as an integer in [lo, hi], else `otherwise`.
static int64_t envInt(const char *name, int64_t lo, int64_t hi, int64_t otherwise) {
  const char *env = std::getenv(name);
  int64_t n = 0;
  if (!env || llvm::StringRef(env).getAsInteger(10, n) || n < lo || n > hi)
    return otherwise;
  return n;
}

int64_t splitBalanceOverride() {
  static const int64_t balance = envInt("FAATTN_SPLIT_BALANCE", 1, 64, 0);
  return balance;
}

bool experimentalPagedBalance() {
  static const bool on = [] {
    const char *env = std::getenv("FAATTN_EXPERIMENTAL_PAGED_BALANCE");
    return env && llvm::StringRef(env) == "1";
  }();
  return on;
}

bool lastCtaCombineOverride() {
  static const bool on = [] {
    const char *env = std::getenv("FAATTN_SPLIT_COMBINE");
    return env && llvm::StringRef(env) == "last_cta";
  }();
  return on;
}

llvm::StringRef e4m3TransposeOrder() {
  static const std::string order = [] {
    const char *env = std::getenv("FAATTN_E4M3_TRANSPOSE");
    std::string v = env ? env : "";
    return v == "direct" || v == "rotated" || v == "skip" ? v : std::string("lean");
  }();
  return order;
}

int64_t rowPartials() {
  static const int64_t parts = envInt("FAATTN_ROW_PARTIALS", 2, 8, 1);
  return parts;
}

int64_t experimentalBackwardCopyBatch() {
  static const int64_t batch = envInt("FAATTN_EXPERIMENTAL_BACKWARD_COPY_BATCH", 1, 16, 1);
  return batch;
}

bool backwardCopyRegisters() {
  static const bool on = envFlag("FAATTN_BACKWARD_COPY_REGISTERS");
  return on;
}

bool experimentalBackwardCopyPrefetch() {
  static const bool on = envFlag("FAATTN_EXPERIMENTAL_BACKWARD_COPY_PREFETCH");
  return on;
}

bool experimentalBackwardOverlap() {
  static const bool on = envFlag("FAATTN_EXPERIMENTAL_BACKWARD_OVERLAP");
  return on;
}

bool backwardHoistedDescriptors() {
  static const bool on = envFlag("FAATTN_BACKWARD_HOISTED_DESCRIPTORS");
  return on;
}

bool backwardThreadPerRow() {
  static const bool on = envFlag("FAATTN_BACKWARD_THREAD_PER_ROW");
  return on;
}

bool backwardOneWarpgroup() {
  static const bool on = envFlag("FAATTN_BACKWARD_ONE_WARPGROUP");
  return on;
}

bool backwardDqAtomic() {
  static const bool on = envFlag("FAATTN_BACKWARD_DQ_ATOMIC");
  return on;
}

bool simtBackwardForced() {
  static const bool on = envFlag("FAATTN_BACKWARD_SIMT");
  return on;
}

/// The widest dK / dV / dQ column range one warpgroup accumulates: head dims
/// past it are done in column chunks (faattn-backward-tile's max-cols). At
/// 128 a thread holds dK and dV (64 x 128 f32 each: 128 registers) beside
/// S and dP; head dim 128 runs without spills (PERFORMANCE step 60).
constexpr int64_t kBackwardWgmmaMaxCols = 128;

/// The keys of a tensor-core backward CTA whose two warpgroups split them
/// (faattn-backward-tile's block-kv; PERFORMANCE step 67): each holds what
/// one warpgroup of 64 keys held, and Q, dO, the LSE and D are copied once
/// for both.
constexpr int64_t kBackwardKeySplitKeys = 128;

/// The widest head dim at which the key split takes a kernel whatever its
/// mask and score: up to it every kernel measured fits a thread's 255
/// registers without spills (48, 64, 80 causal or not, learnable ALiBi at
/// 64); past it a mask or a score modification spilled (96 and 128 causal,
/// 128 with learnable ALiBi; ptxas, step 67), where one warpgroup of 64 keys
/// does not, so there only plain kernels (no mask, the identity score; 0
/// spills at 96, 112 and 128) take it.
constexpr int64_t kBackwardKeySplitMaxHeadDim = 80;

bool addGpuLoweringPasses(OpPassManager &pm, llvm::StringRef stopAfter, bool e4m3KV,
                          bool backwardWgmma, bool padHeadDims, bool backwardKeySplit) {
  if (!stopAfter.empty() && !llvm::is_contained(gpuLoweringPassNames(), stopAfter))
    return false;
  // Backward ops (the algorithm passes leave them whole): the score's
  // derivatives, then the SIMT backward kernels.
  pm.nest<func::FuncOp>().addPass(createFAAttnScoreGrad());
  if (backwardWgmma) {
    // Experimental: the blocked backward's GPU form at 64 x 64 blocks, its
    // Q loops split by the mask analysis in column order.
    FAAttnBackwardTileOptions tile;
    tile.workspaceArgs = true;
    tile.block = 64;
    tile.padHeadDims = padHeadDims;
    tile.maxCols = kBackwardWgmmaMaxCols;
    // Two warpgroups split a CTA's 128 keys (faattn-tiles-to-wgmma's key
    // split) where takesBackwardKeySplit chose it.
    tile.blockKV = backwardKeySplit ? kBackwardKeySplitKeys : 0;
    pm.nest<func::FuncOp>().addPass(createFAAttnBackwardTile(tile));
    pm.nest<func::FuncOp>().addPass(createFAAttnMaskAnalysis());
  } else {
    pm.addPass(createFAAttnBackwardToGPU());
  }
  if (stopAfter == "faattn-backward-to-gpu")
    return true;
  // Tensor cores where the kernel fits them, the SIMT mapping for the rest.
  FAAttnTilesToWGMMAOptions wgmma;
  wgmma.e4m3KV = e4m3KV;
  wgmma.e4m3 = !fp8SimtForced();
  wgmma.packedTma = !packedThreadCopies();
  wgmma.backward = backwardWgmma;
  wgmma.backwardCopyBatch = experimentalBackwardCopyBatch();
  wgmma.backwardCopyAsync = !backwardCopyRegisters();
  wgmma.backwardCopyPrefetch = experimentalBackwardCopyPrefetch();
  wgmma.backwardDqBulk = !backwardDqAtomic();
  wgmma.backwardOverlap = experimentalBackwardOverlap();
  wgmma.backwardLoopDescriptors = !backwardHoistedDescriptors();
  wgmma.e4m3Transpose = e4m3TransposeOrder().str();
  wgmma.rowPartials = rowPartials();
  pm.addPass(createFAAttnTilesToWGMMA(wgmma));
  if (stopAfter == "faattn-tiles-to-wgmma")
    return true;
  FAAttnTilesToGPUOptions simt;
  simt.maxRowLanes = backwardThreadPerRow() ? 1 : 32;
  pm.addPass(createFAAttnTilesToGPU(simt));
  if (stopAfter == "faattn-tiles-to-gpu")
    return true;
  OpPassManager &g = pm.nest<gpu::GPUModuleOp>();
  // The tensor-core kernels' f32 math on the SFU (faattn.mapping = "wgmma").
  g.addPass(createFAAttnFastMath());
  if (stopAfter == "faattn-fast-math")
    return true;
  g.addPass(createLowerAffinePass());
  g.addPass(createSCFToControlFlowPass());
  g.addPass(memref::createExpandStridedMetadataPass());
  g.addPass(createLowerAffinePass());
  g.addPass(createConvertGpuOpsToNVVMOps());
  g.addPass(createFAAttnTensorMapArgs());
  if (stopAfter == "faattn-tensor-map-args")
    return true;
  // NVVM ops written as PTX (wgmma.mma_async) to inline assembly.
  g.addPass(createConvertNVVMToLLVMPass());
  g.addPass(createReconcileUnrealizedCastsPass());
  return true;
}

void registerGpuDialects(DialectRegistry &registry) {
  registry.insert<gpu::GPUDialect, NVVM::NVVMDialect, LLVM::LLVMDialect, cf::ControlFlowDialect,
                  vector::VectorDialect>();
  vector::registerConvertVectorToLLVMInterface(registry);
  // convert-gpu-to-nvvm lowers the other dialects through their
  // ConvertToLLVMPatternInterface: register the ones the kernels use.
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  index::registerConvertIndexToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  registerConvertNVVMToLLVMInterface(registry);
  ub::registerConvertUBToLLVMInterface(registry);
  registerPTXTranslations(registry);
}

/// Whether the tensor-core backward takes `k` (unless FAATTN_BACKWARD_SIMT=1):
/// a backward kernel for sm_90a in bf16 / f16 whose head dims the template
/// takes: multiples of 16 (wgmma's k-step) up to 128 for qk and v, or over
/// 128 in column chunks of multiples of 16 up to 128 wide (backwardColumnChunks:
/// 144-256, 192 : 128, 256 : 128, ...). Every such class has run on a GPU
/// against the float64 reference (16-128: bench/results/2026-12-05-h200-*;
/// 48, 80, 96, 112, 128 : 64 and the chunked ones, equal and unequal:
/// 2026-12-06-h100-{4f3afe5,c6d4085}-*). Others keep the SIMT backward: head
/// dims not multiples of 16 (40, 72, ...), and a head dim over 128 beside one
/// too narrow to split as often (256 : 16), which would hold its whole dK or
/// dV in one warpgroup.
/// A head dim as faattn-backward-tile tiles it: under
/// FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1 a multiple of 8 padded to the next
/// multiple of 16 (the template then sees that).
static int64_t tiledHeadDim(int64_t d) {
  return experimentalPaddedHeadDims() ? paddedHeadDim(d) : d;
}

bool takesBackwardWgmma(const spec::KernelSpec &k) {
  int64_t dqk = tiledHeadDim(k.headDimQK), dv = tiledHeadDim(k.headDimV);
  // Column chunks of the tensors' own head dims (as faattn-backward-tile
  // makes them: of multiples of 16 when the head dims are); without chunks
  // every multiple of 16 up to 128.
  bool padded = dqk != k.headDimQK || dv != k.headDimV;
  bool chunked =
      !padded && !backwardColumnChunks(dqk, dv, kBackwardWgmmaMaxCols).empty();
  auto fits = [&](int64_t d) { return d % 16 == 0 && (chunked || d <= 128); };
  return !simtBackwardForced() && k.mode == spec::Mode::Backward &&
         k.target == spec::Target::SM90a && k.dtype != spec::DType::E4M3 && fits(dqk) &&
         fits(dv);
}

bool takesBackwardKeySplit(const spec::KernelSpec &k) {
  if (!takesBackwardWgmma(k) || k.deterministic || backwardOneWarpgroup())
    return false;
  int64_t widest = std::max<int64_t>(tiledHeadDim(k.headDimQK), tiledHeadDim(k.headDimV));
  if (widest > kBackwardWgmmaMaxCols)
    return false; // column chunks: one warpgroup's loops
  bool plain = !k.mask && k.score && k.score->kind == spec::Expr::Kind::Builtin &&
               k.score->builtin == spec::Builtin::Score;
  return widest <= kBackwardKeySplitMaxHeadDim || plain;
}

namespace {

/// What faattn-tune decided of a long-KV build (the function's
/// faattn.long_kv_alternative and faattn.long_kv_blocks_per_wave): the
/// shortest seq_kv it may be launched for (0: no such build) and the cost
/// model's ratio.
struct LongKVChoice {
  int64_t fromSeqKV = 0;
  double blocksPerWave = 0;
};

/// One build of `k`: the algorithm passes (faattn-tune's long-kv when
/// `longKV`), the GPU lowering and the NVPTX backend. `afterAlgorithm`, when
/// given, is called after the algorithm passes with faattn-tune's choice,
/// before the lowering.
llvm::Expected<GpuKernel> buildForGpu(MLIRContext &ctx, const spec::KernelSpec &k,
                                      llvm::SourceMgr &sm, bool printIR, bool longKV,
                                      TimingScope &timing,
                                      llvm::function_ref<void(LongKVChoice)> afterAlgorithm = {}) {
  auto fail = [&](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "kernel '" + k.name + "': " + msg);
  };
  TimingScope frontend = timing.nest("frontend (spec to faattn IR)");
  OwningOpRef<ModuleOp> module = buildKernelModule(ctx, k, sm);
  frontend.stop();
  // Two pass managers: what the algorithm passes decided (the long-KV
  // alternative) is read between them.
  PassManager algorithm(&ctx), lowering(&ctx);
  if (printIR) {
    ctx.disableMultithreading();
    algorithm.enableIRPrinting();
    lowering.enableIRPrinting();
  }
  AlgorithmOptions algorithmOptions;
  algorithmOptions.splitKVWorkspaceArgs = true;
  algorithmOptions.longKV = longKV;
  algorithmOptions.padHeadDims = experimentalPaddedHeadDims();
  addAlgorithmPasses(algorithm, algorithmOptions);
  addGpuLoweringPasses(lowering, "", experimentalE4M3KV(), takesBackwardWgmma(k),
                       experimentalPaddedHeadDims(), takesBackwardKeySplit(k));
  TimingScope algorithmTime = timing.nest("algorithm passes");
  if (algorithmTime)
    algorithm.enableTiming(algorithmTime);
  if (failed(algorithm.run(*module)))
    return fail("the GPU pipeline failed");
  algorithmTime.stop();
  if (afterAlgorithm) {
    LongKVChoice choice;
    module->walk([&](func::FuncOp fn) {
      if (auto a = fn->getAttrOfType<IntegerAttr>(FAAttnDialect::getLongKvAlternativeAttrName()))
        choice.fromSeqKV = a.getInt();
      if (auto r = fn->getAttrOfType<FloatAttr>(FAAttnDialect::getLongKvBlocksPerWaveAttrName()))
        choice.blocksPerWave = r.getValueAsDouble();
    });
    afterAlgorithm(choice);
  }
  TimingScope loweringTime = timing.nest("GPU lowering passes");
  if (loweringTime)
    lowering.enableTiming(loweringTime);
  if (failed(lowering.run(*module)))
    return fail("the GPU pipeline failed");
  loweringTime.stop();
  auto gpuModules = module->getOps<gpu::GPUModuleOp>();
  if (gpuModules.empty())
    return fail("the GPU pipeline made no gpu.module");
  gpu::GPUModuleOp gpuModule = *gpuModules.begin();
  GpuKernel kernel;
  kernel.name = k.name;
  kernel.target = spec::targetName(k.target);
  kernel.varlen = k.varlen;
  if (auto fn = gpuModule.lookupSymbol<LLVM::LLVMFuncOp>(k.name)) {
    if (auto a = fn->getAttrOfType<IntegerAttr>(FAAttnDialect::getBlockMAttrName()))
      kernel.blockM = a.getInt();
    if (auto a = fn->getAttrOfType<IntegerAttr>(FAAttnDialect::getHeadGroupAttrName()))
      kernel.headGroup = a.getInt();
    kernel.threads = kernel.blockM;
    if (auto a = fn->getAttrOfType<IntegerAttr>(FAAttnDialect::getThreadsAttrName()))
      kernel.threads = a.getInt();
    if (auto a = fn->getAttrOfType<IntegerAttr>(FAAttnDialect::getDynamicSharedBytesAttrName()))
      kernel.sharedBytes = a.getInt();
    if (auto a = fn->getAttrOfType<IntegerAttr>(FAAttnDialect::getTmaBlockNAttrName()))
      kernel.tmaBlockN = a.getInt();
    if (auto a = fn->getAttrOfType<DenseI64ArrayAttr>(FAAttnDialect::getTmaSwizzleAttrName())) {
      if (a.size() == 2) { // q and k; v and out
        kernel.tmaSwizzleQK = kernel.tmaSwizzleK = a[0];
        kernel.tmaSwizzleV = kernel.tmaSwizzleVLoad = a[1];
      } else if (a.size() == 4) { // q, k, v, out (e4m3 K/V)
        kernel.tmaSwizzleQK = a[0];
        kernel.tmaSwizzleK = a[1];
        kernel.tmaSwizzleVLoad = a[2];
        kernel.tmaSwizzleV = a[3];
      }
    }
    if (auto a = fn->getAttrOfType<StringAttr>(FAAttnDialect::getMappingAttrName()))
      kernel.mapping = a.getValue().str();
    if (auto a = fn->getAttrOfType<StringAttr>(FAAttnDialect::getScheduleAttrName()); a && kernel.mapping == "wgmma")
      kernel.schedule = a.getValue().str();
    if (auto a = fn->getAttrOfType<IntegerAttr>(FAAttnDialect::getRingStagesAttrName()))
      kernel.stages = a.getInt();
    kernel.persistent = fn->hasAttr(FAAttnDialect::getPersistentAttrName());
    if (auto a = fn->getAttrOfType<StringAttr>(FAAttnDialect::getTileOrderAttrName()); a && kernel.mapping == "wgmma")
      kernel.tileOrder = a.getValue().str();
    // The kernel function carries the spec's key too (overlap = none): what
    // counts is what the wgmma lowering did.
    if (auto a = fn->getAttrOfType<StringAttr>(FAAttnDialect::getOverlapAttrName());
        a && a.getValue() == "softmax" && kernel.mapping == "wgmma")
      kernel.overlap = a.getValue().str();
    for (llvm::StringRef why :
         {FAAttnDialect::getWgmmaSkippedAttrName(), FAAttnDialect::getTmaSkippedAttrName()})
      if (auto a = fn->getAttrOfType<StringAttr>(why))
        kernel.fallback = a.getValue().str();
    if (auto split = fn->getAttrOfType<DictionaryAttr>(FAAttnDialect::getSplitKvAttrName())) {
      auto get = [&](llvm::StringRef key) {
        auto a = split.getAs<IntegerAttr>(key);
        return a ? a.getInt() : 0;
      };
      kernel.blockN = get("block_n");
      kernel.maxSplits = get("max_splits");
      kernel.splitBalance = split.contains("balance") ? get("balance") : 1;
      kernel.lastCtaCombine = get("last_cta") == 1;
      auto combine = gpuModule.lookupSymbol<LLVM::LLVMFuncOp>(k.name + "_combine");
      if (kernel.blockN <= 0 || kernel.maxSplits <= 0 || (!combine && !kernel.lastCtaCombine))
        return fail("the split-KV kernel has no combine entry or no block sizes");
      // The combine runs block_m threads over the split grid's q-blocks.
      auto combineRows =
          combine ? combine->getAttrOfType<IntegerAttr>(FAAttnDialect::getBlockMAttrName()) : nullptr;
      if (!kernel.lastCtaCombine && (!combineRows || combineRows.getInt() != kernel.blockM))
        return fail("the split-KV combine's q-block is not the split grid's");
    }
  }
  if (k.mode == spec::Mode::Backward) {
    // faattn-backward-to-gpu's two entries: `name`_dq's rows are block_m,
    // `name`'s (the key rows) block_n. The tiled backward's three: `name`_pre
    // and `name`_post over block_m query rows, `name` over block_n keys.
    auto dqFn = gpuModule.lookupSymbol<LLVM::LLVMFuncOp>(k.name + "_dq");
    auto preFn = gpuModule.lookupSymbol<LLVM::LLVMFuncOp>(k.name + "_pre");
    auto postFn = gpuModule.lookupSymbol<LLVM::LLVMFuncOp>(k.name + "_post");
    auto rows = [](LLVM::LLVMFuncOp fn) -> int64_t {
      auto a = fn ? fn->getAttrOfType<IntegerAttr>(FAAttnDialect::getBlockMAttrName()) : nullptr;
      return a ? a.getInt() : 0;
    };
    auto threads = [&](LLVM::LLVMFuncOp fn) -> int64_t {
      auto a = fn ? fn->getAttrOfType<IntegerAttr>(FAAttnDialect::getThreadsAttrName()) : nullptr;
      return a ? a.getInt() : rows(fn);
    };
    kernel.backward = true;
    kernel.backwardTiled = preFn && postFn;
    kernel.preThreads = kernel.backwardTiled ? threads(preFn) : 0;
    kernel.postThreads = kernel.backwardTiled ? threads(postFn) : 0;
    kernel.blockN = kernel.blockM;
    kernel.blockM = rows(kernel.backwardTiled ? preFn : dqFn);
    if (kernel.backwardTiled && rows(postFn) != kernel.blockM)
      return fail("the tiled backward's pre and post grids differ in rows");
    if ((!dqFn && !kernel.backwardTiled) || kernel.blockM <= 0 || kernel.blockN <= 0)
      return fail("the backward kernel has no _dq (or _pre and _post) entry or no block sizes");
  }
  if (kernel.blockM <= 0)
    return fail("the GPU kernel has no block size");
  // The argument list of the ABI is the lowered kernel's: a difference is a
  // compiler bug (the frontend, faattn-split-kv or the lowering moved an
  // argument without KernelABI's kernelArgs).
  kernel.args = kernelArgs(k, kernel.maxSplits > 0 || kernel.backward, kernel.backwardTiled,
                           kernel.lastCtaCombine);
  for (const std::string &entry :
       {k.name,
        kernel.maxSplits > 0 && kernel.lastCtaCombine ? std::string()
        : kernel.maxSplits > 0                       ? k.name + "_combine"
        : kernel.backwardTiled ? k.name + "_pre"
        : kernel.backward      ? k.name + "_dq"
                               : std::string(),
        kernel.backwardTiled ? k.name + "_post" : std::string()}) {
    auto fn = entry.empty() ? LLVM::LLVMFuncOp() : gpuModule.lookupSymbol<LLVM::LLVMFuncOp>(entry);
    int64_t params = entry == k.name ? kernel.llvmParams() : kernel.combineLlvmParams();
    if (fn && static_cast<int64_t>(fn.getNumArguments()) != params)
      return fail("the GPU kernel '" + entry + "' has " + llvm::Twine(fn.getNumArguments()) +
                  " parameters, its ABI " + llvm::Twine(params));
  }
  if (!launchSizesValid(kernel))
    return fail("the GPU kernel's launch sizes are out of range (block_m " +
                llvm::Twine(kernel.blockM) + ", threads " + llvm::Twine(kernel.threads) +
                ", shared memory " + llvm::Twine(kernel.sharedBytes) + ")");
  PTXOptions options;
  options.chip = kernel.target;
  options.loopStrengthReduction = !experimentalNoLSR();
  TimingScope ptxTime = timing.nest("PTX (LLVM)");
  options.timing = &ptxTime;
  llvm::Expected<std::string> ptx = emitPTX(gpuModule, options);
  if (!ptx)
    return fail(llvm::toString(ptx.takeError()));
  kernel.ptx = std::move(*ptx);
  return kernel;
}

} // namespace

llvm::Expected<GpuKernel> compileForGpu(MLIRContext &ctx, const spec::KernelSpec &k,
                                        llvm::SourceMgr &sm, bool printIR, TimingScope *timing) {
  TimingScope none;
  TimingScope &root = timing ? *timing : none;
  // A deterministic backward's param gradients: ordered by the tensor-core
  // backward's partials only (the SIMT one adds them by atomics).
  bool learnable = std::any_of(k.params.begin(), k.params.end(),
                               [](const spec::ParamDecl &p) { return p.requiresGrad; });
  if (k.mode == spec::Mode::Backward && k.deterministic && learnable) {
    auto refuse = [&](const llvm::Twine &why) {
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "kernel '" + k.name + "': " + why);
    };
    if (!takesBackwardWgmma(k))
      return refuse("deterministic with params that require a gradient needs the tensor-core "
                    "backward, which does not take this kernel (the SIMT backward adds param "
                    "gradients in no fixed order)");
  }
  // overlap = auto's shape-dependent choice: the long-KV build, launched from
  // seq_kv = longKVChoice.fromSeqKV where its cost model says
  // (launchesAlternative, KernelABI.h). Known once the main build's algorithm passes ran
  // (faattn-tune marks the function), it is built from then on in a thread
  // of its own, in a context of its own (the caller's may be
  // single-threaded), while the main build lowers: the two cost about one
  // build's time, not two (docs/PERFORMANCE.md, compile time). The spec's
  // source buffer is only read by then (its line table was built by the
  // main build's frontend). With printIR the builds run in series, their IR
  // printed one after the other.
  LongKVChoice longKVChoice;
  std::unique_ptr<MLIRContext> longKVCtx;
  std::optional<llvm::Expected<GpuKernel>> longKVBuild;
  std::thread worker;
  TimingScope longKVTime;
  auto buildLongKV = [&, printIR] {
    longKVBuild.emplace(buildForGpu(*longKVCtx, k, sm, printIR, true, longKVTime));
    longKVTime.stop();
  };
  auto start = [&](LongKVChoice choice) {
    longKVChoice = choice;
    if (choice.fromSeqKV <= 0)
      return;
    if (k.loc.isValid())
      (void)sm.getLineAndColumn(k.loc); // the buffer's line table, before the thread reads it
    longKVCtx = std::make_unique<MLIRContext>(ctx.getDialectRegistry(),
                                              MLIRContext::Threading::DISABLED);
    longKVTime = root.nest("long-KV build (overlap = auto)");
    if (!printIR)
      worker = std::thread(buildLongKV);
  };
  TimingScope mainTime = root.nest("build");
  llvm::Expected<GpuKernel> kernel = buildForGpu(ctx, k, sm, printIR, false, mainTime, start);
  mainTime.stop();
  if (worker.joinable())
    worker.join();
  else if (longKVCtx)
    buildLongKV();
  if (!kernel || longKVChoice.fromSeqKV <= 0 || kernel->mapping != "wgmma") {
    if (longKVBuild && !*longKVBuild)
      llvm::consumeError(longKVBuild->takeError()); // not needed: the main build decides
    return kernel;
  }
  // It must take the rotated loops (faattn-tune chose it for kernels that
  // do): anything else is a compiler bug, reported as such.
  llvm::Expected<GpuKernel> &longKV = *longKVBuild;
  if (!longKV) { // "kernel 'x': ..." from buildForGpu
    std::string why = llvm::toString(longKV.takeError());
    llvm::StringRef rest(why);
    rest.consume_front("kernel '" + k.name + "': ");
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "kernel '" + k.name + "': its long-KV build (overlap = auto): " +
                                       rest);
  }
  if (longKV->overlap != "softmax")
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "kernel '" + k.name + "': its long-KV build (overlap = auto) did not take the rotated "
        "KV loops" + (longKV->fallback.empty() ? "" : ": " + longKV->fallback));
  longKV->minSeqKV = longKVChoice.fromSeqKV;
  longKV->minKVBlocksPerWave = longKVChoice.blocksPerWave;
  kernel->alternatives.push_back(std::move(*longKV));
  return kernel;
}

void registerCpuDialects(DialectRegistry &registry) {
  registry.insert<linalg::LinalgDialect, tensor::TensorDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  LLVM::LLVMDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

} // namespace faattn
