"""Autograd through faattn: a spec with the `backward` flag trains. On CPU tensors the
backward kernel runs through the CPU path, on CUDA tensors through the GPU backward
(the tensor-core backward, or faattn-backward-to-gpu's kernels at other head dims); its dq, dk, dv and param gradients are checked against
float64 autograd of the same attention written in PyTorch, on the inputs as the device holds
them (bf16 on CUDA)."""
import math
import re

import pytest
import torch
from torch import nn

import faattn
from conftest import DEVICE, cu_seqlens, rel_l2

# f32 CPU loops against float64 autograd: faattn-run --cpu's threshold for dq, dk, dv
# (--backward-tolerance 5e-5, set from its measurement: at most 1.8e-5 over its backward
# specs and 160 random ones). This file's three spec cases measured 1.9e-7 to 3.1e-7
# (dq, dk, dv) and 7.8e-8 to 7.7e-7 (the param gradients) on 2026-12-04.
# On CUDA: bf16 inputs (the reference takes the same rounded values), dq, dk and dv written
# in bf16 (a relative rounding of up to 2^-9 per element), and the forward's out in bf16 in
# D = rowsum(dO * O): the GPU forward's bf16 threshold, 1e-2 (faattn-run --gpu's).
TOL = 5e-5 if DEVICE == "cpu" else 1e-2

cpu_only = pytest.mark.skipif(DEVICE != "cpu", reason="CPU tensors only")


def on_device(t):
    """t as the test's device takes it: f32 on the CPU, bf16 on CUDA (strides kept)."""
    return t if DEVICE == "cpu" else t.to(torch.bfloat16).to(DEVICE)


def as_ref(t):
    """The float64 reference's copy of a device tensor (its rounded values), on the CPU."""
    return t.detach().cpu().double()


def raises(msg):
    return pytest.raises(faattn.FaattnError, match="^" + re.escape(msg) + "$")


