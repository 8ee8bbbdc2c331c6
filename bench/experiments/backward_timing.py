"""The commit of a result file, and the backward alone, timed as the backward experiments time it: one forward kept,
`out.backward(dout)` with CUDA events, the inputs' grads reset before each call, the median of
`reps` runs after one warm-up (bench/experiments/backward_vs_sdpa.py, backward_deterministic.py)."""
import os
import statistics
import subprocess

import torch


def source_commit():
    """The commit the results belong to: FAATTN_SOURCE_COMMIT (a run of another bundle's
    library), else the bundle's (bundle/COMMIT), else the checkout's."""
    if os.environ.get("FAATTN_SOURCE_COMMIT"):
        return os.environ["FAATTN_SOURCE_COMMIT"]
    try:
        return open("bundle/COMMIT").read().strip()
    except OSError:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()


def backward_ms(forward, inputs, reps, dout=None):
    """Median ms of forward().backward(dout) over `reps` runs; dout random when None."""
    out = forward()
    if dout is None:
        dout = torch.randn_like(out)
    times = []
    for i in range(reps + 1):
        for x in inputs:
            x.grad = None
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        out.backward(dout, retain_graph=True)
        end.record()
        torch.cuda.synchronize()
        if i:
            times.append(start.elapsed_time(end))
    return statistics.median(times)
