//===- KernelABITest.cpp - the kernel ABI's arguments and JSON form -------===//
//
// Tests faattn/Target/KernelABIJson.h: kernelArgs for each kind of kernel
// (dense, GQA with LSE and params, varlen, paged, split-KV), the JSON form's
// round trip, and kernelFromJson's refusals.
//
//===----------------------------------------------------------------------===//
#include "faattn/Spec/Spec.h"
#include "faattn/Target/KernelABIJson.h"

#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

#include <limits>

#include <algorithm>

using namespace faattn;
using nlohmann::json;

namespace {

/// The memref arguments of the one kernel of `text`, as "name:dtype[shape,...]",
/// a static extent (KernelArg::staticDims) written "=N".
std::vector<std::string> argsOf(const std::string &text, bool splitKV = false,
                                bool backwardTiled = false, bool lastCta = false) {
  llvm::SourceMgr sm;
  std::string diags;
  auto kernels = spec::parseAndCheckText(sm, text, "abi.fa", diags);
  EXPECT_TRUE(kernels && kernels->size() == 1) << diags;
  std::vector<std::string> out;
  if (!kernels || kernels->size() != 1)
    return out;
  for (const KernelArg &a : kernelArgs(kernels->front(), splitKV, backwardTiled, lastCta)) {
    std::string s = a.name + ":" + a.dtype + "[";
    for (size_t i = 0; i < a.shape.size(); ++i) {
      bool isStatic = std::find(a.staticDims.begin(), a.staticDims.end(),
                                static_cast<int64_t>(i)) != a.staticDims.end();
      s += (i ? "," : "") + std::string(isStatic ? "=" : "") + a.shape[i];
    }
    out.push_back(s + "]");
  }
  return out;
}

using Args = std::vector<std::string>;

/// A kernel ABI with every field set away from its default.
KernelABI fullAbi() {
  KernelABI a;
  a.name = "k";
  a.target = "sm_90a";
  a.args = {{"q", "bf16", {"batch", "seq_q", "8", "128"}, {2, 3}},
            {"param:slopes", "f32", {"8"}, {0}},
            {"param:doc", "i32", {"seq"}, {}}};
  a.blockM = 128;
  a.threads = 384;
  a.sharedBytes = 200704;
  a.tmaBlockN = 128;
  a.tmaSwizzleQK = 128; // head dim 128: 256-byte rows
  a.tmaSwizzleV = 64;   // as a head dim of 96 would have it (192-byte rows)
  a.tmaSwizzleK = a.tmaSwizzleQK; // K and V of Q's type: their maps' swizzles are q's and out's
  a.tmaSwizzleVLoad = a.tmaSwizzleV;
  a.mapping = "wgmma";
  a.schedule = "cooperative";
  a.stages = 2;
  a.tileOrder = "heavy_first";
  a.overlap = "softmax";
  a.minSeqKV = 1024;
  a.minKVBlocksPerWave = 2.5;
  return a;
}

} // namespace

TEST(KernelABI, ArgumentsOfADenseKernel) {
  EXPECT_EQ(argsOf("kernel k { heads = 8; head_dim = 128; dtype = f16 }"),
            (Args{"q:f16[batch,seq_q,=8,=128]", "k:f16[batch,seq_kv,=8,=128]",
                  "v:f16[batch,seq_kv,=8,=128]", "out:f16[batch,seq_q,=8,=128]"}));
}

TEST(KernelABI, ArgumentsInTheSpecsLayoutWithLseAndParamsInNameOrder) {
  // GQA, bhsd, return_lse; params in name order whatever their declaration order.
  EXPECT_EQ(argsOf("kernel k { heads = 8 : 2; head_dim = 192 : 128; layout = bhsd\n"
                   "return_lse = true\n param z : f32[heads]\n param a : i32[seq]\n"
                   "score = score - z[h] * a[q_idx] }"),
            (Args{"q:bf16[batch,=8,seq_q,=192]", "k:bf16[batch,=2,seq_kv,=192]",
                  "v:bf16[batch,=2,seq_kv,=128]", "out:bf16[batch,=8,seq_q,=128]",
                  "lse:f32[batch,=8,seq_q]", "param:a:i32[seq]", "param:z:f32[=8]"}));
}

