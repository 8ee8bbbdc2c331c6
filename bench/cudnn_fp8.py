"""cuDNN's FP8 attention forward (the cudnn-frontend Python package's sdpa_fp8), issue 24's peer.

The package is not in the GPU machine's image: carry its wheel (docs/FP8.md, "The cuDNN peer";
nvidia-cudnn-frontend 1.16.0 needs no other package) and it loads the cuDNN that PyTorch's
nvidia-cudnn package installed. `available()` says whether it imported; `time_ms` builds one
graph per shape (e4m3 Q, K, V in BSHD, per-tensor descales, O in e4m3 with its scale, as in
NVIDIA's published H200 sweep) and returns the median of do_bench, or None with the reason.
"""
import math

import torch

try:
    import cudnn
    _import_error = None
except Exception as e:  # not carried, or no cuDNN it can load
    cudnn = None
    _import_error = f"{type(e).__name__}: {e}"

_handle = None


def available():
    """None when the package imported, else why not."""
    return _import_error


def _bshd(graph, name, t, dtype):
    # t is (B, S, H, D) contiguous; cuDNN's dims are (B, H, S, D) with t's strides.
    b, s, h, d = t.shape
    return graph.tensor(name=name, dim=[b, h, s, d],
                        stride=[t.stride(0), t.stride(2), t.stride(1), t.stride(3)],
                        data_type=dtype)


def time_ms(B, H, S, D, causal, do_bench):
    """(median ms, relative L2 error of O against a float64 reference on a slice, None) or
    (None, None, reason)."""
    global _handle
    if cudnn is None:
        return None, None, _import_error
    try:
        if _handle is None:
            _handle = cudnn.create_handle()
        fp8 = cudnn.data_type.FP8_E4M3
        f32 = cudnn.data_type.FLOAT
        gen = torch.Generator(device="cuda").manual_seed(B * 131 + S)
        q32, k32, v32 = (torch.randn(B, S, H, D, device="cuda", generator=gen) for _ in range(3))
        q8, k8, v8 = (x.to(torch.float8_e4m3fn) for x in (q32, k32, v32))
        o8 = torch.empty(B, S, H, D, device="cuda", dtype=torch.float8_e4m3fn)
        one = lambda: torch.ones(1, 1, 1, 1, device="cuda", dtype=torch.float32)
        # Descales of 1 (the inputs are e4m3 already); S's scale 448 maps P in [0, 1] onto
        # e4m3's range and its descale undoes it; O's scale 1.
        values = {"descale_q": one(), "descale_k": one(), "descale_v": one(),
                  "descale_s": one() / 448.0, "scale_s": one() * 448.0, "scale_o": one()}
        amax_s_t, amax_o_t = one(), one()
        g = cudnn.pygraph(io_data_type=fp8, intermediate_data_type=f32, compute_data_type=f32,
                          handle=_handle)
        q, k, v = (_bshd(g, n, t, fp8) for n, t in (("q", q8), ("k", k8), ("v", v8)))
        scalars = {n: g.tensor(name=n, dim=[1, 1, 1, 1], stride=[1, 1, 1, 1], data_type=f32)
                   for n in values}
        o, _stats, amax_s, amax_o = g.sdpa_fp8(
            q=q, k=k, v=v, **scalars, is_inference=True, attn_scale=1.0 / math.sqrt(D),
            use_causal_mask=causal, name="sdpa_fp8")
        o.set_output(True).set_dim([B, H, S, D]).set_stride(
            [o8.stride(0), o8.stride(2), o8.stride(1), o8.stride(3)]).set_data_type(fp8)
        for a in (amax_s, amax_o):
            a.set_output(True).set_dim([1, 1, 1, 1]).set_stride([1, 1, 1, 1]).set_data_type(f32)
        g.validate()
        g.build_operation_graph()
        g.create_execution_plans([cudnn.heur_mode.A, cudnn.heur_mode.FALLBACK])
        g.check_support()
        g.build_plans()
        ws = torch.empty(g.get_workspace_size(), device="cuda", dtype=torch.uint8)
        pack = {q: q8, k: k8, v: v8, o: o8, amax_s: amax_s_t, amax_o: amax_o_t}
        pack.update({scalars[n]: values[n] for n in values})
        run = lambda: g.execute(pack, ws, handle=_handle)
        run()
        torch.cuda.synchronize()
        # The error on batch 0, head 0 (every query row) against float64 over the e4m3 inputs.
        qd, kd, vd = (x[0, :, 0].double() for x in (q8, k8, v8))
        s = qd @ kd.T / math.sqrt(D)
        if causal:
            s.masked_fill_(torch.ones(S, S, device="cuda", dtype=torch.bool).triu(1), -math.inf)
        ref = torch.softmax(s, -1) @ vd
        got = o8[0, :, 0].double()
        err = float((got - ref).norm() / ref.norm())
        return do_bench(run, warmup=10, rep=50, return_mode="median"), err, None
    except Exception as e:
        return None, None, f"{type(e).__name__}: {e}"[:300]
