//===- faattn-run.cpp - Run compiled specs and check them -----------------===//
//
// faattn-run --cpu spec.fa [--kernel=name] --shape=b=2,seq_q=300,seq_kv=517 ...
//
// Compiles each kernel through the algorithm passes and the CPU path (f32
// storage and compute), JIT-compiles it with MLIR's ExecutionEngine, runs it
// on random inputs (never zeros) with the outputs poisoned (a signaling NaN) beforehand,
// and compares out and lse with the float64 reference evaluated from the
// spec itself. Prints one line per kernel and shape; exits 1 when any
// relative L2 error is above the tolerance (or a kernel fails to compile).
// Backward kernels (mode = backward, and the backward of a forward kernel
// with the `backward` flag) get random dout, the forward's out and LSE from
// the float64 reference, and their dq, dk, dv and param gradients compared
// with ref::attentionBackward (--backward-tolerance).
//
// --gpu runs each kernel through the runtime instead (GpuRun.cpp, backward
// kernels GpuBackward.cpp); the placement of varlen and paged rows is in
// Placement.cpp.
//
//===----------------------------------------------------------------------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "FaattnRun.h"
#include "common/ShapeArg.h"
#include "Placement.h"

#include "faattn/Frontend/SpecToIR.h"
#include "faattn/Pipeline/Pipeline.h"
#include "faattn/Reference/Reference.h"
#include "faattn/Reference/ReferenceBackward.h"
#include "faattn/Target/KernelABIJson.h"
#include "faattn/Spec/Spec.h"
#include "faattn/runtime/FileIO.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

using namespace faattn;
using namespace faattn::run;
namespace cl = llvm::cl;