TEST(KernelABI, ArgumentsOfVarlenAndPagedKernels) {
  EXPECT_EQ(argsOf("kernel k { heads = 4; head_dim = 64; varlen = true }"),
            (Args{"q:bf16[1,total_q,=4,=64]", "k:bf16[1,total_kv,=4,=64]", "v:bf16[1,total_kv,=4,=64]",
                  "out:bf16[1,total_q,=4,=64]", "cu_seqlens_q:i32[batch + 1]",
                  "cu_seqlens_kv:i32[batch + 1]"}));
  EXPECT_EQ(argsOf("kernel k { heads = 4; head_dim = 64; mode = decode; paged_kv(page = 16) }",
                   /*splitKV=*/true),
            (Args{"q:bf16[batch,seq_q,=4,=64]", "k:bf16[num_pages,16,=4,=64]",
                  "v:bf16[num_pages,16,=4,=64]", "out:bf16[batch,seq_q,=4,=64]",
                  "block_table:i32[batch,max_pages]", "seqlens_kv:i32[batch]",
                  "workspace:o:f32[batch * splits,seq_q,=4,=64]",
                  "workspace:lse:f32[batch * splits,=4,seq_q]"}));
  // varlen decode: every sequence's packed rows in `splits` rows of the workspace.
  EXPECT_EQ(argsOf("kernel k { heads = 4 : 2; head_dim = 64; mode = decode; varlen }",
                   /*splitKV=*/true),
            (Args{"q:bf16[1,total_q,=4,=64]", "k:bf16[1,total_kv,=2,=64]",
                  "v:bf16[1,total_kv,=2,=64]", "out:bf16[1,total_q,=4,=64]",
                  "cu_seqlens_q:i32[batch + 1]", "cu_seqlens_kv:i32[batch + 1]",
                  "workspace:o:f32[splits,total_q,=4,=64]",
                  "workspace:lse:f32[splits,=4,total_q]"}));
}

TEST(KernelABI, ArgumentsOfABackwardKernel) {
  // The CPU path's signature (no workspace), then the GPU build's: workspace:delta, shaped as
  // the LSE, after the param gradients.
  const char *spec = "kernel k { mode = backward; heads = 4 : 2; head_dim = 32; varlen\n"
                     " param s : f32[heads] requires_grad\n score = score * s[h] }";
  Args cpu = {"q:bf16[1,total_q,=4,=32]",    "k:bf16[1,total_kv,=2,=32]",
              "v:bf16[1,total_kv,=2,=32]",   "out:bf16[1,total_q,=4,=32]",
              "lse:f32[1,=4,total_q]",       "dout:bf16[1,total_q,=4,=32]",
              "dq:bf16[1,total_q,=4,=32]",   "dk:bf16[1,total_kv,=2,=32]",
              "dv:bf16[1,total_kv,=2,=32]",  "cu_seqlens_q:i32[batch + 1]",
              "cu_seqlens_kv:i32[batch + 1]", "param:s:f32[=4]",
              "grad:s:f32[=4]"};
  EXPECT_EQ(argsOf(spec), cpu);
  Args gpu = cpu;
  gpu.push_back("workspace:delta:f32[1,=4,total_q]");
  EXPECT_EQ(argsOf(spec, /*workspace=*/true), gpu);
  // The tiled backward's (the tensor-core build): workspace:dq, f32 as dq, last.
  gpu.push_back("workspace:dq:f32[1,total_q,=4,=32]");
  EXPECT_EQ(argsOf(spec, /*workspace=*/true, /*backwardTiled=*/true), gpu);
}

