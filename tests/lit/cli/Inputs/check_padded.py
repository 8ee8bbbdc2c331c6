"""Checks faattn-compile's output directory of kernels whose head dims are multiples of 8 but
not of 16 (tests/lit/cli/padded-head-dims.test). Prints one line per kernel, `NAME: MAPPING
tma|no-tma qk=D v=DV` or `NAME: MAPPING (FALLBACK)` for a SIMT one. Exits 1 when a wgmma
build breaks a rule of the padding: the ABI keeps the spec's head dims (the tensors are not
padded, only the tiles), the PTX has wgmma products, and, with ptxas' report, no spill. (The
TMA boxes and transaction bytes of the padded tiles are checked on the IR by the test.)"""
import glob, json, os, sys

d = sys.argv[1]
for f in sorted(glob.glob(os.path.join(d, "*.json"))):
    j = json.load(open(f))
    name = j["kernel"]
    p = {x["name"]: x for x in j["params"]}
    dqk, dv = p["q"]["shape"][-1], p["v"]["shape"][-1]
    if j["mapping"] != "wgmma":
        print(f"{name}: {j['mapping']} ({j['fallback']})")
        continue
    problems = []
    if p["k"]["shape"][-1] != dqk or p["out"]["shape"][-1] != dv:
        problems.append("the ABI's head dims differ between q/k or v/out")
    ptx = open(os.path.join(d, j["ptx"])).read()
    if "wgmma.mma_async" not in ptx:
        problems.append("no wgmma")
    t = j.get("tma")
    r = j.get("resources")
    if r and (r["spill_stores"] or r["spill_loads"]):
        problems.append(f"spills: {r}")
    if problems:
        print(f"{name}: " + "; ".join(problems))
        sys.exit(1)
    print(f"{name}: wgmma {'tma' if t else 'no-tma'} qk={dqk} v={dv}")
