//===- DiskCache.cpp - The disk cache's format, checksums and lock --------===//
//
// A disk entry (format `faattn-cache N`, N the kernel ABI's version) is a
// header line, then the kernel and each of its alternatives as a JSON line
// (the ABI's JSON form, faattn/Target/KernelABIJson.h; the PTX's size and
// SHA-256; a checksum over those) followed by that PTX. Reading checks every
// field's type, both checksums, that the ABI is exactly the JSON form of the
// kernel it describes, the launch sizes, and that the entry ends after its
// last alternative, and that the main entry states the cache key and kernel
// name it is read for (covered by its checksum): anything else is a miss.
// readEntry opens an entry without following a symlink or blocking on a FIFO
// and reads only a regular file of the current user, up to a bound;
// untrustedDirReason says why a directory must not hold the cache. FileLock
// is the flock (polled, with a timeout) that serialises compiles of one key
// across processes.
//
//===----------------------------------------------------------------------===//
#include "DiskCache.h"
#include "KernelState.h"
#include "faattn/Target/KernelABIJson.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <chrono>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
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

/// The main entry's checksum also covers the cache key and kernel name it
/// was written for (an entry copied to another key's file is a miss).
std::string mainEntrySha(const nlohmann::json &abi, const std::string &ptxSha,
                         const std::string &key, const std::string &kernelName) {
  return sha256Hex(abi.dump() + "\n" + ptxSha + "\n\nkey " + key + "\nkernel " + kernelName);
}

/// One entry: a JSON line (the ABI, the PTX's size and checksum, the number
/// of alternatives that follow, the entry's checksum), then the PTX.
/// The main entry (`key` non-null) also states the cache key and kernel name.
void serializeEntry(const CompiledKernel &k, int64_t alternatives, const std::string &parentSha,
                    const std::string *key, const std::string *kernelName, std::string &out) {
  std::string ptxSha = sha256Hex(k.ptx);
  nlohmann::json abi = kernelToJson(k);
  nlohmann::json meta = {{"abi", abi},
                         {"alternatives", alternatives},
                         {"ptx_bytes", k.ptx.size()},
                         {"ptx_sha256", ptxSha}};
  if (key) {
    meta["key"] = *key;
    meta["kernel"] = *kernelName;
    meta["entry_sha256"] = mainEntrySha(abi, ptxSha, *key, *kernelName);
  } else {
    meta["entry_sha256"] = entrySha(abi, ptxSha, parentSha);
  }
  out += meta.dump() + "\n" + k.ptx;
}

