"""How much accuracy e4m3 attention loses, by scale granularity, before the kernels exist.

Issue 24 (FP8 forward) and issue 23 item 5 (an e4m3 KV cache) choose how inputs are scaled
into e4m3: per tensor, per (batch, head), per block (FA3's: one scale per 128 Q rows and per
KV block), per page (a paged KV cache), with or without a Hadamard rotation of Q and K along
the head dim (FA3's incoherent processing: Q K^T is unchanged, outlier channels are spread).
This script simulates the arithmetic the planned kernels do, on the CPU in float64 except for
the e4m3 roundings themselves (torch's float8_e4m3fn: round to nearest even, saturating at
448):

  Q, K, V  -> e4m3 with their scales (amax / 448 over each scale's group)
  S        =  (Q_deq K_deq^T) * softmax scale      (the kernels: exact e4m3 products, f32 sums)
  P        =  exp(S - rowmax(S)), in [0, 1] (f32 in the kernels; f64 here), l = rowsum(P)
  P        -> e4m3 for the second product: unscaled (e4m3's normals reach down to 2^-6, its
              subnormals to 2^-9), or scaled by 448 (P's largest value, 1, to e4m3's largest)
              and descaled with 1 / l
  O        =  (P_deq V_deq) / l

and reports relative L2 and RMSE of O against float64 attention on the unquantized inputs,
with bf16 inputs (the bf16 kernels' storage) as the baseline. Two input kinds: standard
normal, and "outliers" (4 of the head dim's channels of Q and K 20x larger, one of V's 10x, as
real activations have, with Q then scaled so that the scores' spread is the normal inputs'
(std 1)). Each figure is the largest over 3 seeds. Deterministic (fixed seeds).

  python bench/experiments/fp8_accuracy.py --out bench/results/DATE-cpu-fp8-accuracy.json

The kernels' own errors (f32 accumulation order, exp2 on the SFU) add to these; the test
thresholds are set from the kernels' measured errors on the GPU, these figures bound what the
scale choice alone costs.
"""
import argparse
import datetime
import json
import math
import subprocess

import torch

E4M3_MAX = 448.0
F8 = torch.float8_e4m3fn


def q8(x, scale):
    """x rounded to e4m3 with `scale` (broadcast): the dequantized value."""
    return (x / scale).to(F8).to(torch.float64) * scale


def amax_scale(x, dims):
    """amax / 448 over `dims` (kept), never 0."""
    a = x.abs().amax(dim=dims, keepdim=True)
    return torch.where(a > 0, a / E4M3_MAX, torch.ones_like(a))


def blocked_scale(x, rows, seq_dim=2):
    """One scale per `rows` consecutive rows of each (batch, head): FA3's blocks / pages."""
    B, H, S, D = x.shape
    n = math.ceil(S / rows)
    pad = torch.zeros(B, H, n * rows - S, D, dtype=x.dtype)
    blocks = torch.cat([x, pad], dim=seq_dim).view(B, H, n, rows, D)
    s = amax_scale(blocks, (3, 4)).expand(B, H, n, rows, 1).reshape(B, H, n * rows, 1)
    return s[:, :, :S]


def quantize(x, granularity, rows):
    if granularity == "tensor":
        return q8(x, amax_scale(x, (0, 1, 2, 3)))
    if granularity == "head":
        return q8(x, amax_scale(x, (2, 3)))
    if granularity == "block":
        return q8(x, blocked_scale(x, rows))
    raise ValueError(granularity)


def hadamard(d, gen):
    """A random-sign normalized Hadamard matrix (d a power of two): orthogonal."""
    h = torch.ones(1, 1, dtype=torch.float64)
    while h.shape[0] < d:
        h = torch.cat([torch.cat([h, h], 1), torch.cat([h, -h], 1)], 0)
    signs = torch.randint(0, 2, (d,), generator=gen).to(torch.float64) * 2 - 1
    return (h * signs) / math.sqrt(d)


def attention(q, k, v, causal, p_quant=None):
    s = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
    if causal:
        sq, skv = s.shape[-2:]
        keep = torch.arange(sq).view(-1, 1) + (skv - sq) >= torch.arange(skv).view(1, -1)
        s = s.masked_fill(~keep, -math.inf)
    # The kernels' P: exp(s - m) with m the row max (so at most 1; the online softmax's
    # running max is at most the row max, which makes this the smallest P, the worst case),
    # its row sum l in f32, the division by l after the second product.
    p = torch.exp(s - s.amax(dim=-1, keepdim=True))
    l = p.sum(dim=-1, keepdim=True)
    if p_quant == "unscaled":
        p = p.to(F8).to(torch.float64)
    elif p_quant == "scaled":
        p = q8(p, torch.full_like(p[..., :1], 1.0 / E4M3_MAX))
    return (p @ v) / l


def inputs(kind, B, H, SQ, SKV, D, seed):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(B, H, SQ, D, generator=g, dtype=torch.float64)
    k = torch.randn(B, H, SKV, D, generator=g, dtype=torch.float64)
    v = torch.randn(B, H, SKV, D, generator=g, dtype=torch.float64)
    if kind == "outliers":
        ch = torch.randperm(D, generator=g)[:4]
        q[..., ch] *= 20.0
        k[..., ch] *= 20.0
        v[..., ch[:1]] *= 10.0
        # The scores kept as soft as the normal inputs' (std 1): outlier channels set the
        # quantization's amax, not a near-argmax softmax that any rounding would flip.
        std = ((q[..., :256, :] @ k[..., :256, :].transpose(-1, -2)) / math.sqrt(D)).std()
        q /= std
    return q, k, v, g


