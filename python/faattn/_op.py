"""The torch op: faattn::attention (and faattn::attention_backward).

Registered with torch.library.custom_op, with a fake implementation, so that
torch.compile(fullgraph=True) traces a model that calls it as one opaque node.
The kernel is named by a string, the id faattn.compile registered it under.

Tensors are taken as PyTorch's SDPA and FlexAttention take them, heads before
the sequence: q (batch, heads, seq_q, head_dim), k and v (batch, kv_heads,
seq_kv, head_dim); varlen: (heads, total, head_dim); paged K/V: (num_pages,
kv_heads, page, head_dim). Their memory must be the spec's layout: bshd
(batch, seq, heads, head_dim contiguous, which is what .view(b, s, h, d)
.transpose(1, 2) of a projection gives) or bhsd (contiguous as given).
"""
from typing import List, Optional, Tuple

import torch

from . import _lib
from ._lib import FaattnError

# id -> faattn.Kernel (faattn/__init__.py fills it).
KERNELS = {}

_TORCH_CODES = {
    torch.float16: _lib.F16,
    torch.bfloat16: _lib.BF16,
    torch.float32: _lib.F32,
    torch.int32: _lib.I32,
}
if hasattr(torch, "float8_e4m3fn"):
    _TORCH_CODES[torch.float8_e4m3fn] = _lib.E4M3
_SPEC_TORCH = {"f16": torch.float16, "bf16": torch.bfloat16, "f32": torch.float32}
if hasattr(torch, "float8_e4m3fn"):
    _SPEC_TORCH["e4m3"] = torch.float8_e4m3fn


def dtype_name(dt):
    code = _TORCH_CODES.get(dt)
    return _lib.DTYPE_NAMES[code] if code is not None else str(dt).replace("torch.", "")


def _kernel(kid):
    k = KERNELS.get(kid)
    if k is None:
        raise FaattnError(f"no faattn kernel registered as '{kid}' (compile it with faattn.compile "
                          "in this process first)")
    return k


def _fail(info, msg):
    return FaattnError(f"launch of kernel '{info['name']}': {msg}")


def _ranks(info):
    """(q/out rank, k/v rank)."""
    paged = info["page"] > 0
    return (3 if info["varlen"] else 4), (3 if info["varlen"] and not paged else 4)


def _physical(info, what, t, rank):
    """The view of logical (heads-first) `t` in the spec's layout, refused unless
    that view is contiguous (the layout read from the strides)."""
    if t.dim() != rank:
        raise _fail(info, f"tensor '{what}' must have rank {rank}, got {t.dim()}")
    hd, sd = rank - 3, rank - 2  # heads and sequence dims of the logical form
    bshd = t.transpose(hd, sd)
    phys, other = (bshd, t) if info["layout"] == "bshd" else (t, bshd)
    if phys.is_contiguous():
        return phys
    got = ("laid out " + ("bhsd" if info["layout"] == "bshd" else "bshd") + " in memory"
           if other.is_contiguous() else "neither bshd nor bhsd in memory")
    form = ("(heads, seq, head_dim)" if rank == 3 else "(batch, heads, seq, head_dim)")
    raise _fail(info, f"tensor '{what}' {form} of shape {tuple(t.shape)} and strides "
                f"{tuple(t.stride())} is {got}; the spec's layout = {info['layout']} needs "
                f"{'the heads and sequence dims transposed from a contiguous tensor' if info['layout'] == 'bshd' else 'a contiguous tensor'}"
                f" (x.transpose({hd}, {sd}).contiguous().transpose({hd}, {sd}) for bshd, "
                f"x.contiguous() for bhsd)")


def _logical(info, phys, rank):
    hd, sd = rank - 3, rank - 2
    return phys.transpose(hd, sd) if info["layout"] == "bshd" else phys


def _out_dtype(info, q):
    if q.device.type == "cpu" and q.dtype == torch.float32:
        return torch.float32
    return _SPEC_TORCH[info["out_dtype"]]


