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

/// The disk entry of a compiled kernel and its alternatives.
std::string serialize(const CompiledKernel &k);

/// The kernel of a disk entry; nullopt when the entry is malformed,
/// truncated, corrupt, of another format, or holds sizes that cannot launch.
std::optional<CompiledKernel> deserialize(llvm::StringRef data);

/// An exclusive lock on a file for the life of the object (flock: released
/// by the kernel if the process dies). `fd` is -1 when the file could not
/// be opened or locked.
struct FileLock {
  int fd = -1;
  explicit FileLock(const std::string &path);
  ~FileLock();
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;
};

} // namespace faattn

#endif // FAATTN_RUNTIME_LIB_DISKCACHE_H