TEST(KernelABI, ArgumentsOfADeterministicBackward) {
  // deterministic: the tiled build's turn locks, i32 shaped as the LSE, after workspace:dq;
  // the SIMT build (no dQ accumulator) and the CPU path take none.
  const char *spec = "kernel k { mode = backward; heads = 4 : 2; head_dim = 32; mask = causal;"
                     " deterministic }";
  Args cpu = {"q:bf16[batch,seq_q,=4,=32]",  "k:bf16[batch,seq_kv,=2,=32]",
              "v:bf16[batch,seq_kv,=2,=32]", "out:bf16[batch,seq_q,=4,=32]",
              "lse:f32[batch,=4,seq_q]",     "dout:bf16[batch,seq_q,=4,=32]",
              "dq:bf16[batch,seq_q,=4,=32]", "dk:bf16[batch,seq_kv,=2,=32]",
              "dv:bf16[batch,seq_kv,=2,=32]"};
  EXPECT_EQ(argsOf(spec), cpu);
  Args simt = cpu;
  simt.push_back("workspace:delta:f32[batch,=4,seq_q]");
  EXPECT_EQ(argsOf(spec, /*workspace=*/true), simt);
  Args tiled = simt;
  tiled.push_back("workspace:dq:f32[batch,seq_q,=4,=32]");
  tiled.push_back("workspace:dqlock:i32[batch,=4,seq_q]");
  EXPECT_EQ(argsOf(spec, /*workspace=*/true, /*backwardTiled=*/true), tiled);
  // With a learnable param: the param gradients' partials (4 slots x 8 entries a KV block of
  // a sequence and head) and their indices, after the locks; the gradient after the params.
  const char *learnable =
      "kernel k { mode = backward; heads = 4 : 2; head_dim = 32; mask = causal; deterministic\n"
      " param s : f32[heads] requires_grad\n score = score * s[h] }";
  Args withGrad = cpu;
  withGrad.push_back("param:s:f32[=4]");
  withGrad.push_back("grad:s:f32[=4]");
  EXPECT_EQ(argsOf(learnable), withGrad);
  withGrad.push_back("workspace:delta:f32[batch,=4,seq_q]");
  withGrad.push_back("workspace:dq:f32[batch,seq_q,=4,=32]");
  withGrad.push_back("workspace:dqlock:i32[batch,=4,seq_q]");
  withGrad.push_back("workspace:pgrad:f32[batch,=4,ceil(seq_kv / block_n),=32]");
  withGrad.push_back("workspace:pgidx:i32[batch,=4,=8]");
  EXPECT_EQ(argsOf(learnable, /*workspace=*/true, /*backwardTiled=*/true), withGrad);
}

TEST(KernelABI, LlvmParamsCountDescriptorsCounterAndMaps) {
  KernelABI a = fullAbi(); // ranks 4, 1, 1: 11 + 5 + 5, and four tensor maps
  EXPECT_EQ(a.llvmParams(), 11 + 5 + 5 + 4);
  a.persistent = true;
  a.schedule = "inline-producer";
  EXPECT_EQ(a.llvmParams(), 11 + 5 + 5 + 1 + 4);
  a.tmaBlockN = 0;
  EXPECT_EQ(a.llvmParams(), 11 + 5 + 5 + 1);
}

TEST(KernelABI, JsonRoundTrips) {
  for (KernelABI a : {fullAbi(), KernelABI{}}) {
    if (a.name.empty()) { // a SIMT split-KV decode kernel, varlen fields unset
      a.name = "d";
      a.target = "sm_80";
      a.blockM = 64;
      a.blockN = 64;
      a.maxSplits = 16;
      a.splitBalance = 2;
      a.varlen = true;
    }
    json j = kernelToJson(a);
    EXPECT_EQ(j["abi_version"], kKernelABIVersion);
    std::string why;
    std::optional<KernelABI> back = kernelFromJson(j, why);
    ASSERT_TRUE(back) << why << "\n" << j.dump(2);
    EXPECT_EQ(kernelToJson(*back), j);
    EXPECT_EQ(back->args, a.args);
    EXPECT_EQ(back->threads, a.threads);
    EXPECT_EQ(back->tmaBlockN, a.tmaBlockN);
    EXPECT_EQ(back->tmaSwizzleQK, a.tmaSwizzleQK);
    EXPECT_EQ(back->tmaSwizzleV, a.tmaSwizzleV);
    EXPECT_EQ(back->tmaSwizzleK, a.tmaSwizzleK);
    EXPECT_EQ(back->tmaSwizzleVLoad, a.tmaSwizzleVLoad);
    EXPECT_EQ(back->maxSplits, a.maxSplits);
    EXPECT_EQ(back->splitBalance, a.splitBalance);
    EXPECT_EQ(back->minSeqKV, a.minSeqKV);
    EXPECT_EQ(back->minKVBlocksPerWave, a.minKVBlocksPerWave);
    EXPECT_EQ(back->varlen, a.varlen);
  }
}

// split_kv.balance (ABI 16): required in the JSON, within [1, 64].
TEST(KernelABI, SplitBalance) {
  KernelABI a = fullAbi();
  a.persistent = false;
  a.blockN = 128;
  a.maxSplits = 256;
  a.splitBalance = 2;
  json j = kernelToJson(a);
  EXPECT_EQ(j["split_kv"]["balance"], 2);
  EXPECT_TRUE(launchSizesValid(a));
  std::string why;
  j["split_kv"].erase("balance");
  EXPECT_FALSE(kernelFromJson(j, why));
  EXPECT_EQ(why, "split_kv is malformed");
  for (int64_t bad : {0, 65}) {
    a.splitBalance = bad;
    EXPECT_FALSE(launchSizesValid(a)) << bad;
  }
}

