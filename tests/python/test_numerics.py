"""faattn kernels from PyTorch against float64 attention: masks, score mods,
GQA, params, LSE, both layouts, varlen and a paged decode."""
import math

import pytest
import torch

import faattn
from conftest import (DEVICE, FP8_TOLERANCE, TOLERANCE, bshd_randn, cu_seqlens, dtypes, reference,
                      rel_l2)

GEMMA = """
kernel gqa_swa_softcap {
  heads = 4 : 2; head_dim = 64; dtype = bf16
  score = 30.0 * tanh(score / 30.0)
  mask  = q_idx >= kv_idx && q_idx - kv_idx < 48
}"""


def softcap(cap):
    return lambda s, b, h, qi, ki: cap * torch.tanh(s / cap)


def causal_window(w):
    return lambda b, h, qi, ki: (qi >= ki) & (qi - ki < w)


@pytest.mark.parametrize("dtype", dtypes())
@pytest.mark.parametrize("shape", [(2, 100, 100), (1, 77, 161), (3, 1, 1)])
def test_gqa_window_softcap(dtype, shape):
    b, sq, skv = shape
    g = torch.Generator().manual_seed(sq + skv)
    attn = faattn.compile(GEMMA)
    q = bshd_randn(b, sq, 4, 64, dtype, g)
    k = bshd_randn(b, skv, 2, 64, dtype, g)
    v = bshd_randn(b, skv, 2, 64, dtype, g)
    out = attn(q, k, v)
    assert out.shape == (b, 4, sq, 64) and out.device.type == DEVICE
    assert out.dtype == dtype
    want, _ = reference(q, k, v, score_mod=softcap(30.0), mask_mod=causal_window(48))
    assert rel_l2(out, want) < TOLERANCE[dtype]


def test_alibi_slopes_param():
    attn = faattn.compile("""kernel alibi { heads = 4; head_dim = 32; dtype = bf16
      param slopes : f32[heads]
      score = score - slopes[h] * (q_idx - kv_idx)
      mask = causal }""")
    g = torch.Generator().manual_seed(1)
    dt = dtypes()[0]
    q, k, v = (bshd_randn(2, 65, 4, 32, dt, g) for _ in range(3))
    slopes = torch.tensor([2 ** (-8 * (i + 1) / 4) for i in range(4)], device=DEVICE)
    out = attn(q, k, v, slopes=slopes)
    want, _ = reference(q, k, v,
                        score_mod=lambda s, b, h, qi, ki: s - slopes.cpu().double()[h] * (qi - ki),
                        mask_mod=lambda b, h, qi, ki: qi >= ki)
    assert rel_l2(out, want) < TOLERANCE[dt]


def test_document_ids_param():
    attn = faattn.compile("""kernel documents { heads = 2; head_dim = 32; dtype = bf16
      param doc : i32[seq]
      mask = doc[q_idx] == doc[kv_idx] && q_idx >= kv_idx }""")
    g = torch.Generator().manual_seed(2)
    dt = dtypes()[0]
    q, k, v = (bshd_randn(1, 90, 2, 32, dt, g) for _ in range(3))
    doc = torch.tensor([0] * 30 + [1] * 45 + [2] * 15, dtype=torch.int32)
    out = attn(q, k, v, doc=doc.to(DEVICE))
    want, _ = reference(q, k, v, mask_mod=lambda b, h, qi, ki: (doc[qi] == doc[ki]) & (qi >= ki))
    assert rel_l2(out, want) < TOLERANCE[dt]


def test_learnable_bias_param_and_lse():
    attn = faattn.compile("""kernel biased { heads = 2; head_dim = 32; dtype = bf16
      param bias : f32[heads, seq_q, seq_kv]
      score = score + bias[h, q_idx, kv_idx]
      return_lse }""")
    g = torch.Generator().manual_seed(3)
    dt = dtypes()[0]
    q = bshd_randn(2, 40, 2, 32, dt, g)
    k, v = (bshd_randn(2, 50, 2, 32, dt, g) for _ in range(2))
    bias = torch.randn(2, 40, 50, generator=g).to(DEVICE)
    out, lse = attn(q, k, v, bias=bias)
    assert lse.shape == (2, 2, 40) and lse.dtype == torch.float32
    want, want_lse = reference(q, k, v, score_mod=lambda s, b, h, qi, ki: s + bias.cpu().double()[h, qi, ki])
    assert rel_l2(out, want) < TOLERANCE[dt]
    assert rel_l2(lse, want_lse) < 1e-5 if dt == torch.float32 else rel_l2(lse, want_lse) < 1e-3
    # return_lse=False drops it.
    only = attn(q, k, v, bias=bias, return_lse=False)
    assert torch.equal(only, out)


def test_bhsd_layout_takes_contiguous_heads_first():
    attn = faattn.compile("""kernel heads_first { heads = 2; head_dim = 32; dtype = bf16
      layout = bhsd; mask = causal }""")
    g = torch.Generator().manual_seed(4)
    dt = dtypes()[0]
    q, k, v = (torch.randn(2, 2, 33, 32, generator=g).to(dt).to(DEVICE) for _ in range(3))
    out = attn(q, k, v)
    assert out.is_contiguous()  # bhsd out: (batch, heads, seq, dim) in memory
    want, _ = reference(q, k, v, mask_mod=lambda b, h, qi, ki: qi >= ki)
    assert rel_l2(out, want) < TOLERANCE[dt]