def errors(got, want):
    d = got - want
    return {"rel_l2": (d.norm() / want.norm()).item(), "rmse": d.pow(2).mean().sqrt().item()}


def forward_study(B, H, S, D, seeds):
    """Issue 24: Q, K, V all in e4m3."""
    rows = []
    for kind in ("normal", "outliers"):
        for causal in (False, True):
            acc = {}
            for seed in seeds:
                q, k, v, g = inputs(kind, B, H, S, S, D, seed)
                want = attention(q, k, v, causal)
                bf = attention(*(x.to(torch.bfloat16).to(torch.float64) for x in (q, k, v)), causal)
                acc.setdefault(("bf16 inputs", "-", "-", "none"), []).append(errors(bf, want))
                rot = hadamard(D, g)
                for hadam in (False, True):
                    qq, kk = (q @ rot, k @ rot) if hadam else (q, k)
                    for gran in ("tensor", "head", "block"):
                        q8_, k8_, v8_ = (quantize(x, gran, 128) for x in (qq, kk, v))
                        # What the tests will compare with: float64 on the dequantized
                        # inputs (then only P's rounding and the kernel's own arithmetic differ).
                        deq = attention(q8_, k8_, v8_, causal)
                        for pq in ("unscaled", "scaled"):
                            got = attention(q8_, k8_, v8_, causal, pq)
                            key = ("e4m3 Q K V", gran, "yes" if hadam else "no", pq)
                            e = errors(got, want)
                            e["rel_l2_vs_dequantized"] = errors(got, deq)["rel_l2"]
                            acc.setdefault(key, []).append(e)
            for (what, gran, hadam, pq), errs in acc.items():
                r = {"study": "forward", "inputs": kind, "causal": causal, "what": what,
                     "scales": gran, "hadamard": hadam, "p": pq,
                     "rel_l2": max(e["rel_l2"] for e in errs),
                     "rmse": max(e["rmse"] for e in errs)}
                if "rel_l2_vs_dequantized" in errs[0]:
                    r["rel_l2_vs_dequantized"] = max(e["rel_l2_vs_dequantized"] for e in errs)
                rows.append(r)
    return rows


def kv_cache_study(B, H, SQ, SKV, D, seeds):
    """Issue 23 item 5: Q in bf16, K and V in e4m3 (P stays in f32: the second product's
    operands are P and the dequantized V), per head or per page of 16 or 64 rows."""
    rows = []
    for kind in ("normal", "outliers"):
        acc = {}
        for seed in seeds:
            q, k, v, _ = inputs(kind, B, H, SQ, SKV, D, seed)
            want = attention(q, k, v, True)
            qb = q.to(torch.bfloat16).to(torch.float64)
            kb, vb = (x.to(torch.bfloat16).to(torch.float64) for x in (k, v))
            acc.setdefault(("bf16 K V", "-"), []).append(errors(attention(qb, kb, vb, True), want))
            for gran, rows_ in (("head", 0), ("page 64", 64), ("page 16", 16)):
                if gran == "head":
                    k8_, v8_ = quantize(k, "head", 0), quantize(v, "head", 0)
                else:
                    k8_, v8_ = quantize(k, "block", rows_), quantize(v, "block", rows_)
                acc.setdefault(("e4m3 K V", gran), []).append(
                    errors(attention(qb, k8_, v8_, True), want))
        for (what, gran), errs in acc.items():
            rows.append({"study": "kv_cache", "inputs": kind, "causal": True, "what": what,
                         "scales": gran, "rel_l2": max(e["rel_l2"] for e in errs),
                         "rmse": max(e["rmse"] for e in errs)})
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(2)
    seeds = (0, 1, 2)
    rows = forward_study(1, 4, 1024, 128, seeds)
    # Decode with a few new tokens (seq_q 16) against a 4k cache.
    rows += kv_cache_study(2, 8, 16, 4096, 128, seeds)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    doc = {"device": "CPU (simulation: float64 with e4m3 roundings)",
           "date": datetime.date.today().isoformat(), "commit": commit,
           "torch": torch.__version__, "seeds": list(seeds),
           "shapes": {"forward": "B=1 H=4 S=1024 D=128", "kv_cache": "B=2 H=8 SQ=16 SKV=4096 D=128"},
           "rows": rows}
    json.dump(doc, open(args.out, "w"), indent=1)
    for r in rows:
        print(f"{r['study']:8} {r['inputs']:8} causal={int(r['causal'])} {r['what']:12} "
              f"{r['scales']:8} hadamard={r.get('hadamard', '-'):3} p={r.get('p', '-'):8} "
              f"rel_l2={r['rel_l2']:.2e} rmse={r['rmse']:.2e}"
              + (f" vs_deq={r['rel_l2_vs_dequantized']:.2e}" if "rel_l2_vs_dequantized" in r
                 else ""))


if __name__ == "__main__":
    main()