// The options (FaattnRun.h declares those GpuRun.cpp reads too).
namespace faattn::run {

cl::OptionCategory category("faattn-run options");
cl::opt<std::string> input(cl::Positional, cl::desc("<spec.fa>"), cl::Required, cl::cat(category));
cl::opt<bool> cpu("cpu", cl::desc("Run on the CPU (f32 storage and compute)"),
                  cl::cat(category));
cl::opt<bool> gpu("gpu", cl::desc("Run on the GPU (the spec's dtype; through the CUDA driver)"),
                  cl::cat(category));
cl::opt<unsigned> benchIters("bench", cl::init(0),
                             cl::desc("Also time each GPU run: median of N launches (CUDA events)"),
                             cl::cat(category));
cl::opt<bool> benchGraph(
    "bench-graph",
    cl::desc("With --bench: also the median of N replays of the launch captured into CUDA graphs "
             "(the kernels without the launch's host work, as serving engines replay decode)"),
    cl::cat(category));
cl::opt<unsigned> splitCount(
    "splits", cl::init(0),
    cl::desc("Split-KV kernels on the GPU: launch with N KV splits (1 to the kernel's max_splits) "
             "instead of the runtime's cost model (a sweep)"),
    cl::cat(category));
cl::opt<std::string> onlyKernel("kernel", cl::desc("Only this kernel"), cl::value_desc("name"),
                                cl::cat(category));
cl::list<std::string> shapes("shape", cl::desc("b=B,seq_q=SQ,seq_kv=SKV (repeatable)"),
                             cl::value_desc("shape"), cl::cat(category));
cl::opt<double> tolerance("tolerance", cl::init(1e-5),
                          cl::desc("Largest relative L2 error accepted (default 1e-5)"),
                          cl::cat(category));
// The backward's tolerances, from measurement (f32 loops against float64,
// out and LSE handed over in f32). dq, dk, dv: 2e-7 to 6e-7 on most kernels,
// 3.5e-6 for ALiBi at seq_q 517 > seq_kv 300 (large scores magnify the LSE's
// f32 rounding), at most 6.2e-6 on two sets of 80 random backward kernels
// (tests/cpu/run-random.sh, before and after varlen joined them): 5e-5 is a
// margin of 8x. A param gradient sums dS' d s'/d p over many
// elements whose dS' nearly cancel (sum_j dS'_ij = 0 in exact arithmetic), so
// its relative L2 error can be anything (4e-4 for a temperature, 1e8 where
// the exact gradient is 0); it is judged relative to the magnitude of the
// terms it sums instead (rel_terms): at most 1.9e-7 on the catalogue and
// tests/lit/cpu/backward.fa, 1.8e-5 on the random sets (scores in the
// thousands), so 1e-4 is a margin of 5.7x.
cl::opt<double> backwardTolerance(
    "backward-tolerance", cl::init(5e-5),
    cl::desc("Largest relative L2 error accepted for dq, dk and dv of a backward kernel "
             "(default 5e-5; --gpu: the dtype's, bf16 1e-2, f16 5e-3)"),
    cl::cat(category));
cl::opt<double> paramGradTolerance(
    "param-grad-tolerance", cl::init(1e-4),
    cl::desc("Largest error accepted for a backward kernel's param gradient, relative to the "
             "magnitude of the terms it sums (rel_terms; default 1e-4; --gpu: 1e-3)"),
    cl::cat(category));
cl::opt<std::string> loopOrder("loop-order", cl::init(""),
                              cl::desc("Set faattn.loop_order (q-outer or kv-outer)"),
                              cl::value_desc("order"), cl::cat(category));
cl::opt<bool> overlapSoftmax(
    "overlap-softmax",
    cl::desc("--cpu: run faattn-overlap-softmax (block j - 1's P V after block j's Q K^T) on every "
             "kernel (a spec's overlap = softmax asks for it per kernel)"),
    cl::cat(category));
cl::opt<bool> padHeadDims(
    "pad-head-dims",
    cl::desc("--cpu: faattn-tile's pad-head-dims (16-bit sm_90a head dims padded to multiples of "
             "16, as FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1 does on the GPU path)"),
    cl::cat(category));
cl::opt<bool> backwardNaive(
    "backward-naive",
    cl::desc("--cpu: lower backward kernels with faattn-backward-to-loops (the naive scalar "
             "loops, the reference lowering) instead of faattn-backward-tile"),
    cl::cat(category));
cl::opt<unsigned> backwardBlock(
    "backward-block", cl::init(0),
    cl::desc("--cpu: faattn-backward-tile's Q and KV blocks of this many rows instead of the "
             "kernel's tile (64: the tensor-core backward's tiling)"),
    cl::cat(category));
cl::opt<unsigned> backwardMaxCols(
    "backward-max-cols", cl::init(0),
    cl::desc("--cpu: faattn-backward-tile's max-cols: head dims wider than this in column "
             "chunks of dK, dV and dQ (128: the tensor-core backward's, above head dim 128)"),
    cl::cat(category));
cl::opt<unsigned> seed("seed", cl::init(1), cl::desc("Seed of the random inputs"),
                       cl::cat(category));
cl::opt<bool> uniformLengths(
    "uniform-lengths",
    cl::desc("varlen / paged_kv: every sequence at the full seq_q / seq_kv (default: ragged "
             "lengths, one sequence empty; for benchmarks)"),
    cl::cat(category));
cl::opt<std::string> nanKeyOption(
    "nan-key",
    cl::desc("Forward runs: K's and V's key row S of sequence B as NaN (every head and column, "
             "the reference's inputs too), e.g. 1:0, so that a kernel that reads another "
             "sequence's rows (varlen, paged) into a sequence's result is caught"),
    cl::value_desc("B:S"), cl::init(""), cl::cat(category));
cl::opt<bool> graphReplay(
    "graph",
    cl::desc("--gpu, paged_kv kernels: also capture the launch into a CUDA graph and replay it "
             "with other lengths written into seqlens_kv (shorter, one empty, the first again), "
             "each replay checked against the reference at its lengths"),
    cl::cat(category));
cl::opt<std::string> cacheDir(
    "cache-dir", cl::init(""),
    cl::desc("--gpu: the runtime's disk cache in this directory (default: none, every kernel "
             "compiled); prints where each kernel came from"),
    cl::value_desc("dir"), cl::cat(category));
cl::list<std::string> paramFiles(
    "param",
    cl::desc("NAME=FILE: the param's values from FILE (raw little-endian int32 or float32, "
             "its declared type, row-major, as many as its dims hold at the shape) instead of "
             "random ones, so that a benchmark and its peers see the same inputs (repeatable)"),
    cl::value_desc("name=file"), cl::cat(category));

int fail(const llvm::Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "faattn-run") << msg << "\n";
  return 1;
}

/// The kernel's params at `shape`: each from its --param file, or random.
/// Returns the problem (an unknown name, an unreadable file, a size that is not
/// the param's) as an error.
llvm::Expected<std::vector<ref::ParamValue>> kernelParams(const spec::KernelSpec &k,
                                                          const ref::Shape &shape,
                                                          uint64_t seedBase) {
  std::vector<ref::ParamValue> params;
  for (size_t i = 0; i < k.params.size(); ++i)
    params.push_back(ref::randomParam(k, k.params[i], shape, seedBase + 10 + i));
  for (llvm::StringRef option : paramFiles) {
    auto [name, path] = option.split('=');
    if (name.empty() || path.empty())
      return llvm::createStringError("--param must be NAME=FILE, got '" + option + "'");
    const spec::ParamDecl *decl = k.findParam(name.str());
    if (!decl)
      return llvm::createStringError("--param " + name + ": kernel '" + k.name +
                                     "' has no param named '" + name + "'");
    ref::ParamValue &value = params[decl - k.params.data()];
    size_t need = value.data.size() * 4;
    bool isI32 = decl->elemType == spec::Type::I32;
    // A regular file read up to the size it must have: a FIFO, a device or
    // a directory is refused without blocking on it or reading it.
    std::string data;
    int64_t size = -1;
    std::string why = io::readRegularFile(path.str(), int64_t(need), data, &size);
    if (!why.empty() && !(size >= 0 && size_t(size) > need))
      return llvm::createStringError("--param " + name + ": " + why);
    llvm::StringRef bytes = data;
    if (!why.empty() || bytes.size() != need)
      return llvm::createStringError(
          "--param " + name + ": '" + path + "' holds " +
          std::to_string(why.empty() ? bytes.size() : size_t(size)) +
          " bytes; at b=" + std::to_string(shape.batch) + ",seq_q=" + std::to_string(shape.seqQ) +
          ",seq_kv=" + std::to_string(shape.seqKV) + " it needs " + std::to_string(need) + " (" +
          std::to_string(value.data.size()) + (isI32 ? " int32" : " float32") + " values)");
    for (size_t j = 0; j < value.data.size(); ++j) {
      uint32_t word = llvm::support::endian::read32le(bytes.data() + 4 * j);
      value.data[j] = isI32 ? static_cast<double>(static_cast<int32_t>(word))
                            : static_cast<double>(llvm::bit_cast<float>(word));
    }
  }
  return params;
}