def _nan_case(where):
    attn = faattn.compile(GEMMA)
    g = torch.Generator().manual_seed(5)
    dt = dtypes()[0]
    q, k, v = (bshd_randn(1, 20, h, 64, dt, g).clone() for h in (4, 2, 2))
    # clone() keeps the (b, s, h, d) memory order of the views.
    {"q": q, "k": k, "v": v}[where][0, 1, 7, 3] = float("nan")
    return attn(q, k, v), reference(q, k, v, score_mod=softcap(30.0),
                                    mask_mod=causal_window(48))[0]


def test_nan_in_v_propagates():
    out, want = _nan_case("v")
    out = out.cpu()
    # V row 7, dim 3 of KV head 1 reaches dim 3 of query heads 2 and 3 at the rows that attend
    # to it (7 to 19): NaN there. Heads 0 and 1 and the other dims do not depend on it: finite
    # and correct. (Rows 0-6 of dim 3 mask it out; 0 * NaN in P V may or may not reach them.)
    assert torch.isnan(want[0, 2:4, 7:20, 3]).all()
    assert torch.isnan(out[0, 2:4, 7:20, 3]).all()
    clean = torch.ones_like(out, dtype=torch.bool)
    clean[0, 2:4, :, 3] = False
    assert torch.isfinite(out[clean]).all()
    assert rel_l2(out[clean], want[clean]) < TOLERANCE[dtypes()[0]]


# A NaN in q or k reaches every score of its row (q) or every row that keeps the key (k): those
# rows are NaN in the kernel exactly where they are in the reference (docs/spec-language.md).
def test_nan_in_k_propagates():
    out, want = _nan_case("k")
    assert torch.isnan(want[0, 2:4, 7:20]).all()
    assert torch.equal(torch.isnan(out).cpu(), torch.isnan(want))


def test_nan_in_q_propagates():
    out, want = _nan_case("q")
    assert torch.isnan(want[0, 1, 7]).all()
    assert torch.equal(torch.isnan(out).cpu(), torch.isnan(want))


VARLEN = """kernel varlen_gqa { heads = 4 : 2; head_dim = 32; dtype = bf16
  varlen; mask = causal; return_lse }"""


def packed_batch(lens_q, lens_kv, heads, kv_heads, dim, dt, g):
    """cu_seqlens_q, cu_seqlens_kv (int32, on the CPU) and q, k, v of a ragged batch packed
    along the sequence: (total, heads, dim) memory, passed heads first (heads, total, dim)."""
    cu_q, cu_kv = cu_seqlens(lens_q), cu_seqlens(lens_kv)
    q = torch.randn(sum(lens_q), heads, dim, generator=g).to(dt).to(DEVICE).transpose(0, 1)
    k = torch.randn(sum(lens_kv), kv_heads, dim, generator=g).to(dt).to(DEVICE).transpose(0, 1)
    v = torch.randn(sum(lens_kv), kv_heads, dim, generator=g).to(dt).to(DEVICE).transpose(0, 1)
    return cu_q, cu_kv, q, k, v


def test_varlen_ragged_batch():
    attn = faattn.compile(VARLEN)
    g = torch.Generator().manual_seed(6)
    dt = dtypes()[0]
    lens_q, lens_kv = [37, 1, 64], [37, 20, 80]
    cu_q, cu_kv, q, k, v = packed_batch(lens_q, lens_kv, 4, 2, 32, dt, g)
    out, lse = attn(q, k, v, cu_seqlens_q=cu_q.to(DEVICE), cu_seqlens_kv=cu_kv.to(DEVICE),
                    max_seqlen_q=max(lens_q))
    assert out.shape == (4, sum(lens_q), 32) and lse.shape == (4, sum(lens_q))
    for b in range(3):
        qs, ks = slice(cu_q[b], cu_q[b + 1]), slice(cu_kv[b], cu_kv[b + 1])
        # The spec's causal mask on each sequence's own indices.
        want, want_lse = reference(q[None, :, qs], k[None, :, ks], v[None, :, ks],
                                   mask_mod=lambda bb, h, qi, ki: qi >= ki)
        assert rel_l2(out[None, :, qs], want) < TOLERANCE[dt], b
        assert rel_l2(lse[None, :, qs], want_lse) < 1e-3, b


