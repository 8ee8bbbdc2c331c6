#!/usr/bin/env python3
"""Generates tests/fuzz/hostile/: hostile spec inputs (issue 21 item 7).

Deterministic (no randomness that is not seeded): re-running it rewrites the
same files. Each file's name says what it expects:
  bad-*.fa  must be rejected: exit 1 with a `file:line:col: error:` line and
            no crash, hang, LLVM ERROR or sanitizer report;
  ok-*.fa   must be accepted (edge values that are valid).
check-hostile.sh runs every file through faattn-compile and checks this; the
libFuzzer run (run.sh) takes the directory as seeds too.

usage: gen-hostile.py <out-dir>
"""
import os
import random
import sys

BASE = ("kernel k { heads = 8 : 2; head_dim = 64; dtype = bf16\n"
        "  param slopes : f32[heads]\n"
        "  score = score - slopes[h] * (q_idx - kv_idx)\n"
        "  mask = causal }\n")
DECODE = ("kernel d { mode = decode; heads = 32 : 8; head_dim = 128\n"
          "  paged_kv(page = 64); return_lse }\n")
VARLEN = ("kernel v { heads = 16 : 4; head_dim = 128; varlen\n"
          "  mask = q_idx >= kv_idx && q_idx - kv_idx < 256 }\n")


def kernel(body, name="k"):
    return "kernel %s { %s }\n" % (name, body)


