//===- Placement.cpp - faattn-run: ragged lengths, pages, row moves -------===//
//
// The ragged sequence lengths and page tables of a run (place), and the
// copies between the dense padded inputs and the kernel's physical tensors.
//
//===----------------------------------------------------------------------===//
#include "Placement.h"

#include <algorithm>
#include <limits>

namespace faattn::run {

Placement place(const spec::KernelSpec &k, ref::Shape &shape, uint64_t seed,
                bool uniformLengths) {
  Placement p;
  int64_t B = shape.batch;
  p.batch = B;
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 12345;
  auto draw = [&](int64_t max) { // uniform in [1, max]
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return 1 + static_cast<int64_t>((state >> 33) % static_cast<uint64_t>(max));
  };
  auto lengths = [&](int64_t max, bool allowEmpty) {
    std::vector<int64_t> lens(B);
    for (int64_t b = 0; b < B; ++b)
      lens[b] = b == 0 || uniformLengths ? max : (b == 2 && allowEmpty) ? 0 : draw(max);
    return lens;
  };
  auto offsets = [](const std::vector<int64_t> &lens) {
    std::vector<int32_t> cu = {0};
    for (int64_t n : lens)
      cu.push_back(static_cast<int32_t>(cu.back() + n));
    return cu;
  };
  p.qPhysBatch = B, p.qPhysSeq = shape.seqQ, p.kvPhysBatch = B, p.kvPhysSeq = shape.seqKV;
  if (k.varlen) {
    p.lensQ = lengths(shape.seqQ, /*allowEmpty=*/false);
    p.cuQ = offsets(p.lensQ);
    p.qPhysBatch = 1, p.qPhysSeq = p.cuQ.back();
    p.maxSeqlenQ = *std::max_element(p.lensQ.begin(), p.lensQ.end());
  }
  if (k.varlen || k.pagedKVPage)
    p.lensKV = lengths(shape.seqKV, /*allowEmpty=*/true);
  if (k.varlen && !k.pagedKVPage) {
    p.cuKV = offsets(p.lensKV);
    p.kvPhysBatch = 1, p.kvPhysSeq = std::max<int64_t>(p.cuKV.back(), 1);
  }
  if (k.pagedKVPage) {
    // Each sequence's pages scattered over a shuffled pool with two spare
    // pages; table entries past a sequence's length point at other
    // sequences' pages (a kernel that reads past seqlens_kv is caught).
    p.page = *k.pagedKVPage;
    p.maxPages = (shape.seqKV + p.page - 1) / p.page;
    // Ragged runs share a prefix: half of the full pages sequences 0 and 1 both have.
    if (B >= 2 && !uniformLengths)
      p.sharedPages = std::min(p.lensKV[0], p.lensKV[1]) / p.page / 2;
    int64_t used = -p.sharedPages;
    for (int64_t n : p.lensKV)
      used += (n + p.page - 1) / p.page;
    int64_t pool = used + 2;
    std::vector<int32_t> perm(pool);
    for (int64_t i = 0; i < pool; ++i)
      perm[i] = static_cast<int32_t>(i);
    for (int64_t i = pool - 1; i > 0; --i)
      std::swap(perm[i], perm[draw(i + 1) - 1]);
    p.table.assign(B * p.maxPages, 0);
    int64_t next = 0;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t pg = 0; pg < p.maxPages; ++pg)
        p.table[b * p.maxPages + pg] = b == 1 && pg < p.sharedPages ? p.table[pg]
                                       : pg * p.page < p.lensKV[b]
                                           ? perm[next++]
                                           : static_cast<int32_t>(draw(pool) - 1);
    p.seqlensKV.assign(p.lensKV.begin(), p.lensKV.end());
    p.kvPhysBatch = pool, p.kvPhysSeq = p.page;
  }
  shape.lensQ = p.lensQ;
  shape.lensKV = p.lensKV;
  return p;
}

std::string describe(const Placement &p) {
  auto list = [](const std::vector<int64_t> &v) {
    std::string s;
    for (size_t i = 0; i < v.size() && i < 8; ++i)
      s += (i ? "," : "") + std::to_string(v[i]);
    return s + (v.size() > 8 ? ",..." : "");
  };
  std::string s;
  if (!p.lensQ.empty())
    s += " lens_q=" + list(p.lensQ);
  if (!p.lensKV.empty())
    s += " lens_kv=" + list(p.lensKV);
  if (p.page)
    s += " pages=" + std::to_string(p.kvPhysBatch) + "x" + std::to_string(p.page);
  if (p.sharedPages)
    s += " shared_pages=" + std::to_string(p.sharedPages);
  return s;
}

void sharePrefix(const Placement &p, std::vector<double> &dense, int64_t seq, int64_t heads,
                 int64_t dim) {
  int64_t rows = std::min(p.sharedPages * p.page, seq) * heads * dim;
  if (rows > 0 && p.batch >= 2)
    std::copy(dense.begin(), dense.begin() + rows, dense.begin() + seq * heads * dim);
}

