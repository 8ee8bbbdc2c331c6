"""Checks faattn-compile's output directory of e4m3-K/V kernels (tests/lit/cli/e4m3-kv-wgmma.test).
Prints one line per kernel: `NAME: wgmma SCHEDULE stages N` (the experimental tensor-core
lowering: its PTX converts e4m3 pairs with cvt.rn.f16x2.e4m3x2, to bf16 through f32 when Q is
bf16, and has wgmma products; K's and V's TMA boxes are one-byte columns as wide as their
swizzle, q's and out's two-byte ones) or `NAME: simt (REASON)`. Exits 1 when a wgmma build
breaks one of those rules. With --summary (a directory of random kernels): one line,
`DIR: wgmma builds checked` when at least one kernel took wgmma and every other one stayed
SIMT for a reason this lowering leaves to it (a Q block that is not plain, or an e4m3 Q the
FP8 wgmma does not take), or took the FP8 wgmma (e4m3 Q: check_fp8_wgmma.py's)."""
import glob, json, os, sys

summary = sys.argv[1] == "--summary"
d = sys.argv[2] if summary else sys.argv[1]
simt_reasons = ("element type is not bf16 or f16", "Q is not a block of the q argument")
wgmma = 0
for f in sorted(glob.glob(os.path.join(d, "*.json"))):
    j = json.load(open(f))
    name = j["kernel"]
    q = next(p for p in j["params"] if p["name"] == "q")
    if summary and q["dtype"] == "e4m3":  # the FP8 wgmma's, or SIMT by its limits
        continue
    if j["mapping"] != "wgmma":
        if not summary:
            print(f"{name}: {j['mapping']} ({j['fallback']})")
        elif j["fallback"] not in simt_reasons:
            print(f"{name}: simt ({j['fallback']})")
            sys.exit(1)
        continue
    if q["dtype"] == "e4m3":  # the FP8 wgmma's (tests/lit/cli/fp8-wgmma.test)
        continue
    wgmma += 1
    ptx = open(os.path.join(d, j["ptx"])).read()
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
    if not summary:
        print(f"{name}: wgmma {j['schedule']} stages {j['stages']}")
if summary and wgmma:
    print(f"{os.path.basename(d)}: wgmma builds checked")
