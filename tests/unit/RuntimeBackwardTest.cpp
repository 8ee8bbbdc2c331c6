//===- RuntimeBackwardTest.cpp - The backward through the runtime's API --===//
//
// Runtime::compileBackward (the backward of a forward kernel with the
// `backward` flag, or a mode = backward kernel), the backward's launch
// arguments (dout, dq, dk, dv, the param gradients) and every message of
// their checks, its GPU build (two entries and a workspace), and launch()
// without a CUDA driver returning an error. No GPU: the checks never
// dereference the tensors.
//
//===----------------------------------------------------------------------===//
#include "RuntimeTestSupport.h"

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>

namespace faattn::runtime_test {
namespace {

// GQA 8:2, a learnable ALiBi slope per head and a fixed per-head bias.
const char *const kTrain = R"(
kernel train { heads = 8 : 2; head_dim = 64; dtype = bf16; mask = causal; backward
  param slopes : f32[heads] requires_grad
  param bias : f32[heads]
  score = score - slopes[h] * (q_idx - kv_idx) + bias[h] }
)";

/// Valid arguments of kTrain's backward (distinct fake addresses).
LaunchArgs backwardArgs() {
  LaunchArgs a;
  a.q = {region(0), DType::BF16, {2, 100, 8, 64}};
  a.k = {region(1), DType::BF16, {2, 77, 2, 64}};
  a.v = {region(2), DType::BF16, {2, 77, 2, 64}};
  a.out = {region(3), DType::BF16, {2, 100, 8, 64}};
  a.lse = Tensor{region(4), DType::F32, {2, 8, 100}};
  a.params = {{"slopes", Tensor{region(5), DType::F32, {8}}},
              {"bias", Tensor{region(6), DType::F32, {8}}}};
  a.dout = Tensor{region(7), DType::BF16, {2, 100, 8, 64}};
  a.dq = Tensor{region(8), DType::BF16, {2, 100, 8, 64}};
  a.dk = Tensor{region(9), DType::BF16, {2, 77, 2, 64}};
  a.dv = Tensor{region(10), DType::BF16, {2, 77, 2, 64}};
  a.paramGrads = {{"slopes", Tensor{region(11), DType::F32, {8}}}};
  return a;
}

class RuntimeBackward : public ::testing::Test {
protected:
  static RuntimeOptions noDiskCache() {
    RuntimeOptions o;
    o.cacheDir = "";
    return o;
  }
  Runtime rt{noDiskCache()};
  Kernel backward() {
    auto k = rt.compileBackward(kTrain);
    EXPECT_TRUE(k) << k.error();
    return *k;
  }
};

TEST_F(RuntimeBackward, ValidArgumentsPassInTheABIOrder) {
  Kernel k = backward();
  EXPECT_EQ(k.name(), "train");
  LaunchArgs a = backwardArgs();
  auto tensors = k.argTensors(a);
  ASSERT_TRUE(tensors) << tensors.error();
  // kernelArgs' order: q k v out lse dout dq dk dv, the params, the gradients (then the
  // GPU build's workspace, which the runtime allocates: not a tensor of the args; the
  // tensor-core backward's is the delta and the f32 dQ accumulator).
  std::vector<const Tensor *> want = {&a.q,      &a.k,  &a.v,  &a.out, &*a.lse,
                                      &*a.dout,  &*a.dq, &*a.dk, &*a.dv};
  // The params in the spec's (sorted) order: bias, slopes.
  want.push_back(&a.params[1].second);
  want.push_back(&a.params[0].second);
  want.push_back(&a.paramGrads[0].second);
  EXPECT_EQ(*tensors, want);
  std::vector<std::string> names;
  for (const KernelArg &arg : k.compiled().args)
    names.push_back(arg.name);
  EXPECT_EQ(names, (std::vector<std::string>{"q", "k", "v", "out", "lse", "dout", "dq", "dk",
                                             "dv", "param:bias", "param:slopes",
                                             "grad:slopes", "workspace:delta",
                                             "workspace:dq"}));
}

TEST_F(RuntimeBackward, EveryErrorHasItsMessage) {
  Kernel k = backward();
  const std::string pre = "launch of kernel 'train': ";
  struct Case {
    std::function<void(LaunchArgs &)> edit;
    std::string message;
  } cases[] = {
      {[](LaunchArgs &a) { a.lse.reset(); },
       "a backward kernel reads the forward's LSE: tensor 'lse' (batch, heads, seq_q) f32 is "
       "missing"},
      {[](LaunchArgs &a) { a.dout.reset(); },
       "a backward kernel needs tensor 'dout' (shaped as 'out')"},
      {[](LaunchArgs &a) { a.dk.reset(); },
       "a backward kernel needs tensor 'dk' (shaped as 'k')"},
      {[](LaunchArgs &a) { a.dq->dtype = DType::F16; }, "tensor 'dq' must be bf16, got f16"},
      {[](LaunchArgs &a) { a.dv->shape = {2, 76, 2, 64}; },
       "tensor 'dv' must have the shape of tensor 'v'"},
      {[](LaunchArgs &a) { a.dout->shape = {2, 100, 8}; }, "tensor 'dout' must have rank 4, got 3"},
      {[](LaunchArgs &a) { a.dq->data = nullptr; }, "tensor 'dq' has a null pointer"},
      {[](LaunchArgs &a) { a.paramGrads.clear(); },
       "the gradient of param 'slopes' (requires_grad) is missing"},
      {[](LaunchArgs &a) { a.paramGrads.push_back({"bias", Tensor{region(12), DType::F32, {8}}}); },
       "a gradient is given for param 'bias', which does not have requires_grad"},
      {[](LaunchArgs &a) { a.paramGrads.push_back({"temp", Tensor{region(12), DType::F32, {8}}}); },
       "a gradient is given for 'temp', but the spec has no param 'temp'"},
      {[](LaunchArgs &a) { a.paramGrads.push_back(a.paramGrads[0]); },
       "the gradient of param 'slopes' is given twice"},
      {[](LaunchArgs &a) { a.paramGrads[0].second.dtype = DType::BF16; },
       "tensor 'grad slopes' must be f32, got bf16"},
      {[](LaunchArgs &a) { a.paramGrads[0].second.shape = {4}; },
       "the gradient of param 'slopes' must have the param's shape"},
      // The gradients are written: none may share memory with what is read
      // (the forward's out, LSE and dout included) or with each other.
      {[](LaunchArgs &a) { a.dq->data = a.out.data; },
       "tensor 'dq' overlaps tensor 'out' (an output must not share memory with another "
       "tensor)"},
      {[](LaunchArgs &a) { a.dk->data = a.dout->data; },
       "tensor 'dk' overlaps tensor 'dout' (an output must not share memory with another "
       "tensor)"},
      {[](LaunchArgs &a) { a.paramGrads[0].second.data = a.params[0].second.data; },
       "tensor 'grad slopes' overlaps tensor 'param slopes' (an output must not share memory "
       "with another tensor)"},
      {[](LaunchArgs &a) { a.dv->data = a.dk->data; },
       "tensor 'dv' overlaps tensor 'dk' (an output must not share memory with another "
       "tensor)"},
  };
  for (const Case &c : cases)
    EXPECT_EQ(errorOf(k, backwardArgs(), c.edit), pre + c.message);
}

TEST_F(RuntimeBackward, ForwardKernelsRefuseTheBackwardsArguments) {
  // kSpec has no backward flag (the stand-in compiler makes its forward).
  std::optional<Kernel> fwd = fakeKernel(freshDir("backward-forward"), kSpec);
  ValidArgs v;
  EXPECT_TRUE(fwd->validate(v.a)) << fwd->validate(v.a).message();
  EXPECT_EQ(errorOf(*fwd, v.a, [](LaunchArgs &x) { x.dq = x.q; }),
            "launch of kernel 'causal': tensor 'dq' is only for backward kernels, this one is "
            "a forward kernel");
  EXPECT_EQ(errorOf(*fwd, v.a,
                    [](LaunchArgs &x) {
                      x.paramGrads = {{"slopes", Tensor{region(9), DType::F32, {8}}}};
                    }),
            "launch of kernel 'causal': param gradients ('slopes') are only for backward "
            "kernels, this one is a forward kernel");
}

TEST_F(RuntimeBackward, KernelsWithoutABackward) {
  auto none = rt.compileBackward(kSpec);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error(), "kernel 'causal' has no backward: add the `backward` flag to its "
                          "spec (a forward kernel then also yields its backward), or write it "
                          "with mode = backward");
  // Those that cannot have one say why instead of suggesting the flag.
  auto decode = rt.compileBackward("kernel d { mode = decode; heads = 8 : 2; head_dim = 64 }");
  ASSERT_FALSE(decode);
  EXPECT_EQ(decode.error(), "kernel 'd' has no backward: mode = decode kernels have none");
  auto paged = rt.compileBackward(kPaged);
  ASSERT_FALSE(paged);
  EXPECT_EQ(paged.error(), "kernel 'pg' has no backward: mode = decode kernels have none");
  auto pagedForward = rt.compileBackward("kernel f { heads = 2; head_dim = 64; paged_kv(page = 16) }");
  ASSERT_FALSE(pagedForward);
  EXPECT_EQ(pagedForward.error(), "kernel 'f' has no backward: paged_kv kernels have none");
  auto e4m3 = rt.compileBackward("kernel e { heads = 2; head_dim = 64; dtype = e4m3 }");
  ASSERT_FALSE(e4m3);
  EXPECT_EQ(e4m3.error(), "kernel 'e' has no backward: dtype e4m3 kernels have none");
  auto kv8 = rt.compileBackward("kernel c { heads = 2; head_dim = 64; kv_dtype = e4m3 }");
  ASSERT_FALSE(kv8);
  EXPECT_EQ(kv8.error(), "kernel 'c' has no backward: kv_dtype e4m3 kernels have none");
  auto unknown = rt.compileBackward(kTrain, "nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), "the spec has no kernel named 'nope' (it has train)");
  auto bad = rt.compileBackward("kernel x { heads = 2; head_dim = 64; backward; mode = decode }");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().rfind("spec error:\n", 0), 0u) << bad.error();
}

