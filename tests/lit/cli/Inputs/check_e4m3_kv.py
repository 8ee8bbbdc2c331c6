"""Checks faattn-compile's output directory of e4m3-K/V kernels (tests/lit/cli/e4m3-kv-wgmma.test).
Prints one line per kernel: `NAME: wgmma SCHEDULE stages N` (the experimental tensor-core
lowering: its PTX converts e4m3 pairs with cvt.rn.f16x2.e4m3x2, to bf16 through f32 when Q is
bf16, and has wgmma products; K's and V's TMA boxes are one-byte columns as wide as their
swizzle, q's and out's two-byte ones) or `NAME: simt (REASON)`. Exits 1 when a wgmma build
breaks one of those rules."""
import glob, json, os, sys

for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    j = json.load(open(f))
    name = j["kernel"]
    if j["mapping"] != "wgmma":
        print(f"{name}: {j['mapping']} ({j['fallback']})")
        continue
    ptx = open(os.path.join(sys.argv[1], j["ptx"])).read()
    q = next(p for p in j["params"] if p["name"] == "q")
    problems = []
    if "cvt.rn.f16x2.e4m3x2" not in ptx:
        problems.append("no e4m3 conversion")
    if (q["dtype"] == "bf16") != ("cvt.rn.bf16x2.f32" in ptx):
        problems.append("the conversion does not end in Q's type")
    if "wgmma.mma_async" not in ptx:
        problems.append("no wgmma")
    t = j["tma"]
    for x in ("k", "v"):
        if t["box"][x][0] != t["swizzle"][x]:
            problems.append(f"{x}'s box is not {t['swizzle'][x]} one-byte columns")
    for x in ("q", "out"):
        if t["box"][x][0] * 2 != t["swizzle"][x]:
            problems.append(f"{x}'s box is not two-byte columns")
    if problems:
        print(f"{name}: " + "; ".join(problems))
        sys.exit(1)
    print(f"{name}: wgmma {j['schedule']} stages {j['stages']}")
