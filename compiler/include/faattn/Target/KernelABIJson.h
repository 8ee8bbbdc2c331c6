//===- KernelABIJson.h - a kernel ABI's JSON form and its arguments -*- C++ -*-===//
//
// The JSON form of a KernelABI (faattn-compile's NAME.json, the disk cache's
// entries) and kernelArgs(), the one definition of a kernel's memref
// arguments from its spec. See KernelABI.h for the order.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TARGET_KERNELABIJSON_H
#define FAATTN_TARGET_KERNELABIJSON_H

#include "faattn/Target/KernelABI.h"

#include <nlohmann/json.hpp>

#include <optional>

namespace faattn {
namespace spec {
struct KernelSpec;
} // namespace spec

/// The memref arguments of `k`'s kernel, in order (items 1-4 of
/// KernelABI.h's list); `workspace`: with the GPU build's workspace
/// (faattn-split-kv's for a split-KV kernel, workspace:delta for a backward
/// kernel, and workspace:dq after it for the tiled backward: `backwardTiled`).
std::vector<KernelArg> kernelArgs(const spec::KernelSpec &k, bool workspace,
                                  bool backwardTiled = false, bool lastCtaCombine = false);

/// faattn-split-kv's workspace arguments (item 4 of KernelABI.h's list) for
/// a kernel of `headsQ` query heads and V head dim `headDimV`: partial O as
/// a bshd (batch * splits, seq_q, heads, dim_v) f32 tensor and partial LSE
/// as (batch * splits, heads, seq_q); `packed` (varlen: every sequence's
/// query rows in one batch of total_q) (splits, total_q, heads, dim_v) and
/// (splits, heads, total_q). `lastCtaCombine` (faattn-split-kv's
/// last-cta-combine): then the tiles' arrival counters, i32 (batch, heads,
/// seq_q), packed (1, heads, total_q), zeroed by the runtime.
std::vector<KernelArg> splitKVWorkspaceArgs(int64_t headsQ, int64_t headDimV,
                                            bool packed = false, bool lastCtaCombine = false);

/// The JSON form of `abi`: abi_version, entry, target, params (the memref
/// arguments), varlen, launch (grid, block, block_m, dynamic_shared_bytes),
/// persistent, split_kv, tma (null when absent; their text says how each is
/// passed), mapping, schedule, stages, tile_order, overlap, fallback,
/// min_seq_kv. Deterministic (keys sorted).
nlohmann::json kernelToJson(const KernelABI &abi);

/// The ABI of a JSON form; nullopt (with `why`) unless `j` is exactly
/// kernelToJson of the ABI it describes: every field present and of its
/// type, nothing else, the derived text consistent. Never throws.
std::optional<KernelABI> kernelFromJson(const nlohmann::json &j, std::string &why);

} // namespace faattn

#endif // FAATTN_TARGET_KERNELABIJSON_H