TEST_F(RuntimeBackward, ModeBackwardIsTheSameKernel) {
  // The backward written out: the same ABI as the flag's.
  const char *written = R"(
kernel train { heads = 8 : 2; head_dim = 64; dtype = bf16; mask = causal; mode = backward
  param slopes : f32[heads] requires_grad
  param bias : f32[heads]
  score = score - slopes[h] * (q_idx - kv_idx) + bias[h] }
)";
  auto viaCompile = rt.compile(written);
  auto viaBackward = rt.compileBackward(written);
  ASSERT_TRUE(viaCompile) << viaCompile.error();
  ASSERT_TRUE(viaBackward) << viaBackward.error();
  Kernel flag = backward();
  EXPECT_EQ(viaCompile->compiled().args, flag.compiled().args);
  EXPECT_EQ(viaBackward->compiled().args, flag.compiled().args);
  EXPECT_TRUE(viaCompile->validate(backwardArgs()));
}

TEST_F(RuntimeBackward, LaunchIsAnErrorNotACrash) {
  Kernel k = backward();
  // The arguments are checked first; valid ones then need the CUDA driver (on a
  // machine without one: its error, not a crash).
  EXPECT_EQ(k.launch(LaunchArgs()).message(),
            "launch of kernel 'train': tensor 'q' must have rank 4, got 0");
  if (void *h = dlopen("libcuda.so.1", RTLD_NOW)) {
    dlclose(h);
  } else {
    std::string m = k.launch(backwardArgs()).message();
    EXPECT_EQ(m.rfind("launch of kernel 'train': cannot load the CUDA driver (libcuda.so.1): ", 0),
              0u)
        << m;
  }
  // The CPU path's executor: f32 host tensors, their real sizes in the overlap checks (dq
  // in the second half of an f32 q is caught; checked as bf16 it would not be).
  LaunchArgs host = backwardArgs();
  for (Tensor *t : {&host.q, &host.k, &host.v, &host.out, &*host.dout, &*host.dq, &*host.dk,
                    &*host.dv})
    t->dtype = DType::F32;
  EXPECT_TRUE(k.argTensors(host, /*hostF32=*/true));
  host.dq->data = static_cast<char *>(host.q.data) + 2 * 100 * 8 * 64 * 2;
  EXPECT_EQ(k.argTensors(host, true).error(),
            "launch of kernel 'train': tensor 'dq' overlaps tensor 'q' (an output must not "
            "share memory with another tensor)");
  EXPECT_EQ(k.argTensors(host, false).error(),
            "launch of kernel 'train': tensor 'q' must be bf16, got f32");
  // Its GPU build: the tensor-core backward (head dim 64, bf16): entries train_pre, train
  // (the main grid on wgmma) and train_post; the workspace is the delta (2 x 8 x 100 f32,
  // 6400 bytes, a multiple of 256) then the f32 dQ accumulator (2 x 100 x 8 x 64).
  EXPECT_EQ(k.compiled().mapping, "wgmma");
  EXPECT_TRUE(k.compiled().backward);
  EXPECT_TRUE(k.compiled().backwardTiled);
  EXPECT_NE(k.compiled().ptx.find(".entry train_pre("), std::string::npos);
  EXPECT_NE(k.compiled().ptx.find(".entry train("), std::string::npos);
  EXPECT_NE(k.compiled().ptx.find(".entry train_post("), std::string::npos);
  EXPECT_EQ(k.compiled().args.back().name, "workspace:dq");
  EXPECT_EQ(k.workspaceBytes(backwardArgs(), 132), size_t(6400 + 2 * 100 * 8 * 64 * 4));
}

