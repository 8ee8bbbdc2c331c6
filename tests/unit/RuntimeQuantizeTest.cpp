// faattn::quantizeE4M3Host and encodeE4M3 (issue 24, item 5) against the
// bounds e4m3 guarantees, the NaN rule and their error messages; the GPU
// kernels' PTX (quantizeKernelPTX) assembled by ptxas where it is installed.
// The GPU path itself runs in tools/gpu-suite.sh (tests/python/test_quantize.py
// on CUDA tensors, against python/faattn's quantize_e4m3).
#include "faattn/Pipeline/QuantizeKernel.h"
#include "faattn/faattn.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace faattn;

namespace {

uint16_t toBF16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  bits += 0x7FFF + ((bits >> 16) & 1);
  return static_cast<uint16_t>(bits >> 16);
}
float fromBF16(uint16_t h) {
  uint32_t bits = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

/// A host tensor of x (bf16) and its quantization's outputs.
struct Case {
  std::vector<uint16_t> x;
  std::vector<uint8_t> x8;
  std::vector<float> descale;
  QuantizeArgs args;
  int64_t B, S, H, D;

  Case(int64_t B, int64_t S, int64_t H, int64_t D, bool bshd, QuantGranularity g, int64_t block,
       unsigned seed)
      : x(B * S * H * D), x8(x.size()), B(B), S(S), H(H), D(D) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (uint16_t &v : x)
      v = toBF16(normal(rng) * 3.0f);
    descale.assign(g == QuantGranularity::Tensor ? 1 : g == QuantGranularity::Head ? B * H
                                                                                   : B * H * S,
                   -1.0f);
    std::vector<int64_t> shape = bshd ? std::vector<int64_t>{B, S, H, D}
                                      : std::vector<int64_t>{B, H, S, D};
    std::vector<int64_t> dshape = g == QuantGranularity::Tensor ? std::vector<int64_t>{1}
                                  : g == QuantGranularity::Head ? std::vector<int64_t>{B, H}
                                                                : std::vector<int64_t>{B, H, S};
    args.x = Tensor(x.data(), DType::BF16, shape);
    args.x8 = Tensor(x8.data(), DType::E4M3, shape);
    args.descale = Tensor(descale.data(), DType::F32, dshape);
    args.bshd = bshd;
    args.granularity = g;
    args.block = block;
  }
  int64_t index(int64_t b, int64_t h, int64_t s, int64_t d) const {
    return args.bshd ? ((b * S + s) * H + h) * D + d : ((b * H + h) * S + s) * D + d;
  }
  float factor(int64_t b, int64_t h, int64_t s) const {
    switch (args.granularity) {
    case QuantGranularity::Tensor:
      return descale[0];
    case QuantGranularity::Head:
      return descale[b * H + h];
    case QuantGranularity::Block:
      break;
    }
    return descale[(b * H + h) * S + s];
  }
};

TEST(Quantize, EveryE4M3CodeRoundTrips) {
  for (int c = 0; c < 256; ++c) {
    float v = decodeE4M3(uint8_t(c));
    if (std::isnan(v)) {
      EXPECT_EQ(encodeE4M3(v), 0x7F) << c;
      continue;
    }
    EXPECT_EQ(encodeE4M3(v), c == 0x80 ? 0x80 : c) << c << " " << v;
  }
  // Ties to even: 1.0625 is halfway between 1.0 (code 0x38) and 1.125 (0x39).
  EXPECT_EQ(encodeE4M3(1.0625f), 0x38);
  EXPECT_EQ(encodeE4M3(1.1875f), 0x3A); // between 1.125 (0x39) and 1.25 (0x3A)
  // Saturation (satfinite) and the smallest subnormal's half (ties to 0).
  EXPECT_EQ(encodeE4M3(1e6f), 0x7E);
  EXPECT_EQ(encodeE4M3(-1e6f), 0xFE);
  EXPECT_EQ(encodeE4M3(std::ldexp(1.0f, -10)), 0x00);
  EXPECT_EQ(encodeE4M3(std::ldexp(1.5f, -10)), 0x01);
  EXPECT_EQ(decodeE4M3(0x7E), 448.0f);
}

