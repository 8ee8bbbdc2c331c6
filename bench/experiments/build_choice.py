"""Both builds of each kernel with a long-KV alternative, timed at every shape of a sweep
(PERFORMANCE step 68: the data the runtime's build-choice cost model is fitted to).

bench/experiments/build-choice.fa holds each build as its own kernel (<name>_main,
<name>_long). For each (B, S) of the sweep both are timed by faattn-run --gpu --bench (CUDA
events, median, numerics checked), interleaved shape by shape and repeated ROUNDS times so
that clock drift falls on both; the JSON (device, date, commit) keeps every round's median.
usage: python3 build_choice.py --faattn-run RUN --out FILE [--pairs c128,p256] [--rounds 2]
"""
import argparse, datetime, json, os, re, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common import commit  # noqa: E402

SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "build-choice.fa")
# 16k tokens (issue 25's grid: B * S = 16k), then one sequence of each length (few tiles:
# where the waves over the SMs decide).
SHAPES = [(16, 1024), (8, 2048), (5, 3072), (4, 4096), (2, 6144), (2, 8192), (1, 16384),
          (1, 1024), (1, 2048), (1, 4096), (1, 8192)]

ap = argparse.ArgumentParser()
ap.add_argument("--faattn-run", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--pairs", default="c128,p256,p112,p128,c64")
ap.add_argument("--rounds", type=int, default=2)
ap.add_argument("--iters", type=int, default=20)
ap.add_argument("--shapes", default="",
                help="B:S pairs, comma-separated (default: the sweep of SHAPES above)")
ap.add_argument("--budget-s", type=float, default=420, help="stop starting runs after this")
args = ap.parse_args()
if args.shapes:
    SHAPES = [tuple(int(x) for x in bs.split(":")) for bs in args.shapes.split(",")]


def run(kernel, B, S):
    cmd = [args.faattn_run, "--gpu", SPEC, f"--kernel={kernel}",
           f"--shape=b={B},seq_q={S},seq_kv={S}", f"--bench={args.iters}", "--uniform-lengths"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    m = re.search(r"rel_l2=(\S+).*? median=(\S+) ms", p.stdout)
    if not m:
        return {"error": (p.stdout + p.stderr)[-300:]}
    return {"ms": float(m[2]), "rel_l2": float(m[1])}


dev = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                     capture_output=True, text=True).stdout.strip()
out = {"device": dev, "date": datetime.date.today().isoformat(), "commit": commit(),
       "spec": "bench/experiments/build-choice.fa", "rows": []}
start = time.time()
for rnd in range(args.rounds):
    for pair in args.pairs.split(","):
        for B, S in SHAPES:
            if time.time() - start > args.budget_s:
                break
            row = {"pair": pair, "b": B, "s": S, "round": rnd}
            for build in ("main", "long") if rnd % 2 == 0 else ("long", "main"):
                row[build] = run(f"{pair}_{build}", B, S)
            out["rows"].append(row)
            ms = {k: row[k].get("ms") for k in ("main", "long")}
            ratio = ms["main"] / ms["long"] if ms["main"] and ms["long"] else None
            print(json.dumps({**row, "main_over_long": ratio}), flush=True)
            with open(args.out, "w") as f:
                json.dump(out, f, indent=1)
