//===- Runtime.cpp - Runtime::compile, the kernel caches, Kernel::launch --===//
#include "faattn/faattn.h"

#include "faattn/Frontend/SpecToIR.h"
#include "faattn/Pipeline/Pipeline.h"
#include "faattn/Spec/Spec.h"
#include "faattn/runtime/CudaDriver.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fcntl.h>
#include <future>
#include <map>
#include <mutex>
#include <sys/file.h>
#include <unistd.h>

namespace faattn {

// Part of every cache key: bump it whenever generated code or its ABI changes.
const char *compilerVersion() { return "faattn-0.16-long-kv"; }

const char *dtypeName(DType d) {
  switch (d) {
  case DType::F16: return "f16";
  case DType::BF16: return "bf16";
  case DType::E4M3: return "e4m3";
  case DType::F32: return "f32";
  case DType::I32: return "i32";
  }
  return "?";
}

static std::string sha256Hex(llvm::StringRef data) {
  auto digest = llvm::SHA256::hash(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(data.data()), data.size()));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

std::string cacheKey(const std::string &canonicalSpecJson, const std::string &target) {
  return sha256Hex(canonicalSpecJson + "\n" + compilerVersion() + "\n" + target);
}

//===----------------------------------------------------------------------===//
// Kernel
//===----------------------------------------------------------------------===//

struct ParamInfo {
  std::string name;
  DType dtype;
  std::vector<spec::Dim> shape;
};

struct KernelInfo {
  int64_t headsQ = 0, headsKV = 0, headDimQK = 0, headDimV = 0;
  DType dtype = DType::BF16, outDtype = DType::BF16;
  bool bshd = true, returnLse = false;
  bool varlen = false;
  int64_t page = 0; // paged_kv's page size; 0 when K/V are dense
  int computeMajor = 9;
  std::vector<ParamInfo> params;
};

struct Kernel::State {
  CompiledKernel compiled;
  KernelInfo info;
  /// The module, loaded on the first launch in each CUDA context, with its
  /// entry (and the combine entry of a split-KV kernel).
  struct Loaded {
    CUmodule module = nullptr;
    CUfunction main = nullptr, combine = nullptr;
    int multiprocessors = 0;
    int ctasPerSM = 1; // a persistent kernel's CTAs an SM holds at once
  };
  std::mutex loadMutex;
  std::map<CUcontext, Loaded> loaded;
  /// compiled.alternatives, each with its own loaded modules (same info).
  std::vector<std::shared_ptr<State>> alternatives;
  /// The build for validated args: the last alternative whose minSeqKV the
  /// launch's KV sequence reaches (dense K/V only), else this one.
  State &forArgs(const LaunchArgs &a);
  ~State() {
    if (auto d = cuda::Driver::get())
      for (auto &[ctx, l] : loaded)
        d->moduleUnload(l.module); // (a context destroyed meanwhile returns an error: ignored)
  }
};

const std::string &Kernel::name() const { return state->compiled.name; }
const CompiledKernel &Kernel::compiled() const { return state->compiled; }

namespace {

struct Dims {
  int64_t b = 0, s = 0, h = 0, d = 0;
};

Status checkTensor(const std::string &kernel, const char *what, const Tensor &t, DType dtype,
                   size_t rank, uintptr_t alignment = 16) {
  auto fail = [&](const std::string &msg) {
    return Status::error("launch of kernel '" + kernel + "': tensor '" + what + "' " + msg);
  };
  if (t.shape.size() != rank)
    return fail("must have rank " + std::to_string(rank) + ", got " +
                std::to_string(t.shape.size()));
  if (t.dtype != dtype)
    return fail("must be " + std::string(dtypeName(dtype)) + ", got " + dtypeName(t.dtype));
  for (int64_t s : t.shape)
    if (s <= 0)
      return fail("has an empty or negative dimension");
  if (!t.data)
    return fail("has a null pointer");
  if (reinterpret_cast<uintptr_t>(t.data) % alignment != 0)
    return fail("is not " + std::to_string(alignment) + "-byte aligned");
  if (!t.strides.empty()) {
    if (t.strides.size() != rank)
      return fail("has " + std::to_string(t.strides.size()) + " strides for rank " +
                  std::to_string(rank));
    int64_t expect = 1;
    for (size_t i = rank; i-- > 0;) {
      if (t.strides[i] != expect)
        return fail("must be contiguous (row-major strides)");
      expect *= t.shape[i];
    }
  }
  return Status::ok();
}

/// (batch, seq, heads, dim) of a Q/K/V/out tensor; a packed (varlen) rank-3
/// tensor has batch 1.
Dims dimsOf(const Tensor &t, bool bshd) {
  if (t.shape.size() == 3)
    return bshd ? Dims{1, t.shape[0], t.shape[1], t.shape[2]}
                : Dims{1, t.shape[1], t.shape[0], t.shape[2]};
  if (bshd)
    return {t.shape[0], t.shape[1], t.shape[2], t.shape[3]};
  return {t.shape[0], t.shape[2], t.shape[1], t.shape[3]};
}

/// The number of sequences of a launch (validated args).
int64_t batchOf(const LaunchArgs &a, bool bshd) {
  return a.cuSeqlensQ ? a.cuSeqlensQ->shape[0] - 1 : dimsOf(a.q, bshd).b;
}

} // namespace

Status Kernel::validate(const LaunchArgs &a) const {
  const KernelInfo &k = state->info;
  const std::string &name = state->compiled.name;
  auto fail = [&](const std::string &msg) {
    return Status::error("launch of kernel '" + name + "': " + msg);
  };
  // varlen packs Q and out (and K, V unless paged) into rank-3 tensors.
  bool paged = k.page > 0;
  size_t qRank = k.varlen ? 3 : 4, kvRank = k.varlen && !paged ? 3 : 4;
  struct {
    const char *what;
    const Tensor &t;
    DType dtype;
    size_t rank;
  } tensors[] = {{"q", a.q, k.dtype, qRank}, {"k", a.k, k.dtype, kvRank},
                 {"v", a.v, k.dtype, kvRank}, {"out", a.out, k.outDtype, qRank}};
  for (auto &[what, t, dtype, rank] : tensors)
    if (Status s = checkTensor(name, what, t, dtype, rank); !s)
      return s;
  Dims q = dimsOf(a.q, k.bshd), kk = dimsOf(a.k, k.bshd), v = dimsOf(a.v, k.bshd),
       o = dimsOf(a.out, k.bshd);
  auto heads = [&](const char *what, int64_t got, int64_t want) -> Status {
    if (got == want)
      return Status::ok();
    return fail("tensor '" + std::string(what) + "' has " + std::to_string(got) +
                " heads, the spec has " + std::to_string(want));
  };
  for (Status s : {heads("q", q.h, k.headsQ), heads("k", kk.h, k.headsKV),
                   heads("v", v.h, k.headsKV), heads("out", o.h, k.headsQ)})
    if (!s)
      return s;
  auto dim = [&](const char *what, int64_t got, int64_t want) -> Status {
    if (got == want)
      return Status::ok();
    return fail("tensor '" + std::string(what) + "' has head_dim " + std::to_string(got) +
                ", the spec has " + std::to_string(want));
  };
  for (Status s : {dim("q", q.d, k.headDimQK), dim("k", kk.d, k.headDimQK),
                   dim("v", v.d, k.headDimV), dim("out", o.d, k.headDimV)})
    if (!s)
      return s;

  // The sequence tensors: exactly those the spec needs.
  struct SeqTensor {
    const char *what;
    const std::optional<Tensor> &t;
    bool wanted;
    const char *why;
    size_t rank;
  } seqTensors[] = {
      {"cu_seqlens_q", a.cuSeqlensQ, k.varlen, "varlen", 1},
      {"cu_seqlens_kv", a.cuSeqlensKV, k.varlen && !paged, "varlen without paged_kv", 1},
      {"block_table", a.blockTable, paged, "paged_kv", 2},
      {"seqlens_kv", a.seqlensKV, paged, "paged_kv", 1}};
  for (const SeqTensor &st : seqTensors) {
    if (st.wanted && !st.t)
      return fail(std::string("the spec has ") + st.why + ": tensor '" + st.what +
                  "' is missing");
    if (!st.wanted && st.t)
      return fail(std::string("tensor '") + st.what + "' is only for " + st.why +
                  " specs, this one is not");
    if (st.t)
      if (Status s = checkTensor(name, st.what, *st.t, DType::I32, st.rank, 4); !s)
        return s;
  }
  if (k.varlen && a.cuSeqlensQ->shape[0] < 2)
    return fail("tensor 'cu_seqlens_q' must have batch + 1 >= 2 entries");
  int64_t batch = batchOf(a, k.bshd);
  if (k.varlen && !paged && a.cuSeqlensKV->shape[0] != batch + 1)
    return fail("tensors 'cu_seqlens_q' and 'cu_seqlens_kv' must have the same length");
  if (paged) {
    if (a.blockTable->shape[0] != batch || a.seqlensKV->shape[0] != batch)
      return fail("tensors 'block_table' (batch, max_pages) and 'seqlens_kv' (batch) must "
                  "have the batch size, " + std::to_string(batch));
    if (kk.s != k.page || v.s != k.page)
      return fail("tensors 'k' and 'v' must hold pages of " + std::to_string(k.page) +
                  " rows (the spec's paged_kv), got " + std::to_string(kk.s));
    if (kk.b != v.b)
      return fail("k and v must have the same number of pages");
  } else {
    if (!k.varlen && kk.b != q.b)
      return fail("q, k, v and out must have the same batch size");
    if (v.s != kk.s)
      return fail("k and v must have the same sequence length");
  }
  if (!k.varlen && (v.b != kk.b || o.b != q.b))
    return fail("q, k, v and out must have the same batch size");
  if (o.s != q.s)
    return fail("out must have q's sequence length");
  if (q.s > INT32_MAX || kk.s > INT32_MAX)
    return fail("sequence lengths must fit in 32 bits");
  if (!k.varlen && a.maxSeqlenQ != 0)
    return fail("maxSeqlenQ is only for varlen specs, this one is not");
  if (a.maxSeqlenQ < 0 || a.maxSeqlenQ > q.s)
    return fail("maxSeqlenQ must be between 0 and total_q (" + std::to_string(q.s) + "), got " +
                std::to_string(a.maxSeqlenQ));
  if (k.returnLse) {
    const char *lseShape = k.varlen ? "(heads, total_q)" : "(batch, heads, seq_q)";
    if (!a.lse)
      return fail("the spec has return_lse: tensor 'lse' " + std::string(lseShape) +
                  " f32 is missing");
    if (Status s = checkTensor(name, "lse", *a.lse, DType::F32, k.varlen ? 2 : 3); !s)
      return s;
    std::vector<int64_t> want = k.varlen ? std::vector<int64_t>{k.headsQ, q.s}
                                         : std::vector<int64_t>{q.b, k.headsQ, q.s};
    if (a.lse->shape != want)
      return fail("tensor 'lse' must have shape " + std::string(lseShape));
  } else if (a.lse) {
    return fail("the spec has no return_lse, but an 'lse' tensor was given");
  }
  for (size_t i = 0; i < a.params.size(); ++i) {
    const std::string &given = a.params[i].first;
    if (std::none_of(k.params.begin(), k.params.end(),
                     [&](const ParamInfo &p) { return p.name == given; }))
      return fail("the spec has no param '" + given + "'");
    for (size_t j = 0; j < i; ++j)
      if (a.params[j].first == given)
        return fail("param '" + given + "' is given twice");
  }
  for (const ParamInfo &p : k.params) {
    auto it = std::find_if(a.params.begin(), a.params.end(),
                           [&](const auto &x) { return x.first == p.name; });
    if (it == a.params.end())
      return fail("param '" + p.name + "' is missing");
    std::string what = "param " + p.name;
    if (Status s = checkTensor(name, what.c_str(), it->second, p.dtype, p.shape.size()); !s)
      return s;
    for (size_t i = 0; i < p.shape.size(); ++i) {
      int64_t want = 0;
      switch (p.shape[i]) {
      case spec::Dim::Batch: want = batch; break;
      case spec::Dim::Heads: want = k.headsQ; break;
      case spec::Dim::KVHeads: want = k.headsKV; break;
      case spec::Dim::Seq: want = std::max(q.s, kk.s); break;
      case spec::Dim::SeqQ: want = q.s; break;
      case spec::Dim::SeqKV: want = kk.s; break;
      }
      if (it->second.shape[i] != want)
        return fail("param '" + p.name + "' dimension " + std::to_string(i) + " (" +
                    spec::dimName(p.shape[i]) + ") must be " + std::to_string(want) + ", got " +
                    std::to_string(it->second.shape[i]));
    }
  }
  return Status::ok();
}

Kernel::State &Kernel::State::forArgs(const LaunchArgs &a) {
  State *chosen = this;
  if (!alternatives.empty() && !info.varlen && info.page == 0 && a.k.shape.size() == 4) {
    int64_t seqKV = dimsOf(a.k, info.bshd).s;
    for (const std::shared_ptr<State> &alt : alternatives)
      if (seqKV >= alt->compiled.minSeqKV)
        chosen = alt.get();
  }
  return *chosen;
}

const CompiledKernel &Kernel::compiledFor(const LaunchArgs &a) const {
  return state->forArgs(a).compiled;
}

Status Kernel::launch(const LaunchArgs &a, void *stream) const {
  if (Status s = validate(a); !s)
    return s;
  State &st = state->forArgs(a);
  auto fail = [&](const std::string &msg) {
    return Status::error("launch of kernel '" + st.compiled.name + "': " + msg);
  };
  auto driver = cuda::Driver::get();
  if (!driver)
    return fail(llvm::toString(driver.takeError()));
  const cuda::Driver &d = *driver;
  // The caller's current context (or the first GPU's primary context when
  // the thread has none); the module is loaded once per context.
  auto device = cuda::Device::current();
  if (!device)
    return fail(llvm::toString(device.takeError()));
  State::Loaded entry;
  {
    std::lock_guard<std::mutex> lock(st.loadMutex);
    auto it = st.loaded.find(device->context);
    if (it != st.loaded.end()) {
      entry = it->second;
    } else {
      if (device->major < st.info.computeMajor)
        return fail(st.compiled.target + " needs compute capability " +
                    std::to_string(st.info.computeMajor) + ".0; the GPU (" + device->name +
                    ") has " + std::to_string(device->major) + "." +
                    std::to_string(device->minor));
      if (llvm::Error e = d.check(d.moduleLoadData(&entry.module, st.compiled.ptx.c_str()),
                                  "cuModuleLoadData"))
        return fail(llvm::toString(std::move(e)));
      std::string combineName = st.compiled.name + "_combine";
      llvm::Error e = d.check(
          d.moduleGetFunction(&entry.main, entry.module, st.compiled.name.c_str()),
          "cuModuleGetFunction");
      if (!e && st.compiled.maxSplits > 0)
        e = d.check(d.moduleGetFunction(&entry.combine, entry.module, combineName.c_str()),
                    "cuModuleGetFunction(" + combineName + ")");
      if (e) {
        d.moduleUnload(entry.module);
        return fail(llvm::toString(std::move(e)));
      }
      // More than 48 KB of dynamic shared memory is an opt-in per function.
      if (!e && st.compiled.sharedBytes > 48 * 1024)
        e = d.check(d.funcSetAttribute(entry.main,
                                       CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                       static_cast<int>(st.compiled.sharedBytes)),
                    "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES, " +
                        std::to_string(st.compiled.sharedBytes) + ")");
      // A persistent grid launches as many CTAs as the SMs hold at once.
      if (!e && st.compiled.persistent) {
        e = d.check(d.occupancyMaxActiveBlocksPerMultiprocessor(
                        &entry.ctasPerSM, entry.main,
                        static_cast<int>(st.compiled.threads > 0 ? st.compiled.threads
                                                                 : st.compiled.blockM),
                        static_cast<size_t>(st.compiled.sharedBytes)),
                    "cuOccupancyMaxActiveBlocksPerMultiprocessor");
        if (!e && entry.ctasPerSM < 1)
          e = llvm::createStringError("the kernel fits no CTA on an SM");
      }
      if (e) {
        d.moduleUnload(entry.module);
        return fail(llvm::toString(std::move(e)));
      }
      entry.multiprocessors = device->multiprocessors;
      st.loaded[device->context] = entry;
    }
  }
  // Each memref as its expanded descriptor (see the metadata's "abi").
  std::vector<int64_t> words;
  // Packed (varlen) tensors get the kernel's leading batch dimension of 1.
  auto memref = [&](const Tensor &t, bool packed = false) {
    std::vector<int64_t> shape = t.shape;
    if (packed)
      shape.insert(shape.begin(), 1);
    words.push_back(reinterpret_cast<int64_t>(t.data));
    words.push_back(reinterpret_cast<int64_t>(t.data));
    words.push_back(0);
    for (int64_t s : shape)
      words.push_back(s);
    std::vector<int64_t> strides(shape.size(), 1);
    for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * shape[i + 1];
    for (int64_t s : strides)
      words.push_back(s);
  };
  bool varlen = st.info.varlen, pagedKV = st.info.page > 0;
  memref(a.q, varlen);
  memref(a.k, varlen && !pagedKV);
  memref(a.v, varlen && !pagedKV);
  memref(a.out, varlen);
  if (a.lse)
    memref(*a.lse, varlen);
  // The sequence tensors, in the kernel's order (before the params).
  for (const std::optional<Tensor> *t : {&a.cuSeqlensQ, &a.cuSeqlensKV, &a.blockTable,
                                         &a.seqlensKV})
    if (*t)
      memref(**t);
  for (const ParamInfo &p : st.info.params)
    for (const auto &[pname, t] : a.params)
      if (pname == p.name)
        memref(t);
  // The grid: (batch, heads, q-blocks of the longest query sequence).
  Dims q = dimsOf(a.q, st.info.bshd);
  int64_t batch = batchOf(a, st.info.bshd);
  int64_t rows = varlen && a.maxSeqlenQ > 0 ? a.maxSeqlenQ : q.s;
  int64_t blocks = (rows + st.compiled.blockM - 1) / st.compiled.blockM;
  int64_t splits = st.compiled.maxSplits > 0 ? numSplits(a, entry.multiprocessors) : 1;
  if (batch > 65535 * 32768 || blocks * splits > 65535)
    return fail("the grid (" + std::to_string(batch) + ", " + std::to_string(q.h) + ", " +
                std::to_string(blocks * splits) + ") is too large");
  // The TMA pipeline's tensor maps, after the memrefs: q, k, v and out as
  // (head_dim, seq, heads, batch) over the tensors as laid out, boxes of 64
  // columns (128 bytes, swizzled) by block_m (q, out) or block_n (k, v) rows;
  // rows past a sequence read as zeros and are not written.
  CUtensorMap maps[4]; // 64-byte aligned by its type
  std::vector<void *> mapPtrs;
  if (st.compiled.tmaBlockN > 0) {
    if (!d.tensorMapEncodeTiled)
      return fail("the CUDA driver has no cuTensorMapEncodeTiled (CUDA 12 or later)");
    const Tensor *tensors[4] = {&a.q, &a.k, &a.v, &a.out};
    const char *names[4] = {"q", "k", "v", "out"};
    for (int i = 0; i < 4; ++i) {
      const Tensor &t = *tensors[i];
      Dims x = dimsOf(t, st.info.bshd);
      // Element strides of seq, heads and batch in the contiguous layout.
      int64_t seqStride = st.info.bshd ? x.h * x.d : x.d;
      int64_t headStride = st.info.bshd ? x.d : x.s * x.d;
      cuuint64_t dims[4] = {cuuint64_t(x.d), cuuint64_t(std::max<int64_t>(x.s, 1)),
                            cuuint64_t(x.h), cuuint64_t(x.b)};
      cuuint64_t strides[3] = {cuuint64_t(seqStride * 2), cuuint64_t(headStride * 2),
                               cuuint64_t(x.s * x.h * x.d * 2)};
      int64_t rows = i == 0 || i == 3 ? st.compiled.blockM : st.compiled.tmaBlockN;
      cuuint32_t box[4] = {64, cuuint32_t(rows), 1, 1};
      cuuint32_t elementStrides[4] = {1, 1, 1, 1};
      CUresult r = d.tensorMapEncodeTiled(
          &maps[i],
          t.dtype == DType::BF16 ? CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 : CU_TENSOR_MAP_DATA_TYPE_FLOAT16,
          4, t.data, dims, strides, box, elementStrides, CU_TENSOR_MAP_INTERLEAVE_NONE,
          CU_TENSOR_MAP_SWIZZLE_128B, CU_TENSOR_MAP_L2_PROMOTION_L2_256B,
          CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
      if (llvm::Error e = d.check(r, std::string("cuTensorMapEncodeTiled(") + names[i] + ")"))
        return fail(llvm::toString(std::move(e)));
      mapPtrs.push_back(&maps[i]);
    }
  }
  CUstream cuStream = static_cast<CUstream>(stream);
  int64_t threads = st.compiled.threads > 0 ? st.compiled.threads : st.compiled.blockM;
  int64_t shared = st.compiled.sharedBytes;
  CUdeviceptr tileCounter = 0; // a persistent grid's, after the memrefs
  auto run = [&](CUfunction fn, int64_t z) -> Status {
    std::vector<void *> argPtrs;
    for (int64_t &w : words)
      argPtrs.push_back(&w);
    unsigned grid[3] = {static_cast<unsigned>(batch), static_cast<unsigned>(q.h),
                        static_cast<unsigned>(z)};
    if (tileCounter) {
      argPtrs.push_back(&tileCounter);
      int64_t tiles = batch * q.h * z;
      int64_t resident = int64_t(std::max(entry.multiprocessors, 1)) * entry.ctasPerSM;
      grid[0] = static_cast<unsigned>(std::min(tiles, resident));
      grid[1] = grid[2] = 1;
    }
    argPtrs.insert(argPtrs.end(), mapPtrs.begin(), mapPtrs.end());
    if (llvm::Error e = d.check(
            d.launchKernel(fn, grid[0], grid[1], grid[2], static_cast<unsigned>(threads), 1, 1,
                           static_cast<unsigned>(shared), cuStream, argPtrs.data(), nullptr),
            "cuLaunchKernel"))
      return fail(llvm::toString(std::move(e)));
    return Status::ok();
  };
  // A device buffer for one launch, zeroed when asked: allocated and freed in
  // stream order when the driver has it (CUDA 11.2+; the pool makes repeated
  // launches cheap), else a plain allocation (cuMemFree waits for the
  // kernels; the async free is ordered after them).
  auto withBuffer = [&](size_t bytes, const std::string &what, bool zero,
                        llvm::function_ref<Status(CUdeviceptr)> body) -> Status {
    bool async = d.memAllocAsync && d.memFreeAsync;
    CUdeviceptr buffer = 0;
    if (llvm::Error e = async ? d.check(d.memAllocAsync(&buffer, bytes, cuStream), "cuMemAllocAsync")
                              : d.check(d.memAlloc(&buffer, bytes), "cuMemAlloc"))
      return fail(what + ": " + llvm::toString(std::move(e)));
    Status done = Status::ok();
    if (llvm::Error e = zero ? d.check(d.memsetD32Async(buffer, 0, bytes / 4, cuStream),
                                       "cuMemsetD32Async")
                             : llvm::Error::success())
      done = fail(llvm::toString(std::move(e)));
    else
      done = body(buffer);
    llvm::Error freed = async ? d.check(d.memFreeAsync(buffer, cuStream), "cuMemFreeAsync")
                              : d.check(d.memFree(buffer), "cuMemFree");
    if (freed && done)
      return fail(llvm::toString(std::move(freed)));
    llvm::consumeError(std::move(freed));
    return done;
  };
  if (st.compiled.persistent) {
    if (batch * q.h * blocks == 0)
      return run(entry.main, blocks); // an empty grid: cuLaunchKernel's error, as without
    // The tile counter, one per launch (launches on other streams run at once).
    return withBuffer(4, "the tile counter", /*zero=*/true, [&](CUdeviceptr counter) {
      tileCounter = counter;
      return run(entry.main, blocks);
    });
  }
  if (st.compiled.maxSplits == 0)
    return run(entry.main, blocks);

  // Split-KV: partial O (batch * splits, seq_q, heads, dim_v) and LSE
  // (batch * splits, heads, seq_q) in f32, then the split grid and the
  // combine grid.
  int64_t parts = batch * splits, heads = st.info.headsQ, dv = st.info.headDimV;
  int64_t oElems = parts * q.s * heads * dv, lseElems = parts * heads * q.s;
  size_t bytes = static_cast<size_t>(oElems + lseElems) * sizeof(float);
  return withBuffer(bytes, "split-KV workspace of " + std::to_string(bytes) + " bytes",
                    /*zero=*/false, [&](CUdeviceptr workspace) {
                      Tensor oPart{reinterpret_cast<void *>(workspace), DType::F32,
                                   {parts, q.s, heads, dv}, {}};
                      Tensor lsePart{reinterpret_cast<void *>(workspace + oElems * sizeof(float)),
                                     DType::F32, {parts, heads, q.s}, {}};
                      memref(oPart);
                      memref(lsePart);
                      Status launched = run(entry.main, blocks * splits);
                      if (launched)
                        launched = run(entry.combine, blocks);
                      return launched;
                    });
}

int64_t Kernel::numSplits(const LaunchArgs &a, int multiprocessors) const {
  const State &st = *state;
  if (st.compiled.maxSplits <= 0 || st.compiled.blockN <= 0 ||
      (st.info.page > 0 && !a.blockTable))
    return 1;
  // KV blocks: the dense length, or the block table's capacity (paged).
  Dims q = dimsOf(a.q, st.info.bshd), kv = dimsOf(a.k, st.info.bshd);
  int64_t kvRows = st.info.page > 0 ? a.blockTable->shape[1] * st.info.page : kv.s;
  int64_t kvBlocks = (kvRows + st.compiled.blockN - 1) / st.compiled.blockN;
  int64_t ctas = batchOf(a, st.info.bshd) * q.h *
                 ((q.s + st.compiled.blockM - 1) / st.compiled.blockM);
  // Flash-Decoding's choice: enough CTAs to fill the SMs (waves as full as
  // possible), no more splits than KV blocks. Already a wave or more: 1.
  int64_t sms = std::max(multiprocessors, 1);
  int64_t most = std::max<int64_t>(1, std::min(st.compiled.maxSplits, kvBlocks));
  if (ctas >= sms)
    return 1;
  double best = 0;
  std::vector<double> eff(most + 1, 0);
  for (int64_t s = 1; s <= most; ++s) {
    double waves = double(ctas * s) / sms;
    eff[s] = waves / std::ceil(waves);
    best = std::max(best, eff[s]);
  }
  for (int64_t s = 1; s <= most; ++s)
    if (eff[s] >= 0.85 * best)
      return s;
  return most;
}

//===----------------------------------------------------------------------===//
// Runtime and the caches
//===----------------------------------------------------------------------===//

struct Runtime::Impl {
  RuntimeOptions options;
  std::string dir; // "" = no disk cache
  bool diskWarned = false;
  mutable std::mutex mutex;
  std::map<std::string, std::shared_future<Result<CompiledKernel>>> memory;
  Stats stats;

  Result<CompiledKernel> compileSpec(const std::string &text, const std::string &kernel);
  Result<CompiledKernel> diskOrCompile(const std::string &key, const std::string &text,
                                       const std::string &kernel);
  void warnDisk(const std::string &why) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!diskWarned)
      llvm::errs() << "faattn: warning: the disk cache is off (" << why
                   << "); kernels are cached in memory only\n";
    diskWarned = true;
    dir.clear();
  }
};