def _outputs(info, q_phys, q_dtype, rank, device, empty):
    """out (logical view of a physical tensor) and lse, allocated by `empty`."""
    out_phys_shape = list(q_phys.shape)
    out_phys_shape[-1] = info["head_dim_v"]
    out = _logical(info, empty(out_phys_shape, dtype=q_dtype, device=device), rank)
    if info["return_lse"]:
        b_h_s = ([info["heads_q"], q_phys.shape[0 if info["layout"] == "bshd" else 1]]
                 if info["varlen"] else
                 [q_phys.shape[0], info["heads_q"],
                  q_phys.shape[1 if info["layout"] == "bshd" else 2]])
        lse = empty(b_h_s, dtype=torch.float32, device=device)
    else:
        lse = empty([0], dtype=torch.float32, device=device)
    return out, lse


def _code(info, what, t, expect=None):
    code = _TORCH_CODES.get(t.dtype)
    if code is None:
        raise _fail(info, f"tensor '{what}' must be {expect or 'a faattn dtype'}, got "
                    f"{dtype_name(t.dtype)}")
    return code


def _index(info, what, t, device):
    if t is None:
        return None
    if t.device != device:
        raise _fail(info, f"tensor '{what}' is on {t.device}, q on {device}")
    if not t.is_contiguous():
        raise _fail(info, f"tensor '{what}' must be contiguous (row-major strides)")
    return _lib.make_tensor(t.data_ptr(), _code(info, what, t, "i32"), t.shape)


# The inputs' strides are the layout the kernel reads: compilers must pass them unchanged.
_TAGS = tuple(getattr(torch.Tag, t) for t in ("needs_exact_strides",) if hasattr(torch.Tag, t))


@torch.library.custom_op("faattn::attention", mutates_args=(), tags=_TAGS)
def attention(kernel: str, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
              params: List[torch.Tensor], cu_seqlens_q: Optional[torch.Tensor],
              cu_seqlens_kv: Optional[torch.Tensor], max_seqlen_q: int,
              block_table: Optional[torch.Tensor], seqlens_kv: Optional[torch.Tensor],
              max_seqlen_kv: int = 0) -> Tuple[torch.Tensor, torch.Tensor]:
    kern = _kernel(kernel)
    info = kern.info
    rq, rkv = _ranks(info)
    qp, kp, vp = (_physical(info, "q", q, rq), _physical(info, "k", k, rkv),
                  _physical(info, "v", v, rkv))
    device = q.device
    for what, t in (("k", k), ("v", v)) + tuple(
            (f"param {n}", p) for n, p in zip(kern.param_names, params)):
        if t.device != device:
            raise _fail(info, f"tensor '{what}' is on {t.device}, q on {device}")
    # q in the spec's dtype, k and v in its kv_dtype (the same unless an e4m3 KV cache).
    spec_dts = {"q": info["dtype"], "k": info["kv_dtype"], "v": info["kv_dtype"]}
    cpu = device.type == "cpu"
    codes = {}
    for what, t in (("q", q), ("k", k), ("v", v)):
        codes[what] = _code(info, what, t, spec_dts[what])
        # The CPU path computes in f32: f32 tensors are taken there (checked as the spec's dtype).
        if cpu and t.dtype == torch.float32:
            codes[what] = _TORCH_CODES[_SPEC_TORCH[spec_dts[what]]]
    out, lse = _outputs(info, qp, _out_dtype(info, q), rq, device, torch.empty)
    out_phys = _physical(info, "out", out, rq)
    out_code = _TORCH_CODES[_SPEC_TORCH[info["out_dtype"]]]
    ptensors = []
    for name, p in zip(kern.param_names, params):
        if not p.is_contiguous():
            raise _fail(info, f"tensor 'param {name}' must be contiguous (row-major strides)")
        ptensors.append((name, _lib.make_tensor(p.data_ptr(), _code(info, f"param {name}", p),
                                                p.shape)))
    idx = dict(cu_seqlens_q=_index(info, "cu_seqlens_q", cu_seqlens_q, device),
               cu_seqlens_kv=_index(info, "cu_seqlens_kv", cu_seqlens_kv, device),
               block_table=_index(info, "block_table", block_table, device),
               seqlens_kv=_index(info, "seqlens_kv", seqlens_kv, device))
    lse_t = (_lib.make_tensor(lse.data_ptr(), _lib.F32, lse.shape) if info["return_lse"]
             else None)

    def t(x, code):
        return _lib.make_tensor(x.data_ptr(), code, x.shape)

    args = _lib.make_args(
        t(qp, codes["q"]), t(kp, codes["k"]), t(vp, codes["v"]), t(out_phys, out_code), lse_t,
        max_seqlen_q=max_seqlen_q, max_seqlen_kv=max_seqlen_kv, params=ptensors, **idx)
    if not cpu:
        # The launch runs the runtime's checks itself (the same messages as validate).
        with torch.cuda.device(device):
            stream = torch.cuda.current_stream(device).cuda_stream
            kern._c.launch(args,
                           device.index if device.index is not None
                           else torch.cuda.current_device(),
                           stream)
        return out, lse
    # The runtime's checks on the tensors as given (the CPU path below takes f32 copies).
    kern._c.validate(args)
    # CPU: f32 copies in the spec's layout, the CPU execution path, the result cast back.
    q32, k32, v32 = (x.to(torch.float32).contiguous() for x in (qp, kp, vp))
    o32 = out_phys if out_phys.dtype == torch.float32 else torch.empty(
        out_phys.shape, dtype=torch.float32)
    kern._c.run_cpu(_lib.make_args(
        t(q32, _lib.F32), t(k32, _lib.F32), t(v32, _lib.F32), t(o32, _lib.F32), lse_t,
        max_seqlen_q=max_seqlen_q, max_seqlen_kv=max_seqlen_kv, params=ptensors, **idx))
    if o32 is not out_phys:
        out_phys.copy_(o32)
    return out, lse


