#!/usr/bin/env python3
"""Where a kernel's tensor-core instructions are: reads `cuobjdump --dump-sass` of one cubin
and prints, for each function, its HGMMA count, how many of them lie inside a loop (between
the target of a backward branch and the branch), the loops that hold any, and its local-memory
instructions (LDL / STL: spills or stack arrays). Exit status 1 when a function named in
--expect-loop (a tensor-core kernel) has no HGMMA inside a loop or any local-memory
instruction; the others (the SIMT mapping keeps per-thread arrays on the stack) are reported.

usage: cuobjdump --dump-sass k.cubin | sass-check.py [--expect-loop NAME ...] [--label LABEL]
"""
import argparse
import re
import sys

ADDR = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(.*?);")
LABEL = re.compile(r"^\s*(\.L_x_\d+):")
BRANCH = re.compile(r"\bBRA(?:\.[A-Z0-9.]+)?\s+(?:`\((\.L_x_\d+)\)|(0x[0-9a-f]+))")


def functions(lines):
    """(name, [(address, instruction)], {label: address}) for each function of the dump."""
    name, code, labels, pending = None, [], {}, []
    for line in lines:
        m = re.match(r"\s*Function : (\S+)", line)
        if m:
            if name:
                yield name, code, labels
            name, code, labels, pending = m[1], [], {}, []
            continue
        if name is None:
            continue
        m = LABEL.match(line)
        if m:
            pending.append(m[1])
            continue
        m = ADDR.search(line)
        if m:
            addr = int(m[1], 16)
            for label in pending:
                labels[label] = addr
            pending = []
            code.append((addr, m[2].strip()))
    if name:
        yield name, code, labels


def analyze(code, labels):
    loops = []  # (start, end) of each backward branch
    for addr, ins in code:
        m = BRANCH.search(ins)
        if not m:
            continue
        target = labels.get(m[1]) if m[1] else int(m[2], 16)
        if target is not None and target <= addr:
            loops.append((target, addr))
    hgmma = [a for a, ins in code if "HGMMA" in ins]
    in_loop = [a for a in hgmma if any(s <= a <= e for s, e in loops)]
    with_hgmma = [(s, e) for s, e in loops if any(s <= a <= e for a in hgmma)]
    local = sum(1 for _, ins in code if re.search(r"\b(LDL|STL)\b", ins))
    kinds = sorted({re.search(r"HGMMA\.[0-9x]+\.[A-Z0-9.]+", ins)[0]
                    for _, ins in code if re.search(r"HGMMA\.[0-9x]+\.[A-Z0-9.]+", ins)})
    return hgmma, in_loop, with_hgmma, local, kinds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--expect-loop", nargs="*", default=[],
                    help="functions whose main loop must hold HGMMA")
    ap.add_argument("--label", default="", help="prefix of each output line")
    args = ap.parse_args()
    ok, seen = True, set()
    for name, code, labels in functions(sys.stdin):
        seen.add(name)
        hgmma, in_loop, loops, local, kinds = analyze(code, labels)
        bad = name in args.expect_loop and (not in_loop or local > 0)
        ok &= not bad
        print(f"{args.label}{name}: instructions={len(code)} HGMMA={len(hgmma)} "
              f"in_loops={len(in_loop)} loops_with_HGMMA={len(loops)} LDL+STL={local} "
              f"{' '.join(kinds)}{'  << FAIL' if bad else ''}")
    for name in args.expect_loop:
        if name not in seen:
            print(f"{args.label}{name}: not in the dump  << FAIL")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
