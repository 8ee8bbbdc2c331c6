//===- KernelABI.cpp - a kernel's arguments, launch checks and JSON form --===//
//
// kernelArgs: the memref arguments of a spec's kernel, in order. The frontend
// (compiler/Frontend/SpecToIR.cpp) builds the kernel function's signature
// from it and faattn-split-kv its workspace arguments from
// splitKVWorkspaceArgs (both through KernelABIIR.h's kernelArgType);
// compileForGpu checks the lowered kernel's parameter count against it
// (KernelABI::llvmParams). kernelToJson / kernelFromJson:
// the one JSON form (faattn-compile's NAME.json, the disk cache's entries).
// launchSizesValid: the bounds the runtime launches within.
//
//===----------------------------------------------------------------------===//

#include "faattn/Target/KernelABIJson.h"
#include "faattn/Spec/AST.h"
#include "faattn/Target/TargetInfo.h"
#include "faattn/Dialect/FAAttn/IR/ParamGradSlots.h"

#include <algorithm>

namespace faattn {

int64_t KernelABI::llvmParams() const {
  int64_t n = 0;
  for (const KernelArg &a : args)
    n += 3 + 2 * a.rank();
  return n + (persistent ? 1 : 0) + tensorMaps();
}

/// The largest cost-model ratio a build may carry (faattn-tune's are 1-6.5;
/// above this the long build would never be launched).
static constexpr double kMaxKVBlocksPerWave = 1024;

static bool tmaSwizzleValid(int64_t bytes) {
  return bytes == 32 || bytes == 64 || bytes == kSM90a.tmaMaxSwizzleBytes;
}

bool launchSizesValid(const KernelABI &a) {
  if (a.persistent && a.maxSplits != 0)
    return false;
  if (a.backward && (a.persistent || a.maxSplits != 0 || a.tmaBlockN != 0 || a.blockN < 1))
    return false;
  if (a.backwardTiled && (!a.backward || a.threads < 1 || // the main entry's own block size
                          a.preThreads < 1 || a.preThreads > kSM90a.maxThreadsPerBlock ||
                          a.postThreads < 1 || a.postThreads > kSM90a.maxThreadsPerBlock))
    return false;
  return a.blockM >= 1 && a.blockM <= 1024 && a.headGroup >= 1 &&
         a.blockM % a.headGroup == 0 && a.threads >= 0 &&
         a.threads <= kSM90a.maxThreadsPerBlock && a.sharedBytes >= 0 &&
         a.sharedBytes <= kMaxSharedBytesAnyTarget && a.blockN >= 0 && a.blockN <= 1024 &&
         a.maxSplits >= 0 && a.maxSplits <= 1024 && (a.maxSplits == 0 || a.blockN > 0) &&
         a.splitBalance >= 1 && a.splitBalance <= 64 &&
         a.tmaBlockN >= 0 && a.tmaBlockN <= kSM90a.tmaMaxBoxElements &&
         (a.tmaBlockN == 0 || (a.blockM <= kSM90a.tmaMaxBoxElements &&
                               tmaSwizzleValid(a.tmaSwizzleQK) &&
                               tmaSwizzleValid(a.tmaSwizzleV) &&
                               tmaSwizzleValid(a.tmaSwizzleK) &&
                               tmaSwizzleValid(a.tmaSwizzleVLoad))) &&
         a.stages >= 0 && a.minSeqKV >= 0 && a.minKVBlocksPerWave >= 0 &&
         a.minKVBlocksPerWave <= kMaxKVBlocksPerWave;
}

bool launchesAlternative(const KernelABI &alt, int64_t batch, int64_t heads, int64_t seqQ,
                         int64_t seqKV, int multiprocessors) {
  if (seqKV < alt.minSeqKV)
    return false;
  if (alt.minKVBlocksPerWave <= 0)
    return true;
  constexpr double kMaxWaves = 16;
  int64_t bm = std::max<int64_t>(alt.blockM, 1);
  int64_t bn = std::max<int64_t>(alt.tmaBlockN > 0 ? alt.tmaBlockN : alt.blockN, 1);
  double tiles = double(std::max<int64_t>(batch, 0)) * double(std::max<int64_t>(heads, 0)) *
                 double((std::max<int64_t>(seqQ, 0) + bm - 1) / bm);
  double waves = multiprocessors > 0 ? std::min(tiles / multiprocessors, kMaxWaves) : kMaxWaves;
  return double((seqKV + bn - 1) / bn) >= alt.minKVBlocksPerWave * waves;
}

std::vector<KernelArg> splitKVWorkspaceArgs(int64_t headsQ, int64_t headDimV, bool packed,
                                            bool lastCtaCombine) {
  std::string h = std::to_string(headsQ), d = std::to_string(headDimV);
  std::string parts = packed ? "splits" : "batch * splits", rows = packed ? "total_q" : "seq_q";
  std::vector<KernelArg> args = {{"workspace:o", "f32", {parts, rows, h, d}, {2, 3}},
                                 {"workspace:lse", "f32", {parts, h, rows}, {1}}};
  if (lastCtaCombine)
    args.push_back({"workspace:count", "i32", {packed ? "1" : "batch", h, rows}, {1}});
  return args;
}

std::vector<KernelArg> kernelArgs(const spec::KernelSpec &k, bool workspace, bool backwardTiled,
                                  bool lastCtaCombine) {
  std::vector<KernelArg> args;
  auto add = [&](std::string name, std::string dtype, std::vector<std::string> shape,
                 std::vector<int64_t> staticDims) {
    args.push_back({std::move(name), std::move(dtype), std::move(shape), std::move(staticDims)});
  };
  auto num = [](int64_t x) { return std::to_string(x); };
  bool bshd = k.layout == spec::Layout::BSHD;
  // The kernel's view of each tensor (varlen: batch 1, every sequence
  // packed; paged K/V: pages of `page` rows); static: heads and head dim.
  auto qkv = [&](std::string batch, int64_t heads, int64_t dim, std::string seq) {
    return bshd ? std::vector<std::string>{batch, seq, num(heads), num(dim)}
                : std::vector<std::string>{batch, num(heads), seq, num(dim)};
  };
  std::vector<int64_t> qkvStatic = bshd ? std::vector<int64_t>{2, 3} : std::vector<int64_t>{1, 3};
  std::string inType = spec::dtypeName(k.dtype);
  std::string outType = spec::dtypeName(k.outType()); // bf16 for e4m3 unless out_dtype
  std::string qBatch = k.varlen ? "1" : "batch";
  std::string qSeq = k.varlen ? "total_q" : "seq_q";
  std::string kvSeq = k.pagedKVPage ? num(*k.pagedKVPage) : k.varlen ? "total_kv" : "seq_kv";
  std::string kvBatch = k.pagedKVPage ? "num_pages" : k.varlen ? "1" : "batch";
  add("q", inType, qkv(qBatch, k.headsQ, k.headDimQK, qSeq), qkvStatic);
  std::string kvType = spec::dtypeName(k.kvType()); // kv_dtype: an e4m3 KV cache
  add("k", kvType, qkv(kvBatch, k.headsKV, k.headDimQK, kvSeq), qkvStatic);
  add("v", kvType, qkv(kvBatch, k.headsKV, k.headDimV, kvSeq), qkvStatic);
  add("out", outType, qkv(qBatch, k.headsQ, k.headDimV, qSeq), qkvStatic);
  bool backward = k.mode == spec::Mode::Backward;
  if (k.returnLse || backward)
    add("lse", "f32", {qBatch, num(k.headsQ), qSeq}, {1});
  if (backward) {
    // The backward: dout (dL/d out) in, dq, dk, dv out, shaped as q, k, v.
    add("dout", outType, qkv(qBatch, k.headsQ, k.headDimV, qSeq), qkvStatic);
    add("dq", inType, qkv(qBatch, k.headsQ, k.headDimQK, qSeq), qkvStatic);
    add("dk", inType, qkv(kvBatch, k.headsKV, k.headDimQK, kvSeq), qkvStatic);
    add("dv", inType, qkv(kvBatch, k.headsKV, k.headDimV, kvSeq), qkvStatic);
  }
  if (k.varlen)
    add("cu_seqlens_q", "i32", {"batch + 1"}, {});
  if (k.varlen && !k.pagedKVPage)
    add("cu_seqlens_kv", "i32", {"batch + 1"}, {});
  if (k.pagedKVPage) {
    add("block_table", "i32", {"batch", "max_pages"}, {});
    add("seqlens_kv", "i32", {"batch"}, {});
  }
  for (const spec::ParamDecl &p : k.params) {
    std::vector<std::string> shape;
    std::vector<int64_t> staticDims;
    for (spec::Dim d : p.shape) {
      bool heads = d == spec::Dim::Heads || d == spec::Dim::KVHeads;
      if (heads)
        staticDims.push_back(static_cast<int64_t>(shape.size()));
      shape.push_back(d == spec::Dim::Heads     ? num(k.headsQ)
                      : d == spec::Dim::KVHeads ? num(k.headsKV)
                                                : std::string(spec::dimName(d)));
    }
    add("param:" + p.name, spec::typeName(p.elemType), shape, staticDims);
  }
  // The backward's param gradients (f32, each of its param's shape), in the
  // params' order.
  if (backward) {
    std::vector<KernelArg> grads;
    for (const KernelArg &a : args)
      if (a.name.rfind("param:", 0) == 0 && k.findParam(a.name.substr(6))->requiresGrad)
        grads.push_back({"grad:" + a.name.substr(6), "f32", a.shape, a.staticDims});
    args.insert(args.end(), grads.begin(), grads.end());
  }
  // The GPU build's workspace, allocated by the runtime: faattn-split-kv's
  // (decode), faattn-backward-to-gpu's D = rowsum(dO * O) (backward).
  if (workspace && backward)
    add("workspace:delta", "f32", {qBatch, num(k.headsQ), qSeq}, {1});
  if (workspace && backward && backwardTiled) // the f32 dQ accumulator, shaped as dq
    add("workspace:dq", "f32", qkv(qBatch, k.headsQ, k.headDimQK, qSeq), qkvStatic);
  // deterministic: the Q blocks' turn locks (BackwardTile.cpp), shaped as the LSE.
  if (workspace && backward && backwardTiled && k.deterministic)
    add("workspace:dqlock", "i32", {qBatch, num(k.headsQ), qSeq}, {1});
  // deterministic with learnable params: the param gradients' partials, a
  // (batch or sequence, head, KV block)'s slots x entries, and the entries'
  // element indices (ParamGradSlots.h, BackwardTile.cpp).
  bool learnable = std::any_of(k.params.begin(), k.params.end(),
                               [](const spec::ParamDecl &p) { return p.requiresGrad; });
  if (workspace && backward && backwardTiled && k.deterministic && learnable) {
    add("workspace:pgrad", "f32",
        {"batch", num(k.headsQ), k.varlen ? "ceil(total_kv / block_n)" : "ceil(seq_kv / block_n)",
         num(kParamGradSlots * kParamGradEntries)},
        {1, 3});
    add("workspace:pgidx", "i32", {"batch", num(k.headsQ), num(kParamGradEntries)}, {1, 2});
  }
  if (workspace && !backward)
    for (KernelArg &a : splitKVWorkspaceArgs(k.headsQ, k.headDimV, k.varlen, lastCtaCombine))
      args.push_back(std::move(a));
  return args;
}

namespace {

using json = nlohmann::json;

bool isNumber(const std::string &s) {
  return !s.empty() && s.size() < 19 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

json extentJson(const std::string &s) {
  return isNumber(s) ? json(std::stoll(s)) : json(s);
}

json orNull(const std::string &v) { return v.empty() ? json(nullptr) : json(v); }

} // namespace

json kernelToJson(const KernelABI &g) {
  json params = json::array();
  for (const KernelArg &a : g.args) {
    json shape = json::array();
    for (const std::string &e : a.shape)
      shape.push_back(extentJson(e));
    params.push_back({{"name", a.name},
                      {"rank", a.rank()},
                      {"dtype", a.dtype},
                      {"shape", shape},
                      {"static", a.staticDims}});
  }
  json out;
  out["abi_version"] = kKernelABIVersion;
  out["entry"] = g.name;
  out["target"] = g.target;
  out["abi"] = "each memref parameter is passed as its expanded MLIR descriptor: allocated "
               "pointer, aligned pointer, offset (i64), sizes[rank] (i64), strides[rank] "
               "(i64), in the order of 'params'; 'static' lists the extents the kernel is "
               "compiled for";
  out["params"] = params;
  out["varlen"] = g.varlen;
  out["mapping"] = g.mapping;
  out["schedule"] = orNull(g.schedule);
  out["stages"] = g.stages > 0 ? json(g.stages) : json(nullptr);
  out["tile_order"] = orNull(g.tileOrder);
  out["overlap"] = orNull(g.overlap);
  out["fallback"] = orNull(g.fallback);
  out["min_seq_kv"] = g.minSeqKV;
  out["min_kv_blocks_per_wave"] = g.minKVBlocksPerWave;
  // GQA packing: grid y counts head groups, q-blocks are block_m / head_group rows.
  bool packed = g.headGroup > 1;
  std::string heads = packed ? "heads / head_group" : "heads";
  std::string qBlocks = std::string(g.varlen ? "ceil(max_seqlen_q / " : "ceil(seq_q / ") +
                        (packed ? "(block_m / head_group))" : "block_m)");
  out["launch"] = {
      {"grid", g.persistent
                   ? json::array({"min(batch * heads * ceil(seq_q / block_m), multiprocessors * "
                                  "ctas_per_multiprocessor)",
                                  1, 1})
                   : json::array({"batch", heads, qBlocks})},
      {"block", {g.threads, 1, 1}},
      {"block_m", g.blockM},
      {"head_group", g.headGroup},
      {"dynamic_shared_bytes", g.sharedBytes}};
  out["persistent"] =
      g.persistent
          ? json{{"tile_counter", "a zeroed i32 in global memory for each launch, passed after "
                                  "the memref parameters (before the tensor maps)"},
                 {"tiles", "batch * heads * ceil(seq_q / block_m), in tile_order"}}
          : json(nullptr);
  out["split_kv"] = json(nullptr);
  if (g.maxSplits > 0) {
    json split = {{"block_n", g.blockN},
                  {"max_splits", g.maxSplits},
                  {"balance", g.splitBalance},
                  {"splits", g.varlen ? "1 to max_splits, chosen at launch (balance x the "
                                        "cost model's count); the kernels read "
                                        "it from workspace:o's first dimension"
                                      : "1 to max_splits, chosen at launch; the kernels read "
                                        "it from workspace:o's first dimension / batch"},
                  {"grid", {"batch", heads, qBlocks + " * splits"}}};
    if (g.lastCtaCombine) {
      split["combine"] = "last_cta: the split grid's last CTA of a tile combines; no combine "
                         "entry; workspace:count zeroed before each launch";
      split["last_cta"] = true;
    } else {
      split["combine_entry"] = g.name + "_combine";
      split["combine_block"] = {g.blockM, 1, 1};
      split["combine_dynamic_shared_bytes"] = 0;
      split["combine_parameters"] = "the memref parameters only (no tensor maps)";
      split["combine_grid"] = {"batch", "heads",
                               g.varlen ? "ceil(max_seqlen_q / block_m)" : "ceil(seq_q / block_m)"};
    }
    out["split_kv"] = std::move(split);
  }
  out["backward"] =
      g.backward && g.backwardTiled
          ? json{{"form", "tiled"},
                 {"pre_entry", g.name + "_pre"},
                 {"post_entry", g.name + "_post"},
                 {"pre_grid", {"batch", "heads", qBlocks}},
                 {"pre_block", {g.preThreads, 1, 1}},
                 {"post_block", {g.postThreads, 1, 1}},
                 {"block_n", g.blockN},
                 {"grid", {"batch", "kv_heads", g.varlen ? "ceil(total_kv / block_n)"
                                                         : "ceil(seq_kv / block_n)"}},
                 {"order", "pre_entry, entry, post_entry (pre_entry's grid), on one stream; "
                           "workspace:dq and the param gradients (varlen: dq, dk and dv too) "
                           "zeroed before"},
                 {"workspace", "workspace:delta, f32, shaped as lse; workspace:dq, f32, shaped "
                               "as dq; deterministic kernels: workspace:dqlock, i32, shaped as "
                               "lse, and with learnable params workspace:pgrad (f32) and "
                               "workspace:pgidx (i32), zeroed; each 256-byte aligned"}}
      : g.backward
          ? json{{"dq_entry", g.name + "_dq"},
                 {"dq_grid", {"batch", "heads", qBlocks}},
                 {"dq_block", {g.blockM, 1, 1}},
                 {"block_n", g.blockN},
                 {"grid", {"batch", "kv_heads", g.varlen ? "ceil(total_kv / block_n)"
                                                         : "ceil(seq_kv / block_n)"}},
                 {"order", "dq_entry, then entry, on one stream; the param gradients (varlen: "
                           "dq, dk and dv too) zeroed before"},
                 {"workspace", "workspace:delta, f32, shaped as lse"}}
          : json(nullptr);
  // Q's, K's, V's and out's elements: 1 byte when e4m3 (their boxes are swizzle columns).
  int64_t qBytes = 2, kvBytes = 2, outBytes = 2;
  for (const KernelArg &a : g.args) {
    if (a.name == "k" && a.dtype == "e4m3")
      kvBytes = 1;
    if (a.name == "q" && a.dtype == "e4m3")
      qBytes = 1;
    if (a.name == "out" && a.dtype == "e4m3")
      outBytes = 1;
  }
  out["tma"] =
      g.tmaBlockN > 0
          ? json{{"tensor_maps", {"q", "k", "v", "out"}},
                 {"dims", "(head_dim, seq, heads, batch) of each tensor as laid out"},
                 {"box",
                  {{"q", packed ? json::array({g.tmaSwizzleQK / qBytes, g.blockM / g.headGroup,
                                               g.headGroup})
                                : json::array({g.tmaSwizzleQK / qBytes, g.blockM})},
                   {"k", {g.tmaSwizzleK / kvBytes, g.tmaBlockN}},
                   {"v", {g.tmaSwizzleVLoad / kvBytes, g.tmaBlockN}},
                   {"out", packed ? json::array({g.tmaSwizzleV / outBytes, g.blockM / g.headGroup,
                                                 g.headGroup})
                                  : json::array({g.tmaSwizzleV / outBytes, g.blockM})}}},
                 {"swizzle",
                  {{"q", g.tmaSwizzleQK},
                   {"k", g.tmaSwizzleK},
                   {"v", g.tmaSwizzleVLoad},
                   {"out", g.tmaSwizzleV}}},
                 {"passing", g.persistent ? "CUtensorMap (128 bytes) by value after the memref "
                                            "parameters and the tile counter, in this order"
                                          : "CUtensorMap (128 bytes) by value after the memref "
                                            "parameters, in this order"}}
          : json(nullptr);
  return out;
}

std::optional<KernelABI> kernelFromJson(const json &j, std::string &why) {
  auto no = [&](const std::string &reason) -> std::optional<KernelABI> {
    why = reason;
    return std::nullopt;
  };
  if (!j.is_object())
    return no("not a JSON object");
  if (!j.contains("abi_version") || !j["abi_version"].is_number_integer() ||
      j["abi_version"].get<int64_t>() != kKernelABIVersion)
    return no("not of kernel ABI version " + std::to_string(kKernelABIVersion));
  auto str = [&](const json &o, const char *key, std::string &to, bool nullable) {
    if (!o.contains(key))
      return false;
    if (nullable && o[key].is_null())
      return to.clear(), true;
    if (!o[key].is_string())
      return false;
    to = o[key].get<std::string>();
    return !(nullable && to.empty());
  };
  auto integer = [&](const json &o, const char *key, int64_t &to) {
    if (!o.contains(key) || !o[key].is_number_integer())
      return false;
    to = o[key].get<int64_t>();
    return true;
  };
  KernelABI a;
  if (!str(j, "entry", a.name, false) || !str(j, "target", a.target, false) ||
      !str(j, "mapping", a.mapping, false) || !str(j, "schedule", a.schedule, true) ||
      !str(j, "tile_order", a.tileOrder, true) || !str(j, "overlap", a.overlap, true) ||
      !str(j, "fallback", a.fallback, true) || !integer(j, "min_seq_kv", a.minSeqKV))
    return no("a name, target or build field is missing or not a string");
  if (!j.contains("min_kv_blocks_per_wave") || !j["min_kv_blocks_per_wave"].is_number())
    return no("min_kv_blocks_per_wave is missing or not a number");
  a.minKVBlocksPerWave = j["min_kv_blocks_per_wave"].get<double>();
  if (!j.contains("varlen") || !j["varlen"].is_boolean())
    return no("varlen is missing or not a boolean");
  a.varlen = j["varlen"].get<bool>();
  if (j.contains("stages") && !j["stages"].is_null() && !integer(j, "stages", a.stages))
    return no("stages is not an integer");
  if (!j.contains("params") || !j["params"].is_array())
    return no("params is missing");
  for (const json &p : j["params"]) {
    KernelArg arg;
    if (!p.is_object() || !str(p, "name", arg.name, false) ||
        !str(p, "dtype", arg.dtype, false) || !p.contains("shape") || !p["shape"].is_array())
      return no("a parameter is malformed");
    for (const json &e : p["shape"]) {
      if (e.is_number_integer() && e.get<int64_t>() >= 0)
        arg.shape.push_back(std::to_string(e.get<int64_t>()));
      else if (e.is_string() && !isNumber(e.get<std::string>()))
        arg.shape.push_back(e.get<std::string>());
      else
        return no("a parameter's shape is malformed");
    }
    if (!p.contains("static") || !p["static"].is_array())
      return no("a parameter's static extents are missing");
    for (const json &e : p["static"]) {
      if (!e.is_number_integer() || e.get<int64_t>() < 0 || e.get<int64_t>() >= arg.rank() ||
          (!arg.staticDims.empty() && e.get<int64_t>() <= arg.staticDims.back()) ||
          !isNumber(arg.shape[e.get<int64_t>()]))
        return no("a parameter's static extents are malformed");
      arg.staticDims.push_back(e.get<int64_t>());
    }
    a.args.push_back(std::move(arg));
  }
  const json *launch = j.contains("launch") && j["launch"].is_object() ? &j["launch"] : nullptr;
  if (!launch || !integer(*launch, "block_m", a.blockM) ||
      !integer(*launch, "head_group", a.headGroup) || a.headGroup < 1 ||
      !integer(*launch, "dynamic_shared_bytes", a.sharedBytes) || !launch->contains("block") ||
      !(*launch)["block"].is_array() || (*launch)["block"].empty() ||
      !(*launch)["block"][0].is_number_integer())
    return no("launch is malformed");
  a.threads = (*launch)["block"][0].get<int64_t>();
  if (!j.contains("persistent") || !(j["persistent"].is_null() || j["persistent"].is_object()))
    return no("persistent is malformed");
  a.persistent = j["persistent"].is_object();
  if (!j.contains("split_kv") || !(j["split_kv"].is_null() || j["split_kv"].is_object()))
    return no("split_kv is malformed");
  if (j["split_kv"].is_object() && (!integer(j["split_kv"], "block_n", a.blockN) ||
                                    !integer(j["split_kv"], "max_splits", a.maxSplits) ||
                                    !integer(j["split_kv"], "balance", a.splitBalance)))
    return no("split_kv is malformed");
  if (j["split_kv"].is_object() && j["split_kv"].contains("last_cta")) {
    if (!j["split_kv"]["last_cta"].is_boolean())
      return no("split_kv is malformed");
    a.lastCtaCombine = j["split_kv"]["last_cta"].get<bool>();
  }
  if (!j.contains("backward") || !(j["backward"].is_null() || j["backward"].is_object()))
    return no("backward is malformed");
  a.backward = j["backward"].is_object();
  if (a.backward && !integer(j["backward"], "block_n", a.blockN))
    return no("backward is malformed");
  a.backwardTiled = a.backward && j["backward"].contains("form");
  if (a.backwardTiled) {
    const json &bw = j["backward"];
    for (auto [key, field] : {std::pair{"pre_block", &a.preThreads},
                              std::pair{"post_block", &a.postThreads}})
      if (!bw.contains(key) || !bw[key].is_array() || bw[key].empty() ||
          !bw[key][0].is_number_integer() || (*field = bw[key][0].get<int64_t>()) < 1)
        return no("backward is malformed");
  }
  if (!j.contains("tma") || !(j["tma"].is_null() || j["tma"].is_object()))
    return no("tma is malformed");
  if (j["tma"].is_object()) {
    const json &t = j["tma"];
    if (!t.contains("box") || !t["box"].is_object() || !t["box"].contains("k") ||
        !t["box"]["k"].is_array() || t["box"]["k"].size() != 2 ||
        !t["box"]["k"][1].is_number_integer() || !t.contains("swizzle") ||
        !t["swizzle"].is_object() || !integer(t["swizzle"], "q", a.tmaSwizzleQK) ||
        !integer(t["swizzle"], "k", a.tmaSwizzleK) ||
        !integer(t["swizzle"], "v", a.tmaSwizzleVLoad) ||
        !integer(t["swizzle"], "out", a.tmaSwizzleV))
      return no("tma is malformed");
    a.tmaBlockN = t["box"]["k"][1].get<int64_t>();
  }
  // Everything else the form holds is derived from these fields: it must be
  // what they give (no unknown key, no edited text).
  if (kernelToJson(a) != j)
    return no("fields that do not match the kernel they describe");
  return a;
}

} // namespace faattn
