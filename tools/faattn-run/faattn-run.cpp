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

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>

using namespace faattn;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("faattn-run options");
cl::opt<std::string> input(cl::Positional, cl::desc("<spec.fa>"), cl::Required, cl::cat(category));
cl::opt<bool> cpu("cpu", cl::desc("Run on the CPU (the only target of this tool so far)"),
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
cl::opt<unsigned> seed("seed", cl::init(1), cl::desc("Seed of the random inputs"),
                       cl::cat(category));

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

/// Reorders a bshd tensor (b, s, h, d) into the kernel's layout.
std::vector<float> toLayout(const std::vector<double> &bshd, spec::Layout layout, int64_t b,
                            int64_t s, int64_t h, int64_t d) {
  std::vector<float> out(bshd.size());
  for (int64_t i = 0; i < b; ++i)
    for (int64_t j = 0; j < s; ++j)
      for (int64_t k = 0; k < h; ++k)
        for (int64_t l = 0; l < d; ++l) {
          int64_t src = ((i * s + j) * h + k) * d + l;
          int64_t dst = layout == spec::Layout::BSHD ? src : ((i * h + k) * s + j) * d + l;
          out[dst] = static_cast<float>(bshd[src]);
        }
  return out;
}

std::vector<double> fromLayout(const std::vector<float> &x, spec::Layout layout, int64_t b,
                               int64_t s, int64_t h, int64_t d) {
  std::vector<double> out(x.size());
  for (int64_t i = 0; i < b; ++i)
    for (int64_t j = 0; j < s; ++j)
      for (int64_t k = 0; k < h; ++k)
        for (int64_t l = 0; l < d; ++l) {
          int64_t dst = ((i * s + j) * h + k) * d + l;
          int64_t src = layout == spec::Layout::BSHD ? dst : ((i * h + k) * s + j) * d + l;
          out[dst] = x[src];
        }
  return out;
}

std::vector<int64_t> dimsOf(const spec::KernelSpec &k, spec::Layout layout, int64_t b, int64_t s,
                            int64_t h, int64_t d) {
  (void)k;
  if (layout == spec::Layout::BSHD)
    return {b, s, h, d};
  return {b, h, s, d};
}

/// Runs kernel `k` (compiled in `engine`) at `shape`; returns false on a
/// numerics failure.
bool runShape(mlir::ExecutionEngine &engine, const spec::KernelSpec &k, const ref::Shape &shape,
              uint64_t seedBase) {
  int64_t B = shape.batch, SQ = shape.seqQ, SKV = shape.seqKV;
  int64_t HQ = k.headsQ, HKV = k.headsKV, DQK = k.headDimQK, DV = k.headDimV;
  auto round = [](std::vector<double> v) {
    for (double &x : v)
      x = static_cast<float>(x); // the kernel sees f32 inputs
    return v;
  };
  std::vector<double> q = round(ref::randomTensor(B * SQ * HQ * DQK, seedBase + 1));
  std::vector<double> kk = round(ref::randomTensor(B * SKV * HKV * DQK, seedBase + 2));
  std::vector<double> v = round(ref::randomTensor(B * SKV * HKV * DV, seedBase + 3));
  std::vector<ref::ParamValue> params;
  for (size_t i = 0; i < k.params.size(); ++i)
    params.push_back(ref::randomParam(k, k.params[i], shape, seedBase + 10 + i));

  std::vector<float> qf = toLayout(q, k.layout, B, SQ, HQ, DQK);
  std::vector<float> kf = toLayout(kk, k.layout, B, SKV, HKV, DQK);
  std::vector<float> vf = toLayout(v, k.layout, B, SKV, HKV, DV);
  const float poison = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> of(B * SQ * HQ * DV, poison);
  std::vector<float> lsef(B * HQ * SQ, poison);
  // Params in their declared element types (f32 or i32).
  std::vector<std::vector<float>> pf32;
  std::vector<std::vector<int32_t>> pi32;
  std::vector<Descriptor> descs = {
      Descriptor(qf.data(), dimsOf(k, k.layout, B, SQ, HQ, DQK)),
      Descriptor(kf.data(), dimsOf(k, k.layout, B, SKV, HKV, DQK)),
      Descriptor(vf.data(), dimsOf(k, k.layout, B, SKV, HKV, DV)),
      Descriptor(of.data(), dimsOf(k, k.layout, B, SQ, HQ, DV))};
  if (k.returnLse)
    descs.emplace_back(lsef.data(), llvm::ArrayRef<int64_t>{B, HQ, SQ});
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

  std::vector<double> refOut, refLse;
  uint64_t undefinedOps = 0;
  ref::attention(k, shape, q, kk, v, params, refOut, refLse, &undefinedOps);
  std::vector<double> out = fromLayout(of, k.layout, B, SQ, HQ, DV);
  double err = ref::relL2(out, refOut);
  double maxAbs = 0;
  for (size_t i = 0; i < out.size(); ++i)
    maxAbs = std::max(maxAbs, std::isnan(out[i]) ? INFINITY : std::fabs(out[i] - refOut[i]));
  double lseErr = 0;
  if (k.returnLse)
    lseErr = ref::relL2(std::vector<double>(lsef.begin(), lsef.end()), refLse);
  bool ok = err <= tolerance && lseErr <= tolerance;
  llvm::outs() << k.name << " b=" << B << " seq_q=" << SQ << " seq_kv=" << SKV
               << llvm::format(": max_abs_err=%.3g rel_l2=%.3g", maxAbs, err);
  if (k.returnLse)
    llvm::outs() << llvm::format(" lse_rel_l2=%.3g", lseErr);
  if (undefinedOps)
    llvm::outs() << " (reference saw " << undefinedOps << " undefined i32 ops)";
  llvm::outs() << (ok ? " PASS" : " FAIL") << "\n";
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "faattn-run: execute compiled specs and check them\n");
  if (!cpu)
    return fail("only --cpu execution is available so far");
  std::vector<ref::Shape> shapeList;
  for (const std::string &s : shapes) {
    auto parsed = parseShape(s);
    if (!parsed)
      return fail("--shape must be b=B,seq_q=SQ,seq_kv=SKV with positive sizes, got '" + s + "'");
    shapeList.push_back(*parsed);
  }
  if (shapeList.empty())
    shapeList.push_back({2, 300, 517});

  llvm::SourceMgr sm;
  auto buf = llvm::MemoryBuffer::getFile(input, /*IsText=*/true);
  if (!buf)
    return fail("cannot open '" + input + "': " + buf.getError().message());
  unsigned id = sm.AddNewSourceBuffer(std::move(*buf), llvm::SMLoc());
  auto kernels = spec::parseAndCheck(sm, id, llvm::errs());
  if (!kernels)
    return 1;

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
    std::vector<spec::KernelSpec> one;
    one.push_back(std::move(const_cast<spec::KernelSpec &>(k)));
    mlir::OwningOpRef<mlir::ModuleOp> module = buildModule(ctx, one, sm, /*f32Storage=*/true);
    for (auto fn : module->getOps<mlir::func::FuncOp>()) {
      fn->setAttr("llvm.emit_c_interface", mlir::UnitAttr::get(&ctx));
      if (!loopOrder.empty())
        fn->setAttr("faattn.loop_order", mlir::StringAttr::get(&ctx, loopOrder));
    }
    mlir::PassManager pm(&ctx);
    addAlgorithmPasses(pm);
    addCpuLoweringPasses(pm);
    if (mlir::failed(pm.run(*module))) {
      ++failures;
      fail("kernel '" + one[0].name + "' failed to lower for the CPU");
      continue;
    }
    auto optimize = mlir::makeOptimizingTransformer(/*optLevel=*/2, /*sizeLevel=*/0,
                                                    /*targetMachine=*/nullptr);
    mlir::ExecutionEngineOptions options;
    options.transformer = optimize;
    auto engine = mlir::ExecutionEngine::create(*module, options);
    if (!engine) {
      ++failures;
      fail("kernel '" + one[0].name + "': " + llvm::toString(engine.takeError()));
      continue;
    }
    for (const ref::Shape &shape : shapeList) {
      ++ran;
      if (!runShape(**engine, one[0], shape, seed * 1000003ull))
        ++failures;
    }
  }
  if (!onlyKernel.empty() && ran == 0 && failures == 0)
    return fail("no kernel named '" + onlyKernel + "' in '" + input + "'");
  return failures ? 1 : 0;
}
