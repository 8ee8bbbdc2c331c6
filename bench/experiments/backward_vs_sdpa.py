"""faattn's backward against SDPA's backward (cuDNN and flash) in the same run: the backward
alone (one forward kept, `out.backward(dout)` timed with CUDA events, the inputs' grads reset
before each call, median of --reps runs after one warm-up), bf16, B * S = 16k tokens, hidden
2048 (16 heads of 128, or --head-dim D: 2048 / D heads of D), causal or not, and a learnable-ALiBi row (faattn only: no peer
computes the slopes' gradient). FLOP convention (FlashAttention): backward = 2.5 x 4 * B * H
* S^2 * D, halved when causal. faattn's build is the tensor-core backward, or the SIMT one
with FAATTN_BACKWARD_SIMT=1 in the environment (the JSON's faattn_backward says which).

  PYTHONPATH=python FAATTN_LIBRARY=.../libfaattn_c.so python3 bench/experiments/backward_vs_sdpa.py \
      --out backward.json
"""
import argparse, datetime, json, os, sys

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

import faattn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backward_timing as timing  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--out", required=True)
ap.add_argument("--seqs", default="1024,4096")
ap.add_argument("--reps", type=int, default=5)
ap.add_argument("--head-dim", type=int, default=128)
args = ap.parse_args()
dev = "cuda"
torch.manual_seed(0)


def backward_ms(forward, inputs):
    """backward_timing.backward_ms, or None where a backend refuses the shape."""
    try:
        return timing.backward_ms(forward, inputs, args.reps)
    except Exception as e:  # a backend that refuses the shape
        print(f"backward failed: {e}", file=sys.stderr)
        return None


rows = []
D = args.head_dim
H = 2048 // D
for S in (int(s) for s in args.seqs.split(",")):
    B = max(1, 16384 // S)
    for causal, alibi in ((False, False), (True, False), (True, True)):
        q, k, v = (torch.randn(B, H, S, D, device=dev, dtype=torch.bfloat16, requires_grad=True)
                   for _ in range(3))
        flops = 2.5 * 4 * B * H * S * S * D / (2 if causal else 1)
        r = {"B": B, "H": H, "S": S, "D": D, "causal": causal, "alibi_learnable": alibi}
        spec = (f"kernel t {{ heads = {H}; head_dim = {D}; dtype = bf16; layout = bhsd; backward"
                + ("; mask = causal" if causal else "")
                + ("\n param slopes : f32[heads] requires_grad\n"
                   " score = score - slopes[h] * abs(q_idx - kv_idx)" if alibi else "") + " }")
        attn = faattn.compile(spec)
        inputs = [q, k, v]
        params = {}
        if alibi:
            params["slopes"] = torch.rand(H, device=dev, requires_grad=True)
            inputs.append(params["slopes"])
        ms = backward_ms(lambda: attn(q, k, v, **params), inputs)
        r["faattn_ms"] = ms
        r["faattn_tflops"] = flops / ms / 1e9 if ms else None
        if not alibi:
            for name, backend in (("sdpa_cudnn", SDPBackend.CUDNN_ATTENTION),
                                  ("sdpa_flash", SDPBackend.FLASH_ATTENTION)):
                with sdpa_kernel(backend):
                    ms = backward_ms(lambda: F.scaled_dot_product_attention(
                        q, k, v, is_causal=causal), [q, k, v])
                r[name + "_ms"] = ms
                r[name + "_tflops"] = flops / ms / 1e9 if ms else None
        print(json.dumps(r), flush=True)
        rows.append(r)

commit = timing.source_commit()
# Which backward faattn built: the tiled one on the tensor cores (the default at head dim
# 128), or SIMT (FAATTN_BACKWARD_SIMT=1 in the environment the library compiles in).
lowering = "simt" if os.environ.get("FAATTN_BACKWARD_SIMT") == "1" else "tiled-wgmma"
if lowering != "simt" and os.environ.get("FAATTN_EXPERIMENTAL_BACKWARD_COPY_BATCH"):
    lowering += "-copy" + os.environ["FAATTN_EXPERIMENTAL_BACKWARD_COPY_BATCH"]  # step 49
if lowering != "simt" and os.environ.get("FAATTN_BACKWARD_COPY_REGISTERS") == "1":
    lowering += "-copyregs"  # the copies as before step 61
if lowering != "simt" and os.environ.get("FAATTN_EXPERIMENTAL_BACKWARD_COPY_PREFETCH") == "1":
    lowering += "-prefetch"
if lowering != "simt" and os.environ.get("FAATTN_BACKWARD_THREAD_PER_ROW") == "1":
    lowering += "-prepost-thread-per-row"  # the pre and post grids as before step 65
if lowering != "simt" and os.environ.get("FAATTN_BACKWARD_ONE_WARPGROUP") == "1":
    lowering += "-one-warpgroup"  # no key split (step 67)
if lowering != "simt" and D > 128:
    lowering += "-column-chunks"  # faattn-backward-tile's max-cols 128
json.dump({"device": torch.cuda.get_device_name(), "date": str(datetime.date.today()),
           "commit": commit, "torch": torch.__version__, "faattn_backward": lowering,
           "rows": rows},
          open(args.out, "w"), indent=1)
