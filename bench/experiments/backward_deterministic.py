"""The deterministic backward (`deterministic`, issue 22) against the default one in the same
run: bit-reproducibility and cost. bf16, B * S = 16k tokens, 16 heads of 128, bhsd, causal or
not, and GQA 16:4. For each case both kernels are compiled from one spec (the key added or not);
dq, dk and dv of --repeats backward calls on the same inputs are compared bit for bit (the
deterministic kernel must give identical bits every time; the default one's dq, added by
atomics in arrival order, usually does not), the two kernels' dq against each other (relative
L2: the same sums in another order), and the backward alone timed as backward_vs_sdpa.py does
(CUDA events, median of --reps after a warm-up).

  PYTHONPATH=python FAATTN_LIBRARY=.../libfaattn_c.so python3 \
      bench/experiments/backward_deterministic.py --out deterministic.json
"""
import argparse, datetime, json, os, sys

import torch

import faattn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backward_timing import backward_ms, source_commit  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--out", required=True)
ap.add_argument("--seqs", default="1024,4096,16384")
ap.add_argument("--reps", type=int, default=5)
ap.add_argument("--repeats", type=int, default=4)
args = ap.parse_args()
dev = "cuda"
torch.manual_seed(0)


def grads(attn, q, k, v, dout, params):
    xs = (q, k, v) + tuple(params.values())
    for x in xs:
        x.grad = None
    attn(q, k, v, **params).backward(dout)
    return [x.grad.clone() for x in xs]


rows = []
D = 128
for S in (int(s) for s in args.seqs.split(",")):
    B = max(1, 16384 // S)
    # The last case has learnable ALiBi slopes: its deterministic kernel orders their
    # gradient's adds through per-warp partials (docs/BACKWARD.md).
    for causal, hkv, alibi in ((False, 16, False), (True, 16, False), (True, 4, False),
                               (True, 16, True)):
        H = 16
        r = {"B": B, "H": H, "H_kv": hkv, "S": S, "D": D, "causal": causal, "alibi": alibi}
        params = ({"slopes": torch.linspace(0.5, 0.01, H, device=dev).requires_grad_()}
                  if alibi else {})
        names = ("dq", "dk", "dv") + (("dslopes",) if alibi else ())
        q = torch.randn(B, H, S, D, device=dev, dtype=torch.bfloat16, requires_grad=True)
        k, v = (torch.randn(B, hkv, S, D, device=dev, dtype=torch.bfloat16, requires_grad=True)
                for _ in range(2))
        dout = torch.randn(B, H, S, D, device=dev, dtype=torch.bfloat16)
        flops = 2.5 * 4 * B * H * S * S * D / (2 if causal else 1)
        try:
            for det in (False, True):
                name = "deterministic" if det else "default"
                spec = (f"kernel t {{ heads = {H} : {hkv}; head_dim = {D}; dtype = bf16; "
                        "layout = bhsd; backward" + ("; mask = causal" if causal else "")
                        + ("; deterministic" if det else "")
                        + ("\n param slopes : f32[heads] requires_grad\n"
                           " score = score - slopes[h] * abs(q_idx - kv_idx)" if alibi else "")
                        + " }")
                attn = faattn.compile(spec)
                runs = [grads(attn, q, k, v, dout, params) for _ in range(args.repeats)]
                for i, t in enumerate(names):
                    r[f"{name}_{t}_identical"] = all(torch.equal(run[i], runs[0][i])
                                                     for run in runs[1:])
                    r[f"{name}_{t}_finite"] = bool(torch.isfinite(runs[0][i]).all())
                r[f"{name}_dq"] = runs[0][0]
                ms = backward_ms(lambda: attn(q, k, v, **params),
                                 (q, k, v) + tuple(params.values()), args.reps, dout)
                r[f"{name}_ms"] = ms
                r[f"{name}_tflops"] = flops / ms / 1e9
            a, b = r.pop("default_dq").double(), r.pop("deterministic_dq").double()
            r["dq_rel_l2_between"] = float((a - b).norm() / a.norm())
            r["cost"] = r["deterministic_ms"] / r["default_ms"]
        except Exception as e:
            r.pop("default_dq", None)
            r.pop("deterministic_dq", None)
            r["error"] = str(e)
        print(json.dumps(r), flush=True)
        rows.append(r)

commit = source_commit()
json.dump({"device": torch.cuda.get_device_name(), "date": str(datetime.date.today()),
           "commit": commit, "torch": torch.__version__, "rows": rows},
          open(args.out, "w"), indent=1)