bool compareParamGrads(const spec::KernelSpec &k, const std::vector<std::vector<float>> &got,
                       const std::vector<ref::ParamValue> &want,
                       const std::vector<ref::ParamValue> &magnitude, double tol,
                       bool &unwritten) {
  bool ok = true;
  size_t g = 0;
  for (size_t i = 0; i < k.params.size(); ++i) {
    if (!k.params[i].requiresGrad)
      continue;
    // Judged relative to the magnitude of the terms the gradient sums
    // (||got - ref|| / ||sum |terms| ||, at most rel_l2): they may cancel to
    // a gradient far smaller than they are, which f32 cannot resolve.
    const std::vector<float> &grad = got[g++];
    std::vector<double> gotD(grad.begin(), grad.end());
    unwritten |= std::any_of(grad.begin(), grad.end(), isPoisonF32);
    double relL2 = ref::relL2(gotD, want[i].data);
    double diff = 0, scale = 0;
    for (size_t e = 0; e < gotD.size(); ++e) {
      diff += (gotD[e] - want[i].data[e]) * (gotD[e] - want[i].data[e]);
      scale += magnitude[i].data[e] * magnitude[i].data[e];
    }
    double err = std::isinf(relL2) || std::isnan(diff) ? relL2
                 : scale > 0                           ? std::sqrt(diff / scale)
                                                       : std::sqrt(diff);
    ok &= err <= tol;
    llvm::outs() << " d" << k.params[i].name << llvm::format("_rel_l2=%.3g", relL2) << " d"
                 << k.params[i].name << llvm::format("_rel_terms=%.3g", err);
  }
  return ok;
}

} // namespace faattn::run

