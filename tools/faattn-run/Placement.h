//===- Placement.h - faattn-run: where each sequence's rows live -*- C++ -*-===//
//
// The inputs are generated dense and padded, (batch, seq, heads, dim) in bshd
// order; a Placement says where each row goes in the kernel's tensors (dense,
// packed for varlen, in pages for paged KV) and holds the index tensors the
// kernel reads. The conversions between the two views are here too.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TOOLS_FAATTN_RUN_PLACEMENT_H
#define FAATTN_TOOLS_FAATTN_RUN_PLACEMENT_H

#include "faattn/Reference/Reference.h"
#include "faattn/Spec/Spec.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace faattn::run {

/// Where each sequence's rows live in the kernel's tensors: dense (batch,
/// seq), packed along one sequence (varlen, cu_seqlens) or in pages (paged
/// KV, block table). The data is generated dense and padded, (batch, seq_q or
/// seq_kv, heads, dim) in bshd order; this says where row i of sequence b
/// goes, and holds the index tensors the kernel reads.
struct Placement {
  int64_t batch = 0;
  std::vector<int64_t> lensQ, lensKV; // per sequence (empty: dense)
  int64_t qPhysBatch = 0, qPhysSeq = 0, kvPhysBatch = 0, kvPhysSeq = 0;
  std::vector<int32_t> cuQ, cuKV, table, seqlensKV;
  int64_t maxPages = 0, page = 0, maxSeqlenQ = 0;
  /// Paged K/V: sequence 1's first sharedPages pages are sequence 0's (the
  /// same page numbers in both table rows: a shared prompt prefix, as vLLM's
  /// and SGLang's caches share it); its rows there equal sequence 0's.
  int64_t sharedPages = 0;

  std::pair<int64_t, int64_t> qAt(int64_t b, int64_t i) const {
    return cuQ.empty() ? std::pair{b, i} : std::pair<int64_t, int64_t>{0, cuQ[b] + i};
  }
  std::pair<int64_t, int64_t> kvAt(int64_t b, int64_t j) const {
    if (page)
      return {table[b * maxPages + j / page], j % page};
    return cuKV.empty() ? std::pair{b, j} : std::pair<int64_t, int64_t>{0, cuKV[b] + j};
  }
  int64_t lenQ(int64_t b, int64_t seqQ) const { return lensQ.empty() ? seqQ : lensQ[b]; }
  int64_t lenKV(int64_t b, int64_t seqKV) const { return lensKV.empty() ? seqKV : lensKV[b]; }
};

/// Ragged lengths in [1, max] (sequence 0 has the maximum; with 3 or more
/// sequences, sequence 2 has no keys at all when `allowEmpty`), or all at
/// the maximum when `uniformLengths` (--uniform-lengths), and the placement
/// of every row. Sets shape's lensQ and lensKV.
Placement place(const spec::KernelSpec &k, ref::Shape &shape, uint64_t seed, bool uniformLengths);

/// Makes dense padded K or V data ((batch, seq, heads, dim)) agree with the
/// placement's shared prefix: sequence 1's first sharedPages * page rows
/// become sequence 0's.
void sharePrefix(const Placement &p, std::vector<double> &dense, int64_t seq, int64_t heads,
                 int64_t dim);

/// " lens_q=3,1,7 lens_kv=... pages=... shared_pages=N": the ragged lengths of a run.
std::string describe(const Placement &p);

template <typename T>
std::vector<uint8_t> asBytes(const std::vector<T> &x) {
  std::vector<uint8_t> out(x.size() * sizeof(T));
  std::memcpy(out.data(), x.data(), out.size());
  return out;
}

template <typename T>
std::vector<T> fromBytes(const std::vector<uint8_t> &x) {
  std::vector<T> out(x.size() / sizeof(T));
  std::memcpy(out.data(), x.data(), x.size());
  return out;
}

/// What the rows of a physical K/V tensor that no sequence owns hold (spare
/// pages, slots past a sequence's length in its last page), repeated: random
/// values with every third one NaN, so that a kernel that reads such a row
/// into its result (0 * NaN is NaN) is caught.
std::vector<double> unownedRows(uint64_t seed);

/// --nan-key=B:S: key row S of sequence B as NaN in every head and column of
/// a dense (batch, seq, heads, dim) K or V, after sharePrefix and before it
/// is placed (so that the reference sees it too). Packed (varlen) and paged
/// sequences then show whether a kernel reads a row of another sequence into
/// its own (P is 0 there, 0 * NaN is not). Returns false, changing nothing,
/// where the row is not one of sequence B's keys at this placement (past its
/// length) or is in a page sequences 0 and 1 share (both would read it).
bool nanKeyRow(std::vector<double> &dense, const Placement &p, int64_t seq, int64_t heads,
               int64_t dim, int64_t b, int64_t s);

/// The physical tensor of Q/out (`isQ`) or K/V with the dense rows placed;
/// the rest (unused pages) holds `fill`.
std::vector<uint8_t> toPhysical(std::vector<uint8_t> dense, size_t eb, const Placement &p,
                                bool isQ, int64_t seq, int64_t heads, int64_t dim,
                                spec::Layout layout, const std::vector<uint8_t> &fill);

/// The dense padded (batch, seq_q, heads, dim) view of a physical Q-side
/// tensor (of a K/V-side one, (batch, seq_kv, ...), when !isQ).
std::vector<uint8_t> fromPhysical(std::vector<uint8_t> phys, size_t eb, const Placement &p,
                                  int64_t seq, int64_t heads, int64_t dim, spec::Layout layout,
                                  bool isQ = true);

/// The physical shape of a Q/out (`isQ`) or K/V tensor as the kernel's
/// memref sees it (varlen: batch 1; paged: pages).
std::vector<int64_t> physDims(const Placement &p, bool isQ, int64_t heads, int64_t dim,
                              spec::Layout layout);

/// The dense (batch, heads, seq_q) LSE from the physical one ((1, heads,
/// total_q) when varlen); rows past a sequence's length are 0.
std::vector<double> lseFromPhysical(const std::vector<float> &phys, const Placement &p,
                                    int64_t seqQ, int64_t heads);

/// The physical LSE ((batch, heads, seq_q), varlen (1, heads, total_q)) of
/// a dense (batch, heads, seq_q) one, rounded to f32: what a forward kernel
/// hands its backward. Physical rows no sequence owns are 0.
std::vector<float> lseToPhysical(const std::vector<double> &dense, const Placement &p,
                                 int64_t seqQ, int64_t heads);

} // namespace faattn::run

#endif // FAATTN_TOOLS_FAATTN_RUN_PLACEMENT_H