Runtime::Runtime(RuntimeOptions options) : impl(std::make_unique<Impl>()) {
  impl->options = std::move(options);
  if (impl->options.cacheDir) {
    impl->dir = *impl->options.cacheDir;
  } else if (const char *env = std::getenv("FAATTN_CACHE_DIR")) {
    impl->dir = env;
  } else if (const char *home = std::getenv("HOME")) {
    llvm::SmallString<256> p(home);
    llvm::sys::path::append(p, ".cache", "faattn");
    impl->dir = std::string(p);
  }
  if (!impl->dir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(impl->dir))
      impl->warnDisk("cannot create '" + impl->dir + "': " + ec.message());
}

Runtime::~Runtime() = default;

Runtime::Stats Runtime::stats() const {
  std::lock_guard<std::mutex> lock(impl->mutex);
  return impl->stats;
}

std::string Runtime::cacheDir() const {
  std::lock_guard<std::mutex> lock(impl->mutex);
  return impl->dir;
}

Result<CompiledKernel> Runtime::Impl::compileSpec(const std::string &text,
                                                  const std::string &kernel) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.compiles;
  }
  if (options.compiler)
    return options.compiler(text, kernel);
  llvm::SourceMgr sm;
  std::string diags;
  auto kernels = spec::parseAndCheckText(sm, text, "<spec>", diags);
  if (!kernels)
    return Status::error("spec error:\n" + diags);
  for (const spec::KernelSpec &k : *kernels) {
    if (k.name != kernel)
      continue;
    mlir::DialectRegistry registry;
    registerFAAttnDialects(registry);
    registerGpuDialects(registry);
    mlir::MLIRContext ctx(registry, mlir::MLIRContext::Threading::DISABLED);
    llvm::Expected<GpuKernel> gk = compileForGpu(ctx, k, sm);
    if (!gk)
      return Status::error(llvm::toString(gk.takeError()));
    auto convert = [](const GpuKernel &g) {
      CompiledKernel ck;
      ck.name = g.name;
      ck.target = g.chip;
      ck.ptx = g.ptx;
      ck.blockM = g.blockM;
      ck.threads = g.threads;
      ck.sharedBytes = g.sharedBytes;
      ck.blockN = g.blockN;
      ck.maxSplits = g.maxSplits;
      ck.tmaBlockN = g.tmaBlockN;
      ck.persistent = g.persistent;
      ck.minSeqKV = g.minSeqKV;
      return ck;
    };
    CompiledKernel ck = convert(*gk);
    for (const GpuKernel &alt : gk->alternatives)
      ck.alternatives.push_back(convert(alt));
    return ck;
  }
  return Status::error("no kernel named '" + kernel + "'");
}

