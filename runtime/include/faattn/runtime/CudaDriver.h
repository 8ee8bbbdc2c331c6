//===- CudaDriver.h - The CUDA driver API, loaded at run time ---*- C++ -*-===//
//
// faattn has no link-time dependency on CUDA: libcuda.so.1 is opened with
// dlopen and its entry points resolved on first use. Every call returns an
// llvm::Error (never aborts) naming the call and the driver's message.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_RUNTIME_CUDADRIVER_H
#define FAATTN_RUNTIME_CUDADRIVER_H

#include <cuda.h> // types and constants only; nothing is linked

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace faattn::cuda {

/// The driver's entry points. `get()` loads the library once; it fails with
/// a clear message when there is no driver.
struct Driver {
  CUresult (*init)(unsigned);
  CUresult (*deviceGetCount)(int *);
  CUresult (*deviceGet)(CUdevice *, int);
  CUresult (*deviceGetAttribute)(int *, CUdevice_attribute, CUdevice);
  CUresult (*deviceGetName)(char *, int, CUdevice);
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*ctxSetCurrent)(CUcontext);
  CUresult (*ctxGetCurrent)(CUcontext *);
  CUresult (*ctxGetDevice)(CUdevice *);
  CUresult (*ctxSynchronize)();
  CUresult (*moduleLoadData)(CUmodule *, const void *);
  CUresult (*moduleUnload)(CUmodule);
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*funcSetAttribute)(CUfunction, CUfunction_attribute, int);
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                           unsigned, CUstream, void **, void **);
  CUresult (*memAlloc)(CUdeviceptr *, size_t);
  CUresult (*memFree)(CUdeviceptr);
  CUresult (*memAllocAsync)(CUdeviceptr *, size_t, CUstream);
  CUresult (*memFreeAsync)(CUdeviceptr, CUstream);
  CUresult (*memsetD32Async)(CUdeviceptr, unsigned, size_t, CUstream);
  CUresult (*memsetD16Async)(CUdeviceptr, unsigned short, size_t, CUstream);
  CUresult (*occupancyMaxActiveBlocksPerMultiprocessor)(int *, CUfunction, int, size_t);
  // Optional (CUDA 12+): kernels of the TMA pipeline need it.
  CUresult (*tensorMapEncodeTiled)(CUtensorMap *, CUtensorMapDataType, cuuint32_t, void *,
                                   const cuuint64_t *, const cuuint64_t *, const cuuint32_t *,
                                   const cuuint32_t *, CUtensorMapInterleave, CUtensorMapSwizzle,
                                   CUtensorMapL2promotion, CUtensorMapFloatOOBfill);
  CUresult (*memcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*memcpyDtoH)(void *, CUdeviceptr, size_t);
  CUresult (*eventCreate)(CUevent *, unsigned);
  CUresult (*eventDestroy)(CUevent);
  CUresult (*eventRecord)(CUevent, CUstream);
  CUresult (*eventSynchronize)(CUevent);
  CUresult (*eventElapsedTime)(float *, CUevent, CUevent);
  CUresult (*getErrorString)(CUresult, const char **);
  // Optional (null when the driver lacks them): streams and CUDA graphs, for
  // capturing launches (faattn-run --graph).
  CUresult (*streamCreate)(CUstream *, unsigned);
  CUresult (*streamDestroy)(CUstream);
  CUresult (*streamSynchronize)(CUstream);
  CUresult (*streamBeginCapture)(CUstream, CUstreamCaptureMode);
  CUresult (*streamEndCapture)(CUstream, CUgraph *);
  CUresult (*graphInstantiate)(CUgraphExec *, CUgraph, unsigned long long);
  CUresult (*graphLaunch)(CUgraphExec, CUstream);
  CUresult (*graphExecDestroy)(CUgraphExec);
  CUresult (*graphDestroy)(CUgraph);

  /// The loaded driver, or why it cannot be loaded (no libcuda.so.1, a
  /// missing entry point, cuInit failing).
  static llvm::Expected<const Driver &> get();

  /// `llvm::Error` for a failed call: "<what>: <driver message> (<code>)".
  llvm::Error check(CUresult result, llvm::StringRef what) const;
};

/// A device with a current (primary) context.
struct Device {
  CUdevice device = 0;
  CUcontext context = nullptr;
  int major = 0, minor = 0, multiprocessors = 0;
  std::string name;

  /// The first GPU; fails when there is none. Makes its primary context
  /// current on the calling thread.
  static llvm::Expected<Device> open(int ordinal = 0);

  /// The calling thread's current context and its device; when the thread
  /// has none, the first GPU's primary context is made current.
  static llvm::Expected<Device> current();
};

} // namespace faattn::cuda

#endif // FAATTN_RUNTIME_CUDADRIVER_H
