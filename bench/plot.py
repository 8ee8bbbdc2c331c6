"""Plots of a benchmark results JSON (bench/bench.py's format: device, date, commit,
ceilings {bf16_gemm_tflops, copy_tbps}, rows [{spec, mode, B, H, H_kv, S_q, S_kv, D, causal,
faattn {ms, tflops | tbps}, peers {name: {ms, tflops | tbps}}}]).

    python3 bench/plot.py bench/results/2026-12-03-h200-e8f7464-grid.json --out docs/plots

writes, per input file and per kind of row (forward: TFLOP/s; decode: TB/s):
  <stem>-peers.png    per cell, faattn and each peer side by side, the ceiling as a line, and
                      faattn's speed-up over each peer written beside its bar;
  <stem>-ceiling.png  per cell, the fraction of the ceiling (bf16 GEMM TFLOP/s, or the copy
                      bandwidth for decode) that faattn and each peer reach.
Needs matplotlib (the GPU machine has it; elsewhere `pip install matplotlib`).
"""
import argparse
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PEER_NAMES = {"sdpa_flash": "SDPA flash (FA2)", "sdpa_cudnn": "SDPA cuDNN", "flex": "FlexAttention",
              "sdpa_default": "SDPA"}
COLORS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3"]


def cell_label(r):
    shape = f"{r['spec']}  B{r['B']} H{r['H']}"
    shape += f":{r['H_kv']}" if r.get("H_kv") not in (None, r["H"]) else ""
    seq = f"{r['S_q']}" if r["S_q"] == r["S_kv"] else f"{r['S_q']}x{r['S_kv']}"
    return f"{shape} S{seq} D{r['D']}" + (" causal" if r.get("causal") else "")


def metric(rows):
    """(key, unit, ceiling key) of these rows: TFLOP/s for forward, TB/s for decode."""
    if all(r["mode"] == "decode" for r in rows):
        return "tbps", "TB/s", "copy_tbps"
    return "tflops", "TFLOP/s", "bf16_gemm_tflops"


def series(rows, key):
    """{name: [value or None per row]}: faattn first, then the peers in order of appearance."""
    names = ["faattn"]
    for r in rows:
        for p in r.get("peers", {}):
            if p not in names:
                names.append(p)
    out = {}
    for n in names:
        vals = []
        for r in rows:
            m = r.get("faattn") if n == "faattn" else r.get("peers", {}).get(n)
            vals.append(m.get(key) if m else None)
        out[n] = vals
    return out


def title(d, what):
    return f"{what} — {d.get('device', '?')}, commit {d.get('commit', '?')}, {d.get('date', '?')}"


def plot_peers(d, rows, path):
    key, unit, ceil_key = metric(rows)
    s = series(rows, key)
    names = list(s)
    n, k = len(rows), len(names)
    h = 0.8 / k
    fig, ax = plt.subplots(figsize=(11, 0.55 * n * max(k, 2) / 2 + 1.6))
    for j, name in enumerate(names):
        ys = [i + (j - (k - 1) / 2) * h for i in range(n)]
        vals = [v or 0 for v in s[name]]
        ax.barh(ys, vals, height=h, color=COLORS[j % len(COLORS)],
                label=PEER_NAMES.get(name, name))
        if name == "faattn":
            continue
        for y, v, f in zip(ys, s[name], s["faattn"]):
            if v and f:
                r = f / v
                ax.text(max(v, f) * 1.01, y, f"faattn {r:.2f}x" if r >= 0.1 else
                        f"faattn {r:.2g}x", va="center", fontsize=7)
    ceiling = d.get("ceilings", {}).get(ceil_key)
    if ceiling:
        ax.axvline(ceiling, color="k", ls="--", lw=1)
        ax.text(ceiling, -0.55, f" ceiling {ceiling:.0f} {unit}" if unit == "TFLOP/s"
                else f" ceiling {ceiling:.2f} {unit}", fontsize=8, va="bottom")
    ax.set_yticks(range(n))
    ax.set_yticklabels([cell_label(r) for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    ax.set_xlim(0, max([ceiling or 0] + [v or 0 for vs in s.values() for v in vs]) * 1.18)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_title(title(d, f"faattn against its peers ({unit}, higher is better)"), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_ceiling(d, rows, path):
    key, unit, ceil_key = metric(rows)
    ceiling = d.get("ceilings", {}).get(ceil_key)
    if not ceiling:
        return False
    s = series(rows, key)
    n = len(rows)
    fig, ax = plt.subplots(figsize=(11, 0.32 * n + 1.6))
    frac = [(v or 0) / ceiling for v in s["faattn"]]
    ax.barh(range(n), frac, color=COLORS[0], label="faattn")
    for i, f in enumerate(frac):
        ax.text(f + 0.005, i, f"{100 * f:.0f}%", va="center", fontsize=7)
    for j, name in enumerate(list(s)[1:], start=1):
        xs = [(v or 0) / ceiling for v in s[name]]
        ax.scatter(xs, range(n), marker="|", s=160, color=COLORS[j % len(COLORS)], zorder=3,
                   label=PEER_NAMES.get(name, name))
    ax.axvline(1.0, color="k", ls="--", lw=1)
    ax.set_yticks(range(n))
    ax.set_yticklabels([cell_label(r) for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max([1.05] + [1.08 * f for f in frac]))
    ax.set_xlabel(f"fraction of the ceiling ({ceiling:.0f} {unit}: "
                  f"{'bf16 GEMM' if unit == 'TFLOP/s' else 'device copy'}, same run)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_title(title(d, f"{unit} against the ceiling"), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results", nargs="+", help="results JSON files (bench/bench.py)")
    ap.add_argument("--out", default="docs/plots", help="output directory")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for path in args.results:
        d = json.load(open(path))
        stem = os.path.splitext(os.path.basename(path))[0]
        rows = [r for r in d.get("rows", []) if r.get("faattn")]
        for mode in ("forward", "decode"):
            part = [r for r in rows if (r["mode"] == "decode") == (mode == "decode")]
            if not part:
                continue
            name = stem if mode == "forward" else stem + "-decode"
            out = os.path.join(args.out, name)
            plot_peers(d, part, out + "-peers.png")
            wrote = [out + "-peers.png"]
            if plot_ceiling(d, part, out + "-ceiling.png"):
                wrote.append(out + "-ceiling.png")
            print("\n".join(wrote))


if __name__ == "__main__":
    main()