// Each element within half an ulp of 3 mantissa bits of its magnitude plus half the subnormal
// step of its group's factor; each group's largest magnitude at 448 exactly (its factor is
// amax / 448), in both layouts and every granularity, blocks cut by the sequence's end.
TEST(Quantize, HostWithinTheE4M3Bound) {
  struct Shape {
    QuantGranularity g;
    int64_t block;
    bool bshd;
  };
  for (Shape sh : {Shape{QuantGranularity::Tensor, 0, true}, Shape{QuantGranularity::Head, 0, false},
                   Shape{QuantGranularity::Block, 128, true}, Shape{QuantGranularity::Block, 7, false},
                   Shape{QuantGranularity::Block, 1, true}}) {
    Case c(2, 131, 3, 40, sh.bshd, sh.g, sh.block, 1);
    ASSERT_TRUE(quantizeE4M3Host(c.args).isOk()) << quantizeE4M3Host(c.args).message();
    std::vector<float> groupMax(c.descale.size(), 0.0f);
    for (int64_t b = 0; b < c.B; ++b)
      for (int64_t h = 0; h < c.H; ++h)
        for (int64_t s = 0; s < c.S; ++s) {
          float f = c.factor(b, h, s);
          ASSERT_GT(f, 0.0f);
          for (int64_t d = 0; d < c.D; ++d) {
            int64_t i = c.index(b, h, s, d);
            float x = fromBF16(c.x[i]), q = decodeE4M3(c.x8[i]);
            EXPECT_LE(std::fabs(q * f - x), std::ldexp(std::fabs(x), -4) + std::ldexp(f, -10))
                << b << " " << h << " " << s << " " << d;
            EXPECT_LE(std::fabs(q), 448.0f);
          }
        }
    // Block factors are constant over each block of `block` rows.
    if (sh.g == QuantGranularity::Block)
      for (int64_t s = 1; s < c.S; ++s)
        EXPECT_EQ(c.factor(1, 2, s) == c.factor(1, 2, s - 1), s % sh.block != 0) << s;
    // The group holding the tensor's largest magnitude reaches 448.
    bool at448 = false;
    for (uint8_t v : c.x8)
      at448 |= (v & 0x7F) == 0x7E;
    EXPECT_TRUE(at448);
  }
}

TEST(Quantize, NaNReachesItsGroupAndZerosGetOne) {
  Case c(1, 8, 2, 16, true, QuantGranularity::Head, 0, 2);
  c.x[c.index(0, 1, 3, 5)] = 0x7FC0; // NaN in head 1
  for (int64_t s = 0; s < 8; ++s)   // head 0 all zeros
    for (int64_t d = 0; d < 16; ++d)
      c.x[c.index(0, 0, s, d)] = 0;
  ASSERT_TRUE(quantizeE4M3Host(c.args).isOk());
  EXPECT_EQ(c.descale[0], 1.0f);
  EXPECT_TRUE(std::isnan(c.descale[1]));
  for (int64_t s = 0; s < 8; ++s)
    for (int64_t d = 0; d < 16; ++d) {
      EXPECT_EQ(c.x8[c.index(0, 0, s, d)], 0);
      EXPECT_TRUE(std::isnan(decodeE4M3(c.x8[c.index(0, 1, s, d)])));
    }
}

