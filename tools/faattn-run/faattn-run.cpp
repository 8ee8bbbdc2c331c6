//===- faattn-run.cpp - Run compiled specs and check them -----------------===//
//
// faattn-run --cpu spec.fa [--kernel=name] --shape=b=2,seq_q=300,seq_kv=517 ...
//
// Compiles each kernel through the algorithm passes and the CPU path (f32
// storage and compute), JIT-compiles it with MLIR's ExecutionEngine, runs it
// on random inputs (never zeros) with the outputs poisoned (NaN) beforehand,
// and compares out and lse with the float64 reference evaluated from the
// spec itself. Prints one line per kernel and shape; exits 1 when any
// relative L2 error is above the tolerance (or a kernel fails to compile).
//
//===----------------------------------------------------------------------===//
#include "faattn/Frontend/SpecToIR.h"
#include "faattn/Pipeline/Pipeline.h"
#include "faattn/Reference/Reference.h"
#include "faattn/Spec/Spec.h"
#include "faattn/faattn.h"
#include "faattn/runtime/CudaDriver.h"

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

using namespace faattn;
namespace cuda = faattn::cuda;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("faattn-run options");
cl::opt<std::string> input(cl::Positional, cl::desc("<spec.fa>"), cl::Required, cl::cat(category));
cl::opt<bool> cpu("cpu", cl::desc("Run on the CPU (f32 storage and compute)"),
                  cl::cat(category));
cl::opt<bool> gpu("gpu", cl::desc("Run on the GPU (the spec's dtype; through the CUDA driver)"),
                  cl::cat(category));
cl::opt<unsigned> benchIters("bench", cl::init(0),
                             cl::desc("Also time each GPU run: median of N launches (CUDA events)"),
                             cl::cat(category));
cl::opt<std::string> onlyKernel("kernel", cl::desc("Only this kernel"), cl::value_desc("name"),
                                cl::cat(category));
cl::list<std::string> shapes("shape", cl::desc("b=B,seq_q=SQ,seq_kv=SKV (repeatable)"),
                             cl::value_desc("shape"), cl::cat(category));
cl::opt<double> tolerance("tolerance", cl::init(1e-5),
                          cl::desc("Largest relative L2 error accepted (default 1e-5)"),
                          cl::cat(category));
cl::opt<std::string> loopOrder("loop-order", cl::init(""),
                              cl::desc("Set faattn.loop_order (q-outer or kv-outer)"),
                              cl::value_desc("order"), cl::cat(category));
cl::opt<bool> pipelineKV(
    "pipeline-kv",
    cl::desc("--cpu: run faattn-pipeline-kv (block j - 1's P V after block j's Q K^T) on every "
             "kernel (a spec's overlap = softmax asks for it per kernel)"),
    cl::cat(category));
cl::opt<unsigned> seed("seed", cl::init(1), cl::desc("Seed of the random inputs"),
                       cl::cat(category));
