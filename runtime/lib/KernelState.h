//===- KernelState.h - What a Kernel holds (runtime-private) ----*- C++ -*-===//
//
// Kernel::State: the compiled kernel, the checked spec's shape the launch
// checks read (KernelInfo), and the modules loaded per CUDA context. Also the
// launch's sizes read under the spec's layout (Dims), and the check of a
// compiled kernel's launch sizes, which the compile and the disk cache share.
// Private to runtime/lib.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_RUNTIME_LIB_KERNELSTATE_H
#define FAATTN_RUNTIME_LIB_KERNELSTATE_H

#include "faattn/faattn.h"

#include "faattn/Spec/Spec.h"
#include "faattn/runtime/CudaDriver.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace faattn {

struct ParamInfo {
  std::string name;
  DType dtype;
  std::vector<spec::Dim> shape;
  bool requiresGrad = false; // a backward kernel takes its gradient (LaunchArgs::paramGrads)
};

struct KernelInfo {
  int64_t headsQ = 0, headsKV = 0, headDimQK = 0, headDimV = 0;
  DType dtype = DType::BF16, outDtype = DType::BF16;
  DType kvDtype = DType::BF16; // K and V's (the spec's kv_dtype, else dtype)
  bool bshd = true, returnLse = false;
  /// mode = backward: lse, dout, dq, dk, dv and paramGrads are its arguments.
  bool backward = false;
  bool varlen = false;
  int64_t page = 0; // paged_kv's page size; 0 when K/V are dense
  int computeMajor = 9;
  std::vector<ParamInfo> params;
};

/// One memref argument of the kernel ABI (CompiledKernel::args), resolved
/// once per kernel to the LaunchArgs tensor it is packed from, so that a
/// launch packs its arguments without matching names.
struct ArgSlot {
  enum Kind : uint8_t {
    Q, K, V, Out, Lse, CuSeqlensQ, CuSeqlensKV, BlockTable, SeqlensKV,
    Dout, Dq, Dk, Dv, // a backward kernel's
    Param,     // KernelInfo::params[param]
    ParamGrad, // a backward kernel's gradient of KernelInfo::params[param]
    Workspace, // split-KV's, allocated per launch and appended last
    Unknown    // names no tensor of the spec: the launch fails (as it did by name)
  };
  Kind kind = Unknown;
  int32_t param = -1;
  /// A packed (varlen) tensor: the ABI's shape has one more dimension than
  /// the tensor passed, a leading 1.
  size_t rank = 0;
  bool leadingOne = false;
};

struct Kernel::State {
  CompiledKernel compiled;
  KernelInfo info;
  /// compiled.args resolved (resolveArgs(), when the kernel is made).
  std::vector<ArgSlot> argSlots;
  void resolveArgs();
  /// The module, loaded on the first launch in each CUDA context, with its
  /// entry (and the combine entry of a split-KV kernel).
  struct Loaded {
    CUmodule module = nullptr;
    CUfunction main = nullptr, combine = nullptr;
    CUfunction dq = nullptr; // a backward kernel's `name`_dq entry
    CUfunction pre = nullptr, post = nullptr; // the tiled backward's `name`_pre, `name`_post
    int multiprocessors = 0;
    int ctasPerSM = 1; // a persistent kernel's CTAs an SM holds at once
  };
  std::mutex loadMutex;
  std::map<CUcontext, Loaded> loaded;
  /// compiled.alternatives, each with its own loaded modules (same info).
  std::vector<std::shared_ptr<State>> alternatives;
  /// The build for args on a GPU of `multiprocessors` SMs: the last
  /// alternative launchesAlternative takes for the shape (KernelABI.h: its
  /// minSeqKV and cost model; dense K/V only), else this one.
  State &forArgs(const LaunchArgs &a, int multiprocessors);
  ~State() {
    if (auto d = cuda::Driver::get())
      for (auto &[ctx, l] : loaded)
        d->moduleUnload(l.module); // (a context destroyed meanwhile returns an error: ignored)
  }
};

