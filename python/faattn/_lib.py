"""ctypes bindings of libfaattn_c.so (runtime/include/faattn/faattn_c.h).

The library is found, in order, at $FAATTN_LIBRARY, next to this file (where
`pip install .` copies it), or in the source checkout's build directory
($BUILD_DIR, build-py, build: for running from python/ without installing).
"""
import ctypes
import json
import os
import threading

ABI_VERSION = 3
MAX_RANK = 8

F16, BF16, E4M3, F32, I32 = 0, 1, 2, 3, 4
DTYPE_NAMES = {F16: "f16", BF16: "bf16", E4M3: "e4m3", F32: "f32", I32: "i32"}


class FaattnError(RuntimeError):
    """A faattn failure; the message is the runtime's (or the binding's) own."""


class Tensor(ctypes.Structure):
    _fields_ = [
        ("data", ctypes.c_void_p),
        ("dtype", ctypes.c_int32),
        ("rank", ctypes.c_int32),
        ("shape", ctypes.c_int64 * MAX_RANK),
        ("strides", ctypes.c_int64 * MAX_RANK),
        ("has_strides", ctypes.c_int32),
    ]


_TP = ctypes.POINTER(Tensor)


class Args(ctypes.Structure):
    _fields_ = [
        ("q", _TP), ("k", _TP), ("v", _TP), ("out", _TP), ("lse", _TP),
        ("cu_seqlens_q", _TP), ("cu_seqlens_kv", _TP),
        ("max_seqlen_q", ctypes.c_int64),
        ("block_table", _TP), ("seqlens_kv", _TP),
        ("num_params", ctypes.c_int32),
        ("param_names", ctypes.POINTER(ctypes.c_char_p)),
        ("params", _TP),
        # A backward kernel's (faattn_compile_backward).
        ("dout", _TP), ("dq", _TP), ("dk", _TP), ("dv", _TP),
        ("num_param_grads", ctypes.c_int32),
        ("param_grad_names", ctypes.POINTER(ctypes.c_char_p)),
        ("param_grads", _TP),
        ("max_seqlen_kv", ctypes.c_int64),
    ]


def _candidates():
    env = os.environ.get("FAATTN_LIBRARY")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    out = [os.path.join(here, "libfaattn_c.so")]
    repo = os.path.dirname(os.path.dirname(here))
    for d in [os.environ.get("BUILD_DIR"), "build-py", "build"]:
        if d:
            out.append(os.path.join(repo, d, "lib", "libfaattn_c.so"))
    return out


_lock = threading.Lock()
_lib = None


def lib():
    """The loaded library (loaded and checked once)."""
    global _lib
    with _lock:
        if _lib is not None:
            return _lib
        tried = _candidates()
        path = next((p for p in tried if os.path.isfile(p)), None)
        if path is None:
            raise FaattnError(
                "libfaattn_c.so not found (tried " + ", ".join(tried) + "): build it with "
                "`bash tools/dev.sh build` and `pip install .`, or set FAATTN_LIBRARY")
        try:
            l = ctypes.CDLL(path)
        except OSError as e:
            raise FaattnError(f"cannot load {path}: {e}") from None
        l.faattn_abi_version.restype = ctypes.c_int32
        if l.faattn_abi_version() != ABI_VERSION:
            raise FaattnError(f"{path} has C ABI version {l.faattn_abi_version()}, "
                              f"this package needs {ABI_VERSION}")
        l.faattn_compiler_version.restype = ctypes.c_char_p
        l.faattn_last_error.restype = ctypes.c_char_p
        l.faattn_runtime_create.restype = ctypes.c_void_p
        l.faattn_runtime_create.argtypes = [ctypes.c_char_p]
        l.faattn_runtime_destroy.argtypes = [ctypes.c_void_p]
        l.faattn_runtime_cache_dir.restype = ctypes.c_char_p
        l.faattn_runtime_cache_dir.argtypes = [ctypes.c_void_p]
        l.faattn_runtime_stats.argtypes = [ctypes.c_void_p] + [ctypes.POINTER(ctypes.c_int32)] * 3
        l.faattn_compile.restype = ctypes.c_void_p
        l.faattn_compile.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        l.faattn_compile_backward.restype = ctypes.c_void_p
        l.faattn_compile_backward.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        l.faattn_kernel_destroy.argtypes = [ctypes.c_void_p]
        l.faattn_kernel_info.restype = ctypes.c_char_p
        l.faattn_kernel_info.argtypes = [ctypes.c_void_p]
        l.faattn_validate.restype = ctypes.c_int32
        l.faattn_validate.argtypes = [ctypes.c_void_p, ctypes.POINTER(Args)]
        l.faattn_launch.restype = ctypes.c_int32
        l.faattn_launch.argtypes = [ctypes.c_void_p, ctypes.POINTER(Args), ctypes.c_int32,
                                    ctypes.c_void_p]
        l.faattn_run_cpu.restype = ctypes.c_int32
        l.faattn_run_cpu.argtypes = [ctypes.c_void_p, ctypes.POINTER(Args)]
        l.faattn_quantize_e4m3.restype = ctypes.c_int32
        l.faattn_quantize_e4m3.argtypes = [ctypes.POINTER(Tensor)] * 3 + [
            ctypes.c_int32, ctypes.c_int64, ctypes.c_int32, ctypes.c_int32, ctypes.c_void_p]
        l.path = path
        _lib = l
        return l


