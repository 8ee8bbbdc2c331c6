//===- RuntimeTest.cpp - Runtime caches and launch validation (no GPU) ----===//
#include "faattn/faattn.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <dlfcn.h>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace faattn;

namespace {

const char *kSpec = R"(
kernel causal { heads = 8 : 2; head_dim = 64; dtype = bf16; mask = causal; return_lse
  param slopes : f32[heads]
  score = score - slopes[h] * (q_idx - kv_idx) }
)";

/// A fresh, empty directory under the test's temporary directory.
std::string freshDir(const std::string &name) {
  fs::path p = fs::temp_directory_path() / ("faattn-runtime-test-" + std::to_string(getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

/// A stand-in compiler: counts its calls and returns a recognizable "PTX".
RuntimeOptions fakeOptions(const std::string &dir, std::atomic<int> *calls = nullptr,
                           int sleepMs = 0) {
  RuntimeOptions o;
  o.cacheDir = dir;
  o.compiler = [calls, sleepMs](const std::string &, const std::string &name) -> Result<CompiledKernel> {
    if (calls)
      ++*calls;
    if (sleepMs)
      std::this_thread::sleep_for(std::chrono::milliseconds(sleepMs));
    return CompiledKernel{name, "sm_90a", "// fake ptx of " + name + "\n", 128};
  };
  return o;
}

/// `spec` compiled by a fresh runtime on `dir`, checking how it got there: `compiles`
/// compiler calls and `diskHits` disk hits.
Result<Kernel> compileFresh(const std::string &dir, int compiles, int64_t diskHits,
                            const char *spec = kSpec) {
  std::atomic<int> calls{0};
  Runtime rt(fakeOptions(dir, &calls));
  auto k = rt.compile(spec);
  EXPECT_TRUE(k) << k.error();
  EXPECT_EQ(calls.load(), compiles);
  EXPECT_EQ(rt.stats().diskHits, diskHits);
  return k;
}

std::vector<fs::path> entries(const std::string &dir) {
  std::vector<fs::path> out;
  for (auto &e : fs::directory_iterator(dir))
    if (e.path().extension() == ".faattn")
      out.push_back(e.path());
  return out;
}

TEST(RuntimeCache, ConcurrentThreadsCompileOnce) {
  std::atomic<int> calls{0};
  Runtime rt(fakeOptions(freshDir("threads"), &calls, /*sleepMs=*/100));
  std::vector<std::thread> threads;
  std::vector<std::string> ptx(8);
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      auto k = rt.compile(kSpec);
      if (k) {
        ++ok;
        ptx[i] = k->compiled().ptx;
      }
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(rt.stats().compiles, 1);
  EXPECT_EQ(rt.stats().memoryHits, 7);
  for (const std::string &p : ptx)
    EXPECT_EQ(p, "// fake ptx of causal\n");
}

TEST(RuntimeCache, ConcurrentProcessesCompileOnceAndWriteOneValidFile) {
  std::string dir = freshDir("processes");
  std::string log = dir + "/../compiles.log";
  fs::remove(log);
  std::vector<pid_t> children;
  for (int i = 0; i < 4; ++i) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      RuntimeOptions o;
      o.cacheDir = dir;
      o.compiler = [&](const std::string &, const std::string &name) -> Result<CompiledKernel> {
        std::ofstream(log, std::ios::app) << getpid() << "\n";
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return CompiledKernel{name, "sm_90a", "// ptx\n", 128};
      };
      Runtime rt(o);
      auto k = rt.compile(kSpec);
      _exit(k && k->compiled().ptx == "// ptx\n" ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::ifstream in(log);
  int lines = 0;
  for (std::string l; std::getline(in, l);)
    ++lines;
  EXPECT_EQ(lines, 1) << "exactly one process compiles";
  ASSERT_EQ(entries(dir).size(), 1u);
  // A new process reads the file: a disk hit, no compile.
  auto k = compileFresh(dir, 0, 1);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->compiled().ptx, "// ptx\n");
}

TEST(RuntimeCache, TruncatedOrCorruptEntryIsRecompiled) {
  std::string dir = freshDir("corrupt");
  {
    Runtime rt(fakeOptions(dir));
    ASSERT_TRUE(rt.compile(kSpec));
  }
  auto files = entries(dir);
  ASSERT_EQ(files.size(), 1u);
  fs::path entry = files[0];
  auto size = fs::file_size(entry);
  // Truncated.
  fs::resize_file(entry, size / 2);
  ASSERT_TRUE(compileFresh(dir, 1, 0));
  EXPECT_EQ(fs::file_size(entry), size) << "the entry is rewritten whole";
  // One byte of the PTX flipped: the checksum no longer matches.
  {
    std::fstream f(entry, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size - 3));
    f.put('#');
  }
  ASSERT_TRUE(compileFresh(dir, 1, 0));
  // Intact: a disk hit.
  ASSERT_TRUE(compileFresh(dir, 0, 1));
}

TEST(RuntimeCache, UnusableDirectoryFallsBackToMemory) {
  // Not creatable even as root (tests may run as root, where chmod does not bite).
  std::atomic<int> calls{0};
  testing::internal::CaptureStderr();
  Runtime rt(fakeOptions("/proc/faattn-cache-test", &calls));
  auto a = rt.compile(kSpec);
  auto b = rt.compile(kSpec);
  std::string err = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(a) << a.error();
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(rt.stats().memoryHits, 1);
  EXPECT_EQ(rt.cacheDir(), "");
  EXPECT_NE(err.find("faattn: warning: the disk cache is off (cannot create '/proc/faattn-cache-test'"),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("warning", err.find("warning") + 1), std::string::npos) << "warned once";
}

TEST(RuntimeCache, KeyDependsOnSpecAndTarget) {
  EXPECT_EQ(cacheKey("{\"a\":1}", "sm_90a"), cacheKey("{\"a\":1}", "sm_90a"));
  EXPECT_NE(cacheKey("{\"a\":1}", "sm_90a"), cacheKey("{\"a\":2}", "sm_90a"));
  EXPECT_NE(cacheKey("{\"a\":1}", "sm_90a"), cacheKey("{\"a\":1}", "sm_80"));
  EXPECT_EQ(cacheKey("x", "sm_90a").size(), 64u);
  // Whitespace and comments of the spec do not change the key: the same entry is found.
  std::string dir = freshDir("key");
  std::atomic<int> calls{0};
  Runtime rt(fakeOptions(dir, &calls));
  ASSERT_TRUE(rt.compile("kernel k { heads = 4; head_dim = 64 }"));
  ASSERT_TRUE(rt.compile("# same\nkernel k {\n  head_dim = 64\n  heads = 4 : 4\n}\n"));
  EXPECT_EQ(calls.load(), 1);
  ASSERT_TRUE(rt.compile("kernel k { heads = 4; head_dim = 128 }"));
  EXPECT_EQ(calls.load(), 2);
}

TEST(RuntimeCache, FailuresAreNotCached) {
  int n = 0;
  RuntimeOptions o;
  o.cacheDir = freshDir("failures");
  o.compiler = [&](const std::string &, const std::string &name) -> Result<CompiledKernel> {
    if (n++ == 0)
      return Status::error("transient failure");
    return CompiledKernel{name, "sm_90a", "// ptx\n", 128};
  };
  Runtime rt(o);
  auto a = rt.compile(kSpec);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error(), "transient failure");
  EXPECT_TRUE(rt.compile(kSpec));
}

TEST(RuntimeCompile, SpecErrorsAreReturned) {
  Runtime rt(fakeOptions(freshDir("errors")));
  auto k = rt.compile("kernel k { heads = 8 : 3; head_dim = 64 }");
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().rfind("spec error:\n<spec>:1:20: error: query heads (8) must be a multiple "
                            "of KV heads (3)", 0),
            0u)
      << k.error();
  auto two = rt.compile("kernel a { heads = 1; head_dim = 8 }\nkernel b { heads = 1; head_dim = 8 }");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error(), "the spec has 2 kernels (a, b); name the one to compile");
  auto missing = rt.compile(kSpec, "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "the spec has no kernel named 'nope' (it has causal)");
  auto file = rt.compileFile("/nonexistent/spec.fa");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error(), "cannot open '/nonexistent/spec.fa': No such file or directory");
}

