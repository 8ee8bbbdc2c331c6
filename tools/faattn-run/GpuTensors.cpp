//===- GpuTensors.cpp - faattn-run --gpu: a run's tensors on the device ---===//
//
// The encodings of the GPU runs' inputs and outputs, their shapes in the
// public API, their device buffers and the timing of repeated launches
// (GpuTensors.h).
//
//===----------------------------------------------------------------------===//
#include "GpuTensors.h"
#include "FaattnRun.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

namespace faattn::run {

namespace {

uint16_t toBF16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (std::isnan(f))
    return 0x7FC0;
  bits += 0x7FFF + ((bits >> 16) & 1); // round to nearest even
  return static_cast<uint16_t>(bits >> 16);
}
float fromBF16(uint16_t h) {
  uint32_t bits = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
uint16_t toF16(float f) {
  _Float16 h = static_cast<_Float16>(f);
  uint16_t bits;
  std::memcpy(&bits, &h, 2);
  return bits;
}
float fromF16(uint16_t bits) {
  _Float16 h;
  std::memcpy(&h, &bits, 2);
  return static_cast<float>(h);
}
} // namespace

size_t elementBytes(spec::DType d) { return d == spec::DType::E4M3 ? 1 : 2; }

std::vector<uint8_t> encode(const std::vector<double> &x, spec::DType d,
                            std::vector<double> &seen) {
  std::vector<uint8_t> bytes(x.size() * elementBytes(d));
  seen.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    float f = static_cast<float>(x[i]);
    if (d == spec::DType::E4M3) {
      bytes[i] = encodeE4M3(f); // the runtime's: nearest even, saturating
      seen[i] = decodeE4M3(bytes[i]);
    } else {
      uint16_t h = d == spec::DType::BF16 ? toBF16(f) : toF16(f);
      std::memcpy(&bytes[2 * i], &h, 2);
      seen[i] = d == spec::DType::BF16 ? fromBF16(h) : fromF16(h);
    }
  }
  return bytes;
}

std::vector<double> decodeOutput(const std::vector<uint8_t> &raw, spec::DType d) {
  size_t eb = elementBytes(d);
  std::vector<double> x(raw.size() / eb);
  for (size_t i = 0; i < x.size(); ++i) {
    if (d == spec::DType::E4M3) {
      x[i] = decodeE4M3(raw[i]);
      continue;
    }
    uint16_t h;
    std::memcpy(&h, &raw[2 * i], 2);
    x[i] = d == spec::DType::BF16 ? fromBF16(h) : fromF16(h);
  }
  return x;
}

double gpuTolerance(spec::DType d) { return d == spec::DType::F16 ? 5e-3 : 1e-2; }

double fp8WgmmaTolerance() { return 5e-2; }

double e4m3OutputTolerance() { return 5e-2; }

DType apiType(spec::DType d) {
  return d == spec::DType::F16 ? DType::F16 : d == spec::DType::BF16 ? DType::BF16 : DType::E4M3;
}

uint16_t poisonBits(spec::DType d) {
  return d == spec::DType::BF16 ? kPoisonBF16 : d == spec::DType::F16 ? kPoisonF16 : kPoisonE4M3;
}

std::vector<uint8_t> poisoned(size_t bytes, spec::DType d) {
  const uint16_t poison = poisonBits(d);
  size_t eb = elementBytes(d);
  std::vector<uint8_t> x(bytes);
  for (size_t i = 0; i + eb <= bytes; i += eb)
    std::memcpy(&x[i], &poison, eb); // little-endian: e4m3's byte is the low one
  return x;
}

bool holdsPoison(const std::vector<uint8_t> &raw, spec::DType d) {
  const uint16_t poison = poisonBits(d);
  size_t eb = elementBytes(d);
  for (size_t i = 0; i + eb <= raw.size(); i += eb) {
    uint16_t h = 0;
    std::memcpy(&h, &raw[i], eb);
    if (h == poison)
      return true;
  }
  return false;
}

std::vector<int64_t> apiDims(const spec::KernelSpec &k, const Placement &p, bool isQ, int64_t heads,
                             int64_t dim) {
  std::vector<int64_t> dims = physDims(p, isQ, heads, dim, k.layout);
  if (k.varlen && (isQ || !k.pagedKVPage))
    dims.erase(dims.begin());
  return dims;
}

std::vector<int64_t> apiLseDims(const spec::KernelSpec &k, const Placement &p, int64_t seqQ) {
  if (k.varlen)
    return {k.headsQ, p.qPhysSeq};
  return {p.batch, k.headsQ, seqQ};
}