cl::opt<bool> uniformLengths(
    "uniform-lengths",
    cl::desc("varlen / paged_kv: every sequence at the full seq_q / seq_kv (default: ragged "
             "lengths, one sequence empty; for benchmarks)"),
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

std::optional<ref::Shape> parseShape(llvm::StringRef text) {
  ref::Shape s;
  bool seenQ = false, seenKV = false;
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, ',');
  for (llvm::StringRef part : parts) {
    auto [key, value] = part.split('=');
    int64_t v;
    if (value.getAsInteger(10, v) || v <= 0)
      return std::nullopt;
    if (key == "b")
      s.batch = v;
    else if (key == "seq_q")
      s.seqQ = v, seenQ = true;
    else if (key == "seq_kv")
      s.seqKV = v, seenKV = true;
    else
      return std::nullopt;
  }
  if (!seenQ || !seenKV)
    return std::nullopt;
  return s;
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

/// Where each sequence's rows live in the kernel's tensors: dense (batch,
/// seq), packed along one sequence (varlen, cu_seqlens) or in pages (paged
/// KV, block table). The data is generated dense and padded, (batch, seq_q or
/// seq_kv, heads, dim) in bshd order; this says where row i of sequence b
/// goes, and holds the index tensors the kernel reads.
struct Placement {
  int64_t batch = 0;
  std::vector<int64_t> lensQ, lensKV; // per sequence (empty: dense)
  int64_t qPhysBatch = 0, qPhysSeq = 0, kvPhysBatch = 0, kvPhysSeq = 0;
  std::vector<int32_t> cuQ, cuKV, table, seqlensKV;
  int64_t maxPages = 0, page = 0, maxSeqlenQ = 0;

  std::pair<int64_t, int64_t> qAt(int64_t b, int64_t i) const {
    return cuQ.empty() ? std::pair{b, i} : std::pair<int64_t, int64_t>{0, cuQ[b] + i};
  }
  std::pair<int64_t, int64_t> kvAt(int64_t b, int64_t j) const {
    if (page)
      return {table[b * maxPages + j / page], j % page};
    return cuKV.empty() ? std::pair{b, j} : std::pair<int64_t, int64_t>{0, cuKV[b] + j};
  }
  int64_t lenQ(int64_t b, int64_t seqQ) const { return lensQ.empty() ? seqQ : lensQ[b]; }
  int64_t lenKV(int64_t b, int64_t seqKV) const { return lensKV.empty() ? seqKV : lensKV[b]; }
};

/// Ragged lengths in [1, max] (sequence 0 has the maximum; with 3 or more
/// sequences, sequence 2 has no keys at all when `allowEmpty`), or all at
/// the maximum with --uniform-lengths, and the placement of every row.
Placement place(const spec::KernelSpec &k, ref::Shape &shape, uint64_t seed) {
  Placement p;
  int64_t B = shape.batch;
  p.batch = B;
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 12345;
  auto draw = [&](int64_t max) { // uniform in [1, max]
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return 1 + static_cast<int64_t>((state >> 33) % static_cast<uint64_t>(max));
  };
  auto lengths = [&](int64_t max, bool allowEmpty) {
    std::vector<int64_t> lens(B);
    for (int64_t b = 0; b < B; ++b)
      lens[b] = b == 0 || uniformLengths ? max : (b == 2 && allowEmpty) ? 0 : draw(max);
    return lens;
  };
  auto offsets = [](const std::vector<int64_t> &lens) {
    std::vector<int32_t> cu = {0};
    for (int64_t n : lens)
      cu.push_back(static_cast<int32_t>(cu.back() + n));
    return cu;
  };
  p.qPhysBatch = B, p.qPhysSeq = shape.seqQ, p.kvPhysBatch = B, p.kvPhysSeq = shape.seqKV;
  if (k.varlen) {
    p.lensQ = lengths(shape.seqQ, /*allowEmpty=*/false);
    p.cuQ = offsets(p.lensQ);
    p.qPhysBatch = 1, p.qPhysSeq = p.cuQ.back();
    p.maxSeqlenQ = *std::max_element(p.lensQ.begin(), p.lensQ.end());
  }
  if (k.varlen || k.pagedKVPage)
    p.lensKV = lengths(shape.seqKV, /*allowEmpty=*/true);
  if (k.varlen && !k.pagedKVPage) {
    p.cuKV = offsets(p.lensKV);
    p.kvPhysBatch = 1, p.kvPhysSeq = std::max<int64_t>(p.cuKV.back(), 1);
  }
  if (k.pagedKVPage) {
    // Each sequence's pages scattered over a shuffled pool with two spare
    // pages; table entries past a sequence's length point at other
    // sequences' pages (a kernel that reads past seqlens_kv is caught).
    p.page = *k.pagedKVPage;
    p.maxPages = (shape.seqKV + p.page - 1) / p.page;
    int64_t used = 0;
    for (int64_t n : p.lensKV)
      used += (n + p.page - 1) / p.page;
    int64_t pool = used + 2;
    std::vector<int32_t> perm(pool);
    for (int64_t i = 0; i < pool; ++i)
      perm[i] = static_cast<int32_t>(i);
    for (int64_t i = pool - 1; i > 0; --i)
      std::swap(perm[i], perm[draw(i + 1) - 1]);
    p.table.assign(B * p.maxPages, 0);
    int64_t next = 0;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t pg = 0; pg < p.maxPages; ++pg)
        p.table[b * p.maxPages + pg] = pg * p.page < p.lensKV[b]
                                           ? perm[next++]
                                           : static_cast<int32_t>(draw(pool) - 1);
    p.seqlensKV.assign(p.lensKV.begin(), p.lensKV.end());
    p.kvPhysBatch = pool, p.kvPhysSeq = p.page;
  }
  shape.lensQ = p.lensQ;
  shape.lensKV = p.lensKV;
  return p;
}

/// " varlen(q: 3,1,7 kv: ...)" / " paged(...)": the ragged lengths of a run.
std::string describe(const Placement &p) {
  auto list = [](const std::vector<int64_t> &v) {
    std::string s;
    for (size_t i = 0; i < v.size() && i < 8; ++i)
      s += (i ? "," : "") + std::to_string(v[i]);
    return s + (v.size() > 8 ? ",..." : "");
  };
  std::string s;
  if (!p.lensQ.empty())
    s += " lens_q=" + list(p.lensQ);
  if (!p.lensKV.empty())
    s += " lens_kv=" + list(p.lensKV);
  if (p.page)
    s += " pages=" + std::to_string(p.kvPhysBatch) + "x" + std::to_string(p.page);
  return s;
}

/// The element index in `layout` order of (b, s, h, d) in a (B, S, H, D) tensor.
int64_t layoutIndex(spec::Layout layout, int64_t b, int64_t s, int64_t h, int64_t d, int64_t S,
                    int64_t H, int64_t D) {
  return layout == spec::Layout::BSHD ? ((b * S + s) * H + h) * D + d
                                      : ((b * H + h) * S + s) * D + d;
}

