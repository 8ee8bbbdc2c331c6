//===- Quantize.cpp - e4m3 quantization of a tensor ------------------------===//
//
// quantizeE4M3 (GPU) and quantizeE4M3Host (host memory): x to e4m3 with a
// dequantization factor per tensor, (batch, head) or block of rows, in the
// shapes the spec's descale expressions read (faattn.h; the semantics and
// the kernels in compiler/include/faattn/Pipeline/QuantizeKernel.h). The GPU
// kernels are compiled once per process and input type through the
// compiler's GPU path and loaded once per CUDA context.
//
//===----------------------------------------------------------------------===//
#include "faattn/faattn.h"
#include "faattn/Pipeline/QuantizeKernel.h"
#include "faattn/runtime/CudaDriver.h"

#include "KernelState.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>

namespace faattn {
namespace {

/// The sizes of a validated QuantizeArgs.
struct QuantShape {
  int64_t B, H, S, D;
  int64_t rows;   // a chunk's (a CTA's) rows: block for block factors
  int64_t chunks; // per (batch, head)
  int64_t groups; // factors
};

constexpr const char *kContext = "quantizeE4M3: ";

Status invalid(const std::string &msg) { return Status::error(kContext + msg); }

Status validate(const QuantizeArgs &a, QuantShape &q) {
  const Tensor &x = a.x;
  if (x.dtype != DType::BF16 && x.dtype != DType::F16 && x.dtype != DType::F32)
    return invalid(std::string("tensor 'x' must be bf16, f16 or f32, got ") + dtypeName(x.dtype));
  if (x.shape.size() != 4)
    return invalid("tensor 'x' must have rank 4 (batch, seq, heads, head_dim as laid out), got " +
                   std::to_string(x.shape.size()));
  // The launch's checks (positive dimensions, the size in bytes, null,
  // alignment to an element, row-major strides).
  if (Status s = checkTensorShape(kContext, "x", x, x.dtype, 4, elementBytes(x.dtype)); !s)
    return s;
  q.B = x.shape[0];
  q.S = a.bshd ? x.shape[1] : x.shape[2];
  q.H = a.bshd ? x.shape[2] : x.shape[1];
  q.D = x.shape[3];
  if (a.granularity == QuantGranularity::Block && a.block < 1)
    return invalid("block must be positive, got " + std::to_string(a.block));
  if (q.B > 65535 || q.H > 65535 || q.S > INT32_MAX || q.D > INT32_MAX)
    return invalid("tensor 'x' is too large (batch and heads at most 65535)");
  if (a.x8.dtype == DType::E4M3 && a.x8.shape != x.shape)
    return invalid("tensor 'x8' must have x's shape");
  if (Status s = checkTensorShape(kContext, "x8", a.x8, DType::E4M3, 4, 1); !s)
    return s;
  std::vector<int64_t> want;
  const char *what = "";
  switch (a.granularity) {
  case QuantGranularity::Tensor:
    want = {1}, what = "(1)";
    break;
  case QuantGranularity::Head:
    want = {q.B, q.H}, what = "(batch, heads)";
    break;
  case QuantGranularity::Block:
    want = {q.B, q.H, q.S}, what = "(batch, heads, seq)";
    break;
  }
  if (a.granularity == QuantGranularity::Tensor && a.descale.shape.empty())
    want.clear(); // a scalar
  if (a.descale.dtype == DType::F32 && a.descale.shape != want)
    return invalid(std::string("tensor 'descale' must have shape ") + what);
  if (Status s = checkTensorShape(kContext, "descale", a.descale, DType::F32, want.size(), 4); !s)
    return s;
  bool block = a.granularity == QuantGranularity::Block;
  // A CTA's rows: a block (or all S rows when the block is longer), else a
  // chunk of kQuantizeChunkRows; both within one factor's group.
  q.rows = block ? std::min(a.block, q.S) : std::min(kQuantizeChunkRows, q.S);
  q.chunks = (q.S + q.rows - 1) / q.rows;
  q.groups = block ? q.B * q.H * q.chunks : a.granularity == QuantGranularity::Head ? q.B * q.H : 1;
  return Status::ok();
}

float loadAsF32(const void *data, DType t, int64_t i) {
  if (t == DType::F32)
    return static_cast<const float *>(data)[i];
  uint16_t h = static_cast<const uint16_t *>(data)[i];
  if (t == DType::BF16) {
    uint32_t bits = uint32_t(h) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  _Float16 f;
  std::memcpy(&f, &h, 2);
  return static_cast<float>(f);
}

} // namespace

float decodeE4M3(uint8_t b) {
  int exp = (b >> 3) & 15, mant = b & 7;
  if (exp == 15 && mant == 7)
    return std::numeric_limits<float>::quiet_NaN();
  float mag = exp == 0 ? mant * std::ldexp(1.0f, -9) : (8 + mant) * std::ldexp(1.0f, exp - 10);
  return (b & 0x80) ? -mag : mag;
}

uint8_t encodeE4M3(float f) {
  if (std::isnan(f))
    return 0x7F;
  uint8_t sign = std::signbit(f) ? 0x80 : 0;
  float a = std::min(std::fabs(f), 448.0f); // satfinite
  // The nearest of the finite magnitudes (codes 0..126 ascend), ties to the
  // even code (round to nearest even).
  int lo = 0, hi = 126;
  while (lo < hi) { // the first code whose magnitude is >= a
    int mid = (lo + hi) / 2;
    if (decodeE4M3(uint8_t(mid)) < a)
      lo = mid + 1;
    else
      hi = mid;
  }
  int code = lo;
  if (code > 0) {
    float up = decodeE4M3(uint8_t(code)), down = decodeE4M3(uint8_t(code - 1));
    if (a - down < up - a || (a - down == up - a && (code & 1)))
      code -= 1;
  }
  return static_cast<uint8_t>(code | sign);
}

Status quantizeE4M3Host(const QuantizeArgs &a) {
  QuantShape q;
  if (Status s = validate(a, q); !s)
    return s;
  auto index = [&](int64_t b, int64_t h, int64_t s, int64_t d) {
    return a.bshd ? ((b * q.S + s) * q.H + h) * q.D + d : ((b * q.H + h) * q.S + s) * q.D + d;
  };
  auto group = [&](int64_t b, int64_t h, int64_t s) -> int64_t {
    switch (a.granularity) {
    case QuantGranularity::Tensor:
      return 0;
    case QuantGranularity::Head:
      return b * q.H + h;
    case QuantGranularity::Block:
      break;
    }
    return (b * q.H + h) * q.chunks + s / q.rows;
  };
  // amax per group (a NaN wins, as the kernels' maximumf and torch.amax).
  std::vector<float> amax(q.groups, 0.0f);
  for (int64_t b = 0; b < q.B; ++b)
    for (int64_t h = 0; h < q.H; ++h)
      for (int64_t s = 0; s < q.S; ++s) {
        float &m = amax[group(b, h, s)];
        for (int64_t d = 0; d < q.D; ++d) {
          float v = std::fabs(loadAsF32(a.x.data, a.x.dtype, index(b, h, s, d)));
          if (std::isnan(v) || std::isnan(m))
            m = std::numeric_limits<float>::quiet_NaN();
          else
            m = std::max(m, v);
        }
      }
  std::vector<float> factor(q.groups);
  for (int64_t g = 0; g < q.groups; ++g) {
    float f = amax[g] / 448.0f;
    f = std::isnan(f) ? f : std::max(f, std::numeric_limits<float>::min());
    factor[g] = amax[g] == 0.0f ? 1.0f : f;
  }
  auto *x8 = static_cast<uint8_t *>(a.x8.data);
  auto *descale = static_cast<float *>(a.descale.data);
  for (int64_t b = 0; b < q.B; ++b)
    for (int64_t h = 0; h < q.H; ++h)
      for (int64_t s = 0; s < q.S; ++s) {
        float f = factor[group(b, h, s)];
        if (a.granularity == QuantGranularity::Block)
          descale[(b * q.H + h) * q.S + s] = f;
        for (int64_t d = 0; d < q.D; ++d) {
          int64_t i = index(b, h, s, d);
          float y = loadAsF32(a.x.data, a.x.dtype, i) / f;
          if (!std::isnan(y))
            y = std::min(std::max(y, -448.0f), 448.0f);
          x8[i] = encodeE4M3(y);
        }
      }
  if (a.granularity == QuantGranularity::Head)
    std::copy(factor.begin(), factor.end(), descale);
  if (a.granularity == QuantGranularity::Tensor)
    descale[0] = factor[0];
  return Status::ok();
}

Status quantizeE4M3(const QuantizeArgs &a, void *stream) {
  QuantShape q;
  if (Status s = validate(a, q); !s)
    return s;
  auto driver = cuda::Driver::get();
  if (!driver)
    return invalid(llvm::toString(driver.takeError()));
  const cuda::Driver &d = *driver;
  auto device = cuda::Device::current();
  if (!device)
    return invalid(llvm::toString(device.takeError()));
  if (device->major < 9)
    return invalid("the kernels need compute capability 9.0 (sm_90a); the GPU (" + device->name +
                ") has " + std::to_string(device->major) + "." + std::to_string(device->minor));
  QuantizeInput input = a.x.dtype == DType::BF16  ? QuantizeInput::BF16
                        : a.x.dtype == DType::F16 ? QuantizeInput::F16
                                                  : QuantizeInput::F32;
  // The PTX once per process and input type; the module once per context.
  struct Loaded {
    CUmodule module = nullptr;
    CUfunction amax = nullptr, quantize = nullptr;
  };
  static std::mutex mutex;
  static std::map<QuantizeInput, std::string> ptxOf;
  static std::map<std::pair<CUcontext, QuantizeInput>, Loaded> loaded;
  Loaded fns;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = loaded.find({device->context, input});
    if (it != loaded.end()) {
      fns = it->second;
    } else {
      if (!ptxOf.count(input)) {
        llvm::Expected<std::string> ptx = quantizeKernelPTX(input);
        if (!ptx)
          return invalid(llvm::toString(ptx.takeError()));
        ptxOf[input] = std::move(*ptx);
      }
      llvm::Error e = d.check(d.moduleLoadData(&fns.module, ptxOf[input].c_str()),
                              "cuModuleLoadData");
      if (!e)
        e = d.check(d.moduleGetFunction(&fns.amax, fns.module, kQuantizeAmaxEntry),
                    "cuModuleGetFunction");
      if (!e)
        e = d.check(d.moduleGetFunction(&fns.quantize, fns.module, kQuantizeEntry),
                    "cuModuleGetFunction");
      if (e) {
        if (fns.module)
          d.moduleUnload(fns.module);
        return invalid(llvm::toString(std::move(e)));
      }
      loaded[{device->context, input}] = fns;
    }
  }
  CUstream cuStream = static_cast<CUstream>(stream);
  int64_t granularity = static_cast<int64_t>(a.granularity), bshd = a.bshd ? 1 : 0;
  void *x = a.x.data, *x8 = a.x8.data, *descale = a.descale.data;
  auto launch = [&](CUfunction fn, std::vector<void *> ptrs, CUdeviceptr amax) -> Status {
    std::vector<void *> params;
    void *amaxPtr = reinterpret_cast<void *>(amax);
    params.push_back(&ptrs[0]);
    params.push_back(&amaxPtr);
    for (size_t i = 1; i < ptrs.size(); ++i)
      params.push_back(&ptrs[i]);
    int64_t sizes[] = {q.B, q.H, q.S, q.D, q.rows, granularity, bshd};
    for (int64_t &s : sizes)
      params.push_back(&s);
    if (llvm::Error e = d.check(d.launchKernel(fn, static_cast<unsigned>(q.chunks),
                                               static_cast<unsigned>(q.H),
                                               static_cast<unsigned>(q.B),
                                               static_cast<unsigned>(kQuantizeThreads), 1, 1, 0,
                                               cuStream, params.data(), nullptr),
                                "cuLaunchKernel"))
      return invalid(llvm::toString(std::move(e)));
    return Status::ok();
  };
  if (q.chunks > INT32_MAX)
    return invalid("tensor 'x' has too many row chunks");
  // amax: a zero u32 per group, for this call (stream-ordered).
  return withStreamBuffer(d, cuStream, size_t(q.groups) * 4, /*zero=*/true, invalid,
                          [&](CUdeviceptr amax) -> Status {
                            if (Status s = launch(fns.amax, {x}, amax); !s)
                              return s;
                            return launch(fns.quantize, {x, x8, descale}, amax);
                          });
}

} // namespace faattn
