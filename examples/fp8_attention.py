"""Llama-style attention in e4m3 on faattn (examples/fp8.fa; docs/FP8.md).

    python examples/fp8_attention.py            # on the CPU path
    python examples/fp8_attention.py --cuda     # on the GPU

The projections and RoPE run in the model's dtype; Q, K and V are then quantized to
e4m3 by faattn.quantize_e4m3 (Q and K per block of 128 rows, V per head), optionally after
the Hadamard rotation of Q and K (faattn.rotate_qk: FA3's incoherent processing, which
spreads outlier channels), and the kernel attends over the dequantized values.
"""
import os
import sys

import torch

import faattn
from llama_attention import LlamaAttention

SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fp8.fa")


class LlamaAttentionFP8(LlamaAttention):
    def __init__(self, *args, rotate=True, **kwargs):
        super().__init__(*args, attention=faattn.compile(SPEC, kernel="llama3_8b_fp8"), **kwargs)
        self.rotate = rotate

    def forward(self, x, positions=None):
        q, k, v = self.qkv(x, positions)
        if self.rotate:  # scores unchanged: (q R)(k R)^T = q k^T
            q, k = faattn.rotate_qk(q, k)
        q8, q_scale = faattn.quantize_e4m3(q, "block", block=128)
        k8, k_scale = faattn.quantize_e4m3(k, "block", block=128)
        v8, v_scale = faattn.quantize_e4m3(v, "head")
        out = self.attention(q8, k8, v8, q_scale=q_scale, k_scale=k_scale, v_scale=v_scale)
        return self.output(out.to(x.dtype))  # the kernel's output is bf16

def main():
    device = "cuda" if "--cuda" in sys.argv else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    torch.manual_seed(0)
    layer = LlamaAttentionFP8().to(device, dtype)
    exact = LlamaAttention(attention=faattn.compile(os.path.join(
        os.path.dirname(SPEC), "llama.fa"))).to(device, dtype)
    exact.load_state_dict(layer.state_dict())
    x = torch.randn(1, 300, 4096, device=device, dtype=dtype)
    with torch.no_grad():
        y, want = layer(x), exact(x)
    err = ((y.float() - want.float()).norm() / want.float().norm()).item()
    print(f"{layer.attention!r}\nout {tuple(y.shape)} {y.dtype} on {y.device}; relative L2 "
          f"against the {str(dtype).removeprefix('torch.')} kernel: {err:.4f}")


if __name__ == "__main__":
    main()
