"""The C ABI (libfaattn_c.so) on inputs the Python layer never builds: every failure is a
status and a message, never a crash."""
import ctypes
import ctypes.util

import pytest

import faattn
from faattn import _lib

SPEC = b"kernel c { heads = 2; head_dim = 32; dtype = bf16 }"


@pytest.fixture(scope="module")
def lib():
    return _lib.lib()


@pytest.fixture(scope="module")
def kernel(lib):
    k = lib.faattn_compile(faattn.runtime()._h, SPEC, None)
    assert k
    yield k
    lib.faattn_kernel_destroy(k)


def tensor(dtype=_lib.BF16, shape=(1, 8, 2, 32), data=64):
    return _lib.make_tensor(data, dtype, shape)


def test_version(lib):
    assert lib.faattn_abi_version() == _lib.ABI_VERSION
    assert lib.faattn_compiler_version().decode().startswith("faattn-abi")


def test_null_runtime_and_text(lib):
    assert not lib.faattn_compile(None, SPEC, None)
    assert _lib.last_error() == "faattn_compile: no runtime or no spec text"
    assert not lib.faattn_compile(faattn.runtime()._h, None, None)
    assert _lib.last_error() == "faattn_compile: no runtime or no spec text"


def test_null_kernel_and_args(lib, kernel):
    assert lib.faattn_validate(None, None) == 1
    assert _lib.last_error() == "no kernel"
    assert lib.faattn_validate(kernel, None) == 1
    assert _lib.last_error() == "no launch arguments"
    assert lib.faattn_kernel_info(None) == b"{}"


def test_missing_tensor(lib, kernel):
    args = _lib.make_args(tensor(), None, tensor(), tensor())
    assert lib.faattn_validate(kernel, ctypes.byref(args)) == 1
    assert _lib.last_error() == "tensor 'k' is missing"


def test_bad_dtype_code_and_rank(lib, kernel):
    args = _lib.make_args(tensor(dtype=17), tensor(), tensor(), tensor())
    assert lib.faattn_validate(kernel, ctypes.byref(args)) == 1
    assert _lib.last_error() == "tensor 'q' has an unknown dtype code 17"
    bad = tensor()
    bad.rank = 9
    args = _lib.make_args(tensor(), bad, tensor(), tensor())
    assert lib.faattn_run_cpu(kernel, ctypes.byref(args)) == 1
    assert _lib.last_error() == "tensor 'k' has rank 9 (at most 8)"


def test_cpu_path_wants_f32(lib, kernel):
    args = _lib.make_args(tensor(), tensor(), tensor(), tensor())
    assert lib.faattn_run_cpu(kernel, ctypes.byref(args)) == 1
    assert _lib.last_error() == "kernel 'c': the CPU path takes f32 q, k, v and out, got bf16"


def test_null_pointer_is_the_runtime_check(lib, kernel):
    args = _lib.make_args(tensor(data=None), tensor(), tensor(), tensor())
    assert lib.faattn_validate(kernel, ctypes.byref(args)) == 1
    assert _lib.last_error() == "launch of kernel 'c': tensor 'q' has a null pointer"


BACKWARD_SPEC = b"kernel cb { heads = 2; head_dim = 32; dtype = bf16; backward }"


def test_compile_backward(lib):
    assert not lib.faattn_compile_backward(None, BACKWARD_SPEC, None)
    assert _lib.last_error() == "faattn_compile_backward: no runtime or no spec text"
    assert not lib.faattn_compile_backward(faattn.runtime()._h, SPEC, None)
    assert _lib.last_error() == (
        "kernel 'c' has no backward: add the `backward` flag to its spec (a forward kernel then "
        "also yields its backward), or write it with mode = backward")
    k = lib.faattn_compile_backward(faattn.runtime()._h, BACKWARD_SPEC, None)
    assert k
    try:
        # The CPU path takes f32 gradients too; the checks name what a backward needs.
        f32 = _lib.F32
        args = _lib.make_args(tensor(f32), tensor(f32), tensor(f32), tensor(f32),
                              tensor(f32, (1, 2, 8), 64 << 20), dout=tensor(f32, data=32 << 20),
                              dq=tensor(data=1 << 30), dk=tensor(f32, data=2 << 30),
                              dv=tensor(f32, data=3 << 30))
        assert lib.faattn_run_cpu(k, ctypes.byref(args)) == 1
        assert _lib.last_error() == ("kernel 'cb': the CPU path takes f32 q, k, v and out, dout, "
                                     "dq, dk and dv, got bf16")
        args = _lib.make_args(tensor(), tensor(), tensor(), tensor(),
                              tensor(f32, (1, 2, 8), 64 << 20))
        assert lib.faattn_validate(k, ctypes.byref(args)) == 1
        assert _lib.last_error() == ("launch of kernel 'cb': a backward kernel needs tensor "
                                     "'dout' (shaped as 'out')")
        # Valid arguments (distinct fake addresses, never dereferenced): checked, then the
        # launch needs the CUDA driver (none on a CPU machine: its error, not a crash).
        at = [i << 24 for i in range(1, 10)]
        args = _lib.make_args(tensor(data=at[0]), tensor(data=at[1]), tensor(data=at[2]),
                              tensor(data=at[3]), tensor(f32, (1, 2, 8), at[4]),
                              dout=tensor(data=at[5]), dq=tensor(data=at[6]),
                              dk=tensor(data=at[7]), dv=tensor(data=at[8]))
        assert lib.faattn_validate(k, ctypes.byref(args)) == 0, _lib.last_error()
        if ctypes.util.find_library("cuda") is None:
            assert lib.faattn_launch(k, ctypes.byref(args), 0, None) == 1
            assert _lib.last_error().startswith(
                "launch of kernel 'cb': cannot load the CUDA driver (libcuda.so.1): ")
    finally:
        lib.faattn_kernel_destroy(k)
