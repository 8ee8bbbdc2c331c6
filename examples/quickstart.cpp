// faattn's C++ API end to end: compile a spec at run time, launch it, check the output.
//
//   faattn-quickstart            (needs a GPU; the kernel is cached in $FAATTN_CACHE_DIR or
//                                 ~/.cache/faattn, so a second run loads it from disk)
#include "faattn/faattn.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

static uint16_t toBF16(float f) { // round to nearest even
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return static_cast<uint16_t>((b + 0x7FFF + ((b >> 16) & 1)) >> 16);
}
static float fromBF16(uint16_t h) {
  uint32_t b = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

int main() {
  const char *spec = R"(
    kernel softcap_causal {
      heads    = 8 : 2
      head_dim = 64
      dtype    = bf16
      score    = 30 * tanh(score / 30)
      mask     = causal
    })";
  faattn::Runtime rt;
  auto t0 = std::chrono::steady_clock::now();
  faattn::Result<faattn::Kernel> kernel = rt.compile(spec);
  double compileMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!kernel) {
    std::fprintf(stderr, "compile failed: %s\n", kernel.error().c_str());
    return 1;
  }
  auto st = rt.stats();
  std::printf("compiled '%s' in %.1f ms (%s)\n", kernel->name().c_str(), compileMs,
              st.diskHits ? "from the disk cache" : "compiled now");

  const int B = 2, S = 333, H = 8, HKV = 2, D = 64;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uni(-1, 1);
  auto randomBF16 = [&](size_t n, std::vector<float> &values) {
    std::vector<uint16_t> bits(n);
    values.resize(n);
    for (size_t i = 0; i < n; ++i) {
      bits[i] = toBF16(uni(rng));
      values[i] = fromBF16(bits[i]);
    }
    return bits;
  };
  std::vector<float> q, k, v;
  auto qb = randomBF16(size_t(B) * S * H * D, q), kb = randomBF16(size_t(B) * S * HKV * D, k),
       vb = randomBF16(size_t(B) * S * HKV * D, v);
  auto alloc = [](size_t bytes) { return faattn::DeviceBuffer::allocate(bytes); };
  auto dq = alloc(qb.size() * 2), dk = alloc(kb.size() * 2), dv = alloc(vb.size() * 2),
       dout = alloc(qb.size() * 2);
  for (auto *b : {&dq, &dk, &dv, &dout})
    if (!*b) {
      std::fprintf(stderr, "%s\n", b->error().c_str());
      return 1;
    }
  dq->upload(qb.data(), qb.size() * 2);
  dk->upload(kb.data(), kb.size() * 2);
  dv->upload(vb.data(), vb.size() * 2);

  faattn::LaunchArgs args; // bshd: (batch, seq, heads, head_dim)
  args.q = {dq->data(), faattn::DType::BF16, {B, S, H, D}};
  args.k = {dk->data(), faattn::DType::BF16, {B, S, HKV, D}};
  args.v = {dv->data(), faattn::DType::BF16, {B, S, HKV, D}};
  args.out = {dout->data(), faattn::DType::BF16, {B, S, H, D}};
  if (faattn::Status s = kernel->launch(args); !s) {
    std::fprintf(stderr, "launch failed: %s\n", s.message().c_str());
    return 1;
  }
  if (faattn::Status s = faattn::synchronize(); !s) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return 1;
  }
  std::vector<uint16_t> ob(qb.size());
  dout->download(ob.data(), ob.size() * 2);

  // The same attention on the CPU in double.
  double num = 0, den = 0;
  std::vector<double> p(S);
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < S; ++i) {
        int hk = h / (H / HKV);
        double mx = -INFINITY;
        for (int j = 0; j <= i; ++j) {
          double s = 0;
          for (int d = 0; d < D; ++d)
            s += double(q[((size_t(b) * S + i) * H + h) * D + d]) * k[((size_t(b) * S + j) * HKV + hk) * D + d];
          s = 30 * std::tanh(s / std::sqrt(double(D)) / 30);
          p[j] = s;
          mx = std::max(mx, s);
        }
        double sum = 0;
        for (int j = 0; j <= i; ++j)
          sum += (p[j] = std::exp(p[j] - mx));
        for (int d = 0; d < D; ++d) {
          double o = 0;
          for (int j = 0; j <= i; ++j)
            o += p[j] / sum * v[((size_t(b) * S + j) * HKV + hk) * D + d];
          double got = fromBF16(ob[((size_t(b) * S + i) * H + h) * D + d]);
          num += (got - o) * (got - o);
          den += o * o;
        }
      }
  double err = std::sqrt(num / den);
  std::printf("relative L2 error vs float64: %.3g -> %s\n", err, err < 1e-2 ? "PASS" : "FAIL");
  return err < 1e-2 ? 0 : 1;
}