/// One entry from the front of `data` (consumed), and its number of
/// alternatives; nullopt when it is malformed, truncated or corrupt.
/// The main entry (`key` non-null) must state that key and kernel name.
std::optional<CompiledKernel> deserializeEntry(llvm::StringRef &data, const std::string &parentSha,
                                              const std::string *key,
                                              const std::string *kernelName,
                                              int64_t &alternatives) {
  auto [line, rest] = data.split('\n');
  nlohmann::json meta = nlohmann::json::parse(line.str(), nullptr, /*allow_exceptions=*/false);
  // Every field checked for its type before it is read (get<> would throw).
  auto isString = [&](const char *key) { return meta.contains(key) && meta[key].is_string(); };
  if (meta.is_discarded() || !meta.is_object() || meta.size() != (key ? 7u : 5u) ||
      !meta.contains("abi") ||
      !isString("ptx_sha256") || !isString("entry_sha256") || !meta.contains("ptx_bytes") ||
      !meta["ptx_bytes"].is_number_unsigned() || !meta.contains("alternatives") ||
      !meta["alternatives"].is_number_integer())
    return std::nullopt;
  if (key && (!isString("key") || !isString("kernel") ||
              meta["key"].get<std::string>() != *key ||
              meta["kernel"].get<std::string>() != *kernelName))
    return std::nullopt; // written for another key or kernel (or an old entry without them)
  size_t ptxBytes = meta["ptx_bytes"].get<size_t>();
  if (rest.size() < ptxBytes)
    return std::nullopt; // truncated
  llvm::StringRef ptx = rest.take_front(ptxBytes);
  std::string ptxSha = meta["ptx_sha256"].get<std::string>();
  if (sha256Hex(ptx) != ptxSha)
    return std::nullopt; // corrupt: a miss
  // The ABI is covered too (a corrupt block_m would launch wrongly).
  std::string expected = key ? mainEntrySha(meta["abi"], ptxSha, *key, *kernelName)
                             : entrySha(meta["abi"], ptxSha, parentSha);
  if (expected != meta["entry_sha256"].get<std::string>())
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

std::string serialize(const CompiledKernel &k, const std::string &key,
                      const std::string &kernelName) {
  std::string out = cacheHeader();
  serializeEntry(k, static_cast<int64_t>(k.alternatives.size()), "", &key, &kernelName, out);
  std::string mainSha = sha256Hex(k.ptx);
  for (const CompiledKernel &alt : k.alternatives)
    serializeEntry(alt, 0, mainSha, nullptr, nullptr, out);
  return out;
}

std::optional<CompiledKernel> deserialize(llvm::StringRef data, const std::string &key,
                                          const std::string &kernelName) {
  if (!data.consume_front(cacheHeader()))
    return std::nullopt;
  int64_t alternatives = 0, none = 0;
  std::optional<CompiledKernel> k = deserializeEntry(data, "", &key, &kernelName, alternatives);
  if (!k || alternatives < 0 || alternatives > int64_t(kMaxAlternatives))
    return std::nullopt;
  std::string mainSha = sha256Hex(k->ptx);
  for (int64_t i = 0; i < alternatives; ++i) {
    std::optional<CompiledKernel> alt = deserializeEntry(data, mainSha, nullptr, nullptr, none);
    if (!alt || none != 0)
      return std::nullopt;
    k->alternatives.push_back(std::move(*alt));
  }
  if (!data.empty() || !invalidReason(*k).empty())
    return std::nullopt; // trailing bytes, or sizes that cannot launch
  return k;
}

std::optional<std::string> readEntry(const std::string &path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return std::nullopt;
  std::optional<std::string> out;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
      st.st_size >= 0 && st.st_size <= kMaxEntryBytes &&
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0) {
    // Read at most the bound (+1 to see a file that grew past it).
    std::string data;
    char buf[1 << 16];
    bool ok = true;
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0) {
        ok = false;
        break;
      }
      if (n == 0)
        break;
      data.append(buf, size_t(n));
      if (int64_t(data.size()) > kMaxEntryBytes) {
        ok = false;
        break;
      }
    }
    if (ok)
      out = std::move(data);
  }
  ::close(fd);
  return out;
}

std::string untrustedDirReason(const std::string &dir, bool &readOnly) {
  readOnly = false;
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0)
    return "cannot stat '" + dir + "': " + std::strerror(errno);
  if (!S_ISDIR(st.st_mode))
    return "'" + dir + "' is not a directory (a symlink or another file)";
  if (st.st_uid != ::geteuid())
    return "'" + dir + "' is owned by uid " + std::to_string(st.st_uid) + ", not by uid " +
           std::to_string(::geteuid());
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    return "'" + dir + "' is writable by group or others";
  readOnly = !(st.st_mode & S_IWUSR) || ::access(dir.c_str(), W_OK) != 0;
  return "";
}

FileLock::FileLock(const std::string &path, int64_t timeoutMs) {
  fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fd = -1;
    return;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if ((errno != EWOULDBLOCK && errno != EINTR) ||
        std::chrono::steady_clock::now() >= deadline) {
      timedOut = errno == EWOULDBLOCK;
      ::close(fd);
      fd = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

FileLock::~FileLock() {
  if (fd >= 0) {
    ::flock(fd, LOCK_UN);
    ::close(fd);
  }
}

} // namespace faattn