/// Copies the rows of dense padded bshd data (`eb`-byte elements, (batch,
/// seq, heads, dim)) to their places in a physical tensor, or back
/// (`toPhysical` false: rows past a sequence's length become 0).
void moveRows(std::vector<uint8_t> &dense, std::vector<uint8_t> &phys, size_t eb,
              const Placement &p, bool isQ, int64_t seq, int64_t heads, int64_t dim,
              spec::Layout layout, bool toPhysical) {
  int64_t physSeq = isQ ? p.qPhysSeq : p.kvPhysSeq;
  if (!toPhysical)
    std::fill(dense.begin(), dense.end(), 0);
  for (int64_t b = 0; b < p.batch; ++b) {
    int64_t len = isQ ? p.lenQ(b, seq) : p.lenKV(b, seq);
    for (int64_t i = 0; i < len; ++i) {
      auto [pb, ps] = isQ ? p.qAt(b, i) : p.kvAt(b, i);
      for (int64_t h = 0; h < heads; ++h) {
        uint8_t *d = &dense[(((b * seq + i) * heads + h) * dim) * eb];
        uint8_t *x = &phys[layoutIndex(layout, pb, ps, h, 0, physSeq, heads, dim) * eb];
        if (toPhysical)
          std::memcpy(x, d, dim * eb);
        else
          std::memcpy(d, x, dim * eb);
      }
    }
  }
}

template <typename T>
std::vector<uint8_t> asBytes(const std::vector<T> &x) {
  std::vector<uint8_t> out(x.size() * sizeof(T));
  std::memcpy(out.data(), x.data(), out.size());
  return out;
}

template <typename T>
std::vector<T> fromBytes(const std::vector<uint8_t> &x) {
  std::vector<T> out(x.size() / sizeof(T));
  std::memcpy(out.data(), x.data(), x.size());
  return out;
}

/// The physical tensor of Q/out (`isQ`) or K/V with the dense rows placed;
/// the rest (unused pages) holds `fill`.
std::vector<uint8_t> toPhysical(std::vector<uint8_t> dense, size_t eb, const Placement &p,
                                bool isQ, int64_t seq, int64_t heads, int64_t dim,
                                spec::Layout layout, const std::vector<uint8_t> &fill) {
  int64_t n = (isQ ? p.qPhysBatch * p.qPhysSeq : p.kvPhysBatch * p.kvPhysSeq) * heads * dim;
  std::vector<uint8_t> phys(n * eb);
  for (size_t i = 0; i < phys.size(); ++i)
    phys[i] = fill.empty() ? 0 : fill[i % fill.size()];
  moveRows(dense, phys, eb, p, isQ, seq, heads, dim, layout, /*toPhysical=*/true);
  return phys;
}

/// The dense padded (batch, seq_q, heads, dim) view of a physical Q-side tensor.
std::vector<uint8_t> fromPhysical(std::vector<uint8_t> phys, size_t eb, const Placement &p,
                                  int64_t seq, int64_t heads, int64_t dim, spec::Layout layout) {
  std::vector<uint8_t> dense(p.batch * seq * heads * dim * eb);
  moveRows(dense, phys, eb, p, /*isQ=*/true, seq, heads, dim, layout, /*toPhysical=*/false);
  return dense;
}

/// The physical shape of a Q/out (`isQ`) or K/V tensor as the kernel's
/// memref sees it (varlen: batch 1; paged: pages).
std::vector<int64_t> physDims(const Placement &p, bool isQ, int64_t heads, int64_t dim,
                              spec::Layout layout) {
  int64_t b = isQ ? p.qPhysBatch : p.kvPhysBatch, s = isQ ? p.qPhysSeq : p.kvPhysSeq;
  if (layout == spec::Layout::BSHD)
    return {b, s, heads, dim};
  return {b, heads, s, dim};
}