// ---- Launch validation ------------------------------------------------------

alignas(64) char gBuffer[1 << 12];

struct ValidArgs {
  LaunchArgs a;
  ValidArgs() {
    void *p = gBuffer;
    a.q = {p, DType::BF16, {2, 100, 8, 64}};
    a.k = {p, DType::BF16, {2, 77, 2, 64}};
    a.v = {p, DType::BF16, {2, 77, 2, 64}};
    a.out = {p, DType::BF16, {2, 100, 8, 64}};
    a.lse = Tensor{p, DType::F32, {2, 8, 100}};
    a.params = {{"slopes", Tensor{p, DType::F32, {8}}}};
  }
};

class RuntimeValidate : public testing::Test {
protected:
  void SetUp() override {
    rt = std::make_unique<Runtime>(fakeOptions(freshDir("validate")));
    auto k = rt->compile(kSpec);
    ASSERT_TRUE(k) << k.error();
    kernel = std::make_unique<Kernel>(*k);
  }
  std::string error(const LaunchArgs &a) { return kernel->validate(a).message(); }
  std::unique_ptr<Runtime> rt;
  std::unique_ptr<Kernel> kernel;
};

TEST_F(RuntimeValidate, ValidArgumentsPass) {
  ValidArgs v;
  EXPECT_TRUE(kernel->validate(v.a).isOk()) << kernel->validate(v.a).message();
}

