"""Errors are FaattnError (a RuntimeError) with the runtime's message, never a crash."""
import re

import pytest
import torch

import faattn
from conftest import DEVICE, bshd_randn, dtypes

SPEC = """kernel errs { heads = 4 : 2; head_dim = 32; dtype = bf16
  param slopes : f32[heads]
  score = score - slopes[h] * (q_idx - kv_idx); mask = causal }"""


@pytest.fixture(scope="module")
def attn():
    return faattn.compile(SPEC)


def qkv(dtype=torch.bfloat16, b=2, s=16, hq=4, hkv=2, d=32):
    g = torch.Generator().manual_seed(0)
    return (bshd_randn(b, s, hq, d, dtype, g), bshd_randn(b, s, hkv, d, dtype, g),
            bshd_randn(b, s, hkv, d, dtype, g))


def slopes(n=4):
    return torch.ones(n, device=DEVICE)


def raises(msg):
    return pytest.raises(faattn.FaattnError, match="^" + re.escape(msg) + "$")


def test_spec_error_carries_the_diagnostic():
    with pytest.raises(faattn.FaattnError) as e:
        faattn.compile("kernel bad { heads = 32 : 5; head_dim = 64; dtype = bf16 }")
    assert str(e.value) == ("spec error:\n<spec>:1:22: error: query heads (32) must be a "
                            "multiple of KV heads (5)\n"
                            "kernel bad { heads = 32 : 5; head_dim = 64; dtype = bf16 }\n"
                            "                     ^\n")


def test_spec_with_two_kernels_needs_a_name():
    with raises("the spec has 2 kernels (one, two); name the one to compile"):
        faattn.compile("kernel one { heads = 2; head_dim = 32 }\n"
                       "kernel two { heads = 2; head_dim = 64 }")


def test_unknown_kernel_and_missing_file():
    with raises("the spec has no kernel named 'nope' (it has errs)"):
        faattn.compile(SPEC, kernel="nope")
    with raises("cannot open 'no/such/spec.fa': No such file or directory"):
        faattn.compile("no/such/spec.fa")


def test_dtype_error(attn):
    q, k, v = qkv()
    with raises("launch of kernel 'errs': tensor 'q' must be bf16, got f16"):
        attn(q.half(), k, v, slopes=slopes())
    with raises("launch of kernel 'errs': tensor 'k' must be bf16, got float64"):
        attn(q, k.double(), v, slopes=slopes())
    with raises("launch of kernel 'errs': tensor 'param slopes' must be f32, got i32"):
        attn(q, k, v, slopes=slopes().int())


def test_shape_errors(attn):
    q, k, v = qkv()
    with raises("launch of kernel 'errs': tensor 'q' must have rank 4, got 3"):
        attn(q[0], k, v, slopes=slopes())
    q3, k3, v3 = qkv(hkv=3, hq=6)
    with raises("launch of kernel 'errs': tensor 'q' has 6 heads, the spec has 4"):
        attn(q3, k, v, slopes=slopes())
    with raises("launch of kernel 'errs': tensor 'k' has 3 heads, the spec has 2"):
        attn(q, k3, v, slopes=slopes())
    qd, kd, vd = qkv(d=64)
    with raises("launch of kernel 'errs': tensor 'v' has head_dim 64, the spec has 32"):
        attn(q, k, vd, slopes=slopes())
    with raises("launch of kernel 'errs': param 'slopes' dimension 0 (heads) must be 4, got 3"):
        attn(q, k, v, slopes=slopes(3))
    _, k2, v2 = qkv(b=3)
    with raises("launch of kernel 'errs': q, k, v and out must have the same batch size"):
        attn(q, k2, v2, slopes=slopes())


