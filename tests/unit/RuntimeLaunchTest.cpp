//===- RuntimeLaunchTest.cpp - Launch checks and launch sizes (no GPU) ------===//
//
// Kernel::validate on dense, varlen and paged kernels (every error with its
// message), a launch without a driver, the split-KV count
// (Kernel::numSplits), and the split-KV and persistent launch sizes through
// a disk entry.
//
//===----------------------------------------------------------------------===//
#include "RuntimeTestSupport.h"

#include <dlfcn.h>

using namespace faattn;
using namespace faattn::runtime_test;

namespace {

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
  EXPECT_EQ(error(with([](LaunchArgs &a) { a.maxSeqlenKV = 5; })),
            pre + "maxSeqlenKV is only for paged_kv and varlen specs, this one is neither");
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

TEST_F(RuntimeValidate, ParamGivenTwice) {
  ValidArgs v;
  v.a.params.push_back(v.a.params[0]);
  EXPECT_EQ(error(v.a), "launch of kernel 'causal': param 'slopes' is given twice");
}

// ---- varlen and paged KV: the sequence tensors -----------------------------

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
  // The longest KV sequence, a hint for the split count of a varlen decode kernel.
  EXPECT_EQ(errorOf(k, varlenArgs(), [](LaunchArgs &a) { a.maxSeqlenKV = 5; }), "");
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

// An e4m3 KV cache under a bf16 Q (kv_dtype): k and v are checked as e4m3, q and out as
// bf16, the descale params as params.
TEST(RuntimeValidateSequences, PagedE4M3Cache) {
  Kernel k = fakeKernel(freshDir("paged-e4m3"),
                        "kernel pg8 { mode = decode; heads = 8 : 2; head_dim = 64\n"
                        "  kv_dtype = e4m3; paged_kv(page = 32)\n"
                        "  param ks : f32[batch, kv_heads]; k_descale = ks[b, h / 4] }");
  auto e4m3Args = [] {
    LaunchArgs a = pagedArgs();
    a.k.dtype = a.v.dtype = DType::E4M3;
    a.params = {{"ks", Tensor{region(6), DType::F32, {2, 2}}}};
    return a;
  };
  EXPECT_TRUE(k.validate(e4m3Args()).isOk()) << k.validate(e4m3Args()).message();
  const std::string pre = "launch of kernel 'pg8': ";
  EXPECT_EQ(errorOf(k, e4m3Args(), [](LaunchArgs &a) { a.v.dtype = DType::BF16; }),
            pre + "tensor 'v' must be e4m3, got bf16");
  EXPECT_EQ(errorOf(k, e4m3Args(), [](LaunchArgs &a) { a.q.dtype = DType::E4M3; }),
            pre + "tensor 'q' must be bf16, got e4m3");
  EXPECT_EQ(errorOf(k, e4m3Args(), [](LaunchArgs &a) { a.out.dtype = DType::E4M3; }),
            pre + "tensor 'out' must be bf16, got e4m3");
  EXPECT_EQ(errorOf(k, e4m3Args(), [](LaunchArgs &a) { a.params[0].second.shape = {2, 8}; }),
            pre + "param 'ks' dimension 1 (kv_heads) must be 2, got 8");
}

TEST(RuntimeSplitKV, NumberOfSplits) {
  // One CTA an SM (148536 bytes of shared memory: 228 KB an SM holds one).
  auto edit = [](CompiledKernel &k) {
    k.blockN = 32;
    k.maxSplits = 16;
    k.threads = 128;
    k.sharedBytes = 148536;
  };
  Kernel split = fakeKernel(freshDir("splits"), kPaged, edit);
  LaunchArgs a = pagedArgs(); // 2 x 8 = 16 CTAs; 4 pages of 32 = 4 KV blocks of 32
  // The cost model, waves(s) * (ceil(blocks / s) + 1) + 0.16 s with waves(s) = ceil(16 s /
  // 132): at most 4 splits (the KV blocks), all in one wave: s = 1..4 cost 5.16, 3.32, 3.48,
  // 2.64.
  EXPECT_EQ(split.numSplits(a, 132), 4);
  // A table of 64 pages (64 blocks), up to 16 splits: s = 8 is one wave of 128 CTAs, 8 blocks
  // each (cost 9 + 1.28); s = 7 costs 11 + 1.12, s = 9..16 two waves (s = 16: 10 + 2.56).
  a.blockTable->shape = {2, 64};
  EXPECT_EQ(split.numSplits(a, 132), 8);
  // 16 SMs, a full wave already: s = 1 costs 65.16, s = 2 two waves of 33 = 66.32.
  EXPECT_EQ(split.numSplits(a, 16), 1);
  // The caller's count, within [1, max_splits].
  a.splits = 3;
  EXPECT_TRUE(split.validate(a).isOk()) << split.validate(a).message();
  EXPECT_EQ(split.numSplits(a, 132), 3);
  const std::string pre = "launch of kernel 'pg': ";
  EXPECT_EQ(errorOf(split, a, [](LaunchArgs &x) { x.splits = 17; }),
            pre + "splits = 17 is outside [1, 16] (the kernel's max_splits; 0: chosen at launch)");
  EXPECT_EQ(errorOf(split, a, [](LaunchArgs &x) { x.splits = -1; }),
            pre + "splits = -1 is outside [1, 16] (the kernel's max_splits; 0: chosen at launch)");
  a.splits = 0;
  // GQA-packed 8 heads a CTA (2 CTAs, an MQA decode step's shape) over 1024 blocks with up to
  // 256 splits: in one wave (s <= 66) ceil(1024 / s) + 1 + 0.16 s is least at s = 64 (17 +
  // 10.24; s = 57: 19 + 9.12, s = 66: 17 + 10.56), two waves past 66 (s = 79: 28 + 12.64).
  // (The rule before, the first count within 85% of the best SM fill under max_splits 16,
  // left 100 SMs idle.)
  Kernel packed = fakeKernel(freshDir("splits-packed"), kPaged, [&](CompiledKernel &k) {
    edit(k);
    k.maxSplits = 256;
    k.headGroup = 8;
  });
  a.blockTable->shape = {2, 1024};
  EXPECT_EQ(packed.numSplits(a, 132), 64);
  // 128 blocks: the combine's share now decides (step 32's sweep: 32 splits 20 us, 128 splits
  // 30 us at MQA 1 x 16k): s = 32 costs 5 + 5.12, s = 26 6 + 4.16, s = 43 4 + 6.88, s = 64 3 +
  // 10.24.
  a.blockTable->shape = {2, 128};
  EXPECT_EQ(packed.numSplits(a, 132), 32);
  // A table of 1024 pages whose longest sequence the caller says is 4096 rows: the 128 blocks
  // of 32 rows that hold it decide (32 splits, as above), not the table's 1024.
  a.blockTable->shape = {2, 1024};
  a.maxSeqlenKV = 4096;
  EXPECT_TRUE(packed.validate(a).isOk()) << packed.validate(a).message();
  EXPECT_EQ(packed.numSplits(a, 132), 32);
  // A forced count sizes the workspace too: 2 x 5 parts of partial O (seq_q 1, 8 heads, dim
  // 64) and LSE (8 heads, seq_q 1) in f32.
  a.splits = 5;
  EXPECT_EQ(packed.workspaceBytes(a, 132), size_t(2 * 5 * (1 * 8 * 64 + 8 * 1)) * 4);
  a.splits = 0;
  EXPECT_EQ(errorOf(packed, a, [](LaunchArgs &x) { x.maxSeqlenKV = -1; }),
            pre + "maxSeqlenKV must be 0 (the block table's capacity, or total_kv) or "
                  "positive, got -1");
  a.maxSeqlenKV = 0;
  // Not a split-KV kernel.
  Kernel plain = fakeKernel(freshDir("splits-plain"), kPaged);
  a.blockTable->shape = {2, 64};
  EXPECT_EQ(plain.numSplits(a, 132), 1);
  EXPECT_EQ(errorOf(plain, a, [](LaunchArgs &x) { x.splits = 2; }),
            pre + "splits = 2 for a kernel without split-KV (only 0 is accepted)");
}

// varlen decode: the splits of every sequence share S workspace rows of
// total_q query rows (faattn-split-kv), and the split count is chosen for
// the longest sequences the caller names (else the packed totals).
TEST(RuntimeSplitKV, VarlenDecode) {
  // A varlen decode kernel of blocks of 32 keys, up to 16 splits, one CTA an SM, whose splits
  // are balanced `balance` times over (split_kv.balance).
  auto varlenDecode = [](const char *dir, int64_t balance) {
    return fakeKernel(
        freshDir(dir), "kernel vd { mode = decode; heads = 8 : 2; head_dim = 64; varlen; return_lse }",
        [balance](CompiledKernel &k) {
          k.blockN = 32;
          k.maxSplits = 16;
          k.splitBalance = balance;
          k.threads = 128;
          k.sharedBytes = 148536;
        });
  };
  Kernel split = varlenDecode("splits-varlen", 1);
  LaunchArgs a = varlenArgs(); // 3 sequences, 100 query rows, 77 KV rows; maxSeqlenQ 60
  a.k.shape[0] = a.v.shape[0] = 4096;
  ASSERT_TRUE(split.validate(a).isOk()) << split.validate(a).message();
  // 3 x 8 heads x ceil(60 / 64) = 24 CTAs over 128 KV blocks of 32 (total_kv): the model's
  // cost waves(s) * (ceil(128 / s) + 1) + 0.16 s, waves(s) = ceil(24 s / 132), is least at
  // s = 11 (two waves: 2 x 13 + 1.76 = 27.76; s = 5, the best single wave: 27 + 0.8).
  EXPECT_EQ(split.numSplits(a, 132), 11);
  // Without maxSeqlenQ the grid has ceil(100 / 64) = 2 q-blocks a head: 48 CTAs, s = 8
  // (three waves: 3 x 17 + 1.28 = 52.28; s = 5: 2 x 27 + 0.8, s = 11: 4 x 13 + 1.76).
  a.maxSeqlenQ = 0;
  EXPECT_EQ(split.numSplits(a, 132), 8);
  a.maxSeqlenQ = 60;
  // The longest KV sequence, 1024 rows (32 blocks): s = 5 costs 8 + 0.8, s = 11 2 x 4 + 1.76.
  a.maxSeqlenKV = 1024;
  EXPECT_EQ(split.numSplits(a, 132), 5);
  a.maxSeqlenKV = 128; // 4 blocks: s = 4 costs 2 + 0.64, s = 2 3 + 0.32
  EXPECT_EQ(split.numSplits(a, 132), 4);
  // S rows of every sequence's 100 query rows, not 3 x S: partial O (8 heads, dim 64) and
  // LSE (8 heads) in f32.
  EXPECT_EQ(split.workspaceBytes(a, 132), size_t(4 * 100 * (8 * 64 + 8)) * 4);
  a.splits = 7;
  EXPECT_EQ(split.workspaceBytes(a, 132), size_t(7 * 100 * (8 * 64 + 8)) * 4);
  a.splits = 0;
  // Balanced splits (split_kv.balance 2): the model picks S_u among at most max_splits / 2 =
  // 8, and the launch takes 2 S_u. The longest sequence 1024 rows: S_u = 5 (above), S = 10.
  Kernel balanced = varlenDecode("splits-balanced", 2);
  a.maxSeqlenKV = 1024;
  EXPECT_EQ(balanced.numSplits(a, 132), 10);
  EXPECT_EQ(balanced.workspaceBytes(a, 132), size_t(10 * 100 * (8 * 64 + 8)) * 4);
  // 128 blocks (total_kv): s = 11 is past 8; among 1..8 the single wave s = 5 (27 + 0.8)
  // beats s = 8 (two waves: 2 x 17 + 1.28), so S = 10.
  a.maxSeqlenKV = 0;
  EXPECT_EQ(balanced.numSplits(a, 132), 10);
  // 4 blocks: S_u = 4, S = 8 (the CTAs past a sequence's chunks run no block).
  a.maxSeqlenKV = 128;
  EXPECT_EQ(balanced.numSplits(a, 132), 8);
}

// The caller's workspace (LaunchArgs::workspace): its size, and the checks
// that run without a GPU.
TEST(RuntimeSplitKV, CallerWorkspace) {
  Kernel split = fakeKernel(freshDir("workspace"), kPaged, [](CompiledKernel &k) {
    k.blockN = 32;
    k.maxSplits = 16;
  });
  LaunchArgs a = pagedArgs();
  // 4 splits on 132 SMs (NumberOfSplits: 4 blocks, one wave at any count): 2 x 4 parts of partial O (seq_q 1,
  // 8 heads, dim 64) and LSE (8 heads, seq_q 1) in f32.
  ASSERT_EQ(split.numSplits(a, 132), 4);
  EXPECT_EQ(split.workspaceBytes(a, 132), size_t(2 * 4 * (1 * 8 * 64 + 8 * 1)) * 4);
  EXPECT_EQ(fakeKernel(freshDir("workspace-plain"), kPaged).workspaceBytes(a, 132), 0u);
  a.workspace = region(6);
  a.workspaceBytes = split.workspaceBytes(a, 132);
  EXPECT_TRUE(split.validate(a).isOk()) << split.validate(a).message();
  const std::string pre = "launch of kernel 'pg': ";
  EXPECT_EQ(errorOf(split, a, [](LaunchArgs &x) {
              x.workspace = static_cast<char *>(region(6)) + 4;
            }),
            pre + "the workspace is not 16-byte aligned");
  EXPECT_EQ(errorOf(split, a, [](LaunchArgs &x) { x.workspace = x.out.data; }),
            pre + "tensor 'workspace' overlaps tensor 'out' (an output must not share memory "
                  "with another tensor)");
  EXPECT_EQ(errorOf(split, a, [](LaunchArgs &x) { x.workspace = x.k.data; }),
            pre + "tensor 'workspace' overlaps tensor 'k' (an output must not share memory "
                  "with another tensor)");
}

// faattn-split-kv's last-cta-combine (FAATTN_SPLIT_COMBINE=last_cta): the
// workspace gains the tiles' i32 counters (batch, heads, seq_q) at the next
// 256-byte boundary after the partials, and the disk entry keeps the form.
TEST(RuntimeSplitKV, LastCtaCombineCounters) {
  auto edit = [](CompiledKernel &k) {
    k.blockN = 32;
    k.maxSplits = 16;
    k.lastCtaCombine = true;
  };
  Kernel split = fakeKernel(freshDir("last-cta"), kPaged, edit);
  LaunchArgs a = pagedArgs();
  ASSERT_EQ(split.numSplits(a, 132), 4); // as CallerWorkspace's
  // Partials: 2 x 4 parts of (1 x 8 x 64 + 8 x 1) f32 = 16640 bytes, so the counters start at
  // 16640 rounded up to 256 = 16640 (65 x 256); 2 x 8 x 1 i32 counters = 64 bytes.
  size_t partials = size_t(2 * 4 * (1 * 8 * 64 + 8 * 1)) * 4;
  ASSERT_EQ(partials % 256, 0u);
  EXPECT_EQ(split.workspaceBytes(a, 132), partials + 2 * 8 * 1 * 4);
  // 3 splits: 12480 bytes of partials, the counters at 12544.
  a.splits = 3;
  EXPECT_EQ(split.workspaceBytes(a, 132), size_t(12544 + 64));
  a.splits = 0;
  // varlen (packed query rows): the counters are (1, heads, total_q): 8 x 100 i32 after 7 parts
  // of 100 rows x (8 x 64 + 8) f32 = 1456000 bytes (5687.5 x 256: the counters at 1456128).
  Kernel packed = fakeKernel(
      freshDir("last-cta-varlen"),
      "kernel vd { mode = decode; heads = 8 : 2; head_dim = 64; varlen; return_lse }",
      [&](CompiledKernel &k) {
        edit(k);
        k.splitBalance = 1;
      });
  LaunchArgs v = varlenArgs();
  v.splits = 7;
  ASSERT_TRUE(packed.validate(v).isOk()) << packed.validate(v).message();
  EXPECT_EQ(packed.workspaceBytes(v, 132), size_t(1456128 + 8 * 100 * 4));
  Kernel back = reloaded(freshDir("last-cta-disk"), kPaged, edit);
  EXPECT_TRUE(back.compiled().lastCtaCombine);
  EXPECT_EQ(back.compiled().maxSplits, 16);
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

// The split grid on the wgmma TMA pipeline (tensor maps, 256 threads, a K/V
// ring in dynamic shared memory) with its SIMT combine: valid, and kept.
TEST(RuntimeSplitKV, ASplitKVKernelOnTheTmaPipelineIsKept) {
  std::string dir = freshDir("split-tma-disk");
  auto edit = [](CompiledKernel &k) {
    k.blockM = 128;
    k.threads = 256;
    k.sharedBytes = 164920;
    k.blockN = 128;
    k.maxSplits = 16;
    k.tmaBlockN = 128;
    k.tmaSwizzleQK = k.tmaSwizzleV = k.tmaSwizzleK = k.tmaSwizzleVLoad = 128;
  };
  Kernel k = reloaded(dir, kSpec, edit);
  EXPECT_EQ(k.compiled().maxSplits, 16);
  EXPECT_EQ(k.compiled().tmaBlockN, 128);
  EXPECT_EQ(k.compiled().threads, 256);
  // The combine entry's parameters: the memrefs only (no tensor maps).
  EXPECT_EQ(k.compiled().combineLlvmParams(), k.compiled().llvmParams() - 4);
}

TEST(RuntimePersistent, DiskEntryKeepsThePersistentGrid) {
  std::string dir = freshDir("persistent-disk");
  auto edit = [](CompiledKernel &k) {
    k.threads = 256;
    k.tmaBlockN = 128;
    k.tmaSwizzleQK = k.tmaSwizzleV = k.tmaSwizzleK = k.tmaSwizzleVLoad = 128;
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
    CompiledKernel k = fakeCompiled(name, "// ptx\n", 64);
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

} // namespace
