//===- RuntimeReliabilityTest.cpp - Writes, reads and launches that hold --===//
//
// Issue 21 items 2 and 6, and the runtime's part of item 5:
// - a disk cache write that fails (a full tmpfs, or the FAATTN_TEST_WRITE_LIMIT
//   hook) is a warning, never an exit, and leaves no file behind;
// - compileFile refuses a FIFO, a device, a directory and an over-large file
//   without blocking on or reading them;
// - the launch checks: tensor sizes overflow-checked, an output that overlaps
//   another tensor refused, the persistent grid's tile counter bounded;
// - the ABI's arguments resolved to tensors once per kernel (ArgSlot).
// The tmpfs test needs root (CI runs as root) and is skipped otherwise.
//
//===----------------------------------------------------------------------===//
#include "RuntimeTestSupport.h"

#include "../../runtime/lib/KernelState.h"
#include "faattn/runtime/FileIO.h"

#include <sys/mount.h>
#include <sys/stat.h>

namespace faattn::runtime_test {
namespace {

/// A stand-in compiler whose kernel's PTX is `bytes` long.
RuntimeOptions bigOptions(const std::string &dir, size_t bytes) {
  RuntimeOptions o;
  o.cacheDir = dir;
  o.compiler = [bytes](const std::string &, const std::string &name) -> Result<CompiledKernel> {
    return fakeCompiled(name, "//" + std::string(bytes, 'x') + "\n", 128);
  };
  return o;
}

/// The names of the files in `dir` other than the lock files.
std::vector<std::string> nonLockFiles(const std::string &dir) {
  std::vector<std::string> out;
  for (auto &e : fs::directory_iterator(dir))
    if (e.path().extension() != ".lock")
      out.push_back(e.path().filename().string());
  return out;
}

TEST(RuntimeWrites, AFullDiskIsAWarningAndLeavesNothing) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "mounting a tmpfs needs root";
  std::string dir = freshDir("full-disk");
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64k,mode=0700") != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
  struct Unmount {
    std::string d;
    ~Unmount() { ::umount(d.c_str()); }
  } unmount{dir};
  testing::internal::CaptureStderr();
  Result<Kernel> k = [&] {
    Runtime rt(bigOptions(dir, 1 << 20)); // 1 MB of PTX into 64 KB
    return rt.compile(kSpec);
  }();
  std::string err = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(k) << k.error();
  EXPECT_NE(err.find("faattn: warning: the disk cache is off (cannot write '" + dir + "/"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(".faattn': No space left on device); kernels are cached in memory only"),
            std::string::npos)
      << err;
  EXPECT_EQ(nonLockFiles(dir), std::vector<std::string>{});
}

TEST(RuntimeWrites, AnInjectedWriteFailureIsAWarningAndLeavesNothing) {
  std::string dir = freshDir("injected-write");
  io::writeBudget() = 100; // the entry's write fails after 100 bytes
  testing::internal::CaptureStderr();
  Result<Kernel> k = [&] {
    Runtime rt(bigOptions(dir, 4096));
    return rt.compile(kSpec);
  }();
  std::string err = testing::internal::GetCapturedStderr();
  io::writeBudget() = -1;
  ASSERT_TRUE(k) << k.error();
  EXPECT_NE(err.find("No space left on device); kernels are cached in memory only"),
            std::string::npos)
      << err;
  EXPECT_EQ(nonLockFiles(dir), std::vector<std::string>{});
  // Without the failure the same compile writes its entry, and it loads.
  compileFresh(dir, 1, 0);
  compileFresh(dir, 0, 1);
}

TEST(RuntimeReads, CompileFileRefusesSpecialFiles) {
  std::string dir = freshDir("special-files");
  Runtime rt(fakeOptions(""));
  std::string fifo = dir + "/fifo.fa";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(rt.compileFile(fifo).error(), "cannot open '" + fifo + "': not a regular file (a FIFO)");
  EXPECT_EQ(rt.compileFile("/dev/zero").error(),
            "cannot open '/dev/zero': not a regular file (a character device)");
  EXPECT_EQ(rt.compileFile(dir).error(), "cannot open '" + dir + "': Is a directory");
  std::string big = dir + "/big.fa";
  { std::ofstream(big) << ""; }
  fs::resize_file(big, (64 << 20) + 1); // sparse
  EXPECT_EQ(rt.compileFile(big).error(), "cannot open '" + big + "': larger than 67108864 bytes");
  EXPECT_EQ(rt.compileFile(dir + "/nope.fa").error(),
            "cannot open '" + dir + "/nope.fa': No such file or directory");
  std::string good = dir + "/good.fa";
  { std::ofstream(good) << kSpec; }
  EXPECT_TRUE(rt.compileFile(good)) << rt.compileFile(good).error();
}

class RuntimeLaunchChecks : public ::testing::Test {
protected:
  void SetUp() override { kernel = fakeKernel("", kSpec); }
  std::optional<Kernel> kernel;
  const std::string pre = "launch of kernel 'causal': ";
  std::string error(std::function<void(LaunchArgs &)> edit) {
    return errorOf(*kernel, ValidArgs().a, edit);
  }
};

/// Far-apart fake addresses for tensors of up to 2^50 bytes.
void *farRegion(int i) { return reinterpret_cast<void *>(uintptr_t(i + 1) << 52); }

TEST_F(RuntimeLaunchChecks, SizesAreOverflowChecked) {
  // 2^50 sequences: every tensor's size in bytes overflows 64 bits.
  EXPECT_EQ(error([](LaunchArgs &a) {
              for (Tensor *t : {&a.q, &a.k, &a.v, &a.out, &*a.lse})
                t->shape[0] = int64_t(1) << 50;
            }),
            pre + "tensor 'q' is too large: its size in bytes overflows 64 bits");
  EXPECT_EQ(error([](LaunchArgs &a) { a.k.shape = {2, int64_t(1) << 62, 2, 64}; }),
            pre + "tensor 'k' is too large: its size in bytes overflows 64 bits");
  // Strides given with such a shape: checked without overflowing.
  EXPECT_EQ(error([](LaunchArgs &a) {
              a.v.shape = {2, int64_t(1) << 40, 2, 1 << 20};
              a.v.strides = {1, 1, 1, 1};
            }),
            pre + "tensor 'v' is too large: its size in bytes overflows 64 bits");
  // A tensor that would wrap around the end of the address space.
  EXPECT_EQ(error([](LaunchArgs &a) { a.q.data = reinterpret_cast<void *>(~uintptr_t(0) - 4095); }),
            pre + "tensor 'q' ends past the end of the address space");
  EXPECT_EQ(error([](LaunchArgs &) {}), "");
}

TEST_F(RuntimeLaunchChecks, AnOutputThatOverlapsAnotherTensorIsRefused) {
  const std::string why = "' (an output must not share memory with another tensor)";
  EXPECT_EQ(error([](LaunchArgs &a) { a.out.data = a.q.data; }),
            pre + "tensor 'out' overlaps tensor 'q" + why);
  // The last 16 bytes of k: k is 2 x 77 x 2 x 64 bf16 = 39424 bytes.
  EXPECT_EQ(error([](LaunchArgs &a) {
              a.out.data = static_cast<char *>(a.k.data) + 39424 - 16;
            }),
            pre + "tensor 'out' overlaps tensor 'k" + why);
  // out ending inside v.
  EXPECT_EQ(error([](LaunchArgs &a) {
              a.out.data = static_cast<char *>(a.v.data) - 2 * 100 * 8 * 64 * 2 + 16;
            }),
            pre + "tensor 'out' overlaps tensor 'v" + why);
  EXPECT_EQ(error([](LaunchArgs &a) { a.lse->data = a.params[0].second.data; }),
            pre + "tensor 'lse' overlaps tensor 'param slopes" + why);
  EXPECT_EQ(error([](LaunchArgs &a) { a.lse->data = static_cast<char *>(a.out.data) + 64; }),
            pre + "tensor 'lse' overlaps tensor 'out" + why);
  // Adjacent is not overlapping: out right after q, q right after out.
  EXPECT_EQ(error([](LaunchArgs &a) {
              a.out.data = static_cast<char *>(a.q.data) + 2 * 100 * 8 * 64 * 2;
            }),
            "");
  EXPECT_EQ(error([](LaunchArgs &a) {
              a.q.data = static_cast<char *>(a.out.data) + 2 * 100 * 8 * 64 * 2;
            }),
            "");
  // Inputs may share memory (k and v the same tensor: read only).
  EXPECT_EQ(error([](LaunchArgs &a) { a.v.data = a.k.data; }), "");
}

TEST(RuntimeLaunchChecksVarlen, AnOutputOverlappingASequenceTensorIsRefused) {
  Kernel k = fakeKernel("", kVarlen);
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.out.data = a.cuSeqlensKV->data; }),
            "launch of kernel 'vl': tensor 'out' overlaps tensor 'cu_seqlens_kv' (an output "
            "must not share memory with another tensor)");
  Kernel p = fakeKernel("", kPaged);
  EXPECT_EQ(errorOf(p, pagedArgs(), [](LaunchArgs &a) { a.out.data = a.blockTable->data; }),
            "launch of kernel 'pg': tensor 'out' overlaps tensor 'block_table' (an output must "
            "not share memory with another tensor)");
}

