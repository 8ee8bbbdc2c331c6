"""Where the e4m3 Python path's GPU error comes from (test_examples.py's fp8 Llama module: 0.167
relative L2 on an H100 at 7a9d4b3, against 5e-2): examples/fp8.fa's kernel through the Python op
against float64 attention over the dequantized inputs, one factor at a time: the row count
(256: whole blocks, 300: the last cut), the factors (quantize_e4m3's per block of 128 rows as
the module takes them, one per (batch, head) written per row, or all 1 with inputs rounded to
e4m3), and FAATTN_FP8_SIMT=1 (the SIMT path). Q, K and V are bshd views, as the module's. One line of JSON per case.

    python3 bench/experiments/fp8_python_diag.py LIB      # DIAG_DEVICE=cpu: the CPU path
"""
import json
import os
import subprocess
import sys

CASE = r'''
import json, os, sys, torch
sys.path.insert(0, "python")
import faattn
B, HQ, HKV, D = 2, 32, 8, 128
dev = os.environ.get("DIAG_DEVICE", "cuda")
S, order, factors = int(sys.argv[1]), sys.argv[2], sys.argv[3]
torch.manual_seed(0)
attn = faattn.compile("examples/fp8.fa", kernel="llama3_8b_fp8")
def make(h):
    x = torch.randn(B, S, h, D, device=dev, dtype=torch.bfloat16)  # bshd memory
    x = x.transpose(1, 2)                                           # (B, H, S, D) view
    return x
q, k, v = make(HQ), make(HKV), make(HKV)
if factors in ("block", "head"):
    q8, qs = faattn.quantize_e4m3(q, "block", block=128 if factors == "block" else S)
    k8, ks = faattn.quantize_e4m3(k, "block", block=128 if factors == "block" else S)
    v8, vs = faattn.quantize_e4m3(v, "head")
else:
    conv = lambda x: x.to(torch.float8_e4m3fn)
    q8, k8, v8 = conv(q), conv(k), conv(v)
    qs = torch.ones(B, HQ, S, device=dev); ks = torch.ones(B, HKV, S, device=dev)
    vs = torch.ones(B, HKV, device=dev)
out = attn(q8, k8, v8, q_scale=qs, k_scale=ks, v_scale=vs)
dq = q8.double() * qs.double()[..., None]
dk = (k8.double() * ks.double()[..., None]).repeat_interleave(HQ // HKV, 1)
dv = (v8.double() * vs.double()[:, :, None, None]).repeat_interleave(HQ // HKV, 1)
s = dq @ dk.transpose(-1, -2) / D ** 0.5
s = s.masked_fill(torch.ones(S, S, dtype=torch.bool, device=dev).triu(1), float("-inf"))
want = torch.softmax(s, -1) @ dv
err = ((out.double() - want).norm() / want.norm()).item()
print(json.dumps({"S": S, "order": order, "factors": factors,
                  "simt": os.environ.get("FAATTN_FP8_SIMT", "0"), "rel_l2": err,
                  "q8_strides": list(q8.stride()), "out_strides": list(out.stride())}))
'''

lib = sys.argv[1]
cases = [("0", S, f) for S in (256, 300) for f in ("block", "head", "ones")] + [("1", 300, "block")]
if os.environ.get("DIAG_CASES"):  # SIMT:S:factors,... (a shorter call)
    cases = [tuple(c.split(":")) for c in os.environ["DIAG_CASES"].split(",")]
    cases = [(a, int(b), c) for a, b, c in cases]
for simt, S, factors in cases:
        for order in ("bshd-view",):
                env = dict(os.environ, FAATTN_LIBRARY=lib, FAATTN_CACHE_DIR=f"/tmp/fp8diag-{simt}", FAATTN_FP8_SIMT=simt)
                r = subprocess.run([sys.executable, "-c", CASE, str(S), order, factors], env=env,
                                   capture_output=True, text=True, timeout=300)
                print(r.stdout.strip() or json.dumps({"S": S, "order": order, "factors": factors,
                                                      "simt": simt, "error": r.stderr[-600:]}),
                      flush=True)
