//===- DeviceBuffer.cpp - Device memory through the loaded driver ---------===//
//
// DeviceBuffer (allocate, upload, download, free) and synchronize(), for
// callers without their own CUDA runtime; the same dlopen'ed driver as the
// launches, in the calling thread's current context.
//
//===----------------------------------------------------------------------===//
#include "faattn/faattn.h"

#include "faattn/runtime/CudaDriver.h"

#include <algorithm>

namespace faattn {

/// The driver, with a current context on the calling thread (the first GPU's
/// primary context when the thread has none).
static llvm::Expected<const cuda::Driver &> currentDriver() {
  auto driver = cuda::Driver::get();
  if (!driver)
    return driver.takeError();
  auto device = cuda::Device::current();
  if (!device)
    return device.takeError();
  return *driver;
}

Result<DeviceBuffer> DeviceBuffer::allocate(size_t bytes) {
  auto d = currentDriver();
  if (!d)
    return Status::error(llvm::toString(d.takeError()));
  CUdeviceptr p = 0;
  if (llvm::Error e = d->check(d->memAlloc(&p, std::max<size_t>(bytes, 1)), "cuMemAlloc"))
    return Status::error(llvm::toString(std::move(e)));
  return DeviceBuffer(p, bytes);
}

DeviceBuffer::~DeviceBuffer() {
  if (ptr)
    if (auto d = cuda::Driver::get())
      d->memFree(ptr);
}

Status DeviceBuffer::upload(const void *host, size_t bytes) {
  if (bytes > size)
    return Status::error("upload of " + std::to_string(bytes) + " bytes into a buffer of " +
                         std::to_string(size));
  auto d = currentDriver();
  if (!d)
    return Status::error(llvm::toString(d.takeError()));
  if (llvm::Error e = d->check(d->memcpyHtoD(ptr, host, bytes), "cuMemcpyHtoD"))
    return Status::error(llvm::toString(std::move(e)));
  return Status::ok();
}

Status DeviceBuffer::download(void *host, size_t bytes) const {
  if (bytes > size)
    return Status::error("download of " + std::to_string(bytes) + " bytes from a buffer of " +
                         std::to_string(size));
  auto d = currentDriver();
  if (!d)
    return Status::error(llvm::toString(d.takeError()));
  if (llvm::Error e = d->check(d->memcpyDtoH(host, ptr, bytes), "cuMemcpyDtoH"))
    return Status::error(llvm::toString(std::move(e)));
  return Status::ok();
}

Status synchronize() {
  auto d = currentDriver();
  if (!d)
    return Status::error(llvm::toString(d.takeError()));
  if (llvm::Error e = d->check(d->ctxSynchronize(), "cuCtxSynchronize"))
    return Status::error(llvm::toString(std::move(e)));
  return Status::ok();
}

} // namespace faattn