namespace {

/// The disk entry: a header line, then the kernel and each of its
/// alternatives as a JSON line (name, target, launch sizes, the PTX's size
/// and SHA-256) followed by that PTX.
/// The fields that decide how a kernel is launched, hashed (a corrupt block
/// size would launch wrongly).
std::string entryFields(const std::string &name, const std::string &target,
                        const std::vector<int64_t> &sizes, const std::string &ptxSha) {
  std::string s = name + "\n" + target + "\n";
  for (int64_t x : sizes)
    s += std::to_string(x) + "\n";
  return s + ptxSha;
}

/// Launch sizes a kernel can have (from the compiler, a replacement
/// compiler or a disk entry): a block of at most 1024 threads, at most
/// 227 KB of shared memory, block_n for split-KV.
bool launchSizesValid(int64_t blockM, int64_t threads, int64_t sharedBytes, int64_t blockN,
                      int64_t maxSplits, int64_t tmaBlockN, int64_t persistent) {
  if (persistent != 0 && (persistent != 1 || maxSplits != 0))
    return false;
  return blockM >= 1 && blockM <= 1024 && threads >= 0 && threads <= 1024 && sharedBytes >= 0 &&
         sharedBytes <= 232448 && blockN >= 0 && blockN <= 1024 && maxSplits >= 0 &&
         maxSplits <= 1024 && (maxSplits == 0 || blockN > 0) && tmaBlockN >= 0 &&
         tmaBlockN <= 256 && (tmaBlockN == 0 || (blockM <= 256 && maxSplits == 0));
}

constexpr size_t kMaxAlternatives = 8;

/// Why a compiled kernel cannot be launched ("" when it can): its launch
/// sizes and its alternatives' (ascending minSeqKV > 0, none of their own,
/// the same entry and target).
std::string invalidReason(const CompiledKernel &k) {
  auto sizes = [](const CompiledKernel &c) {
    if (launchSizesValid(c.blockM, c.threads, c.sharedBytes, c.blockN, c.maxSplits, c.tmaBlockN,
                         c.persistent ? 1 : 0))
      return std::string();
    return "kernel '" + c.name + "' has invalid launch sizes (block_m " +
           std::to_string(c.blockM) + ", threads " + std::to_string(c.threads) + ")";
  };
  if (std::string why = sizes(k); !why.empty())
    return why;
  if (k.minSeqKV != 0 || k.alternatives.size() > kMaxAlternatives)
    return "kernel '" + k.name + "' has invalid alternatives";
  int64_t last = 0;
  for (const CompiledKernel &alt : k.alternatives) {
    if (std::string why = sizes(alt); !why.empty())
      return why;
    if (alt.minSeqKV <= last || !alt.alternatives.empty() || alt.name != k.name ||
        alt.target != k.target || alt.maxSplits != 0 || k.maxSplits != 0)
      return "kernel '" + k.name + "' has invalid alternatives";
    last = alt.minSeqKV;
  }
  return "";
}

/// The launch sizes of an entry, in the order of entryFields and the JSON
/// keys; "alternatives" is their number after the kernel (0 in each of them).
const char *const kSizeKeys[] = {"block_m",     "threads",    "shared_bytes", "block_n",
                                 "max_splits",  "tma_block_n", "persistent",  "min_seq_kv",
                                 "alternatives"};

constexpr llvm::StringLiteral kCacheHeader = "faattn-cache 5\n";

/// One entry; an alternative's checksum covers the main kernel's PTX checksum
/// too (`parentSha`; "" for the main kernel), so that entries of two cache
/// files do not mix.
void serializeEntry(const CompiledKernel &k, int64_t alternatives, const std::string &parentSha,
                    std::string &out) {
  std::string ptxSha = sha256Hex(k.ptx);
  std::vector<int64_t> sizes = {k.blockM,    k.threads,   k.sharedBytes,
                                k.blockN,    k.maxSplits, k.tmaBlockN,
                                k.persistent ? 1 : 0, k.minSeqKV, alternatives};
  nlohmann::json meta = {{"name", k.name},
                         {"target", k.target},
                         {"ptx_bytes", k.ptx.size()},
                         {"ptx_sha256", ptxSha},
                         {"entry_sha256",
                          sha256Hex(entryFields(k.name, k.target, sizes, ptxSha + parentSha))}};
  for (size_t i = 0; i < sizes.size(); ++i)
    meta[kSizeKeys[i]] = sizes[i];
  out += meta.dump() + "\n" + k.ptx;
}

std::string serialize(const CompiledKernel &k) {
  std::string out = kCacheHeader.str();
  serializeEntry(k, static_cast<int64_t>(k.alternatives.size()), "", out);
  std::string mainSha = sha256Hex(k.ptx);
  for (const CompiledKernel &alt : k.alternatives)
    serializeEntry(alt, 0, mainSha, out);
  return out;
}

/// One entry from the front of `data` (consumed), and its number of
/// alternatives; nullopt when it is malformed, truncated or corrupt.
std::optional<CompiledKernel> deserializeEntry(llvm::StringRef &data, const std::string &parentSha,
                                              int64_t &alternatives) {
  auto [line, rest] = data.split('\n');
  nlohmann::json meta = nlohmann::json::parse(line.str(), nullptr, /*allow_exceptions=*/false);
  // Every field checked for its type before it is read (get<> would throw).
  auto isString = [&](const char *key) { return meta.contains(key) && meta[key].is_string(); };
  if (meta.is_discarded() || !meta.is_object() || !isString("name") || !isString("target") ||
      !isString("ptx_sha256") || !isString("entry_sha256") || !meta.contains("ptx_bytes") ||
      !meta["ptx_bytes"].is_number_unsigned())
    return std::nullopt;
  std::vector<int64_t> sizes;
  for (const char *key : kSizeKeys) {
    if (!meta.contains(key) || !meta[key].is_number_integer())
      return std::nullopt;
    sizes.push_back(meta[key].get<int64_t>());
  }
  size_t ptxBytes = meta["ptx_bytes"].get<size_t>();
  if (rest.size() < ptxBytes)
    return std::nullopt; // truncated
  llvm::StringRef ptx = rest.take_front(ptxBytes);
  if (sha256Hex(ptx) != meta["ptx_sha256"].get<std::string>())
    return std::nullopt; // corrupt: a miss
  // The header fields are covered too (a corrupt block_m would launch wrongly).
  std::string fields = entryFields(meta["name"].get<std::string>(),
                                   meta["target"].get<std::string>(), sizes,
                                   meta["ptx_sha256"].get<std::string>() + parentSha);
  if (sha256Hex(fields) != meta["entry_sha256"].get<std::string>())
    return std::nullopt;
  CompiledKernel k;
  k.name = meta["name"].get<std::string>();
  k.target = meta["target"].get<std::string>();
  k.blockM = sizes[0];
  k.threads = sizes[1];
  k.sharedBytes = sizes[2];
  k.blockN = sizes[3];
  k.maxSplits = sizes[4];
  k.tmaBlockN = sizes[5];
  if (sizes[6] != 0 && sizes[6] != 1)
    return std::nullopt;
  k.persistent = sizes[6] != 0;
  k.minSeqKV = sizes[7];
  alternatives = sizes[8];
  k.ptx = ptx.str();
  data = rest.drop_front(ptxBytes);
  return k;
}

std::optional<CompiledKernel> deserialize(llvm::StringRef data) {
  if (!data.consume_front(kCacheHeader))
    return std::nullopt;
  int64_t alternatives = 0, none = 0;
  std::optional<CompiledKernel> k = deserializeEntry(data, "", alternatives);
  if (!k || alternatives < 0 || alternatives > int64_t(kMaxAlternatives))
    return std::nullopt;
  std::string mainSha = sha256Hex(k->ptx);
  for (int64_t i = 0; i < alternatives; ++i) {
    std::optional<CompiledKernel> alt = deserializeEntry(data, mainSha, none);
    if (!alt || none != 0)
      return std::nullopt;
    k->alternatives.push_back(std::move(*alt));
  }
  if (!data.empty() || !invalidReason(*k).empty())
    return std::nullopt; // trailing bytes, or sizes that cannot launch
  return k;
}

/// An exclusive lock on a file for the life of the object (flock: released
/// by the kernel if the process dies).
struct FileLock {
  int fd = -1;
  explicit FileLock(const std::string &path) {
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0 && ::flock(fd, LOCK_EX) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ~FileLock() {
    if (fd >= 0) {
      ::flock(fd, LOCK_UN);
      ::close(fd);
    }
  }
};

} // namespace

Result<CompiledKernel> Runtime::Impl::diskOrCompile(const std::string &key,
                                                    const std::string &text,
                                                    const std::string &kernel) {
  std::string d;
  {
    std::lock_guard<std::mutex> lock(mutex);
    d = dir;
  }
  if (d.empty())
    return compileSpec(text, kernel);
  llvm::SmallString<256> path(d), lockPath(d);
  llvm::sys::path::append(path, key + ".faattn");
  llvm::sys::path::append(lockPath, key + ".lock");
  // One compile per key across processes: the first takes the lock and
  // compiles, the others wait and then read its file.
  FileLock lock{std::string(lockPath)};
  if (lock.fd < 0) {
    warnDisk("cannot lock '" + std::string(lockPath) + "'");
    return compileSpec(text, kernel);
  }
  if (auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false))
    if (auto k = deserialize((*buf)->getBuffer())) {
      std::lock_guard<std::mutex> g(mutex);
      ++stats.diskHits;
      return *k;
    }
  Result<CompiledKernel> compiled = compileSpec(text, kernel);
  if (!compiled || !invalidReason(*compiled).empty())
    return compiled; // Runtime::compile reports it; nothing that cannot launch is written
  std::string data = serialize(*compiled);
  if (llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
        os << data;
        return llvm::Error::success();
      }))
    warnDisk(llvm::toString(std::move(err)));
  return compiled;
}

