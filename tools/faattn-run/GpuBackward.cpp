//===- GpuBackward.cpp - faattn-run --gpu: run backward kernels -----------===//
//
// A backward kernel (mode = backward, or the backward of a forward kernel
// with the `backward` flag) compiled by Runtime::compileBackward and launched
// through the public API (faattn.h): random q, k, v and dout encoded in the
// spec's dtype (bf16 or f16: Sema refuses e4m3 and paged_kv with a
// backward), the forward's out and LSE from the float64 reference (out
// rounded to the dtype, LSE to f32, as a forward kernel hands them over), dq,
// dk, dv and the param gradients poisoned beforehand; the gradients compared
// with ref::attentionBackward on the same rounded inputs. The GPU mirror of
// faattn-run.cpp's runBackwardShape (the CPU path), laid out as GpuRun.cpp's
// forward runGpuShape.
//
//===----------------------------------------------------------------------===//
#include "FaattnRun.h"
#include "GpuTensors.h"
#include "Placement.h"

#include "faattn/Reference/ReferenceBackward.h"
#include "faattn/faattn.h"
#include "faattn/runtime/CudaDriver.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace faattn::run {

namespace {

/// The largest error accepted for a param gradient on the GPU (unless
/// --param-grad-tolerance is given), relative to the magnitude of the terms
/// it sums (rel_terms, as the CPU path's --param-grad-tolerance, 1e-4 there).
/// Not 1e-2: the terms cancel so much that a gradient of all zeros has a
/// rel_terms of only 8.3e-3 for an ALiBi slope at b=1 seq 1000 (9.3e-3 at
/// b=2 seq_q=300 seq_kv=517, 2.8e-2 at seq 64), so 1e-2 would pass it.
/// The reference is given the same 16-bit q, k, v and dout as the kernel,
/// so what remains is the f32 accumulation order (well under 1e-4 on the
/// CPU path's measurements, which compute in f32 too) and the 16-bit out the
/// kernel's D = rowsum(dout * out) is computed from, while the reference's D
/// is exact (sum_j P_j dP_j: ref::attentionBackward takes no out). That
/// shifts each row's dS' by P_j * dD, small against dP - D (out, an average
/// of v, is smaller than v, and the rows' errors add in quadrature where the
/// magnitude adds linearly): an ALiBi slope's rel_terms from it alone, in a
/// float64 simulation of faattn-run's random inputs (seq 64 to 1000, head
/// dims 40 to 128), is at most 1.0e-4 in bf16 and 1.2e-5 in f16: 1e-3 is a
/// margin of 10x, still 8x under a zero gradient's error at seq 1000. (A
/// kernel that rounds dS to bf16 for its matrix products, as tensor-core
/// backward kernels do, adds at most 2^-9 relative to each term, and far
/// less where the roundings' signs vary.)
constexpr double kGpuParamGradTolerance = 1e-3;

/// The line's prefix: "NAME b=.. seq_q=.. seq_kv=..[ lens_q=.. lens_kv=..]".
std::string describeRun(const spec::KernelSpec &k, const ref::Shape &shape, const Placement &p) {
  return k.name + " b=" + std::to_string(shape.batch) + " seq_q=" + std::to_string(shape.seqQ) +
         " seq_kv=" + std::to_string(shape.seqKV) + describe(p);
}

} // namespace