TEST_F(RuntimeBackward, DeterministicTakesTurnLocks) {
  // deterministic (no learnable param): the tiled build's workspace gains the Q blocks' turn
  // locks, workspace:dqlock (i32 shaped as the LSE), after the f32 dQ accumulator rounded up
  // to 256 bytes: 6400 + 409600 (a multiple of 256) + 6400.
  auto k = rt.compileBackward(R"(
kernel train { heads = 8 : 2; head_dim = 64; dtype = bf16; mask = causal; mode = backward
  deterministic }
)");
  ASSERT_TRUE(k) << k.error();
  EXPECT_TRUE(k->compiled().backwardTiled);
  EXPECT_EQ(k->compiled().args.back().name, "workspace:dqlock");
  EXPECT_EQ(k->compiled().args.back().dtype, "i32");
  LaunchArgs a = backwardArgs();
  a.params.clear();
  a.paramGrads.clear();
  EXPECT_TRUE(k->validate(a)) << k->validate(a).message();
  EXPECT_EQ(k->workspaceBytes(a, 132), size_t(6400 + 2 * 100 * 8 * 64 * 4 + 6400));
  // Thread 0 polls and releases the locks (atomic OR, exchange), with gpu-scope fences.
  const std::string &ptx = k->compiled().ptx;
  EXPECT_NE(ptx.find("atom.global.or.b32"), std::string::npos);
  EXPECT_NE(ptx.find("atom.global.exch.b32"), std::string::npos);
  EXPECT_NE(ptx.find("membar.gl"), std::string::npos);
  // Without the key: the same kernel has none of it.
  auto plain = rt.compileBackward(R"(
kernel train { heads = 8 : 2; head_dim = 64; dtype = bf16; mask = causal; mode = backward }
)");
  ASSERT_TRUE(plain) << plain.error();
  EXPECT_EQ(plain->compiled().args.back().name, "workspace:dq");
  EXPECT_EQ(plain->compiled().ptx.find("atom.global.exch.b32"), std::string::npos);
  EXPECT_EQ(plain->workspaceBytes(a, 132), size_t(6400 + 2 * 100 * 8 * 64 * 4));
}

