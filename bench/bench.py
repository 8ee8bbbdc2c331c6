"""faattn and its peers in one run on one GPU.

Times faattn's kernels (faattn-bench = faattn-run --gpu --bench: CUDA events, median, inputs
rotated beyond L2) and PyTorch's SDPA (cuDNN and flash backends) and FlexAttention
(torch.compile'd, triton.testing.do_bench, median) on the same shapes, and writes one JSON with the device, date, commit, ceilings and one row per shape.
FLOP convention (FlashAttention): fwd = 4 * B * H * S_q * S_kv * D, halved when causal.
"""
import argparse, datetime, json, math, os, re, struct, subprocess, sys, tempfile

import torch
import torch.nn.functional as F

from common import (alibi_score, causal_mask, commit, document_ids, document_mask,
                    softcap_score, window_mask)
from torch.nn.attention import SDPBackend, sdpa_kernel
from triton.testing import do_bench

ap = argparse.ArgumentParser()
ap.add_argument("--faattn-run", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--iters", type=int, default=20)
ap.add_argument("--grid-flex", action="store_true",
                help="also time FlexAttention on the grid rows (the Hopper issue compares the grid "
                     "with SDPA only; each Flex row costs a torch.compile)")
ap.add_argument("--parts", default="grid,variants,decode",
                help="which rows: grid (the Hopper issue's grid), headdims (head dims 32, 80, "
                     "96, 112, 160, 192 at 16k tokens), paddeddims (40, 72, 104: multiples of 8 "
                     "padded to 16, FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1), variants (vs "
                     "FlexAttention), decode, "
                     "decode_e4m3 (an e4m3 KV cache, beside decode's bf16 rows), fp8 (e4m3 Q, "
                     "K, V: bench/fp8-grid.fa's grid beside the bf16 grid kernels)")
ap.add_argument("--faattn-spec", default="bench/grid.fa",
                help="the spec file of faattn's grid and variant kernels (the same kernel names "
                     "as bench/grid.fa: an A/B of a tuning key over every row)")
ap.add_argument("--fp8-spec", default="bench/fp8-grid.fa",
                help="the spec file of the fp8 part's e4m3 kernels (bench/fp8-grid.fa's names: "
                     "an A/B of a tuning key, such as the schedule, over the fp8 grid)")
ap.add_argument("--fp8-seqs", default="1024,4096,16384",
                help="the fp8 part's sequence lengths (comma-separated)")
ap.add_argument("--specs", default="",
                help="only the rows of these specs (comma-separated names: g128c,document); all "
                     "rows of the chosen parts when empty")
args = ap.parse_args()
parts = set(args.parts.split(","))
only_specs = set(filter(None, args.specs.split(",")))

dev = "cuda"
torch.manual_seed(0)


def ceilings():
    a = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
    b = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
    ms = do_bench(lambda: a @ b, warmup=50, rep=300, return_mode="median")
    x = torch.empty(2 * 1024**3, device=dev, dtype=torch.uint8)
    y = torch.empty_like(x)
    ms2 = do_bench(lambda: y.copy_(x), warmup=20, rep=200, return_mode="median")
    return {"bf16_gemm_tflops": 2 * 8192**3 / ms / 1e9, "copy_tbps": 2 * x.numel() / ms2 / 1e9}


last_stdout = ""


def faattn_ms(spec, kernel, B, S, S_kv=None, params=None, extra=()):
    """Median ms of faattn's kernel from faattn-run --gpu --bench (it also checks numerics).
    params: name -> tensor (int32 or float32), handed over with --param NAME=FILE so that
    faattn sees the values the peers see (document ids, slopes). extra: more faattn-run
    options (--bench-graph: its graph_median is then in last_stdout)."""
    S_kv = S if S_kv is None else S_kv
    cmd = [args.faattn_run, "--gpu", spec, f"--kernel={kernel}", f"--shape=b={B},seq_q={S},seq_kv={S_kv}",
           f"--bench={args.iters}", "--uniform-lengths", *extra]
    with tempfile.TemporaryDirectory() as tmp:
        for name, t in (params or {}).items():
            path = os.path.join(tmp, name)
            values = t.detach().flatten().tolist()
            with open(path, "wb") as f:
                f.write(struct.pack(f"<{len(values)}{'i' if t.dtype == torch.int32 else 'f'}", *values))
            cmd.append(f"--param={name}={path}")
        p = subprocess.run(cmd, capture_output=True, text=True)
    global last_stdout
    last_stdout = p.stdout
    m = re.search(r"rel_l2=(\S+).*? median=(\S+) ms", p.stdout)
    if not m:
        return None, None, (p.stdout + p.stderr)[-300:]
    return float(m[2]), float(m[1]), None


def peer_ms(fn):
    try:
        fn()
        torch.cuda.synchronize()
        return do_bench(fn, warmup=10, rep=50, return_mode="median")
    except Exception as e:  # a backend that refuses the shape
        return None


try:
    from torch.nn.attention.flex_attention import create_block_mask, flex_attention
    import torch._dynamo
    # One compile per row (shape, mask, score): above dynamo's default cache limit (8)
    # torch.compile falls back to the unfused eager flex_attention, 20-50x slower, which
    # is not FlexAttention's speed. Each row resets dynamo and compiles afresh.
    torch._dynamo.config.cache_size_limit = 64
    flex_compiled = torch.compile(flex_attention, dynamic=False)
except Exception:  # an older PyTorch
    flex_compiled = None


def flex_ms(q, k, v, mask_mod=None, score_mod=None):
    """FlexAttention (compiled) with a block mask from mask_mod and/or a score_mod."""
    if flex_compiled is None:
        return None
    try:
        torch._dynamo.reset()
        S = q.shape[2]
        bm = create_block_mask(mask_mod, None, None, S, S, device=dev) if mask_mod else None
        return peer_ms(lambda: flex_compiled(q, k, v, score_mod=score_mod, block_mask=bm))
    except Exception as e:
        print(f"flex failed: {e}", file=sys.stderr)
        return None


def forward_row(kernel, D, S, causal, flex_mask, flex_score=None, sdpa=True, window=None, flex=True,
                params=None):
    """One forward row: faattn (bench/grid.fa), SDPA cuDNN + flash (plain and causal shapes
    only), FlexAttention. FLOPs: FlashAttention's convention (halved when causal); a sliding
    window counts the (q, kv) pairs it keeps."""
    if only_specs and kernel not in only_specs:
        return
    H = 2048 // D  # g80: 25 heads (the spec's), hidden 2000
    B = max(1, 16384 // S)
    flops = 4 * B * H * S * S * D / (2 if causal else 1)
    if window:
        pairs = sum(min(i + 1, window) for i in range(S))
        flops = 4 * B * H * pairs * D
    ms, err, failure = faattn_ms(args.faattn_spec, kernel, B, S, params=params)
    q, k, v = (torch.randn(B, H, S, D, device=dev, dtype=torch.bfloat16) for _ in range(3))
    peers = {}
    if sdpa:
        for name, be in (("sdpa_cudnn", SDPBackend.CUDNN_ATTENTION), ("sdpa_flash", SDPBackend.FLASH_ATTENTION)):
            def run(be=be):
                with sdpa_kernel([be]):
                    return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
            t = peer_ms(run)
            peers[name] = {"ms": t, "tflops": flops / t / 1e9 if t else None}
    if flex:
        t = flex_ms(q, k, v, flex_mask, flex_score)
        peers["flex"] = {"ms": t, "tflops": flops / t / 1e9 if t else None}
    row = {"spec": kernel, "mode": "forward", "dtype": "bf16", "B": B, "H": H, "H_kv": H, "S_q": S,
           "S_kv": S, "D": D, "causal": causal,
           "faattn": {"ms": ms, "tflops": flops / ms / 1e9 if ms else None, "error": failure},
           "peers": peers, "rel_err": err}
    if params:
        row["same_params"] = sorted(params)  # faattn read the peers' values of these
    for peer in ("sdpa_flash", "sdpa_cudnn", "flex"):
        if ms and peers.get(peer, {}).get("ms"):
            row[f"ratio_vs_{peer}"] = peers[peer]["ms"] / ms
    print(json.dumps(row), flush=True)
    rows.append(row)
    del q, k, v
    torch.cuda.empty_cache()


rows = []
if "grid" in parts:
    # The Hopper issue's grid: bf16, 16k tokens, hidden 2048.
    for D in (64, 128, 256):
        for S in (1024, 4096, 16384):
            for causal in (False, True):
                forward_row(f"g{D}{'c' if causal else ''}", D, S, causal,
                            causal_mask if causal else None, flex=args.grid_flex)

if "headdims" in parts:
    # Issue 25's head-dim table: 16k tokens, heads = 2048 // head_dim.
    for D in (32, 80, 96, 112, 160, 192):
        for causal in (False, True):
            forward_row(f"g{D}{'c' if causal else ''}", D, 16384, causal,
                        causal_mask if causal else None, flex=args.grid_flex)

if "paddeddims" in parts:
    # Head dims that are multiples of 8 but not of 16 (padded tiles): 16k tokens, heads =
    # 2048 // head_dim, FLOPs counted at the real head dim.
    for D in (40, 72, 104):
        for causal in (False, True):
            forward_row(f"g{D}{'c' if causal else ''}", D, 16384, causal,
                        causal_mask if causal else None, flex=args.grid_flex)

if "fp8" in parts:
    # Issue 24's grid: e4m3 Q, K, V (bench/fp8-grid.fa, or --fp8-spec) against faattn's own bf16 kernel of the
    # same shape in the same run (the bar: 1.6x), FLOPs as the bf16 rows count them.
    # The peer: cuDNN's FP8 SDPA (bench/cudnn_fp8.py) where the cudnn-frontend package was
    # carried (docs/FP8.md), with an e4m3 output as in NVIDIA's published sweep; else the row
    # says why it did not run.
    import cudnn_fp8
    for D in (64, 128, 256):
        for S in [int(x) for x in args.fp8_seqs.split(",")]:
            for causal in (False, True):
                name = f"g{D}{'c' if causal else ''}"
                if only_specs and name not in only_specs and "f8" + name not in only_specs:
                    continue
                H, B = 2048 // D, max(1, 16384 // S)
                flops = 4 * B * H * S * S * D / (2 if causal else 1)
                ms8, err8, fail8 = faattn_ms(args.fp8_spec, "f8" + name, B, S)
                ms16, err16, fail16 = faattn_ms(args.faattn_spec, name, B, S)
                row = {"spec": "f8" + name, "mode": "forward", "dtype": "e4m3", "B": B, "H": H,
                       "H_kv": H, "S_q": S, "S_kv": S, "D": D, "causal": causal,
                       "faattn": {"ms": ms8, "tflops": flops / ms8 / 1e9 if ms8 else None,
                                  "error": fail8},
                       "faattn_bf16": {"ms": ms16, "tflops": flops / ms16 / 1e9 if ms16 else None,
                                       "error": fail16},
                       "rel_err": err8}
                if ms8 and ms16:
                    row["ratio_vs_faattn_bf16"] = ms16 / ms8
                if D == 128:  # the e4m3-output twin (fp8-grid.fa's f8o kernels)
                    mso, erro, failo = faattn_ms(args.fp8_spec, "f8o" + name, B, S)
                    row["faattn_e4m3_out"] = {"ms": mso, "tflops": flops / mso / 1e9 if mso else None,
                                              "rel_err": erro, "error": failo}
                msc, errc, failc = cudnn_fp8.time_ms(B, H, S, D, causal, do_bench)
                row["peers"] = {"cudnn_fp8": {"ms": msc, "tflops": flops / msc / 1e9 if msc else None,
                                              "rel_err": errc, "error": failc}}
                if ms8 and msc:
                    row["ratio_vs_cudnn_fp8"] = msc / ms8
                print(json.dumps(row), flush=True)
                rows.append(row)

if "variants" in parts:
    # The variant specs at head_dim 128 against FlexAttention (TFLOP/s with the causal
    # halving for the causal ones; the window counts its kept pairs).
    slopes = torch.rand(16, device=dev) * 0.99 + 0.01

    for S in (4096, 16384):
        # Documents of random lengths 1..S/3; faattn gets the same ids (--param).
        doc = document_ids(S, dev)
        forward_row("window1024", 128, S, False, window_mask, sdpa=False, window=1024)
        forward_row("alibi", 128, S, True, causal_mask, alibi_score(slopes), sdpa=False,
                    params={"slopes": slopes})
        forward_row("softcap", 128, S, True, causal_mask, softcap_score, sdpa=False)
        forward_row("document", 128, S, True, document_mask(doc), sdpa=False,
                    params={"doc": doc})

# Decode: one query row against a long KV cache (GQA 32:8, head_dim 128), bandwidth-bound:
# TB/s of K and V read. faattn: split-KV (Flash-Decoding), dense and paged caches
# (bench/decode.fa), every sequence at the full length (--uniform-lengths). The shapes: the
# decode issue's (batch 1 x 131k, 8 x 32k, 64 x 8k) and 1 x 16k. faattn's figure is timed two
# ways: "ms", events around each synchronized launch (the launch's host work included: argument
# checks, tensor maps, the workspace, two kernel launches), and "graph_ms", replays of the launch
# captured into CUDA graphs (--bench-graph: the kernels alone, as serving engines replay decode).
# SDPA's do_bench queues its calls behind an L2-flush kernel, which hides most of its host work:
# graph_ms is the figure to set against it.
# GQA 32:8 and MQA 16:1 (bench/decode.fa's decode_mqa*), and 1 x 2k (latency-bound: report us).
decode_cases = [(hq, hkv, kernels, B, S)
                for hq, hkv, kernels in ((32, 8, ("decode_dense", "decode_dense_m64", "decode_paged64",
                                                  "decode_paged16", "decode_varlen")),
                                         (16, 1, ("decode_mqa", "decode_mqa_paged16")))
                for B, S in ((1, 2048), (1, 16384), (1, 131072), (8, 32768), (64, 8192))]
for Hq, Hkv, kernels, B, S in (decode_cases if "decode" in parts else ()):
    D = 128
    if only_specs and not set(kernels) & set(only_specs):
        continue
    kv_bytes = 2 * B * Hkv * S * D * 2
    q = torch.randn(B, Hq, 1, D, device=dev, dtype=torch.bfloat16)
    k, v = (torch.randn(B, Hkv, S, D, device=dev, dtype=torch.bfloat16) for _ in range(2))
    t = peer_ms(lambda: F.scaled_dot_product_attention(q, k, v, enable_gqa=True))
    del q, k, v
    torch.cuda.empty_cache()
    for kernel in kernels:
        if only_specs and kernel not in only_specs:
            continue
        ms, err, failure = faattn_ms("bench/decode.fa", kernel, B, 1, S, extra=("--bench-graph",))
        g = re.search(r"graph_median=(\S+) ms", last_stdout)
        gms = float(g[1]) if g else None
        h = re.search(r"launch_host_us=(\S+)", last_stdout)
        row = {"spec": kernel, "mode": "decode", "dtype": "bf16", "B": B, "H": Hq, "H_kv": Hkv,
               "S_q": 1, "S_kv": S, "D": D, "causal": False,
               "faattn": {"ms": ms, "us": ms * 1e3 if ms else None, "tbps": kv_bytes / ms / 1e9 if ms else None,
                          "graph_ms": gms, "graph_us": gms * 1e3 if gms else None,
                          "launch_host_us": float(h[1]) if h else None,
                          "graph_tbps": kv_bytes / gms / 1e9 if gms else None,
                          "splits": int(m[1]) if (m := re.search(r"splits=(\d+)", last_stdout)) else None,
                          "error": failure},
               "peers": {"sdpa_default": {"ms": t, "us": t * 1e3 if t else None,
                                          "tbps": kv_bytes / t / 1e9 if t else None}},
               "rel_err": err}
        print(json.dumps(row), flush=True)
        rows.append(row)

# Decode over an e4m3 KV cache (bench/decode-e4m3.fa: bench/decode.fa's kernels with kv_dtype
# e4m3 and per-(sequence, KV head) factors), at the decode shapes; kv_bytes counts one byte an
# element. Beside each row its bf16 twin's row of this run (part `decode`), whose graph_ms over
# this one's is the speedup issue 23 asks 1.7x of at the long shapes. The environment decides
# the lowering (FAATTN_EXPERIMENTAL_E4M3_KV=1: tensor cores; else SIMT): "lowering" says which.
twins = {"decode_dense_fp8": "decode_dense", "decode_paged64_fp8": "decode_paged64",
         "decode_paged16_fp8": "decode_paged16", "decode_mqa_fp8": "decode_mqa"}
e4m3_cases = [(hq, hkv, kernels, B, S)
              for hq, hkv, kernels in ((32, 8, ("decode_dense_fp8", "decode_paged64_fp8",
                                                "decode_paged16_fp8")),
                                       (16, 1, ("decode_mqa_fp8",)))
              for B, S in ((1, 2048), (1, 131072), (8, 32768), (64, 8192))]
lowering = "wgmma" if os.environ.get("FAATTN_EXPERIMENTAL_E4M3_KV") == "1" else "simt"
for Hq, Hkv, kernels, B, S in (e4m3_cases if "decode_e4m3" in parts else ()):
    D = 128
    kv_bytes = 2 * B * Hkv * S * D
    for kernel in kernels:
        if only_specs and kernel not in only_specs:
            continue
        ms, err, failure = faattn_ms("bench/decode-e4m3.fa", kernel, B, 1, S, extra=("--bench-graph",))
        g = re.search(r"graph_median=(\S+) ms", last_stdout)
        gms = float(g[1]) if g else None
        twin = next((r for r in rows if r["spec"] == twins[kernel] and r["B"] == B and
                     r["S_kv"] == S), None)
        twin_gms = twin["faattn"]["graph_ms"] if twin else None
        row = {"spec": kernel, "mode": "decode", "dtype": "bf16", "kv_dtype": "e4m3",
               "lowering": lowering, "B": B, "H": Hq, "H_kv": Hkv, "S_q": 1, "S_kv": S, "D": D,
               "causal": False,
               "faattn": {"ms": ms, "graph_ms": gms, "graph_us": gms * 1e3 if gms else None,
                          "graph_tbps": kv_bytes / gms / 1e9 if gms else None, "error": failure},
               "bf16_twin": {"spec": twins[kernel], "graph_ms": twin_gms,
                             "speedup": twin_gms / gms if twin_gms and gms else None},
               "rel_err": err}
        print(json.dumps(row), flush=True)
        rows.append(row)

doc = {"device": torch.cuda.get_device_name(), "date": datetime.date.today().isoformat(),
       "commit": commit(), "torch": torch.__version__,
       "faattn_spec": args.faattn_spec, "ceilings": ceilings(), "rows": rows}
json.dump(doc, open(args.out, "w"), indent=1)
print(f"wrote {args.out}: {len(rows)} rows")