TEST_F(RuntimeValidate, EveryErrorHasItsMessage) {
  const std::string pre = "launch of kernel 'causal': ";
  auto with = [](auto edit) {
    ValidArgs v;
    edit(v.a);
    return v.a;
  };
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.q.shape = {2, 100, 8}; })),
            pre + "tensor 'q' must have rank 4, got 3");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.k.dtype = DType::F16; })),
            pre + "tensor 'k' must be bf16, got f16");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.v.shape[2] = 4; })),
            pre + "tensor 'v' has 4 heads, the spec has 2");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.q.shape[2] = 4; a.out.shape[2] = 4; })),
            pre + "tensor 'q' has 4 heads, the spec has 8");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.k.shape[3] = 128; })),
            pre + "tensor 'k' has head_dim 128, the spec has 64");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.out.data = nullptr; })),
            pre + "tensor 'out' has a null pointer");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.q.data = gBuffer + 8; })),
            pre + "tensor 'q' is not 16-byte aligned");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.q.strides = {51200, 64, 6400, 1}; })),
            pre + "tensor 'q' must be contiguous (row-major strides)");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.k.shape[1] = 0; a.v.shape[1] = 0; })),
            pre + "tensor 'k' has an empty or negative dimension");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.k.shape[0] = 3; a.v.shape[0] = 3; })),
            pre + "q, k, v and out must have the same batch size");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.v.shape[1] = 78; })),
            pre + "k and v must have the same sequence length");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.out.shape[1] = 99; })),
            pre + "out must have q's sequence length");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.lse.reset(); })),
            pre + "the spec has return_lse: tensor 'lse' (batch, heads, seq_q) f32 is missing");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.lse->shape = {2, 8, 99}; })),
            pre + "tensor 'lse' must have shape (batch, heads, seq_q)");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.params.clear(); })),
            pre + "param 'slopes' is missing");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.params.push_back({"bias", a.params[0].second}); })),
            pre + "the spec has no param 'bias'");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.params[0].second.shape = {4}; })),
            pre + "param 'slopes' dimension 0 (heads) must be 8, got 4");
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.params[0].second.dtype = DType::I32; })),
            pre + "tensor 'param slopes' must be f32, got i32");
}

TEST_F(RuntimeValidate, LaunchWithoutADriverIsAnErrorNotACrash) {
  if (void *h = dlopen("libcuda.so.1", RTLD_NOW)) {
    dlclose(h);
    GTEST_SKIP() << "a CUDA driver is installed here";
  }
  ValidArgs v;
  Status s = kernel->launch(v.a);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message().rfind("launch of kernel 'causal': cannot load the CUDA driver "
                              "(libcuda.so.1): ",
                              0),
            0u)
      << s.message();
  // Validation comes first.
  v.a.q.data = nullptr;
  EXPECT_EQ(kernel->launch(v.a).message(), "launch of kernel 'causal': tensor 'q' has a null pointer");
}

} // namespace

