"""The example modules (examples/*_attention.py) against the same modules with float64
attention."""
import copy
import os
import sys

import pytest
import torch

from conftest import DEVICE, FP8_TOLERANCE, TOLERANCE, reference, rel_l2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
import fp8_attention  # noqa: E402
import gemma2_attention  # noqa: E402
import llama_attention  # noqa: E402

DTYPE = torch.float32 if DEVICE == "cpu" else torch.bfloat16


def check(module, ref_attention, hidden, seq=40):
    ref = copy.deepcopy(module)
    ref.attention = ref_attention
    x = torch.randn(2, seq, hidden, device=DEVICE, dtype=DTYPE)
    with torch.no_grad():
        out = torch.compile(module, fullgraph=True, backend="aot_eager")(x)
        want = ref.double()(x.double())
    assert rel_l2(out, want) < TOLERANCE[DTYPE]


def test_llama():
    torch.manual_seed(0)
    module = llama_attention.LlamaAttention(hidden=256).to(DEVICE, DTYPE)

    def attn(q, k, v):
        return reference(q, k, v, mask_mod=lambda b, h, qi, ki: qi >= ki)[0].to(q.device)

    check(module, attn, 256)


@pytest.mark.parametrize("layer", [0, 1])
def test_gemma2(layer):
    torch.manual_seed(layer)
    module = gemma2_attention.Gemma2Attention(layer, hidden=256).to(DEVICE, DTYPE)
    assert module.attention.name == ("gemma2_local", "gemma2_global")[layer]
    window = 4096 if layer == 0 else None

    def attn(q, k, v):
        return reference(
            q, k, v, score_mod=lambda s, b, h, qi, ki: 50.0 * torch.tanh(s / 50.0),
            mask_mod=lambda b, h, qi, ki: (qi >= ki) & (qi - ki < window) if window else qi >= ki
        )[0].to(q.device)

    check(module, attn, 256)


@pytest.mark.parametrize("rotate", [False, True])
def test_fp8_llama(rotate):
    # The e4m3 module against the same module whose attention is float64 attention over the
    # dequantized e4m3 tensors (x8 * factor): the kernel's semantics, block factors for Q and
    # K (300 rows: the last block cut), per-head ones for V, with and without the rotation.
    torch.manual_seed(2)
    module = fp8_attention.LlamaAttentionFP8(hidden=256, rotate=rotate).to(DEVICE, DTYPE)

    def attn(q8, k8, v8, q_scale, k_scale, v_scale):
        q = q8.double().cpu() * q_scale.double().cpu()[..., None]
        k = k8.double().cpu() * k_scale.double().cpu()[..., None]
        v = v8.double().cpu() * v_scale.double().cpu()[:, :, None, None]
        return reference(q, k, v, mask_mod=lambda b, h, qi, ki: qi >= ki)[0].to(
            q8.device, torch.bfloat16)

    ref = copy.deepcopy(module)
    ref.attention = attn
    x = torch.randn(2, 300, 256, device=DEVICE, dtype=DTYPE)
    with torch.no_grad():
        out, want = module(x), ref(x)
    # Both sides round the attention output to bf16 (the kernel's output type); on the GPU the
    # FP8 wgmma also rounds P to e4m3.
    assert rel_l2(out, want) < FP8_TOLERANCE
