//===- Runtime.cpp - Runtime::compile and the memory cache ----------------===//
//
// Runtime::compile: the spec parsed and checked once, its cache key, the
// memory cache (one compile per key, concurrent callers wait on a shared
// future), then the disk cache (DiskCache.h: a trusted directory only; read
// under the key's lock, else compile and write; read-only when the directory
// or the lock cannot be written or the lock is held too long) or the compiler, and the Kernel with the checked spec's
// shape for the launch checks. Also dtypeName, compilerVersion and cacheKey.
//
//===----------------------------------------------------------------------===//
#include "faattn/faattn.h"

#include "DiskCache.h"
#include "KernelState.h"
#include "faattn/runtime/FileIO.h"

#include "faattn/Frontend/SpecToIR.h"
#include "faattn/Pipeline/Pipeline.h"
#include "faattn/Spec/Experimental.h"
#include "faattn/Spec/Spec.h"
#include "faattn/Target/KernelABIJson.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <future>
#include <map>
#include <mutex>
#include <optional>

namespace faattn {

// Part of every cache key, derived, never bumped by hand: the kernel ABI's
// version (faattn/Target/KernelABI.h) and the hash of the PTX manifest
// (tests/ptx-manifest.txt, which every commit that changes generated code
// updates, the experimental lowerings' included; CMake passes its SHA-256
// in), and the lowerings the environment turns on or off.
const char *compilerVersion() {
  static const std::string version = "faattn-abi" + std::to_string(kKernelABIVersion) + "-ptx" +
                                     std::string(FAATTN_PTX_MANIFEST_SHA256).substr(0, 16) +
                                     (experimentalE4M3KV() ? "-e4m3kv" : "") +
                                     (fp8SimtForced() ? "-fp8simt" : "") +
                                     (packedThreadCopies() ? "-packedcopies" : "") +
                                     (spec::experimentalE4M3Overlap() ? "-e4m3overlap" : "") +
                                     (experimentalPaddedHeadDims() ? "-padhd" : "") +
                                     (experimentalNoLSR() ? "-nolsr" : "") +
                                     (experimentalBackwardCopyBatch() > 1
                                          ? "-bwdcopy" + std::to_string(experimentalBackwardCopyBatch())
                                          : std::string()) +
                                     (backwardCopyRegisters() ? "-bwdcpregs" : "") +
                                     (experimentalBackwardCopyPrefetch() ? "-bwdprefetch" : "") +
                                     (backwardDqAtomic() ? "-bwddqatomic" : "") +
                                     (backwardThreadPerRow() ? "-bwdrowthreads" : "") +
                                     (backwardOneWarpgroup() ? "-bwd1wg" : "") +
                                     (experimentalBackwardOverlap() ? "-bwdoverlap" : "") +
                                     (backwardHoistedDescriptors() ? "-bwdhoistdesc" : "") +
                                     (simtBackwardForced() ? "-bwdsimt" : "") +
                                     (e4m3TransposeOrder() != "lean"
                                          ? "-vt" + e4m3TransposeOrder().str()
                                          : std::string()) +
                                     (rowPartials() > 1 ? "-rp" + std::to_string(rowPartials())
                                                        : std::string()) +
                                     (splitBalanceOverride()
                                          ? "-balance" + std::to_string(splitBalanceOverride())
                                          : std::string()) +
                                     (lastCtaCombineOverride() ? "-lastcta" : "") +
                                     (experimentalPagedBalance() ? "-pagedbal" : "");
  return version.c_str();
}

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

std::string cacheKey(const std::string &canonicalSpecJson, const std::string &target) {
  return sha256Hex(canonicalSpecJson + "\n" + compilerVersion() + "\n" + target);
}

//===----------------------------------------------------------------------===//
// Runtime and the caches
//===----------------------------------------------------------------------===//

struct Runtime::Impl {
  RuntimeOptions options;
  std::string dir; // "" = no disk cache
  bool readOnly = false; // the directory's owner cannot write it: read, never write
  int64_t lockTimeoutMs = 10000;
  bool diskWarned = false;
  mutable std::mutex mutex;
  std::map<std::string, std::shared_future<Result<CompiledKernel>>> memory;
  Stats stats;

