"""Why the e4m3-output kernels of bench/fp8-grid.fa (f8og128, no o_descale) measure a relative
L2 of 0.03 at 1k, 0.06 at 4k and 0.12 at 16k keys (PERFORMANCE step 73, docs/FP8.md): a float64
simulation of attention over faattn-run's inputs (uniform in (-1, 1), head dim 128) with O
rounded to e4m3 with no factor, and with a per-tensor factor amax / 448. Pure Python (the CPU
machine has no numpy): python3 bench/experiments/e4m3_out_error.py [ROWS]."""
import math
import random
import sys


def e4m3(x):
    """x rounded to the nearest e4m3 (3 mantissa bits, normals from 2^-6, subnormal steps of
    2^-9), saturated at 448."""
    a = abs(x)
    if a == 0:
        return 0.0
    e = max(math.floor(math.log2(a)), -6)
    step = 2.0 ** (e - 3)
    return math.copysign(min(round(a / step) * step, 448.0), x)


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    random.seed(1)
    d = 128
    for s in (1024, 4096, 16384):
        k = [[random.uniform(-1, 1) for _ in range(d)] for _ in range(s)]
        v = [[random.uniform(-1, 1) for _ in range(d)] for _ in range(s)]
        outs = []
        for _ in range(rows):
            q = [random.uniform(-1, 1) for _ in range(d)]
            sc = [sum(a * b for a, b in zip(q, kr)) / math.sqrt(d) for kr in k]
            m = max(sc)
            p = [math.exp(x - m) for x in sc]
            z = sum(p)
            o = [0.0] * d
            for pi, vr in zip(p, v):
                w = pi / z
                for c in range(d):
                    o[c] += w * vr[c]
            outs.append(o)
        factor = max(abs(x) for o in outs for x in o) / 448
        den = sum(x * x for o in outs for x in o)
        plain = sum((e4m3(x) - x) ** 2 for o in outs for x in o)
        scaled = sum((e4m3(x / factor) * factor - x) ** 2 for o in outs for x in o)
        print(f"seq_kv {s}: O rms {math.sqrt(den / (rows * d)):.4f}, relative L2 of e4m3(O) "
              f"{math.sqrt(plain / den):.3f}, with the factor amax/448 {math.sqrt(scaled / den):.3f}")


if __name__ == "__main__":
    main()