Result<Kernel> Runtime::compile(const std::string &text, const std::string &kernelName) {
  // Parse and check first: bad specs fail fast, and the checked spec gives the
  // cache key and the launch-time shape checks.
  llvm::SourceMgr sm;
  std::string diags;
  auto kernels = spec::parseAndCheckText(sm, text, "<spec>", diags);
  if (!kernels)
    return Status::error("spec error:\n" + diags);
  const spec::KernelSpec *k = nullptr;
  std::string names;
  for (const spec::KernelSpec &c : *kernels) {
    names += (names.empty() ? "" : ", ") + c.name;
    if (kernelName.empty() ? kernels->size() == 1 : c.name == kernelName)
      k = &c;
  }
  if (!k) {
    if (kernelName.empty())
      return Status::error("the spec has " + std::to_string(kernels->size()) +
                           " kernels (" + names + "); name the one to compile");
    return Status::error("the spec has no kernel named '" + kernelName + "' (it has " + names +
                         ")");
  }
  std::string key = cacheKey(spec::canonicalJson(*k).dump(), spec::targetName(k->target));

  std::shared_future<Result<CompiledKernel>> future;
  std::promise<Result<CompiledKernel>> promise;
  bool owner = false;
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    auto it = impl->memory.find(key);
    if (it != impl->memory.end()) {
      future = it->second;
      ++impl->stats.memoryHits;
    } else {
      future = promise.get_future().share();
      impl->memory.emplace(key, future);
      owner = true;
    }
  }
  if (owner) {
    // Whatever happens, the promise gets a value and a failure leaves no
    // entry behind: waiters must never see a broken promise.
    Result<CompiledKernel> r = Status::error("internal error while compiling '" + k->name + "'");
    try {
      r = impl->diskOrCompile(key, text, k->name);
    } catch (const std::exception &e) {
      r = Status::error("internal error while compiling '" + k->name + "': " + e.what());
    }
    if (!r) { // do not cache failures: a later call may succeed
      std::lock_guard<std::mutex> lock(impl->mutex);
      impl->memory.erase(key);
    }
    promise.set_value(std::move(r));
  }
  const Result<CompiledKernel> &compiled = future.get();
  if (!compiled)
    return compiled.status();
  if (std::string why = invalidReason(*compiled); !why.empty())
    return Status::error(why);

  auto state = std::make_shared<Kernel::State>();
  state->compiled = *compiled;
  KernelInfo &info = state->info;
  info.headsQ = k->headsQ;
  info.headsKV = k->headsKV;
  info.headDimQK = k->headDimQK;
  info.headDimV = k->headDimV;
  auto dt = [](spec::DType d) {
    return d == spec::DType::F16 ? DType::F16 : d == spec::DType::BF16 ? DType::BF16 : DType::E4M3;
  };
  info.dtype = dt(k->dtype);
  info.outDtype = k->dtype == spec::DType::E4M3 ? DType::BF16 : info.dtype;
  info.bshd = k->layout == spec::Layout::BSHD;
  info.returnLse = k->returnLse;
  info.varlen = k->varlen;
  info.page = k->pagedKVPage.value_or(0);
  info.computeMajor = k->target == spec::Target::SM90a ? 9 : 8;
  for (const spec::ParamDecl &p : k->params)
    info.params.push_back(
        {p.name, p.elemType == spec::Type::I32 ? DType::I32 : DType::F32, p.shape});
  for (const CompiledKernel &alt : compiled->alternatives) {
    auto altState = std::make_shared<Kernel::State>();
    altState->compiled = alt;
    altState->info = info;
    state->alternatives.push_back(std::move(altState));
  }
  return Kernel(state);
}

