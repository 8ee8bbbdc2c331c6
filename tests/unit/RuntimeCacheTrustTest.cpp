//===- RuntimeCacheTrustTest.cpp - The disk cache trusts no one ----------===//
//
// Issue 21 item 1: the default directory is per user and created 0700; a
// directory that is a symlink, owned by another uid or writable by group or
// others is refused with one warning; entries that are symlinks, FIFOs,
// devices, of another uid or written for another key are misses; a held lock
// times out into a compile that writes nothing; a read-only prefilled cache
// serves its hits and writes nothing. The uid tests need root (CI runs them
// as root) and are skipped otherwise.
//
//===----------------------------------------------------------------------===//
#include "RuntimeTestSupport.h"

#include <cstdlib>
#include <future>
#include <optional>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace faattn::runtime_test {
namespace {

const char *const kOther = "kernel other { heads = 8 : 2; head_dim = 64; dtype = bf16; mask = causal }";

/// Sets (or unsets, for nullptr) an environment variable for a scope.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(const char *n, const char *value) : name(n) {
    if (const char *v = std::getenv(n))
      old = v;
    if (value)
      ::setenv(n, value, 1);
    else
      ::unsetenv(n);
  }
  ~ScopedEnv() {
    if (old)
      ::setenv(name.c_str(), old->c_str(), 1);
    else
      ::unsetenv(name.c_str());
  }
};

/// The cache key (file stem) of `spec`, from a scratch directory.
std::string keyOf(const char *spec, const std::string &scratchName) {
  std::string scratch = freshDir(scratchName);
  compileFresh(scratch, 1, 0, spec);
  auto e = entries(scratch);
  EXPECT_EQ(e.size(), 1u);
  return e.empty() ? "" : e[0].stem().string();
}

size_t fileCount(const std::string &dir) {
  size_t n = 0;
  for (auto &e : fs::directory_iterator(dir)) {
    (void)e;
    ++n;
  }
  return n;
}

std::string warning(const std::string &why) {
  return "faattn: warning: the disk cache is off (" + why + "); kernels are cached in memory only\n";
}

/// A runtime on `dir` compiles kSpec twice; returns its stderr. Expects one
/// compile, no disk cache, nothing written into `dir`.
std::string refusedDir(const std::string &dir) {
  size_t before = fs::is_directory(dir) ? fileCount(dir) : 0;
  std::atomic<int> calls{0};
  testing::internal::CaptureStderr();
  Runtime rt(fakeOptions(dir, &calls));
  auto a = rt.compile(kSpec);
  auto b = rt.compile(kSpec);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(a) << a.error();
  EXPECT_TRUE(b) << b.error();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(rt.cacheDir(), "");
  EXPECT_EQ(rt.stats().diskHits, 0);
  if (fs::is_directory(dir))
    EXPECT_EQ(fileCount(dir), before) << "nothing written";
  return err;
}

//===----------------------------------------------------------------------===//
// The directory
//===----------------------------------------------------------------------===//