def ref_attention(q, k, v, score_mod=None, mask_mod=None, scale=None):
    """Differentiable float64 attention from (b, h, s, d) tensors (GQA by repetition);
    fully masked rows give 0 and gradients of 0 (no NaN through their softmax)."""
    B, H, SQ, D = q.shape
    HKV, SKV = k.shape[1], k.shape[2]
    k = k.repeat_interleave(H // HKV, dim=1)
    v = v.repeat_interleave(H // HKV, dim=1)
    s = (q @ k.transpose(-1, -2)) * (1 / math.sqrt(D) if scale is None else scale)
    h = torch.arange(H).view(1, H, 1, 1)
    qi = torch.arange(SQ).view(1, 1, SQ, 1)
    ki = torch.arange(SKV).view(1, 1, 1, SKV)
    if score_mod is not None:
        s = score_mod(s, h, qi, ki)
    if mask_mod is None:
        return torch.softmax(s, dim=-1) @ v
    keep = mask_mod(h, qi, ki).expand(B, H, SQ, SKV)
    empty = ~keep.any(dim=-1, keepdim=True)
    s = torch.where(keep, s, torch.full_like(s, -math.inf))
    s = torch.where(empty, torch.zeros_like(s), s)
    p = torch.softmax(s, dim=-1) * (~empty)
    return p @ v


def leaf(x):
    return x.detach().clone().requires_grad_(True)


def bshd(b, s, h, d, gen):
    """(b, h, s, d) views of contiguous (b, s, h, d) f32 memory (the spec's bshd layout)."""
    return torch.randn(b, s, h, d, generator=gen).transpose(1, 2)


def run_both(attn, q, k, v, params, score_mod, mask_mod, learnable):
    """faattn's gradients and float64 autograd's, for dout random."""
    g = torch.Generator().manual_seed(11)
    xs = [leaf(on_device(t)) for t in (q, k, v)]
    ps = {n: (leaf(p.to(DEVICE)) if n in learnable else p.to(DEVICE)) for n, p in params.items()}
    out = attn(*xs, **ps)
    dout = on_device(torch.randn(out.shape, generator=g))
    out.backward(dout)
    got = [x.grad for x in xs] + [ps[n].grad for n in learnable]
    rx = [leaf(as_ref(t)) for t in xs]
    rp = {n: (leaf(p.double()) if n in learnable else p.double()) for n, p in params.items()}
    want_out = ref_attention(*rx, score_mod=lambda s, h, qi, ki: score_mod(s, h, qi, ki, rp),
                             mask_mod=mask_mod)
    want_out.backward(as_ref(dout))
    want = [x.grad for x in rx] + [rp[n].grad for n in learnable]
    assert rel_l2(out.detach(), want_out.detach()) < (1e-5 if DEVICE == "cpu" else 1e-2)
    return got, want


CASES = {
    # GQA 4:2, Gemma-2's soft-cap and a causal window; no params.
    "softcap_window": ("""kernel t { heads = 4 : 2; head_dim = 32; dtype = bf16; backward
        score = 30.0 * tanh(score / 30.0)
        mask = q_idx >= kv_idx && q_idx - kv_idx < 24 }""",
                       {}, (), lambda s, h, qi, ki, p: 30.0 * torch.tanh(s / 30.0),
                       lambda h, qi, ki: (qi >= ki) & (qi - ki < 24)),
    # Learnable ALiBi slopes and a learnable scalar temperature (their gradients reduced into
    # their declared shapes), causal.
    "alibi_temperature": ("""kernel t { heads = 4; head_dim = 48; dtype = bf16; backward
        mask = causal
        param slopes : f32[heads] requires_grad
        param temperature : f32 requires_grad
        score = (score - slopes[h] * abs(q_idx - kv_idx)) / temperature }""",
                          {"slopes": torch.tensor([0.5, 0.25, 0.125, 0.0625]),
                           "temperature": torch.tensor(1.3)},
                          ("slopes", "temperature"),
                          lambda s, h, qi, ki, p: (s - p["slopes"].view(1, -1, 1, 1)
                                                   * (qi - ki).abs()) / p["temperature"],
                          lambda h, qi, ki: qi >= ki),
    # A per-head bias the score reads through `where` (only its taken branch gets a
    # gradient), and a fixed param without requires_grad; no mask.
    "where_bias": ("""kernel t { heads = 2; head_dim = 16; dtype = bf16; backward
        param bias : f32[heads] requires_grad
        param cut : f32[heads]
        score = where(score > cut[h], score + bias[h], score * 0.5) }""",
                   {"bias": torch.tensor([0.3, -0.7]), "cut": torch.tensor([0.1, -0.2])},
                   ("bias",),
                   lambda s, h, qi, ki, p: torch.where(
                       s > p["cut"].view(1, -1, 1, 1), s + p["bias"].view(1, -1, 1, 1), s * 0.5),
                   None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_gradients_match_float64(case):
    text, params, learnable, score_mod, mask_mod = CASES[case]
    attn = faattn.compile(text)
    hq, hkv, d = attn.info["heads_q"], attn.info["heads_kv"], attn.info["head_dim_qk"]
    g = torch.Generator().manual_seed(5)
    # Odd sizes: 2 sequences of 37 queries over 53 keys.
    q, k, v = bshd(2, 37, hq, d, g), bshd(2, 53, hkv, d, g), bshd(2, 53, hkv, d, g)
    got, want = run_both(attn, q, k, v, params, score_mod, mask_mod, learnable)
    names = ["dq", "dk", "dv"] + [f"d{n}" for n in learnable]
    for name, a, b in zip(names, got, want):
        assert a is not None, name
        assert a.shape == b.shape, name
        assert torch.isfinite(a).all(), name
        assert rel_l2(a, b) < TOL, (name, rel_l2(a, b))


def test_fully_masked_rows_get_zero_gradients():
    # Rows 0-4 see no key: their out is 0 and so are their gradients (never NaN).
    attn = faattn.compile("""kernel t { heads = 2; head_dim = 32; dtype = bf16; backward
        mask = kv_idx + 5 <= q_idx }""")
    g = torch.Generator().manual_seed(3)
    q, k, v = bshd(1, 19, 2, 32, g), bshd(1, 23, 2, 32, g), bshd(1, 23, 2, 32, g)
    got, want = run_both(attn, q, k, v, {}, lambda s, h, qi, ki, p: s,
                         lambda h, qi, ki: ki + 5 <= qi, ())
    dq = got[0]
    assert torch.equal(dq[:, :, :5], torch.zeros_like(dq[:, :, :5]))
    for a, b in zip(got, want):
        assert rel_l2(a, b) < TOL


@cpu_only
def test_nan_in_rows_without_keys_reaches_no_gradient():
    # Rows 0-4 keep no key: a NaN in their q or dO changes nothing (their out is 0 and the
    # loss does not depend on them), as in the float64 reference, which skips such rows;
    # the blocked backward reads those rows as 0 before its products (0 * NaN is NaN).
    attn = faattn.compile("""kernel t { heads = 2; head_dim = 32; dtype = bf16; backward
        mask = kv_idx + 5 <= q_idx }""")
    g = torch.Generator().manual_seed(5)
    q, k, v = bshd(1, 19, 2, 32, g), bshd(1, 23, 2, 32, g), bshd(1, 23, 2, 32, g)
    q[0, 1, 0, 3] = float("nan")  # (b, h, s, d): head 1, row 0
    q, k, v = leaf(q), leaf(k), leaf(v)
    out = attn(q, k, v)
    dout = torch.randn(out.shape, generator=g)
    dout[0, 1, 2, 0] = float("nan")  # (b, h, s, d): head 1, row 2
    out.backward(dout)
    for name, t in (("dq", q.grad), ("dk", k.grad), ("dv", v.grad)):
        assert torch.isfinite(t).all(), name
    assert torch.equal(q.grad[:, :, :5], torch.zeros_like(q.grad[:, :, :5]))


def test_varlen_gradients():
    attn = faattn.compile("""kernel t { heads = 4 : 2; head_dim = 32; dtype = bf16; varlen
        mask = causal; backward }""")
    g = torch.Generator().manual_seed(9)
    lens_q, lens_kv = [17, 1, 30], [20, 9, 30]
    cu_q, cu_kv = cu_seqlens(lens_q), cu_seqlens(lens_kv)
    # (total, heads, dim) memory passed heads first.
    q = leaf(on_device(torch.randn(sum(lens_q), 4, 32, generator=g).transpose(0, 1)))
    k = leaf(on_device(torch.randn(sum(lens_kv), 2, 32, generator=g).transpose(0, 1)))
    v = leaf(on_device(torch.randn(sum(lens_kv), 2, 32, generator=g).transpose(0, 1)))
    out = attn(q, k, v, cu_seqlens_q=cu_q.to(DEVICE), cu_seqlens_kv=cu_kv.to(DEVICE),
               max_seqlen_q=max(lens_q))
    dout = on_device(torch.randn(out.shape, generator=g))
    out.backward(dout)
    # The reference per sequence, on each one's own indices, gathered into packed gradients
    # (compared whole: the 1-query sequence's dk is 0 by itself).
    want = [torch.zeros(x.shape, dtype=torch.float64) for x in (q, k, v)]
    for b in range(3):
        qs, ks = slice(cu_q[b], cu_q[b + 1]), slice(cu_kv[b], cu_kv[b + 1])
        rq, rk, rv = (leaf(as_ref(x)[None, :, s]) for x, s in ((q, qs), (k, ks), (v, ks)))
        ref = ref_attention(rq, rk, rv, mask_mod=lambda h, qi, ki: qi >= ki)
        ref.backward(as_ref(dout)[None, :, qs])
        want[0][:, qs], want[1][:, ks], want[2][:, ks] = rq.grad[0], rk.grad[0], rv.grad[0]
    for name, a, w in zip(("dq", "dk", "dv"), (q.grad, k.grad, v.grad), want):
        assert rel_l2(a, w) < TOL, (name, rel_l2(a, w))


@cpu_only
def test_a_compiled_block_trains():
    """torch.compile(fullgraph=True) of a projection, faattn and a loss: the weights'
    gradients are those of the same block with float64 attention."""
    text = """kernel blk { heads = 4 : 2; head_dim = 16; dtype = bf16; backward
        score = 20.0 * tanh(score / 20.0); mask = causal }"""
    attn = faattn.compile(text)
    torch.manual_seed(0)
    proj = nn.Linear(64, (4 + 2 + 2) * 16, bias=False)

    def block(x, attention):
        b, s, _ = x.shape
        q, k, v = proj(x).split([64, 32, 32], dim=-1)
        q = q.reshape(b, s, 4, 16).contiguous().transpose(1, 2)
        k = k.reshape(b, s, 2, 16).contiguous().transpose(1, 2)
        v = v.reshape(b, s, 2, 16).contiguous().transpose(1, 2)
        return attention(q, k, v).square().mean()

    x = torch.randn(2, 29, 64)
    torch._dynamo.reset()
    loss = torch.compile(lambda t: block(t, attn), backend="aot_eager", fullgraph=True)(x)
    loss.backward()
    got = proj.weight.grad.clone()
    proj.weight.grad = None
    proj.double()
    want = block(x.double(), lambda q, k, v: ref_attention(
        q, k, v, score_mod=lambda s, h, qi, ki: 20.0 * torch.tanh(s / 20.0),
        mask_mod=lambda h, qi, ki: qi >= ki))
    want.backward()
    assert rel_l2(got, proj.weight.grad) < TOL


def test_a_spec_without_backward_says_how_to_get_one():
    attn = faattn.compile("kernel nb { heads = 2; head_dim = 32; dtype = bf16 }")
    g = torch.Generator().manual_seed(1)
    dt = torch.float32 if DEVICE == "cpu" else torch.bfloat16
    q = leaf(bshd(1, 8, 2, 32, g).to(dt).to(DEVICE))
    out = attn(q, q.detach(), q.detach())
    with raises("kernel 'nb' has no backward: add the `backward` flag to its spec (a forward "
                "kernel then also yields its backward), or write it with mode = backward"):
        out.sum().backward()


@cpu_only
def test_a_loss_through_the_lse_is_refused():
    attn = faattn.compile("kernel tl { heads = 2; head_dim = 32; dtype = bf16; backward }")
    g = torch.Generator().manual_seed(2)
    q = leaf(bshd(1, 8, 2, 32, g))
    out, lse = attn(q, q.detach(), q.detach(), return_lse=True)
    assert lse.shape == (1, 2, 8)
    with raises("faattn: kernel 'tl': the backward takes the gradient of out only; a loss that "
                "depends on the returned lse has no backward"):
        (out.sum() + lse.sum()).backward()
    # A loss through the lse alone: out's gradient comes as None (no zeros are made for an
    # output the loss does not read), the lse's is refused the same way.
    out, lse = attn(q, q.detach(), q.detach(), return_lse=True)
    with raises("faattn: kernel 'tl': the backward takes the gradient of out only; a loss that "
                "depends on the returned lse has no backward"):
        lse.sum().backward()


@cpu_only
def test_a_loss_through_out_alone_with_the_lse_returned():
    # The lse's gradient is None then (not a materialized zero tensor the op would read back):
    # the gradients are those of the call without the lse.
    attn = faattn.compile("kernel to { heads = 2; head_dim = 32; dtype = bf16; backward }")
    g = torch.Generator().manual_seed(3)
    x = bshd(1, 9, 2, 32, g)
    grads = []
    for with_lse in (True, False):
        q = leaf(x.clone())
        res = attn(q, q.detach(), q.detach(), return_lse=with_lse)
        (res[0] if with_lse else res).float().pow(2).sum().backward()
        grads.append(q.grad)
    assert torch.equal(grads[0], grads[1]) and grads[0].abs().sum() > 0


def test_backward_kernel_info():
    attn = faattn.compile("""kernel bi { heads = 2; head_dim = 32; dtype = bf16; backward
        param s : f32[heads] requires_grad
        param c : f32[heads]
        score = score * s[h] + c[h] }""")
    assert attn.info["backward"] and attn.info["mode"] == "forward"
    assert attn.info["return_lse"]  # the flag makes the forward write it
    bk = attn.backward_kernel()
    assert bk.info["mode"] == "backward" and not bk.info["backward"]
    assert {p["name"]: p["requires_grad"] for p in bk.info["params"]} == {"s": True, "c": False}
    assert attn.backward_kernel() is bk  # compiled once


@cpu_only
def test_a_param_pytorch_would_train_must_be_marked():
    attn = faattn.compile("""kernel pm { heads = 2; head_dim = 32; dtype = bf16; backward
        param bias : f32[heads]
        score = score + bias[h] }""")
    g = torch.Generator().manual_seed(6)
    q = leaf(bshd(1, 8, 2, 32, g))
    bias = torch.tensor([0.1, -0.2], requires_grad=True)
    out = attn(q, q.detach(), q.detach(), bias=bias)
    with raises("faattn: kernel 'pm': param 'bias' requires grad in PyTorch, but the spec does "
                "not mark it requires_grad (mark it, or pass it detached)"):
        out.sum().backward()
    # Detached, it is a constant: q alone gets a gradient.
    attn(q, q.detach(), q.detach(), bias=bias.detach()).sum().backward()
    assert q.grad is not None and torch.isfinite(q.grad).all()


def test_gradients_of_restrided_inputs():
    """The backward's copies do not depend on the strides its saved tensors and dout have
    (bhsd spec, dout non-contiguous)."""
    attn = faattn.compile("""kernel rs { heads = 2; head_dim = 16; dtype = bf16; layout = bhsd
        backward; mask = causal }""")
    g = torch.Generator().manual_seed(8)
    q, k, v = (leaf(on_device(torch.randn(1, 2, 21, 16, generator=g))) for _ in range(3))
    out = attn(q, k, v)
    dout = on_device(torch.randn(1, 21, 2, 16, generator=g)).transpose(1, 2)  # non-contiguous
    out.backward(dout)
    rq, rk, rv = (leaf(as_ref(x)) for x in (q, k, v))
    ref_attention(rq, rk, rv, mask_mod=lambda h, qi, ki: qi >= ki).backward(as_ref(dout))
    for a, w in ((q.grad, rq.grad), (k.grad, rk.grad), (v.grad, rv.grad)):
        assert rel_l2(a, w) < TOL


DETERMINISTIC = {
    # No param: dq's adds in KV-block order.
    "plain": ("", {}, (), lambda s, h, qi, ki, p: s),
    # Learnable params: each CTA's contributions into its own partials, summed by the post
    # grid in a fixed order (docs/BACKWARD.md), so their gradients repeat bit for bit too.
    "learnable": ("""
        param slopes : f32[heads] requires_grad
        param temperature : f32 requires_grad
        score = (score - slopes[h] * abs(q_idx - kv_idx)) / temperature""",
                  {"slopes": torch.tensor([0.5, 0.25, 0.125, 0.0625]),
                   "temperature": torch.tensor(1.3)}, ("slopes", "temperature"),
                  lambda s, h, qi, ki, p: (s - p["slopes"].view(1, -1, 1, 1)
                                           * (qi - ki).abs()) / p["temperature"]),
}


@pytest.mark.parametrize("case", sorted(DETERMINISTIC))
def test_deterministic_gradients_are_the_same_bits_every_run(case):
    # `deterministic` (docs/spec-language.md): the same inputs give the same gradients, bit for
    # bit, on every call (on CUDA the tensor-core backward adds dq in KV-block order; on the
    # CPU every backward is). Several Q and KV blocks of 64, GQA and a causal mask, and the
    # gradients against float64 autograd as for the other specs.
    body, params, learnable, mod = DETERMINISTIC[case]
    attn = faattn.compile("""kernel det { heads = 4 : 2; head_dim = 32; dtype = bf16; backward
        mask = causal; deterministic""" + body + " }")
    g = torch.Generator().manual_seed(5)
    q, k, v = bshd(2, 150, 4, 32, g), bshd(2, 150, 2, 32, g), bshd(2, 150, 2, 32, g)
    runs = [run_both(attn, q, k, v, params, mod, lambda h, qi, ki: qi >= ki, learnable)
            for _ in range(3)]
    for got, want in runs:
        for a, b in zip(got, want):
            assert rel_l2(a, b) < TOL
    for got, _ in runs[1:]:
        for a, b in zip(got, runs[0][0]):
            assert torch.equal(a, b)


def test_the_backward_builds_while_the_caller_goes_on(monkeypatch):
    # compile() of a kernel with the `backward` flag starts the backward's build in a thread;
    # backward_kernel() takes its result once, and the build's failure is raised by
    # backward_kernel() (where autograd asks), not by compile().
    spec = """kernel prefetch { heads = 2; head_dim = 16; dtype = bf16; backward; mask = causal
        score = score * 0.75 }"""
    attn = faattn.compile(spec)
    assert attn._backward_build is not None
    bk = attn.backward_kernel()
    assert attn._backward_build is None and attn.backward_kernel() is bk
    assert bk.info["mode"] == "backward" and bk.info["name"] == "prefetch"
    # A forward kernel without the flag starts nothing.
    assert faattn.compile("kernel nobwd { heads = 2; head_dim = 16; dtype = bf16 }") \
        ._backward_build is None

    def boom(self, text, kernel=None):
        raise faattn.FaattnError("the backward's build failed")
    monkeypatch.setattr(faattn._lib.Runtime, "compile_backward", boom)
    failing = faattn.compile(spec.replace("0.75", "0.5"))
    with pytest.raises(faattn.FaattnError, match="the backward's build failed"):
        failing.backward_kernel()


def test_deterministic_with_a_param_read_per_query_is_refused():
    with pytest.raises(faattn.FaattnError, match=re.escape(
            "error: deterministic needs param 'bias' (which requires a gradient) read at "
            "indices of b, h, seq_q, seq_kv and numbers, but this index reads q_idx")):
        faattn.compile("""kernel detp { heads = 2; head_dim = 32; dtype = bf16; backward
            deterministic
            param bias : f32[seq_q] requires_grad
            score = score + bias[q_idx] }""")


@pytest.mark.parametrize("tail", [(), (0,)])
def test_op_gradients_whatever_the_trailing_defaults(tail):
    # The op called as the package calls it (every argument), without the defaulted
    # max_seqlen_kv, and with it: the dispatcher drops an argument equal to its
    # default before autograd, and torch versions hand setup_context the inputs with or
    # without it; the backward must return one gradient per input as called either way
    # (torch 2.11 on the GPU raised "Expected the return from backward to be of the same
    # structure as the inputs", 2026-12-06).
    attn = faattn.compile("""kernel t { heads = 2; head_dim = 16; dtype = bf16; backward
        mask = causal }""")
    g = torch.Generator().manual_seed(4)
    q, k, v = (leaf(on_device(bshd(1, 9, 2, 16, g))) for _ in range(3))
    args = [attn.id, q, k, v, [], None, None, 0, None, None, *tail]
    out, _ = torch.ops.faattn.attention(*args)
    out.backward(torch.ones_like(out))
    want_q = [leaf(as_ref(t)) for t in (q, k, v)]
    ref_attention(*want_q, mask_mod=lambda h, qi, ki: qi >= ki).backward(
        torch.ones_like(as_ref(out)))
    for got, want in zip((q, k, v), want_q):
        assert rel_l2(got.grad, want.grad) < (1e-5 if DEVICE == "cpu" else 1e-2)