// faattn-split-kv's last-cta-combine: workspace:count after the partials, i32 (batch, heads,
// seq_q), packed (1, heads, total_q); no combine entry in the JSON, and its flag round trips.
TEST(KernelABI, LastCtaCombine) {
  EXPECT_EQ(argsOf("kernel k { heads = 4 : 2; head_dim = 64; mode = decode }", /*splitKV=*/true,
                   /*backwardTiled=*/false, /*lastCta=*/true),
            (Args{"q:bf16[batch,seq_q,=4,=64]", "k:bf16[batch,seq_kv,=2,=64]",
                  "v:bf16[batch,seq_kv,=2,=64]", "out:bf16[batch,seq_q,=4,=64]",
                  "workspace:o:f32[batch * splits,seq_q,=4,=64]",
                  "workspace:lse:f32[batch * splits,=4,seq_q]",
                  "workspace:count:i32[batch,=4,seq_q]"}));
  EXPECT_EQ(argsOf("kernel k { heads = 4 : 2; head_dim = 64; mode = decode; varlen }",
                   /*splitKV=*/true, /*backwardTiled=*/false, /*lastCta=*/true)
                .back(),
            "workspace:count:i32[1,=4,total_q]");
  KernelABI a = fullAbi();
  a.persistent = false;
  a.blockN = 128;
  a.maxSplits = 256;
  a.lastCtaCombine = true;
  json j = kernelToJson(a);
  EXPECT_EQ(j["split_kv"]["last_cta"], true);
  EXPECT_FALSE(j["split_kv"].contains("combine_entry"));
  std::string why;
  std::optional<KernelABI> back = kernelFromJson(j, why);
  ASSERT_TRUE(back) << why;
  EXPECT_TRUE(back->lastCtaCombine);
  j["split_kv"]["last_cta"] = 1;
  EXPECT_FALSE(kernelFromJson(j, why));
  EXPECT_EQ(why, "split_kv is malformed");
  a.lastCtaCombine = false;
  EXPECT_FALSE(kernelToJson(a)["split_kv"].contains("last_cta"));
}

// GQA packing (decode): the launch's head group, the grid it gives and the q / out TMA boxes
// of block_m / head_group rows of head_group heads, and the round trip.
TEST(KernelABI, JsonOfAHeadGroup) {
  KernelABI a = fullAbi();
  a.blockM = 64;
  a.headGroup = 4;
  a.blockN = 128;
  a.maxSplits = 16;
  a.persistent = false;
  json j = kernelToJson(a);
  EXPECT_EQ(j["launch"]["head_group"], 4);
  EXPECT_EQ(j["launch"]["grid"], json::array({"batch", "heads / head_group",
                                              "ceil(seq_q / (block_m / head_group))"}));
  EXPECT_EQ(j["split_kv"]["grid"], json::array({"batch", "heads / head_group",
                                                "ceil(seq_q / (block_m / head_group)) * splits"}));
  EXPECT_EQ(j["split_kv"]["combine_grid"], json::array({"batch", "heads", "ceil(seq_q / block_m)"}));
  EXPECT_EQ(j["tma"]["box"]["q"], json::array({64, 16, 4}));   // swizzle 128: 64 columns
  EXPECT_EQ(j["tma"]["box"]["out"], json::array({32, 16, 4})); // swizzle 64: 32 columns
  EXPECT_EQ(j["tma"]["box"]["k"], json::array({64, 128}));
  std::string why;
  std::optional<KernelABI> back = kernelFromJson(j, why);
  ASSERT_TRUE(back) << why;
  EXPECT_EQ(back->headGroup, 4);
  EXPECT_TRUE(launchSizesValid(*back));
  // Without packing the form says 1 and the boxes are 2-D.
  json plain = kernelToJson(fullAbi());
  EXPECT_EQ(plain["launch"]["head_group"], 1);
  EXPECT_EQ(plain["tma"]["box"]["q"], json::array({64, 128}));
  // A head group must be positive and divide block_m.
  j["launch"]["head_group"] = 0;
  EXPECT_FALSE(kernelFromJson(j, why));
  EXPECT_EQ(why, "launch is malformed");
  a.headGroup = 3;
  EXPECT_FALSE(launchSizesValid(a));
}

