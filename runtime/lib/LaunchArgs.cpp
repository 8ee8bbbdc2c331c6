//===- LaunchArgs.cpp - The checks before a launch ------------------------===//
//
// Kernel::validate: a launch's tensors, sequence tensors and params against
// the checked spec (ranks, dtypes, head counts and dims, batch and sequence
// consistency, null, misaligned and non-contiguous pointers). And
// invalidReason: the launch sizes of a compiled kernel and its alternatives,
// from whatever produced them (the compiler, a replacement compiler, a disk
// entry), checked before they are used.
//
//===----------------------------------------------------------------------===//
#include "KernelState.h"
#include "faattn/Target/TargetInfo.h"

#include <algorithm>

namespace faattn {

size_t elementBytes(DType d) {
  switch (d) {
  case DType::E4M3: return 1;
  case DType::F16:
  case DType::BF16: return 2;
  case DType::F32:
  case DType::I32: return 4;
  }
  return 4;
}

uint64_t bytesOf(const Tensor &t) {
  uint64_t n = elementBytes(t.dtype);
  for (int64_t s : t.shape)
    n *= uint64_t(s);
  return n;
}

Status checkTensorShape(const std::string &context, const char *what, const Tensor &t,
                        DType dtype, size_t rank, uintptr_t alignment) {
  auto fail = [&](const std::string &msg) {
    return Status::error(context + "tensor '" + what + "' " + msg);
  };
  if (t.shape.size() != rank)
    return fail("must have rank " + std::to_string(rank) + ", got " +
                std::to_string(t.shape.size()));
  if (t.dtype != dtype)
    return fail("must be " + std::string(dtypeName(dtype)) + ", got " + dtypeName(t.dtype));
  for (int64_t s : t.shape)
    if (s <= 0)
      return fail("has an empty or negative dimension");
  // The size in bytes, overflow-checked: it must fit in 63 bits (a pointer
  // offset) and within the address space after the pointer.
  int64_t bytes = int64_t(elementBytes(dtype));
  for (int64_t s : t.shape)
    if (__builtin_mul_overflow(bytes, s, &bytes))
      return fail("is too large: its size in bytes overflows 64 bits");
  if (!t.data)
    return fail("has a null pointer");
  if (reinterpret_cast<uintptr_t>(t.data) % alignment != 0)
    return fail("is not " + std::to_string(alignment) + "-byte aligned");
  if (uint64_t(bytes) > UINTPTR_MAX - reinterpret_cast<uintptr_t>(t.data))
    return fail("ends past the end of the address space");
  if (!t.strides.empty()) {
    if (t.strides.size() != rank)
      return fail("has " + std::to_string(t.strides.size()) + " strides for rank " +
                  std::to_string(rank));
    int64_t expect = 1; // cannot overflow: the product was checked above
    for (size_t i = rank; i-- > 0;) {
      if (t.strides[i] != expect)
        return fail("must be contiguous (row-major strides)");
      if (i > 0)
        expect *= t.shape[i];
    }
  }
  return Status::ok();
}

namespace {

Status checkTensor(const std::string &kernel, const char *what, const Tensor &t, DType dtype,
                   size_t rank, uintptr_t alignment = 16) {
  return checkTensorShape("launch of kernel '" + kernel + "': ", what, t, dtype, rank, alignment);
}

/// A backward kernel's own arguments (KernelInfo::backward): dout shaped and
/// typed as out, dq / dk / dv as q / k / v, one f32 gradient per
/// requires_grad param, of its param's shape (the params are checked
/// before). A forward kernel takes none of them. `outputs` receives the
/// written ones for the overlap checks.
Status validateBackward(const Kernel::State &state, const LaunchArgs &a, bool hostF32,
                        ParamTensors *tensors,
                        std::vector<std::pair<std::string, const Tensor *>> &outputs) {
  const KernelInfo &k = state.info;
  const std::string &name = state.compiled.name;
  auto fail = [&](const std::string &msg) {
    return Status::error("launch of kernel '" + name + "': " + msg);
  };
  struct {
    const char *what;
    const std::optional<Tensor> &t;
    const Tensor &like;
    const char *likeName;
    DType dtype;
  } grads[] = {{"dout", a.dout, a.out, "out", k.outDtype},
               {"dq", a.dq, a.q, "q", k.dtype},
               {"dk", a.dk, a.k, "k", k.kvDtype},
               {"dv", a.dv, a.v, "v", k.kvDtype}};
  if (!k.backward) {
    for (const auto &g : grads)
      if (g.t)
        return fail(std::string("tensor '") + g.what +
                    "' is only for backward kernels, this one is a forward kernel");
    if (!a.paramGrads.empty())
      return fail("param gradients ('" + a.paramGrads.front().first +
                  "') are only for backward kernels, this one is a forward kernel");
    return Status::ok();
  }
  for (const auto &g : grads) {
    if (!g.t)
      return fail(std::string("a backward kernel needs tensor '") + g.what + "' (shaped as '" +
                  g.likeName + "')");
    if (Status s = checkTensor(name, g.what, *g.t, hostF32 ? DType::F32 : g.dtype,
                               g.like.shape.size());
        !s)
      return s;
    if (g.t->shape != g.like.shape)
      return fail(std::string("tensor '") + g.what + "' must have the shape of tensor '" +
                  g.likeName + "'");
    if (std::string(g.what) != "dout")
      outputs.emplace_back(g.what, &*g.t);
  }
  // Each gradient given: a requires_grad param's, once.
  std::vector<int> of(k.params.size(), -1);
  for (size_t i = 0; i < a.paramGrads.size(); ++i) {
    const std::string &g = a.paramGrads[i].first;
    int j = -1;
    for (size_t p = 0; p < k.params.size(); ++p)
      if (k.params[p].name == g)
        j = int(p);
    if (j < 0)
      return fail("a gradient is given for '" + g + "', but the spec has no param '" + g + "'");
    if (!k.params[j].requiresGrad)
      return fail("a gradient is given for param '" + g +
                  "', which does not have requires_grad");
    if (of[j] >= 0)
      return fail("the gradient of param '" + g + "' is given twice");
    of[j] = int(i);
  }
  for (size_t p = 0; p < k.params.size(); ++p) {
    if (!k.params[p].requiresGrad)
      continue;
    const std::string &pname = k.params[p].name;
    if (of[p] < 0)
      return fail("the gradient of param '" + pname + "' (requires_grad) is missing");
    const Tensor &t = a.paramGrads[of[p]].second;
    const Tensor *param = nullptr;
    for (const auto &[n, pt] : a.params)
      if (n == pname)
        param = &pt;
    std::string what = "grad " + pname;
    if (Status s = checkTensor(name, what.c_str(), t, DType::F32, param->shape.size()); !s)
      return s;
    if (t.shape != param->shape)
      return fail("the gradient of param '" + pname + "' must have the param's shape");
    if (tensors)
      tensors->grads[p] = &t;
    outputs.emplace_back(what, &t);
  }
  return Status::ok();
}

} // namespace

Status Kernel::validate(const LaunchArgs &a) const {
  return validateLaunch(*state, a, nullptr, false);
}

Status validateLaunch(Kernel::State &state, const LaunchArgs &a, ParamTensors *paramTensors,
                      bool hostF32) {
  const KernelInfo &k = state.info;
  const std::string &name = state.compiled.name;
  auto fail = [&](const std::string &msg) {
    return Status::error("launch of kernel '" + name + "': " + msg);
  };
  // varlen packs Q and out (and K, V unless paged) into rank-3 tensors.
  bool paged = k.page > 0;
  size_t qRank = k.varlen ? 3 : 4, kvRank = k.varlen && !paged ? 3 : 4;
  struct {
    const char *what;
    const Tensor &t;
    DType dtype;
    size_t rank;
  } tensors[] = {{"q", a.q, k.dtype, qRank}, {"k", a.k, k.kvDtype, kvRank},
                 {"v", a.v, k.kvDtype, kvRank}, {"out", a.out, k.outDtype, qRank}};
  // The CPU path's f32 host tensors: checked as f32 (so that their sizes in
  // bytes, which the overlap checks compare, are the real ones).
  if (hostF32)
    for (auto &t : tensors)
      t.dtype = DType::F32;
  for (auto &[what, t, dtype, rank] : tensors)
    if (Status s = checkTensor(name, what, t, dtype, rank); !s)
      return s;
  Dims q = dimsOf(a.q, k.bshd), kk = dimsOf(a.k, k.bshd), v = dimsOf(a.v, k.bshd),
       o = dimsOf(a.out, k.bshd);
  auto heads = [&](const char *what, int64_t got, int64_t want) -> Status {
    if (got == want)
      return Status::ok();
    return fail("tensor '" + std::string(what) + "' has " + std::to_string(got) +
                " heads, the spec has " + std::to_string(want));
  };
  for (Status s : {heads("q", q.h, k.headsQ), heads("k", kk.h, k.headsKV),
                   heads("v", v.h, k.headsKV), heads("out", o.h, k.headsQ)})
    if (!s)
      return s;
  auto dim = [&](const char *what, int64_t got, int64_t want) -> Status {
    if (got == want)
      return Status::ok();
    return fail("tensor '" + std::string(what) + "' has head_dim " + std::to_string(got) +
                ", the spec has " + std::to_string(want));
  };
  for (Status s : {dim("q", q.d, k.headDimQK), dim("k", kk.d, k.headDimQK),
                   dim("v", v.d, k.headDimV), dim("out", o.d, k.headDimV)})
    if (!s)
      return s;

  // The sequence tensors: exactly those the spec needs.
  struct SeqTensor {
    const char *what;
    const std::optional<Tensor> &t;
    bool wanted;
    const char *why;
    size_t rank;
  } seqTensors[] = {
      {"cu_seqlens_q", a.cuSeqlensQ, k.varlen, "varlen", 1},
      {"cu_seqlens_kv", a.cuSeqlensKV, k.varlen && !paged, "varlen without paged_kv", 1},
      {"block_table", a.blockTable, paged, "paged_kv", 2},
      {"seqlens_kv", a.seqlensKV, paged, "paged_kv", 1}};
  for (const SeqTensor &st : seqTensors) {
    if (st.wanted && !st.t)
      return fail(std::string("the spec has ") + st.why + ": tensor '" + st.what +
                  "' is missing");
    if (!st.wanted && st.t)
      return fail(std::string("tensor '") + st.what + "' is only for " + st.why +
                  " specs, this one is not");
    if (st.t)
      if (Status s = checkTensor(name, st.what, *st.t, DType::I32, st.rank, 4); !s)
        return s;
  }
  if (k.varlen && a.cuSeqlensQ->shape[0] < 2)
    return fail("tensor 'cu_seqlens_q' must have batch + 1 >= 2 entries");
  int64_t batch = batchOf(a, k.bshd);
  if (k.varlen && !paged && a.cuSeqlensKV->shape[0] != batch + 1)
    return fail("tensors 'cu_seqlens_q' and 'cu_seqlens_kv' must have the same length");
  if (paged) {
    if (a.blockTable->shape[0] != batch || a.seqlensKV->shape[0] != batch)
      return fail("tensors 'block_table' (batch, max_pages) and 'seqlens_kv' (batch) must "
                  "have the batch size, " + std::to_string(batch));
    if (kk.s != k.page || v.s != k.page)
      return fail("tensors 'k' and 'v' must hold pages of " + std::to_string(k.page) +
                  " rows (the spec's paged_kv), got " + std::to_string(kk.s));
    if (kk.b != v.b)
      return fail("k and v must have the same number of pages");
  } else {
    if (!k.varlen && kk.b != q.b)
      return fail("q, k, v and out must have the same batch size");
    if (v.s != kk.s)
      return fail("k and v must have the same sequence length");
  }
  if (!k.varlen && (v.b != kk.b || o.b != q.b))
    return fail("q, k, v and out must have the same batch size");
  if (o.s != q.s)
    return fail("out must have q's sequence length");
  if (q.s > INT32_MAX || kk.s > INT32_MAX)
    return fail("sequence lengths must fit in 32 bits");
  if (!k.varlen && a.maxSeqlenQ != 0)
    return fail("maxSeqlenQ is only for varlen specs, this one is not");
  if (k.page == 0 && !k.varlen && a.maxSeqlenKV != 0)
    return fail("maxSeqlenKV is only for paged_kv and varlen specs, this one is neither");
  if (a.maxSeqlenKV < 0)
    return fail("maxSeqlenKV must be 0 (the block table's capacity, or total_kv) or positive, "
                "got " +
                std::to_string(a.maxSeqlenKV));
  if (a.maxSeqlenQ < 0 || a.maxSeqlenQ > q.s)
    return fail("maxSeqlenQ must be between 0 and total_q (" + std::to_string(q.s) + "), got " +
                std::to_string(a.maxSeqlenQ));
  if (k.returnLse || k.backward) {
    const char *lseShape = k.varlen ? "(heads, total_q)" : "(batch, heads, seq_q)";
    if (!a.lse)
      return fail(std::string(k.backward ? "a backward kernel reads the forward's LSE"
                                         : "the spec has return_lse") +
                  ": tensor 'lse' " + lseShape + " f32 is missing");
    if (Status s = checkTensor(name, "lse", *a.lse, DType::F32, k.varlen ? 2 : 3); !s)
      return s;
    std::vector<int64_t> want = k.varlen ? std::vector<int64_t>{k.headsQ, q.s}
                                         : std::vector<int64_t>{q.b, k.headsQ, q.s};
    if (a.lse->shape != want)
      return fail("tensor 'lse' must have shape " + std::string(lseShape));
  } else if (a.lse) {
    return fail("the spec has no return_lse, but an 'lse' tensor was given");
  }
  // Each given param: which of the spec's it is (-1: none), in one pass.
  std::vector<int> given(a.params.size(), -1), of(k.params.size(), -1);
  for (size_t i = 0; i < a.params.size(); ++i) {
    const std::string &g = a.params[i].first;
    for (size_t j = 0; j < k.params.size(); ++j)
      if (k.params[j].name == g)
        given[i] = int(j);
    if (given[i] < 0)
      return fail("the spec has no param '" + g + "'");
    if (of[given[i]] >= 0)
      return fail("param '" + g + "' is given twice");
    of[given[i]] = int(i);
  }
  if (paramTensors) {
    paramTensors->params.assign(k.params.size(), nullptr);
    paramTensors->grads.assign(k.params.size(), nullptr);
  }
  for (size_t pi = 0; pi < k.params.size(); ++pi) {
    const ParamInfo &p = k.params[pi];
    if (of[pi] < 0)
      return fail("param '" + p.name + "' is missing");
    auto it = a.params.begin() + of[pi];
    if (paramTensors)
      paramTensors->params[pi] = &it->second;
    std::string what = "param " + p.name;
    if (Status s = checkTensor(name, what.c_str(), it->second, p.dtype, p.shape.size()); !s)
      return s;
    for (size_t i = 0; i < p.shape.size(); ++i) {
      int64_t want = 0;
      switch (p.shape[i]) {
      case spec::Dim::Batch: want = batch; break;
      case spec::Dim::Heads: want = k.headsQ; break;
      case spec::Dim::KVHeads: want = k.headsKV; break;
      case spec::Dim::Seq: want = std::max(q.s, kk.s); break;
      case spec::Dim::SeqQ: want = q.s; break;
      case spec::Dim::SeqKV: want = kk.s; break;
      }
      if (it->second.shape[i] != want)
        return fail("param '" + p.name + "' dimension " + std::to_string(i) + " (" +
                    spec::dimName(p.shape[i]) + ") must be " + std::to_string(want) + ", got " +
                    std::to_string(it->second.shape[i]));
    }
  }

  // A backward kernel's tensors: dout, dq, dk, dv and the gradients.
  std::vector<std::pair<std::string, const Tensor *>> gradOutputs;
  if (Status s = validateBackward(state, a, hostF32, paramTensors, gradOutputs); !s)
    return s;

  // The outputs (out and lse, or a backward's gradients) must not share
  // memory with any other tensor: the kernel reads its inputs while it
  // writes them.
  std::vector<std::pair<std::string, const Tensor *>> inputs = {
      {"q", &a.q}, {"k", &a.k}, {"v", &a.v}};
  if (k.backward) { // the forward's out and LSE, and dout, are read
    inputs.emplace_back("out", &a.out);
    inputs.emplace_back("lse", &*a.lse);
    inputs.emplace_back("dout", &*a.dout);
  }
  for (const std::optional<Tensor> *t : {&a.cuSeqlensQ, &a.cuSeqlensKV, &a.blockTable,
                                         &a.seqlensKV})
    if (*t)
      inputs.emplace_back(t == &a.cuSeqlensQ    ? "cu_seqlens_q"
                          : t == &a.cuSeqlensKV ? "cu_seqlens_kv"
                          : t == &a.blockTable  ? "block_table"
                                                : "seqlens_kv",
                          &**t);
  for (const auto &[pname, t] : a.params)
    inputs.emplace_back("param " + pname, &t);
  auto overlap = [](const Tensor &x, const Tensor &y) {
    uintptr_t x0 = reinterpret_cast<uintptr_t>(x.data), y0 = reinterpret_cast<uintptr_t>(y.data);
    return x0 < y0 + bytesOf(y) && y0 < x0 + bytesOf(x);
  };
  std::vector<std::pair<std::string, const Tensor *>> outputs = std::move(gradOutputs);
  if (!k.backward) {
    outputs.emplace_back("out", &a.out);
    if (a.lse)
      outputs.emplace_back("lse", &*a.lse);
  }
  if (a.splits < 0 || (a.splits > 0 && a.splits > std::max<int64_t>(state.compiled.maxSplits, 0)))
    return fail(state.compiled.maxSplits > 0
                    ? "splits = " + std::to_string(a.splits) + " is outside [1, " +
                          std::to_string(state.compiled.maxSplits) + "] (the kernel's max_splits; 0: chosen at launch)"
                    : "splits = " + std::to_string(a.splits) +
                          " for a kernel without split-KV (only 0 is accepted)");
  // A split-KV or backward kernel's caller workspace is written too (its
  // size is checked at launch, where the split count is known).
  Tensor workspace(a.workspace, DType::F32, {int64_t(a.workspaceBytes / 4)});
  if (a.workspace && (state.compiled.maxSplits > 0 || state.compiled.backward)) {
    if (reinterpret_cast<uintptr_t>(a.workspace) % 16 != 0)
      return fail("the workspace is not 16-byte aligned");
    outputs.emplace_back("workspace", &workspace);
  }
  for (size_t o = 0; o < outputs.size(); ++o) {
    for (const auto &[what, t] : inputs)
      if (overlap(*outputs[o].second, *t))
        return fail("tensor '" + outputs[o].first + "' overlaps tensor '" + what +
                    "' (an output must not share memory with another tensor)");
    for (size_t e = 0; e < o; ++e)
      if (overlap(*outputs[o].second, *outputs[e].second))
        return fail("tensor '" + outputs[o].first + "' overlaps tensor '" + outputs[e].first +
                    "' (an output must not share memory with another tensor)");
  }

  // A persistent grid counts its tiles in 32 bits (the main build: a
  // persistent kernel has no alternatives, invalidReason).
  const CompiledKernel &build = state.compiled;
  if (build.persistent && build.blockM > 0) {
    int64_t rows = k.varlen && a.maxSeqlenQ > 0 ? a.maxSeqlenQ : q.s;
    int64_t tiles = 0;
    if (__builtin_mul_overflow(batch, q.h, &tiles) ||
        __builtin_mul_overflow(tiles, (rows + build.blockM - 1) / build.blockM, &tiles) ||
        tiles > kMaxPersistentTiles)
      return fail("the persistent grid has more than " + std::to_string(kMaxPersistentTiles) +
                  " tiles (batch * heads * q-blocks), the most its 32-bit tile counter counts");
  }
  return Status::ok();
}

/// Why a compiled kernel cannot be launched ("" when it can): its launch
/// sizes and its alternatives' (ascending minSeqKV > 0, none of their own,
/// the same entry and target).
std::string invalidReason(const CompiledKernel &k) {
  auto sizes = [](const CompiledKernel &c) {
    if (launchSizesValid(c)) // KernelABI's bounds
      return std::string();
    return "kernel '" + c.name + "' has invalid launch sizes (block_m " +
           std::to_string(c.blockM) + ", threads " + std::to_string(c.threads) + ")";
  };
  if (std::string why = sizes(k); !why.empty())
    return why;
  if (k.minSeqKV != 0 || k.minKVBlocksPerWave != 0 || k.alternatives.size() > kMaxAlternatives ||
      (k.persistent && !k.alternatives.empty()))
    return "kernel '" + k.name + "' has invalid alternatives";
  int64_t last = 0;
  for (const CompiledKernel &alt : k.alternatives) {
    if (std::string why = sizes(alt); !why.empty())
      return why;
    if (alt.minSeqKV <= last || !alt.alternatives.empty() || alt.name != k.name ||
        alt.target != k.target || alt.maxSplits != 0 || k.maxSplits != 0 || alt.persistent)
      return "kernel '" + k.name + "' has invalid alternatives";
    last = alt.minSeqKV;
  }
  return "";
}


} // namespace faattn