bool runGpuBackwardShape(const cuda::Driver &d, const Kernel &kernel, const spec::KernelSpec &k,
                         ref::Shape shape, uint64_t seedBase) {
  int64_t B = shape.batch, SQ = shape.seqQ, SKV = shape.seqKV;
  int64_t HQ = k.headsQ, HKV = k.headsKV, DQK = k.headDimQK, DV = k.headDimV;
  const spec::DType type = k.dtype; // of q, k, v, out, dout, dq, dk and dv alike
  const size_t eb = elementBytes(type);
  // Dense, or varlen's ragged sequences packed (sets shape's lengths).
  Placement place = run::place(k, shape, seedBase, uniformLengths);

  // Random inputs (never zeros; the CPU path's seeds), encoded in the dtype:
  // q, kk, v and dout receive the decoded values, what the kernel sees, and
  // so what the reference is given.
  std::vector<double> q, kk, v, dout;
  std::vector<uint8_t> qb = encode(ref::randomTensor(B * SQ * HQ * DQK, seedBase + 1), type, q);
  std::vector<uint8_t> kb = encode(ref::randomTensor(B * SKV * HKV * DQK, seedBase + 2), type, kk);
  std::vector<uint8_t> vb = encode(ref::randomTensor(B * SKV * HKV * DV, seedBase + 3), type, v);
  std::vector<uint8_t> dob = encode(ref::randomTensor(B * SQ * HQ * DV, seedBase + 5), type, dout);
  auto loaded = kernelParams(k, shape, seedBase);
  if (!loaded) {
    fail(llvm::toString(loaded.takeError()));
    return false;
  }
  std::vector<ref::ParamValue> params = std::move(*loaded);
  // The forward's out and LSE in float64 from the rounded inputs, handed over
  // as a forward kernel would: out rounded to the dtype, the LSE to f32
  // (lseToPhysical). The reference backward takes no out (its D is the exact
  // sum_j P_j dP_j; the kernel's rowsum(dout * out) of the rounded out
  // differs from it by far less than the tolerances: kGpuParamGradTolerance).
  std::vector<double> refOut, refLse, outSeen;
  uint64_t undefinedOps = 0;
  ref::attention(k, shape, q, kk, v, params, refOut, refLse, &undefinedOps);
  std::vector<uint8_t> ob = encode(refOut, type, outSeen);

  // The kernel's (physical) tensors: packed for varlen, in the spec's layout.
  auto phys = [&](const std::vector<uint8_t> &dense, bool isQ, int64_t H, int64_t D) {
    return toPhysical(dense, eb, place, isQ, isQ ? SQ : SKV, H, D, k.layout, {});
  };
  std::vector<uint8_t> ql = phys(qb, true, HQ, DQK), kl = phys(kb, false, HKV, DQK),
                       vl = phys(vb, false, HKV, DV), ol = phys(ob, true, HQ, DV),
                       dol = phys(dob, true, HQ, DV);
  std::vector<float> lsef = lseToPhysical(refLse, place, SQ, HQ);

  // Device memory and the launch through the public runtime API, as the
  // forward's (GpuRun.cpp). The outputs hold the poison (signaling NaNs,
  // FaattnRun.h) before the launch: dq, dk and dv of the dtype, the param
  // gradients f32.
  DeviceTensors mem;
  const DType apiT = apiType(type);
  auto tensor = [&](const std::vector<uint8_t> &bytes, bool isQ, int64_t H, int64_t D) {
    return Tensor{mem.upload(bytes.data(), bytes.size()), apiT, apiDims(k, place, isQ, H, D), {}};
  };
  LaunchArgs args;
  args.q = tensor(ql, true, HQ, DQK);
  args.k = tensor(kl, false, HKV, DQK);
  args.v = tensor(vl, false, HKV, DV);
  args.out = tensor(ol, true, HQ, DV);
  args.lse =
      Tensor{mem.upload(lsef.data(), lsef.size() * 4), DType::F32, apiLseDims(k, place, SQ), {}};
  args.dout = tensor(dol, true, HQ, DV);
  args.dq = tensor(poisoned(ql.size(), type), true, HQ, DQK);
  args.dk = tensor(poisoned(kl.size(), type), false, HKV, DQK);
  args.dv = tensor(poisoned(vl.size(), type), false, HKV, DV);
  setIndexTensors(args, mem, k, place);
  setParams(args, mem, k, params);
  for (size_t i = 0; i < k.params.size(); ++i) {
    if (!k.params[i].requiresGrad)
      continue;
    std::vector<float> poison(params[i].data.size(), poisonF32());
    void *p = mem.upload(poison.data(), poison.size() * 4);
    args.paramGrads.push_back({k.params[i].name, Tensor{p, DType::F32, params[i].dims, {}}});
  }
  if (mem.failed())
    return false;

  std::string run = describeRun(k, shape, place);
  if (Status s = kernel.launch(args); !s) {
    llvm::errs() << "faattn-run: error: " << run << " (backward): " << s.message() << "\n";
    return false;
  }
  if (Status s = synchronize(); !s) {
    llvm::errs() << "faattn-run: error: " << run << " (backward): kernel execution: " << s.message()
                 << "\n";
    return false;
  }

  // The gradients back; every physical row is some sequence's (varlen packs
  // them), so no element may keep the poison.
  std::vector<uint8_t> dqRaw(ql.size()), dkRaw(kl.size()), dvRaw(vl.size());
  std::vector<std::vector<float>> grads;
  Status got = mem.download(args.dq->data, dqRaw.data(), dqRaw.size());
  if (got)
    got = mem.download(args.dk->data, dkRaw.data(), dkRaw.size());
  if (got)
    got = mem.download(args.dv->data, dvRaw.data(), dvRaw.size());
  for (const auto &[name, t] : args.paramGrads) {
    size_t n = 1;
    for (int64_t x : t.shape)
      n *= size_t(x);
    grads.emplace_back(n);
    if (got)
      got = mem.download(t.data, grads.back().data(), n * 4);
  }
  if (!got) {
    llvm::errs() << "faattn-run: error: " << got.message() << "\n";
    return false;
  }
  bool unwritten =
      holdsPoison(dqRaw, type) || holdsPoison(dkRaw, type) || holdsPoison(dvRaw, type);
  // Dense padded bshd, decoded (rows past a sequence's length are 0, as the
  // reference's).
  auto dense = [&](const std::vector<uint8_t> &raw, bool isQ, int64_t H, int64_t D) {
    return decodeOutput(fromPhysical(raw, eb, place, isQ ? SQ : SKV, H, D, k.layout, isQ), type);
  };

  // The float64 reference backward (the whole problem: it samples no rows;
  // O(b h seq_q seq_kv d), fine for the moderate shapes a SIMT backward runs).
  std::vector<double> refDq, refDk, refDv;
  std::vector<ref::ParamValue> refDparams, refMagnitude;
  ref::attentionBackward(k, shape, q, kk, v, params, dout, refDq, refDk, refDv, refDparams, nullptr,
                         &undefinedOps, &refMagnitude);
  // dq, dk and dv by relative L2 with the GPU tolerance of their 16-bit type
  // (unless --backward-tolerance is given): in the float64 simulation above,
  // their rounding and the 16-bit out's D give at most 2.1e-3 in bf16
  // (tolerance 1e-2) and 2.7e-4 in f16 (5e-3).
  const double tol =
      backwardTolerance.getNumOccurrences() ? double(backwardTolerance) : gpuTolerance(type);
  const double paramTol =
      paramGradTolerance.getNumOccurrences() ? double(paramGradTolerance) : kGpuParamGradTolerance;
  double errQ = ref::relL2(dense(dqRaw, true, HQ, DQK), refDq);
  double errK = ref::relL2(dense(dkRaw, false, HKV, DQK), refDk);
  double errV = ref::relL2(dense(dvRaw, false, HKV, DV), refDv);
  bool ok = errQ <= tol && errK <= tol && errV <= tol;
  llvm::outs() << run
               << llvm::format(": dq_rel_l2=%.3g dk_rel_l2=%.3g dv_rel_l2=%.3g", errQ, errK, errV);
  ok &= compareParamGrads(k, grads, refDparams, refMagnitude, paramTol, unwritten);
  llvm::outs() << llvm::format(" (tolerance %.0e", tol);
  if (!args.paramGrads.empty())
    llvm::outs() << llvm::format(", param grads %.0e", paramTol);
  llvm::outs() << ")";
  if (undefinedOps)
    llvm::outs() << " (" << undefinedOps << " i32 divisions by 0 or of INT_MIN by -1)";
  if (unwritten) {
    ok = false;
    llvm::outs() << " UNWRITTEN-OUTPUT";
  }
  if (benchIters > 0) {
    // FlashAttention's convention: a backward is 2.5 forwards' FLOPs (five
    // matrix products to the forward's two), no mask discount. The inputs
    // are not rotated: the backward is compute-bound.
    double ms = medianLaunchMs(d, benchIters, [&](unsigned) { return kernel.launch(args); });
    llvm::outs() << llvm::format(" median=%.3f ms (%.2f TFLOP/s dense-equivalent)", ms,
                                 2.5 * forwardFlops(k, place, SQ, SKV) / ms / 1e9);
  }
  llvm::outs() << (ok ? " PASS" : " FAIL") << "\n";
  return ok;
}

} // namespace faattn::run
