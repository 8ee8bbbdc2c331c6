//===- CApi.cpp - faattn's C ABI over the runtime -------------------------===//
//
// faattn_c.h: the runtime (compile through the memory and disk caches,
// launch checks, launch) behind plain C functions for ctypes, plus the CPU
// execution path (the algorithm passes, the CPU lowering and MLIR's
// ExecutionEngine, as faattn-run --cpu builds it) so that a binding can run a
// kernel on host tensors. Every failure is a status and a message; no C++
// exception or abort crosses the boundary.
//
//===----------------------------------------------------------------------===//
#include "faattn/faattn_c.h"
#include "faattn/faattn.h"

#include "faattn/Frontend/SpecToIR.h"
#include "faattn/Pipeline/Pipeline.h"
#include "faattn/Spec/Spec.h"
#include "faattn/runtime/CudaDriver.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

using namespace faattn;

struct faattn_runtime {
  std::unique_ptr<Runtime> rt;
  std::string cacheDir;
};

namespace {

/// The CPU build of a kernel: its context, module and JIT.
struct CpuEngine {
  std::unique_ptr<mlir::MLIRContext> ctx;
  std::unique_ptr<mlir::ExecutionEngine> engine;
};

} // namespace

struct faattn_kernel {
  Kernel kernel;
  std::string specText, info;
  spec::Mode mode = spec::Mode::Forward;
  /// The backward of the spec's kernel of this name (faattn_compile_backward).
  bool backwardOf = false;
  std::mutex cpuMutex;
  std::unique_ptr<CpuEngine> cpu;
  std::string cpuError; // why the CPU build failed (kept: it would fail again)
  explicit faattn_kernel(Kernel k) : kernel(std::move(k)) {}
};

