//===- RuntimeCacheTest.cpp - The runtime's caches (no GPU) -----------------===//
//
// The memory and disk caches: one compile per key across threads and
// processes, corrupt, truncated, malformed and older entries as misses, an
// unusable directory, what the key depends on, failures not cached; and the
// errors Runtime::compile returns (spec errors, invalid launch sizes).
//
//===----------------------------------------------------------------------===//
#include "RuntimeTestSupport.h"

#include <cstdio>
#include <sys/wait.h>

using namespace faattn;
using namespace faattn::runtime_test;

namespace {

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
        return fakeCompiled(name, "// ptx\n", 128);
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
    return fakeCompiled(name, "// ptx\n", 128);
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

/// The disk entry of kSpec after a compile into `dir`.
fs::path cachedEntry(const std::string &dir) {
  {
    Runtime rt(fakeOptions(dir));
    EXPECT_TRUE(rt.compile(kSpec));
  }
  return entries(dir).at(0);
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
  // persistent field that is not null or an object, no persistent field, an unknown key,
  // not JSON.
  for (std::string bad : {replace("\"entry\":\"causal\"", "\"entry\":1"),
                          replace("\"block_m\":128", "\"block_m\":\"x\""),
                          replace("\"block_m\":128", "\"block_m\":0"),
                          replace("\"block_m\":128", "\"block_m\":64"),
                          replace("\"persistent\":null", "\"persistent\":2"),
                          replace("\"persistent\":null,", ""),
                          replace("\"abi\":{", "\"abi\":{\"extra\":1,"),
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

TEST(RuntimeCache, AnEntryOfAnotherKernelABIIsAMiss) {
  // The entry's format is the kernel ABI's version: an entry of another ABI (format 5 had
  // the launch sizes as flat keys) is recompiled, not launched.
  std::string dir = freshDir("format5");
  fs::path entry = cachedEntry(dir);
  std::string data = readFile(entry);
  std::string header = "faattn-cache " + std::to_string(kKernelABIVersion) + "\n";
  ASSERT_EQ(data.rfind(header, 0), 0u);
  data.replace(0, header.size(), "faattn-cache 5\n");
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

TEST(RuntimeCompile, InvalidLaunchSizesFromACompilerAreAnError) {
  RuntimeOptions o;
  o.cacheDir = "";
  o.compiler = [](const std::string &, const std::string &name) -> Result<CompiledKernel> {
    return fakeCompiled(name, "// ptx\n", 0); // block_m 0 would divide by zero
  };
  Runtime rt(o);
  auto k = rt.compile(kSpec);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error(), "kernel 'causal' has invalid launch sizes (block_m 0, threads 0)");
}

} // namespace
