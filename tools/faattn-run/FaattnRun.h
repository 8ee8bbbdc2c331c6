//===- FaattnRun.h - faattn-run's shared options and helpers ----*- C++ -*-===//
//
// The command-line options the CPU path (faattn-run.cpp) and the GPU path
// (GpuRun.cpp) both read, defined in faattn-run.cpp; error reporting, the
// kernel's params at a shape, and the GPU path's entry point.
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

#include <string>
#include <vector>

namespace faattn::run {

extern llvm::cl::opt<std::string> input;
extern llvm::cl::opt<unsigned> benchIters;
extern llvm::cl::opt<std::string> onlyKernel;
extern llvm::cl::opt<unsigned> seed;
extern llvm::cl::opt<bool> uniformLengths;
extern llvm::cl::opt<std::string> cacheDir;

/// Reports `msg` as faattn-run's error; returns the exit status 1.
int fail(const llvm::Twine &msg);

/// The kernel's params at `shape`: each from its --param file, or random.
/// Returns the problem (an unknown name, an unreadable file, a size that is not
/// the param's) as an error.
llvm::Expected<std::vector<ref::ParamValue>> kernelParams(const spec::KernelSpec &k,
                                                          const ref::Shape &shape,
                                                          uint64_t seedBase);

/// --gpu: compiles each kernel through the runtime and runs it at every
/// shape (GpuRun.cpp); returns the exit status.
int runGpu(std::vector<spec::KernelSpec> &kernels, llvm::StringRef specText,
           const std::vector<ref::Shape> &shapeList);

} // namespace faattn::run

#endif // FAATTN_TOOLS_FAATTN_RUN_FAATTNRUN_H