TEST_F(RuntimeBackward, DeterministicParamGradientsTakePartials) {
  // deterministic with a learnable param (kTrain's slopes): after the locks come the param
  // gradients' partials, workspace:pgrad (f32: 2 sequences x 8 heads x ceil(77 / 64) = 2 KV
  // blocks x 4 slots x 8 entries = 4096 bytes) and their indices, workspace:pgidx (i32: 2 x 8
  // x 8 = 512 bytes), each rounded up to 256.
  auto k = rt.compileBackward(R"(
kernel train { heads = 8 : 2; head_dim = 64; dtype = bf16; mask = causal; backward
  deterministic
  param slopes : f32[heads] requires_grad
  param bias : f32[heads]
  score = score - slopes[h] * (q_idx - kv_idx) + bias[h] }
)");
  ASSERT_TRUE(k) << k.error();
  const std::vector<KernelArg> &args = k->compiled().args;
  ASSERT_GE(args.size(), 3u);
  EXPECT_EQ(args[args.size() - 3].name, "workspace:dqlock");
  EXPECT_EQ(args[args.size() - 2].name, "workspace:pgrad");
  EXPECT_EQ(args[args.size() - 2].dtype, "f32");
  EXPECT_EQ(args[args.size() - 2].shape,
            (std::vector<std::string>{"batch", "8", "ceil(seq_kv / block_n)", "32"}));
  EXPECT_EQ(args.back().name, "workspace:pgidx");
  EXPECT_EQ(args.back().shape, (std::vector<std::string>{"batch", "8", "8"}));
  EXPECT_EQ(k->compiled().blockN, 64);
  LaunchArgs a = backwardArgs();
  EXPECT_TRUE(k->validate(a)) << k->validate(a).message();
  EXPECT_EQ(k->workspaceBytes(a, 132), size_t(6400 + 2 * 100 * 8 * 64 * 4 + 6400 + 4096 + 512));
  // The post kernel sums them: a warp's lanes over the partials, a shuffle tree, a CTA
  // barrier, then one thread's adds (no atomics into the gradient).
  const std::string &ptx = k->compiled().ptx;
  size_t post = ptx.find(".entry train_post(");
  ASSERT_NE(post, std::string::npos);
  std::string postPtx = ptx.substr(post);
  EXPECT_NE(postPtx.find("shfl.sync.bfly"), std::string::npos);
  EXPECT_NE(postPtx.find("bar.sync"), std::string::npos);
  EXPECT_EQ(postPtx.find("atom.global.add.f32"), std::string::npos);
}

