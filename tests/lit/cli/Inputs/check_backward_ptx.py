"""Checks faattn-compile's output directories of backward kernels: every backward build (a
mode = backward kernel's, or the `backward_kernel` of a forward kernel with the `backward`
flag, in NAME.backward.ptx) says `backward` (faattn-backward-to-gpu's build: its `_dq` entry,
the ABI's workspace:delta last) and its PTX holds both entries; with ptxas' report, no spill.
Prints one line per directory: `DIR: N backward builds (M of flagged forwards)`; exits 1 at
the first build that breaks a rule."""
import glob, json, os, sys


def check(d, j, where):
    name = j["entry"]
    ptx = open(os.path.join(d, j["ptx"])).read()
    problems = []
    if not j.get("backward") or j["backward"]["dq_entry"] != name + "_dq":
        problems.append("no backward build")
    if j["params"][-1]["name"] != "workspace:delta":
        problems.append("workspace:delta is not the last argument")
    for entry in (name + "_dq", name):
        if f".visible .entry {entry}(" not in ptx:
            problems.append(f"no entry {entry}")
    r = j.get("resources")
    if r and (r["spill_stores"] or r["spill_loads"]):
        problems.append(f"spills: {r}")
    if problems:
        print(f"{where}: " + "; ".join(problems))
        sys.exit(1)


for d in sys.argv[1:]:
    builds = flagged = 0
    for f in sorted(glob.glob(os.path.join(d, "*.json"))):
        j = json.load(open(f))
        if j.get("backward") is not None:
            check(d, j, f)
            builds += 1
        elif j.get("backward_kernel") is not None:
            check(d, j["backward_kernel"], f + " (backward_kernel)")
            builds += 1
            flagged += 1
    print(f"{os.path.basename(d)}: {builds} backward builds ({flagged} of flagged forwards)")
