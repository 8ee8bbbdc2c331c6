//===- FaattnRun.h - faattn-run's shared options and helpers ----*- C++ -*-===//
//
// The command-line options the CPU path (faattn-run.cpp) and the GPU path
// (GpuRun.cpp, GpuBackward.cpp) both read, defined in faattn-run.cpp; error
// reporting, the kernel's params at a shape, the comparison of param
// gradients, and the GPU path's entry points.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TOOLS_FAATTN_RUN_FAATTNRUN_H
#define FAATTN_TOOLS_FAATTN_RUN_FAATTNRUN_H

#include "faattn/Reference/Reference.h"
#include "faattn/Spec/Spec.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace faattn {
class Kernel;
namespace cuda {
struct Driver;
} // namespace cuda
} // namespace faattn

namespace faattn::run {

extern llvm::cl::opt<std::string> input;
extern llvm::cl::opt<unsigned> benchIters;
extern llvm::cl::opt<bool> benchGraph;
extern llvm::cl::opt<unsigned> splitCount;
extern llvm::cl::opt<std::string> onlyKernel;
extern llvm::cl::opt<unsigned> seed;
extern llvm::cl::opt<bool> uniformLengths;
/// --nan-key=B:S as (B, S), or (-1, -1) when not given (checked at start-up).
std::pair<int64_t, int64_t> nanKey();
struct Placement;
/// --nan-key's row made NaN in the dense K and V of a forward run (Placement's
/// nanKeyRow), with a note on stderr where it lands on no key of sequence B.
void applyNanKey(const spec::KernelSpec &k, const Placement &place, int64_t seqKV,
                 std::vector<double> &kDense, std::vector<double> &vDense);
extern llvm::cl::opt<std::string> cacheDir;
extern llvm::cl::opt<bool> graphReplay;
extern llvm::cl::opt<double> backwardTolerance;  // --gpu: when given
extern llvm::cl::opt<double> paramGradTolerance; // --gpu: when given

/// The poison the outputs hold before a launch: signaling NaNs, which no
/// arithmetic produces (an operation on a NaN quiets it), so that an output
/// still holding the exact pattern was not written, while a NaN the kernel
/// computed (a NaN input propagated) is told apart and compared with the
/// reference's NaN.
inline constexpr uint32_t kPoisonF32 = 0xFFA5A5A5u; // f32 (CPU out and LSE, GPU LSE)
inline constexpr uint16_t kPoisonBF16 = 0xFFA5;     // bf16 out
inline constexpr uint16_t kPoisonF16 = 0xFD5A;      // f16 out
/// e4m3 out: E4M3FN's negative NaN (no signaling NaNs in the format);
/// cvt.rn.satfinite writes a NaN as 0x7F, so a computed NaN is not this.
inline constexpr uint8_t kPoisonE4M3 = 0xFF;
inline float poisonF32() {
  float f;
  std::memcpy(&f, &kPoisonF32, 4);
  return f;
}
inline bool isPoisonF32(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits == kPoisonF32;
}

/// Reports `msg` as faattn-run's error; returns the exit status 1.
int fail(const llvm::Twine &msg);

/// The kernel's params at `shape`: each from its --param file, or random.
/// Returns the problem (an unknown name, an unreadable file, a size that is not
/// the param's) as an error.
llvm::Expected<std::vector<ref::ParamValue>> kernelParams(const spec::KernelSpec &k,
                                                          const ref::Shape &shape,
                                                          uint64_t seedBase);

/// Compares a backward's param gradients with the float64 reference's
/// (`want`, one per spec param, and `magnitude`, the magnitudes of the terms
/// each element sums: ref::attentionBackward's dparams and
/// dparamsMagnitude); `got` holds the kernel's, one per requires_grad param
/// in the spec's order. Prints " dNAME_rel_l2=.. dNAME_rel_terms=.." for
/// each; returns whether every rel_terms (the error relative to the
/// magnitude of the terms) is within `tol`, and sets `unwritten` when an
/// element still holds the poison (kPoisonF32).
bool compareParamGrads(const spec::KernelSpec &k, const std::vector<std::vector<float>> &got,
                       const std::vector<ref::ParamValue> &want,
                       const std::vector<ref::ParamValue> &magnitude, double tol,
                       bool &unwritten);

/// --gpu, a backward kernel (mode = backward, or the backward of a forward
/// kernel with the `backward` flag: `k` is then spec::backwardOf of it) at
/// `shape`, launched through the runtime (`kernel`, from
/// Runtime::compileBackward) and compared with ref::attentionBackward
/// (GpuBackward.cpp). Prints one line; returns false on a failed comparison,
/// an unwritten output or a launch error (printed).
bool runGpuBackwardShape(const cuda::Driver &d, const Kernel &kernel, const spec::KernelSpec &k,
                         ref::Shape shape, uint64_t seedBase);

/// --gpu: compiles each kernel through the runtime and runs it at every
/// shape (GpuRun.cpp); returns the exit status.
int runGpu(std::vector<spec::KernelSpec> &kernels, llvm::StringRef specText,
           const std::vector<ref::Shape> &shapeList);

} // namespace faattn::run

#endif // FAATTN_TOOLS_FAATTN_RUN_FAATTNRUN_H