Result<Kernel> Runtime::compileFile(const std::string &path, const std::string &kernel) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buf)
    return Status::error("cannot open '" + path + "': " + buf.getError().message());
  return compile((*buf)->getBuffer().str(), kernel);
}

//===----------------------------------------------------------------------===//
// DeviceBuffer
//===----------------------------------------------------------------------===//

/// The driver, with a current context on the calling thread (the first GPU's
/// primary context when the thread has none).
static llvm::Expected<const cuda::Driver &> currentDriver() {
  auto driver = cuda::Driver::get();
  if (!driver)
    return driver.takeError();
  auto device = cuda::Device::current();
  if (!device)
    return device.takeError();
  return *driver;
}

Result<DeviceBuffer> DeviceBuffer::allocate(size_t bytes) {
  auto d = currentDriver();
  if (!d)
    return Status::error(llvm::toString(d.takeError()));
  CUdeviceptr p = 0;
  if (llvm::Error e = d->check(d->memAlloc(&p, std::max<size_t>(bytes, 1)), "cuMemAlloc"))
    return Status::error(llvm::toString(std::move(e)));
  return DeviceBuffer(p, bytes);
}

DeviceBuffer::~DeviceBuffer() {
  if (ptr)
    if (auto d = cuda::Driver::get())
      d->memFree(ptr);
}