def last_error():
    return lib().faattn_last_error().decode("utf-8", "replace")


class Runtime:
    """One faattn::Runtime: the memory cache and the disk cache."""

    def __init__(self, cache_dir=None):
        arg = None if cache_dir is None else os.fsencode(cache_dir)
        self._h = lib().faattn_runtime_create(arg)
        if not self._h:
            raise FaattnError(last_error())

    def __del__(self):
        if getattr(self, "_h", None) and _lib is not None:
            _lib.faattn_runtime_destroy(self._h)

    @property
    def cache_dir(self):
        return lib().faattn_runtime_cache_dir(self._h).decode()

    def stats(self):
        c, m, d = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32()
        lib().faattn_runtime_stats(self._h, ctypes.byref(c), ctypes.byref(m), ctypes.byref(d))
        return {"compiles": c.value, "memory_hits": m.value, "disk_hits": d.value}

    def compile(self, text, kernel=None):
        h = lib().faattn_compile(self._h, text.encode(), (kernel or "").encode())
        if not h:
            raise FaattnError(last_error())
        return CKernel(h, self)

    def compile_backward(self, text, kernel=None):
        """The backward of kernel `kernel` of `text` (GPU kernels and the CPU path)."""
        h = lib().faattn_compile_backward(self._h, text.encode(), (kernel or "").encode())
        if not h:
            raise FaattnError(last_error())
        return CKernel(h, self)


class CKernel:
    """A compiled kernel handle and its checked spec (info)."""

    def __init__(self, handle, runtime):
        self._h = handle
        self._runtime = runtime  # keeps the runtime alive
        self.info = json.loads(lib().faattn_kernel_info(handle).decode())

    def __del__(self):
        if getattr(self, "_h", None) and _lib is not None:
            _lib.faattn_kernel_destroy(self._h)

    # One owner per handle: copies are the same kernel (a copied handle would be freed twice).
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def _call(self, fn, args, *extra):
        if fn(self._h, ctypes.byref(args), *extra) != 0:
            raise FaattnError(last_error())

    def validate(self, args):
        self._call(lib().faattn_validate, args)

    def launch(self, args, device, stream):
        self._call(lib().faattn_launch, args, device, ctypes.c_void_p(stream or None))

    def run_cpu(self, args):
        self._call(lib().faattn_run_cpu, args)


def make_tensor(ptr, dtype_code, shape):
    if len(shape) > MAX_RANK:
        raise FaattnError(f"rank {len(shape)} is over {MAX_RANK}")
    t = Tensor()
    t.data = ptr
    t.dtype = dtype_code
    t.rank = len(shape)
    for i, s in enumerate(shape):
        t.shape[i] = int(s)
    t.has_strides = 0
    return t


def make_args(q, k, v, out, lse=None, cu_seqlens_q=None, cu_seqlens_kv=None, max_seqlen_q=0,
              block_table=None, seqlens_kv=None, params=(), dout=None, dq=None, dk=None,
              dv=None, param_grads=(), max_seqlen_kv=0):
    """Args from Tensor structs (None for absent ones); params and a backward's
    param_grads: [(name, Tensor)]."""
    a = Args()
    keep = []

    def ptr(t):
        if t is None:
            return None
        keep.append(t)
        return ctypes.pointer(t)

    a.q, a.k, a.v, a.out, a.lse = ptr(q), ptr(k), ptr(v), ptr(out), ptr(lse)
    a.cu_seqlens_q, a.cu_seqlens_kv = ptr(cu_seqlens_q), ptr(cu_seqlens_kv)
    a.max_seqlen_q = int(max_seqlen_q or 0)
    a.max_seqlen_kv = int(max_seqlen_kv or 0)
    a.block_table, a.seqlens_kv = ptr(block_table), ptr(seqlens_kv)
    a.dout, a.dq, a.dk, a.dv = ptr(dout), ptr(dq), ptr(dk), ptr(dv)

    def named(items):
        n = len(items)
        names = (ctypes.c_char_p * max(n, 1))(*[p[0].encode() for p in items])
        arr = (Tensor * max(n, 1))(*[p[1] for p in items])
        keep.extend([names, arr])
        return n, ctypes.cast(names, ctypes.POINTER(ctypes.c_char_p)), ctypes.cast(arr, _TP)

    a.num_params, a.param_names, a.params = named(params)
    a.num_param_grads, a.param_grad_names, a.param_grads = named(param_grads)
    a._keep = keep  # the structs must outlive the call
    return a
