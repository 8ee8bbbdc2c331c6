"""A Llama-style attention module on faattn (examples/llama.fa).

    python examples/llama_attention.py          # a small forward pass on the CPU path
    python examples/llama_attention.py --cuda   # on the GPU

The projections and RoPE are PyTorch; the attention is one faattn kernel, called as
the torch op faattn::attention (torch.compile traces it without a graph break).
"""
import os
import sys

import torch
from torch import nn

import faattn

SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "llama.fa")


def rope(x, positions, theta=500000.0):
    """Rotary embeddings on (batch, heads, seq, head_dim), the rotate-half form."""
    d = x.shape[-1]
    inv = 1.0 / (theta ** (torch.arange(0, d, 2, device=x.device, dtype=torch.float32) / d))
    angles = positions.to(torch.float32)[:, None] * inv[None, :]  # (seq, d / 2)
    cos = torch.cat([angles.cos(), angles.cos()], -1).to(x.dtype)
    sin = torch.cat([angles.sin(), angles.sin()], -1).to(x.dtype)
    x1, x2 = x[..., : d // 2], x[..., d // 2:]
    return x * cos + torch.cat([-x2, x1], -1) * sin


class LlamaAttention(nn.Module):
    def __init__(self, hidden=4096, heads=32, kv_heads=8, head_dim=128, attention=None):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, head_dim
        self.q_proj = nn.Linear(hidden, heads * head_dim, bias=False)
        self.k_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.v_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.o_proj = nn.Linear(heads * head_dim, hidden, bias=False)
        # The compiled kernel (memory and disk caches: cheap to ask again).
        self.attention = attention or faattn.compile(SPEC)

    def qkv(self, x, positions=None):
        """q, k (with RoPE) and v as (b, h, s, d) tensors in bshd memory."""
        b, s, _ = x.shape
        positions = torch.arange(s, device=x.device) if positions is None else positions
        # (b, s, h, d) views passed heads first: the spec's bshd layout, no copy.
        q = self.q_proj(x).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        # RoPE returns contiguous (b, h, s, d) tensors: back to bshd memory for the kernel.
        q = rope(q, positions).transpose(1, 2).contiguous().transpose(1, 2)
        k = rope(k, positions).transpose(1, 2).contiguous().transpose(1, 2)
        return q, k, v

    def output(self, out):
        """o_proj of the attention's (b, heads, s, head_dim) output."""
        b, _, s, _ = out.shape
        return self.o_proj(out.transpose(1, 2).reshape(b, s, self.heads * self.head_dim))

    def forward(self, x, positions=None):
        q, k, v = self.qkv(x, positions)
        return self.output(self.attention(q, k, v))


def main():
    device = "cuda" if "--cuda" in sys.argv else "cpu"
    # The CPU path computes in f32 (and takes f32 tensors); the GPU runs the spec's bf16.
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    torch.manual_seed(0)
    layer = LlamaAttention().to(device, dtype)
    x = torch.randn(1, 64, 4096, device=device, dtype=dtype)
    with torch.no_grad():
        y = torch.compile(layer, fullgraph=True, backend="aot_eager")(x)
    print(f"{layer.attention!r}\nout {tuple(y.shape)} {y.dtype} on {y.device}, "
          f"norm {y.float().norm():.4f}")


if __name__ == "__main__":
    main()
