"""faattn's forward against SDPA's cuDNN and flash backends in the same run, through the PyTorch
op (python/faattn: the library that FAATTN_LIBRARY names), bf16, B * S = 16k tokens, hidden
2048 (2048 / D heads of D), causal or not: CUDA events around each call, the median of --reps
calls after warm-up, no gradient. An A/B of two libraries runs it once with each (the op's own
costs, an output allocation a call, are in both arms). FLOP convention (FlashAttention):
4 * B * H * S^2 * D, halved when causal.

  PYTHONPATH=python FAATTN_LIBRARY=.../libfaattn_c.so python3 bench/experiments/forward_vs_sdpa.py \\
      --out forward.json
"""
import argparse, datetime, json, os, statistics, sys

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

import faattn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backward_timing as timing  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--out", required=True)
ap.add_argument("--seqs", default="1024,4096,16384")
ap.add_argument("--head-dims", default="64,128,256")
ap.add_argument("--reps", type=int, default=30)
args = ap.parse_args()
dev = "cuda"
torch.manual_seed(0)


def median_ms(fn):
    for _ in range(3):
        fn()
    times = []
    for _ in range(args.reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        torch.cuda.synchronize()
        times.append(a.elapsed_time(b))
    return statistics.median(times)


rows = []
with torch.no_grad():
    for D in (int(d) for d in args.head_dims.split(",")):
        H = 2048 // D
        for S in (int(s) for s in args.seqs.split(",")):
            B = max(1, 16384 // S)
            for causal in (False, True):
                q, k, v = (torch.randn(B, H, S, D, device=dev, dtype=torch.bfloat16)
                           for _ in range(3))
                flops = 4 * B * H * S * S * D / (2 if causal else 1)
                spec = (f"kernel t {{ heads = {H}; head_dim = {D}; dtype = bf16; layout = bhsd"
                        + ("; mask = causal" if causal else "") + " }")
                attn = faattn.compile(spec)
                r = {"B": B, "H": H, "S": S, "D": D, "causal": causal}
                ms = median_ms(lambda: attn(q, k, v))
                r["faattn_ms"], r["faattn_tflops"] = ms, flops / ms / 1e9
                for name, backend in (("sdpa_cudnn", SDPBackend.CUDNN_ATTENTION),
                                      ("sdpa_flash", SDPBackend.FLASH_ATTENTION)):
                    try:
                        with sdpa_kernel(backend):
                            ms = median_ms(lambda: F.scaled_dot_product_attention(
                                q, k, v, is_causal=causal))
                        r[name + "_ms"], r[name + "_tflops"] = ms, flops / ms / 1e9
                    except Exception as e:  # a backend that refuses the shape
                        print(f"{name} failed: {e}", file=sys.stderr)
                print(json.dumps(r), flush=True)
                rows.append(r)

json.dump({"device": torch.cuda.get_device_name(), "date": str(datetime.date.today()),
           "commit": timing.source_commit(), "torch": torch.__version__, "rows": rows},
          open(args.out, "w"), indent=1)