def test_paged_decode():
    attn = faattn.compile("""kernel decode_paged { mode = decode; heads = 4 : 2; head_dim = 64
      dtype = bf16; paged_kv(page = 16); return_lse }""")
    g = torch.Generator().manual_seed(7)
    dt = dtypes()[0]
    lens = [50, 3, 33]
    num_pages, max_pages = 16, 4
    kp = torch.randn(num_pages, 16, 2, 64, generator=g).to(dt).to(DEVICE)
    vp = torch.randn(num_pages, 16, 2, 64, generator=g).to(dt).to(DEVICE)
    table = torch.randperm(num_pages, generator=g)[:3 * max_pages].view(3, max_pages).to(torch.int32)
    q = bshd_randn(3, 1, 4, 64, dt, g)
    # max_seqlen_kv: the host-known longest sequence (it sizes the split count on the GPU).
    out, lse = attn(q, kp.transpose(1, 2), vp.transpose(1, 2), block_table=table.to(DEVICE),
                    seqlens_kv=torch.tensor(lens, dtype=torch.int32, device=DEVICE),
                    max_seqlen_kv=max(lens))
    for b, n in enumerate(lens):
        rows = torch.cat([kp[p] for p in table[b].tolist()])[:n]  # (n, kv_heads, dim)
        vrows = torch.cat([vp[p] for p in table[b].tolist()])[:n]
        want, want_lse = reference(q[b:b + 1], rows.transpose(0, 1)[None], vrows.transpose(0, 1)[None])
        assert rel_l2(out[b:b + 1], want) < TOLERANCE[dt], b
        assert rel_l2(lse[b:b + 1], want_lse) < 1e-3, b


def test_varlen_decode():
    """Speculative decode over a ragged batch: 1-4 new tokens a sequence (packed, causal
    among themselves) against each sequence's cache, split over the KV range."""
    attn = faattn.compile("""kernel vdecode { mode = decode; heads = 8 : 2; head_dim = 64
      dtype = bf16; varlen; return_lse
      mask = kv_idx <= seq_kv - seq_q + q_idx }""")
    g = torch.Generator().manual_seed(9)
    dt = dtypes()[0]
    lens_q, lens_kv = [3, 1, 4], [300, 5, 777]
    cu_q, cu_kv, q, k, v = packed_batch(lens_q, lens_kv, 8, 2, 64, dt, g)
    out, lse = attn(q, k, v, cu_seqlens_q=cu_q.to(DEVICE), cu_seqlens_kv=cu_kv.to(DEVICE),
                    max_seqlen_q=max(lens_q), max_seqlen_kv=max(lens_kv))
    for b in range(3):
        qs, ks = slice(cu_q[b], cu_q[b + 1]), slice(cu_kv[b], cu_kv[b + 1])
        sq, skv = lens_q[b], lens_kv[b]
        want, want_lse = reference(q[None, :, qs], k[None, :, ks], v[None, :, ks],
                                   mask_mod=lambda bb, h, qi, ki: ki <= skv - sq + qi)
        assert rel_l2(out[None, :, qs], want) < TOLERANCE[dt], b
        assert rel_l2(lse[None, :, qs], want_lse) < 1e-3, b


@pytest.mark.skipif(DEVICE != "cuda", reason="streams are CUDA's")
def test_runs_on_the_current_stream():
    attn = faattn.compile(GEMMA)
    g = torch.Generator().manual_seed(8)
    q0, k, v = (bshd_randn(2, 300, h, 64, torch.bfloat16, g) for h in (4, 2, 2))
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        # q is written at the end of a long chain on the side stream: a kernel launched on any
        # other stream would read it before it is there.
        busy = torch.randn(4096, 4096, device="cuda")
        for _ in range(30):
            busy = (busy @ busy) * 1e-3
        q = q0 + 0 * busy.sum().nan_to_num()
        out = attn(q, k, v)
    side.synchronize()
    want, _ = reference(q0, k, v, score_mod=softcap(30.0), mask_mod=causal_window(48))
    assert rel_l2(out, want) < TOLERANCE[torch.bfloat16]


@pytest.mark.parametrize("spec_dtype,dv", [("f16", 32), ("e4m3", 64)])
def test_spec_dtypes_and_head_dims(spec_dtype, dv):
    # f16 with a V head dim of 32 under a Q/K head dim of 64 (as MLA's 192 : 128); FP8 inputs
    # (equal head dims, the only e4m3 form) with a bf16 out.
    attn = faattn.compile(f"""kernel dt_{spec_dtype} {{ heads = 4 : 1; head_dim = 64 : {dv}
      dtype = {spec_dtype}; mask = causal }}""")
    torch_dt = {"f16": torch.float16, "e4m3": torch.float8_e4m3fn}[spec_dtype]
    g = torch.Generator().manual_seed(9)
    q = bshd_randn(2, 70, 4, 64, torch.float32, g).to(torch_dt)
    k = bshd_randn(2, 90, 1, 64, torch.float32, g).to(torch_dt)
    v = bshd_randn(2, 90, 1, dv, torch.float32, g).to(torch_dt)
    out = attn(q, k, v)
    out_dt = torch.float16 if spec_dtype == "f16" else torch.bfloat16
    assert out.shape == (2, 4, 70, dv) and out.dtype == out_dt
    want, _ = reference(q, k, v, mask_mod=lambda b, h, qi, ki: qi >= ki)
    # (e4m3 on the GPU: the FP8 wgmma rounds P to e4m3.)
    assert rel_l2(out, want) < (FP8_TOLERANCE if spec_dtype == "e4m3" else TOLERANCE[out_dt])