/// The dense (batch, heads, seq_q) LSE from the physical one ((1, heads,
/// total_q) when varlen); rows past a sequence's length are 0.
std::vector<double> lseFromPhysical(const std::vector<float> &phys, const Placement &p,
                                    int64_t seqQ, int64_t heads) {
  std::vector<double> lse(p.batch * heads * seqQ, 0.0);
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < p.lenQ(b, seqQ); ++i) {
        auto [pb, ps] = p.qAt(b, i);
        lse[(b * heads + h) * seqQ + i] = phys[(pb * heads + h) * p.qPhysSeq + ps];
      }
  return lse;
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
    auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
    if (!buf)
      return llvm::createStringError("--param " + name + ": cannot open '" + path +
                                     "': " + buf.getError().message());
    ref::ParamValue &value = params[decl - k.params.data()];
    size_t need = value.data.size() * 4;
    llvm::StringRef bytes = (*buf)->getBuffer();
    bool isI32 = decl->elemType == spec::Type::I32;
    if (bytes.size() != need)
      return llvm::createStringError(
          "--param " + name + ": '" + path + "' holds " + std::to_string(bytes.size()) +
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

/// Runs kernel `k` (compiled in `engine`) at `shape`; returns false on a
/// numerics failure.
bool runShape(mlir::ExecutionEngine &engine, const spec::KernelSpec &k, ref::Shape shape,
              uint64_t seedBase) {
  int64_t B = shape.batch, SQ = shape.seqQ, SKV = shape.seqKV;
  int64_t HQ = k.headsQ, HKV = k.headsKV, DQK = k.headDimQK, DV = k.headDimV;
  Placement place = ::place(k, shape, seedBase);
  auto round = [](std::vector<double> v) {
    for (double &x : v)
      x = static_cast<float>(x); // the kernel sees f32 inputs
    return v;
  };
  std::vector<double> q = round(ref::randomTensor(B * SQ * HQ * DQK, seedBase + 1));
  std::vector<double> kk = round(ref::randomTensor(B * SKV * HKV * DQK, seedBase + 2));
  std::vector<double> v = round(ref::randomTensor(B * SKV * HKV * DV, seedBase + 3));
  auto loaded = kernelParams(k, shape, seedBase);
  if (!loaded) {
    fail(llvm::toString(loaded.takeError()));
    return false;
  }
  std::vector<ref::ParamValue> params = std::move(*loaded);

  // Physical tensors: unused pages hold random values, outputs NaN.
  auto f32Bytes = [](const std::vector<double> &x) {
    return asBytes(std::vector<float>(x.begin(), x.end()));
  };
  std::vector<uint8_t> garbage = f32Bytes(ref::randomTensor(997, seedBase + 4));
  const float poison = std::numeric_limits<float>::quiet_NaN();
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
  bool unwritten = std::any_of(of.begin(), of.end(), [](float f) { return std::isnan(f); });
  if (k.returnLse)
    unwritten |= std::any_of(lsef.begin(), lsef.end(), [](float f) { return std::isnan(f); });

  std::vector<double> refOut, refLse;
  uint64_t undefinedOps = 0;
  ref::attention(k, shape, q, kk, v, params, refOut, refLse, &undefinedOps);
  std::vector<float> outDense =
      fromBytes<float>(fromPhysical(asBytes(of), 4, place, SQ, HQ, DV, k.layout));
  std::vector<double> out(outDense.begin(), outDense.end());
  double err = unwritten ? INFINITY : ref::relL2(out, refOut);
  double maxAbs = 0;
  for (size_t i = 0; i < out.size(); ++i)
    maxAbs = std::max(maxAbs, std::isnan(out[i]) ? INFINITY : std::fabs(out[i] - refOut[i]));
  double lseErr = 0;
  if (k.returnLse)
    lseErr = ref::relL2(lseFromPhysical(lsef, place, SQ, HQ), refLse);
  bool ok = err <= tolerance && lseErr <= tolerance;
  llvm::outs() << k.name << " b=" << B << " seq_q=" << SQ << " seq_kv=" << SKV << describe(place)
               << llvm::format(": max_abs_err=%.3g rel_l2=%.3g", maxAbs, err);
  if (k.returnLse)
    llvm::outs() << llvm::format(" lse_rel_l2=%.3g", lseErr);
  if (undefinedOps)
    llvm::outs() << " (reference saw " << undefinedOps << " undefined i32 ops)";
  if (unwritten)
    llvm::outs() << " UNWRITTEN-OUTPUT";
  llvm::outs() << (ok ? " PASS" : " FAIL") << "\n";
  return ok;
}

//===----------------------------------------------------------------------===//
// GPU
//===----------------------------------------------------------------------===//

uint16_t toBF16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (std::isnan(f))
    return 0x7FC0;
  bits += 0x7FFF + ((bits >> 16) & 1); // round to nearest even
  return static_cast<uint16_t>(bits >> 16);
}
float fromBF16(uint16_t h) {
  uint32_t bits = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
uint16_t toF16(float f) {
  _Float16 h = static_cast<_Float16>(f);
  uint16_t bits;
  std::memcpy(&bits, &h, 2);
  return bits;
}
float fromF16(uint16_t bits) {
  _Float16 h;
  std::memcpy(&h, &bits, 2);
  return static_cast<float>(h);
}
/// e4m3fn: bias 7, 3 mantissa bits, max 448, S.1111.111 NaN.
float fromE4M3(uint8_t b) {
  int exp = (b >> 3) & 15, mant = b & 7;
  if (exp == 15 && mant == 7)
    return std::numeric_limits<float>::quiet_NaN();
  float mag = exp == 0 ? mant * std::ldexp(1.0f, -9) : (8 + mant) * std::ldexp(1.0f, exp - 10);
  return (b & 0x80) ? -mag : mag;
}
uint8_t toE4M3(float f) {
  // Nearest of the 127 finite magnitudes (ties to even code), saturating.
  static std::vector<float> mags = [] {
    std::vector<float> m;
    for (int b = 0; b < 127; ++b)
      m.push_back(fromE4M3(uint8_t(b)));
    return m;
  }();
  float a = std::min(std::fabs(f), 448.0f);
  auto it = std::lower_bound(mags.begin(), mags.end(), a);
  int hi = static_cast<int>(std::min<size_t>(it - mags.begin(), 126)), lo = std::max(hi - 1, 0);
  float dl = a - mags[lo], dh = mags[hi] - a;
  int code = dl < dh ? lo : dh < dl ? hi : ((lo & 1) ? hi : lo);
  return static_cast<uint8_t>(code | (std::signbit(f) ? 0x80 : 0));
}

size_t elementBytes(spec::DType d) { return d == spec::DType::E4M3 ? 1 : 2; }

/// Encodes doubles as `dtype` and returns the decoded values (what the kernel sees).
std::vector<uint8_t> encode(const std::vector<double> &x, spec::DType d, std::vector<double> &seen) {
  std::vector<uint8_t> bytes(x.size() * elementBytes(d));
  seen.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    float f = static_cast<float>(x[i]);
    if (d == spec::DType::E4M3) {
      bytes[i] = toE4M3(f);
      seen[i] = fromE4M3(bytes[i]);
    } else {
      uint16_t h = d == spec::DType::BF16 ? toBF16(f) : toF16(f);
      std::memcpy(&bytes[2 * i], &h, 2);
      seen[i] = d == spec::DType::BF16 ? fromBF16(h) : fromF16(h);
    }
  }
  return bytes;
}