def test_stride_errors(attn):
    q, k, v = qkv()
    with raises("launch of kernel 'errs': tensor 'q' (batch, heads, seq, head_dim) of shape "
                "(2, 4, 16, 32) and strides (2048, 512, 32, 1) is laid out bhsd in memory; the "
                "spec's layout = bshd needs the heads and sequence dims transposed from a "
                "contiguous tensor (x.transpose(1, 2).contiguous().transpose(1, 2) for bshd, "
                "x.contiguous() for bhsd)"):
        attn(q.contiguous(), k, v, slopes=slopes())
    wide = bshd_randn(2, 16, 2, 64, torch.bfloat16, torch.Generator().manual_seed(1))
    with raises("launch of kernel 'errs': tensor 'v' (batch, heads, seq, head_dim) of shape "
                "(2, 2, 16, 32) and strides (2048, 64, 128, 2) is neither bshd nor bhsd in "
                "memory; the spec's layout = bshd needs the heads and sequence dims transposed "
                "from a contiguous tensor (x.transpose(1, 2).contiguous().transpose(1, 2) for "
                "bshd, x.contiguous() for bhsd)"):
        attn(q, k, wide[..., ::2], slopes=slopes())
    with raises("launch of kernel 'errs': tensor 'param slopes' must be contiguous (row-major "
                "strides)"):
        attn(q, k, v, slopes=torch.ones(8, device=DEVICE)[::2])


def test_misaligned_pointer(attn):
    q, k, v = qkv()
    flat = torch.empty(q.numel() + 1, dtype=torch.bfloat16, device=DEVICE)
    shifted = flat[1:].view(2, 16, 4, 32).transpose(1, 2)
    shifted.copy_(q)
    with raises("launch of kernel 'errs': tensor 'q' is not 16-byte aligned"):
        attn(shifted, k, v, slopes=slopes())


def test_param_errors(attn):
    q, k, v = qkv()
    with raises("launch of kernel 'errs': param 'slopes' is missing"):
        attn(q, k, v)
    with raises("launch of kernel 'errs': the spec has no param 'bias'"):
        attn(q, k, v, slopes=slopes(), bias=slopes())
    with raises("launch of kernel 'errs': return_lse=True needs a spec with return_lse"):
        attn(q, k, v, slopes=slopes(), return_lse=True)


def test_varlen_needs_cu_seqlens():
    attn = faattn.compile("kernel vl { heads = 2; head_dim = 32; dtype = bf16; varlen }")
    x = torch.randn(10, 2, 32).to(torch.bfloat16).to(DEVICE).transpose(0, 1)
    with raises("launch of kernel 'vl': the spec has varlen: tensor 'cu_seqlens_q' is missing"):
        attn(x, x, x)
    cu = torch.tensor([0, 4, 10], dtype=torch.int64, device=DEVICE)
    with raises("launch of kernel 'vl': tensor 'cu_seqlens_q' must be i32, got int64"):
        attn(x, x, x, cu_seqlens_q=cu, cu_seqlens_kv=cu)
    dense = faattn.compile(SPEC)
    q, k, v = qkv()
    with raises("launch of kernel 'errs': tensor 'cu_seqlens_q' is only for varlen specs, this "
                "one is not"):
        dense(q, k, v, slopes=slopes(), cu_seqlens_q=cu.int())
    with raises("launch of kernel 'errs': maxSeqlenKV is only for paged_kv and varlen specs, "
                "this one is neither"):
        dense(q, k, v, slopes=slopes(), max_seqlen_kv=16)
    with raises("launch of kernel 'vl': maxSeqlenKV must be 0 (the block table's capacity, or "
                "total_kv) or positive, got -1"):
        attn(x, x, x, cu_seqlens_q=cu.int(), cu_seqlens_kv=cu.int(), max_seqlen_kv=-1)


def test_backward_spec_is_not_called():
    bw = faattn.compile("kernel bw { mode = backward; heads = 2; head_dim = 32; dtype = bf16 }")
    q, k, v = qkv()
    with raises("kernel 'bw' has mode = backward: it is not called, autograd runs it; compile "
                "the forward kernel with the `backward` flag instead"):
        bw(q, k, v)


@pytest.mark.skipif(DEVICE != "cuda", reason="device mix needs a GPU")
def test_device_mix():
    attn = faattn.compile(SPEC)
    q, k, v = qkv()
    with raises("launch of kernel 'errs': tensor 'k' is on cpu, q on cuda:0"):
        attn(q, k.cpu(), v, slopes=slopes())