namespace {

/// The disk entry of kSpec after a compile into `dir`.
fs::path cachedEntry(const std::string &dir) {
  {
    Runtime rt(fakeOptions(dir));
    EXPECT_TRUE(rt.compile(kSpec));
  }
  return entries(dir).at(0);
}

std::string readFile(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(RuntimeCache, MalformedHeadersAreMissesNotCrashes) {
  std::string dir = freshDir("malformed");
  fs::path entry = cachedEntry(dir);
  std::string data = readFile(entry);
  size_t nl1 = data.find('\n'), nl2 = data.find('\n', nl1 + 1);
  std::string header = data.substr(0, nl1 + 1), json = data.substr(nl1 + 1, nl2 - nl1 - 1),
              ptx = data.substr(nl2 + 1);
  auto replace = [&](std::string from, std::string to) {
    std::string j = json;
    size_t at = j.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos)
      j.replace(at, from.size(), to);
    return j;
  };
  // Wrong types, a zero block size, a block size that does not match its checksum, a
  // persistent flag that is not 0 or 1, no persistent flag (format 3's fields), not JSON.
  for (std::string bad : {replace("\"name\":\"causal\"", "\"name\":1"),
                          replace("\"block_m\":128", "\"block_m\":\"x\""),
                          replace("\"block_m\":128", "\"block_m\":0"),
                          replace("\"block_m\":128", "\"block_m\":64"),
                          replace("\"persistent\":0", "\"persistent\":2"),
                          replace("\"persistent\":0,", ""),
                          std::string("{not json")}) {
    std::ofstream(entry, std::ios::binary | std::ios::trunc) << header << bad << "\n" << ptx;
    std::atomic<int> calls{0};
    Runtime rt(fakeOptions(dir, &calls));
    auto k = rt.compile(kSpec);
    ASSERT_TRUE(k) << bad << ": " << k.error();
    EXPECT_EQ(calls.load(), 1) << bad << ": a malformed entry must be recompiled";
    EXPECT_EQ(k->compiled().blockM, 128) << bad;
  }
}

TEST(RuntimeCache, AnEntryOfFormat4IsAMiss) {
  // Format 4 had no alternatives: its entries are recompiled, not launched as format 5.
  std::string dir = freshDir("format4");
  fs::path entry = cachedEntry(dir);
  std::string data = readFile(entry);
  ASSERT_EQ(data.rfind("faattn-cache 5\n", 0), 0u);
  data.replace(0, 15, "faattn-cache 4\n");
  std::ofstream(entry, std::ios::binary | std::ios::trunc) << data;
  ASSERT_TRUE(compileFresh(dir, 1, 0));
}

TEST(RuntimeCache, ParamDeclarationOrderSharesOneKernel) {
  // Params are passed in name order (the canonical order), so both spellings have one ABI.
  std::atomic<int> calls{0};
  Runtime rt(fakeOptions(freshDir("param-order"), &calls));
  ASSERT_TRUE(rt.compile("kernel k { heads = 4; head_dim = 64\n param z : f32[heads]\n"
                         " param a : i32[seq]\n score = score + z[h] * a[kv_idx] }"));
  ASSERT_TRUE(rt.compile("kernel k { heads = 4; head_dim = 64\n param a : i32[seq]\n"
                         " param z : f32[heads]\n score = score + z[h] * a[kv_idx] }"));
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(RuntimeValidate, ParamGivenTwice) {
  ValidArgs v;
  v.a.params.push_back(v.a.params[0]);
  EXPECT_EQ(error(v.a), "launch of kernel 'causal': param 'slopes' is given twice");
}

} // namespace

// ---- varlen and paged KV: the sequence tensors -----------------------------

namespace {

/// A kernel of `spec` from the stand-in compiler, with `edit` applied to what
/// it returns (block sizes, split-KV).
Kernel fakeKernel(const std::string &dir, const char *spec,
                  std::function<void(CompiledKernel &)> edit = nullptr) {
  RuntimeOptions o;
  o.cacheDir = dir;
  o.compiler = [edit](const std::string &, const std::string &name) -> Result<CompiledKernel> {
    CompiledKernel k{name, "sm_90a", "// fake ptx\n", 64};
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
Kernel reloaded(const std::string &dir, const char *spec,
                std::function<void(CompiledKernel &)> edit) {
  fakeKernel(dir, spec, std::move(edit));
  return *compileFresh(dir, 0, 1, spec);
}

const char *kVarlen = "kernel vl { heads = 8 : 2; head_dim = 64; varlen; mask = causal; return_lse }";
const char *kPaged = "kernel pg { mode = decode; heads = 8 : 2; head_dim = 64; paged_kv(page = 32) }";

/// 3 sequences packed into 100 query rows and 77 KV rows.
LaunchArgs varlenArgs() {
  void *p = gBuffer;
  LaunchArgs a;
  a.q = {p, DType::BF16, {100, 8, 64}};
  a.k = {p, DType::BF16, {77, 2, 64}};
  a.v = {p, DType::BF16, {77, 2, 64}};
  a.out = {p, DType::BF16, {100, 8, 64}};
  a.lse = Tensor{p, DType::F32, {8, 100}};
  a.cuSeqlensQ = Tensor{p, DType::I32, {4}};
  a.cuSeqlensKV = Tensor{p, DType::I32, {4}};
  a.maxSeqlenQ = 60;
  return a;
}

/// 2 sequences of up to 4 pages of 32 rows, from a pool of 9 pages.
LaunchArgs pagedArgs() {
  void *p = gBuffer;
  LaunchArgs a;
  a.q = {p, DType::BF16, {2, 1, 8, 64}};
  a.k = {p, DType::BF16, {9, 32, 2, 64}};
  a.v = {p, DType::BF16, {9, 32, 2, 64}};
  a.out = {p, DType::BF16, {2, 1, 8, 64}};
  a.blockTable = Tensor{p, DType::I32, {2, 4}};
  a.seqlensKV = Tensor{p, DType::I32, {2}};
  return a;
}

template <typename Edit>
std::string errorOf(const Kernel &k, LaunchArgs a, Edit edit) {
  edit(a);
  return k.validate(a).message();
}

TEST(RuntimeValidateSequences, Varlen) {
  Kernel k = fakeKernel(freshDir("varlen"), kVarlen);
  EXPECT_TRUE(k.validate(varlenArgs()).isOk()) << k.validate(varlenArgs()).message();
  const std::string pre = "launch of kernel 'vl': ";
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.q.shape = {1, 100, 8, 64}; }),
            pre + "tensor 'q' must have rank 3, got 4");
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.cuSeqlensQ.reset(); }),
            pre + "the spec has varlen: tensor 'cu_seqlens_q' is missing");
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.cuSeqlensKV->shape = {3}; }),
            pre + "tensors 'cu_seqlens_q' and 'cu_seqlens_kv' must have the same length");
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.cuSeqlensQ->shape = {1}; }),
            pre + "tensor 'cu_seqlens_q' must have batch + 1 >= 2 entries");
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.cuSeqlensQ->dtype = DType::F32; }),
            pre + "tensor 'cu_seqlens_q' must be i32, got f32");
  // Index tensors need 4-byte alignment only.
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.cuSeqlensQ->data = gBuffer + 4; }), "");
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.cuSeqlensQ->data = gBuffer + 2; }),
            pre + "tensor 'cu_seqlens_q' is not 4-byte aligned");
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.blockTable = a.q; }),
            pre + "tensor 'block_table' is only for paged_kv specs, this one is not");
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.lse->shape = {2, 8, 100}; }),
            pre + "tensor 'lse' must have rank 2, got 3");
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.lse->shape = {8, 99}; }),
            pre + "tensor 'lse' must have shape (heads, total_q)");
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.maxSeqlenQ = 101; }),
            pre + "maxSeqlenQ must be between 0 and total_q (100), got 101");
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.v.shape[0] = 78; }),
            pre + "k and v must have the same sequence length");
}

