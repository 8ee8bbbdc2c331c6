//===- RuntimeAlternativesTest.cpp - overlap = auto's builds (no GPU) -------===//
//
// A kernel's shape-dependent alternatives (overlap = auto's long-KV build):
// which one a launch takes, that varlen and paged kernels take the kernel
// itself, their disk entry (and corrupt, truncated or misassembled ones as
// misses), and invalid ones from a compiler as an error.
//
//===----------------------------------------------------------------------===//
#include "RuntimeTestSupport.h"

#include <nlohmann/json.hpp>

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

using namespace faattn;
using namespace faattn::runtime_test;

namespace {

/// Two alternatives of the stand-in kernel, told apart by their PTX and block_m.
void withAlternatives(CompiledKernel &k) {
  k.tmaBlockN = 128;
  k.tmaSwizzleQK = k.tmaSwizzleV = k.tmaSwizzleK = k.tmaSwizzleVLoad = 128;
  for (int64_t from : {4096, 8192}) {
    CompiledKernel alt = fakeCompiled(k.name, "// long ptx " + std::to_string(from) + "\n", 128);
    alt.target = k.target;
    alt.threads = 384;
    alt.tmaBlockN = 128;
    alt.tmaSwizzleQK = alt.tmaSwizzleV = alt.tmaSwizzleK = alt.tmaSwizzleVLoad = 128;
    alt.minSeqKV = from;
    k.alternatives.push_back(alt);
  }
}

TEST(RuntimeAlternatives, LaunchTakesTheLastOneTheKVLengthReaches) {
  Kernel k = fakeKernel(freshDir("alternatives"), kSpec, withAlternatives);
  ValidArgs v;
  auto chosen = [&](int64_t seqKV) {
    v.a.k.shape[1] = v.a.v.shape[1] = seqKV;
    EXPECT_TRUE(k.validate(v.a)) << k.validate(v.a).message();
    return k.compiledFor(v.a, 132).ptx;
  };
  EXPECT_EQ(chosen(77), "// fake ptx\n");
  EXPECT_EQ(chosen(4095), "// fake ptx\n");
  EXPECT_EQ(chosen(4096), "// long ptx 4096\n");
  EXPECT_EQ(chosen(8191), "// long ptx 4096\n");
  EXPECT_EQ(chosen(8192), "// long ptx 8192\n");
  EXPECT_EQ(chosen(100000), "// long ptx 8192\n");
  // The query length does not choose.
  v.a.q.shape[1] = v.a.out.shape[1] = 5000;
  v.a.lse->shape[2] = 5000;
  EXPECT_EQ(chosen(77), "// fake ptx\n");
  // compiled() stays the kernel itself, with its alternatives.
  EXPECT_EQ(k.compiled().minSeqKV, 0);
  ASSERT_EQ(k.compiled().alternatives.size(), 2u);
  EXPECT_EQ(k.compiled().alternatives[1].minSeqKV, 8192);
}

TEST(RuntimeAlternatives, VarlenAndPagedKernelsTakeTheKernelItself) {
  // The compiler gives these none (overlap = softmax needs dense K/V); were they given,
  // the KV length of a launch is not one number.
  Kernel vl = fakeKernel(freshDir("alternatives-varlen"), kVarlen, withAlternatives);
  LaunchArgs a = varlenArgs();
  a.k.shape[0] = a.v.shape[0] = 10000;
  ASSERT_TRUE(vl.validate(a)) << vl.validate(a).message();
  EXPECT_EQ(vl.compiledFor(a, 132).ptx, "// fake ptx\n");
  Kernel pg = fakeKernel(freshDir("alternatives-paged"), kPaged, withAlternatives);
  LaunchArgs p = pagedArgs();
  p.blockTable->shape = {2, 200}; // 200 pages of 32 rows: 6400 >= 4096
  ASSERT_TRUE(pg.validate(p)) << pg.validate(p).message();
  EXPECT_EQ(pg.compiledFor(p, 132).ptx, "// fake ptx\n");
}

TEST(RuntimeAlternatives, CompiledForUnvalidatedArgsDoesNotReadPastK) {
  Kernel k = fakeKernel(freshDir("alternatives-rank"), kSpec, withAlternatives);
  LaunchArgs a; // k has rank 0
  EXPECT_EQ(k.compiledFor(a, 132).ptx, "// fake ptx\n");
}

TEST(RuntimeAlternatives, DiskEntryKeepsThem) {
  std::string dir = freshDir("alternatives-disk");
  Kernel k = reloaded(dir, kSpec, withAlternatives);
  ASSERT_EQ(k.compiled().alternatives.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const CompiledKernel &alt = k.compiled().alternatives[i];
    EXPECT_EQ(alt.minSeqKV, i == 0 ? 4096 : 8192);
    EXPECT_EQ(alt.threads, 384);
    EXPECT_EQ(alt.tmaBlockN, 128);
    EXPECT_EQ(alt.ptx, "// long ptx " + std::to_string(alt.minSeqKV) + "\n");
  }
  ValidArgs v;
  v.a.k.shape[1] = v.a.v.shape[1] = 9000;
  EXPECT_EQ(k.compiledFor(v.a, 132).ptx, "// long ptx 8192\n");
}

/// One alternative under the cost model faattn-tune gives causal head dim 128
/// (min_seq_kv 1024, R = 2.5; 128 x 128 tiles).
void withCostModel(CompiledKernel &k) {
  withAlternatives(k);
  k.alternatives.resize(1);
  k.alternatives[0].minSeqKV = 1024;
  k.alternatives[0].minKVBlocksPerWave = 2.5;
}

TEST(RuntimeAlternatives, TheCostModelWeighsKVBlocksAgainstWaves) {
  Kernel k = fakeKernel(freshDir("alternatives-model"), kSpec, withCostModel);
  ValidArgs v;
  // (batch 2, 8 query heads, seq_q rows, seq_kv keys) on `sms` SMs
  auto isLong = [&](int64_t seqQ, int64_t seqKV, int sms) {
    v.a.q.shape[1] = v.a.out.shape[1] = seqQ;
    v.a.lse->shape[2] = seqQ;
    v.a.k.shape[1] = v.a.v.shape[1] = seqKV;
    EXPECT_TRUE(k.validate(v.a)) << k.validate(v.a).message();
    return k.compiledFor(v.a, sms).ptx == "// long ptx 4096\n";
  };
  // 2 x 8 x 1 = 16 tiles: 0.12 waves on 132 SMs, any seq_kv from min_seq_kv.
  EXPECT_FALSE(isLong(100, 1023, 132));
  EXPECT_TRUE(isLong(100, 1024, 132));
  // On 8 SMs, 2 waves: 8 KV blocks >= 2.5 x 2.
  EXPECT_TRUE(isLong(100, 1024, 8));
  // On 2 SMs, 8 waves: 20 KV blocks needed (seq_kv 2433 .. 2560 has 20).
  EXPECT_FALSE(isLong(100, 2432, 2));
  EXPECT_TRUE(isLong(100, 2433, 2));
  // 2 x 8 x 128 = 2048 tiles, 15.5 waves on 132 SMs: 38.8 blocks, so 39.
  EXPECT_FALSE(isLong(16384, 38 * 128, 132));
  EXPECT_TRUE(isLong(16384, 38 * 128 + 1, 132));
  // Waves past 16 count 16: on 1 SM (2048 waves) 40 blocks, as with an
  // unknown SM count (0).
  EXPECT_FALSE(isLong(16384, 39 * 128, 1));
  EXPECT_TRUE(isLong(16384, 39 * 128 + 1, 1));
  EXPECT_FALSE(isLong(16384, 39 * 128, 0));
  EXPECT_TRUE(isLong(16384, 39 * 128 + 1, 0));
}

/// A disk entry cut into its lines: the header, then (JSON, PTX) per build.
struct EntryParts {
  std::string header;
  std::vector<std::pair<std::string, std::string>> builds;
  std::string join() const {
    std::string s = header;
    for (const auto &[json, ptx] : builds)
      s += json + "\n" + ptx;
    return s;
  }
};

EntryParts splitEntry(const std::string &data) {
  EntryParts e;
  size_t at = data.find('\n') + 1;
  e.header = data.substr(0, at);
  while (at < data.size()) {
    size_t nl = data.find('\n', at);
    std::string json = data.substr(at, nl - at);
    size_t bytes = nlohmann::json::parse(json)["ptx_bytes"].get<size_t>();
    e.builds.push_back({json, data.substr(nl + 1, bytes)});
    at = nl + 1 + bytes;
  }
  return e;
}

std::string sha256Hex(const std::string &s) {
  return llvm::toHex(llvm::SHA256::hash(llvm::arrayRefFromStringRef(s)), /*LowerCase=*/true);
}

/// `json` with `key` (the entry's "alternatives", or the ABI's "min_seq_kv") set to `value`
/// and its entry checksum made again as the runtime makes it (the ABI's JSON form, the PTX's
/// checksum and, for an alternative, the main kernel's): what a bug in the writer, not
/// corruption, would leave.
std::string resigned(const std::string &json, const char *key, int64_t value,
                     const std::string &mainPtx) {
  nlohmann::json m = nlohmann::json::parse(json);
  (std::string(key) == "alternatives" ? m : m["abi"])[key] = value;
  m["entry_sha256"] = sha256Hex(m["abi"].dump() + "\n" + m["ptx_sha256"].get<std::string>() +
                                "\n" + (mainPtx.empty() ? "" : sha256Hex(mainPtx)));
  return m.dump();
}

TEST(RuntimeAlternatives, ACorruptTruncatedOrMisassembledEntryIsAMiss) {
  std::string dir = freshDir("alternatives-corrupt");
  fakeKernel(dir, kSpec, withAlternatives);
  fs::path entry = entries(dir).at(0);
  std::string data = readFile(entry);
  EntryParts parts = splitEntry(data);
  ASSERT_EQ(parts.builds.size(), 3u);
  ASSERT_EQ(parts.join(), data);
  const std::string mainPtx = parts.builds[0].second;
  // The resigning helper agrees with the runtime: an unchanged field resigned loads.
  {
    EntryParts same = parts;
    same.builds[2].first = resigned(same.builds[2].first, "min_seq_kv", 8192, mainPtx);
    std::ofstream(entry, std::ios::binary | std::ios::trunc) << same.join();
    ASSERT_TRUE(compileFresh(dir, 0, 1));
  }
  std::vector<std::string> bad;
  // Corruption: a flipped byte in the last alternative's PTX, the entry cut inside it or
  // right before it (two announced, one there), a byte after the last.
  size_t at = data.find("// long ptx 8192");
  ASSERT_NE(at, std::string::npos);
  std::string flipped = data;
  flipped[at + 3] = 'L';
  bad.push_back(flipped);
  bad.push_back(data.substr(0, at + 4));
  EntryParts dropped = parts;
  dropped.builds.pop_back();
  bad.push_back(dropped.join());
  bad.push_back(data + "x");
  // Entries with valid checksums that cannot launch: alternatives out of order, one with
  // alternatives of its own, a main kernel with a minimum KV length, an alternative from
  // another cache file (another main kernel's).
  EntryParts swapped = parts;
  std::swap(swapped.builds[1], swapped.builds[2]);
  bad.push_back(swapped.join());
  EntryParts nested = parts;
  nested.builds[1].first = resigned(nested.builds[1].first, "alternatives", 1, mainPtx);
  bad.push_back(nested.join());
  EntryParts mainFrom = parts;
  mainFrom.builds[0].first = resigned(mainFrom.builds[0].first, "min_seq_kv", 4096, "");
  bad.push_back(mainFrom.join());
  std::string other = freshDir("alternatives-other");
  fakeKernel(other, kSpec, [](CompiledKernel &k) {
    withAlternatives(k);
    k.ptx = "// another main kernel\n";
  });
  EntryParts spliced = parts;
  spliced.builds[2] = splitEntry(readFile(entries(other).at(0))).builds[2];
  bad.push_back(spliced.join());
  for (size_t i = 0; i < bad.size(); ++i) {
    std::ofstream(entry, std::ios::binary | std::ios::trunc) << bad[i];
    ASSERT_TRUE(compileFresh(dir, 1, 0)) << "case " << i;
  }
}

TEST(RuntimeAlternatives, AnInvalidCompileWritesNothing) {
  std::string dir = freshDir("alternatives-unwritten");
  RuntimeOptions o;
  o.cacheDir = dir;
  o.compiler = [](const std::string &, const std::string &name) -> Result<CompiledKernel> {
    CompiledKernel k = fakeCompiled(name, "// ptx\n", 64);
    withAlternatives(k);
    CompiledKernel copy = k;
    k.alternatives[0].alternatives.push_back(copy); // nested: the disk format has no place
    return k;
  };
  Runtime rt(o);
  ASSERT_FALSE(rt.compile(kSpec));
  EXPECT_TRUE(entries(dir).empty());
}

TEST(RuntimeAlternatives, InvalidOnesFromACompilerAreAnError) {
  auto errorOf = [](std::function<void(CompiledKernel &)> edit) {
    RuntimeOptions o;
    o.cacheDir = "";
    o.compiler = [edit](const std::string &, const std::string &name) -> Result<CompiledKernel> {
      CompiledKernel k = fakeCompiled(name, "// ptx\n", 64);
      withAlternatives(k);
      edit(k);
      return k;
    };
    Runtime rt(o);
    auto k = rt.compile(kSpec);
    return k ? std::string("compiled") : k.error();
  };
  const std::string invalid = "kernel 'causal' has invalid alternatives";
  EXPECT_EQ(errorOf([](CompiledKernel &) {}), "compiled");
  EXPECT_EQ(errorOf([](CompiledKernel &k) { std::swap(k.alternatives[0], k.alternatives[1]); }),
            invalid); // not ascending
  EXPECT_EQ(errorOf([](CompiledKernel &k) { k.alternatives[0].minSeqKV = 0; }), invalid);
  EXPECT_EQ(errorOf([](CompiledKernel &k) { k.minSeqKV = 1; }), invalid);
  EXPECT_EQ(errorOf([](CompiledKernel &k) { k.minKVBlocksPerWave = 2.5; }), invalid);
  EXPECT_EQ(errorOf([](CompiledKernel &k) { k.alternatives[1].name = "other"; }), invalid);
  EXPECT_EQ(errorOf([](CompiledKernel &k) {
              CompiledKernel copy = k;
              k.alternatives[0].alternatives.push_back(copy);
            }),
            invalid); // nested
  EXPECT_EQ(errorOf([](CompiledKernel &k) { k.alternatives[1].blockM = 0; }),
            "kernel 'causal' has invalid launch sizes (block_m 0, threads 384)");
}

} // namespace
