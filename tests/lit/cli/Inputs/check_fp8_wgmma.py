"""Checks faattn-compile's output directory of e4m3 Q, K, V kernels (the FP8 wgmma is the GPU
pipeline's default; tests/lit/cli/fp8-wgmma.test). Prints one line per kernel:
`NAME: wgmma SCHEDULE stages N tile BMxBN` (the FP8 wgmma: both products on
`k32.f32.e4m3.e4m3`, P rounded by cvt.rn.satfinite.e4m3x2.f32, no e4m3-to-16-bit conversion of
K or V; q's, k's and v's TMA boxes one-byte columns as wide as their swizzle, out's two-byte,
or one-byte for an e4m3 output, stored by bytes)
or `NAME: simt (REASON)`. Exits 1 when a wgmma build breaks one of those rules. With --summary
(a directory of random kernels): `DIR: N wgmma builds checked` when every wgmma build passes."""
import glob, json, os, re, sys

summary = sys.argv[1] == "--summary"
d = sys.argv[2] if summary else sys.argv[1]
wgmma = 0
for f in sorted(glob.glob(os.path.join(d, "*.json"))):
    j = json.load(open(f))
    name = j["kernel"]
    if j["mapping"] != "wgmma":
        if not summary:
            print(f"{name}: {j['mapping']} ({j['fallback']})")
        continue
    q = next(p for p in j["params"] if p["name"] == "q")
    if q["dtype"] != "e4m3":
        continue
    wgmma += 1
    ptx = open(os.path.join(d, j["ptx"])).read()
    problems = []
    # The RS form takes A as a brace list of registers, the SS form a descriptor.
    fp8 = re.findall(r"wgmma\.mma_async\.sync\.aligned\.m64n\d+k32\.f32\.e4m3\.e4m3 \{[^}]*\},\s*(\S)",
                     ptx)
    if "{" not in fp8:
        problems.append("no RS FP8 wgmma (P V)")
    if not [x for x in fp8 if x != "{"]:
        problems.append("no SS FP8 wgmma (Q K^T)")
    if "cvt.rn.satfinite.e4m3x2.f32" not in ptx:
        problems.append("P not rounded to e4m3")
    if "cvt.rn.f16x2.e4m3x2" in ptx:
        problems.append("K or V converted to 16 bits")
    t = j["tma"]
    for x in ("q", "k", "v"):
        if t["box"][x][0] != t["swizzle"][x]:
            problems.append(f"{x}'s box is not {t['swizzle'][x]} one-byte columns")
    out = next(p for p in j["params"] if p["name"] == "out")
    out_bytes = 1 if out["dtype"] == "e4m3" else 2
    if t["box"]["out"][0] * out_bytes != t["swizzle"]["out"]:
        problems.append(f"out's box is not {out_bytes}-byte columns")
    # An e4m3 output: each element converted by cvt.rn.satfinite (saturating), no 16-bit O.
    if out_bytes == 1 and not re.search(r"st\.global\.(u8|b8)", ptx):
        problems.append("no byte stores of the e4m3 output")
    if problems:
        print(f"{name}: " + "; ".join(problems))
        sys.exit(1)
    if not summary:
        tile = j["launch"]["block_m"], t["box"]["k"][1]
        print(f"{name}: wgmma {j['schedule']} stages {j['stages']} tile {tile[0]}x{tile[1]}")
if summary:
    print(f"{os.path.basename(d)}: {wgmma} wgmma builds checked")
