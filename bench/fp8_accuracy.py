"""FP8 (e4m3) attention error by scale granularity, with and without the Hadamard
rotation of Q and K (issue 24, item 4).

For each input distribution and each (granularity, rotation), Q, K and V (f32,
(batch, heads, seq, head_dim)) are quantized with faattn.quantize_e4m3 (blocks of
128 rows), run through an e4m3 kernel that reads the factors as params, and the
bf16 output is compared with float64 attention of the original f32 inputs:
RMSE and relative L2. The kernel is faattn's CPU path (f32 arithmetic, P kept in
f32), so the figures are the error of quantizing the inputs; a tensor-core FP8
kernel adds the rounding of P to e4m3 on top.

    python3 bench/fp8_accuracy.py [--device cpu|cuda] [--seq N] [--out FILE.json]
"""
import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys

import torch

import faattn

SPEC = """
kernel fp8_{g} {{
  heads = {h}; head_dim = {d}; dtype = e4m3
  param qs : f32{shape}
  param ks : f32{shape}
  param vs : f32{shape}
  q_descale = {qr}
  k_descale = {kr}
  v_descale = {vr}
}}"""
# An e4m3 KV cache under a bf16 Q (kv_dtype): K and V factors per (batch, head) or per row
# (a page of 1 row: the finest a paged cache can keep).
KV_SPEC = """
kernel kv8_{g} {{
  heads = {h}; head_dim = {d}; dtype = bf16; kv_dtype = e4m3
  param ks : f32{shape}
  param vs : f32{shape}
  k_descale = {kr}
  v_descale = {vr}
}}"""
KV_FORMS = {
    "head": ("[batch, heads]", "ks[b, h]", "vs[b, h]"),
    "row": ("[batch, heads, seq_kv]", "ks[b, h, kv_idx]", "vs[b, h, kv_idx]"),
}
FORMS = {
    "tensor": ("", "qs", "ks", "vs"),
    "head": ("[batch, heads]", "qs[b, h]", "ks[b, h]", "vs[b, h]"),
    "block": ("[batch, heads, seq]", "qs[b, h, q_idx]", "ks[b, h, kv_idx]", "vs[b, h, kv_idx]"),
}


def inputs(kind, b, h, s, d, gen):
    """(q, k, v) as bshd views, f32."""
    def randn():
        return torch.randn(b, s, h, d, generator=gen).transpose(1, 2)
    q, k, v = randn(), randn(), randn()
    if kind == "outlier_channels":
        # A few large channels, as LLM activations have (LLM.int8(), SmoothQuant): 4 of d
        # channels 20x, in Q and K alike; V left normal.
        ch = torch.randperm(d, generator=gen)[:4]
        q[..., ch] *= 20
        k[..., ch] *= 20
    elif kind == "outlier_tokens":
        # A few tokens with large activations across every channel (attention sinks):
        # 1 in 256 rows 30x.
        rows = torch.arange(0, s, 256)
        q[:, :, rows] *= 30
        k[:, :, rows] *= 30
    return q, k, v


def reference(q, k, v, scale):
    q, k, v = q.double(), k.double(), v.double()
    p = torch.softmax((q @ k.transpose(-1, -2)) * scale, dim=-1)
    return p @ v


def errors(out, want):
    """RMSE and relative L2 of the kernel's output against the float64 reference."""
    diff = out.double().cpu() - want
    return {"rmse": diff.pow(2).mean().sqrt().item(),
            "rel_l2": (diff.norm() / want.norm()).item()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seq", type=int, default=1024)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--head-dim", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out")
    a = ap.parse_args()
    b, h, s, d = 1, a.heads, a.seq, a.head_dim
    scale = 1 / math.sqrt(d)
    kernels = {g: faattn.compile(SPEC.format(g=g, h=h, d=d, shape=f[0], qr=f[1], kr=f[2],
                                             vr=f[3]))
               for g, f in FORMS.items()}
    kv_kernels = {g: faattn.compile(KV_SPEC.format(g=g, h=h, d=d, shape=f[0], kr=f[1], vr=f[2]))
                  for g, f in KV_FORMS.items()}
    rows = []
    for kind in ("normal", "outlier_channels", "outlier_tokens"):
        gen = torch.Generator().manual_seed(a.seed)
        q, k, v = inputs(kind, b, h, s, d, gen)
        want = reference(q, k, v, scale)
        for rotate in (False, True):
            qq, kk = faattn.rotate_qk(q, k, seed=a.seed) if rotate else (q, k)
            for g, kern in kernels.items():
                (q8, qs), (k8, ks), (v8, vs) = (faattn.quantize_e4m3(t, g) for t in (qq, kk, v))
                dev = lambda t: t.to(a.device)  # noqa: E731
                out = kern(dev(q8), dev(k8), dev(v8), qs=dev(qs), ks=dev(ks), vs=dev(vs))
                row = {"inputs": kind, "granularity": g, "hadamard": rotate,
                       **errors(out, want)}
                rows.append(row)
                print(f"{kind:17s} {g:6s} hadamard={str(rotate):5s} rmse={row['rmse']:.3e} "
                      f"rel_l2={row['rel_l2']:.3e}", flush=True)
        # The e4m3 KV cache: Q stays bf16, K and V in e4m3 (no rotation: Q is not quantized).
        for g, kern in kv_kernels.items():
            (k8, ks), (v8, vs) = (faattn.quantize_e4m3(t, g) for t in (k, v))
            dev = lambda t: t.to(a.device)  # noqa: E731
            qb = q.to(torch.bfloat16)
            want_b = reference(qb.float(), k, v, scale)  # the bf16 Q is the kernel's input
            out = kern(dev(qb), dev(k8), dev(v8), ks=dev(ks), vs=dev(vs))
            row = {"inputs": kind, "granularity": g, "kv_cache": True, **errors(out, want_b)}
            rows.append(row)
            print(f"{kind:17s} kv-cache {g:4s} rmse={row['rmse']:.3e} "
                  f"rel_l2={row['rel_l2']:.3e}", flush=True)
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    result = {
        "benchmark": "fp8_accuracy", "date": datetime.date.today().isoformat(),
        "commit": commit, "device": a.device if a.device == "cpu" else
        torch.cuda.get_device_name(), "host": platform.node(),
        "shape": {"batch": b, "heads": h, "seq": s, "head_dim": d}, "block": 128,
        "kernel": "faattn e4m3 with q/k/v_descale params; " +
                  ("CPU path (f32 arithmetic)" if a.device == "cpu" else "GPU"),
        "reference": "float64 attention of the unquantized f32 inputs (kv_cache rows: of the "
                     "bf16-rounded Q, the kernel's input, and the unquantized K and V)",
        "rows": rows,
    }
    if a.out:
        os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
        with open(a.out, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
