"""The backward's peers in one run on one GPU: issue 22's grid and variants.

Times the backward alone (dq, dk, dv from a saved forward: `out.backward(dout)`, the grads
reset between calls, triton.testing.do_bench, median) of PyTorch's SDPA (cuDNN and flash
backends) and of the compiled FlexAttention, and writes one JSON with the device, date, commit
and one row per shape. faattn's column comes from its Python package (`faattn.compile` of the
row's spec with `backward`, the same autograd call `out.backward(dout)` as the peers'; the
tensor-core backward where it takes the head dim, else the SIMT one; the row's
`faattn_backward` names the environment's choices, FAATTN_BACKWARD_SIMT and the experimental
copies, not which build a head dim got) when the package and its library load (PYTHONPATH=python,
FAATTN_LIBRARY=.../libfaattn_c.so); otherwise the row says why it is empty. Issue 22's targets:
>= 1.0x cuDNN and 1.7x flash on the grid, >= 2.0x FlexAttention on the variants, learnable
ALiBi slopes within 1.15x of fixed ones (the ratios are in each row).
FLOP convention (FlashAttention): backward = 2.5 x the forward's 4 * B * H * S_q * S_kv * D,
halved when causal; the window counts the (q, kv) pairs it keeps.
"""
import argparse, datetime, json, os, sys

import torch
import torch.nn.functional as F

from common import (alibi_score, causal_mask, commit, document_ids, document_mask,
                    softcap_score, window_mask)
from torch.nn.attention import SDPBackend, sdpa_kernel
from triton.testing import do_bench

ap = argparse.ArgumentParser()
ap.add_argument("--out", required=True)
ap.add_argument("--parts", default="grid,variants", help="grid, variants")
args = ap.parse_args()
parts = set(args.parts.split(","))
dev = "cuda"
torch.manual_seed(0)

try:
    import faattn
    faattn_error = None
except Exception as e:  # no package or no library: the faattn column stays empty
    faattn, faattn_error = None, f"faattn did not load: {e}"

try:
    from torch.nn.attention.flex_attention import create_block_mask, flex_attention
    import torch._dynamo
    torch._dynamo.config.cache_size_limit = 64  # one compile per row (see bench.py)
    flex_compiled = torch.compile(flex_attention, dynamic=False)
except Exception:  # an older PyTorch
    flex_compiled = None


def backward_ms(forward, inputs):
    """Median ms of the backward alone: one forward kept, its graph retained, then
    out.backward(dout) timed with the inputs' grads reset before each call."""
    try:
        out = forward()
        dout = torch.randn_like(out)
        fn = lambda: out.backward(dout, retain_graph=True)
        fn()
        torch.cuda.synchronize()
        return do_bench(fn, warmup=10, rep=50, grad_to_none=inputs, return_mode="median")
    except Exception as e:  # a backend that refuses the shape
        print(f"backward failed: {e}", file=sys.stderr)
        return None


def leaf(B, H, S, D):
    return torch.randn(B, H, S, D, device=dev, dtype=torch.bfloat16, requires_grad=True)


def faattn_spec(H, D, causal, body=""):
    """The row's kernel with its backward, laid out as the leaves (B, H, S, D)."""
    return (f"kernel t {{ heads = {H}; head_dim = {D}; dtype = bf16; layout = bhsd; backward"
            + ("; mask = causal" if causal and "mask" not in body else "")
            + (f"\n{body}\n" if body else " ") + "}")


def faattn_column(spec, fwd_params, inputs):
    """faattn's backward (ms, build, error) through its autograd op."""
    if faattn is None:
        return None, None, faattn_error
    try:
        attn = faattn.compile(spec)
    except Exception as e:
        return None, None, f"compile failed: {e}"
    q, k, v = inputs[:3]
    ms = backward_ms(lambda: attn(q, k, v, **fwd_params), inputs)
    build = ("simt" if os.environ.get("FAATTN_BACKWARD_SIMT") == "1" else "default")
    if build != "simt" and os.environ.get("FAATTN_EXPERIMENTAL_BACKWARD_COPY_BATCH"):
        build += "-copy" + os.environ["FAATTN_EXPERIMENTAL_BACKWARD_COPY_BATCH"]
    if build != "simt" and os.environ.get("FAATTN_BACKWARD_COPY_REGISTERS") == "1":
        build += "-copyregs"
    if build != "simt" and os.environ.get("FAATTN_EXPERIMENTAL_BACKWARD_COPY_PREFETCH") == "1":
        build += "-prefetch"
    if build != "simt" and os.environ.get("FAATTN_BACKWARD_ONE_WARPGROUP") == "1":
        build += "-one-warpgroup"  # no key split (PERFORMANCE step 67)
    return ms, build, None if ms else "the backward failed (stderr)"