TEST(RuntimeValidateSequences, Paged) {
  Kernel k = fakeKernel(freshDir("paged"), kPaged);
  EXPECT_TRUE(k.validate(pagedArgs()).isOk()) << k.validate(pagedArgs()).message();
  const std::string pre = "launch of kernel 'pg': ";
  EXPECT_EQ(errorOf(k, pagedArgs(), [](LaunchArgs &a) { a.k.shape[1] = 64; a.v.shape[1] = 64; }),
            pre + "tensors 'k' and 'v' must hold pages of 32 rows (the spec's paged_kv), got 64");
  EXPECT_EQ(errorOf(k, pagedArgs(), [](LaunchArgs &a) { a.v.shape[0] = 8; }),
            pre + "k and v must have the same number of pages");
  EXPECT_EQ(errorOf(k, pagedArgs(), [](LaunchArgs &a) { a.seqlensKV.reset(); }),
            pre + "the spec has paged_kv: tensor 'seqlens_kv' is missing");
  EXPECT_EQ(errorOf(k, pagedArgs(), [](LaunchArgs &a) { a.blockTable->shape = {3, 4}; }),
            pre + "tensors 'block_table' (batch, max_pages) and 'seqlens_kv' (batch) must have "
                  "the batch size, 2");
  EXPECT_EQ(errorOf(k, pagedArgs(), [](LaunchArgs &a) { a.blockTable->shape = {8}; }),
            pre + "tensor 'block_table' must have rank 2, got 1");
  EXPECT_EQ(errorOf(k, pagedArgs(), [](LaunchArgs &a) { a.cuSeqlensQ = a.seqlensKV; }),
            pre + "tensor 'cu_seqlens_q' is only for varlen specs, this one is not");
  EXPECT_EQ(errorOf(k, pagedArgs(), [](LaunchArgs &a) { a.maxSeqlenQ = 1; }),
            pre + "maxSeqlenQ is only for varlen specs, this one is not");
  EXPECT_EQ(errorOf(k, pagedArgs(), [](LaunchArgs &a) { a.out.shape[0] = 3; }),
            pre + "q, k, v and out must have the same batch size");
}

TEST(RuntimeSplitKV, NumberOfSplits) {
  Kernel split = fakeKernel(freshDir("splits"), kPaged, [](CompiledKernel &k) {
    k.blockN = 32;
    k.maxSplits = 16;
  });
  LaunchArgs a = pagedArgs(); // 2 x 8 = 16 CTAs; 4 pages of 32 = 4 KV blocks of 32
  // On 132 SMs: at most 4 splits (the KV blocks); waves 16s/132 grow with s,
  // so the best is s = 4 (0.485) and the first within 85% of it is s = 4.
  EXPECT_EQ(split.numSplits(a, 132), 4);
  // A table of 64 pages (64 blocks): up to 16 splits; the efficiency 16s/132
  // peaks at s = 8 (128 CTAs, 0.97); the first s >= 0.85 * 0.97 * 132 / 16 = 6.8 is 7.
  a.blockTable->shape = {2, 64};
  EXPECT_EQ(split.numSplits(a, 132), 7);
  // A full wave already: no split.
  EXPECT_EQ(split.numSplits(a, 16), 1);
  // Not a split-KV kernel.
  Kernel plain = fakeKernel(freshDir("splits-plain"), kPaged);
  EXPECT_EQ(plain.numSplits(a, 132), 1);
}

