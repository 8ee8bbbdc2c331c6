"""What bench.py (forward, decode) and bench_backward.py (the backward's peers) share: the
variants' inputs and mods, and the commit a results file names."""
import os
import subprocess

import torch


def document_ids(S, device):
    """Documents of random lengths 1..S/3 over S tokens (seeded by S, so every script and
    faattn's --param file see the same ids): int32 (S,)."""
    g = torch.Generator().manual_seed(S)
    lens, total = [], 0
    while total < S:
        n = int(torch.randint(1, max(2, S // 3 + 1), (1,), generator=g))
        lens.append(min(n, S - total))
        total += lens[-1]
    return torch.repeat_interleave(torch.arange(len(lens), dtype=torch.int32),
                                   torch.tensor(lens)).to(device)


def causal_mask(b, h, i, j):
    return i >= j


def window_mask(b, h, i, j):
    return (i >= j) & (i - j < 1024)


def softcap_score(score, b, h, i, j):
    return 50.0 * torch.tanh(score / 50.0)


def alibi_score(slopes):
    def mod(score, b, h, i, j):
        return score - slopes[h] * (i - j)
    return mod


def document_mask(doc):
    def mod(b, h, i, j):
        return (doc[i] == doc[j]) & (i >= j)
    return mod


def commit():
    """The commit the faattn binaries were built from: $FAATTN_COMMIT, bundle/COMMIT
    (tools/bundle.sh), else git's HEAD."""
    if os.environ.get("FAATTN_COMMIT"):
        return os.environ["FAATTN_COMMIT"]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bundle", "COMMIT")
    if os.path.exists(path):
        return open(path).read().strip()
    return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True,
                          text=True).stdout.strip() or "unknown"