TEST(RuntimeLaunchChecksPersistent, TheTileCounterIsBounded) {
  Kernel k = fakeKernel("", kSpec, [](CompiledKernel &c) {
    c.persistent = true;
    c.blockM = 128;
  });
  // 2^20 sequences of 2^16 rows, 8 heads: 2^20 * 8 * 512 = 2^32 tiles.
  auto huge = [](LaunchArgs &a) {
    int i = 0;
    for (Tensor *t : {&a.q, &a.k, &a.v, &a.out, &*a.lse})
      t->data = farRegion(i++);
    a.params[0].second.data = farRegion(i);
    a.q.shape = {1 << 20, 1 << 16, 8, 64};
    a.out.shape = a.q.shape;
    a.k.shape = {1 << 20, 64, 2, 64};
    a.v.shape = a.k.shape;
    a.lse->shape = {1 << 20, 8, 1 << 16};
  };
  EXPECT_EQ(errorOf(k, ValidArgs().a, huge),
            "launch of kernel 'causal': the persistent grid has more than 1073741824 tiles "
            "(batch * heads * q-blocks), the most its 32-bit tile counter counts");
  // 2^30 tiles exactly are fine (2^18 sequences).
  EXPECT_EQ(errorOf(k, ValidArgs().a,
                    [&](LaunchArgs &a) {
                      huge(a);
                      for (Tensor *t : {&a.q, &a.k, &a.v, &a.out, &*a.lse})
                        t->shape[0] = 1 << 18;
                    }),
            "");
  // A plain grid has no tile counter (its own grid limits apply at launch).
  Kernel plain = fakeKernel("", kSpec);
  EXPECT_EQ(errorOf(plain, ValidArgs().a, huge), "");
}