TEST(RuntimeSplitKV, DiskEntryKeepsTheSplitSizes) {
  std::string dir = freshDir("split-disk");
  auto edit = [](CompiledKernel &k) {
    k.blockN = 128;
    k.maxSplits = 16;
  };
  Kernel k = reloaded(dir, kPaged, edit);
  EXPECT_EQ(k.compiled().blockN, 128);
  EXPECT_EQ(k.compiled().maxSplits, 16);
}

} // namespace

namespace {

TEST(RuntimePersistent, DiskEntryKeepsThePersistentGrid) {
  std::string dir = freshDir("persistent-disk");
  auto edit = [](CompiledKernel &k) {
    k.threads = 256;
    k.tmaBlockN = 128;
    k.persistent = true;
  };
  Kernel k = reloaded(dir, kSpec, edit);
  EXPECT_TRUE(k.compiled().persistent);
  EXPECT_EQ(k.compiled().tmaBlockN, 128);
}

TEST(RuntimePersistent, APersistentSplitKVKernelIsInvalid) {
  RuntimeOptions o;
  o.cacheDir = "";
  o.compiler = [](const std::string &, const std::string &name) -> Result<CompiledKernel> {
    CompiledKernel k{name, "sm_90a", "// ptx\n", 64};
    k.blockN = 64;
    k.maxSplits = 8;
    k.persistent = true; // one grid over q-tiles cannot also be split over the KV sequence
    return k;
  };
  Runtime rt(o);
  auto k = rt.compile(kSpec);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error(), "kernel 'causal' has invalid launch sizes (block_m 64, threads 0)");
}

TEST(RuntimeCompile, InvalidLaunchSizesFromACompilerAreAnError) {
  RuntimeOptions o;
  o.cacheDir = "";
  o.compiler = [](const std::string &, const std::string &name) -> Result<CompiledKernel> {
    return CompiledKernel{name, "sm_90a", "// ptx\n", 0}; // block_m 0 would divide by zero
  };
  Runtime rt(o);
  auto k = rt.compile(kSpec);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error(), "kernel 'causal' has invalid launch sizes (block_m 0, threads 0)");
}

} // namespace

// ---- shape-dependent alternatives (overlap = auto's long-KV build) --------