namespace {

/// The most elements faattn-run gives one tensor (its host copies are
/// float64): a larger shape is an error, not an allocation that fails.
constexpr int64_t kMaxTensorElements = int64_t(1) << 32;

/// Whether kernel `k`'s tensors at `shape` stay within kMaxTensorElements,
/// with checked arithmetic; "" or the error.
std::string checkShapeSize(const spec::KernelSpec &k, const ref::Shape &s,
                           llvm::StringRef text) {
  auto product = [](std::initializer_list<int64_t> xs) -> std::optional<int64_t> {
    int64_t n = 1;
    for (int64_t x : xs)
      if (__builtin_mul_overflow(n, x, &n))
        return std::nullopt;
    return n;
  };
  auto check = [&](const std::string &what, const char *formula,
                   std::optional<int64_t> n) -> std::string {
    if (n && *n <= kMaxTensorElements)
      return "";
    return "--shape '" + text.str() + "': kernel '" + k.name + "': " + what + " (" + formula +
           ") would hold more than " + std::to_string(kMaxTensorElements) + " elements";
  };
  int64_t b = s.batch, sq = s.seqQ, skv = s.seqKV;
  struct {
    std::string what;
    const char *formula;
    std::optional<int64_t> n;
  } tensors[] = {
      {"q", "b * seq_q * heads * head_dim", product({b, sq, k.headsQ, k.headDimQK})},
      {"k", "b * seq_kv * kv_heads * head_dim", product({b, skv, k.headsKV, k.headDimQK})},
      {"v", "b * seq_kv * kv_heads * head_dim_v", product({b, skv, k.headsKV, k.headDimV})},
      {"out", "b * seq_q * heads * head_dim_v", product({b, sq, k.headsQ, k.headDimV})}};
  for (auto &t : tensors)
    if (std::string why = check(t.what, t.formula, t.n); !why.empty())
      return why;
  for (const spec::ParamDecl &p : k.params) {
    std::optional<int64_t> n = 1;
    for (spec::Dim d : p.shape) {
      int64_t x = 1;
      switch (d) {
      case spec::Dim::Batch: x = b; break;
      case spec::Dim::Heads: x = k.headsQ; break;
      case spec::Dim::KVHeads: x = k.headsKV; break;
      case spec::Dim::Seq: x = std::max(sq, skv); break;
      case spec::Dim::SeqQ: x = sq; break;
      case spec::Dim::SeqKV: x = skv; break;
      }
      n = n ? product({*n, x}) : std::nullopt;
    }
    if (std::string why = check("param " + p.name, "its dims", n); !why.empty())
      return why;
  }
  return "";
}

/// A strided memref descriptor of any rank, laid out as the LLVM lowering
/// expects: {allocated, aligned, offset, sizes[rank], strides[rank]}.
struct Descriptor {
  std::vector<int64_t> words;
  Descriptor(void *data, llvm::ArrayRef<int64_t> sizes) {
    words.push_back(reinterpret_cast<int64_t>(data));
    words.push_back(reinterpret_cast<int64_t>(data));
    words.push_back(0);
    llvm::append_range(words, sizes);
    std::vector<int64_t> strides(sizes.size(), 1);
    for (int i = static_cast<int>(sizes.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * sizes[i + 1];
    llvm::append_range(words, strides);
  }
};

/// Values as the kernel sees them: rounded to f32.
std::vector<double> roundToF32(std::vector<double> v) {
  for (double &x : v)
    x = static_cast<float>(x);
  return v;
}

/// The random inputs of a run at `shape` (its lengths as run::place set
/// them): q, k and v rounded to f32, never zero, K/V agreeing with `place`'s
/// shared prefix pages, and the params (drawn, or read from --param files);
/// nullopt after reporting a param that cannot be loaded.
struct RunInputs {
  std::vector<double> q, k, v;
  std::vector<ref::ParamValue> params;
};
std::optional<RunInputs> randomInputs(const spec::KernelSpec &k, const ref::Shape &shape,
                                      const Placement &place, uint64_t seedBase) {
  int64_t B = shape.batch, SQ = shape.seqQ, SKV = shape.seqKV;
  RunInputs in;
  in.q = roundToF32(ref::randomTensor(B * SQ * k.headsQ * k.headDimQK, seedBase + 1));
  in.k = roundToF32(ref::randomTensor(B * SKV * k.headsKV * k.headDimQK, seedBase + 2));
  in.v = roundToF32(ref::randomTensor(B * SKV * k.headsKV * k.headDimV, seedBase + 3));
  sharePrefix(place, in.k, SKV, k.headsKV, k.headDimQK);
  sharePrefix(place, in.v, SKV, k.headsKV, k.headDimV);
  applyNanKey(k, place, SKV, in.k, in.v);
  auto loaded = kernelParams(k, shape, seedBase);
  if (!loaded) {
    fail(llvm::toString(loaded.takeError()));
    return std::nullopt;
  }
  in.params = std::move(*loaded);
  return in;
}

/// Runs kernel `k` (compiled in `engine`) at `shape`; returns false on a
/// numerics failure.
bool runShape(mlir::ExecutionEngine &engine, const spec::KernelSpec &k, ref::Shape shape,
              uint64_t seedBase) {
  int64_t B = shape.batch, SQ = shape.seqQ, SKV = shape.seqKV;
  int64_t HQ = k.headsQ, HKV = k.headsKV, DQK = k.headDimQK, DV = k.headDimV;
  Placement place = run::place(k, shape, seedBase, uniformLengths);
  std::optional<RunInputs> in = randomInputs(k, shape, place, seedBase);
  if (!in)
    return false;
  auto &[q, kk, v, params] = *in;

  // Physical tensors: rows no sequence owns hold unownedRows (NaN among them), outputs NaN.
  auto f32Bytes = [](const std::vector<double> &x) {
    return asBytes(std::vector<float>(x.begin(), x.end()));
  };
  std::vector<uint8_t> garbage = f32Bytes(unownedRows(seedBase + 4));
  const float poison = poisonF32();
  std::vector<float> qf = fromBytes<float>(
      toPhysical(f32Bytes(q), 4, place, true, SQ, HQ, DQK, k.layout, {}));
  std::vector<float> kf = fromBytes<float>(
      toPhysical(f32Bytes(kk), 4, place, false, SKV, HKV, DQK, k.layout, garbage));
  std::vector<float> vf = fromBytes<float>(
      toPhysical(f32Bytes(v), 4, place, false, SKV, HKV, DV, k.layout, garbage));
  std::vector<float> of(place.qPhysBatch * place.qPhysSeq * HQ * DV, poison);
  std::vector<float> lsef(place.qPhysBatch * HQ * place.qPhysSeq, poison);
  // Params in their declared element types (f32 or i32).
  std::vector<std::vector<float>> pf32;
  std::vector<std::vector<int32_t>> pi32;
  std::vector<int32_t> cuQ = place.cuQ, cuKV = place.cuKV, table = place.table,
                       seqlens = place.seqlensKV;
  std::vector<Descriptor> descs = {Descriptor(qf.data(), physDims(place, true, HQ, DQK, k.layout)),
                                   Descriptor(kf.data(), physDims(place, false, HKV, DQK, k.layout)),
                                   Descriptor(vf.data(), physDims(place, false, HKV, DV, k.layout)),
                                   Descriptor(of.data(), physDims(place, true, HQ, DV, k.layout))};
  if (k.returnLse)
    descs.emplace_back(lsef.data(), llvm::ArrayRef<int64_t>{place.qPhysBatch, HQ, place.qPhysSeq});
  // The sequence tensors, in the kernel's order (before the params).
  if (k.varlen)
    descs.emplace_back(cuQ.data(), llvm::ArrayRef<int64_t>{B + 1});
  if (k.varlen && !k.pagedKVPage)
    descs.emplace_back(cuKV.data(), llvm::ArrayRef<int64_t>{B + 1});
  if (k.pagedKVPage) {
    descs.emplace_back(table.data(), llvm::ArrayRef<int64_t>{B, place.maxPages});
    descs.emplace_back(seqlens.data(), llvm::ArrayRef<int64_t>{B});
  }
  pf32.reserve(params.size());
  pi32.reserve(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    if (k.params[i].elemType == spec::Type::I32) {
      pi32.emplace_back(params[i].data.begin(), params[i].data.end());
      descs.emplace_back(pi32.back().data(), params[i].dims);
    } else {
      pf32.emplace_back(params[i].data.begin(), params[i].data.end());
      descs.emplace_back(pf32.back().data(), params[i].dims);
    }
  }
  std::vector<void *> descPtrs, args;
  for (Descriptor &d : descs)
    descPtrs.push_back(d.words.data());
  for (void *&p : descPtrs)
    args.push_back(&p);
  if (llvm::Error err = engine.invokePacked("_mlir_ciface_" + k.name, args)) {
    llvm::errs() << "faattn-run: error: " << llvm::toString(std::move(err)) << "\n";
    return false;
  }
  bool unwritten = std::any_of(of.begin(), of.end(), isPoisonF32);
  if (k.returnLse)
    unwritten |= std::any_of(lsef.begin(), lsef.end(), isPoisonF32);

  std::vector<double> refOut, refLse;
  uint64_t undefinedOps = 0;
  ref::attention(k, shape, q, kk, v, params, refOut, refLse, &undefinedOps);
  std::vector<float> outDense =
      fromBytes<float>(fromPhysical(asBytes(of), 4, place, SQ, HQ, DV, k.layout));
  std::vector<double> out(outDense.begin(), outDense.end());
  double err = unwritten ? INFINITY : ref::relL2(out, refOut);
  double maxAbs = 0;
  for (size_t i = 0; i < out.size(); ++i)
    if (!(std::isnan(out[i]) && std::isnan(refOut[i]))) // NaN on both sides is a match
      maxAbs = std::max(maxAbs, std::isnan(out[i]) || std::isnan(refOut[i])
                                    ? INFINITY
                                    : std::fabs(out[i] - refOut[i]));
  double lseErr = 0;
  if (k.returnLse)
    lseErr = ref::relL2(lseFromPhysical(lsef, place, SQ, HQ), refLse);
  bool ok = err <= tolerance && lseErr <= tolerance;
  llvm::outs() << k.name << " b=" << B << " seq_q=" << SQ << " seq_kv=" << SKV << describe(place)
               << llvm::format(": max_abs_err=%.3g rel_l2=%.3g", maxAbs, err);
  if (k.returnLse)
    llvm::outs() << llvm::format(" lse_rel_l2=%.3g", lseErr);
  if (undefinedOps)
    llvm::outs() << " (" << undefinedOps << " i32 divisions by 0 or of INT_MIN by -1)";
  if (unwritten)
    llvm::outs() << " UNWRITTEN-OUTPUT";
  llvm::outs() << (ok ? " PASS" : " FAIL") << "\n";
  return ok;
}

/// Runs backward kernel `k` (mode = backward, compiled in `engine`) at
/// `shape`: random q, k, v, dout and params; out and lse from the float64
/// forward (rounded to f32, as a forward kernel would hand them over); the
/// gradients compared with ref::attentionBackward. Returns false on a
/// numerics failure. The arguments are passed in kernelArgs' order (the
/// kernel ABI's one definition), by name.
bool runBackwardShape(mlir::ExecutionEngine &engine, const spec::KernelSpec &k, ref::Shape shape,
                      uint64_t seedBase) {
  int64_t B = shape.batch, SQ = shape.seqQ, SKV = shape.seqKV;
  int64_t HQ = k.headsQ, HKV = k.headsKV, DQK = k.headDimQK, DV = k.headDimV;
  // Dense, or varlen's ragged sequences packed (sets shape's lengths).
  Placement place = run::place(k, shape, seedBase, uniformLengths);
  std::optional<RunInputs> in = randomInputs(k, shape, place, seedBase);
  if (!in)
    return false;
  auto &[q, kk, v, params] = *in;
  std::vector<double> dout = roundToF32(ref::randomTensor(B * SQ * HQ * DV, seedBase + 5));
  // The forward's out and LSE, in float64, handed over in f32.
  std::vector<double> refOut, refLse;
  uint64_t undefinedOps = 0;
  ref::attention(k, shape, q, kk, v, params, refOut, refLse, &undefinedOps);
  refOut = roundToF32(refOut);
  refLse = roundToF32(refLse);

  const float poison = poisonF32();
  // The kernel's (physical) tensors, and back to dense padded bshd.
  auto phys = [&](const std::vector<double> &x, bool isQ, int64_t S, int64_t H, int64_t D) {
    return fromBytes<float>(toPhysical(asBytes(std::vector<float>(x.begin(), x.end())), 4, place,
                                       isQ, S, H, D, k.layout, {}));
  };
  auto dense = [&](const std::vector<float> &x, bool isQ, int64_t S, int64_t H, int64_t D) {
    std::vector<float> d =
        fromBytes<float>(fromPhysical(asBytes(x), 4, place, S, H, D, k.layout, isQ));
    return std::vector<double>(d.begin(), d.end());
  };
  std::vector<float> qf = phys(q, true, SQ, HQ, DQK);
  std::vector<float> kf = phys(kk, false, SKV, HKV, DQK);
  std::vector<float> vf = phys(v, false, SKV, HKV, DV);
  std::vector<float> of = phys(refOut, true, SQ, HQ, DV);
  std::vector<float> dof = phys(dout, true, SQ, HQ, DV);
  // The LSE (batch, heads, seq_q), varlen (1, heads, total_q).
  std::vector<float> lsef = lseToPhysical(refLse, place, SQ, HQ);
  std::vector<float> dqf(qf.size(), poison), dkf(kf.size(), poison), dvf(vf.size(), poison);
  std::vector<int32_t> cuQ = place.cuQ, cuKV = place.cuKV;
  auto dims = [&](bool isQ, int64_t H, int64_t D) { return physDims(place, isQ, H, D, k.layout); };
  std::vector<std::vector<float>> pf32, gradf;
  std::vector<std::vector<int32_t>> pi32;
  pf32.reserve(params.size());
  pi32.reserve(params.size());
  gradf.reserve(params.size());
  std::vector<Descriptor> descs;
  for (const KernelArg &a : kernelArgs(k, /*splitKV=*/false)) {
    llvm::StringRef name = a.name;
    if (name == "q")
      descs.emplace_back(qf.data(), dims(true, HQ, DQK));
    else if (name == "k")
      descs.emplace_back(kf.data(), dims(false, HKV, DQK));
    else if (name == "v")
      descs.emplace_back(vf.data(), dims(false, HKV, DV));
    else if (name == "out")
      descs.emplace_back(of.data(), dims(true, HQ, DV));
    else if (name == "lse")
      descs.emplace_back(lsef.data(),
                         llvm::ArrayRef<int64_t>{place.qPhysBatch, HQ, place.qPhysSeq});
    else if (name == "dout")
      descs.emplace_back(dof.data(), dims(true, HQ, DV));
    else if (name == "dq")
      descs.emplace_back(dqf.data(), dims(true, HQ, DQK));
    else if (name == "dk")
      descs.emplace_back(dkf.data(), dims(false, HKV, DQK));
    else if (name == "dv")
      descs.emplace_back(dvf.data(), dims(false, HKV, DV));
    else if (name == "cu_seqlens_q")
      descs.emplace_back(cuQ.data(), llvm::ArrayRef<int64_t>{B + 1});
    else if (name == "cu_seqlens_kv")
      descs.emplace_back(cuKV.data(), llvm::ArrayRef<int64_t>{B + 1});
    else if (name.consume_front("param:")) {
      size_t i = k.findParam(name.str()) - k.params.data();
      if (k.params[i].elemType == spec::Type::I32) {
        pi32.emplace_back(params[i].data.begin(), params[i].data.end());
        descs.emplace_back(pi32.back().data(), params[i].dims);
      } else {
        pf32.emplace_back(params[i].data.begin(), params[i].data.end());
        descs.emplace_back(pf32.back().data(), params[i].dims);
      }
    } else if (name.consume_front("grad:")) {
      size_t i = k.findParam(name.str()) - k.params.data();
      gradf.emplace_back(params[i].data.size(), poison);
      descs.emplace_back(gradf.back().data(), params[i].dims);
    } else {
      fail("kernel '" + k.name + "': the CPU backward run has no tensor for argument '" +
           a.name + "'");
      return false;
    }
  }
  std::vector<void *> descPtrs, args;
  for (Descriptor &d : descs)
    descPtrs.push_back(d.words.data());
  for (void *&p : descPtrs)
    args.push_back(&p);
  if (llvm::Error err = engine.invokePacked("_mlir_ciface_" + k.name, args)) {
    llvm::errs() << "faattn-run: error: " << llvm::toString(std::move(err)) << "\n";
    return false;
  }

  std::vector<double> refDq, refDk, refDv;
  std::vector<ref::ParamValue> refDparams, refMagnitude;
  ref::attentionBackward(k, shape, q, kk, v, params, dout, refDq, refDk, refDv, refDparams,
                         nullptr, &undefinedOps, &refMagnitude);
  // Each gradient's relative L2 error; an element left unwritten (the
  // poison) is an error of its own.
  bool ok = true, unwritten = false;
  auto compare = [&](const std::vector<float> &got, std::vector<double> gotDense,
                     const std::vector<double> &want, double tol) {
    unwritten |= std::any_of(got.begin(), got.end(), isPoisonF32);
    double err = ref::relL2(gotDense, want);
    ok &= err <= tol;
    return err;
  };
  llvm::outs() << k.name << " b=" << B << " seq_q=" << SQ << " seq_kv=" << SKV
               << describe(place) << ":";
  llvm::outs() << llvm::format(" dq_rel_l2=%.3g",
                               compare(dqf, dense(dqf, true, SQ, HQ, DQK), refDq,
                                       backwardTolerance));
  llvm::outs() << llvm::format(" dk_rel_l2=%.3g",
                               compare(dkf, dense(dkf, false, SKV, HKV, DQK), refDk,
                                       backwardTolerance));
  llvm::outs() << llvm::format(" dv_rel_l2=%.3g",
                               compare(dvf, dense(dvf, false, SKV, HKV, DV), refDv,
                                       backwardTolerance));
  ok &= compareParamGrads(k, gradf, refDparams, refMagnitude, paramGradTolerance, unwritten);
  if (undefinedOps)
    llvm::outs() << " (" << undefinedOps << " i32 divisions by 0 or of INT_MIN by -1)";
  if (unwritten) {
    ok = false;
    llvm::outs() << " UNWRITTEN-OUTPUT";
  }
  llvm::outs() << (ok ? " PASS" : " FAIL") << "\n";
  return ok;
}

} // namespace

std::pair<int64_t, int64_t> faattn::run::nanKey() {
  llvm::StringRef text = nanKeyOption;
  auto [bText, sText] = text.split(':');
  unsigned long long b = 0, s = 0;
  if (text.empty() || !text.contains(':') || bText.getAsInteger(10, b) ||
      sText.getAsInteger(10, s) || b >= (1ull << 31) || s >= (1ull << 31))
    return {-1, -1};
  return {static_cast<int64_t>(b), static_cast<int64_t>(s)};
}

void faattn::run::applyNanKey(const spec::KernelSpec &k, const Placement &place, int64_t seqKV,
                              std::vector<double> &kDense, std::vector<double> &vDense) {
  if (nanKeyOption.empty())
    return;
  auto [b, s] = nanKey();
  if (k.mode == spec::Mode::Backward) {
    llvm::errs() << "faattn-run: note: --nan-key applies to forward runs; kernel '" << k.name
                 << "' is a backward (nothing made NaN)\n";
    return;
  }
  if (!nanKeyRow(kDense, place, seqKV, k.headsKV, k.headDimQK, b, s) ||
      !nanKeyRow(vDense, place, seqKV, k.headsKV, k.headDimV, b, s))
    llvm::errs() << "faattn-run: note: --nan-key=" << nanKeyOption << ": kernel '" << k.name
                 << "': sequence " << b << " has no key row " << s
                 << " of its own at this shape (past its length, or in a page sequences 0 "
                    "and 1 share): nothing made NaN\n";
}

namespace {

int runMain(int argc, char **argv) {
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "faattn-run: execute compiled specs and check them\n");
  if (cpu == gpu)
    return fail("choose one of --cpu and --gpu");
  if (splitCount > 0 && !gpu)
    return fail("--splits sets the GPU launch's split count: it needs --gpu");
  if (benchGraph && (!gpu || benchIters == 0))
    return fail("--bench-graph times GPU runs: it needs --gpu and --bench=N");
  std::vector<ref::Shape> shapeList;
  for (const std::string &s : shapes) {
    auto parsed = faattn::parseShapeArg(s);
    if (!parsed)
      return fail(llvm::toString(parsed.takeError()));
    shapeList.push_back(*parsed);
  }
  if (shapeList.empty())
    shapeList.push_back(ref::Shape{2, 300, 517, {}, {}});
  if (!nanKeyOption.empty() && nanKey().first < 0)
    return fail("--nan-key must be B:S (a sequence and a key row, integers >= 0), got '" +
                nanKeyOption + "'");

