//===- GpuRun.cpp - faattn-run --gpu: run kernels through the runtime -----===//
//
// Each kernel compiled by faattn::Runtime and launched through the public API
// (faattn.h) on inputs encoded in the spec's dtype (bf16, f16, e4m3), outputs
// poisoned with NaN; out and LSE compared with the float64 reference (on a
// sample of rows for large problems), and with --bench the median of N
// launches. Backward kernels, and the backward of forward kernels with the
// `backward` flag, run through Runtime::compileBackward (GpuBackward.cpp);
// the encodings, device buffers and timing both use are in GpuTensors.cpp.
//
//===----------------------------------------------------------------------===//
#include "FaattnRun.h"
#include "GpuTensors.h"
#include "Placement.h"

#include "faattn/faattn.h"
#include "faattn/runtime/CudaDriver.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace faattn::run {

namespace {

/// What the graph helpers below share: their error message, the driver's
/// capture and graph entry points, the split-KV workspace and one capture.
bool graphError(const std::string &what) {
  llvm::errs() << "faattn-run: error: --graph: " << what << "\n";
  return false;
}

bool graphFailed(const cuda::Driver &d, CUresult r, const char *call) {
  if (llvm::Error e = d.check(r, call)) {
    graphError(llvm::toString(std::move(e)));
    return true;
  }
  return false;
}

bool hasGraphEntryPoints(const cuda::Driver &d) {
  return d.streamCreate && d.streamDestroy && d.streamSynchronize && d.streamBeginCapture &&
         d.streamEndCapture && d.graphInstantiate && d.graphLaunch && d.graphExecDestroy &&
         d.graphDestroy;
}

/// The split-KV workspace of the caller's (LaunchArgs::workspace) for
/// `args`' sizes, set in `args` (and kept in `buffer`): a captured launch
/// allocates nothing. Nothing for a kernel without splits.
bool useOwnWorkspace(const Kernel &kernel, LaunchArgs &args, std::optional<DeviceBuffer> &buffer) {
  if (kernel.compiled().maxSplits <= 0)
    return true;
  auto dev = cuda::Device::current();
  if (!dev)
    return graphError(llvm::toString(dev.takeError()));
  size_t bytes = kernel.workspaceBytes(args, dev->multiprocessors);
  auto allocated = DeviceBuffer::allocate(bytes);
  if (!allocated)
    return graphError("the workspace: " + allocated.error());
  buffer.emplace(std::move(*allocated));
  args.workspace = buffer->data();
  args.workspaceBytes = bytes;
  return true;
}

/// `kernel.launch(args)` captured on `stream` into `graph`, instantiated as
/// `exec` (both null on failure, after an error message).
bool captureLaunch(const cuda::Driver &d, const Kernel &kernel, const LaunchArgs &args,
                   CUstream stream, CUgraph &graph, CUgraphExec &exec) {
  if (graphFailed(d, d.streamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
                  "cuStreamBeginCapture"))
    return false;
  Status launched = kernel.launch(args, stream);
  bool ended = !graphFailed(d, d.streamEndCapture(stream, &graph), "cuStreamEndCapture");
  if (!launched)
    return graphError("the captured launch: " + launched.message());
  return ended && !graphFailed(d, d.graphInstantiate(&exec, graph, 0), "cuGraphInstantiateWithFlags");
}

/// --graph: `args`' launch (split-KV: with a workspace of the caller's)
/// captured once into a CUDA graph on a stream of its own, then the graph replayed for each of three length sets (two thirds of
/// the first lengths plus a little, the last sequence empty; the first
/// lengths again): `prepare` writes a set into seqlens_kv (and poisons the
/// outputs) before the replay, `check` compares after it. The graph is built
/// once: the split count and workspace size come from host-known sizes (the
/// block table's), the lengths from device memory.
bool replayInGraph(const cuda::Driver &d, const Kernel &kernel, const LaunchArgs &args,
                   llvm::function_ref<bool(const std::vector<int64_t> &)> prepare,
                   llvm::function_ref<bool(const std::vector<int64_t> &)> check,
                   const std::vector<int64_t> &first) {
  if (!hasGraphEntryPoints(d))
    return graphError("the CUDA driver has no stream capture or graph entry points");
  LaunchArgs captured = args;
  std::optional<DeviceBuffer> workspace;
  if (!useOwnWorkspace(kernel, captured, workspace))
    return false;
  CUstream stream = nullptr;
  if (graphFailed(d, d.streamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate"))
    return false;
  CUgraph graph = nullptr;
  CUgraphExec exec = nullptr;
  bool ok = captureLaunch(d, kernel, captured, stream, graph, exec);
  std::vector<int64_t> shorter = first;
  for (size_t b = 0; b < shorter.size(); ++b)
    shorter[b] = std::min(first[b], first[b] * 2 / 3 + int64_t(b % 3));
  if (shorter.size() > 1)
    shorter.back() = 0;
  for (const std::vector<int64_t> *lens : {const_cast<const std::vector<int64_t> *>(&shorter), &first}) {
    if (!ok)
      break;
    ok = prepare(*lens) && !graphFailed(d, d.graphLaunch(exec, stream), "cuGraphLaunch") &&
         !graphFailed(d, d.streamSynchronize(stream), "cuStreamSynchronize (the replay)") &&
         check(*lens);
  }
  if (exec)
    d.graphExecDestroy(exec);
  if (graph)
    d.graphDestroy(graph);
  d.streamDestroy(stream);
  return ok;
}

/// --bench with --bench-graph: the median time of `iters` replays of CUDA
/// graphs of the launch, one graph per input copy (rotated as the plain
/// timing's), sharing one workspace of the caller's: the kernels' time
/// without the launch's host work (argument checks, tensor maps, the
/// workspace, the launch calls), as a serving engine replays decode. Each
/// replay is timed alone between two events on the graphs' stream.
std::optional<double> benchInGraphs(const cuda::Driver &d, const Kernel &kernel,
                                    const std::vector<LaunchArgs> &copies, unsigned iters) {
  if (!hasGraphEntryPoints(d) || copies.empty()) {
    graphError("the CUDA driver has no stream capture or graph entry points");
    return std::nullopt;
  }
  std::optional<DeviceBuffer> workspace;
  LaunchArgs first = copies.front();
  if (!useOwnWorkspace(kernel, first, workspace))
    return std::nullopt;
  CUstream stream = nullptr;
  if (graphFailed(d, d.streamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate"))
    return std::nullopt;
  std::vector<CUgraph> graphs(copies.size(), nullptr);
  std::vector<CUgraphExec> execs(copies.size(), nullptr);
  bool ok = true;
  for (size_t c = 0; ok && c < copies.size(); ++c) {
    LaunchArgs a = copies[c];
    a.workspace = first.workspace;
    a.workspaceBytes = first.workspaceBytes;
    ok = captureLaunch(d, kernel, a, stream, graphs[c], execs[c]);
  }
  std::vector<float> times;
  CUevent start = nullptr, stop = nullptr;
  ok = ok && !graphFailed(d, d.eventCreate(&start, 0), "cuEventCreate") &&
       !graphFailed(d, d.eventCreate(&stop, 0), "cuEventCreate");
  for (unsigned i = 0; ok && i < iters + 3; ++i) { // 3 warm-up replays
    CUgraphExec exec = execs[i % execs.size()];
    float ms = 0;
    ok = !graphFailed(d, d.eventRecord(start, stream), "cuEventRecord") &&
         !graphFailed(d, d.graphLaunch(exec, stream), "cuGraphLaunch") &&
         !graphFailed(d, d.eventRecord(stop, stream), "cuEventRecord") &&
         !graphFailed(d, d.eventSynchronize(stop), "cuEventSynchronize") &&
         !graphFailed(d, d.eventElapsedTime(&ms, start, stop), "cuEventElapsedTime");
    if (ok && i >= 3)
      times.push_back(ms);
  }
  if (start)
    d.eventDestroy(start);
  if (stop)
    d.eventDestroy(stop);
  for (size_t c = 0; c < copies.size(); ++c) {
    if (execs[c])
      d.graphExecDestroy(execs[c]);
    if (graphs[c])
      d.graphDestroy(graphs[c]);
  }
  d.streamDestroy(stream);
  if (!ok || times.empty())
    return std::nullopt;
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

/// `firstLaunch`: the kernel's first launch (its module is loaded then: the
/// driver's JIT from PTX); its host time is printed as first_launch_ms.
bool runGpuShape(const cuda::Driver &d, const Kernel &kernel, const spec::KernelSpec &k,
                 ref::Shape shape, uint64_t seedBase, bool firstLaunch) {
  int64_t B = shape.batch, SQ = shape.seqQ, SKV = shape.seqKV;
  int64_t HQ = k.headsQ, HKV = k.headsKV, DQK = k.headDimQK, DV = k.headDimV;
  spec::DType inType = k.dtype, kvType = k.kvType(); // kv_dtype: an e4m3 KV cache
  spec::DType outType = k.outType(); // bf16 for e4m3 inputs, unless out_dtype = e4m3
  Placement place = run::place(k, shape, seedBase, uniformLengths);
  std::vector<double> q, kk, v;
  std::vector<double> kr = ref::randomTensor(B * SKV * HKV * DQK, seedBase + 2);
  std::vector<double> vr = ref::randomTensor(B * SKV * HKV * DV, seedBase + 3);
  sharePrefix(place, kr, SKV, HKV, DQK);
  sharePrefix(place, vr, SKV, HKV, DV);
  applyNanKey(k, place, SKV, kr, vr);
  std::vector<uint8_t> qb = encode(ref::randomTensor(B * SQ * HQ * DQK, seedBase + 1), inType, q);
  std::vector<uint8_t> kb = encode(kr, kvType, kk);
  std::vector<uint8_t> vb = encode(vr, kvType, v);
  auto loaded = kernelParams(k, shape, seedBase);
  if (!loaded) {
    fail(llvm::toString(loaded.takeError()));
    return false;
  }
  std::vector<ref::ParamValue> params = std::move(*loaded);

  // Device memory and the launch go through the public runtime API
  // (faattn.h), so that every GPU test also tests Kernel::launch.
  // A failed allocation or copy is reported once and fails this shape (the
  // launch below is not attempted): never an exit from the middle of a run.
  DeviceTensors mem;
  auto upload = [&](const void *data, size_t bytes) { return mem.upload(data, bytes); };
  // Inputs in the kernel's layout and placement (rows no sequence owns: unownedRows, NaN among them).
  size_t eb = elementBytes(inType), kvEb = elementBytes(kvType);
  std::vector<double> unusedSeen;
  std::vector<uint8_t> garbage = encode(unownedRows(seedBase + 4), kvType, unusedSeen);
  std::vector<uint8_t> ql = toPhysical(qb, eb, place, true, SQ, HQ, DQK, k.layout, {});
  std::vector<uint8_t> kl = toPhysical(kb, kvEb, place, false, SKV, HKV, DQK, k.layout, garbage);
  std::vector<uint8_t> vl = toPhysical(vb, kvEb, place, false, SKV, HKV, DV, k.layout, garbage);
  size_t outEb = elementBytes(outType);
  size_t outBytes = place.qPhysBatch * place.qPhysSeq * HQ * DV * outEb;
  // The poison: signaling NaNs (FaattnRun.h), never a NaN the kernel computes.
  std::vector<uint8_t> poisonOut = poisoned(outBytes, outType);
  std::vector<float> poisonLse(place.qPhysBatch * HQ * place.qPhysSeq, poisonF32());
  DType inT = apiType(inType), kvT = apiType(kvType), outT = apiType(outType);
  // The public API's shapes: varlen tensors are rank 3 (no batch dimension).
  LaunchArgs args;
  args.q = {upload(ql.data(), ql.size()), inT, apiDims(k, place, true, HQ, DQK), {}};
  args.k = {upload(kl.data(), kl.size()), kvT, apiDims(k, place, false, HKV, DQK), {}};
  args.v = {upload(vl.data(), vl.size()), kvT, apiDims(k, place, false, HKV, DV), {}};
  args.out = {upload(poisonOut.data(), outBytes), outT, apiDims(k, place, true, HQ, DV), {}};
  void *lsePtr = nullptr;
  if (k.returnLse) {
    lsePtr = upload(poisonLse.data(), poisonLse.size() * 4);
    args.lse = Tensor{lsePtr, DType::F32, apiLseDims(k, place, SQ), {}};
  }
  setIndexTensors(args, mem, k, place);
  if (kernel.compiled().maxSplits > 0) // --splits: split-KV kernels only (0: the cost model)
    args.splits = splitCount;
  void *outPtr = args.out.data;
  setParams(args, mem, k, params);
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
  if (mem.failed())
    return false;
  auto launch = [&](size_t copy = 0) { return kernel.launch(copies[copy]); };
  auto launchStart = std::chrono::steady_clock::now();
  Status launched = launch();
  double launchMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                              launchStart)
                        .count();
  if (Status s = std::move(launched); !s) {
    llvm::errs() << "faattn-run: error: " << s.message() << "\n";
    return false;
  }
  if (Status s = synchronize(); !s) {
    llvm::errs() << "faattn-run: error: kernel execution: " << s.message() << "\n";
    return false;
  }
  // Downloads out and LSE, checks every element for the poison and compares
  // with the float64 reference at `s` (the launch's shape and lengths).
  struct Check {
    bool ran = false, unwritten = false, sampled = false;
    double err = INFINITY, lseErr = 0;
  };
  auto verify = [&](const ref::Shape &lens) -> Check {
    std::vector<uint8_t> outRaw(outBytes);
    std::vector<float> lseRaw(poisonLse.size());
    auto download = [&](void *ptr, void *host, size_t bytes) {
      return mem.download(ptr, host, bytes);
    };
    if (Status s = download(outPtr, outRaw.data(), outBytes); !s) {
      llvm::errs() << "faattn-run: error: " << s.message() << "\n";
      return Check{};
    }
    if (k.returnLse)
      if (Status s = download(lsePtr, lseRaw.data(), lseRaw.size() * 4); !s) {
        llvm::errs() << "faattn-run: error: " << s.message() << "\n";
        return Check{};
      }
    // Every physical element is a row of some sequence: none may keep the poison.
    bool unwritten = holdsPoison(outRaw, outType);
    if (k.returnLse)
      for (float f : lseRaw)
        unwritten |= isPoisonF32(f); // -inf and a computed NaN are LSEs, the poison is not
    std::vector<double> out =
        decodeOutput(fromPhysical(outRaw, outEb, place, SQ, HQ, DV, k.layout), outType);
    // Large problems are checked on a sample of query rows (the first and last
    // 16 and 32 spread between; rows are independent): the float64 reference
    // of a whole 8 x 32 x 4097^2 problem would take minutes. Every element of
    // out and LSE is still checked for the poison.
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
    ref::attention(k, lens, q, kk, v, params, refOut, refLse, &undefinedOps,
                   sampled ? &rows : nullptr);
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
    Check c;
    c.ran = true, c.unwritten = unwritten, c.sampled = sampled;
    c.err = unwritten ? INFINITY : ref::relL2(out, refOut);
    c.lseErr = k.returnLse ? ref::relL2(lseAll, refLse) : 0;
    return c;
  };
  Check checked = verify(shape);
  if (!checked.ran)
    return false;
  bool unwritten = checked.unwritten, sampled = checked.sampled;
  double err = checked.err, lseErr = checked.lseErr;
  // e4m3 on the FP8 wgmma rounds P to e4m3 (fp8WgmmaTolerance), an e4m3 output
  // rounds O (e4m3OutputTolerance); the graph replays below too.
  const double tol = outType == spec::DType::E4M3 ? e4m3OutputTolerance()
                     : k.dtype == spec::DType::E4M3 && kernel.compiled().mapping == "wgmma"
                         ? fp8WgmmaTolerance()
                         : gpuTolerance(outType);
  bool ok = err <= tol && lseErr <= tol;
  std::string splits;
  auto dev = cuda::Device::current();
  int sms = dev ? dev->multiprocessors : 0;
  if (!dev)
    llvm::consumeError(dev.takeError());
  if (kernel.compiled().maxSplits > 0 && sms > 0)
    splits = " splits=" + std::to_string(kernel.numSplits(args, sms));
  // overlap = auto's long-KV build, when the launch took it (its cost model's
  // ratio: KV blocks a tile against the launch's waves).
  if (const CompiledKernel &build = kernel.compiledFor(args, sms); build.minSeqKV > 0)
    llvm::raw_string_ostream(splits)
        << " build=long-kv(seq_kv>=" << build.minSeqKV
        << llvm::format(", kv_blocks>=%gx_waves)", build.minKVBlocksPerWave);
  llvm::outs() << k.name << " b=" << B << " seq_q=" << SQ << " seq_kv=" << SKV << describe(place)
               << splits << llvm::format(": rel_l2=%.3g", err);
  if (k.returnLse)
    llvm::outs() << llvm::format(" lse_rel_l2=%.3g", lseErr);
  llvm::outs() << llvm::format(" (tolerance %.0e%s)", tol, sampled ? ", sampled rows" : "");
  if (unwritten)
    llvm::outs() << " UNWRITTEN-OUTPUT";
  if (firstLaunch)
    llvm::outs() << llvm::format(" first_launch_ms=%.1f", launchMs);
  if (benchIters > 0) {
    double hostUs = 0; // the launch call's own (host) time
    double ms = medianLaunchMs(
        d, benchIters, [&](unsigned i) { return launch(i % copies.size()); }, &hostUs);
    double flops = forwardFlops(k, place, SQ, SKV);
    // The K/V bytes the kernel has to read (every sequence's rows).
    double kvRows = 0;
    for (int64_t b = 0; b < B; ++b)
      kvRows += place.lenKV(b, SKV);
    double kvBytes = kvRows * HKV * (DQK + DV) * kvEb;
    llvm::outs() << llvm::format(" median=%.3f ms kv_tbps=%.3f launch_host_us=%.1f", ms,
                                 kvBytes / ms / 1e9, hostUs);
    if (benchGraph) {
      std::optional<double> g = benchInGraphs(d, kernel, copies, benchIters);
      if (!g)
        ok = false;
      else
        llvm::outs() << llvm::format(" graph_median=%.3f ms graph_kv_tbps=%.3f", *g,
                                     kvBytes / *g / 1e9);
    }
    llvm::outs() << llvm::format(" (%.2f TFLOP/s dense-equivalent, %zu input copies rotated)",
                                 flops / ms / 1e9, copies.size());
  }
  llvm::outs() << (ok ? " PASS" : " FAIL") << "\n";
  if (graphReplay && k.pagedKVPage)
    ok &= replayInGraph(d, kernel, args, [&](const std::vector<int64_t> &lensKV) -> bool {
      // Lengths and poisoned outputs written between replays, not captured.
      auto write = [&](void *ptr, const void *host, size_t bytes) {
        return mem.write(ptr, host, bytes);
      };
      std::vector<int32_t> lens32(lensKV.begin(), lensKV.end());
      Status st = write(args.seqlensKV->data, lens32.data(), lens32.size() * 4);
      if (st)
        st = write(outPtr, poisonOut.data(), outBytes);
      if (st && k.returnLse)
        st = write(lsePtr, poisonLse.data(), poisonLse.size() * 4);
      if (!st) {
        llvm::errs() << "faattn-run: error: " << st.message() << "\n";
        return false;
      }
      return true;
    }, [&](const std::vector<int64_t> &lensKV) -> bool {
      ref::Shape at = shape;
      at.lensKV = lensKV;
      Check c = verify(at);
      bool pass = c.ran && c.err <= tol && c.lseErr <= tol;
      std::string list;
      for (size_t i = 0; i < lensKV.size() && i < 8; ++i)
        list += (i ? "," : "") + std::to_string(lensKV[i]);
      llvm::outs() << k.name << " b=" << B << " seq_q=" << SQ << " seq_kv=" << SKV
                   << " graph-replay lens_kv=" << list << llvm::format(": rel_l2=%.3g", c.err);
      if (k.returnLse)
        llvm::outs() << llvm::format(" lse_rel_l2=%.3g", c.lseErr);
      llvm::outs() << (c.unwritten ? " UNWRITTEN-OUTPUT" : "") << (pass ? " PASS" : " FAIL")
                   << "\n";
      return pass;
    }, shape.lensKV);
  return ok;
}

} // namespace

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
  // A backward kernel: mode = backward (`b` is the kernel), or the backward
  // of a forward kernel with the `backward` flag (`b` is spec::backwardOf
  // it; after the forward's own lines). Runtime::compileBackward takes the
  // kernel's name in the spec either way; a compile or launch error is
  // reported and counted, never the end of the run.
  // Which lowering a kernel got (the suite checks that an experimental one was taken).
  auto printBuild = [](const std::string &name, const CompiledKernel &c) {
    llvm::outs() << name << ": build " << c.mapping;
    if (c.mapping == "wgmma")
      llvm::outs() << " (" << c.schedule << ", " << c.stages << " stages)";
    else if (!c.fallback.empty())
      llvm::outs() << " (" << c.fallback << ")";
    if (c.backwardTiled)
      llvm::outs() << " (tiled backward)";
    llvm::outs() << "\n";
  };
  auto runBackward = [&](const spec::KernelSpec &b) {
    Result<Kernel> kernel = rt.compileBackward(specText.str(), b.name);
    if (!kernel) {
      ++failures;
      fail("kernel '" + b.name + "' (backward): " + kernel.error());
      return;
    }
    printBuild(b.name + " (backward)", kernel->compiled());
    for (const ref::Shape &shape : shapeList) {
      ++ran;
      if (!runGpuBackwardShape(*driver, *kernel, b, shape, seed * 1000003ull))
        ++failures;
    }
  };
  for (const spec::KernelSpec &k : kernels) {
    if (!onlyKernel.empty() && k.name != onlyKernel)
      continue;
    int needMajor = k.target == spec::Target::SM90a ? 9 : 8;
    if (device->major < needMajor) {
      llvm::outs() << k.name << ": SKIP (" << spec::targetName(k.target) << " needs compute capability "
                   << needMajor << ".0, the device has " << device->major << "." << device->minor << ")\n";
      continue;
    }
    if (k.mode == spec::Mode::Backward) {
      runBackward(k);
      continue;
    }
    int diskHits = rt.stats().diskHits;
    auto compileStart = std::chrono::steady_clock::now();
    Result<Kernel> kernel = rt.compile(specText.str(), k.name);
    double compileMs = std::chrono::duration<double, std::milli>(
                           std::chrono::steady_clock::now() - compileStart)
                           .count();
    // With a disk cache: where the kernel came from and how long that took
    // (spec text to a compiled kernel; its module loads at the first launch).
    if (kernel && !cacheDir.empty())
      llvm::outs() << k.name << ": "
                   << (rt.stats().diskHits > diskHits ? "from the disk cache" : "compiled") << " ("
                   << kernel->compiled().alternatives.size() << " shape-dependent builds more)"
                   << llvm::format(" in %.1f ms", compileMs) << "\n";
    if (!kernel) {
      ++failures;
      fail(kernel.error());
    } else {
      printBuild(k.name, kernel->compiled());
      bool first = !cacheDir.empty();
      for (const ref::Shape &shape : shapeList) {
        ++ran;
        if (!runGpuShape(*driver, *kernel, k, shape, seed * 1000003ull, first))
          ++failures;
        first = false;
      }
    }
    if (k.backward)
      runBackward(spec::backwardOf(k));
  }
  if (!onlyKernel.empty() && ran == 0 && failures == 0)
    return fail("no kernel named '" + onlyKernel + "' in '" + input + "'");
  return failures ? 1 : 0;
}

} // namespace faattn::run