TEST_F(RuntimeBackward, Varlen) {
  auto k = rt.compileBackward(
      "kernel vb { heads = 8 : 2; head_dim = 64; varlen; mask = causal; backward }");
  ASSERT_TRUE(k) << k.error();
  LaunchArgs a = varlenArgs();
  a.dout = Tensor{region(7), DType::BF16, {100, 8, 64}};
  a.dq = Tensor{region(8), DType::BF16, {100, 8, 64}};
  a.dk = Tensor{region(9), DType::BF16, {77, 2, 64}};
  a.dv = Tensor{region(10), DType::BF16, {77, 2, 64}};
  EXPECT_TRUE(k->validate(a)) << k->validate(a).message();
  a.lse.reset();
  EXPECT_EQ(k->validate(a).message(),
            "launch of kernel 'vb': a backward kernel reads the forward's LSE: tensor 'lse' "
            "(heads, total_q) f32 is missing");
}

TEST_F(RuntimeBackward, TheDiskCacheKeepsTheGPUBuild) {
  // The derived backward is cached under its own key (its canonical form: mode = backward)
  // and read back whole: the backward object, block_n, both entries' PTX.
  RuntimeOptions o;
  o.cacheDir = freshDir("backward-cache");
  Runtime first(o);
  auto a = first.compileBackward(kTrain);
  ASSERT_TRUE(a) << a.error();
  auto fwd = first.compile(kTrain);
  ASSERT_TRUE(fwd) << fwd.error();
  EXPECT_FALSE(fwd->compiled().backward);
  EXPECT_EQ(first.stats().compiles, 2);
  Runtime second(o);
  auto b = second.compileBackward(kTrain);
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(second.stats().compiles, 0);
  EXPECT_EQ(second.stats().diskHits, 1);
  EXPECT_TRUE(b->compiled().backward);
  EXPECT_EQ(b->compiled().blockN, a->compiled().blockN);
  EXPECT_EQ(b->compiled().ptx, a->compiled().ptx);
  EXPECT_EQ(b->compiled().args, a->compiled().args);
}