def with_key(key, value, base="heads = 8; head_dim = 64"):
    return kernel("%s\n  %s = %s" % (base, key, value))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.endswith(".fa"):
            os.remove(os.path.join(out, f))
    files = {}

    # Generated as hostile, but valid: the language accepts them (a division
    # by a value that can be 0 is defined at run time, docs/spec-language.md).
    accepted = {"combination-01", "deep-calls-200", "deep-parens-200", "deep-unary-200",
                "literal-08", "param-type-00", "param-type-05", "score-expr-26",
                "score-expr-32"}

    def add(kind, name, text):
        assert kind in ("bad", "ok")
        if name in accepted:
            kind = "ok"
        fname = "%s-%s.fa" % (kind, name)
        assert fname not in files, fname
        files[fname] = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text

    # 1. Truncations: every prefix of three specs that lacks the closing brace.
    for label, spec in (("base", BASE), ("decode", DECODE), ("varlen", VARLEN)):
        cut = spec.rstrip().rstrip("}")
        step = max(1, len(cut) // 40)
        for i in range(0, len(cut), step):
            add("bad", "truncated-%s-%03d" % (label, i), spec[:i])

    # 2. Bytes that do not belong: NUL, 0xff, invalid UTF-8, control bytes,
    #    a lone CR, a BOM in the middle, at a few places in a valid spec.
    junk = {"nul": b"\x00", "ff": b"\xff", "badutf8": b"\xc3\x28", "ctrl": b"\x07",
            "esc": b"\x1b[31m", "bom-inside": b"\xef\xbb\xbf", "del": b"\x7f",
            "overlong": b"\xc0\xaf", "surrogate": b"\xed\xa0\x80"}
    places = {"name": BASE.index("k {") + 1, "key": BASE.index("head_dim"),
              "expr": BASE.index("slopes[h]"), "value": BASE.index("64")}
    b = BASE.encode()
    for jn, j in junk.items():
        for pn, p in places.items():
            add("bad", "bytes-%s-in-%s" % (jn, pn), b[:p] + j + b[p:])

    # 3. Numbers at and past their limits.
    huge = ["0", "-1", "-2147483648", "2147483648", "4294967296", "9223372036854775807",
            "9223372036854775808", "18446744073709551616", "99999999999999999999999999",
            "1e9", "0x40", "64.0", "6_4", "+8", "--8", "8 8", "", "nan", "inf"]
    for i, v in enumerate(huge):
        add("bad", "heads-%02d" % i, kernel("heads = %s; head_dim = 64" % v))
        add("bad", "head-dim-%02d" % i, kernel("heads = 8; head_dim = %s" % v))
    for i, v in enumerate(["8 : 0", "8 : 3", "8 : -2", "8 : 16", "0 : 0", "8 :", ": 8",
                           "8 : 2 : 1", "2147483647 : 1"]):
        add("bad", "heads-gqa-%02d" % i, kernel("heads = %s; head_dim = 64" % v))
    for i, v in enumerate(["0x0", "0x64", "1x1", "7x64", "64x7", "99999x99999", "128",
                           "128x", "x128", "128x128x128", "-64x64", "1e3x64"]):
        add("bad", "tile-%02d" % i, with_key("tile", v))
    for i, v in enumerate(["0", "-1", "1000", "2147483648", "two"]):
        add("bad", "stages-%02d" % i, with_key("stages", v))
    for i, v in enumerate(["0", "-64", "3", "2147483648", "99999999999999999999", "", "x"]):
        add("bad", "page-%02d" % i,
            kernel("mode = decode; heads = 8; head_dim = 64; paged_kv(page = %s)" % v))
    for i, v in enumerate(["nan", "inf", "-inf", "0", "-1", "1e999", "1e-999x", "\"0.5\"",
                           "0.5.5", "q_idx"]):
        add("bad", "scale-%02d" % i, with_key("scale", v))
    for i, v in enumerate(["-1, 0", "0, -1", "9223372036854775807, 0", "a, b", "1", "1, 2, 3",
                           "", "1.5, 2"]):
        add("bad", "window-%02d" % i, with_key("mask", "window(%s)" % v))
    for i, lit in enumerate(["99999999999999999999", "2147483648", "1e400", "0x10", "1..2",
                             ".", "1e", "1e+", "08.", "1_000"]):
        add("bad", "literal-%02d" % i, with_key("score", "score + %s" % lit))

    # 4. Keys and values the language does not have, and duplicates.
    for i, k in enumerate(["head", "heads_q", "dtype2", "Mask", "SCORE", "tiles", "stage",
                           "layouts", "returnlse", "pagedkv", "kernel", "param", "", "1abc",
                           "head-dim", "h\u00e9ads", "mask.x", "score[0]"]):
        add("bad", "unknown-key-%02d" % i, with_key(k, "1"))
    for i, (k, v) in enumerate([("dtype", "f64"), ("dtype", "fp8"), ("dtype", "int8"),
                                ("mode", "training"), ("mode", "Forward"), ("layout", "bsdh"),
                                ("target", "sm_100"), ("target", "sm_90"), ("schedule", "fast"),
                                ("grid", "huge"), ("tile_order", "random"),
                                ("overlap", "everything"), ("return_lse", "maybe"),
                                ("varlen", "2"), ("dtype", ""), ("mode", "")]):
        add("bad", "bad-value-%02d" % i, with_key(k, v))
    for i, k in enumerate(["heads = 8", "head_dim = 64", "dtype = bf16", "mask = causal",
                           "score = score", "tile = 128x64", "return_lse"]):
        add("bad", "duplicate-key-%02d" % i,
            kernel("heads = 8; head_dim = 64; dtype = bf16; mask = causal; score = score;"
                   " tile = 128x64; return_lse; " + k))
    add("bad", "duplicate-kernel", kernel("heads = 8; head_dim = 64") * 2)
    add("bad", "duplicate-kernel-far",
        "".join(kernel("heads = 8; head_dim = 64", "k%d" % i) for i in range(500)) +
        kernel("heads = 8; head_dim = 64", "k17"))
    add("bad", "duplicate-param", kernel("heads = 8; head_dim = 64\n param p : f32\n"
                                         " param p : f32[heads]"))
    for i, n in enumerate(["q_idx", "kv_idx", "score", "h", "b", "seq_q", "seq_kv", "tanh",
                           "causal", "window", "exp", "where"]):
        add("bad", "reserved-param-%02d" % i,
            kernel("heads = 8; head_dim = 64\n param %s : f32" % n))
    for i, d in enumerate(["f32[heads, heads, heads, heads, heads]", "f32[nope]", "f64",
                           "f32[]", "f32[heads", "i32[batch, seq_q, seq_kv, heads]",
                           "bool", "f32[8]", "f32[-1]", ""]):
        add("bad", "param-type-%02d" % i, kernel("heads = 8; head_dim = 64\n param p : %s" % d))
    for i, m in enumerate(["", "missing-heads", "missing-head-dim"]):
        body = {"": "", "missing-heads": "head_dim = 64", "missing-head-dim": "heads = 8"}[m]
        add("bad", "missing-key-%02d" % i, kernel(body))

    # 5. Expressions: types, names, arity, depth, size.
    exprs = ["score +", "score + + score", "(score", "score)", "score[0]", "q_idx[0]",
             "nope", "tanh()", "tanh(score, score)", "min(score)", "max(1)",
             "where(score, 1, 2)", "where(q_idx > 0, score)", "score > 0", "q_idx && kv_idx",
             "!score", "score ? 1 : 2", "score = 1", "slopes", "slopes[h][h]",
             "slopes[h, h]", "exp2", "log(", "abs(q_idx > 1)", "score %% 2.5", "1 / 0",
             "score / (q_idx - q_idx)", "score ** 2", "score << 1", "score ^ 2",
             "'score'", "\"score\"", "score;;", "{score}", "score # unterminated (",
             "causal", "window(1, 2)"]
    for i, e in enumerate(exprs):
        add("bad", "score-expr-%02d" % i,
            kernel("heads = 8; head_dim = 64\n param slopes : f32[heads]\n score = %s" % e))
    masks = ["score > 0", "1", "q_idx", "q_idx + kv_idx", "tanh(q_idx) > 0.5 +",
             "q_idx >= kv_idx &&", "true false", "q_idx >= kv_idx || score",
             "window(-1)", "causal && ", "q_idx > nope"]
    for i, m in enumerate(masks):
        add("bad", "mask-expr-%02d" % i, with_key("mask", m))
    for depth in (200, 1000, 20000):
        add("bad", "deep-parens-%d" % depth,
            with_key("score", "(" * depth + "score" + ")" * depth))
        add("bad", "deep-unary-%d" % depth, with_key("score", "-" * depth + "score"))
        add("bad", "deep-calls-%d" % depth,
            with_key("score", "tanh(" * depth + "score" + ")" * depth))
    for n in (2500, 20000):
        add("bad", "wide-expr-%d" % n, with_key("score", " + ".join(["score"] * n)))

    # 6. Sizes: names, files, nothing at all.
    add("ok", "name-128", kernel("heads = 8; head_dim = 64", "n" * 128))
    add("bad", "name-129", kernel("heads = 8; head_dim = 64", "n" * 129))
    add("bad", "name-20k", kernel("heads = 8; head_dim = 64", "n" * 20000))
    add("bad", "empty", "")
    add("bad", "only-comments", "# nothing here\n# still nothing\n")
    add("bad", "only-whitespace", " \t\n\n  \r\n")
    add("bad", "only-bom", b"\xef\xbb\xbf")
    add("bad", "kernel-no-name", "kernel { heads = 8; head_dim = 64 }\n")
    add("bad", "kernel-no-body", "kernel k\n")
    add("bad", "kernel-twice-open", "kernel k { kernel j { heads = 8; head_dim = 64 } }\n")
    add("bad", "unclosed-after-many",
        "".join(kernel("heads = 8; head_dim = 64", "k%d" % i) for i in range(200)) +
        "kernel last { heads = 8; head_dim = 64\n")
    add("bad", "long-line-garbage", "kernel k { heads = 8; head_dim = 64; " + "@" * 50000 + " }\n")
    add("bad", "many-semicolons", kernel(";" * 10000 + "heads = 8; head_dim = 64; bogus = 1"))
    add("bad", "many-params-dup",
        kernel("heads = 8; head_dim = 64\n" +
               "".join(" param p%d : f32\n" % i for i in range(3000)) + " param p5 : f32"))

    # 7. Combinations the targets refuse.
    combos = ["target = sm_80; dtype = e4m3", "mode = decode; varlen; paged_kv(page = 64); tile = 128x128",
              "mode = backward; paged_kv(page = 64)", "dtype = e4m3; head_dim = 100",
              "grid = persistent; mode = decode", "schedule = cooperative; target = sm_80",
              "head_dim = 1024", "head_dim = 264", "varlen; param ids : i32[batch, seq]\n"
              " mask = ids[b, q_idx] == ids[b, kv_idx]"]
    for i, c in enumerate(combos):
        add("bad", "combination-%02d" % i, kernel("heads = 8; head_dim = 64\n " + c
                                                  if "head_dim" not in c else "heads = 8; " + c))

    # 8. Seeded random mutations of the three specs (byte flips, deletions,
    #    duplications, swaps): kept only when they cannot be valid (the
    #    closing brace removed).
    rng = random.Random(21)
    for i in range(60):
        spec = bytearray([BASE, DECODE, VARLEN][i % 3].encode())
        for _ in range(rng.randint(1, 6)):
            op = rng.randrange(4)
            p = rng.randrange(len(spec))
            if op == 0:
                spec[p] = rng.randrange(256)
            elif op == 1:
                del spec[p]
            elif op == 2:
                spec[p:p] = spec[p:p + rng.randint(1, 20)]
            else:
                q = rng.randrange(len(spec))
                spec[p], spec[q] = spec[q], spec[p]
        spec = bytes(spec).replace(b"}", b"")
        add("bad", "mutation-%02d" % i, spec)

    # 9. Valid edge cases that must be accepted.
    add("ok", "heads-1", kernel("heads = 1; head_dim = 64"))
    add("ok", "crlf", "kernel k {\r\n  heads = 8\r\n  head_dim = 64\r\n}\r\n")
    add("ok", "bom", b"\xef\xbb\xbf" + kernel("heads = 8; head_dim = 64").encode())
    add("ok", "comments-everywhere",
        "# a\nkernel k # b\n{ # c\n heads = 8 # d\n head_dim = 64 # e\n} # f\n")
    add("ok", "many-kernels",
        "".join(kernel("heads = 8; head_dim = 64", "k%d" % i) for i in range(1000)))
    add("ok", "deep-parens-50", with_key("score", "(" * 50 + "score" + ")" * 50))
    add("ok", "utf8-comment", "# \u00e9\u00e8\u4e2d\u6587 \U0001F600\n" + kernel("heads = 8; head_dim = 64"))

    for fname, data in sorted(files.items()):
        with open(os.path.join(out, fname), "wb") as f:
            f.write(data)
    print("%d files (%d bad, %d ok) in %s" % (len(files),
                                             sum(n.startswith("bad-") for n in files),
                                             sum(n.startswith("ok-") for n in files), out))


if __name__ == "__main__":
    main()