  /// The kernel compiled (by options.compiler when there is one, which gets
  /// the spec text and the kernel's name); `k` is the checked kernel of the
  /// spec `text` that Runtime::compile parsed into `sm`.
  Result<CompiledKernel> compileSpec(const std::string &text, const spec::KernelSpec &k,
                                     llvm::SourceMgr &sm);
  Result<CompiledKernel> diskOrCompile(const std::string &key, const std::string &text,
                                       const spec::KernelSpec &k, llvm::SourceMgr &sm);
  /// Checked kernel `k` of spec `text` (or derived from one of its kernels:
  /// spec::backwardOf) compiled through the memory and disk caches, keyed by
  /// its canonical form.
  Result<Kernel> compileKernel(const std::string &text, const spec::KernelSpec &k,
                               llvm::SourceMgr &sm);
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
  if (impl->options.lockTimeoutMs) {
    impl->lockTimeoutMs = *impl->options.lockTimeoutMs;
  } else if (const char *env = std::getenv("FAATTN_CACHE_LOCK_TIMEOUT_MS")) {
    char *end = nullptr;
    long long ms = std::strtoll(env, &end, 10);
    if (*env && end && !*end && ms >= 0)
      impl->lockTimeoutMs = ms;
  }
  auto nonEmpty = [](const char *v) { return v && *v; };
  if (impl->options.cacheDir) {
    impl->dir = *impl->options.cacheDir;
  } else if (const char *env = std::getenv("FAATTN_CACHE_DIR")) {
    impl->dir = env;
  } else if (const char *xdg = std::getenv("XDG_CACHE_HOME");
             nonEmpty(xdg) && llvm::sys::path::is_absolute(xdg)) {
    llvm::SmallString<256> p(xdg);
    llvm::sys::path::append(p, "faattn");
    impl->dir = std::string(p);
  } else if (const char *home = std::getenv("HOME"); nonEmpty(home)) {
    llvm::SmallString<256> p(home);
    llvm::sys::path::append(p, ".cache", "faattn");
    impl->dir = std::string(p);
  }
  if (impl->dir.empty())
    return;
  // Created for the current user only (0700); an existing directory is not
  // changed, only checked.
  if (std::error_code ec = llvm::sys::fs::create_directories(
          impl->dir, /*IgnoreExisting=*/true, llvm::sys::fs::perms::owner_all)) {
    impl->warnDisk("cannot create '" + impl->dir + "': " + ec.message());
    return;
  }
  if (std::string why = untrustedDirReason(impl->dir, impl->readOnly); !why.empty())
    impl->warnDisk(why);
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
                                                  const spec::KernelSpec &k, llvm::SourceMgr &sm) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.compiles;
  }
  if (options.compiler) {
    // A backward spec takes a backward build and a forward one a forward
    // build: a replacement compiler gets the spec's text and the kernel's
    // name, which a derived backward (spec::backwardOf) shares with its
    // forward. Refused here, before either cache keeps it.
    Result<CompiledKernel> r = options.compiler(text, k.name);
    if (r && r->backward != (k.mode == spec::Mode::Backward))
      return Status::error("kernel '" + k.name + "': the compiler returned a " +
                           (r->backward ? "backward" : "forward") + " build for a " +
                           (k.mode == spec::Mode::Backward ? "backward" : "forward") + " kernel");
    return r;
  }
  mlir::DialectRegistry registry;
  registerFAAttnDialects(registry);
  registerGpuDialects(registry);
  mlir::MLIRContext ctx(registry, mlir::MLIRContext::Threading::DISABLED);
  llvm::Expected<GpuKernel> gk = compileForGpu(ctx, k, sm);
  if (!gk)
    return Status::error(llvm::toString(gk.takeError()));
  // The compiler's kernel is the runtime's (one struct: faattn/Target/KernelABI.h).
  return std::move(*gk);
}