@attention.register_fake
def _(kernel, q, k, v, params, cu_seqlens_q, cu_seqlens_kv, max_seqlen_q, block_table,
      seqlens_kv, max_seqlen_kv=0):
    info = _kernel(kernel).info
    rq, _ = _ranks(info)
    qp = _physical(info, "q", q, rq) if q.dim() == rq else None
    if qp is None:
        raise _fail(info, f"tensor 'q' must have rank {rq}, got {q.dim()}")
    return _outputs(info, qp, _out_dtype(info, q), rq, q.device, torch.empty)


def _physical_copy(info, t, rank, dtype):
    """A contiguous copy of logical `t` in the spec's layout (the physical tensor), of `dtype`
    on t's device, whatever strides the saved tensor or autograd's gradient arrives with (a
    compiler may re-stride them; the forward checked the layout of what the user passed). For
    bshd the physical shape is the logical one with heads and sequence swapped."""
    phys = torch.empty(_logical(info, t, rank).shape, dtype=dtype, device=t.device)
    _logical(info, phys, rank).copy_(t)
    return phys


def _backward_gpu(kern, grad_out, q, k, v, out, lse, params, cu_seqlens_q, cu_seqlens_kv,
                  max_seqlen_q):
    """The backward kernel of `kern` on CUDA tensors (the runtime's GPU backward), launched on
    the current stream of q's device."""
    bk = kern.backward_kernel()  # raises when the spec has no backward
    info = bk.info
    rq, rkv = _ranks(info)
    device = q.device
    phys = [_physical_copy(info, t, r, t.dtype) for t, r in ((q, rq), (k, rkv), (v, rkv), (out, rq))]
    dout = _physical_copy(info, grad_out, rq, out.dtype)
    grads = [torch.empty_like(x) for x in phys[:3]]
    names = [p["name"] for p in info["params"]]
    learnable = [p["name"] for p in info["params"] if p["requires_grad"]]
    ptensors = [(n, _lib.make_tensor(p.data_ptr(), _code(info, f"param {n}", p), p.shape))
                for n, p in zip(names, params)]
    pgrads = {n: torch.empty(p.shape, dtype=torch.float32, device=device)
              for n, p in zip(names, params) if n in learnable}
    lse = lse.contiguous()

    def t(x):
        return _lib.make_tensor(x.data_ptr(), _code(info, "tensor", x), x.shape)

    args = _lib.make_args(
        *[t(x) for x in phys], t(lse),
        cu_seqlens_q=_index(info, "cu_seqlens_q", cu_seqlens_q, device),
        cu_seqlens_kv=_index(info, "cu_seqlens_kv", cu_seqlens_kv, device),
        max_seqlen_q=max_seqlen_q, params=ptensors, dout=t(dout), dq=t(grads[0]),
        dk=t(grads[1]), dv=t(grads[2]), param_grads=[(n, t(g)) for n, g in pgrads.items()])
    with torch.cuda.device(device):
        stream = torch.cuda.current_stream(device).cuda_stream
        bk.launch(args, device.index if device.index is not None
                     else torch.cuda.current_device(), stream)
    dq, dk, dv = (_logical(info, g, r) for g, r in zip(grads, (rq, rkv, rkv)))
    return [dq, dk, dv] + [pgrads[n].to(p.dtype) for n, p in zip(names, params) if n in pgrads]