// A backward kernel's GPU build (faattn-backward-to-gpu): the `backward` object (the _dq
// entry, both grids, block_n), the round trip, and the sizes it must have.
TEST(KernelABI, JsonOfABackwardBuild) {
  KernelABI a;
  a.name = "b";
  a.target = "sm_90a";
  a.blockM = 64;
  a.blockN = 64;
  a.threads = 64;
  a.backward = true;
  a.varlen = true;
  json j = kernelToJson(a);
  EXPECT_EQ(j["backward"]["dq_entry"], "b_dq");
  EXPECT_EQ(j["backward"]["block_n"], 64);
  EXPECT_EQ(j["backward"]["dq_grid"],
            json::array({"batch", "heads", "ceil(max_seqlen_q / block_m)"}));
  EXPECT_EQ(j["backward"]["grid"], json::array({"batch", "kv_heads", "ceil(total_kv / block_n)"}));
  std::string why;
  std::optional<KernelABI> back = kernelFromJson(j, why);
  ASSERT_TRUE(back) << why;
  EXPECT_TRUE(back->backward);
  EXPECT_EQ(back->blockN, 64);
  EXPECT_TRUE(launchSizesValid(*back));
  EXPECT_FALSE(kernelToJson(KernelABI{})["backward"].is_object());
  // Malformed: a backward object without block_n; sizes a backward build cannot have.
  j["backward"].erase("block_n");
  EXPECT_FALSE(kernelFromJson(j, why));
  EXPECT_EQ(why, "backward is malformed");
  for (auto edit : {+[](KernelABI &k) { k.blockN = 0; }, +[](KernelABI &k) { k.maxSplits = 4; },
                    +[](KernelABI &k) { k.persistent = true; },
                    +[](KernelABI &k) { k.tmaBlockN = 64; }}) {
    KernelABI bad = a;
    edit(bad);
    EXPECT_FALSE(launchSizesValid(bad));
  }
}

// The tiled backward's build (faattn-backward-tile's grids, the main one on wgmma): the
// `backward` object names the pre and post entries; the round trip keeps the form.
TEST(KernelABI, JsonOfATiledBackwardBuild) {
  KernelABI a;
  a.name = "b";
  a.target = "sm_90a";
  a.blockM = 64;
  a.blockN = 64;
  a.threads = 128;
  a.sharedBytes = 73728;
  a.mapping = "wgmma";
  a.schedule = "backward";
  a.backward = a.backwardTiled = true;
  a.preThreads = 1024; // pre and post share a row among 16 lanes, or 8 (faattn-tiles-to-gpu)
  a.postThreads = 512;
  json j = kernelToJson(a);
  EXPECT_EQ(j["backward"]["form"], "tiled");
  EXPECT_EQ(j["backward"]["pre_block"], json::array({1024, 1, 1}));
  EXPECT_EQ(j["backward"]["post_block"], json::array({512, 1, 1}));
  EXPECT_EQ(j["backward"]["pre_entry"], "b_pre");
  EXPECT_EQ(j["backward"]["post_entry"], "b_post");
  EXPECT_FALSE(j["backward"].contains("dq_entry"));
  EXPECT_EQ(j["backward"]["grid"], json::array({"batch", "kv_heads", "ceil(seq_kv / block_n)"}));
  std::string why;
  std::optional<KernelABI> back = kernelFromJson(j, why);
  ASSERT_TRUE(back) << why;
  EXPECT_TRUE(back->backward);
  EXPECT_TRUE(back->backwardTiled);
  EXPECT_EQ(back->preThreads, 1024);
  EXPECT_EQ(back->postThreads, 512);
  EXPECT_TRUE(launchSizesValid(*back));
  // Its main entry has a block size of its own: 0 threads is not one; nor
  // are pre's or post's 0 or over 1024.
  KernelABI noThreads = a;
  noThreads.threads = 0;
  EXPECT_FALSE(launchSizesValid(noThreads));
  for (int64_t bad : {int64_t(0), int64_t(2048)}) {
    KernelABI pre = a, post = a;
    pre.preThreads = bad;
    post.postThreads = bad;
    EXPECT_FALSE(launchSizesValid(pre));
    EXPECT_FALSE(launchSizesValid(post));
  }
  // A tiled form without a post block size is refused.
  json noPost = j;
  noPost["backward"].erase("post_block");
  EXPECT_FALSE(kernelFromJson(noPost, why));
  // The SIMT build's form is another: its JSON does not read back as tiled.
  a.backwardTiled = false;
  back = kernelFromJson(kernelToJson(a), why);
  ASSERT_TRUE(back) << why;
  EXPECT_FALSE(back->backwardTiled);
  // A tiled form with the SIMT entry's field is refused (it describes no kernel).
  j["backward"]["dq_entry"] = "b_dq";
  EXPECT_FALSE(kernelFromJson(j, why));
}