Status DeviceBuffer::upload(const void *host, size_t bytes) {
  if (bytes > size)
    return Status::error("upload of " + std::to_string(bytes) + " bytes into a buffer of " +
                         std::to_string(size));
  auto d = currentDriver();
  if (!d)
    return Status::error(llvm::toString(d.takeError()));
  if (llvm::Error e = d->check(d->memcpyHtoD(ptr, host, bytes), "cuMemcpyHtoD"))
    return Status::error(llvm::toString(std::move(e)));
  return Status::ok();
}

Status DeviceBuffer::download(void *host, size_t bytes) const {
  if (bytes > size)
    return Status::error("download of " + std::to_string(bytes) + " bytes from a buffer of " +
                         std::to_string(size));
  auto d = currentDriver();
  if (!d)
    return Status::error(llvm::toString(d.takeError()));
  if (llvm::Error e = d->check(d->memcpyDtoH(host, ptr, bytes), "cuMemcpyDtoH"))
    return Status::error(llvm::toString(std::move(e)));
  return Status::ok();
}

Status synchronize() {
  auto d = currentDriver();
  if (!d)
    return Status::error(llvm::toString(d.takeError()));
  if (llvm::Error e = d->check(d->ctxSynchronize(), "cuCtxSynchronize"))
    return Status::error(llvm::toString(std::move(e)));
  return Status::ok();
}

} // namespace faattn
