"""faattn from PyTorch.

    import faattn
    attn = faattn.compile("specs/softcap.fa", kernel="gemma2_local")
    out = attn(q, k, v)                    # q: (batch, heads, seq, head_dim), as SDPA takes it

`faattn.compile` compiles one kernel of a spec (text or a path) through the
runtime's memory and disk caches and returns a Kernel; calling it runs the
torch op faattn::attention (torch.compile traces it without a graph break):
on CUDA tensors the kernel is launched on the current stream of the tensors'
device; on CPU tensors it runs through faattn's CPU execution path (f32
compute; f32 tensors are accepted there besides the spec's dtype).
"""
import os
import threading

import torch

from . import _lib, _op
from ._lib import FaattnError
from ._quant import E4M3_MAX, hadamard_rotation, quantize_e4m3, rotate_qk

__all__ = ["compile", "Kernel", "FaattnError", "runtime", "library_path", "quantize_e4m3",
           "hadamard_rotation", "rotate_qk", "E4M3_MAX"]
__version__ = "0.1.0"

_runtime = None
_runtime_lock = threading.Lock()


def runtime():
    """The process's faattn runtime (its memory cache; the disk cache at
    $FAATTN_CACHE_DIR, else $XDG_CACHE_HOME/faattn, else ~/.cache/faattn)."""
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            _runtime = _lib.Runtime()
        return _runtime


def library_path():
    """Where libfaattn_c.so was loaded from."""
    return _lib.lib().path


def _spec_text(spec):
    if isinstance(spec, os.PathLike):
        path = os.fspath(spec)
    elif isinstance(spec, str) and "{" not in spec:
        path = spec  # no kernel body: a path
    else:
        return spec
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise FaattnError(f"cannot open '{path}': {e.strerror}") from None


class _BackwardBuild:
    """The backward of a kernel with the `backward` flag, compiled in a thread started by
    compile() (the C library releases the GIL while it compiles; the runtime is
    thread-safe). Kernel.backward_kernel takes its result, or compiles again where it failed,
    so that the error is raised there, as without it."""

    def __init__(self, text, kernel):
        self._kernel = None
        # Not a daemon: the interpreter waits for the build at exit rather than running the
        # library's static destructors under a compile in flight.
        self._thread = threading.Thread(target=self._run, args=(text, kernel), daemon=False,
                                        name="faattn-backward-build")
        self._thread.start()

    def _run(self, text, kernel):
        try:
            self._kernel = runtime().compile_backward(text, kernel)
        except Exception:  # noqa: BLE001 (raised again by the synchronous compile)
            self._kernel = None

    def result(self):
        """The compiled backward kernel, or None where the build failed."""
        self._thread.join()
        return self._kernel


def _kernel_id(info):
    """One id per spec content: the same kernel compiled twice is one op target."""
    return f"{info['name']}:{info['hash']}"


