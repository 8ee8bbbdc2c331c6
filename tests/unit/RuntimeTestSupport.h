//===- RuntimeTestSupport.h - Shared helpers of the runtime tests -*- C++ -*-===//
//
// The spec the runtime tests compile, a stand-in compiler, fresh cache
// directories, and launch arguments of the dense, varlen and paged kernels
// (pointers into one host buffer: the launch checks never dereference them).
// Included by RuntimeCacheTest.cpp, RuntimeLaunchTest.cpp and
// RuntimeAlternativesTest.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TESTS_UNIT_RUNTIMETESTSUPPORT_H
#define FAATTN_TESTS_UNIT_RUNTIMETESTSUPPORT_H

#include "faattn/faattn.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>
#include <unistd.h>

namespace faattn::runtime_test {

namespace fs = std::filesystem;

inline const char *const kSpec = R"(
kernel causal { heads = 8 : 2; head_dim = 64; dtype = bf16; mask = causal; return_lse
  param slopes : f32[heads]
  score = score - slopes[h] * (q_idx - kv_idx) }
)";

/// A fresh, empty directory under the test's temporary directory.
inline std::string freshDir(const std::string &name) {
  fs::path p = fs::temp_directory_path() / ("faattn-runtime-test-" + std::to_string(getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

/// A compiled kernel for the stand-in compilers: entry `name`, `ptx`, block_m.
inline CompiledKernel fakeCompiled(const std::string &name, const std::string &ptx,
                                   int64_t blockM) {
  CompiledKernel k;
  k.name = name;
  k.target = "sm_90a";
  k.ptx = ptx;
  k.blockM = blockM;
  return k;
}

/// A stand-in compiler: counts its calls and returns a recognizable "PTX".
inline RuntimeOptions fakeOptions(const std::string &dir, std::atomic<int> *calls = nullptr,
                           int sleepMs = 0) {
  RuntimeOptions o;
  o.cacheDir = dir;
  o.compiler = [calls, sleepMs](const std::string &, const std::string &name) -> Result<CompiledKernel> {
    if (calls)
      ++*calls;
    if (sleepMs)
      std::this_thread::sleep_for(std::chrono::milliseconds(sleepMs));
    return fakeCompiled(name, "// fake ptx of " + name + "\n", 128);
  };
  return o;
}

/// `spec` compiled by a fresh runtime on `dir`, checking how it got there: `compiles`
/// compiler calls and `diskHits` disk hits.
inline Result<Kernel> compileFresh(const std::string &dir, int compiles, int64_t diskHits,
                            const char *spec = kSpec) {
  std::atomic<int> calls{0};
  Runtime rt(fakeOptions(dir, &calls));
  auto k = rt.compile(spec);
  EXPECT_TRUE(k) << k.error();
  EXPECT_EQ(calls.load(), compiles);
  EXPECT_EQ(rt.stats().diskHits, diskHits);
  return k;
}

inline std::vector<fs::path> entries(const std::string &dir) {
  std::vector<fs::path> out;
  for (auto &e : fs::directory_iterator(dir))
    if (e.path().extension() == ".faattn")
      out.push_back(e.path());
  return out;
}

inline std::string readFile(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

alignas(64) inline char gBuffer[1 << 12];

/// A distinct fake device address per tensor (never dereferenced: the launch
/// checks only compare addresses), so that no output overlaps an input.
inline void *region(int i) { return reinterpret_cast<void *>(uintptr_t(i + 1) << 36); }

struct ValidArgs {
  LaunchArgs a;
  ValidArgs() {
    a.q = {region(0), DType::BF16, {2, 100, 8, 64}};
    a.k = {region(1), DType::BF16, {2, 77, 2, 64}};
    a.v = {region(2), DType::BF16, {2, 77, 2, 64}};
    a.out = {region(3), DType::BF16, {2, 100, 8, 64}};
    a.lse = Tensor{region(4), DType::F32, {2, 8, 100}};
    a.params = {{"slopes", Tensor{region(5), DType::F32, {8}}}};
  }
};

/// A kernel of `spec` from the stand-in compiler, with `edit` applied to what
/// it returns (block sizes, split-KV).
inline Kernel fakeKernel(const std::string &dir, const char *spec,
                  std::function<void(CompiledKernel &)> edit = nullptr) {
  RuntimeOptions o;
  o.cacheDir = dir;
  o.compiler = [edit](const std::string &, const std::string &name) -> Result<CompiledKernel> {
    CompiledKernel k = fakeCompiled(name, "// fake ptx\n", 64);
    if (edit)
      edit(k);
    return k;
  };
  Runtime rt(o);
  auto k = rt.compile(spec);
  EXPECT_TRUE(k) << k.error();
  return *k;
}

/// `spec`'s kernel as a fresh runtime loads it from the disk entry that
/// fakeKernel(dir, spec, edit) wrote: no compiler call, one disk hit.
inline Kernel reloaded(const std::string &dir, const char *spec,
                std::function<void(CompiledKernel &)> edit) {
  fakeKernel(dir, spec, std::move(edit));
  return *compileFresh(dir, 0, 1, spec);
}

inline const char *const kVarlen =
    "kernel vl { heads = 8 : 2; head_dim = 64; varlen; mask = causal; return_lse }";
inline const char *const kPaged =
    "kernel pg { mode = decode; heads = 8 : 2; head_dim = 64; paged_kv(page = 32) }";

/// 3 sequences packed into 100 query rows and 77 KV rows.
inline LaunchArgs varlenArgs() {
  LaunchArgs a;
  a.q = {region(0), DType::BF16, {100, 8, 64}};
  a.k = {region(1), DType::BF16, {77, 2, 64}};
  a.v = {region(2), DType::BF16, {77, 2, 64}};
  a.out = {region(3), DType::BF16, {100, 8, 64}};
  a.lse = Tensor{region(4), DType::F32, {8, 100}};
  a.cuSeqlensQ = Tensor{region(5), DType::I32, {4}};
  a.cuSeqlensKV = Tensor{region(6), DType::I32, {4}};
  a.maxSeqlenQ = 60;
  return a;
}

/// 2 sequences of up to 4 pages of 32 rows, from a pool of 9 pages.
inline LaunchArgs pagedArgs() {
  LaunchArgs a;
  a.q = {region(0), DType::BF16, {2, 1, 8, 64}};
  a.k = {region(1), DType::BF16, {9, 32, 2, 64}};
  a.v = {region(2), DType::BF16, {9, 32, 2, 64}};
  a.out = {region(3), DType::BF16, {2, 1, 8, 64}};
  a.blockTable = Tensor{region(4), DType::I32, {2, 4}};
  a.seqlensKV = Tensor{region(5), DType::I32, {2}};
  return a;
}

template <typename Edit>
std::string errorOf(const Kernel &k, LaunchArgs a, Edit edit) {
  edit(a);
  return k.validate(a).message();
}

} // namespace faattn::runtime_test

#endif // FAATTN_TESTS_UNIT_RUNTIMETESTSUPPORT_H