  // A regular file of at most kMaxSpecBytes: a FIFO, a device or a directory
  // is refused, never blocked on or read without end.
  llvm::SourceMgr sm;
  std::string text;
  if (std::string why = io::readRegularFile(input, spec::kMaxSpecBytes, text); !why.empty())
    return fail(why);
  unsigned id =
      sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, input), llvm::SMLoc());
  auto kernels = spec::parseAndCheck(sm, id, llvm::errs());
  if (!kernels)
    return 1;
  // Every tensor of every kernel at every shape within bounds, checked
  // before anything is allocated.
  for (const spec::KernelSpec &k : *kernels)
    if (onlyKernel.empty() || k.name == onlyKernel)
      for (size_t i = 0; i < shapeList.size(); ++i)
        if (std::string why = checkShapeSize(k, shapeList[i], shapes.empty() ? "b=2,seq_q=300,seq_kv=517" : shapes[i]);
            !why.empty())
          return fail(why);

  if (gpu && overlapSoftmax)
    return fail("--overlap-softmax runs on the CPU path only (on the GPU a spec asks for the "
                "rotated KV loops with overlap = softmax)");
  if (gpu && padHeadDims)
    return fail("--pad-head-dims runs on the CPU path only (on the GPU "
                "FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1 pads)");
  if (gpu)
    return runGpu(*kernels, sm.getMemoryBuffer(id)->getBuffer(), shapeList);

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  mlir::DialectRegistry registry;
  registerFAAttnDialects(registry);
  registerCpuDialects(registry);
  mlir::MLIRContext ctx(registry);

