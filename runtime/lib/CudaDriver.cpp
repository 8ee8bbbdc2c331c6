//===- CudaDriver.cpp - The CUDA driver API, loaded at run time -----------===//
#include "faattn/runtime/CudaDriver.h"

#include <dlfcn.h>
#include <type_traits>
#include <mutex>

namespace faattn::cuda {

static llvm::Error error(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

llvm::Expected<const Driver &> Driver::get() {
  static Driver driver;
  static std::string failure;
  static std::once_flag once;
  std::call_once(once, [] {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      failure = std::string("cannot load the CUDA driver (libcuda.so.1): ") + dlerror();
      return;
    }
    auto load = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
      if (!fn && failure.empty())
        failure = std::string("the CUDA driver has no entry point ") + name;
    };
    load(driver.init, "cuInit");
    load(driver.deviceGetCount, "cuDeviceGetCount");
    load(driver.deviceGet, "cuDeviceGet");
    load(driver.deviceGetAttribute, "cuDeviceGetAttribute");
    load(driver.deviceGetName, "cuDeviceGetName");
    load(driver.primaryCtxRetain, "cuDevicePrimaryCtxRetain");
    load(driver.ctxSetCurrent, "cuCtxSetCurrent");
    load(driver.ctxGetCurrent, "cuCtxGetCurrent");
    load(driver.ctxGetDevice, "cuCtxGetDevice");
    load(driver.ctxSynchronize, "cuCtxSynchronize");
    load(driver.moduleLoadData, "cuModuleLoadData");
    load(driver.moduleUnload, "cuModuleUnload");
    load(driver.moduleGetFunction, "cuModuleGetFunction");
    load(driver.funcSetAttribute, "cuFuncSetAttribute");
    load(driver.launchKernel, "cuLaunchKernel");
    load(driver.memAlloc, "cuMemAlloc_v2");
    load(driver.memFree, "cuMemFree_v2");
    // Optional (CUDA 11.2+): split-KV falls back to cuMemAlloc without them.
    driver.memAllocAsync = reinterpret_cast<decltype(driver.memAllocAsync)>(dlsym(lib, "cuMemAllocAsync"));
    driver.memFreeAsync = reinterpret_cast<decltype(driver.memFreeAsync)>(dlsym(lib, "cuMemFreeAsync"));
    driver.tensorMapEncodeTiled = reinterpret_cast<decltype(driver.tensorMapEncodeTiled)>(
        dlsym(lib, "cuTensorMapEncodeTiled"));
    load(driver.memsetD32Async, "cuMemsetD32Async");
    load(driver.memsetD16Async, "cuMemsetD16Async");
    load(driver.occupancyMaxActiveBlocksPerMultiprocessor,
         "cuOccupancyMaxActiveBlocksPerMultiprocessor");
    load(driver.memcpyHtoD, "cuMemcpyHtoD_v2");
    load(driver.memcpyDtoH, "cuMemcpyDtoH_v2");
    load(driver.eventCreate, "cuEventCreate");
    load(driver.eventDestroy, "cuEventDestroy_v2");
    load(driver.eventRecord, "cuEventRecord");
    load(driver.eventSynchronize, "cuEventSynchronize");
    load(driver.eventElapsedTime, "cuEventElapsedTime_v2");
    load(driver.getErrorString, "cuGetErrorString");
    auto optional = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
    };
    optional(driver.streamCreate, "cuStreamCreate");
    optional(driver.streamDestroy, "cuStreamDestroy_v2");
    optional(driver.streamSynchronize, "cuStreamSynchronize");
    optional(driver.streamBeginCapture, "cuStreamBeginCapture_v2");
    optional(driver.streamEndCapture, "cuStreamEndCapture");
    optional(driver.graphInstantiate, "cuGraphInstantiateWithFlags");
    optional(driver.graphLaunch, "cuGraphLaunch");
    optional(driver.graphExecDestroy, "cuGraphExecDestroy");
    optional(driver.graphDestroy, "cuGraphDestroy");
    if (!failure.empty())
      return;
    if (CUresult r = driver.init(0); r != CUDA_SUCCESS) {
      const char *msg = nullptr;
      driver.getErrorString(r, &msg);
      failure = std::string("cuInit failed: ") + (msg ? msg : "unknown error") + " (" +
                std::to_string(r) + ")";
    }
  });
  if (!failure.empty())
    return error(failure);
  return driver;
}

llvm::Error Driver::check(CUresult result, llvm::StringRef what) const {
  if (result == CUDA_SUCCESS)
    return llvm::Error::success();
  const char *msg = nullptr;
  getErrorString(result, &msg);
  return error(what + ": " + (msg ? msg : "unknown error") + " (" + llvm::Twine(int(result)) +
               ")");
}

/// Name, compute capability and SM count of `dev.device`.
static void describe(const Driver &d, Device &dev) {
  char name[256] = {0};
  d.deviceGetName(name, sizeof(name) - 1, dev.device);
  dev.name = name;
  d.deviceGetAttribute(&dev.major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev.device);
  d.deviceGetAttribute(&dev.minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev.device);
  d.deviceGetAttribute(&dev.multiprocessors, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
                       dev.device);
}

llvm::Expected<Device> Device::open(int ordinal) {
  auto driver = Driver::get();
  if (!driver)
    return driver.takeError();
  const Driver &d = *driver;
  int count = 0;
  if (auto err = d.check(d.deviceGetCount(&count), "cuDeviceGetCount"))
    return std::move(err);
  if (count <= ordinal)
    return error("no CUDA GPU" + (count ? " with ordinal " + llvm::Twine(ordinal) : llvm::Twine()));
  Device dev;
  if (auto err = d.check(d.deviceGet(&dev.device, ordinal), "cuDeviceGet"))
    return std::move(err);
  describe(d, dev);
  if (auto err = d.check(d.primaryCtxRetain(&dev.context, dev.device), "cuDevicePrimaryCtxRetain"))
    return std::move(err);
  if (auto err = d.check(d.ctxSetCurrent(dev.context), "cuCtxSetCurrent"))
    return std::move(err);
  return dev;
}

llvm::Expected<Device> Device::current() {
  auto driver = Driver::get();
  if (!driver)
    return driver.takeError();
  const Driver &d = *driver;
  CUcontext ctx = nullptr;
  if (auto err = d.check(d.ctxGetCurrent(&ctx), "cuCtxGetCurrent"))
    return std::move(err);
  if (!ctx)
    return open();
  Device dev;
  dev.context = ctx;
  if (auto err = d.check(d.ctxGetDevice(&dev.device), "cuCtxGetDevice"))
    return std::move(err);
  describe(d, dev);
  return dev;
}

} // namespace faattn::cuda
