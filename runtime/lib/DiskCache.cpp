//===- DiskCache.cpp - The disk cache's format, checksums and lock --------===//
//
// A disk entry (format `faattn-cache 5`) is a header line, then the kernel
// and each of its alternatives as a JSON line (name, target, the launch
// sizes, the PTX's size and SHA-256, and a checksum over those fields)
// followed by that PTX. Reading checks every field's type, both checksums
// and the launch sizes, and that the entry ends after its last alternative:
// anything else is a miss. FileLock is the flock that serialises compiles of
// one key across processes.
//
//===----------------------------------------------------------------------===//
#include "DiskCache.h"
#include "KernelState.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace faattn {

std::string sha256Hex(llvm::StringRef data) {
  auto digest = llvm::SHA256::hash(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(data.data()), data.size()));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

namespace {

/// The fields that decide how a kernel is launched, hashed (a corrupt block
/// size would launch wrongly).
std::string entryFields(const std::string &name, const std::string &target,
                        const std::vector<int64_t> &sizes, const std::string &ptxSha) {
  std::string s = name + "\n" + target + "\n";
  for (int64_t x : sizes)
    s += std::to_string(x) + "\n";
  return s + ptxSha;
}

/// The launch sizes of an entry, in the order of entryFields and the JSON
/// keys; "alternatives" is their number after the kernel (0 in each of them).
const char *const kSizeKeys[] = {"block_m",     "threads",    "shared_bytes", "block_n",
                                 "max_splits",  "tma_block_n", "persistent",  "min_seq_kv",
                                 "alternatives"};

constexpr llvm::StringLiteral kCacheHeader = "faattn-cache 5\n";

/// One entry; an alternative's checksum covers the main kernel's PTX checksum
/// too (`parentSha`; "" for the main kernel), so that entries of two cache
/// files do not mix.
void serializeEntry(const CompiledKernel &k, int64_t alternatives, const std::string &parentSha,
                    std::string &out) {
  std::string ptxSha = sha256Hex(k.ptx);
  std::vector<int64_t> sizes = {k.blockM,    k.threads,   k.sharedBytes,
                                k.blockN,    k.maxSplits, k.tmaBlockN,
                                k.persistent ? 1 : 0, k.minSeqKV, alternatives};
  nlohmann::json meta = {{"name", k.name},
                         {"target", k.target},
                         {"ptx_bytes", k.ptx.size()},
                         {"ptx_sha256", ptxSha},
                         {"entry_sha256",
                          sha256Hex(entryFields(k.name, k.target, sizes, ptxSha + parentSha))}};
  for (size_t i = 0; i < sizes.size(); ++i)
    meta[kSizeKeys[i]] = sizes[i];
  out += meta.dump() + "\n" + k.ptx;
}

/// One entry from the front of `data` (consumed), and its number of
/// alternatives; nullopt when it is malformed, truncated or corrupt.
std::optional<CompiledKernel> deserializeEntry(llvm::StringRef &data, const std::string &parentSha,
                                              int64_t &alternatives) {
  auto [line, rest] = data.split('\n');
  nlohmann::json meta = nlohmann::json::parse(line.str(), nullptr, /*allow_exceptions=*/false);
  // Every field checked for its type before it is read (get<> would throw).
  auto isString = [&](const char *key) { return meta.contains(key) && meta[key].is_string(); };
  if (meta.is_discarded() || !meta.is_object() || !isString("name") || !isString("target") ||
      !isString("ptx_sha256") || !isString("entry_sha256") || !meta.contains("ptx_bytes") ||
      !meta["ptx_bytes"].is_number_unsigned())
    return std::nullopt;
  std::vector<int64_t> sizes;
  for (const char *key : kSizeKeys) {
    if (!meta.contains(key) || !meta[key].is_number_integer())
      return std::nullopt;
    sizes.push_back(meta[key].get<int64_t>());
  }
  size_t ptxBytes = meta["ptx_bytes"].get<size_t>();
  if (rest.size() < ptxBytes)
    return std::nullopt; // truncated
  llvm::StringRef ptx = rest.take_front(ptxBytes);
  if (sha256Hex(ptx) != meta["ptx_sha256"].get<std::string>())
    return std::nullopt; // corrupt: a miss
  // The header fields are covered too (a corrupt block_m would launch wrongly).
  std::string fields = entryFields(meta["name"].get<std::string>(),
                                   meta["target"].get<std::string>(), sizes,
                                   meta["ptx_sha256"].get<std::string>() + parentSha);
  if (sha256Hex(fields) != meta["entry_sha256"].get<std::string>())
    return std::nullopt;
  CompiledKernel k;
  k.name = meta["name"].get<std::string>();
  k.target = meta["target"].get<std::string>();
  k.blockM = sizes[0];
  k.threads = sizes[1];
  k.sharedBytes = sizes[2];
  k.blockN = sizes[3];
  k.maxSplits = sizes[4];
  k.tmaBlockN = sizes[5];
  if (sizes[6] != 0 && sizes[6] != 1)
    return std::nullopt;
  k.persistent = sizes[6] != 0;
  k.minSeqKV = sizes[7];
  alternatives = sizes[8];
  k.ptx = ptx.str();
  data = rest.drop_front(ptxBytes);
  return k;
}

} // namespace

std::string serialize(const CompiledKernel &k) {
  std::string out = kCacheHeader.str();
  serializeEntry(k, static_cast<int64_t>(k.alternatives.size()), "", out);
  std::string mainSha = sha256Hex(k.ptx);
  for (const CompiledKernel &alt : k.alternatives)
    serializeEntry(alt, 0, mainSha, out);
  return out;
}

std::optional<CompiledKernel> deserialize(llvm::StringRef data) {
  if (!data.consume_front(kCacheHeader))
    return std::nullopt;
  int64_t alternatives = 0, none = 0;
  std::optional<CompiledKernel> k = deserializeEntry(data, "", alternatives);
  if (!k || alternatives < 0 || alternatives > int64_t(kMaxAlternatives))
    return std::nullopt;
  std::string mainSha = sha256Hex(k->ptx);
  for (int64_t i = 0; i < alternatives; ++i) {
    std::optional<CompiledKernel> alt = deserializeEntry(data, mainSha, none);
    if (!alt || none != 0)
      return std::nullopt;
    k->alternatives.push_back(std::move(*alt));
  }
  if (!data.empty() || !invalidReason(*k).empty())
    return std::nullopt; // trailing bytes, or sizes that cannot launch
  return k;
}

FileLock::FileLock(const std::string &path) {
  fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0 && ::flock(fd, LOCK_EX) != 0) {
    ::close(fd);
    fd = -1;
  }
}

FileLock::~FileLock() {
  if (fd >= 0) {
    ::flock(fd, LOCK_UN);
    ::close(fd);
  }
}

} // namespace faattn