  unsigned failures = 0, ran = 0;
  // --pad-head-dims pads the kernels the GPU build would pad: Q, K and V of
  // one 16-bit type (the CPU path stores every type as f32).
  auto padsHeadDims = [&](const spec::KernelSpec &k) {
    return padHeadDims && (k.dtype == spec::DType::BF16 || k.dtype == spec::DType::F16) &&
           k.kvType() == k.dtype;
  };
  // A backward kernel: mode = backward, or the backward of a forward kernel
  // with the `backward` flag (after the forward's own lines).
  auto runBackward = [&](const spec::KernelSpec &k) {
    mlir::OwningOpRef<mlir::ModuleOp> module = buildKernelModule(ctx, k, sm, /*f32Storage=*/true);
    for (auto fn : module->getOps<mlir::func::FuncOp>())
      fn->setAttr("llvm.emit_c_interface", mlir::UnitAttr::get(&ctx));
    mlir::PassManager pm(&ctx);
    AlgorithmOptions algorithm; // (the backward op passes them whole)
    algorithm.padHeadDims = padsHeadDims(k);
    addAlgorithmPasses(pm, algorithm);
    addCpuLoweringPasses(pm, backwardNaive, backwardBlock, padsHeadDims(k), backwardMaxCols);
    if (mlir::failed(pm.run(*module))) {
      ++failures;
      fail("the backward of kernel '" + k.name + "' failed to lower for the CPU");
      return;
    }
    // The transformer outlives the options (a function_ref to it).
    auto optimize = mlir::makeOptimizingTransformer(/*optLevel=*/2, /*sizeLevel=*/0,
                                                    /*targetMachine=*/nullptr);
    mlir::ExecutionEngineOptions options;
    options.transformer = optimize;
    auto engine = mlir::ExecutionEngine::create(*module, options);
    if (!engine) {
      ++failures;
      fail("the backward of kernel '" + k.name + "': " + llvm::toString(engine.takeError()));
      return;
    }
    for (const ref::Shape &shape : shapeList) {
      ++ran;
      if (!runBackwardShape(**engine, k, shape, seed * 1000003ull))
        ++failures;
    }
  };
  for (const spec::KernelSpec &k : *kernels) {
    if (!onlyKernel.empty() && k.name != onlyKernel)
      continue;
    if (k.mode == spec::Mode::Backward) {
      runBackward(k);
      continue;
    }
    mlir::OwningOpRef<mlir::ModuleOp> module = buildKernelModule(ctx, k, sm, /*f32Storage=*/true);
    for (auto fn : module->getOps<mlir::func::FuncOp>()) {
      fn->setAttr("llvm.emit_c_interface", mlir::UnitAttr::get(&ctx));
      if (!loopOrder.empty())
        fn->setAttr(FAAttnDialect::getLoopOrderAttrName(), mlir::StringAttr::get(&ctx, loopOrder));
    }
    mlir::PassManager pm(&ctx);
    AlgorithmOptions algorithm;
    algorithm.overlapSoftmax = overlapSoftmax;
    algorithm.padHeadDims = padsHeadDims(k);
    addAlgorithmPasses(pm, algorithm);
    addCpuLoweringPasses(pm);
    if (mlir::failed(pm.run(*module))) {
      ++failures;
      fail("kernel '" + k.name + "' failed to lower for the CPU");
      continue;
    }
    auto optimize = mlir::makeOptimizingTransformer(/*optLevel=*/2, /*sizeLevel=*/0,
                                                    /*targetMachine=*/nullptr);
    mlir::ExecutionEngineOptions options;
    options.transformer = optimize;
    auto engine = mlir::ExecutionEngine::create(*module, options);
    if (!engine) {
      ++failures;
      fail("kernel '" + k.name + "': " + llvm::toString(engine.takeError()));
      continue;
    }
    for (const ref::Shape &shape : shapeList) {
      ++ran;
      if (!runShape(**engine, k, shape, seed * 1000003ull))
        ++failures;
    }
    if (k.backward)
      runBackward(spec::backwardOf(k));
  }
  if (!onlyKernel.empty() && ran == 0 && failures == 0)
    return fail("no kernel named '" + onlyKernel + "' in '" + input + "'");
  return failures ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  int rc = 1;
  try {
    rc = runMain(argc, argv);
  } catch (const std::bad_alloc &) {
    fail("out of memory (a shape too large for this machine?)");
    rc = 1;
  }
  // Standard output is checked too (a full disk, a closed pipe): an error,
  // never LLVM's "IO failure on output stream" abort.
  llvm::outs().flush();
  if (std::error_code ec = llvm::outs().error()) {
    llvm::outs().clear_error();
    fail("cannot write to standard output: " + ec.message());
    rc = 1;
  }
  llvm::errs().clear_error();
  return rc;
}
