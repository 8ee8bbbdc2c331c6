"""The build choice's cost model fitted to build_choice.py's sweeps (PERFORMANCE step 68).

Model: ln(t_main / t_long) = a_kernel + s * (log2 n - log2 min(w, 16)), with n = ceil(seq_kv /
block_n) KV blocks a tile and w = batch * heads * ceil(seq_q / 128) / 132 waves; one slope s for
every kernel, an intercept a each, by least squares. The long build is then launched where
n >= R * min(w, 16), R = 2^(-a / s) (faattn-tune's longKVBlocksPerWave). Prints the fit, each
kernel's R, and how far from the better build each rule lands over the sweep (geometric mean of
time / the better time, and the count of choices more than 3% off): the model's R, R rounded
to a half, and the old rule (seq_kv >= 4096).
usage: python3 build_choice_fit.py SWEEP.json [SWEEP.json ...]   (needs numpy)
"""
import json, math, sys

import numpy as np

# (query heads, block_n) of build-choice.fa's pairs; SMs of the H200 the sweeps ran on.
GEOM = {"c128": (16, 128), "p256": (8, 80), "p112": (18, 128), "p128": (16, 128)}
SMS, CAP, BM = 132, 16, 128

rows = []
for path in sys.argv[1:]:
    for r in json.load(open(path))["rows"]:
        if "ms" in r["main"] and "ms" in r["long"] and r["pair"] in GEOM:
            rows.append((r["pair"], r["b"], r["s"], r["main"]["ms"], r["long"]["ms"]))
pairs = list(GEOM)
X, y, meta = [], [], []
for p, b, s, m, l in rows:
    heads, bn = GEOM[p]
    n = math.ceil(s / bn)
    w = b * heads * math.ceil(s / BM) / SMS
    X.append([1.0 if q == p else 0.0 for q in pairs] + [math.log2(n) - math.log2(min(w, CAP))])
    y.append(math.log(m / l))
    meta.append((p, s, m, l, n, w))
X, y = np.array(X), np.array(y)
coef = np.linalg.lstsq(X, y, rcond=None)[0]
slope = coef[-1]
print(f"slope {slope:.4f}, rms of ln(t_main / t_long) {np.sqrt(np.mean((X @ coef - y) ** 2)):.4f} "
      f"over {len(y)} timings")
for i, p in enumerate(pairs):
    if not any(q == p for q, *_ in meta):
        continue
    R = 2 ** (-coef[i] / slope)
    print(f"{p}: intercept {coef[i]:.4f}, R = {R:.2f}")
    for label, rule in ((f"R {R:.2f}", lambda s, n, w: n >= R * min(w, CAP)),
                        (f"R {round(R * 2) / 2}", lambda s, n, w: n >= round(R * 2) / 2 * min(w, CAP)),
                        ("seq_kv >= 4096", lambda s, n, w: s >= 4096)):
        logs, off = [], 0
        for q, s, m, l, n, w in meta:
            if q != p:
                continue
            t = l if (s >= 1024 and rule(s, n, w)) else m
            logs.append(math.log(t / min(m, l)))
            off += t / min(m, l) > 1.03
        print(f"  {label:16s} {math.exp(np.mean(logs)):.4f} x the better build, "
              f"{off} of {len(logs)} choices more than 3% off")
