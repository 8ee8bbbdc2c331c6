"""A Gemma-2-style attention module on faattn (examples/gemma2.fa): soft-capped logits, and
layers alternating between a 4096-token sliding window (local) and full causal (global).

    python examples/gemma2_attention.py          # a small forward pass on the CPU path
    python examples/gemma2_attention.py --cuda   # on the GPU
"""
import os
import sys

import torch
from torch import nn

import faattn

SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gemma2.fa")


class Gemma2Attention(nn.Module):
    def __init__(self, layer_idx, hidden=3584, heads=16, kv_heads=8, head_dim=256):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, head_dim
        self.q_proj = nn.Linear(hidden, heads * head_dim, bias=False)
        self.k_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.v_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.o_proj = nn.Linear(heads * head_dim, hidden, bias=False)
        # Even layers are local (sliding window), odd layers global, as in Gemma 2.
        self.attention = faattn.compile(SPEC, "gemma2_local" if layer_idx % 2 == 0
                                        else "gemma2_global")

    def forward(self, x):
        b, s, _ = x.shape
        q = self.q_proj(x).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        # (RoPE as in examples/llama_attention.py, omitted here.)
        out = self.attention(q, k, v)
        return self.o_proj(out.transpose(1, 2).reshape(b, s, self.heads * self.head_dim))


def main():
    device = "cuda" if "--cuda" in sys.argv else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    torch.manual_seed(0)
    layers = nn.ModuleList([Gemma2Attention(i) for i in range(2)]).to(device, dtype)
    x = torch.randn(1, 64, 3584, device=device, dtype=dtype)
    with torch.no_grad():
        for layer in layers:
            x = x + torch.compile(layer, fullgraph=True, backend="aot_eager")(x)
    print(f"{[l.attention.name for l in layers]}: out {tuple(x.shape)} {x.dtype} on {x.device}, "
          f"norm {x.float().norm():.4f}")


if __name__ == "__main__":
    main()
