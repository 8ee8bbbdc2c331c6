//===- DiskCache.h - The disk cache's entries and lock (private) -*- C++ -*-===//
//
// The format of a disk entry (`<key>.faattn`), read and written with its
// checksums, and the per-key file lock that makes one process compile while
// the others wait. Runtime.cpp decides when to read, compile and write.
// Private to runtime/lib.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_RUNTIME_LIB_DISKCACHE_H
#define FAATTN_RUNTIME_LIB_DISKCACHE_H

#include "faattn/faattn.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace faattn {

/// SHA-256 of `data` as lower-case hex.
std::string sha256Hex(llvm::StringRef data);

/// The disk entry of a compiled kernel and its alternatives, written for
/// cache key `key` and the spec's kernel `kernelName` (both stated in the
/// entry and covered by its checksum).
std::string serialize(const CompiledKernel &k, const std::string &key,
                      const std::string &kernelName);

/// The kernel of a disk entry; nullopt when the entry is malformed,
/// truncated, corrupt, of another format, was written for another key or
/// kernel name, or holds sizes that cannot launch.
std::optional<CompiledKernel> deserialize(llvm::StringRef data, const std::string &key,
                                          const std::string &kernelName);

/// The largest disk entry the runtime reads (a larger file is a miss).
constexpr int64_t kMaxEntryBytes = int64_t(64) << 20;

/// The bytes of the disk entry at `path`, or nullopt (a miss) unless it is a
/// regular file (opened with O_NOFOLLOW | O_NONBLOCK: a symlink, a FIFO or a
/// device is never followed, blocked on or read) owned by the current user
/// and at most kMaxEntryBytes long.
std::optional<std::string> readEntry(const std::string &path);

/// Why directory `dir` must not hold a disk cache ("" when it may): it must
/// be a directory itself (lstat: not a symlink), owned by the current user,
/// and writable by neither group nor others. `readOnly` says whether its
/// owner cannot write it (then entries are read, never written).
std::string untrustedDirReason(const std::string &dir, bool &readOnly);

/// An exclusive lock on a file for the life of the object (flock: released
/// by the kernel if the process dies). The file is opened with O_NOFOLLOW |
/// O_CLOEXEC; the lock is polled (LOCK_NB) for up to `timeoutMs`. `fd` is -1
/// when the file could not be opened or the lock not taken in time
/// (`timedOut` says which).
struct FileLock {
  int fd = -1;
  bool timedOut = false;
  FileLock(const std::string &path, int64_t timeoutMs);
  ~FileLock();
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;
};

} // namespace faattn

#endif // FAATTN_RUNTIME_LIB_DISKCACHE_H