Result<CompiledKernel> Runtime::Impl::diskOrCompile(const std::string &key,
                                                    const std::string &text,
                                                    const spec::KernelSpec &k,
                                                    llvm::SourceMgr &sm) {
  std::string d;
  bool writable;
  {
    std::lock_guard<std::mutex> lock(mutex);
    d = dir;
    writable = !readOnly;
  }
  if (d.empty())
    return compileSpec(text, k, sm);
  llvm::SmallString<256> path(d), lockPath(d);
  llvm::sys::path::append(path, key + ".faattn");
  llvm::sys::path::append(lockPath, key + ".lock");
  // One compile per key across processes: the first takes the lock and
  // compiles, the others wait (up to lockTimeoutMs) and then read its file.
  // A read-only cache takes no lock. A lock that cannot be created (a
  // read-only directory, a symlink) makes this key read-only; one held too
  // long, too: compiled here and nothing written. Entries are replaced by a
  // rename, so reading without the lock never sees half an entry.
  std::optional<FileLock> lock;
  if (writable) {
    lock.emplace(std::string(lockPath), lockTimeoutMs);
    writable = lock->fd >= 0;
  }
  if (std::optional<std::string> data = readEntry(std::string(path)))
    if (auto cached = deserialize(*data, key, k.name)) {
      std::lock_guard<std::mutex> g(mutex);
      ++stats.diskHits;
      return *cached;
    }
  Result<CompiledKernel> compiled = compileSpec(text, k, sm);
  if (!compiled || !invalidReason(*compiled).empty() || !writable)
    return compiled; // Runtime::compile reports it; nothing that cannot launch is written
  // Every write is checked (a full disk is a warning, never an exit) and a
  // failed one leaves nothing behind: the entry is written to a temporary
  // and renamed into place.
  if (std::string why = io::writeFileAtomic(std::string(path), serialize(*compiled, key, k.name),
                                            0600);
      !why.empty())
    warnDisk(why);
  return compiled;
}

namespace {

/// The launch checks' view of checked spec `k`.
KernelInfo kernelInfo(const spec::KernelSpec &k) {
  KernelInfo info;
  info.headsQ = k.headsQ;
  info.headsKV = k.headsKV;
  info.headDimQK = k.headDimQK;
  info.headDimV = k.headDimV;
  auto dt = [](spec::DType d) {
    return d == spec::DType::F16 ? DType::F16 : d == spec::DType::BF16 ? DType::BF16 : DType::E4M3;
  };
  info.dtype = dt(k.dtype);
  info.outDtype = dt(k.outType());
  info.kvDtype = dt(k.kvType());
  info.bshd = k.layout == spec::Layout::BSHD;
  info.returnLse = k.returnLse;
  info.backward = k.mode == spec::Mode::Backward;
  info.varlen = k.varlen;
  info.page = k.pagedKVPage.value_or(0);
  info.computeMajor = k.target == spec::Target::SM90a ? 9 : 8;
  for (const spec::ParamDecl &p : k.params)
    info.params.push_back({p.name, p.elemType == spec::Type::I32 ? DType::I32 : DType::F32,
                           p.shape, p.requiresGrad});
  return info;
}

/// `text` parsed and checked into `parsed` (the caller keeps it: the result
/// points into it), and its kernel `kernelName` (the only one when empty).
Result<const spec::KernelSpec *> checkedKernel(llvm::SourceMgr &sm, const std::string &text,
                                               const std::string &kernelName,
                                               std::optional<std::vector<spec::KernelSpec>> &parsed) {
  std::string diags;
  parsed = spec::parseAndCheckText(sm, text, "<spec>", diags);
  if (!parsed)
    return Status::error("spec error:\n" + diags);
  const std::vector<spec::KernelSpec> &kernels = *parsed;
  std::string names;
  const spec::KernelSpec *k = nullptr;
  for (const spec::KernelSpec &c : kernels) {
    names += (names.empty() ? "" : ", ") + c.name;
    if (kernelName.empty() ? kernels.size() == 1 : c.name == kernelName)
      k = &c;
  }
  if (k)
    return k;
  if (kernelName.empty())
    return Status::error("the spec has " + std::to_string(kernels.size()) + " kernels (" +
                         names + "); name the one to compile");
  return Status::error("the spec has no kernel named '" + kernelName + "' (it has " + names +
                       ")");
}

} // namespace