TEST(KernelABI, JsonOfAnotherFormIsRefused) {
  json good = kernelToJson(fullAbi());
  auto refused = [&](json j, const std::string &why) {
    std::string got;
    EXPECT_FALSE(kernelFromJson(j, got)) << j.dump();
    EXPECT_EQ(got, why);
  };
  json j = good;
  j["abi_version"] = kKernelABIVersion - 1;
  refused(j, "not of kernel ABI version " + std::to_string(kKernelABIVersion));
  j = good;
  j["launch"]["block_m"] = "128";
  refused(j, "launch is malformed");
  j = good;
  j["extra"] = 1;
  refused(j, "fields that do not match the kernel they describe");
  j = good;
  j["tma"]["box"]["q"] = {64, 64}; // the Q box is block_m's
  refused(j, "fields that do not match the kernel they describe");
  j = good;
  j["tma"]["box"]["v"][0] = 64; // V's box is one 64-byte swizzled row: 32 columns
  refused(j, "fields that do not match the kernel they describe");
  j = good;
  j["tma"]["swizzle"].erase("v");
  refused(j, "tma is malformed");
  j = good;
  j["params"][0]["shape"][2] = "8"; // a number as text
  refused(j, "a parameter's shape is malformed");
  j = good;
  j["params"][2]["static"] = {0}; // param:doc's extent is the launch's ("seq")
  refused(j, "a parameter's static extents are malformed");
  j = good;
  j["params"][0]["static"] = {3, 2}; // not ascending
  refused(j, "a parameter's static extents are malformed");
  j = good;
  j["params"][1].erase("static");
  refused(j, "a parameter's static extents are missing");
  j = good;
  j["schedule"] = "";
  refused(j, "a name, target or build field is missing or not a string");
  j = good;
  j.erase("min_kv_blocks_per_wave");
  refused(j, "min_kv_blocks_per_wave is missing or not a number");
  j = good;
  j["min_kv_blocks_per_wave"] = "2.5";
  refused(j, "min_kv_blocks_per_wave is missing or not a number");
  refused(json::array(), "not a JSON object");
}

TEST(KernelABI, LaunchSizesWithinTheTargets) {
  KernelABI a = fullAbi();
  EXPECT_TRUE(launchSizesValid(a));
  // TargetInfo's cap on sm_90a: the 227 KiB opt-in less the 16 bytes of MLIR's static
  // shared byte (a kernel of exactly 232448 dynamic bytes would fail to launch).
  a.sharedBytes = 232448 - 16;
  EXPECT_TRUE(launchSizesValid(a));
  a.sharedBytes = 232448 - 16 + 1;
  EXPECT_FALSE(launchSizesValid(a));
  a.sharedBytes = 232448;
  EXPECT_FALSE(launchSizesValid(a));
  a = fullAbi();
  a.tmaBlockN = 257; // one TMA box is at most 256 rows
  EXPECT_FALSE(launchSizesValid(a));
  for (int64_t swizzle : {0, 16, 96, 256}) { // the tensor maps take 32, 64 or 128 bytes
    for (int64_t KernelABI::*field : {&KernelABI::tmaSwizzleQK, &KernelABI::tmaSwizzleV,
                                      &KernelABI::tmaSwizzleK, &KernelABI::tmaSwizzleVLoad}) {
      a = fullAbi();
      a.*field = swizzle;
      EXPECT_FALSE(launchSizesValid(a)) << swizzle;
    }
  }
  a = fullAbi();
  a.tmaSwizzleQK = 32;
  EXPECT_TRUE(launchSizesValid(a));
  a = fullAbi();
  a.persistent = true;
  a.blockN = 64;
  a.maxSplits = 2; // a persistent grid has no split-KV
  EXPECT_FALSE(launchSizesValid(a));
  // The cost model's ratio: 0 (none) up to 1024 (above, never launched).
  for (double r : {-0.5, 1024.5, std::numeric_limits<double>::quiet_NaN()}) {
    a = fullAbi();
    a.minKVBlocksPerWave = r;
    EXPECT_FALSE(launchSizesValid(a)) << r;
  }
  a.minKVBlocksPerWave = 0;
  EXPECT_TRUE(launchSizesValid(a));
}