namespace {

/// The element index in `layout` order of (b, s, h, d) in a (B, S, H, D) tensor.
int64_t layoutIndex(spec::Layout layout, int64_t b, int64_t s, int64_t h, int64_t d, int64_t S,
                    int64_t H, int64_t D) {
  return layout == spec::Layout::BSHD ? ((b * S + s) * H + h) * D + d
                                      : ((b * H + h) * S + s) * D + d;
}

/// Copies the rows of dense padded bshd data (`eb`-byte elements, (batch,
/// seq, heads, dim)) to their places in a physical tensor, or back
/// (`toPhysical` false: rows past a sequence's length become 0).
void moveRows(std::vector<uint8_t> &dense, std::vector<uint8_t> &phys, size_t eb,
              const Placement &p, bool isQ, int64_t seq, int64_t heads, int64_t dim,
              spec::Layout layout, bool toPhysical) {
  int64_t physSeq = isQ ? p.qPhysSeq : p.kvPhysSeq;
  if (!toPhysical)
    std::fill(dense.begin(), dense.end(), 0);
  for (int64_t b = 0; b < p.batch; ++b) {
    int64_t len = isQ ? p.lenQ(b, seq) : p.lenKV(b, seq);
    for (int64_t i = 0; i < len; ++i) {
      auto [pb, ps] = isQ ? p.qAt(b, i) : p.kvAt(b, i);
      for (int64_t h = 0; h < heads; ++h) {
        uint8_t *d = &dense[(((b * seq + i) * heads + h) * dim) * eb];
        uint8_t *x = &phys[layoutIndex(layout, pb, ps, h, 0, physSeq, heads, dim) * eb];
        if (toPhysical)
          std::memcpy(x, d, dim * eb);
        else
          std::memcpy(d, x, dim * eb);
      }
    }
  }
}

} // namespace

std::vector<double> unownedRows(uint64_t seed) {
  std::vector<double> x = ref::randomTensor(997, seed);
  for (size_t i = 0; i < x.size(); i += 3)
    x[i] = std::numeric_limits<double>::quiet_NaN();
  return x;
}

bool nanKeyRow(std::vector<double> &dense, const Placement &p, int64_t seq, int64_t heads,
               int64_t dim, int64_t b, int64_t s) {
  if (b < 0 || b >= p.batch || s < 0 || s >= std::min(seq, p.lenKV(b, seq)) ||
      (b <= 1 && s < p.sharedPages * p.page))
    return false;
  auto at = dense.begin() + ((b * seq + s) * heads) * dim;
  std::fill(at, at + heads * dim, std::numeric_limits<double>::quiet_NaN());
  return true;
}

/// The physical tensor of Q/out (`isQ`) or K/V with the dense rows placed;
/// the rest (unused pages) holds `fill`.
std::vector<uint8_t> toPhysical(std::vector<uint8_t> dense, size_t eb, const Placement &p,
                                bool isQ, int64_t seq, int64_t heads, int64_t dim,
                                spec::Layout layout, const std::vector<uint8_t> &fill) {
  int64_t n = (isQ ? p.qPhysBatch * p.qPhysSeq : p.kvPhysBatch * p.kvPhysSeq) * heads * dim;
  std::vector<uint8_t> phys(n * eb);
  for (size_t i = 0; i < phys.size(); ++i)
    phys[i] = fill.empty() ? 0 : fill[i % fill.size()];
  moveRows(dense, phys, eb, p, isQ, seq, heads, dim, layout, /*toPhysical=*/true);
  return phys;
}

/// The dense padded (batch, seq_q, heads, dim) view of a physical Q-side
/// tensor (K/V-side when !isQ).
std::vector<uint8_t> fromPhysical(std::vector<uint8_t> phys, size_t eb, const Placement &p,
                                  int64_t seq, int64_t heads, int64_t dim, spec::Layout layout,
                                  bool isQ) {
  std::vector<uint8_t> dense(p.batch * seq * heads * dim * eb);
  moveRows(dense, phys, eb, p, isQ, seq, heads, dim, layout, /*toPhysical=*/false);
  return dense;
}

/// The physical shape of a Q/out (`isQ`) or K/V tensor as the kernel's
/// memref sees it (varlen: batch 1; paged: pages).
std::vector<int64_t> physDims(const Placement &p, bool isQ, int64_t heads, int64_t dim,
                              spec::Layout layout) {
  int64_t b = isQ ? p.qPhysBatch : p.kvPhysBatch, s = isQ ? p.qPhysSeq : p.kvPhysSeq;
  if (layout == spec::Layout::BSHD)
    return {b, s, heads, dim};
  return {b, heads, s, dim};
}

/// The dense (batch, heads, seq_q) LSE from the physical one ((1, heads,
/// total_q) when varlen); rows past a sequence's length are 0.
std::vector<double> lseFromPhysical(const std::vector<float> &phys, const Placement &p,
                                    int64_t seqQ, int64_t heads) {
  std::vector<double> lse(p.batch * heads * seqQ, 0.0);
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < p.lenQ(b, seqQ); ++i) {
        auto [pb, ps] = p.qAt(b, i);
        lse[(b * heads + h) * seqQ + i] = phys[(pb * heads + h) * p.qPhysSeq + ps];
      }
  return lse;
}

std::vector<float> lseToPhysical(const std::vector<double> &dense, const Placement &p,
                                 int64_t seqQ, int64_t heads) {
  std::vector<float> phys(p.qPhysBatch * heads * p.qPhysSeq, 0.0f);
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < p.lenQ(b, seqQ); ++i) {
        auto [pb, ps] = p.qAt(b, i);
        phys[(pb * heads + h) * p.qPhysSeq + ps] =
            static_cast<float>(dense[(b * heads + h) * seqQ + i]);
      }
  return phys;
}

} // namespace faattn::run
