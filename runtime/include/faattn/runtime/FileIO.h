//===- FileIO.h - Checked file reads and writes -----------------*- C++ -*-===//
//
// Reads that refuse what is not a regular file (a FIFO would block, /dev/zero
// never ends, a directory has no text) and read at most a bound, and writes
// that check every error (a full disk, a failing close) and report it as a
// message instead of ending the process, as llvm::writeToOutput and a
// raw_fd_ostream with an error do. Header-only: the runtime, faattn-compile
// and faattn-run share it. POSIX.
//
// Test hook: FAATTN_TEST_WRITE_LIMIT=N makes writeAll fail with ENOSPC once
// the process has written N bytes through it (the write that crosses the
// limit writes up to it, leaving a truncated file as a full disk does).
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_RUNTIME_FILEIO_H
#define FAATTN_RUNTIME_FILEIO_H

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace faattn::io {

/// The bytes writeAll may still write (FAATTN_TEST_WRITE_LIMIT), -1: no limit.
inline std::atomic<int64_t> &writeBudget() {
  static std::atomic<int64_t> budget = [] {
    const char *env = std::getenv("FAATTN_TEST_WRITE_LIMIT");
    if (!env || !*env)
      return int64_t(-1);
    char *end = nullptr;
    long long n = std::strtoll(env, &end, 10);
    return end && !*end && n >= 0 ? int64_t(n) : int64_t(-1);
  }();
  return budget;
}

/// Writes all of `data` to `fd`; "" or the reason it failed (strerror).
inline std::string writeAll(int fd, const char *data, size_t size) {
  while (size > 0) {
    size_t chunk = size;
    bool injected = false;
    std::atomic<int64_t> &budget = writeBudget();
    if (budget.load() >= 0) {
      int64_t left = budget.load();
      if (int64_t(chunk) > left) {
        chunk = size_t(left);
        injected = true;
      }
      budget -= int64_t(chunk);
    }
    if (chunk == 0 && injected)
      return std::strerror(ENOSPC);
    ssize_t n = ::write(fd, data, chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return std::strerror(errno);
    if (n == 0)
      return std::strerror(ENOSPC);
    data += n;
    size -= size_t(n);
  }
  return "";
}

inline std::string writeAll(int fd, const std::string &data) {
  return writeAll(fd, data.data(), data.size());
}

/// Creates `path` (it must not exist; never through a symlink) with `mode`,
/// writes `data`, flushes it to the disk and closes it, checking each step.
/// On failure the file is removed. "" or "cannot write '<path>': <reason>".
inline std::string writeNewFile(const std::string &path, const std::string &data,
                                mode_t mode = 0644) {
  auto failed = [&](const std::string &why) { return "cannot write '" + path + "': " + why; };
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0)
    return failed(std::strerror(errno));
  std::string why = writeAll(fd, data);
  if (why.empty() && ::fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
    why = std::strerror(errno);
  if (::close(fd) != 0 && why.empty())
    why = std::strerror(errno);
  if (why.empty())
    return "";
  ::unlink(path.c_str());
  return failed(why);
}

/// Replaces `path` with a file holding `data`, atomically: written to a
/// temporary beside it and renamed over it, so a reader sees the old file or
/// the whole new one; on failure nothing is left behind and `path` is as it
/// was. "" or "cannot write '<path>': <reason>".
inline std::string writeFileAtomic(const std::string &path, const std::string &data,
                                   mode_t mode = 0644) {
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    return "cannot write '" + path + "': " + std::strerror(errno);
  std::string why = writeAll(fd, data);
  if (why.empty() && ::fchmod(fd, mode) != 0)
    why = std::strerror(errno);
  if (why.empty() && ::fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
    why = std::strerror(errno);
  if (::close(fd) != 0 && why.empty())
    why = std::strerror(errno);
  if (why.empty() && ::rename(tmp.c_str(), path.c_str()) != 0)
    why = std::strerror(errno);
  if (why.empty())
    return "";
  ::unlink(tmp.c_str());
  return "cannot write '" + path + "': " + why;
}

/// Reads the regular file `path`, at most `maxBytes` of it, into `out`.
/// A directory, a FIFO, a device or a socket is refused without blocking on
/// it or reading it; so is a file over the bound. "" or
/// "cannot open '<path>': <reason>".
inline std::string readRegularFile(const std::string &path, int64_t maxBytes, std::string &out,
                                   int64_t *sizeOut = nullptr) {
  auto failed = [&](const std::string &why) { return "cannot open '" + path + "': " + why; };
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return failed(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0)
    return failed(std::strerror(errno));
  if (S_ISDIR(st.st_mode))
    return failed(std::strerror(EISDIR));
  if (!S_ISREG(st.st_mode))
    return failed(std::string("not a regular file (") +
                  (S_ISFIFO(st.st_mode)  ? "a FIFO"
                   : S_ISCHR(st.st_mode) ? "a character device"
                   : S_ISBLK(st.st_mode) ? "a block device"
                   : S_ISSOCK(st.st_mode) ? "a socket"
                                          : "a special file") +
                  ")");
  if (sizeOut)
    *sizeOut = st.st_size;
  auto tooLarge = [&] { return failed("larger than " + std::to_string(maxBytes) + " bytes"); };
  if (st.st_size > maxBytes)
    return tooLarge();
  if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
    return failed(std::strerror(errno));
  out.clear();
  out.reserve(size_t(st.st_size));
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return failed(std::strerror(errno));
    if (n == 0)
      break;
    out.append(buf, size_t(n));
    if (int64_t(out.size()) > maxBytes) // a file that grew (or /proc's, sized 0)
      return tooLarge();
  }
  return "";
}

} // namespace faattn::io

#endif // FAATTN_RUNTIME_FILEIO_H
