"""Shared helpers of faattn's Python tests.

FAATTN_TEST_DEVICE picks the device (cpu, the default, or cuda). On the CPU,
kernels run through faattn's CPU execution path; on CUDA through the runtime's
launch. Every result is checked against attention computed here in float64.
"""
import math
import os

import pytest
import torch

DEVICE = os.environ.get("FAATTN_TEST_DEVICE", "cpu")
if DEVICE == "cuda" and not torch.cuda.is_available():
    raise RuntimeError("FAATTN_TEST_DEVICE=cuda but torch sees no CUDA device")

# Relative L2 tolerances: the project's own (faattn-run --cpu: 1e-5 for f32; --gpu: 1e-2 for
# bf16, 5e-3 for f16).
TOLERANCE = {torch.float32: 1e-5, torch.bfloat16: 1e-2, torch.float16: 5e-3}
# e4m3 Q, K and V on the GPU run on the FP8 wgmma, which rounds P to e4m3 for P V: faattn-run's
# fp8WgmmaTolerance (docs/FP8.md: 0.012-0.027 measured over every variant on the GPU). On the
# CPU path P stays f32, and the bf16 tolerance holds.
FP8_TOLERANCE = 5e-2 if DEVICE == "cuda" else TOLERANCE[torch.bfloat16]


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory):
    # A fresh disk cache for the session (the runtime reads it when first created).
    if "FAATTN_CACHE_DIR" not in os.environ:
        d = tmp_path_factory.mktemp("faattn-cache")
        os.chmod(d, 0o700)
        os.environ["FAATTN_CACHE_DIR"] = str(d)
    yield


def dtypes():
    """The dtypes to run the spec's kernels with: f32 (the CPU path's own) and
    the spec's bf16 on the CPU; bf16 on CUDA."""
    return [torch.float32, torch.bfloat16] if DEVICE == "cpu" else [torch.bfloat16]


def bshd_randn(b, s, h, d, dtype, gen, device=DEVICE):
    """A (b, h, s, d) view of contiguous (b, s, h, d) memory: what
    .view(b, s, h, d).transpose(1, 2) of a projection gives."""
    x = torch.randn(b, s, h, d, generator=gen, dtype=torch.float32).to(dtype)
    return x.to(device).transpose(1, 2)


def rel_l2(got, want):
    got, want = got.double().cpu(), want.double().cpu()
    return ((got - want).norm() / want.norm()).item()


def reference(q, k, v, scale=None, score_mod=None, mask_mod=None):
    """Attention in float64 from (b, h, s, d) tensors (GQA: k, v with fewer
    heads). score_mod(score, b, h, q_idx, kv_idx) and mask_mod(b, h, q_idx,
    kv_idx) take broadcastable index tensors, as FlexAttention's mods do.
    Returns out and the natural-log LSE; fully masked rows give 0 and -inf."""
    q, k, v = q.double().cpu(), k.double().cpu(), v.double().cpu()
    B, H, SQ, D = q.shape
    HKV, SKV = k.shape[1], k.shape[2]
    k = k.repeat_interleave(H // HKV, dim=1)
    v = v.repeat_interleave(H // HKV, dim=1)
    scale = 1 / math.sqrt(D) if scale is None else scale
    s = (q @ k.transpose(-1, -2)) * scale
    b = torch.arange(B).view(B, 1, 1, 1)
    h = torch.arange(H).view(1, H, 1, 1)
    qi = torch.arange(SQ).view(1, 1, SQ, 1)
    ki = torch.arange(SKV).view(1, 1, 1, SKV)
    if score_mod is not None:
        s = score_mod(s, b, h, qi, ki)
    if mask_mod is not None:
        keep = mask_mod(b, h, qi, ki).expand(B, H, SQ, SKV)
        s = s.masked_fill(~keep, -math.inf)
    lse = torch.logsumexp(s, dim=-1)
    p = torch.exp(s - lse.unsqueeze(-1))
    p = torch.where(torch.isneginf(lse).unsqueeze(-1), torch.zeros_like(p), p)
    return p @ v, lse


def cu_seqlens(lens):
    """The (batch + 1) int32 offsets of sequences of lengths `lens` packed one after another."""
    return torch.tensor([0] + list(torch.tensor(lens).cumsum(0)), dtype=torch.int32)