TEST(Quantize, ErrorsHaveTheirMessages) {
  auto error = [](auto edit) {
    Case c(1, 8, 2, 16, true, QuantGranularity::Block, 4, 3);
    edit(c.args);
    Status s = quantizeE4M3Host(c.args);
    return s.isOk() ? std::string() : s.message();
  };
  EXPECT_EQ(error([](QuantizeArgs &) {}), "");
  EXPECT_EQ(error([](QuantizeArgs &a) { a.x.dtype = DType::E4M3; }),
            "quantizeE4M3: tensor 'x' must be bf16, f16 or f32, got e4m3");
  EXPECT_EQ(error([](QuantizeArgs &a) { a.x.shape = {8, 2, 16}; }),
            "quantizeE4M3: tensor 'x' must have rank 4 (batch, seq, heads, head_dim as laid "
            "out), got 3");
  EXPECT_EQ(error([](QuantizeArgs &a) { a.x.shape[1] = 0; }),
            "quantizeE4M3: tensor 'x' has an empty or negative dimension");
  EXPECT_EQ(error([](QuantizeArgs &a) { a.block = 0; }),
            "quantizeE4M3: block must be positive, got 0");
  EXPECT_EQ(error([](QuantizeArgs &a) { a.x8.dtype = DType::BF16; }),
            "quantizeE4M3: tensor 'x8' must be e4m3, got bf16");
  EXPECT_EQ(error([](QuantizeArgs &a) { a.x8.shape[3] = 8; }),
            "quantizeE4M3: tensor 'x8' must have x's shape");
  EXPECT_EQ(error([](QuantizeArgs &a) { a.descale.dtype = DType::BF16; }),
            "quantizeE4M3: tensor 'descale' must be f32, got bf16");
  EXPECT_EQ(error([](QuantizeArgs &a) { a.descale.shape = {1, 2}; }),
            "quantizeE4M3: tensor 'descale' must have shape (batch, heads, seq)");
  EXPECT_EQ(error([](QuantizeArgs &a) { a.x8.data = nullptr; }),
            "quantizeE4M3: tensor 'x8' has a null pointer");
  EXPECT_EQ(error([](QuantizeArgs &a) { a.x.strides = {256, 32, 1, 2}; }),
            "quantizeE4M3: tensor 'x' must be contiguous (row-major strides)");
  // The launch's tensor checks (checkTensorShape): an element's alignment, the size in bytes.
  EXPECT_EQ(error([](QuantizeArgs &a) {
              a.descale.data = static_cast<char *>(a.descale.data) + 2;
            }),
            "quantizeE4M3: tensor 'descale' is not 4-byte aligned");
  EXPECT_EQ(error([](QuantizeArgs &a) {
              a.x.shape = {1, INT64_MAX / 4, 2, 16};
            }),
            "quantizeE4M3: tensor 'x' is too large: its size in bytes overflows 64 bits");
  EXPECT_EQ(error([](QuantizeArgs &a) {
              a.granularity = QuantGranularity::Head;
              a.descale.shape = {2};
            }),
            "quantizeE4M3: tensor 'descale' must have shape (batch, heads)");
  // Per tensor: (1) or a scalar.
  EXPECT_EQ(error([](QuantizeArgs &a) {
              a.granularity = QuantGranularity::Tensor;
              a.descale.shape = {};
            }),
            "");
  // Without a GPU (or driver) the device path is an error, not a crash.
  Case c(1, 8, 2, 16, true, QuantGranularity::Block, 4, 3);
  c.args.x.dtype = DType::E4M3;
  EXPECT_EQ(quantizeE4M3(c.args, nullptr).message(),
            "quantizeE4M3: tensor 'x' must be bf16, f16 or f32, got e4m3");
}

// The kernels through the compiler's GPU path: both entries, the e4m3 conversion and the
// atomic max in the PTX; ptxas (sm_90a) assembles it when the CUDA toolkit is installed.
TEST(Quantize, KernelsCompileToPTX) {
  for (QuantizeInput in : {QuantizeInput::BF16, QuantizeInput::F16, QuantizeInput::F32}) {
    llvm::Expected<std::string> ptx = quantizeKernelPTX(in);
    ASSERT_TRUE(static_cast<bool>(ptx)) << llvm::toString(ptx.takeError());
    EXPECT_NE(ptx->find(".entry faattn_e4m3_amax("), std::string::npos);
    EXPECT_NE(ptx->find(".entry faattn_e4m3_quantize("), std::string::npos);
    EXPECT_NE(ptx->find("cvt.rn.satfinite.e4m3x2.f32"), std::string::npos);
    EXPECT_NE(ptx->find("atom.global.max.u32"), std::string::npos);
    EXPECT_EQ(ptx->find(".local"), std::string::npos);
    const char *ptxas = "/usr/local/cuda/bin/ptxas";
    if (std::ifstream(ptxas).good()) {
      std::string file =
          testing::TempDir() + "faattn-quantize-" + std::to_string(static_cast<int>(in)) + ".ptx";
      std::ofstream(file) << *ptx;
      std::string cmd = std::string(ptxas) + " -arch=sm_90a -o /dev/null " + file;
      EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
  }
}

} // namespace