Result<Kernel> Runtime::compileBackward(const std::string &text, const std::string &kernelName) {
  llvm::SourceMgr sm;
  std::optional<std::vector<spec::KernelSpec>> kernels;
  Result<const spec::KernelSpec *> k = checkedKernel(sm, text, kernelName, kernels);
  if (!k)
    return k.status();
  const spec::KernelSpec &f = **k;
  if (f.mode == spec::Mode::Backward)
    return impl->compileKernel(text, f, sm);
  // Kernels that cannot have one (Sema refuses the flag on them) say why.
  const char *never = f.mode == spec::Mode::Decode ? "mode = decode"
                      : f.pagedKVPage              ? "paged_kv"
                      : f.dtype == spec::DType::E4M3 ? "dtype e4m3"
                      : f.kvType() == spec::DType::E4M3 ? "kv_dtype e4m3"
                                                   : nullptr;
  if (!f.backward && never)
    return Status::error("kernel '" + f.name + "' has no backward: " + never +
                         " kernels have none");
  if (!f.backward)
    return Status::error("kernel '" + f.name + "' has no backward: add the `backward` flag to "
                         "its spec (a forward kernel then also yields its backward), or write "
                         "it with mode = backward");
  // The derived backward's canonical form (mode = backward) is its own
  // cache key.
  return impl->compileKernel(text, spec::backwardOf(f), sm);
}

Result<Kernel> Runtime::compile(const std::string &text, const std::string &kernelName) {
  // Parse and check first, once: bad specs fail fast, and the checked spec
  // gives the cache key, the compiler's input and the launch-time shape checks.
  llvm::SourceMgr sm;
  std::optional<std::vector<spec::KernelSpec>> kernels;
  Result<const spec::KernelSpec *> found = checkedKernel(sm, text, kernelName, kernels);
  if (!found)
    return found.status();
  return impl->compileKernel(text, **found, sm);
}

Result<Kernel> Runtime::Impl::compileKernel(const std::string &text, const spec::KernelSpec &k,
                                            llvm::SourceMgr &sm) {
  std::string key = cacheKey(spec::canonicalJson(k).dump(), spec::targetName(k.target));

  std::shared_future<Result<CompiledKernel>> future;
  std::promise<Result<CompiledKernel>> promise;
  bool owner = false;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = memory.find(key);
    if (it != memory.end()) {
      future = it->second;
      ++stats.memoryHits;
    } else {
      future = promise.get_future().share();
      memory.emplace(key, future);
      owner = true;
    }
  }
  if (owner) {
    // Whatever happens, the promise gets a value and a failure leaves no
    // entry behind: waiters must never see a broken promise.
    Result<CompiledKernel> r = Status::error("internal error while compiling '" + k.name + "'");
    try {
      r = diskOrCompile(key, text, k, sm);
    } catch (const std::exception &e) {
      r = Status::error("internal error while compiling '" + k.name + "': " + e.what());
    }
    if (!r) { // do not cache failures: a later call may succeed
      std::lock_guard<std::mutex> lock(mutex);
      memory.erase(key);
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
  state->info = kernelInfo(k);
  const KernelInfo &info = state->info;
  // The ABI's arguments resolved to tensors once, here, not at each launch.
  state->resolveArgs();
  for (const CompiledKernel &alt : compiled->alternatives) {
    auto altState = std::make_shared<Kernel::State>();
    altState->compiled = alt;
    altState->info = info;
    altState->resolveArgs();
    state->alternatives.push_back(std::move(altState));
  }
  return Kernel(state);
}

Result<Kernel> Runtime::compileFile(const std::string &path, const std::string &kernel) {
  // A regular file of at most kMaxSpecBytes: a FIFO, a device or a
  // directory is refused, never blocked on or read without end.
  std::string text;
  if (std::string why = io::readRegularFile(path, spec::kMaxSpecBytes, text); !why.empty())
    return Status::error(why);
  return compile(text, kernel);
}

} // namespace faattn