TEST(RuntimeArgSlots, TheABIsArgumentsAreResolvedOncePerKernel) {
  auto state = std::make_shared<Kernel::State>();
  state->compiled = fakeCompiled("k", "// ptx", 64);
  state->info.params = {{"bias", DType::F32, {}}, {"slopes", DType::F32, {}}};
  auto arg = [](std::string name, std::vector<std::string> shape) {
    KernelArg a;
    a.name = std::move(name);
    a.shape = std::move(shape);
    return a;
  };
  state->compiled.args = {arg("q", {"1", "total_q", "8", "64"}), arg("k", {"b", "s", "2", "64"}),
                          arg("v", {}), arg("out", {}), arg("lse", {}),
                          arg("cu_seqlens_q", {}), arg("cu_seqlens_kv", {}),
                          arg("block_table", {}), arg("seqlens_kv", {}),
                          arg("param:slopes", {"8"}), arg("param:bias", {}),
                          arg("param:nope", {}), arg("workspace:o", {}), arg("what", {})};
  state->resolveArgs();
  std::vector<ArgSlot::Kind> kinds;
  for (const ArgSlot &s : state->argSlots)
    kinds.push_back(s.kind);
  EXPECT_EQ(kinds, (std::vector<ArgSlot::Kind>{
                       ArgSlot::Q, ArgSlot::K, ArgSlot::V, ArgSlot::Out, ArgSlot::Lse,
                       ArgSlot::CuSeqlensQ, ArgSlot::CuSeqlensKV, ArgSlot::BlockTable,
                       ArgSlot::SeqlensKV, ArgSlot::Param, ArgSlot::Param, ArgSlot::Unknown,
                       ArgSlot::Workspace, ArgSlot::Unknown}));
  EXPECT_EQ(state->argSlots[9].param, 1);  // slopes: the spec's second param
  EXPECT_EQ(state->argSlots[10].param, 0); // bias
  EXPECT_TRUE(state->argSlots[0].leadingOne);
  EXPECT_EQ(state->argSlots[0].rank, 4u);
  EXPECT_FALSE(state->argSlots[1].leadingOne);
}

} // namespace
} // namespace faattn::runtime_test