/// The relative L2 error a kernel of this output type must stay under (DESIGN.md).
double gpuTolerance(spec::DType d) { return d == spec::DType::F16 ? 5e-3 : 1e-2; }

DType apiType(spec::DType d) {
  return d == spec::DType::F16 ? DType::F16 : d == spec::DType::BF16 ? DType::BF16 : DType::E4M3;
}

bool runGpuShape(const cuda::Driver &d, const Kernel &kernel, const spec::KernelSpec &k,
                 ref::Shape shape, uint64_t seedBase) {
  int64_t B = shape.batch, SQ = shape.seqQ, SKV = shape.seqKV;
  int64_t HQ = k.headsQ, HKV = k.headsKV, DQK = k.headDimQK, DV = k.headDimV;
  spec::DType inType = k.dtype;
  spec::DType outType = k.dtype == spec::DType::E4M3 ? spec::DType::BF16 : k.dtype;
  std::vector<double> q, kk, v;
  std::vector<uint8_t> qb = encode(ref::randomTensor(B * SQ * HQ * DQK, seedBase + 1), inType, q);
  std::vector<uint8_t> kb = encode(ref::randomTensor(B * SKV * HKV * DQK, seedBase + 2), inType, kk);
  std::vector<uint8_t> vb = encode(ref::randomTensor(B * SKV * HKV * DV, seedBase + 3), inType, v);
  Placement place = ::place(k, shape, seedBase);
  auto loaded = kernelParams(k, shape, seedBase);
  if (!loaded) {
    fail(llvm::toString(loaded.takeError()));
    return false;
  }
  std::vector<ref::ParamValue> params = std::move(*loaded);

  // Device memory and the launch go through the public runtime API
  // (faattn.h), so that every GPU test also tests Kernel::launch.
  std::vector<DeviceBuffer> buffers;
  auto upload = [&](const void *data, size_t bytes) -> void * {
    auto b = DeviceBuffer::allocate(std::max<size_t>(bytes, 16));
    if (!b) {
      llvm::errs() << "faattn-run: error: " << b.error() << "\n";
      exit(1);
    }
    if (data && bytes)
      if (Status s = b->upload(data, bytes); !s) {
        llvm::errs() << "faattn-run: error: " << s.message() << "\n";
        exit(1);
      }
    buffers.push_back(std::move(*b));
    return buffers.back().data();
  };
  buffers.reserve(16 + 3 * 64 + params.size());
  // Inputs in the kernel's layout and placement (unused pages: random).
  size_t eb = elementBytes(inType);
  std::vector<double> unusedSeen;
  std::vector<uint8_t> garbage = encode(ref::randomTensor(997, seedBase + 4), inType, unusedSeen);
  std::vector<uint8_t> ql = toPhysical(qb, eb, place, true, SQ, HQ, DQK, k.layout, {});
  std::vector<uint8_t> kl = toPhysical(kb, eb, place, false, SKV, HKV, DQK, k.layout, garbage);
  std::vector<uint8_t> vl = toPhysical(vb, eb, place, false, SKV, HKV, DV, k.layout, garbage);
  size_t outEb = elementBytes(outType);
  size_t outBytes = place.qPhysBatch * place.qPhysSeq * HQ * DV * outEb;
  std::vector<uint8_t> poisonOut(outBytes, 0xFF); // NaN in bf16 and f16
  std::vector<float> poisonLse(place.qPhysBatch * HQ * place.qPhysSeq,
                               std::numeric_limits<float>::quiet_NaN());
  DType inT = apiType(inType), outT = apiType(outType);
  // The public API's shapes: varlen tensors are rank 3 (no batch dimension).
  auto apiDims = [&](bool isQ, int64_t heads, int64_t dim) {
    std::vector<int64_t> dims = physDims(place, isQ, heads, dim, k.layout);
    if (k.varlen && (isQ || !k.pagedKVPage))
      dims.erase(dims.begin());
    return dims;
  };
  LaunchArgs args;
  args.q = {upload(ql.data(), ql.size()), inT, apiDims(true, HQ, DQK), {}};
  args.k = {upload(kl.data(), kl.size()), inT, apiDims(false, HKV, DQK), {}};
  args.v = {upload(vl.data(), vl.size()), inT, apiDims(false, HKV, DV), {}};
  args.out = {upload(poisonOut.data(), outBytes), outT, apiDims(true, HQ, DV), {}};
  void *lsePtr = nullptr;
  if (k.returnLse) {
    lsePtr = upload(poisonLse.data(), poisonLse.size() * 4);
    args.lse = Tensor{lsePtr, DType::F32,
                      k.varlen ? std::vector<int64_t>{HQ, place.qPhysSeq}
                               : std::vector<int64_t>{B, HQ, SQ},
                      {}};
  }
  auto i32Tensor = [&](const std::vector<int32_t> &x, std::vector<int64_t> dims) {
    return Tensor{upload(x.data(), x.size() * 4), DType::I32, std::move(dims), {}};
  };
  if (k.varlen) {
    args.cuSeqlensQ = i32Tensor(place.cuQ, {B + 1});
    args.maxSeqlenQ = place.maxSeqlenQ;
  }
  if (k.varlen && !k.pagedKVPage)
    args.cuSeqlensKV = i32Tensor(place.cuKV, {B + 1});
  if (k.pagedKVPage) {
    args.blockTable = i32Tensor(place.table, {B, place.maxPages});
    args.seqlensKV = i32Tensor(place.seqlensKV, {B});
  }
  void *outPtr = args.out.data;
  for (size_t i = 0; i < params.size(); ++i) {
    bool isI32 = k.params[i].elemType == spec::Type::I32;
    std::vector<int32_t> i32(params[i].data.begin(), params[i].data.end());
    std::vector<float> f32(params[i].data.begin(), params[i].data.end());
    void *p = isI32 ? upload(i32.data(), i32.size() * 4) : upload(f32.data(), f32.size() * 4);
    args.params.push_back({k.params[i].name, Tensor{p, isI32 ? DType::I32 : DType::F32,
                                                    params[i].dims, {}}});
  }
  // For timing: more copies of Q, K and V, rotated between launches so that
  // the inputs of consecutive launches together exceed L2 (50 MB on H100/H200).
  std::vector<LaunchArgs> copies = {args};
  if (benchIters > 0) {
    double inputBytes = double(ql.size() + kl.size() + vl.size());
    int n = static_cast<int>(std::min(64.0, std::ceil(2 * 50e6 / inputBytes)));
    for (int c = 1; c < n; ++c) {
      LaunchArgs a = args;
      a.q.data = upload(ql.data(), ql.size());
      a.k.data = upload(kl.data(), kl.size());
      a.v.data = upload(vl.data(), vl.size());
      copies.push_back(std::move(a));
    }
  }
  auto launch = [&](size_t copy = 0) { return kernel.launch(copies[copy]); };
  if (Status s = launch(); !s) {
    llvm::errs() << "faattn-run: error: " << s.message() << "\n";
    return false;
  }
  if (Status s = synchronize(); !s) {
    llvm::errs() << "faattn-run: error: kernel execution: " << s.message() << "\n";
    return false;
  }
  std::vector<uint8_t> outRaw(outBytes);
  std::vector<float> lseRaw(poisonLse.size());
  auto download = [&](void *ptr, void *host, size_t bytes) {
    for (const DeviceBuffer &b : buffers)
      if (b.data() == ptr)
        return b.download(host, bytes);
    return Status::error("no buffer at the output's address");
  };
  if (Status s = download(outPtr, outRaw.data(), outBytes); !s) {
    llvm::errs() << "faattn-run: error: " << s.message() << "\n";
    return false;
  }
  if (k.returnLse)
    if (Status s = download(lsePtr, lseRaw.data(), lseRaw.size() * 4); !s) {
      llvm::errs() << "faattn-run: error: " << s.message() << "\n";
      return false;
    }
  // Every physical element is a row of some sequence: none may keep the poison.
  bool unwritten = false;
  auto decodeOut = [&](const std::vector<uint8_t> &raw) {
    std::vector<float> f(raw.size() / outEb);
    for (size_t i = 0; i < f.size(); ++i) {
      uint16_t h;
      std::memcpy(&h, &raw[2 * i], 2);
      f[i] = outType == spec::DType::BF16 ? fromBF16(h) : fromF16(h);
    }
    return f;
  };
  for (float f : decodeOut(outRaw))
    unwritten |= std::isnan(f);
  if (k.returnLse)
    for (float f : lseRaw)
      unwritten |= std::isnan(f); // -inf is a valid LSE, NaN is the poison
  std::vector<float> outF =
      decodeOut(fromPhysical(outRaw, outEb, place, SQ, HQ, DV, k.layout));
  // Large problems are checked on a sample of query rows (the first and last
  // 16 and 32 spread between; rows are independent): the float64 reference
  // of a whole 8 x 32 x 4097^2 problem would take minutes. Every element of
  // out and LSE is still checked for the NaN poison.
  std::vector<char> rows(SQ, 1);
  bool sampled = double(B) * HQ * SQ * SKV * DQK > 2e9;
  if (sampled) {
    std::fill(rows.begin(), rows.end(), 0);
    for (int64_t i = 0; i < std::min<int64_t>(16, SQ); ++i)
      rows[i] = rows[SQ - 1 - i] = 1;
    for (int64_t i = 0; i < 32; ++i)
      rows[(i * SQ) / 32] = 1;
  }
  std::vector<double> refOut, refLse;
  uint64_t undefinedOps = 0;
  ref::attention(k, shape, q, kk, v, params, refOut, refLse, &undefinedOps,
                 sampled ? &rows : nullptr);
  std::vector<double> out(outF.begin(), outF.end());
  std::vector<double> lseAll =
      k.returnLse ? lseFromPhysical(lseRaw, place, SQ, HQ) : std::vector<double>(B * HQ * SQ, 0);
  if (sampled) { // keep the sampled rows only
    std::vector<double> o, ro, l, rl;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t i = 0; i < SQ; ++i) {
        if (!rows[i])
          continue;
        for (int64_t h = 0; h < HQ; ++h) {
          for (int64_t c = 0; c < DV; ++c) {
            size_t at = ((b * SQ + i) * HQ + h) * DV + c;
            o.push_back(out[at]);
            ro.push_back(refOut[at]);
          }
          size_t li = (b * HQ + h) * SQ + i;
          l.push_back(lseAll[li]);
          rl.push_back(refLse[li]);
        }
      }
    out.swap(o), refOut.swap(ro), lseAll.swap(l), refLse.swap(rl);
  }
  double err = unwritten ? INFINITY : ref::relL2(out, refOut);
  double lseErr = k.returnLse ? ref::relL2(lseAll, refLse) : 0;
  double tol = gpuTolerance(outType);
  bool ok = err <= tol && lseErr <= tol;
  std::string splits;
  if (kernel.compiled().maxSplits > 0)
    if (auto dev = cuda::Device::current())
      splits = " splits=" + std::to_string(kernel.numSplits(args, dev->multiprocessors));
  // overlap = auto's long-KV build, when the launch took it.
  if (int64_t from = kernel.compiledFor(args).minSeqKV; from > 0)
    splits += " build=long-kv(seq_kv>=" + std::to_string(from) + ")";
  llvm::outs() << k.name << " b=" << B << " seq_q=" << SQ << " seq_kv=" << SKV << describe(place)
               << splits << llvm::format(": rel_l2=%.3g", err);
  if (k.returnLse)
    llvm::outs() << llvm::format(" lse_rel_l2=%.3g", lseErr);
  llvm::outs() << llvm::format(" (tolerance %.0e%s)", tol, sampled ? ", sampled rows" : "");
  if (unwritten)
    llvm::outs() << " UNWRITTEN-OUTPUT";
  if (benchIters > 0) {
    CUevent start, stop;
    d.eventCreate(&start, 0);
    d.eventCreate(&stop, 0);
    std::vector<float> times;
    for (unsigned i = 0; i < 3; ++i) // warm-up
      (void)launch();
    for (unsigned i = 0; i < benchIters; ++i) {
      d.eventRecord(start, nullptr);
      (void)launch(i % copies.size());
      d.eventRecord(stop, nullptr);
      d.eventSynchronize(stop);
      float ms = 0;
      d.eventElapsedTime(&ms, start, stop);
      times.push_back(ms);
    }
    std::sort(times.begin(), times.end());
    double ms = times[times.size() / 2];
    // FlashAttention's convention (no mask discount): 2 H Sq Skv (Dqk + Dv)
    // summed over the sequences.
    double flops = 0;
    for (int64_t b = 0; b < B; ++b)
      flops += 2.0 * HQ * place.lenQ(b, SQ) * place.lenKV(b, SKV) * (DQK + DV);
    // The K/V bytes the kernel has to read (every sequence's rows).
    double kvRows = 0;
    for (int64_t b = 0; b < B; ++b)
      kvRows += place.lenKV(b, SKV);
    double kvBytes = kvRows * HKV * (DQK + DV) * eb;
    llvm::outs() << llvm::format(" median=%.3f ms kv_tbps=%.3f", ms, kvBytes / ms / 1e9);
    llvm::outs() << llvm::format(" (%.2f TFLOP/s dense-equivalent, %zu input copies rotated)",
                                 flops / ms / 1e9, copies.size());
    d.eventDestroy(start);
    d.eventDestroy(stop);
  }
  llvm::outs() << (ok ? " PASS" : " FAIL") << "\n";
  return ok;
}