TEST_F(RuntimeBackward, AReplacementCompilerMustReturnABackwardBuild) {
  // The hook gets the forward's text and name for a derived backward: a forward build it
  // returns is refused before any cache keeps it (launch() would write out and lse).
  RuntimeOptions o;
  o.cacheDir = "";
  o.compiler = [](const std::string &, const std::string &name) -> Result<CompiledKernel> {
    return fakeCompiled(name, "// fake ptx\n", 64);
  };
  Runtime fake(o);
  auto k = fake.compileBackward(kTrain);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error(), "kernel 'train': the compiler returned a forward build for a backward "
                       "kernel");
  EXPECT_TRUE(fake.compile(kTrain)) << "the forward itself is fine";
}

// The tiled backward's build (the tensor-core one: entries _pre, the kernel and
// _post; workspace:dq after workspace:delta), as a compiler returns it: kept through the disk
// cache, and its workspace is the delta (256-byte aligned) plus an f32 dQ accumulator.
TEST_F(RuntimeBackward, ATiledBuildKeepsItsFormAndSizesItsWorkspace) {
  CompiledKernel tiled = backward().compiled();
  tiled.backwardTiled = true;
  tiled.mapping = "wgmma";
  tiled.schedule = "backward";
  tiled.threads = 128;
  tiled.sharedBytes = 73728;
  auto dq = std::find_if(tiled.args.begin(), tiled.args.end(),
                         [](const KernelArg &a) { return a.name == "dq"; });
  ASSERT_NE(dq, tiled.args.end());
  tiled.args.push_back({"workspace:dq", "f32", dq->shape, dq->staticDims});
  std::string dir = freshDir("backward-tiled");
  auto withCompiler = [&] {
    RuntimeOptions o;
    o.cacheDir = dir;
    o.compiler = [tiled](const std::string &, const std::string &) -> Result<CompiledKernel> {
      return tiled;
    };
    return o;
  };
  Runtime first(withCompiler());
  auto k = first.compileBackward(kTrain);
  ASSERT_TRUE(k) << k.error();
  EXPECT_TRUE(k->compiled().backwardTiled);
  EXPECT_TRUE(k->validate(backwardArgs()));
  // delta: 2 x 8 x 100 f32 (6400 bytes, a multiple of 256), then dq's 2 x 100 x 8 x 64 in f32.
  EXPECT_EQ(k->workspaceBytes(backwardArgs(), 132), size_t(6400 + 2 * 100 * 8 * 64 * 4));
  // A second process reads it from the disk cache, form and all.
  RuntimeOptions reader;
  reader.cacheDir = dir;
  Runtime second(reader);
  auto again = second.compileBackward(kTrain);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(second.stats().diskHits, 1);
  EXPECT_TRUE(again->compiled().backwardTiled);
  EXPECT_EQ(again->compiled().args.back().name, "workspace:dq");
}

} // namespace
} // namespace faattn::runtime_test