namespace {

/// Two alternatives of the stand-in kernel, told apart by their PTX and block_m.
void withAlternatives(CompiledKernel &k) {
  k.tmaBlockN = 128;
  for (int64_t from : {4096, 8192}) {
    CompiledKernel alt{k.name, k.target, "// long ptx " + std::to_string(from) + "\n", 128};
    alt.threads = 384;
    alt.tmaBlockN = 128;
    alt.minSeqKV = from;
    k.alternatives.push_back(alt);
  }
}

TEST(RuntimeAlternatives, LaunchTakesTheLastOneTheKVLengthReaches) {
  Kernel k = fakeKernel(freshDir("alternatives"), kSpec, withAlternatives);
  ValidArgs v;
  auto chosen = [&](int64_t seqKV) {
    v.a.k.shape[1] = v.a.v.shape[1] = seqKV;
    EXPECT_TRUE(k.validate(v.a)) << k.validate(v.a).message();
    return k.compiledFor(v.a).ptx;
  };
  EXPECT_EQ(chosen(77), "// fake ptx\n");
  EXPECT_EQ(chosen(4095), "// fake ptx\n");
  EXPECT_EQ(chosen(4096), "// long ptx 4096\n");
  EXPECT_EQ(chosen(8191), "// long ptx 4096\n");
  EXPECT_EQ(chosen(8192), "// long ptx 8192\n");
  EXPECT_EQ(chosen(100000), "// long ptx 8192\n");
  // The query length does not choose.
  v.a.q.shape[1] = v.a.out.shape[1] = 5000;
  v.a.lse->shape[2] = 5000;
  EXPECT_EQ(chosen(77), "// fake ptx\n");
  // compiled() stays the kernel itself, with its alternatives.
  EXPECT_EQ(k.compiled().minSeqKV, 0);
  ASSERT_EQ(k.compiled().alternatives.size(), 2u);
  EXPECT_EQ(k.compiled().alternatives[1].minSeqKV, 8192);
}

TEST(RuntimeAlternatives, VarlenAndPagedKernelsTakeTheKernelItself) {
  // The compiler gives these none (overlap = softmax needs dense K/V); were they given,
  // the KV length of a launch is not one number.
  Kernel vl = fakeKernel(freshDir("alternatives-varlen"), kVarlen, withAlternatives);
  LaunchArgs a = varlenArgs();
  a.k.shape[0] = a.v.shape[0] = 10000;
  ASSERT_TRUE(vl.validate(a)) << vl.validate(a).message();
  EXPECT_EQ(vl.compiledFor(a).ptx, "// fake ptx\n");
  Kernel pg = fakeKernel(freshDir("alternatives-paged"), kPaged, withAlternatives);
  LaunchArgs p = pagedArgs();
  p.blockTable->shape = {2, 200}; // 200 pages of 32 rows: 6400 >= 4096
  ASSERT_TRUE(pg.validate(p)) << pg.validate(p).message();
  EXPECT_EQ(pg.compiledFor(p).ptx, "// fake ptx\n");
}

TEST(RuntimeAlternatives, CompiledForUnvalidatedArgsDoesNotReadPastK) {
  Kernel k = fakeKernel(freshDir("alternatives-rank"), kSpec, withAlternatives);
  LaunchArgs a; // k has rank 0
  EXPECT_EQ(k.compiledFor(a).ptx, "// fake ptx\n");
}

TEST(RuntimeAlternatives, DiskEntryKeepsThem) {
  std::string dir = freshDir("alternatives-disk");
  Kernel k = reloaded(dir, kSpec, withAlternatives);
  ASSERT_EQ(k.compiled().alternatives.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const CompiledKernel &alt = k.compiled().alternatives[i];
    EXPECT_EQ(alt.minSeqKV, i == 0 ? 4096 : 8192);
    EXPECT_EQ(alt.threads, 384);
    EXPECT_EQ(alt.tmaBlockN, 128);
    EXPECT_EQ(alt.ptx, "// long ptx " + std::to_string(alt.minSeqKV) + "\n");
  }
  ValidArgs v;
  v.a.k.shape[1] = v.a.v.shape[1] = 9000;
  EXPECT_EQ(k.compiledFor(v.a).ptx, "// long ptx 8192\n");
}

/// A disk entry cut into its lines: the header, then (JSON, PTX) per build.
struct EntryParts {
  std::string header;
  std::vector<std::pair<std::string, std::string>> builds;
  std::string join() const {
    std::string s = header;
    for (const auto &[json, ptx] : builds)
      s += json + "\n" + ptx;
    return s;
  }
};

EntryParts splitEntry(const std::string &data) {
  EntryParts e;
  size_t at = data.find('\n') + 1;
  e.header = data.substr(0, at);
  while (at < data.size()) {
    size_t nl = data.find('\n', at);
    std::string json = data.substr(at, nl - at);
    size_t bytes = nlohmann::json::parse(json)["ptx_bytes"].get<size_t>();
    e.builds.push_back({json, data.substr(nl + 1, bytes)});
    at = nl + 1 + bytes;
  }
  return e;
}

std::string sha256Hex(const std::string &s) {
  return llvm::toHex(llvm::SHA256::hash(llvm::arrayRefFromStringRef(s)), /*LowerCase=*/true);
}

/// `json` with `key` set to `value` and its entry checksum made again as the runtime
/// makes it (name, target, the launch sizes, the PTX's checksum and, for an alternative,
/// the main kernel's): what a bug in the writer, not corruption, would leave.
std::string resigned(const std::string &json, const char *key, int64_t value,
                     const std::string &mainPtx) {
  nlohmann::json m = nlohmann::json::parse(json);
  m[key] = value;
  std::string fields = m["name"].get<std::string>() + "\n" + m["target"].get<std::string>() + "\n";
  for (const char *k : {"block_m", "threads", "shared_bytes", "block_n", "max_splits",
                        "tma_block_n", "persistent", "min_seq_kv", "alternatives"})
    fields += std::to_string(m[k].get<int64_t>()) + "\n";
  fields += m["ptx_sha256"].get<std::string>() + (mainPtx.empty() ? "" : sha256Hex(mainPtx));
  m["entry_sha256"] = sha256Hex(fields);
  return m.dump();
}

TEST(RuntimeAlternatives, ACorruptTruncatedOrMisassembledEntryIsAMiss) {
  std::string dir = freshDir("alternatives-corrupt");
  fakeKernel(dir, kSpec, withAlternatives);
  fs::path entry = entries(dir).at(0);
  std::string data = readFile(entry);
  EntryParts parts = splitEntry(data);
  ASSERT_EQ(parts.builds.size(), 3u);
  ASSERT_EQ(parts.join(), data);
  const std::string mainPtx = parts.builds[0].second;
  // The resigning helper agrees with the runtime: an unchanged field resigned loads.
  {
    EntryParts same = parts;
    same.builds[2].first = resigned(same.builds[2].first, "min_seq_kv", 8192, mainPtx);
    std::ofstream(entry, std::ios::binary | std::ios::trunc) << same.join();
    ASSERT_TRUE(compileFresh(dir, 0, 1));
  }
  std::vector<std::string> bad;
  // Corruption: a flipped byte in the last alternative's PTX, the entry cut inside it or
  // right before it (two announced, one there), a byte after the last.
  size_t at = data.find("// long ptx 8192");
  ASSERT_NE(at, std::string::npos);
  std::string flipped = data;
  flipped[at + 3] = 'L';
  bad.push_back(flipped);
  bad.push_back(data.substr(0, at + 4));
  EntryParts dropped = parts;
  dropped.builds.pop_back();
  bad.push_back(dropped.join());
  bad.push_back(data + "x");
  // Entries with valid checksums that cannot launch: alternatives out of order, one with
  // alternatives of its own, a main kernel with a minimum KV length, an alternative from
  // another cache file (another main kernel's).
  EntryParts swapped = parts;
  std::swap(swapped.builds[1], swapped.builds[2]);
  bad.push_back(swapped.join());
  EntryParts nested = parts;
  nested.builds[1].first = resigned(nested.builds[1].first, "alternatives", 1, mainPtx);
  bad.push_back(nested.join());
  EntryParts mainFrom = parts;
  mainFrom.builds[0].first = resigned(mainFrom.builds[0].first, "min_seq_kv", 4096, "");
  bad.push_back(mainFrom.join());
  std::string other = freshDir("alternatives-other");
  fakeKernel(other, kSpec, [](CompiledKernel &k) {
    withAlternatives(k);
    k.ptx = "// another main kernel\n";
  });
  EntryParts spliced = parts;
  spliced.builds[2] = splitEntry(readFile(entries(other).at(0))).builds[2];
  bad.push_back(spliced.join());
  for (size_t i = 0; i < bad.size(); ++i) {
    std::ofstream(entry, std::ios::binary | std::ios::trunc) << bad[i];
    ASSERT_TRUE(compileFresh(dir, 1, 0)) << "case " << i;
  }
}

TEST(RuntimeAlternatives, AnInvalidCompileWritesNothing) {
  std::string dir = freshDir("alternatives-unwritten");
  RuntimeOptions o;
  o.cacheDir = dir;
  o.compiler = [](const std::string &, const std::string &name) -> Result<CompiledKernel> {
    CompiledKernel k{name, "sm_90a", "// ptx\n", 64};
    withAlternatives(k);
    CompiledKernel copy = k;
    k.alternatives[0].alternatives.push_back(copy); // nested: the disk format has no place
    return k;
  };
  Runtime rt(o);
  ASSERT_FALSE(rt.compile(kSpec));
  EXPECT_TRUE(entries(dir).empty());
}

TEST(RuntimeAlternatives, InvalidOnesFromACompilerAreAnError) {
  auto errorOf = [](std::function<void(CompiledKernel &)> edit) {
    RuntimeOptions o;
    o.cacheDir = "";
    o.compiler = [edit](const std::string &, const std::string &name) -> Result<CompiledKernel> {
      CompiledKernel k{name, "sm_90a", "// ptx\n", 64};
      withAlternatives(k);
      edit(k);
      return k;
    };
    Runtime rt(o);
    auto k = rt.compile(kSpec);
    return k ? std::string("compiled") : k.error();
  };
  const std::string invalid = "kernel 'causal' has invalid alternatives";
  EXPECT_EQ(errorOf([](CompiledKernel &) {}), "compiled");
  EXPECT_EQ(errorOf([](CompiledKernel &k) { std::swap(k.alternatives[0], k.alternatives[1]); }),
            invalid); // not ascending
  EXPECT_EQ(errorOf([](CompiledKernel &k) { k.alternatives[0].minSeqKV = 0; }), invalid);
  EXPECT_EQ(errorOf([](CompiledKernel &k) { k.minSeqKV = 1; }), invalid);
  EXPECT_EQ(errorOf([](CompiledKernel &k) { k.alternatives[1].name = "other"; }), invalid);
  EXPECT_EQ(errorOf([](CompiledKernel &k) {
              CompiledKernel copy = k;
              k.alternatives[0].alternatives.push_back(copy);
            }),
            invalid); // nested
  EXPECT_EQ(errorOf([](CompiledKernel &k) { k.alternatives[1].blockM = 0; }),
            "kernel 'causal' has invalid launch sizes (block_m 0, threads 384)");
}

} // namespace
