//===- DiskCache.cpp - The disk cache's format, checksums and lock --------===//
//
// A disk entry (format `faattn-cache N`, N the kernel ABI's version) is a
// header line, then the kernel and each of its alternatives as a JSON line
// (the ABI's JSON form, faattn/Target/KernelABIJson.h; the PTX's size and
// SHA-256; a checksum over those) followed by that PTX. Reading checks every
// field's type, both checksums, that the ABI is exactly the JSON form of the
// kernel it describes, the launch sizes, and that the entry ends after its
// last alternative: anything else is a miss. FileLock is the flock that serialises compiles of
// one key across processes.
//
//===----------------------------------------------------------------------===//
#include "DiskCache.h"
#include "KernelState.h"
#include "faattn/Target/KernelABIJson.h"

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

/// The disk entry's header: the format is the kernel ABI's JSON form, so its
/// version is the ABI's.
const std::string &cacheHeader() {
  static const std::string header = "faattn-cache " + std::to_string(kKernelABIVersion) + "\n";
  return header;
}

/// The checksum of an entry: its ABI's JSON form (a corrupt block size would
/// launch wrongly), its PTX's checksum and the main kernel's (`parentSha`, ""
/// for the main kernel: an alternative's entry covers the main PTX too, so
/// that entries of two cache files do not mix).
std::string entrySha(const nlohmann::json &abi, const std::string &ptxSha,
                     const std::string &parentSha) {
  return sha256Hex(abi.dump() + "\n" + ptxSha + "\n" + parentSha);
}

/// One entry: a JSON line (the ABI, the PTX's size and checksum, the number
/// of alternatives that follow, the entry's checksum), then the PTX.
void serializeEntry(const CompiledKernel &k, int64_t alternatives, const std::string &parentSha,
                    std::string &out) {
  std::string ptxSha = sha256Hex(k.ptx);
  nlohmann::json abi = kernelToJson(k);
  nlohmann::json meta = {{"abi", abi},
                         {"alternatives", alternatives},
                         {"ptx_bytes", k.ptx.size()},
                         {"ptx_sha256", ptxSha},
                         {"entry_sha256", entrySha(abi, ptxSha, parentSha)}};
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
  if (meta.is_discarded() || !meta.is_object() || meta.size() != 5 || !meta.contains("abi") ||
      !isString("ptx_sha256") || !isString("entry_sha256") || !meta.contains("ptx_bytes") ||
      !meta["ptx_bytes"].is_number_unsigned() || !meta.contains("alternatives") ||
      !meta["alternatives"].is_number_integer())
    return std::nullopt;
  size_t ptxBytes = meta["ptx_bytes"].get<size_t>();
  if (rest.size() < ptxBytes)
    return std::nullopt; // truncated
  llvm::StringRef ptx = rest.take_front(ptxBytes);
  std::string ptxSha = meta["ptx_sha256"].get<std::string>();
  if (sha256Hex(ptx) != ptxSha)
    return std::nullopt; // corrupt: a miss
  // The ABI is covered too (a corrupt block_m would launch wrongly).
  if (entrySha(meta["abi"], ptxSha, parentSha) != meta["entry_sha256"].get<std::string>())
    return std::nullopt;
  std::string why;
  std::optional<KernelABI> abi = kernelFromJson(meta["abi"], why);
  if (!abi)
    return std::nullopt;
  CompiledKernel k;
  static_cast<KernelABI &>(k) = std::move(*abi);
  k.ptx = ptx.str();
  alternatives = meta["alternatives"].get<int64_t>();
  data = rest.drop_front(ptxBytes);
  return k;
}

} // namespace

std::string serialize(const CompiledKernel &k) {
  std::string out = cacheHeader();
  serializeEntry(k, static_cast<int64_t>(k.alternatives.size()), "", out);
  std::string mainSha = sha256Hex(k.ptx);
  for (const CompiledKernel &alt : k.alternatives)
    serializeEntry(alt, 0, mainSha, out);
  return out;
}

std::optional<CompiledKernel> deserialize(llvm::StringRef data) {
  if (!data.consume_front(cacheHeader()))
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
