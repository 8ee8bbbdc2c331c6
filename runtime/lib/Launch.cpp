//===- Launch.cpp - Kernel::launch ----------------------------------------===//
//
// A validated launch: the build for its KV length (overlap = auto's
// alternatives), the module loaded once per CUDA context, the arguments
// packed as the kernel's memref descriptors (and TMA tensor maps), and the
// grid launched; persistent grids get a tile counter, split-KV kernels a
// workspace and their combine grid (Kernel::numSplits).
//
//===----------------------------------------------------------------------===//
#include "faattn/Target/TargetInfo.h"
#include "KernelState.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>

namespace faattn {

/// The rows of a split-KV workspace: batch * splits, or with packed
/// (varlen) sequences `splits`, each holding every sequence's rows
/// (faattn-split-kv).
static int64_t splitParts(int64_t batch, int64_t splits, bool varlen) {
  return varlen ? splits : batch * splits;
}

/// `bytes` rounded up to the next 256-byte boundary: where a workspace's
/// next part starts.
static size_t align256(size_t bytes) { return (bytes + 255) / 256 * 256; }

/// A split-KV workspace: f32 partial O (parts, seq_q, heads, dim_v) from 0,
/// then LSE (parts, heads, seq_q) at `lse`, then with `countRows` > 0 (the
/// last-CTA combine: batch, or 1 for packed sequences) the i32 counters
/// (countRows, heads, seq_q) at `count`, the next 256-byte boundary. Offsets
/// in bytes; `end` is the workspace's size.
struct SplitWorkspace {
  size_t lse = 0, count = 0, end = 0;
};

/// That layout; none when its size overflows.
static std::optional<SplitWorkspace> splitWorkspace(int64_t parts, int64_t seqQ, int64_t heads,
                                                    int64_t dv, int64_t countRows = 0) {
  int64_t rows = 0, oElems = 0, lseElems = 0, total = 0, counts = 0, countRow = 0;
  if (__builtin_mul_overflow(seqQ, heads * int64_t(sizeof(int32_t)), &countRow) ||
      __builtin_mul_overflow(parts, seqQ, &rows) ||
      __builtin_mul_overflow(rows, heads * dv, &oElems) ||
      __builtin_mul_overflow(rows, heads, &lseElems) ||
      __builtin_add_overflow(oElems, lseElems, &total) ||
      __builtin_mul_overflow(total, int64_t(sizeof(float)), &total) ||
      __builtin_mul_overflow(countRows, countRow, &counts) ||
      total > INT64_MAX - 256 - counts)
    return std::nullopt;
  SplitWorkspace w;
  w.lse = static_cast<size_t>(oElems) * sizeof(float);
  w.end = static_cast<size_t>(total);
  if (countRows > 0) {
    w.count = align256(w.end);
    w.end = w.count + static_cast<size_t>(counts);
  }
  return w;
}

const std::string &Kernel::name() const { return state->compiled.name; }
const CompiledKernel &Kernel::compiled() const { return state->compiled; }

Kernel::State &Kernel::State::forArgs(const LaunchArgs &a, int multiprocessors) {
  State *chosen = this;
  if (!alternatives.empty() && !info.varlen && info.page == 0 && a.k.shape.size() == 4) {
    Dims q = dimsOf(a.q, info.bshd), kv = dimsOf(a.k, info.bshd);
    for (const std::shared_ptr<State> &alt : alternatives)
      if (launchesAlternative(alt->compiled, q.b, q.h, q.s, kv.s, multiprocessors))
        chosen = alt.get();
  }
  return *chosen;
}

void Kernel::State::resolveArgs() {
  argSlots.clear();
  for (const KernelArg &arg : compiled.args) {
    llvm::StringRef name = arg.name;
    ArgSlot slot;
    slot.rank = arg.shape.size();
    slot.leadingOne = !arg.shape.empty() && arg.shape.front() == "1";
    slot.kind = llvm::StringSwitch<ArgSlot::Kind>(name)
                    .Case("q", ArgSlot::Q)
                    .Case("k", ArgSlot::K)
                    .Case("v", ArgSlot::V)
                    .Case("out", ArgSlot::Out)
                    .Case("lse", ArgSlot::Lse)
                    .Case("cu_seqlens_q", ArgSlot::CuSeqlensQ)
                    .Case("cu_seqlens_kv", ArgSlot::CuSeqlensKV)
                    .Case("block_table", ArgSlot::BlockTable)
                    .Case("seqlens_kv", ArgSlot::SeqlensKV)
                    .Case("dout", ArgSlot::Dout)
                    .Case("dq", ArgSlot::Dq)
                    .Case("dk", ArgSlot::Dk)
                    .Case("dv", ArgSlot::Dv)
                    .StartsWith("workspace:", ArgSlot::Workspace)
                    .Default(ArgSlot::Unknown);
    bool grad = name.starts_with("grad:");
    if (name.consume_front("param:") || name.consume_front("grad:"))
      for (size_t i = 0; i < info.params.size(); ++i)
        if (info.params[i].name == name && (!grad || info.params[i].requiresGrad)) {
          slot.kind = grad ? ArgSlot::ParamGrad : ArgSlot::Param;
          slot.param = static_cast<int32_t>(i);
        }
    argSlots.push_back(slot);
  }
}

const CompiledKernel &Kernel::compiledFor(const LaunchArgs &a, int multiprocessors) const {
  return state->forArgs(a, multiprocessors).compiled;
}

const Tensor *argTensor(const ArgSlot &slot, const LaunchArgs &a, const ParamTensors &p) {
  auto opt = [](const std::optional<Tensor> &t) { return t ? &*t : nullptr; };
  switch (slot.kind) {
  case ArgSlot::Q: return &a.q;
  case ArgSlot::K: return &a.k;
  case ArgSlot::V: return &a.v;
  case ArgSlot::Out: return &a.out;
  case ArgSlot::Lse: return opt(a.lse);
  case ArgSlot::CuSeqlensQ: return opt(a.cuSeqlensQ);
  case ArgSlot::CuSeqlensKV: return opt(a.cuSeqlensKV);
  case ArgSlot::BlockTable: return opt(a.blockTable);
  case ArgSlot::SeqlensKV: return opt(a.seqlensKV);
  case ArgSlot::Dout: return opt(a.dout);
  case ArgSlot::Dq: return opt(a.dq);
  case ArgSlot::Dk: return opt(a.dk);
  case ArgSlot::Dv: return opt(a.dv);
  case ArgSlot::Param:
    return size_t(slot.param) < p.params.size() ? p.params[slot.param] : nullptr;
  case ArgSlot::ParamGrad:
    return size_t(slot.param) < p.grads.size() ? p.grads[slot.param] : nullptr;
  case ArgSlot::Workspace:
  case ArgSlot::Unknown: return nullptr;
  }
  return nullptr;
}

Result<std::vector<const Tensor *>> Kernel::argTensors(const LaunchArgs &a, bool hostF32) const {
  ParamTensors p;
  if (Status s = validateLaunch(*state, a, &p, hostF32); !s)
    return s;
  if (state->argSlots.empty())
    return Status::error("kernel '" + state->compiled.name +
                         "' has no argument list (its kernel ABI)");
  std::vector<const Tensor *> out;
  for (size_t i = 0; i < state->argSlots.size(); ++i) {
    if (state->argSlots[i].kind == ArgSlot::Workspace)
      break; // the workspace arguments come last
    const Tensor *t = argTensor(state->argSlots[i], a, p);
    if (!t)
      return Status::error("kernel '" + state->compiled.name + "': no tensor for its argument '" +
                           state->compiled.args[i].name + "'");
    out.push_back(t);
  }
  return out;
}

/// The tiled backward's f32 dQ accumulator (workspace:dq, shaped as dq).
static size_t dqAccumulatorBytes(const Tensor &dq) {
  return bytesOf(dq) / elementBytes(dq.dtype) * 4;
}

/// A deterministic backward with learnable params: its arguments end with
/// workspace:pgrad and workspace:pgidx (the param gradients' partials,
/// ParamGradSlots.h; KernelABI.cpp).
static bool hasParamGradPartials(const CompiledKernel &k) {
  return k.backwardTiled && k.args.size() >= 2 && k.args.back().name == "workspace:pgidx";
}

/// A deterministic backward (BackwardTile.cpp's turns): workspace:dqlock
/// (i32, shaped as the LSE) after workspace:dq.
static bool hasTurnLocks(const CompiledKernel &k) {
  size_t n = k.args.size() - (hasParamGradPartials(k) ? 2 : 0);
  return k.backwardTiled && n > 0 && k.args[n - 1].name == "workspace:dqlock";
}

/// The backward's workspace, its parts one after another, each from a
/// 256-byte boundary: workspace:delta (f32, as the LSE); the tiled build's
/// workspace:dq (f32, as dq); a deterministic one's workspace:dqlock (i32,
/// as the LSE); with learnable params workspace:pgrad, f32 [sequences, heads,
/// KV blocks, slots x entries], and workspace:pgidx, i32 [sequences, heads,
/// entries] (their static extents the ABI's). Offsets in bytes; `end`, the
/// last part's end, is the workspace's size.
struct BackwardWorkspace {
  size_t dq = 0, locks = 0, pgrad = 0, pgidx = 0, end = 0;
  std::vector<int64_t> pgradShape, pgidxShape;
};

static BackwardWorkspace backwardWorkspace(const CompiledKernel &k, const Tensor &lse,
                                           const Tensor &dq, int64_t sequences, int64_t heads,
                                           int64_t kvBlocks) {
  BackwardWorkspace w;
  auto next = [&](size_t bytes) { // a part after the last one: its offset
    size_t at = align256(w.end);
    w.end = at + bytes;
    return at;
  };
  w.end = bytesOf(lse); // workspace:delta
  if (!k.backwardTiled)
    return w;
  w.dq = next(dqAccumulatorBytes(dq));
  if (hasTurnLocks(k))
    w.locks = next(bytesOf(lse));
  if (hasParamGradPartials(k)) {
    const KernelArg &pgrad = k.args[k.args.size() - 2], &pgidx = k.args.back();
    w.pgradShape = {sequences, heads, kvBlocks, std::stoll(pgrad.shape[3])};
    w.pgidxShape = {sequences, heads, std::stoll(pgidx.shape[2])};
    auto words = [](const std::vector<int64_t> &shape) {
      size_t n = 4;
      for (int64_t d : shape)
        n *= static_cast<size_t>(d);
      return n;
    };
    w.pgrad = next(words(w.pgradShape));
    w.pgidx = next(words(w.pgidxShape));
  }
  return w;
}

Status withStreamBuffer(const cuda::Driver &d, CUstream stream, size_t bytes, bool zero,
                        llvm::function_ref<Status(const std::string &)> fail,
                        llvm::function_ref<Status(CUdeviceptr)> body) {
  bool async = d.memAllocAsync && d.memFreeAsync;
  CUdeviceptr buffer = 0;
  if (llvm::Error e = async ? d.check(d.memAllocAsync(&buffer, bytes, stream), "cuMemAllocAsync")
                            : d.check(d.memAlloc(&buffer, bytes), "cuMemAlloc"))
    return fail(llvm::toString(std::move(e)));
  Status done = Status::ok();
  if (llvm::Error e = zero ? d.check(d.memsetD32Async(buffer, 0, bytes / 4, stream),
                                     "cuMemsetD32Async")
                           : llvm::Error::success())
    done = fail(llvm::toString(std::move(e)));
  else
    done = body(buffer);
  llvm::Error freed = async ? d.check(d.memFreeAsync(buffer, stream), "cuMemFreeAsync")
                            : d.check(d.memFree(buffer), "cuMemFree");
  if (freed && done)
    return fail(llvm::toString(std::move(freed)));
  llvm::consumeError(std::move(freed));
  return done;
}

Status Kernel::launch(const LaunchArgs &a, void *stream) const {
  ParamTensors paramTensors; // KernelInfo::params' tensors (and gradients)
  if (Status s = validateLaunch(*state, a, &paramTensors, false); !s)
    return s;
  // (every build has the kernel's name: invalidReason)
  auto fail = [&](const std::string &msg) {
    return Status::error("launch of kernel '" + state->compiled.name + "': " + msg);
  };
  if (state->compiled.ptx.empty())
    return fail("the kernel has no GPU code");
  auto driver = cuda::Driver::get();
  if (!driver)
    return fail(llvm::toString(driver.takeError()));
  const cuda::Driver &d = *driver;
  // The caller's current context (or the first GPU's primary context when
  // the thread has none); the module is loaded once per context.
  auto device = cuda::Device::current();
  if (!device)
    return fail(llvm::toString(device.takeError()));
  // The build for this shape on this GPU (the cost model counts its SMs).
  State &st = state->forArgs(a, device->multiprocessors);
  if (st.compiled.ptx.empty())
    return fail("the kernel has no GPU code");
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
      if (!e && st.compiled.maxSplits > 0 && !st.compiled.lastCtaCombine)
        e = d.check(d.moduleGetFunction(&entry.combine, entry.module, combineName.c_str()),
                    "cuModuleGetFunction(" + combineName + ")");
      std::string dqName = st.compiled.name + "_dq";
      if (!e && st.compiled.backward && !st.compiled.backwardTiled)
        e = d.check(d.moduleGetFunction(&entry.dq, entry.module, dqName.c_str()),
                    "cuModuleGetFunction(" + dqName + ")");
      for (auto [fn, suffix] : {std::pair{&entry.pre, "_pre"}, std::pair{&entry.post, "_post"}}) {
        std::string name = st.compiled.name + suffix;
        if (!e && st.compiled.backwardTiled)
          e = d.check(d.moduleGetFunction(fn, entry.module, name.c_str()),
                      "cuModuleGetFunction(" + name + ")");
      }
      if (e) {
        d.moduleUnload(entry.module);
        return fail(llvm::toString(std::move(e)));
      }
      // More than the default (48 KB) of shared memory is an opt-in per
      // function. The limit counts static shared memory too, and MLIR's
      // lowering of gpu.dynamic_shared_memory declares one static byte, so a
      // kernel of exactly 48 KB dynamic needs it as well: set whenever the
      // kernel uses dynamic shared memory (harmless below the default).
      if (!e && st.compiled.sharedBytes > 0)
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
  bool varlen = st.info.varlen;
  // The memref arguments in the kernel ABI's order (KernelABI::args, from
  // kernelArgs, resolved to tensors once per kernel: State::argSlots; the
  // split-KV workspace, last, is appended below). A packed (varlen) tensor is
  // one whose ABI shape has one more dimension, a leading 1, than the tensor
  // passed.
  if (st.argSlots.empty())
    return fail("kernel '" + st.compiled.name + "' has no argument list (its kernel ABI)");
  for (size_t i = 0; i < st.argSlots.size(); ++i) {
    const ArgSlot &slot = st.argSlots[i];
    if (slot.kind == ArgSlot::Workspace)
      continue; // allocated per launch, appended after the others
    const Tensor *t = argTensor(slot, a, paramTensors);
    if (!t) // validate() checked every argument the spec needs
      return fail("kernel '" + st.compiled.name + "': no tensor for its argument '" +
                  st.compiled.args[i].name + "'");
    memref(*t, slot.leadingOne && slot.rank == t->shape.size() + 1);
  }
  // The grid: (batch, heads, q-blocks of the longest query sequence); with
  // GQA packing (batch, head groups, q-blocks of block_m / head_group rows).
  // A split-KV combine grid is (batch, heads, q-blocks of block_m rows).
  Dims q = dimsOf(a.q, st.info.bshd);
  int64_t batch = batchOf(a, st.info.bshd);
  int64_t rows = varlen && a.maxSeqlenQ > 0 ? a.maxSeqlenQ : q.s;
  int64_t group = st.compiled.headGroup, rowsPerCta = st.compiled.blockM / group;
  int64_t blocks = (rows + rowsPerCta - 1) / rowsPerCta;
  int64_t combineBlocks = (rows + st.compiled.blockM - 1) / st.compiled.blockM;
  int64_t splits = st.compiled.maxSplits > 0 ? numSplits(a, entry.multiprocessors) : 1;
  if (batch > 65535 * 32768 || blocks * splits > 65535)
    return fail("the grid (" + std::to_string(batch) + ", " + std::to_string(q.h / group) + ", " +
                std::to_string(blocks * splits) + ") is too large");
  // The TMA pipeline's tensor maps, after the memrefs: q, k, v and out as
  // (head_dim, seq, heads, batch) over the tensors as laid out, boxes of
  // swizzle / 2 columns (one swizzled row: 128, 64 or 32 bytes, the
  // compiled kernel's for q/k and for v/out) by block_m (q, out) or
  // tmaBlockN (k, v: block_n, or a page's rows with paged K/V) rows; rows
  // past a sequence read as zeros and are not written.
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
      // Bytes of an element: 2, or 1 for e4m3 (checked against the kernel's types).
      int64_t eb = t.dtype == DType::E4M3 ? 1 : 2;
      cuuint64_t strides[3] = {cuuint64_t(seqStride * eb), cuuint64_t(headStride * eb),
                               cuuint64_t(x.s * x.h * x.d * eb)};
      bool qOrOut = i == 0 || i == 3;
      int64_t rows = qOrOut ? rowsPerCta : st.compiled.tmaBlockN;
      const int64_t swizzles[4] = {st.compiled.tmaSwizzleQK, st.compiled.tmaSwizzleK,
                                   st.compiled.tmaSwizzleVLoad, st.compiled.tmaSwizzleV};
      int64_t swizzle = swizzles[i];
      // Boxes of one swizzled row (q, out: of a head group's heads).
      cuuint32_t box[4] = {cuuint32_t(swizzle / eb), cuuint32_t(rows),
                           cuuint32_t(qOrOut ? group : 1), 1};
      cuuint32_t elementStrides[4] = {1, 1, 1, 1};
      CUresult r = d.tensorMapEncodeTiled(
          &maps[i],
          eb == 1                  ? CU_TENSOR_MAP_DATA_TYPE_UINT8
          : t.dtype == DType::BF16 ? CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
                                   : CU_TENSOR_MAP_DATA_TYPE_FLOAT16,
          4, t.data, dims, strides, box, elementStrides, CU_TENSOR_MAP_INTERLEAVE_NONE,
          swizzle == 128  ? CU_TENSOR_MAP_SWIZZLE_128B
          : swizzle == 64 ? CU_TENSOR_MAP_SWIZZLE_64B
                          : CU_TENSOR_MAP_SWIZZLE_32B,
          CU_TENSOR_MAP_L2_PROMOTION_L2_256B,
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
  // The combine entry of a split-KV kernel: block_m threads, no dynamic
  // shared memory, no tensor maps (KernelABI).
  auto run = [&](CUfunction fn, int64_t z, bool combine = false) -> Status {
    std::vector<void *> argPtrs;
    for (int64_t &w : words)
      argPtrs.push_back(&w);
    unsigned grid[3] = {static_cast<unsigned>(batch),
                        static_cast<unsigned>(combine ? q.h : q.h / group),
                        static_cast<unsigned>(z)};
    if (tileCounter) {
      argPtrs.push_back(&tileCounter);
      int64_t tiles = batch * q.h * z;
      int64_t resident = int64_t(std::max(entry.multiprocessors, 1)) * entry.ctasPerSM;
      grid[0] = static_cast<unsigned>(std::min(tiles, resident));
      grid[1] = grid[2] = 1;
    }
    if (!combine)
      argPtrs.insert(argPtrs.end(), mapPtrs.begin(), mapPtrs.end());
    int64_t block = combine ? st.compiled.blockM : threads;
    int64_t dynShared = combine ? 0 : shared;
    if (llvm::Error e = d.check(
            d.launchKernel(fn, grid[0], grid[1], grid[2], static_cast<unsigned>(block), 1, 1,
                           static_cast<unsigned>(dynShared), cuStream, argPtrs.data(), nullptr),
            "cuLaunchKernel"))
      return fail(llvm::toString(std::move(e)));
    return Status::ok();
  };
  auto withBuffer = [&](size_t bytes, const std::string &what, bool zero,
                        llvm::function_ref<Status(CUdeviceptr)> body) -> Status {
    return withStreamBuffer(
        d, cuStream, bytes, zero, [&](const std::string &msg) { return fail(what + ": " + msg); },
        body);
  };
  if (st.compiled.backward) {
    // faattn-backward-to-gpu's two grids (KernelABI::backward): `name`_dq
    // (batch, heads, q-blocks of block_m rows) writes D, dq and the param
    // gradients, then `name` (batch, KV heads, KV blocks of block_n rows)
    // dk and dv. The param gradients are sums (atomics): zeroed first; under
    // varlen, dq, dk and dv too (rows outside every sequence have no owner).
    // Varlen: every packed key row (the launch has no longest KV length for
    // dense K/V); a thread past its sequence's keys returns.
    int64_t kvRows = dimsOf(a.k, st.info.bshd).s;
    int64_t dqBlocks = (rows + st.compiled.blockM - 1) / st.compiled.blockM;
    int64_t kvBlocks = (kvRows + st.compiled.blockN - 1) / st.compiled.blockN;
    if (batch > 65535 * 32768 || dqBlocks > 65535 || kvBlocks > 65535)
      return fail("the backward's grids (" + std::to_string(dqBlocks) + " q-blocks, " +
                  std::to_string(kvBlocks) + " KV blocks) are too large");
    auto zero = [&](const Tensor &t) -> Status {
      size_t n = bytesOf(t) / elementBytes(t.dtype);
      CUdeviceptr p = reinterpret_cast<CUdeviceptr>(t.data);
      bool words = elementBytes(t.dtype) == 4; // f32, i32
      CUresult r = words ? d.memsetD32Async(p, 0, n, cuStream) : d.memsetD16Async(p, 0, n, cuStream);
      if (llvm::Error e = d.check(r, words ? "cuMemsetD32Async" : "cuMemsetD16Async"))
        return fail(llvm::toString(std::move(e)));
      return Status::ok();
    };
    const Tensor &lse = *a.lse;
    const Tensor &dq = *a.dq;
    BackwardWorkspace layout = backwardWorkspace(st.compiled, lse, dq, batch, q.h, kvBlocks);
    size_t bytes = layout.end;
    // With the workspace in hand (nothing is written before a launch that
    // fails its size check or its allocation).
    auto launchBoth = [&](CUdeviceptr workspace) -> Status {
      for (const Tensor *g : paramTensors.grads) // (null: a param without requires_grad)
        if (Status z = g ? zero(*g) : Status::ok(); !z)
          return z;
      if (varlen)
        for (const Tensor *t : {&*a.dq, &*a.dk, &*a.dv})
          if (Status z = zero(*t); !z)
            return z;
      auto part = [&](size_t offset, DType t, const std::vector<int64_t> &shape) {
        return Tensor{reinterpret_cast<void *>(workspace + offset), t, shape, {}};
      };
      // workspace:delta, shaped (and packed) as the LSE.
      memref(part(0, DType::F32, lse.shape), varlen && lse.shape.size() == 2);
      if (st.compiled.backwardTiled) { // workspace:dq, shaped (and packed) as dq, zeroed here
        Tensor acc = part(layout.dq, DType::F32, dq.shape);
        if (Status z = zero(acc); !z)
          return z;
        memref(acc, varlen && dq.shape.size() == 3);
      }
      if (hasTurnLocks(st.compiled)) {
        // workspace:dqlock, i32 as the LSE. The pre grid sets the locks of its Q blocks
        // to 0; zeroed here too, so that a lock the pre grid does not reach (varlen
        // with a max_seqlen_q below a sequence's length) holds 0, not a stale turn that
        // would make a CTA wait forever.
        Tensor locks = part(layout.locks, DType::I32, lse.shape);
        if (Status z = zero(locks); !z)
          return z;
        memref(locks, varlen && lse.shape.size() == 2);
      }
      if (hasParamGradPartials(st.compiled)) {
        // workspace:pgrad and workspace:pgidx, zeroed: the main grid adds into the
        // partials, the post grid's first CTA reads them.
        for (Tensor t : {part(layout.pgrad, DType::F32, layout.pgradShape),
                         part(layout.pgidx, DType::I32, layout.pgidxShape)}) {
          if (Status z = zero(t); !z)
            return z;
          memref(t, false);
        }
      }
      std::vector<void *> argPtrs;
      for (int64_t &w : words)
        argPtrs.push_back(&w);
      struct Grid {
        CUfunction fn;
        int64_t y, z, block, shared;
      };
      std::vector<Grid> grids;
      if (st.compiled.backwardTiled)
        grids = {{entry.pre, q.h, dqBlocks, st.compiled.preThreads, 0},
                 {entry.main, st.info.headsKV, kvBlocks, st.compiled.threads,
                  st.compiled.sharedBytes},
                 {entry.post, q.h, dqBlocks, st.compiled.postThreads, 0}};
      else
        grids = {{entry.dq, q.h, dqBlocks, st.compiled.blockM, 0},
                 {entry.main, st.info.headsKV, kvBlocks, st.compiled.blockN, 0}};
      for (const Grid &g : grids)
        if (g.z == 0 || batch == 0)
          continue; // an empty grid (no rows): nothing to launch
        else if (llvm::Error e = d.check(d.launchKernel(g.fn, static_cast<unsigned>(batch),
                                                   static_cast<unsigned>(g.y),
                                                   static_cast<unsigned>(g.z),
                                                   static_cast<unsigned>(g.block), 1, 1,
                                                   static_cast<unsigned>(g.shared), cuStream,
                                                   argPtrs.data(), nullptr),
                                    "cuLaunchKernel"))
          return fail(llvm::toString(std::move(e)));
      return Status::ok();
    };
    if (a.workspace) {
      if (a.workspaceBytes < bytes)
        return fail("the workspace has " + std::to_string(a.workspaceBytes) +
                    " bytes, this launch needs " + std::to_string(bytes));
      return launchBoth(reinterpret_cast<CUdeviceptr>(a.workspace));
    }
    return withBuffer(bytes, "the backward's workspace of " + std::to_string(bytes) + " bytes",
                      /*zero=*/false, launchBoth);
  }
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
  // (batch * splits, heads, seq_q) in f32 (varlen: splits and total_q), then
  // the split grid and the combine grid; in the caller's workspace when
  // given, else in a buffer allocated for this launch.
  int64_t parts = splitParts(batch, splits, varlen), heads = st.info.headsQ,
          dv = st.info.headDimV;
  bool lastCta = st.compiled.lastCtaCombine;
  int64_t countRows = lastCta ? (varlen ? 1 : batch) : 0;
  std::optional<SplitWorkspace> layout = splitWorkspace(parts, q.s, heads, dv, countRows);
  if (!layout)
    return fail("the split-KV workspace's size overflows 64 bits");
  size_t bytes = layout->end;
  auto splitAndCombine = [&](CUdeviceptr workspace) {
    Tensor oPart{reinterpret_cast<void *>(workspace), DType::F32, {parts, q.s, heads, dv}, {}};
    Tensor lsePart{reinterpret_cast<void *>(workspace + layout->lse), DType::F32,
                   {parts, heads, q.s}, {}};
    memref(oPart);
    memref(lsePart);
    if (lastCta) {
      // The tiles' arrival counters, zeroed before each launch (the kernel
      // leaves them zero too: SplitKVCombine.h).
      size_t at = layout->count;
      Tensor count{reinterpret_cast<void *>(workspace + at), DType::I32, {countRows, heads, q.s}, {}};
      memref(count);
      if (llvm::Error e = d.check(d.memsetD32Async(workspace + at, 0, countRows * heads * q.s,
                                                   cuStream),
                                  "cuMemsetD32Async"))
        return fail(llvm::toString(std::move(e)));
      return run(entry.main, blocks * splits);
    }
    Status launched = run(entry.main, blocks * splits);
    if (launched)
      launched = run(entry.combine, combineBlocks, /*combine=*/true);
    return launched;
  };
  if (a.workspace) {
    if (a.workspaceBytes < bytes) // (validate checked its alignment and overlaps)
      return fail("the workspace has " + std::to_string(a.workspaceBytes) +
                  " bytes, this launch needs " + std::to_string(bytes));
    return splitAndCombine(reinterpret_cast<CUdeviceptr>(a.workspace));
  }
  return withBuffer(bytes, "split-KV workspace of " + std::to_string(bytes) + " bytes",
                    /*zero=*/false, splitAndCombine);
}

size_t Kernel::workspaceBytes(const LaunchArgs &a, int multiprocessors) const {
  const State &st = *state;
  // workspace:delta, f32 as the LSE (tiled: and dq's f32; deterministic: and
  // the i32 locks, as the LSE).
  if (st.compiled.backward && a.lse) {
    if (!st.compiled.backwardTiled || !a.dq)
      return bytesOf(*a.lse);
    int64_t kvRows = dimsOf(a.k, st.info.bshd).s;
    return backwardWorkspace(st.compiled, *a.lse, *a.dq, batchOf(a, st.info.bshd),
                             dimsOf(a.q, st.info.bshd).h,
                             (kvRows + st.compiled.blockN - 1) / st.compiled.blockN)
        .end;
  }
  if (st.compiled.maxSplits <= 0)
    return 0;
  int64_t parts = splitParts(batchOf(a, st.info.bshd), numSplits(a, multiprocessors),
                             st.info.varlen);
  int64_t countRows =
      st.compiled.lastCtaCombine ? (st.info.varlen ? 1 : batchOf(a, st.info.bshd)) : 0;
  std::optional<SplitWorkspace> layout = splitWorkspace(
      parts, dimsOf(a.q, st.info.bshd).s, st.info.headsQ, st.info.headDimV, countRows);
  return layout ? layout->end : 0;
}

/// The split count's cost model (Flash-Decoding's split over the KV
/// sequence, bandwidth-bound), in units of one KV block's time. A CTA's time
/// is its KV blocks plus a fixed part worth about one block (Q's load, the
/// ring's fill and drain, the partial O and LSE written); the CTAs run in
/// waves of `slots` (SMs x CTAs an SM holds); the combine walks the splits
/// one after another, kCombinePerSplit blocks a split. With s splits:
///   time(s) = waves(s) * (ceil(kvBlocks / s) + 1) + kCombinePerSplit * s,
///   waves(s) = ceil(ctas * s / slots).
/// kCombinePerSplit from a sweep of forced counts on the H200 (MQA 16:1,
/// head dim 128, batch 1 x 131k, graph replays; docs/PERFORMANCE.md, steps
/// 32-33): a least-squares fit of a * waves * (blocks + 1) + c * s gave a =
/// 1.52 us a 64 KB block and c = 0.24 us a split, c / a = 0.16. Among equal
/// times the fewest splits win.
int64_t chooseSplits(int64_t ctas, int64_t kvBlocks, int64_t most, int64_t slots) {
  constexpr double kCombinePerSplit = 0.16;
  most = std::max<int64_t>(most, 1);
  int64_t best = 1;
  double bestTime = INFINITY;
  for (int64_t s = 1; s <= most; ++s) {
    // In double: kvBlocks may be near INT64_MAX / block_n (a table whose capacity overflows).
    double waves = std::ceil(double(ctas) * double(s) / double(slots));
    double time = waves * (std::ceil(double(kvBlocks) / double(s)) + 1) + kCombinePerSplit * double(s);
    if (time < bestTime - 1e-9)
      best = s, bestTime = time;
  }
  return best;
}

int64_t Kernel::numSplits(const LaunchArgs &a, int multiprocessors) const {
  const State &st = *state;
  if (st.compiled.maxSplits <= 0 || st.compiled.blockN <= 0 ||
      (st.info.page > 0 && !a.blockTable))
    return 1;
  if (a.splits > 0) // the caller's (validate bounded it by max_splits)
    return a.splits;
  // KV blocks: the dense length, the block table's capacity (paged), or all
  // sequences' rows (varlen: packed K/V).
  Dims q = dimsOf(a.q, st.info.bshd), kv = dimsOf(a.k, st.info.bshd);
  int64_t kvRows = kv.s;
  if (st.info.page > 0 && __builtin_mul_overflow(a.blockTable->shape[1], st.info.page, &kvRows))
    kvRows = INT64_MAX - st.compiled.blockN; // as many KV blocks as can be: maxSplits bounds it
  // The caller's longest sequence bounds it (a table sized for the model's
  // longest context, or packed sequences, would otherwise split a short
  // batch for their capacity).
  if ((st.info.page > 0 || st.info.varlen) && a.maxSeqlenKV > 0)
    kvRows = std::min(kvRows, a.maxSeqlenKV);
  int64_t kvBlocks = (kvRows + st.compiled.blockN - 1) / st.compiled.blockN;
  int64_t rowsPerCta = st.compiled.blockM / st.compiled.headGroup; // (GQA packing)
  // The grid's q-blocks: those of the longest query sequence (varlen).
  int64_t qRows = st.info.varlen && a.maxSeqlenQ > 0 ? std::min(q.s, a.maxSeqlenQ) : q.s;
  int64_t ctas = batchOf(a, st.info.bshd) * (q.h / st.compiled.headGroup) *
                 ((qRows + rowsPerCta - 1) / rowsPerCta);
  // CTAs an SM holds, by shared memory (228 KB an SM: the 227 KB a CTA may
  // take plus the 1 KB reserved for each) and threads; registers are not
  // known here (a SIMT kernel may hold fewer).
  int64_t threads = st.compiled.threads > 0 ? st.compiled.threads : st.compiled.blockM;
  int64_t perSM = std::min<int64_t>(32, 2048 / std::max<int64_t>(threads, 1));
  if (st.compiled.sharedBytes > 0)
    perSM = std::min(perSM, (kSM90a.maxSharedBytesPerBlock + 1024) / (st.compiled.sharedBytes + 1024));
  // Balanced splits (varlen K/V): the model's count for a uniform batch, S_u,
  // times the kernel's balance, so that a sequence longer than the batch's
  // average can take up to that many times S_u (faattn-split-kv: each
  // sequence takes its share of the uniform batch's B x S_u CTAs by its
  // length).
  int64_t balance = std::max<int64_t>(st.compiled.splitBalance, 1);
  int64_t most = std::max<int64_t>(std::min(st.compiled.maxSplits / balance, kvBlocks), 1);
  int64_t uniform = chooseSplits(ctas, kvBlocks, most,
                                 int64_t(std::max(multiprocessors, 1)) * std::max<int64_t>(perSM, 1));
  return std::min(balance * uniform, std::max<int64_t>(st.compiled.maxSplits, 1));
}


} // namespace faattn