namespace {

thread_local std::string lastError;

int32_t fail(std::string message) {
  lastError = std::move(message);
  return 1;
}

bool toDType(int32_t code, DType &out) {
  switch (code) {
  case FAATTN_F16: out = DType::F16; return true;
  case FAATTN_BF16: out = DType::BF16; return true;
  case FAATTN_E4M3: out = DType::E4M3; return true;
  case FAATTN_F32: out = DType::F32; return true;
  case FAATTN_I32: out = DType::I32; return true;
  }
  return false;
}

/// A C tensor as a runtime Tensor; false (and lastError) for a bad dtype or rank.
bool toTensor(const char *what, const faattn_tensor *t, Tensor &out) {
  if (!t)
    return fail(std::string("tensor '") + what + "' is missing"), false;
  DType d;
  if (!toDType(t->dtype, d))
    return fail(std::string("tensor '") + what + "' has an unknown dtype code " +
                std::to_string(t->dtype)),
           false;
  if (t->rank < 0 || t->rank > FAATTN_C_MAX_RANK)
    return fail(std::string("tensor '") + what + "' has rank " + std::to_string(t->rank) +
                " (at most " + std::to_string(FAATTN_C_MAX_RANK) + ")"),
           false;
  out = Tensor(t->data, d, std::vector<int64_t>(t->shape, t->shape + t->rank));
  if (t->has_strides)
    out.strides.assign(t->strides, t->strides + t->rank);
  return true;
}

bool toOptional(const char *what, const faattn_tensor *t, std::optional<Tensor> &out) {
  if (!t)
    return true;
  Tensor x;
  if (!toTensor(what, t, x))
    return false;
  out = std::move(x);
  return true;
}

/// `n` named tensors (params, or a backward's param gradients: `what`).
bool toNamed(const std::string &what, int32_t n, const char *const *names,
             const faattn_tensor *tensors, std::vector<std::pair<std::string, Tensor>> &out) {
  if (n < 0 || (n > 0 && (!names || !tensors)))
    return fail("bad " + what + " list"), false;
  for (int32_t i = 0; i < n; ++i) {
    if (!names[i])
      return fail(what + " " + std::to_string(i) + " has no name"), false;
    std::string name = names[i];
    Tensor t;
    if (!toTensor((what + " " + name).c_str(), &tensors[i], t))
      return false;
    out.emplace_back(std::move(name), std::move(t));
  }
  return true;
}

bool toLaunchArgs(const faattn_args *a, LaunchArgs &out) {
  if (!a)
    return fail("no launch arguments"), false;
  if (!toTensor("q", a->q, out.q) || !toTensor("k", a->k, out.k) ||
      !toTensor("v", a->v, out.v) || !toTensor("out", a->out, out.out) ||
      !toOptional("lse", a->lse, out.lse) ||
      !toOptional("cu_seqlens_q", a->cu_seqlens_q, out.cuSeqlensQ) ||
      !toOptional("cu_seqlens_kv", a->cu_seqlens_kv, out.cuSeqlensKV) ||
      !toOptional("block_table", a->block_table, out.blockTable) ||
      !toOptional("seqlens_kv", a->seqlens_kv, out.seqlensKV))
    return false;
  out.maxSeqlenQ = a->max_seqlen_q;
  out.maxSeqlenKV = a->max_seqlen_kv;
  return toNamed("param", a->num_params, a->param_names, a->params, out.params) &&
         toOptional("dout", a->dout, out.dout) && toOptional("dq", a->dq, out.dq) &&
         toOptional("dk", a->dk, out.dk) && toOptional("dv", a->dv, out.dv) &&
         toNamed("grad", a->num_param_grads, a->param_grad_names, a->param_grads,
                 out.paramGrads);
}

const char *dtypeJson(spec::DType d) {
  return d == spec::DType::F16 ? "f16" : d == spec::DType::BF16 ? "bf16" : "e4m3";
}

/// The checked spec of `kernel` in `text` (parsed into `sm`), or null.
std::optional<std::vector<spec::KernelSpec>> parseSpec(llvm::SourceMgr &sm,
                                                       const std::string &text,
                                                       std::string &diags) {
  return spec::parseAndCheckText(sm, text, "<spec>", diags);
}

const spec::KernelSpec *findKernel(const std::vector<spec::KernelSpec> &ks,
                                   const std::string &name) {
  for (const spec::KernelSpec &k : ks)
    if (k.name == name)
      return &k;
  return nullptr;
}

std::string infoJson(const spec::KernelSpec &k) {
  nlohmann::json j;
  j["name"] = k.name;
  j["heads_q"] = k.headsQ;
  j["heads_kv"] = k.headsKV;
  j["head_dim_qk"] = k.headDimQK;
  j["head_dim_v"] = k.headDimV;
  j["dtype"] = dtypeJson(k.dtype);
  j["out_dtype"] = dtypeJson(k.outType());
  j["kv_dtype"] = dtypeJson(k.kvType()); // K and V's: dtype unless the spec's kv_dtype
  j["layout"] = spec::layoutName(k.layout);
  j["mode"] = spec::modeName(k.mode);
  j["target"] = spec::targetName(k.target);
  j["scale"] = k.scale;
  j["return_lse"] = k.returnLse;
  j["backward"] = k.backward; // a forward kernel that also yields its backward
  j["varlen"] = k.varlen;
  j["page"] = k.pagedKVPage.value_or(0);
  nlohmann::json params = nlohmann::json::array();
  for (const spec::ParamDecl &p : k.params) {
    nlohmann::json dims = nlohmann::json::array();
    for (spec::Dim d : p.shape)
      dims.push_back(spec::dimName(d));
    params.push_back({{"name", p.name},
                      {"dtype", p.elemType == spec::Type::I32 ? "i32" : "f32"},
                      {"dims", dims},
                      {"requires_grad", p.requiresGrad}});
  }
  j["params"] = params;
  j["hash"] = spec::specHash(k);
  j["canonical"] = spec::canonicalJson(k);
  return j.dump();
}

/// A strided memref descriptor as the LLVM lowering expects: {allocated,
/// aligned, offset, sizes[rank], strides[rank]} (contiguous strides).
struct Descriptor {
  std::vector<int64_t> words;
  Descriptor(void *data, const std::vector<int64_t> &sizes) {
    words.push_back(reinterpret_cast<int64_t>(data));
    words.push_back(reinterpret_cast<int64_t>(data));
    words.push_back(0);
    words.insert(words.end(), sizes.begin(), sizes.end());
    std::vector<int64_t> strides(sizes.size(), 1);
    for (int i = static_cast<int>(sizes.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * sizes[i + 1];
    words.insert(words.end(), strides.begin(), strides.end());
  }
};

/// The backward of forward kernel `k` when `backward` (faattn_compile_backward
/// of a kernel with the flag); none for a forward run or a mode = backward
/// kernel, which is its own.
std::optional<spec::KernelSpec> derivedBackward(const spec::KernelSpec &k, bool backward) {
  if (!backward || k.mode == spec::Mode::Backward)
    return std::nullopt;
  return spec::backwardOf(k);
}

/// Builds the CPU engine of `k` (under its mutex); false with lastError.
bool buildCpu(faattn_kernel &k) {
  if (k.cpu)
    return true;
  if (!k.cpuError.empty())
    return fail(k.cpuError), false;
  auto failBuild = [&](std::string msg) {
    k.cpuError = std::move(msg);
    return fail(k.cpuError), false;
  };
  static std::once_flag nativeTarget;
  std::call_once(nativeTarget, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  llvm::SourceMgr sm;
  std::string diags;
  auto kernels = parseSpec(sm, k.specText, diags);
  const spec::KernelSpec *found = kernels ? findKernel(*kernels, k.kernel.name()) : nullptr;
  if (!found)
    return failBuild("kernel '" + k.kernel.name() + "': the spec no longer checks:\n" + diags);
  std::optional<spec::KernelSpec> backward = derivedBackward(*found, k.backwardOf);
  const spec::KernelSpec *ks = backward ? &*backward : found;
  auto cpu = std::make_unique<CpuEngine>();
  mlir::DialectRegistry registry;
  registerFAAttnDialects(registry);
  registerCpuDialects(registry);
  cpu->ctx = std::make_unique<mlir::MLIRContext>(registry);
  cpu->ctx->disableMultithreading(); // one kernel; no thread pool per engine
  mlir::OwningOpRef<mlir::ModuleOp> module =
      buildKernelModule(*cpu->ctx, *ks, sm, /*f32Storage=*/true);
  if (!module)
    return failBuild("kernel '" + ks->name + "' could not be built for the CPU");
  for (auto fn : module->getOps<mlir::func::FuncOp>())
    fn->setAttr("llvm.emit_c_interface", mlir::UnitAttr::get(cpu->ctx.get()));
  mlir::PassManager pm(cpu->ctx.get());
  addAlgorithmPasses(pm);
  addCpuLoweringPasses(pm);
  if (mlir::failed(pm.run(*module)))
    return failBuild("kernel '" + ks->name + "' failed to lower for the CPU");
  mlir::ExecutionEngineOptions options;
  auto optimize = mlir::makeOptimizingTransformer(2, 0, nullptr);
  options.transformer = optimize;
  auto engine = mlir::ExecutionEngine::create(*module, options);
  if (!engine)
    return failBuild("kernel '" + ks->name + "': " + llvm::toString(engine.takeError()));
  cpu->engine = std::move(*engine);
  k.cpu = std::move(cpu);
  return true;
}

/// The CPU memref shape of a runtime tensor: varlen's packed rank-3 tensors
/// (and the rank-2 LSE) get the leading batch of 1 the CPU kernel has.
std::vector<int64_t> cpuShape(const Tensor &t, bool packed) {
  std::vector<int64_t> s = t.shape;
  if (packed)
    s.insert(s.begin(), 1);
  return s;
}

/// faattn_compile (or, `backward`, faattn_compile_backward).
faattn_kernel *compileKernel(faattn_runtime *rt, const char *specText, const char *kernel,
                             bool backward) {
  if (!rt || !specText) {
    fail(std::string(backward ? "faattn_compile_backward" : "faattn_compile") +
         ": no runtime or no spec text");
    return nullptr;
  }
  try {
    std::string text = specText, name = kernel ? kernel : "";
    Result<Kernel> compiled =
        backward ? rt->rt->compileBackward(text, name) : rt->rt->compile(text, name);
    if (!compiled) {
      fail(compiled.error());
      return nullptr;
    }
    llvm::SourceMgr sm;
    std::string diags;
    auto kernels = parseSpec(sm, text, diags);
    const spec::KernelSpec *ks = kernels ? findKernel(*kernels, compiled->name()) : nullptr;
    if (!ks) {
      fail("kernel '" + compiled->name() + "': the spec does not check again:\n" + diags);
      return nullptr;
    }
    auto *k = new faattn_kernel(*compiled);
    k->specText = std::move(text);
    k->backwardOf = backward;
    std::optional<spec::KernelSpec> derived = derivedBackward(*ks, backward);
    k->info = infoJson(derived ? *derived : *ks);
    k->mode = backward ? spec::Mode::Backward : ks->mode;
    return k;
  } catch (const std::exception &e) {
    fail(std::string("internal error while compiling: ") + e.what());
    return nullptr;
  }
}

/// The device's primary context (the one PyTorch's runtime uses) current on
/// this thread, so that modules are loaded and kernels launched there.
Status makeCurrent(int32_t device) {
  auto driver = cuda::Driver::get();
  if (!driver)
    return Status::error(llvm::toString(driver.takeError()));
  const cuda::Driver &d = *driver;
  CUdevice dev;
  if (llvm::Error err = d.check(d.deviceGet(&dev, device), "cuDeviceGet"))
    return Status::error(llvm::toString(std::move(err)));
  static std::mutex ctxMutex;
  static std::map<int32_t, CUcontext> contexts; // retained once per device
  CUcontext ctx = nullptr;
  {
    std::lock_guard<std::mutex> lock(ctxMutex);
    auto it = contexts.find(device);
    if (it == contexts.end()) {
      if (llvm::Error err = d.check(d.primaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain"))
        return Status::error(llvm::toString(std::move(err)));
      contexts[device] = ctx;
    } else {
      ctx = it->second;
    }
  }
  if (llvm::Error err = d.check(d.ctxSetCurrent(ctx), "cuCtxSetCurrent"))
    return Status::error(llvm::toString(std::move(err)));
  return Status::ok();
}

} // namespace

extern "C" {

int32_t faattn_abi_version(void) { return FAATTN_C_ABI_VERSION; }

const char *faattn_compiler_version(void) { return compilerVersion(); }

const char *faattn_last_error(void) { return lastError.c_str(); }

faattn_runtime *faattn_runtime_create(const char *cacheDir) {
  try {
    RuntimeOptions options;
    if (cacheDir)
      options.cacheDir = std::string(cacheDir);
    auto *r = new faattn_runtime;
    r->rt = std::make_unique<Runtime>(std::move(options));
    r->cacheDir = r->rt->cacheDir();
    return r;
  } catch (const std::exception &e) {
    fail(std::string("cannot create the runtime: ") + e.what());
    return nullptr;
  }
}

void faattn_runtime_destroy(faattn_runtime *rt) { delete rt; }

const char *faattn_runtime_cache_dir(faattn_runtime *rt) {
  return rt ? rt->cacheDir.c_str() : "";
}

void faattn_runtime_stats(faattn_runtime *rt, int32_t *compiles, int32_t *memoryHits,
                          int32_t *diskHits) {
  Runtime::Stats s = rt ? rt->rt->stats() : Runtime::Stats{};
  if (compiles)
    *compiles = s.compiles;
  if (memoryHits)
    *memoryHits = s.memoryHits;
  if (diskHits)
    *diskHits = s.diskHits;
}

faattn_kernel *faattn_compile(faattn_runtime *rt, const char *specText, const char *kernel) {
  return compileKernel(rt, specText, kernel, false);
}

faattn_kernel *faattn_compile_backward(faattn_runtime *rt, const char *specText,
                                       const char *kernel) {
  return compileKernel(rt, specText, kernel, true);
}

void faattn_kernel_destroy(faattn_kernel *k) { delete k; }

const char *faattn_kernel_info(faattn_kernel *k) { return k ? k->info.c_str() : "{}"; }

int32_t faattn_validate(faattn_kernel *k, const faattn_args *args) {
  if (!k)
    return fail("no kernel");
  LaunchArgs a;
  if (!toLaunchArgs(args, a))
    return 1;
  if (Status s = k->kernel.validate(a); !s)
    return fail(s.message());
  return 0;
}

int32_t faattn_quantize_e4m3(const faattn_tensor *x, const faattn_tensor *x8,
                             const faattn_tensor *descale, int32_t granularity, int64_t block,
                             int32_t bshd, int32_t device, void *stream) {
  try {
    QuantizeArgs a;
    if (!x || !x8 || !descale)
      return fail("quantizeE4M3: x, x8 and descale are required");
    if (!toTensor("x", x, a.x) || !toTensor("x8", x8, a.x8) ||
        !toTensor("descale", descale, a.descale))
      return 1;
    if (granularity < 0 || granularity > 2)
      return fail("quantizeE4M3: granularity must be 0 (tensor), 1 (head) or 2 (block), got " +
                  std::to_string(granularity));
    a.granularity = static_cast<QuantGranularity>(granularity);
    a.block = block;
    a.bshd = bshd != 0;
    if (device < 0) {
      Status s = quantizeE4M3Host(a);
      return s ? 0 : fail(s.message());
    }
    if (Status s = makeCurrent(device); !s)
      return fail(s.message());
    Status s = quantizeE4M3(a, stream);
    return s ? 0 : fail(s.message());
  } catch (const std::exception &e) {
    return fail(std::string("internal error in quantizeE4M3: ") + e.what());
  }
}

int32_t faattn_launch(faattn_kernel *k, const faattn_args *args, int32_t device, void *stream) {
  if (!k)
    return fail("no kernel");
  try {
    LaunchArgs a;
    if (!toLaunchArgs(args, a))
      return 1;
    // Kernel::launch validates the arguments itself (the same messages as
    // faattn_validate): no second pass here. A kernel without GPU code (a
    // backward) says so there, before any driver call.
    if (k->kernel.compiled().ptx.empty()) {
      Status s = k->kernel.launch(a, stream);
      return s ? 0 : fail(s.message());
    }
    if (Status s = makeCurrent(device); !s)
      return fail(s.message());
    if (Status s = k->kernel.launch(a, stream); !s)
      return fail(s.message());
    return 0;
  } catch (const std::exception &e) {
    return fail(std::string("internal error in the launch: ") + e.what());
  }
}

int32_t faattn_run_cpu(faattn_kernel *k, const faattn_args *args) {
  if (!k)
    return fail("no kernel");
  try {
    LaunchArgs a;
    if (!toLaunchArgs(args, a))
      return 1;
    const std::string &name = k->kernel.name();
    // The f32 tensors of the CPU path (q, k, v, out; a backward's dout, dq, dk, dv).
    std::vector<Tensor *> f32 = {&a.q, &a.k, &a.v, &a.out};
    for (std::optional<Tensor> *t : {&a.dout, &a.dq, &a.dk, &a.dv})
      if (*t)
        f32.push_back(&**t);
    for (const Tensor *t : f32) {
      if (t->dtype != DType::F32)
        return fail("kernel '" + name + "': the CPU path takes f32 q, k, v and out" +
                    (k->mode == spec::Mode::Backward ? ", dout, dq, dk and dv" : "") + ", got " +
                    dtypeName(t->dtype));
      if (!t->strides.empty())
        return fail("kernel '" + name + "': the CPU path takes contiguous tensors");
    }
    // The runtime's checks, with these taken as f32 (their real size).
    Result<std::vector<const Tensor *>> tensors = k->kernel.argTensors(a, /*hostF32=*/true);
    if (!tensors)
      return fail(tensors.error());
    std::lock_guard<std::mutex> lock(k->cpuMutex);
    if (!buildCpu(*k))
      return 1;
    // In the kernel ABI's order; a packed (varlen) tensor gets the leading
    // batch of 1 its ABI shape has.
    const std::vector<KernelArg> &abi = k->kernel.compiled().args;
    std::vector<Descriptor> descs;
    for (size_t i = 0; i < tensors->size(); ++i) {
      const Tensor &t = *(*tensors)[i];
      descs.emplace_back(t.data, cpuShape(t, abi[i].shape.size() == t.shape.size() + 1));
    }
    std::vector<void *> descPtrs, packed;
    for (Descriptor &d : descs)
      descPtrs.push_back(d.words.data());
    for (void *&p : descPtrs)
      packed.push_back(&p);
    if (llvm::Error err = k->cpu->engine->invokePacked("_mlir_ciface_" + name, packed))
      return fail("kernel '" + name + "': " + llvm::toString(std::move(err)));
    return 0;
  } catch (const std::exception &e) {
    return fail(std::string("internal error in the CPU run: ") + e.what());
  }
}

} // extern "C"