int runGpu(std::vector<spec::KernelSpec> &kernels, llvm::StringRef specText,
           const std::vector<ref::Shape> &shapeList) {
  auto driver = cuda::Driver::get();
  if (!driver)
    return fail(llvm::toString(driver.takeError()));
  auto device = cuda::Device::current();
  if (!device)
    return fail(llvm::toString(device.takeError()));
  llvm::outs() << "device: " << device->name << " (sm_" << device->major << device->minor
               << ", " << device->multiprocessors << " SMs)\n";
  RuntimeOptions options;
  options.cacheDir = cacheDir.getValue(); // default "": compile every time (this tool tests
                                          // the compiler)
  Runtime rt(options);
  unsigned failures = 0, ran = 0;
  for (const spec::KernelSpec &k : kernels) {
    if (!onlyKernel.empty() && k.name != onlyKernel)
      continue;
    if (k.mode == spec::Mode::Backward) {
      llvm::outs() << k.name << ": SKIP (mode = backward is not executable yet)\n";
      continue;
    }
    int needMajor = k.target == spec::Target::SM90a ? 9 : 8;
    if (device->major < needMajor) {
      llvm::outs() << k.name << ": SKIP (" << spec::targetName(k.target) << " needs compute capability "
                   << needMajor << ".0, the device has " << device->major << "." << device->minor << ")\n";
      continue;
    }
    int diskHits = rt.stats().diskHits;
    Result<Kernel> kernel = rt.compile(specText.str(), k.name);
    if (kernel && !cacheDir.empty())
      llvm::outs() << k.name << ": "
                   << (rt.stats().diskHits > diskHits ? "from the disk cache" : "compiled") << " ("
                   << kernel->compiled().alternatives.size() << " shape-dependent builds more)\n";
    if (!kernel) {
      ++failures;
      fail(kernel.error());
      continue;
    }
    for (const ref::Shape &shape : shapeList) {
      ++ran;
      if (!runGpuShape(*driver, *kernel, k, shape, seed * 1000003ull))
        ++failures;
    }
  }
  if (!onlyKernel.empty() && ran == 0 && failures == 0)
    return fail("no kernel named '" + onlyKernel + "' in '" + input + "'");
  return failures ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "faattn-run: execute compiled specs and check them\n");
  if (cpu == gpu)
    return fail("choose one of --cpu and --gpu");
  std::vector<ref::Shape> shapeList;
  for (const std::string &s : shapes) {
    auto parsed = parseShape(s);
    if (!parsed)
      return fail("--shape must be b=B,seq_q=SQ,seq_kv=SKV with positive sizes, got '" + s + "'");
    shapeList.push_back(*parsed);
  }
  if (shapeList.empty())
    shapeList.push_back(ref::Shape{2, 300, 517, {}, {}});

  llvm::SourceMgr sm;
  auto buf = llvm::MemoryBuffer::getFile(input, /*IsText=*/true);
  if (!buf)
    return fail("cannot open '" + input + "': " + buf.getError().message());
  unsigned id = sm.AddNewSourceBuffer(std::move(*buf), llvm::SMLoc());
  auto kernels = spec::parseAndCheck(sm, id, llvm::errs());
  if (!kernels)
    return 1;

  if (gpu && pipelineKV)
    return fail("--pipeline-kv runs on the CPU path only (on the GPU a spec asks for the "
                "rotated KV loops with overlap = softmax)");
  if (gpu)
    return runGpu(*kernels, sm.getMemoryBuffer(id)->getBuffer(), shapeList);

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  mlir::DialectRegistry registry;
  registerFAAttnDialects(registry);
  registerCpuDialects(registry);
  mlir::MLIRContext ctx(registry);

  unsigned failures = 0, ran = 0;
  for (const spec::KernelSpec &k : *kernels) {
    if (!onlyKernel.empty() && k.name != onlyKernel)
      continue;
    if (k.mode == spec::Mode::Backward) {
      llvm::outs() << k.name << ": SKIP (mode = backward is not executable yet)\n";
      continue;
    }
    mlir::OwningOpRef<mlir::ModuleOp> module = buildKernelModule(ctx, k, sm, /*f32Storage=*/true);
    for (auto fn : module->getOps<mlir::func::FuncOp>()) {
      fn->setAttr("llvm.emit_c_interface", mlir::UnitAttr::get(&ctx));
      if (!loopOrder.empty())
        fn->setAttr("faattn.loop_order", mlir::StringAttr::get(&ctx, loopOrder));
    }
    mlir::PassManager pm(&ctx);
    AlgorithmOptions algorithm;
    algorithm.pipelineKV = pipelineKV;
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
  }
  if (!onlyKernel.empty() && ran == 0 && failures == 0)
    return fail("no kernel named '" + onlyKernel + "' in '" + input + "'");
  return failures ? 1 : 0;
}