def _backward_cpu(kern, grad_out, q, k, v, out, lse, params, cu_seqlens_q, cu_seqlens_kv,
                  max_seqlen_q):
    """The backward kernel of `kern` on the CPU path: f32 copies in the spec's layout."""
    bk = kern.backward_kernel()  # raises when the spec has no backward
    info = bk.info
    rq, rkv = _ranks(info)

    def host(t, rank):
        return _physical_copy(info, t, rank, torch.float32)

    f32 = [host(t, r) for t, r in ((q, rq), (k, rkv), (v, rkv), (out, rq))]
    dout = host(grad_out, rq)
    grads = [torch.empty_like(x) for x in f32[:3]]
    names = [p["name"] for p in info["params"]]
    learnable = [p["name"] for p in info["params"] if p["requires_grad"]]
    ptensors = [(n, _lib.make_tensor(p.data_ptr(), _code(info, f"param {n}", p), p.shape))
                for n, p in zip(names, params)]
    pgrads = {n: torch.empty(p.shape, dtype=torch.float32)
              for n, p in zip(names, params) if n in learnable}

    lse = lse.contiguous()  # (kept alive through the call)

    def t(x):
        return _lib.make_tensor(x.data_ptr(), _TORCH_CODES[x.dtype], x.shape)

    bk.run_cpu(_lib.make_args(
        *[t(x) for x in f32], t(lse),
        cu_seqlens_q=_index(info, "cu_seqlens_q", cu_seqlens_q, q.device),
        cu_seqlens_kv=_index(info, "cu_seqlens_kv", cu_seqlens_kv, q.device),
        max_seqlen_q=max_seqlen_q, params=ptensors, dout=t(dout), dq=t(grads[0]),
        dk=t(grads[1]), dv=t(grads[2]), param_grads=[(n, t(g)) for n, g in pgrads.items()]))
    dq, dk, dv = (_logical(info, g, r).to(x.dtype)
                  for g, r, x in zip(grads, (rq, rkv, rkv), (q, k, v)))
    return [dq, dk, dv] + [pgrads[n].to(p.dtype) for n, p in zip(names, params) if n in pgrads]


