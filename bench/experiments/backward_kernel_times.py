"""One backward call of faattn's tensor-core backward at a shape, for ncu to time each of its
grids (NAME_pre, NAME, NAME_post) and whatever else the call launches (memsets, the runtime's
workspace zeroing): bench/experiments/backward-kernel-times.sh. bf16, --heads x --head-dim,
B = 16384 // S, causal or not; one warm-up call first, then the call ncu should look at.

  PYTHONPATH=python FAATTN_LIBRARY=.../libfaattn_c.so python3 backward_kernel_times.py --seq 1024
"""
import argparse

import torch

import faattn

ap = argparse.ArgumentParser()
ap.add_argument("--seq", type=int, default=1024)
ap.add_argument("--heads", type=int, default=16)
ap.add_argument("--head-dim", type=int, default=128)
ap.add_argument("--causal", action="store_true")
args = ap.parse_args()
S, H, D = args.seq, args.heads, args.head_dim
B = max(1, 16384 // S)
spec = (f"kernel bwdtime {{ heads = {H}; head_dim = {D}; dtype = bf16; layout = bhsd; backward"
        + ("; mask = causal" if args.causal else "") + " }")
attn = faattn.compile(spec)
q, k, v = (torch.randn(B, H, S, D, device="cuda", dtype=torch.bfloat16, requires_grad=True)
           for _ in range(3))
out = attn(q, k, v)
dout = torch.randn_like(out)
for _ in range(2):
    for x in (q, k, v):
        x.grad = None
    out.backward(dout, retain_graph=True)
torch.cuda.synchronize()