/// The split-KV cost model (Launch.cpp): the number of splits, 1 to `most`,
/// for `ctas` CTAs of the unsplit grid over `kvBlocks` KV blocks, with
/// `slots` CTAs resident at once on the GPU.
int64_t chooseSplits(int64_t ctas, int64_t kvBlocks, int64_t most, int64_t slots);

/// (batch, seq, heads, dim) of a Q/K/V/out tensor.
struct Dims {
  int64_t b = 0, s = 0, h = 0, d = 0;
};

/// The Dims of a Q/K/V/out tensor in the spec's layout; a packed (varlen)
/// rank-3 tensor has batch 1.
inline Dims dimsOf(const Tensor &t, bool bshd) {
  if (t.shape.size() == 3)
    return bshd ? Dims{1, t.shape[0], t.shape[1], t.shape[2]}
                : Dims{1, t.shape[1], t.shape[0], t.shape[2]};
  if (bshd)
    return {t.shape[0], t.shape[1], t.shape[2], t.shape[3]};
  return {t.shape[0], t.shape[2], t.shape[1], t.shape[3]};
}

/// A device buffer of `bytes` for one launch, zeroed (32-bit words) when
/// asked, given to `body`: allocated and freed in stream order when the
/// driver has it (CUDA 11.2+; the pool makes repeated launches cheap), else
/// a plain allocation (cuMemFree waits for the kernels; the async free is
/// ordered after them). A driver failure comes back through `fail`.
Status withStreamBuffer(const cuda::Driver &d, CUstream stream, size_t bytes, bool zero,
                        llvm::function_ref<Status(const std::string &)> fail,
                        llvm::function_ref<Status(CUdeviceptr)> body);

/// The number of sequences of a launch (validated args).
inline int64_t batchOf(const LaunchArgs &a, bool bshd) {
  return a.cuSeqlensQ ? a.cuSeqlensQ->shape[0] - 1 : dimsOf(a.q, bshd).b;
}

/// The tensors of validated args, in the order of KernelInfo::params: each
/// param's and (backward kernels, requires_grad params) its gradient's.
struct ParamTensors {
  std::vector<const Tensor *> params, grads;
};

/// Kernel::validate's checks; `paramTensors`, when given, receives the
/// tensors of the params and their gradients (LaunchArgs.cpp). `hostF32`:
/// q, k, v, out (and a backward's dout, dq, dk, dv) are the CPU path's f32
/// host tensors, checked as f32 instead of the spec's storage types.
Status validateLaunch(Kernel::State &st, const LaunchArgs &a, ParamTensors *paramTensors,
                      bool hostF32);

/// One tensor's checks, each error "<context>tensor '<what>' ...": rank,
/// dtype, positive dimensions, its size in bytes (overflow, the end of the
/// address space), null, `alignment`, row-major strides (LaunchArgs.cpp).
Status checkTensorShape(const std::string &context, const char *what, const Tensor &t,
                        DType dtype, size_t rank, uintptr_t alignment);

/// The tensor of validated `a` that argument slot `slot` is packed from
/// (null for the workspace and an unknown slot).
const Tensor *argTensor(const ArgSlot &slot, const LaunchArgs &a, const ParamTensors &p);

/// The bytes of one element of `d`, and the bytes `t` spans (a validated
/// tensor: its shape positive, the product checked) (LaunchArgs.cpp).
size_t elementBytes(DType d);
uint64_t bytesOf(const Tensor &t);

/// The most persistent tiles a launch may have: the kernel's tile counter is
/// a 32-bit integer that ends past the last tile by one per CTA.
constexpr int64_t kMaxPersistentTiles = int64_t(1) << 30;

/// The most alternatives a compiled kernel may have.
constexpr size_t kMaxAlternatives = 8;

/// Why a compiled kernel (from the compiler, a replacement compiler or a
/// disk entry) cannot be launched ("" when it can): its launch sizes and its
/// alternatives' (LaunchArgs.cpp).
std::string invalidReason(const CompiledKernel &k);

} // namespace faattn

#endif // FAATTN_RUNTIME_LIB_KERNELSTATE_H
