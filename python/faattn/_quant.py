"""e4m3 inputs for faattn's FP8 kernels: quantization with a chosen scale
granularity, and the Hadamard rotation of Q and K (FA3's incoherent processing).

A kernel with `dtype = e4m3` attends over q * q_descale, k * k_descale and
v * v_descale, each factor an expression of the spec over its params
(docs/spec-language.md, section 4). quantize_e4m3 returns the e4m3 tensor and
the factors in the param shapes those expressions read:

    granularity   descale shape            spec
    "tensor"      ()                       param s : f32;                          q_descale = s
    "head"        (batch, heads)           param s : f32[batch, heads];            q_descale = s[b, h]
    "block"       (batch, heads, seq)      param s : f32[batch, heads, seq_q];     q_descale = s[b, h, q_idx]
    "row"         (batch, heads, seq)      as "block" with block = 1

For K and V use kv_heads and seq_kv in the declarations (k_descale = s[b, h / G]
or s[b, h / G, kv_idx] with G = heads / kv_heads). A block-quantized tensor
(one factor per `block` rows, FA3's block quantization with 128) stores its
block's factor in each of the block's rows, so that the kernel reads it by row.

Everything runs as torch operations on the input's device (CPU or CUDA).
"""
import math

import torch

__all__ = ["E4M3_MAX", "quantize_e4m3", "hadamard_rotation", "rotate_qk"]

E4M3_MAX = 448.0  # the largest finite e4m3 (E4M3FN) magnitude

_GRANULARITIES = ("tensor", "head", "block", "row")


def _check_4d(name, x):
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or not x.is_floating_point():
        raise ValueError(f"{name} must be a 4-D floating-point tensor (batch, heads, seq, "
                         f"head_dim), got {getattr(x, 'shape', type(x).__name__)}")


def quantize_e4m3(x, granularity="block", block=128):
    """(x8, descale) with x ~= x8 * descale: x (batch, heads, seq, head_dim)
    in any float dtype; x8 in torch.float8_e4m3fn, x's shape and memory order
    (a bshd view of a projection stays one, as a kernel of layout bshd reads it);
    descale float32 in the shape of the table above.

    Each group's factor is amax(|x|) / 448, so that its largest magnitude
    maps to +-448 exactly (1 for a group of zeros). A NaN in a group makes its
    factor NaN, and so every element of the group and the kernel's results
    that read it: NaN is never hidden. An infinite input gives an infinite
    factor and NaN elements (inf / inf), likewise."""
    _check_4d("x", x)
    if granularity not in _GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(_GRANULARITIES)}, "
                         f"got {granularity!r}")
    if granularity == "row":
        granularity, block = "block", 1
    if not isinstance(block, int) or block < 1:
        raise ValueError(f"block must be a positive int, got {block!r}")
    xf = x.float()
    B, H, S, D = xf.shape
    if granularity == "tensor":
        amax = _amax(xf.reshape(-1), dim=0)
    elif granularity == "head":
        amax = _amax(xf.reshape(B, H, S * D), dim=2)
    else:
        nblk = max(1, math.ceil(S / block))
        pad = nblk * block - S
        # Padding rows of zeros do not change a block's amax.
        xp = torch.nn.functional.pad(xf, (0, 0, 0, pad)) if pad else xf
        amax = _amax(xp.reshape(B, H, nblk, block * D), dim=3)
    # The smallest normal f32 as a floor: amax / 448 of a group of denormals would round to 0
    # (a zero element's 0 / 0 would be NaN; non-zero x / 0 saturates at +-448 below); a NaN
    # amax stays NaN (clamp keeps it).
    # A tensor divisor, not the number: PyTorch's CUDA division by a Python scalar multiplies
    # by its reciprocal (1 / 448 is inexact: a factor an ulp off), while the CPU and the
    # C++ quantizer divide; amax / 448 correctly rounded everywhere.
    scale = (amax / torch.full_like(amax, E4M3_MAX)).clamp_min(torch.finfo(torch.float32).tiny)
    scale = torch.where(amax == 0, torch.ones_like(scale), scale)
    if granularity == "tensor":
        per_elem = scale
    elif granularity == "head":
        per_elem = scale.view(B, H, 1, 1)
    else:
        scale = scale.repeat_interleave(block, dim=2)[:, :, :S]
        per_elem = scale.unsqueeze(-1)
    y = (xf / per_elem).clamp(-E4M3_MAX, E4M3_MAX)  # clamp keeps NaN
    return _like(x, y, torch.float8_e4m3fn), scale.contiguous()


def _like(x, y, dtype):
    """y in dtype and x's memory order (a bshd view stays one, as a kernel of layout
    bshd reads it; torch's own ops may not keep it, e.g. with a batch of 1)."""
    out = torch.empty_like(x, dtype=dtype, memory_format=torch.preserve_format)
    return out.copy_(y)


def _amax(t, dim):
    # torch.amax propagates NaN: a group with a NaN gets a NaN factor.
    return t.abs().amax(dim=dim)


def hadamard_rotation(head_dim, seed=0, device=None):
    """An orthogonal (head_dim, head_dim) float32 matrix R = diag(signs) H / sqrt(n) per
    block: H the Sylvester Hadamard matrix of the largest power of two n dividing
    head_dim (block-diagonal when head_dim is not a power of two), signs random +-1
    from `seed`. (q R)(k R)^T = q k^T, while an outlier channel is spread over n."""
    if not isinstance(head_dim, int) or head_dim < 1:
        raise ValueError(f"head_dim must be a positive int, got {head_dim!r}")
    n = head_dim & -head_dim  # the largest power of two dividing head_dim
    h = torch.ones(1, 1)
    while h.shape[0] < n:
        h = torch.cat([torch.cat([h, h], 1), torch.cat([h, -h], 1)], 0)
    h = h / math.sqrt(n)
    r = torch.block_diag(*([h] * (head_dim // n)))
    g = torch.Generator().manual_seed(seed)
    signs = torch.randint(0, 2, (head_dim,), generator=g).float() * 2 - 1
    return (signs.unsqueeze(1) * r).to(device)


def rotate_qk(q, k, seed=0):
    """q R and k R in float32 and the inputs' memory order (R = hadamard_rotation(head_dim,
    seed)): scores unchanged,
    outlier channels spread before quantization (FA3's incoherent processing). V is not
    rotated. Quantize the results with quantize_e4m3."""
    _check_4d("q", q)
    _check_4d("k", k)
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must have the same head_dim, got {q.shape[-1]} and "
                         f"{k.shape[-1]}")
    r = hadamard_rotation(q.shape[-1], seed, q.device)
    return _like(q, q.float() @ r, torch.float32), _like(k, k.float() @ r, torch.float32)