TEST(RuntimeCacheTrust, DefaultDirectoryIsXdgCacheHome) {
  std::string base = freshDir("xdg");
  ScopedEnv noDir("FAATTN_CACHE_DIR", nullptr);
  ScopedEnv xdg("XDG_CACHE_HOME", (base + "/cache").c_str());
  RuntimeOptions o = fakeOptions("");
  o.cacheDir.reset();
  Runtime rt(o);
  EXPECT_EQ(rt.cacheDir(), base + "/cache/faattn");
  struct stat st;
  ASSERT_EQ(::lstat((base + "/cache/faattn").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(RuntimeCacheTrust, DefaultDirectoryIsHomeCacheCreated0700) {
  std::string home = freshDir("home");
  ScopedEnv noDir("FAATTN_CACHE_DIR", nullptr);
  ScopedEnv noXdg("XDG_CACHE_HOME", nullptr);
  ScopedEnv h("HOME", home.c_str());
  RuntimeOptions o = fakeOptions("");
  o.cacheDir.reset();
  Runtime rt(o);
  EXPECT_EQ(rt.cacheDir(), home + "/.cache/faattn");
  struct stat st;
  ASSERT_EQ(::lstat((home + "/.cache/faattn").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_TRUE(rt.compile(kSpec));
  EXPECT_EQ(entries(home + "/.cache/faattn").size(), 1u);
}

TEST(RuntimeCacheTrust, EnvironmentAndOptionStillChooseTheDirectory) {
  std::string env = freshDir("env-dir"), opt = freshDir("opt-dir");
  ScopedEnv d("FAATTN_CACHE_DIR", env.c_str());
  ScopedEnv xdg("XDG_CACHE_HOME", freshDir("env-xdg").c_str());
  RuntimeOptions o = fakeOptions("");
  o.cacheDir.reset();
  EXPECT_EQ(Runtime(o).cacheDir(), env);
  EXPECT_EQ(Runtime(fakeOptions(opt)).cacheDir(), opt);
}

TEST(RuntimeCacheTrust, GroupOrOtherWritableDirectoryIsRefused) {
  for (mode_t mode : {0777, 0770, 0702, 01777}) {
    std::string dir = freshDir("writable");
    ASSERT_EQ(::chmod(dir.c_str(), mode), 0);
    std::string err = refusedDir(dir);
    EXPECT_EQ(err, warning("'" + dir + "' is writable by group or others")) << std::oct << mode;
  }
}

TEST(RuntimeCacheTrust, SymlinkedDirectoryIsRefused) {
  std::string target = freshDir("dir-target");
  std::string link = freshDir("dir-link") + "/cache";
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  std::string err = refusedDir(link);
  EXPECT_EQ(err, warning("'" + link + "' is not a directory (a symlink or another file)"));
  EXPECT_TRUE(entries(target).empty());
}

TEST(RuntimeCacheTrust, DirectoryOfAnotherUidIsRefused) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to chown";
  std::string dir = freshDir("other-uid");
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  ASSERT_EQ(::chown(dir.c_str(), 65534, 65534), 0);
  std::string err = refusedDir(dir);
  EXPECT_EQ(err, warning("'" + dir + "' is owned by uid 65534, not by uid 0"));
}

//===----------------------------------------------------------------------===//
// The entries
//===----------------------------------------------------------------------===//

TEST(RuntimeCacheTrust, EntryStatesItsKeyAndKernel) {
  std::string dir = freshDir("states-key");
  compileFresh(dir, 1, 0);
  auto e = entries(dir);
  ASSERT_EQ(e.size(), 1u);
  std::string data = readFile(e[0]);
  std::string line = data.substr(0, data.find('\n', data.find('\n') + 1));
  EXPECT_NE(line.find("\"key\":\"" + e[0].stem().string() + "\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"kernel\":\"causal\""), std::string::npos) << line;
  // The stated name is covered by the checksum: edited, a miss.
  size_t at = data.find("\"kernel\":\"causal\"");
  ASSERT_NE(at, std::string::npos);
  data.replace(at, 17, "\"kernel\":\"casual\"");
  std::ofstream(e[0], std::ios::binary | std::ios::trunc) << data;
  compileFresh(dir, 1, 0);
}

TEST(RuntimeCacheTrust, EntryCopiedToAnotherKeyIsAMiss) {
  std::string dir = freshDir("copied");
  compileFresh(dir, 1, 0, kSpec);
  std::string causalEntry = entries(dir)[0].string();
  compileFresh(dir, 1, 0, kOther);
  std::string otherEntry;
  for (auto &p : entries(dir))
    if (p.string() != causalEntry)
      otherEntry = p.string();
  ASSERT_FALSE(otherEntry.empty());
  fs::copy_file(causalEntry, otherEntry, fs::copy_options::overwrite_existing);
  compileFresh(dir, 1, 0, kOther); // a miss, recompiled
  compileFresh(dir, 0, 1, kOther); // and rewritten for its own key
  compileFresh(dir, 0, 1, kSpec);
}

TEST(RuntimeCacheTrust, PlantedEntryOfAnotherUidIsAMiss) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to chown";
  std::string dir = freshDir("planted");
  compileFresh(dir, 1, 0);
  auto e = entries(dir);
  ASSERT_EQ(e.size(), 1u);
  ASSERT_EQ(::chown(e[0].c_str(), 65534, 65534), 0);
  compileFresh(dir, 1, 0); // refused and recompiled (the rewrite is root's)
  struct stat st;
  ASSERT_EQ(::stat(e[0].c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  compileFresh(dir, 0, 1);
}

TEST(RuntimeCacheTrust, SymlinkedEntryIsAMiss) {
  std::string elsewhere = freshDir("symlink-source");
  compileFresh(elsewhere, 1, 0);
  fs::path source = entries(elsewhere)[0];
  std::string dir = freshDir("symlink-entry");
  fs::path entry = fs::path(dir) / source.filename();
  ASSERT_EQ(::symlink(source.c_str(), entry.c_str()), 0);
  compileFresh(dir, 1, 0);
  EXPECT_FALSE(fs::is_symlink(entry)) << "replaced by a real entry";
}

TEST(RuntimeCacheTrust, FifoEntryIsAMissWithoutBlocking) {
  std::string key = keyOf(kSpec, "fifo-scratch");
  std::string dir = freshDir("fifo");
  std::string entry = dir + "/" + key + ".faattn";
  ASSERT_EQ(::mkfifo(entry.c_str(), 0600), 0);
  auto done = std::async(std::launch::async, [&] { compileFresh(dir, 1, 0); });
  if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "blocked on the FIFO";
    // Unblock the reader so that the test ends.
    int fd = ::open(entry.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0)
      ::close(fd);
  }
  done.get();
}

TEST(RuntimeCacheTrust, DevZeroEntryIsAMiss) {
  std::string key = keyOf(kSpec, "zero-scratch");
  // A symlink to /dev/zero.
  std::string dir = freshDir("zero-link");
  std::string entry = dir + "/" + key + ".faattn";
  ASSERT_EQ(::symlink("/dev/zero", entry.c_str()), 0);
  compileFresh(dir, 1, 0);
  // /dev/zero's device itself as the entry (mknod needs root).
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to mknod";
  dir = freshDir("zero-node");
  entry = dir + "/" + key + ".faattn";
  ASSERT_EQ(::mknod(entry.c_str(), S_IFCHR | 0600, makedev(1, 5)), 0);
  compileFresh(dir, 1, 0);
}

TEST(RuntimeCacheTrust, OversizedEntryIsAMiss) {
  std::string dir = freshDir("oversized");
  compileFresh(dir, 1, 0);
  fs::path e = entries(dir)[0];
  fs::resize_file(e, (int64_t(64) << 20) + 1);
  compileFresh(dir, 1, 0);
}

//===----------------------------------------------------------------------===//
// The lock
//===----------------------------------------------------------------------===//

TEST(RuntimeCacheTrust, SymlinkedLockIsNotFollowed) {
  std::string key = keyOf(kSpec, "lock-scratch");
  std::string dir = freshDir("lock-link");
  std::string target = freshDir("lock-target") + "/planted";
  ASSERT_EQ(::symlink(target.c_str(), (dir + "/" + key + ".lock").c_str()), 0);
  testing::internal::CaptureStderr();
  compileFresh(dir, 1, 0);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_FALSE(fs::exists(target)) << "the lock's symlink was followed";
  EXPECT_TRUE(entries(dir).empty()) << "no lock, nothing written";
}

TEST(RuntimeCacheTrust, HeldLockTimesOutAndWritesNothing) {
  ScopedEnv timeout("FAATTN_CACHE_LOCK_TIMEOUT_MS", "300");
  std::string key = keyOf(kSpec, "held-scratch");
  std::string dir = freshDir("held");
  std::string lockPath = dir + "/" + key + ".lock";
  int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  auto start = std::chrono::steady_clock::now();
  auto done = std::async(std::launch::async, [&] { compileFresh(dir, 1, 0); });
  if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "waited on the held lock past the timeout";
    ::flock(fd, LOCK_UN); // let it finish
  }
  done.get();
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
  EXPECT_GE(ms, 250);
  EXPECT_TRUE(entries(dir).empty()) << "compiled without the lock: nothing written";
  ::close(fd);
  // Released: the next compile caches as usual.
  compileFresh(dir, 1, 0);
  compileFresh(dir, 0, 1);
}

//===----------------------------------------------------------------------===//
// Read-only caches
//===----------------------------------------------------------------------===//

TEST(RuntimeCacheTrust, ReadOnlyPrefilledDirectoryServesHitsAndWritesNothing) {
  std::string dir = freshDir("read-only");
  compileFresh(dir, 1, 0);
  for (auto &e : fs::directory_iterator(dir))
    if (e.path().extension() == ".lock")
      fs::remove(e.path());
  ASSERT_EQ(fileCount(dir), 1u);
  ASSERT_EQ(::chmod(dir.c_str(), 0500), 0);
  testing::internal::CaptureStderr();
  compileFresh(dir, 0, 1);           // a hit, without a lock file
  compileFresh(dir, 1, 0, kOther);   // a miss, compiled and kept in memory
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "") << "no warning, no error";
  EXPECT_EQ(fileCount(dir), 1u) << "nothing written (not even a lock)";
  std::atomic<int> calls{0};
  Runtime rt(fakeOptions(dir, &calls));
  EXPECT_EQ(rt.cacheDir(), dir);
  ASSERT_TRUE(rt.compile(kOther));
  ASSERT_TRUE(rt.compile(kOther));
  EXPECT_EQ(calls.load(), 1) << "the miss is kept in memory";
  ::chmod(dir.c_str(), 0700);
}

TEST(RuntimeCacheTrust, LockThatCannotBeCreatedStillServesHits) {
  std::string dir = freshDir("no-lock");
  compileFresh(dir, 1, 0);
  std::string key = entries(dir)[0].stem().string();
  fs::remove(dir + "/" + key + ".lock");
  fs::create_directory(dir + "/" + key + ".lock"); // open(O_RDWR) fails: EISDIR
  testing::internal::CaptureStderr();
  compileFresh(dir, 0, 1);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  // A miss under such a lock is compiled and not written.
  fs::remove(entries(dir)[0]);
  compileFresh(dir, 1, 0);
  EXPECT_TRUE(entries(dir).empty());
}

} // namespace
} // namespace faattn::runtime_test