class Kernel:
    """A compiled faattn kernel, callable on torch tensors."""

    def __init__(self, ckernel, text, backward_build=None):
        self._c = ckernel
        self._text = text
        self._backward = None
        self._backward_lock = threading.Lock()
        # compile()'s build of the backward, started beside the forward's (_BackwardBuild).
        self._backward_build = backward_build
        self.info = ckernel.info
        self.name = self.info["name"]
        self.param_names = tuple(p["name"] for p in self.info["params"])
        self.id = _kernel_id(self.info)

    # A compiled kernel is immutable: copy.deepcopy(model) shares it.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __repr__(self):
        i = self.info
        kv = f" kv={i['kv_dtype']}" if i.get("kv_dtype", i["dtype"]) != i["dtype"] else ""
        return (f"faattn.Kernel({self.name}: {i['mode']} {i['dtype']}{kv} heads={i['heads_q']}:"
                f"{i['heads_kv']} head_dim={i['head_dim_qk']}:{i['head_dim_v']} "
                f"layout={i['layout']} params={list(self.param_names)})")

    def backward_kernel(self):
        """The backward of this kernel, which autograd runs: the spec needs the `backward`
        flag. compile() starts its build in a thread (so a model's construction and first
        forward overlap it); this waits for that build, or compiles it where it failed
        (raising the error here). On CUDA tensors it runs as GPU kernels (the
        tensor-core backward where its head dims allow, else SIMT), on CPU tensors through
        the CPU path."""
        with self._backward_lock:
            if self._backward is None:
                build, self._backward_build = self._backward_build, None
                # The build compile() started, if it succeeded; else compiled here (a
                # failed build's error is raised here, where autograd asks for it).
                self._backward = (build.result() if build is not None else None) or \
                    runtime().compile_backward(self._text, self.name)
            return self._backward

    def __call__(self, q, k, v, *, cu_seqlens_q=None, cu_seqlens_kv=None, max_seqlen_q=0,
                 block_table=None, seqlens_kv=None, max_seqlen_kv=0, return_lse=None,
                 **params):
        """out, or (out, lse) when return_lse (default: the spec's return_lse, except for a
        spec with the `backward` flag, below).

        q (batch, heads, seq_q, head_dim) and k, v (batch, kv_heads, seq_kv,
        head_dim), in memory as the spec's layout; varlen: (heads, total,
        head_dim) with cu_seqlens_q / cu_seqlens_kv (batch + 1, int32) and
        max_seqlen_q; paged_kv: k, v (num_pages, kv_heads, page, head_dim)
        with block_table (batch, max_pages) and seqlens_kv (batch), int32.
        max_seqlen_kv (paged_kv, varlen): the longest KV sequence when known on the host
        (a decode kernel's split count is chosen for it; 0: the table's capacity or
        total_kv). It is not read from the device and changes no result.
        The spec's params by name. lse is (batch, heads, seq_q) float32
        ((heads, total_q) for varlen).

        A spec with the `backward` flag makes the call differentiable (autograd runs
        its backward kernel: dq, dk, dv and the gradients of its requires_grad params;
        on CUDA and CPU tensors). Its kernel writes the LSE for that, but returns out
        alone unless return_lse=True."""
        if self.info["mode"] == "backward":
            raise FaattnError(f"kernel '{self.name}' has mode = backward: it is not called, "
                              "autograd runs it; compile the forward kernel with the "
                              "`backward` flag instead")
        if return_lse is None:
            return_lse = self.info["return_lse"] and not self.info["backward"]
        if return_lse and not self.info["return_lse"]:
            raise FaattnError(f"launch of kernel '{self.name}': return_lse=True needs a spec "
                              "with return_lse")
        for n in params:
            if n not in self.param_names:
                raise FaattnError(f"launch of kernel '{self.name}': the spec has no param '{n}'")
        missing = [n for n in self.param_names if n not in params]
        if missing:
            raise FaattnError(f"launch of kernel '{self.name}': param '{missing[0]}' is missing")
        out, lse = torch.ops.faattn.attention(
            self.id, q, k, v, [params[n] for n in self.param_names], cu_seqlens_q,
            cu_seqlens_kv, int(max_seqlen_q or 0), block_table, seqlens_kv,
            int(max_seqlen_kv or 0))
        return (out, lse) if return_lse else out


_kernels_lock = threading.Lock()


def compile(spec, kernel=None):
    """Compiles kernel `kernel` (None: the spec's only one) of `spec`, a spec's
    text or a path to a .fa file, through the runtime's memory and disk caches.
    Raises FaattnError with the compiler's diagnostics on a bad spec."""
    text = _spec_text(spec)
    c = runtime().compile(text, kernel)
    with _kernels_lock:
        known = _op.KERNELS.get(_kernel_id(c.info))
        if known is not None:
            return known
        # A kernel with the `backward` flag: its backward starts building now, in a thread,
        # while the caller goes on (a model's construction, its first forward), so that the
        # first backward call does not wait for the whole build.
        build = _BackwardBuild(text, c.info["name"]) if c.info["backward"] else None
        k = Kernel(c, text, build)
        _op.KERNELS[k.id] = k
    return k
