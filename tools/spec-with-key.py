"""A spec file with tuning statements added to its kernels: the same kernels and names, for GPU
runs of a key over a whole test file (tools/gpu-quick.sh and gpu-suite.sh overlap) and for the
A/B scripts' variants of bench/grid.fa (bench/experiments/ab-key.sh, ab-alone.sh).

    python3 tools/spec-with-key.py "overlap = softmax" IN.fa OUT.fa [--tma-forward]

--tma-forward: only the kernels the key applies to on the wgmma TMA pipeline (target sm_90a,
mode forward, dtype bf16 or f16, no varlen or paged_kv, head dims multiples of 16); the others
are copied as they are. A kernel that sets the key already keeps its own value. Prints how many
kernels got the key.
"""
import re
import sys


def kernels(text):
    """(start, close) of each kernel: its 'kernel' keyword and its closing brace ('#' comments
    skipped, so that a brace in one does not count)."""
    out, i = [], 0
    for m in re.finditer(r"(?m)^\s*kernel\b", text):
        if m.start() < i:
            continue
        j = text.index("{", m.end())
        while True:
            c = text[j]
            if c == "#":
                j = text.find("\n", j)
                j = len(text) if j < 0 else j
            elif c == "}":
                break
            j += 1
        out.append((m.start(), j))
        i = j
    return out


def statements(body):
    body = re.sub(r"#[^\n]*", "", body)
    out = {}
    for st in re.split(r"[;\n]", body):
        if "=" in st and not re.search(r"[<>!=]=|==", st.split("=", 1)[0] + "="):
            k, v = st.split("=", 1)
            out[k.strip()] = v.strip()
        elif st.strip():
            out[st.strip()] = ""
    return out


def tma_forward(body):
    s = statements(body[body.index("{") + 1:])
    dims = [int(x) for x in re.findall(r"\d+", s.get("head_dim", "0"))]
    return (s.get("target", "sm_90a") == "sm_90a" and s.get("mode", "forward") == "forward"
            and s.get("dtype", "bf16") in ("bf16", "f16")
            and s.get("kv_dtype", s.get("dtype", "bf16")) in ("bf16", "f16") and "varlen" not in s
            and "paged_kv" not in s and dims and all(d % 16 == 0 for d in dims)
            and all(m % 64 == 0 for m in [int(t) for t in re.findall(r"(\d+)x", s.get("tile", ""))]))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    key, src, dst = args
    only_tma = "--tma-forward" in sys.argv
    text = open(src).read()
    out, last, n = [], 0, 0
    name = key.split("=", 1)[0].strip()
    for start, close in kernels(text):
        out.append(text[last:close])
        # A kernel that sets the key itself keeps its own value (a second one is an error).
        has = name in statements(text[text.index("{", start) + 1:close])
        if not has and (not only_tma or tma_forward(text[start:close])):
            out.append("; " + key + " ")
            n += 1
        last = close
    out.append(text[last:])
    open(dst, "w").write("".join(out))
    print(f"{src}: {n} of {len(kernels(text))} kernels with '{key}'")


if __name__ == "__main__":
    main()