def row(name, D, S, causal, flex_mask=None, flex_score=None, sdpa=True, window=None,
        learnable=None, spec_body="", params=None):
    H = 2048 // D
    B = max(1, 16384 // S)
    pairs = S * S / (2 if causal else 1)
    if window:
        pairs = sum(min(i + 1, window) for i in range(S))
    flops = 2.5 * 4 * B * H * pairs * D
    q, k, v = leaf(B, H, S, D), leaf(B, H, S, D), leaf(B, H, S, D)
    inputs = [q, k, v] + list(learnable or [])
    peers = {}
    if sdpa:
        for peer, be in (("sdpa_cudnn", SDPBackend.CUDNN_ATTENTION),
                         ("sdpa_flash", SDPBackend.FLASH_ATTENTION)):
            def fwd(be=be):
                with sdpa_kernel([be]):
                    return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
            t = backward_ms(fwd, inputs)
            peers[peer] = {"ms": t, "tflops": flops / t / 1e9 if t else None}
    if flex_compiled is not None and (flex_mask or flex_score):
        torch._dynamo.reset()
        bm = create_block_mask(flex_mask, None, None, S, S, device=dev) if flex_mask else None
        t = backward_ms(lambda: flex_compiled(q, k, v, score_mod=flex_score, block_mask=bm),
                        inputs)
        peers["flex"] = {"ms": t, "tflops": flops / t / 1e9 if t else None}
    ms, build, error = faattn_column(faattn_spec(H, D, causal, spec_body), params or {}, inputs)
    r = {"spec": name, "mode": "backward", "dtype": "bf16", "B": B, "H": H, "H_kv": H, "S_q": S,
         "S_kv": S, "D": D, "causal": causal, "learnable": bool(learnable),
         "faattn": {"ms": ms, "tflops": flops / ms / 1e9 if ms else None, "error": error},
         "faattn_backward": build, "peers": peers}
    for peer in ("sdpa_cudnn", "sdpa_flash", "flex"):
        if ms and peers.get(peer, {}).get("ms"):
            r[f"ratio_vs_{peer}"] = peers[peer]["ms"] / ms
    print(json.dumps(r), flush=True)
    rows.append(r)
    del q, k, v
    torch.cuda.empty_cache()


rows = []
if "grid" in parts:
    # Issue 22's grid: bf16, 16k tokens, hidden 2048 (FlexAttention too, causal rows only
    # through its block mask, plain rows with an identity score_mod).
    for D in (64, 128, 256):
        for S in (1024, 4096, 16384):
            for causal in (False, True):
                row(f"g{D}{'c' if causal else ''}", D, S, causal,
                    causal_mask if causal else None,
                    None if causal else (lambda s, b, h, i, j: s))

if "variants" in parts:
    # The variants at head_dim 128 against FlexAttention's backward.
    slopes = torch.rand(16, device=dev) * 0.99 + 0.01
    learnt = slopes.clone().requires_grad_(True)

    for S in (4096, 16384):
        doc = document_ids(S, dev)  # the ids bench.py's forward rows use
        # faattn's specs are bench/grid.fa's variants (the peers' mods in common.py).
        alibi = "score = score - slopes[h] * (q_idx - kv_idx)"
        row("window1024", 128, S, False, window_mask, sdpa=False, window=1024,
            spec_body="mask = window(1023, 0)")
        row("alibi", 128, S, True, causal_mask, alibi_score(slopes), sdpa=False,
            spec_body="param slopes : f32[heads]\n" + alibi, params={"slopes": slopes})
        row("alibi_learnt", 128, S, True, causal_mask, alibi_score(learnt), sdpa=False,
            learnable=[learnt], spec_body="param slopes : f32[heads] requires_grad\n" + alibi,
            params={"slopes": learnt})
        row("softcap", 128, S, True, causal_mask, softcap_score, sdpa=False,
            spec_body="score = 50.0 * tanh(score / 50.0)")
        row("document", 128, S, True, document_mask(doc), sdpa=False,
            spec_body="param doc : i32[seq]\nmask = doc[q_idx] == doc[kv_idx] && q_idx >= kv_idx",
            params={"doc": doc})

out = {"device": torch.cuda.get_device_name(), "date": datetime.date.today().isoformat(),
       "commit": commit(), "torch": torch.__version__,
       "rows": rows}
json.dump(out, open(args.out, "w"), indent=1)
print(f"wrote {args.out}: {len(rows)} rows")