void *DeviceTensors::upload(const void *data, size_t bytes) {
  if (uploadFailed)
    return nullptr;
  auto b = DeviceBuffer::allocate(std::max<size_t>(bytes, 16));
  if (!b) {
    llvm::errs() << "faattn-run: error: " << b.error() << "\n";
    uploadFailed = true;
    return nullptr;
  }
  if (data && bytes)
    if (Status s = b->upload(data, bytes); !s) {
      llvm::errs() << "faattn-run: error: " << s.message() << "\n";
      uploadFailed = true;
      return nullptr;
    }
  // The device address stays when the vector moves its DeviceBuffers.
  buffers.push_back(std::move(*b));
  return buffers.back().data();
}

Status DeviceTensors::write(void *ptr, const void *host, size_t bytes) {
  for (DeviceBuffer &b : buffers)
    if (b.data() == ptr)
      return b.upload(host, bytes);
  return Status::error("no buffer at that address");
}

Status DeviceTensors::download(const void *ptr, void *host, size_t bytes) const {
  for (const DeviceBuffer &b : buffers)
    if (b.data() == ptr)
      return b.download(host, bytes);
  return Status::error("no buffer at the output's address");
}

void setIndexTensors(LaunchArgs &args, DeviceTensors &mem, const spec::KernelSpec &k,
                     const Placement &p) {
  auto i32Tensor = [&](const std::vector<int32_t> &x, std::vector<int64_t> dims) {
    return Tensor{mem.upload(x.data(), x.size() * 4), DType::I32, std::move(dims), {}};
  };
  int64_t B = p.batch;
  if (k.varlen) {
    args.cuSeqlensQ = i32Tensor(p.cuQ, {B + 1});
    args.maxSeqlenQ = p.maxSeqlenQ;
  }
  if (k.varlen && !k.pagedKVPage)
    args.cuSeqlensKV = i32Tensor(p.cuKV, {B + 1});
  if (k.pagedKVPage) {
    args.blockTable = i32Tensor(p.table, {B, p.maxPages});
    args.seqlensKV = i32Tensor(p.seqlensKV, {B});
  }
  // The host-known longest KV sequence, as a serving engine passes it (the
  // split count of a decode kernel is chosen for it).
  if (k.pagedKVPage || k.varlen)
    args.maxSeqlenKV = *std::max_element(p.lensKV.begin(), p.lensKV.end());
}

void setParams(LaunchArgs &args, DeviceTensors &mem, const spec::KernelSpec &k,
               const std::vector<ref::ParamValue> &params) {
  for (size_t i = 0; i < params.size(); ++i) {
    bool isI32 = k.params[i].elemType == spec::Type::I32;
    std::vector<int32_t> i32(params[i].data.begin(), params[i].data.end());
    std::vector<float> f32(params[i].data.begin(), params[i].data.end());
    void *p =
        isI32 ? mem.upload(i32.data(), i32.size() * 4) : mem.upload(f32.data(), f32.size() * 4);
    args.params.push_back(
        {k.params[i].name, Tensor{p, isI32 ? DType::I32 : DType::F32, params[i].dims, {}}});
  }
}

double forwardFlops(const spec::KernelSpec &k, const Placement &p, int64_t seqQ, int64_t seqKV) {
  double flops = 0;
  for (int64_t b = 0; b < p.batch; ++b)
    flops += 2.0 * k.headsQ * p.lenQ(b, seqQ) * p.lenKV(b, seqKV) * (k.headDimQK + k.headDimV);
  return flops;
}

double medianLaunchMs(const cuda::Driver &d, unsigned iters,
                      llvm::function_ref<Status(unsigned)> launch, double *hostUs) {
  CUevent start, stop;
  d.eventCreate(&start, 0);
  d.eventCreate(&stop, 0);
  std::vector<float> times;
  std::vector<double> host;        // the launch call's own (host) time
  for (unsigned i = 0; i < 3; ++i) // warm-up
    (void)launch(0);
  for (unsigned i = 0; i < std::max(iters, 1u); ++i) {
    d.eventRecord(start, nullptr);
    auto hostStart = std::chrono::steady_clock::now();
    (void)launch(i);
    host.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - hostStart)
            .count());
    d.eventRecord(stop, nullptr);
    d.eventSynchronize(stop);
    float ms = 0;
    d.eventElapsedTime(&ms, start, stop);
    times.push_back(ms);
  }
  d.eventDestroy(start);
  d.eventDestroy(stop);
  std::sort(times.begin(), times.end());
  std::sort(host.begin(), host.end());
  if (hostUs)
    *hostUs = host[host.size() / 2];
  return times[times.size() / 2];
}

} // namespace faattn::run