@torch.library.custom_op("faattn::attention_backward", mutates_args=(), tags=_TAGS)
def attention_backward(kernel: str, grad_out: torch.Tensor, q: torch.Tensor, k: torch.Tensor,
                       v: torch.Tensor, out: torch.Tensor, lse: torch.Tensor,
                       grad_lse: Optional[torch.Tensor], params: List[torch.Tensor],
                       cu_seqlens_q: Optional[torch.Tensor],
                       cu_seqlens_kv: Optional[torch.Tensor], max_seqlen_q: int
                       ) -> List[torch.Tensor]:
    """dq, dk, dv, then the gradient of each requires_grad param (in the spec's order)."""
    kern = _kernel(kernel)
    # The backward kernel reads dL/d out only: a loss that reads the LSE too would get a
    # wrong gradient, so it is refused (here, in the op, where the values are known even
    # when autograd's graph is traced).
    if grad_lse is not None and grad_lse.numel() and bool(grad_lse.ne(0).any()):
        raise FaattnError(f"faattn: kernel '{kern.name}': the backward takes the gradient of "
                          "out only; a loss that depends on the returned lse has no backward")
    if q.device.type == "cuda":
        return _backward_gpu(kern, grad_out, q, k, v, out, lse, params, cu_seqlens_q,
                             cu_seqlens_kv, max_seqlen_q)
    return _backward_cpu(kern, grad_out, q, k, v, out, lse, params, cu_seqlens_q,
                         cu_seqlens_kv, max_seqlen_q)


@attention_backward.register_fake
def _(kernel, grad_out, q, k, v, out, lse, grad_lse, params, cu_seqlens_q, cu_seqlens_kv,
      max_seqlen_q):
    learnable = {p["name"] for p in _kernel(kernel).info["params"] if p["requires_grad"]}
    names = _kernel(kernel).param_names
    return [torch.empty_like(q), torch.empty_like(k), torch.empty_like(v)] + [
        torch.empty_like(p) for n, p in zip(names, params) if n in learnable]


def _setup_context(ctx, inputs, output):
    (kernel, q, k, v, params, cu_seqlens_q, cu_seqlens_kv, max_seqlen_q, block_table,
     seqlens_kv, _max_seqlen_kv) = inputs
    ctx.kernel, ctx.max_seqlen_q = kernel, max_seqlen_q
    ctx.params_need_grad = [p.requires_grad for p in params]
    # An output the loss does not read comes to _backward as None, not as zeros: the lse's
    # gradient is then None and attention_backward's check that it is zero (a read of the
    # device, which stalls the stream) is not made on every backward call.
    ctx.set_materialize_grads(False)
    ctx.save_for_backward(q, k, v, output[0], output[1], cu_seqlens_q, cu_seqlens_kv, *params)


def _backward(ctx, grad_out, grad_lse):
    q, k, v, out, lse, cu_seqlens_q, cu_seqlens_kv, *params = ctx.saved_tensors
    kern = _kernel(ctx.kernel)
    # A param PyTorch would train but the spec gives no gradient: refused, not left untrained.
    for p, wants in zip(kern.info["params"], ctx.params_need_grad):
        if wants and not p["requires_grad"]:
            raise FaattnError(f"faattn: kernel '{kern.name}': param '{p['name']}' requires grad "
                              "in PyTorch, but the spec does not mark it requires_grad (mark "
                              "it, or pass it detached)")
    if grad_out is None:
        grad_out = torch.zeros_like(out)
    res = attention_backward(ctx.kernel, grad_out, q, k, v, out, lse, grad_lse, params,
                             cu_seqlens_q, cu_seqlens_kv, ctx.max_seqlen_q)
    learnable = iter(res[3:])
    pgrads = [next(learnable) if p["requires_grad"] else None for p in kern.info["params"]]
    # One entry per input as the op was called: needs_input_grad has that structure (the
    # inputs setup_context sees can differ: the dispatcher drops arguments equal to their
    # default and setup_context gets them back, and torch versions differ in which).
    grads = [None] * len(ctx.needs_input_grad)
    grads[1:5] = [res[0], res[1], res[2], pgrads]
    return tuple(grads)


attention.register_autograd(_backward, setup_context=_setup_context)
