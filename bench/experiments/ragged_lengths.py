#!/usr/bin/env python3
"""The ragged KV lengths faattn-run draws (tools/faattn-run/Placement.cpp's `place`, the
default seed 1, no --uniform-lengths) for bench/experiments/ragged-decode.sh's shapes, and
their total against the uniform batch's: the work a balanced split grid has, against the
longest sequence that bounds the unbalanced one.
Usage: ragged_lengths.py [varlen|paged] B:SEQ_KV... (seq_q 1)"""
import sys

M = 2**64


def lengths(kind, B, seq_q, seq_kv, seed=1):
    state = (seed * 1000003 * 0x9E3779B97F4A7C15 + 12345) % M

    def draw(mx):
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) % M
        return 1 + (state >> 33) % mx

    def lens(mx, allow_empty):
        return [mx if b == 0 else (0 if (b == 2 and allow_empty) else draw(mx)) for b in range(B)]

    if kind == "varlen":
        lens(seq_q, False)  # the query lengths are drawn first
    return lens(seq_kv, True)


if __name__ == "__main__":
    kind = sys.argv[1]
    for arg in sys.argv[2:]:
        B, S = map(int, arg.split(":"))
        kv = lengths(kind, B, 1, S)
        print(f"{kind} b={B} kv={S}: total {sum(kv)} of {B * S} ({sum(kv) / (B * S):.3f}), "
              f"max {max(kv)}, lengths {kv[:8]}{' ...' if B > 8 else ''}")