// The build choice's cost model (faattn-tune's, docs/PERFORMANCE.md step 68) on the
// sweep's shapes: causal head dim 128, 16 heads, 128 x 128 tiles, R = 2.5, 132 SMs.
TEST(KernelABI, LaunchesAlternativeByKVBlocksAgainstWaves) {
  KernelABI alt = fullAbi(); // min_seq_kv 1024, R 2.5, block_m 128, TMA block_n 128
  auto on = [&](int64_t b, int64_t s, int sms = 132) {
    return launchesAlternative(alt, b, 16, s, s, sms);
  };
  EXPECT_TRUE(on(1, 2048));   // 256 tiles, 1.9 waves: 16 blocks >= 4.8 (measured 1.09-1.15x)
  EXPECT_FALSE(on(8, 2048));  // 2048 tiles, 15.5 waves: 16 < 38.8 (measured 0.87x)
  EXPECT_TRUE(on(2, 4096));   // 7.8 waves: 32 >= 19.4 (measured 1.08x)
  EXPECT_FALSE(on(4, 4096));  // 15.5 waves: 32 < 38.8 (measured 1.01x)
  EXPECT_TRUE(on(1, 16384));  // 128 >= 38.8 (measured 1.12x)
  EXPECT_FALSE(on(16, 1024)); // 8 < 38.8 (measured 0.83x)
  EXPECT_FALSE(on(1, 1000));  // below min_seq_kv
  EXPECT_FALSE(on(1, 2048, 0)); // an unknown SM count counts 16 waves: 16 blocks < 40
  EXPECT_TRUE(on(1, 5121, 0));  // 41 blocks >= 40
}

// e4m3 K and V under a bf16 Q (the experimental e4m3-kv lowering): K's and V's
// tensor maps have swizzles of their own (rows of head-dim bytes) and boxes of
// that many one-byte columns; q's and out's stay 16-bit ones.
TEST(KernelABI, E4M3KVTensorMapsHaveTheirOwnSwizzles) {
  KernelABI a;
  a.name = "decode_fp8";
  a.target = "sm_90a";
  a.args = {{"q", "bf16", {"batch", "seq_q", "32", "64"}, {2, 3}},
            {"k", "e4m3", {"batch", "seq_kv", "8", "64"}, {2, 3}},
            {"v", "e4m3", {"batch", "seq_kv", "8", "64"}, {2, 3}},
            {"out", "bf16", {"batch", "seq_q", "32", "64"}, {2, 3}}};
  a.blockM = 64;
  a.threads = 128;
  a.sharedBytes = 65536;
  a.tmaBlockN = 128;
  a.tmaSwizzleQK = a.tmaSwizzleV = 128; // 64 bf16: 128-byte rows
  a.tmaSwizzleK = a.tmaSwizzleVLoad = 64; // 64 e4m3: 64-byte rows
  a.mapping = "wgmma";
  ASSERT_TRUE(launchSizesValid(a));
  json j = kernelToJson(a);
  EXPECT_EQ(j["tma"]["box"]["q"], json::array({64, 64}));
  EXPECT_EQ(j["tma"]["box"]["k"], json::array({64, 128})); // 64 one-byte columns
  EXPECT_EQ(j["tma"]["box"]["v"], json::array({64, 128}));
  EXPECT_EQ(j["tma"]["swizzle"]["k"], 64);
  EXPECT_EQ(j["tma"]["swizzle"]["out"], 128);
  std::string why;
  std::optional<KernelABI> back = kernelFromJson(j, why);
  ASSERT_TRUE(back) << why;
  EXPECT_EQ(back->tmaSwizzleK, 64);
  EXPECT_EQ(back->tmaSwizzleVLoad, 64);
  EXPECT_EQ(back->tmaSwizzleQK, 128);
  EXPECT_EQ(back->tmaSwizzleV, 128);
  // A form whose k swizzle was edited no longer describes a kernel.
  j["tma"]["swizzle"]["k"] = 128;
  EXPECT_FALSE(kernelFromJson(j, why));
}
