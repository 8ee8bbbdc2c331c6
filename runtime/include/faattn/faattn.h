//===- faattn.h - faattn's C++ API ------------------------------*- C++ -*-===//
//
//   faattn::Runtime rt;                                // loads the CUDA driver lazily
//   auto kernel = rt.compile(specText);                // JIT, cached in memory and on disk
//   if (!kernel) { report(kernel.error()); ... }
//   faattn::LaunchArgs args;
//   args.q = {qPtr, faattn::DType::BF16, {B, S, H, D}}; // ... k, v, out
//   faattn::Status s = kernel->launch(args, stream);
//
// Nothing here aborts the host process: every failure (a bad spec, no
// driver, no GPU, a wrong shape, out of memory) comes back as a Status.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_FAATTN_H
#define FAATTN_FAATTN_H

#include "faattn/Target/KernelABI.h"
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace faattn {

/// Success, or a message saying what failed and why.
class Status {
public:
  static Status ok() { return Status(); }
  static Status error(std::string message) { return Status(std::move(message)); }
  bool isOk() const { return !failed; }
  explicit operator bool() const { return !failed; }
  const std::string &message() const { return msg; }

private:
  Status() = default;
  explicit Status(std::string m) : failed(true), msg(std::move(m)) {}
  bool failed = false;
  std::string msg;
};

/// A value or the Status of why there is none.
template <typename T>
class Result {
public:
  Result(T value) : val(std::move(value)), st(Status::ok()) {}
  Result(Status status) : st(std::move(status)) {}
  explicit operator bool() const { return val.has_value(); }
  T &operator*() { return *val; }
  T *operator->() { return &*val; }
  const T &operator*() const { return *val; }
  const T *operator->() const { return &*val; }
  const Status &status() const { return st; }
  const std::string &error() const { return st.message(); }

private:
  std::optional<T> val;
  Status st;
};

enum class DType { F16, BF16, E4M3, F32, I32 };
const char *dtypeName(DType d);

/// A tensor in device memory: pointer, element type, shape and strides (in
/// elements; empty = contiguous row-major).
struct Tensor {
  Tensor() = default;
  Tensor(void *data, DType dtype, std::vector<int64_t> shape, std::vector<int64_t> strides = {})
      : data(data), dtype(dtype), shape(std::move(shape)), strides(std::move(strides)) {}
  void *data = nullptr;
  DType dtype = DType::BF16;
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;
};

/// The tensors of one launch. Q, K, V and out follow the spec's layout
/// (bshd: batch, seq, heads, head_dim; bhsd: batch, heads, seq, head_dim);
/// lse is (batch, heads, seq_q) f32 when the spec has return_lse; params are
/// given by name.
///
/// varlen specs: Q and out hold every sequence packed, rank 3 (bshd:
/// total_q, heads, head_dim; bhsd: heads, total_q, head_dim), and so do K
/// and V (total_kv) unless the spec is also paged; cuSeqlensQ / cuSeqlensKV
/// are (batch + 1) i32 offsets (sequence b is rows [cu[b], cu[b+1])); lse is
/// (heads, total_q). maxSeqlenQ, the longest query sequence, sizes the grid
/// (0: total_q, always enough but launches idle blocks).
///
/// paged_kv specs: K and V are pages, (num_pages, page, kv_heads, head_dim)
/// in bshd or (num_pages, kv_heads, page, head_dim) in bhsd; blockTable is
/// (batch, max_pages) i32 (sequence b's page p is physical page
/// blockTable[b, p]) and seqlensKV is (batch) i32, each sequence's KV length.
///
/// The contents of these index tensors stay on the device and are not
/// checked at launch; the kernel never reads or writes outside the given
/// tensors whatever they hold (a page number or offset out of range reads as
/// zeros, a length past the block table's capacity is cut to it).
///
/// What launch() checks and what it cannot (docs/RELIABILITY.md): it checks
/// every shape, dtype, rank, stride, null or misaligned pointer, each
/// tensor's size in bytes (overflow-checked, within the address space), that
/// out and lse share no byte with any other tensor, and a persistent grid's
/// tile count (at most 2^30: its 32-bit tile counter). It reads no device
/// memory, so it cannot check: that each pointer really holds as many bytes
/// as its shape says; that maxSeqlenQ is at least the longest sequence of
/// cuSeqlensQ (the grid has ceil(maxSeqlenQ / block_m) q-blocks: a longer
/// sequence's rows past them are not computed and out keeps what it held
/// there); that cuSeqlensQ / cuSeqlensKV ascend from 0 to total_q /
/// total_kv; that block table entries are page numbers below num_pages and
/// seqlensKV entries within the table's capacity (all read safely, as said
/// above, but the result is then not attention over the caller's data); and
/// that params hold what the spec means (document ids, slopes).
struct LaunchArgs {
  Tensor q, k, v, out;
  std::optional<Tensor> lse;
  std::vector<std::pair<std::string, Tensor>> params;
  std::optional<Tensor> cuSeqlensQ, cuSeqlensKV; // varlen
  int64_t maxSeqlenQ = 0;                        // varlen
  std::optional<Tensor> blockTable, seqlensKV;   // paged_kv
  /// paged_kv and varlen: the longest KV sequence when the caller knows it
  /// on the host (vLLM's max_seqlen_k), at most what seqlens_kv or
  /// cuSeqlensKV hold: a split-KV (decode) kernel's split count is chosen
  /// for it instead of the block table's capacity or total_kv (which would
  /// split a batch of short sequences into CTAs with nothing to do). 0: that
  /// capacity. Not read from the device; only the split count depends on it
  /// (each CTA divides its own sequence's blocks).
  int64_t maxSeqlenKV = 0;
  /// Split-KV kernels: a device buffer of workspaceBytes bytes (16-byte
  /// aligned, at least Kernel::workspaceBytes(args)) that launch() uses for
  /// the partial O and LSE instead of allocating one in stream order per
  /// launch: a buffer sized once for the largest shape, reused, and nothing
  /// allocated inside a captured CUDA graph. It must not be in use by another
  /// launch at the same time. Null: launch() allocates (cuMemAllocAsync).
  /// The split count depends on the shape (a varlen kernel's workspace is
  /// splits x total_q rows, and a smaller maxSeqlenQ can choose more
  /// splits): size it for max_splits, or pass `splits`, to be sure it fits
  /// every launch (launch() refuses one that does not).
  void *workspace = nullptr;
  size_t workspaceBytes = 0;
  /// Split-KV kernels: the number of KV splits, 1 to the kernel's max_splits
  /// (a sweep, or a caller with its own model); 0: Kernel::numSplits' cost
  /// model chooses. Other kernels: must be 0.
  int64_t splits = 0;

  /// Backward kernels (Runtime::compileBackward, or a spec with mode =
  /// backward) only; a forward kernel refuses them. q, k, v, out and lse are
  /// then the forward's inputs, output and LSE (lse required, the shape
  /// return_lse gives it), all read; dout (dL/d out) is shaped and typed as
  /// out; dq, dk and dv, written, as q, k and v. paramGrads: one f32 tensor
  /// per requires_grad param of the spec, by name, of that param's shape
  /// (written: the gradient, summed over every element that reads it).
  std::optional<Tensor> dout, dq, dk, dv;
  std::vector<std::pair<std::string, Tensor>> paramGrads;
};

/// What the compiler produced for one kernel (the disk cache stores it):
/// CompiledKernel, its ABI, launch and PTX, is defined with the kernel ABI in
/// faattn/Target/KernelABI.h, the one struct the compiler, faattn-compile's
/// metadata, the disk cache and the launch share.

struct KernelInfo; // the checked spec's shape (heads, dims, dtype, params)

/// A compiled kernel, ready to launch. Copies share the loaded module.
class Kernel {
public:
  const std::string &name() const;
  const CompiledKernel &compiled() const;
  /// The build launch() takes for `args` (validated args) on a GPU of
  /// `multiprocessors` SMs: compiled() or one of its alternatives (a long-KV
  /// build where its cost model, min_kv_blocks_per_wave, takes the shape).
  const CompiledKernel &compiledFor(const LaunchArgs &args, int multiprocessors) const;
  /// Checks `args` against the spec (ranks, shapes, dtypes, head counts,
  /// contiguity, null and misaligned pointers) and launches on `stream`
  /// (a CUstream; nullptr = the default stream).
  Status launch(const LaunchArgs &args, void *stream = nullptr) const;
  /// Only the checks of launch(), without a GPU.
  Status validate(const LaunchArgs &args) const;
  /// validate()'s checks, then the tensors of `args` in the order of the
  /// kernel ABI's memref arguments (compiled().args, without the split-KV
  /// workspace, which follows them): what an executor of the kernel passes.
  /// `hostF32`: q, k, v, out (and a backward's dout, dq, dk, dv) are f32
  /// (the CPU execution path's storage), checked as f32 instead of the
  /// spec's types, their sizes in bytes as such.
  Result<std::vector<const Tensor *>> argTensors(const LaunchArgs &args,
                                                 bool hostF32 = false) const;
  /// Split-KV kernels: the number of splits launch() uses for `args` on a
  /// GPU with `multiprocessors` SMs (1 for other kernels): args.splits when
  /// set, else the cost model's choice (Launch.cpp). Validated args.
  int64_t numSplits(const LaunchArgs &args, int multiprocessors) const;
  /// The bytes of the workspace launch() needs for `args` on a GPU with
  /// `multiprocessors` SMs: split-KV kernels' f32 partial O and LSE of every
  /// split (and, with the last-CTA combine, the tiles' i32 counters after
  /// them at a 256-byte boundary, zeroed by launch()); a backward's delta (f32, as the LSE), and for the tiled backward
  /// (backwardTiled) the f32 dQ accumulator after it, 256-byte aligned; 0
  /// for other kernels (and when the size overflows). Validated args.
  size_t workspaceBytes(const LaunchArgs &args, int multiprocessors) const;

  struct State;
  explicit Kernel(std::shared_ptr<State> s) : state(std::move(s)) {}

private:
  std::shared_ptr<State> state;
};

struct RuntimeOptions {
  /// The disk cache: $FAATTN_CACHE_DIR, else $XDG_CACHE_HOME/faattn, else
  /// ~/.cache/faattn (created 0700). Empty string disables it. A directory
  /// that is a symlink, is not owned by the current user, or that group or
  /// others can write is not used (one warning; kernels stay in memory); one
  /// its owner cannot write is used read-only.
  std::optional<std::string> cacheDir;
  /// How long a compile waits for another process's lock on the same cache
  /// key before it compiles without the cache (nothing written). Unset:
  /// $FAATTN_CACHE_LOCK_TIMEOUT_MS, else 10000 ms.
  std::optional<int64_t> lockTimeoutMs;
  /// Replaces the compiler (tests): the spec text and kernel name in, the
  /// compiled kernel (or an error) out.
  std::function<Result<CompiledKernel>(const std::string &specText, const std::string &kernel)>
      compiler;
};

/// Compiles specs at run time. Kernels are cached in memory (thread-safe: one
/// compile per key even under concurrent requests) and on disk (shared
/// between processes: one compile per key, files written to a temporary and
/// renamed, checksums verified on read; a corrupt entry is a miss; an
/// unwritable directory falls back to memory with one warning).
class Runtime {
public:
  explicit Runtime(RuntimeOptions options = {});
  ~Runtime();
  Runtime(const Runtime &) = delete;
  Runtime &operator=(const Runtime &) = delete;

  /// Compiles the kernel named `kernel` (or the only one) of `specText`.
  Result<Kernel> compile(const std::string &specText, const std::string &kernel = "");
  /// The backward of that kernel: of a forward kernel with the `backward`
  /// flag (spec::backwardOf: the same variant, mode = backward), or the
  /// kernel itself when it is written with mode = backward. It takes the
  /// backward's LaunchArgs (dout, dq, dk, dv, paramGrads): launch() runs its
  /// two GPU kernels (faattn-backward-to-gpu's SIMT kernels; KernelABI's
  /// `backward`), and it runs on the CPU path too (faattn_run_cpu, faattn_c.h).
  /// Compiled and cached like any kernel (its canonical form is its key).
  Result<Kernel> compileBackward(const std::string &specText, const std::string &kernel = "");
  /// The same from a spec file.
  Result<Kernel> compileFile(const std::string &path, const std::string &kernel = "");

  /// Statistics (tests): compiles run by this process, memory and disk hits.
  struct Stats {
    int compiles = 0, memoryHits = 0, diskHits = 0;
  };
  Stats stats() const;
  /// The cache directory in use ("" when the disk cache is off).
  std::string cacheDir() const;

  struct Impl;

private:
  std::unique_ptr<Impl> impl;
};

/// Device memory through the same dynamically loaded driver (for callers
/// without their own CUDA runtime: examples and tests).
class DeviceBuffer {
public:
  static Result<DeviceBuffer> allocate(size_t bytes);
  DeviceBuffer(DeviceBuffer &&other) noexcept : ptr(other.ptr), size(other.size) {
    other.ptr = 0;
  }
  DeviceBuffer &operator=(DeviceBuffer &&) = delete;
  ~DeviceBuffer();
  void *data() const { return reinterpret_cast<void *>(ptr); }
  size_t bytes() const { return size; }
  Status upload(const void *host, size_t bytes);
  Status download(void *host, size_t bytes) const;

private:
  DeviceBuffer(uint64_t p, size_t n) : ptr(p), size(n) {}
  uint64_t ptr = 0;
  size_t size = 0;
};

/// Waits for the device (the current context) to finish its work.
Status synchronize();

/// The cache key of a kernel: SHA-256 of its canonical spec JSON, the
/// compiler version and the target.
std::string cacheKey(const std::string &canonicalSpecJson, const std::string &target);

/// faattn's compiler version (part of every cache key).
const char *compilerVersion();

/// quantizeE4M3's scale granularity (docs/FP8.md): one dequantization
/// factor per tensor, per (batch, head), or per block of `block` rows of a
/// (batch, head) (FA3's block quantization with 128).
enum class QuantGranularity { Tensor = 0, Head = 1, Block = 2 };

/// quantizeE4M3's tensors. x: (batch, seq, heads, head_dim) when bshd, else
/// (batch, heads, seq, head_dim), bf16, f16 or f32, contiguous; x8: e4m3 of
/// x's shape; descale: f32, (1) per tensor, (batch, heads) per head, and
/// (batch, heads, seq) per block, each row holding its block's factor: the
/// param shapes a spec's q_descale / k_descale / v_descale read (a factor
/// for K and V per KV head).
struct QuantizeArgs {
  Tensor x, x8, descale;
  bool bshd = true;
  QuantGranularity granularity = QuantGranularity::Block;
  int64_t block = 128;
};

/// x ~= x8 * descale, for an e4m3 kernel's inputs: each group's factor is
/// amax(|x|) / 448 (at least the smallest normal f32; 1 for a group of
/// zeros; NaN when the group holds a NaN, which then reaches every element
/// of it), x8 = e4m3(clamp(x / factor, -448, 448)) rounded to nearest even.
/// The semantics of python/faattn's quantize_e4m3. On the GPU (device
/// memory, sm_90a) on `stream`, two kernels compiled once per process by
/// faattn's compiler (compiler/include/faattn/Pipeline/QuantizeKernel.h)
/// and a stream-ordered scratch buffer of 4 bytes a group.
Status quantizeE4M3(const QuantizeArgs &args, void *stream);
/// The same on host memory.
Status quantizeE4M3Host(const QuantizeArgs &args);
/// One e4m3 (E4M3FN) value: round to nearest even, saturating at +-448,
/// NaN as 0x7F; and back.
uint8_t encodeE4M3(float f);
float decodeE4M3(uint8_t b);

} // namespace faattn

#endif // FAATTN_FAATTN_H
