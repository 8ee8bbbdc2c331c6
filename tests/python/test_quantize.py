"""The C++ quantizer (faattn::quantizeE4M3 through the C ABI's faattn_quantize_e4m3) against
python/faattn's quantize_e4m3, the documented semantics: the same e4m3 values and factors, bit
for bit, in every granularity and both layouts, with a NaN group and a group of zeros. On CPU
tensors it runs quantizeE4M3Host; with FAATTN_TEST_DEVICE=cuda the GPU kernels."""
import ctypes

import pytest
import torch

import faattn
from faattn import _lib
from conftest import DEVICE

_GRAN = {"tensor": 0, "head": 1, "block": 2}
_CODES = {torch.bfloat16: _lib.BF16, torch.float16: _lib.F16, torch.float32: _lib.F32}


def native(x_logical, granularity, block, bshd):
    """(x8, descale) from the C ABI: x_logical (batch, heads, seq, head_dim), passed in bshd or
    bhsd memory."""
    B, H, S, D = x_logical.shape
    phys = (x_logical.transpose(1, 2) if bshd else x_logical).contiguous()
    x8 = torch.empty(phys.shape, dtype=torch.float8_e4m3fn, device=phys.device)
    shape = {"tensor": (1,), "head": (B, H), "block": (B, H, S)}[granularity]
    descale = torch.full(shape, -1.0, dtype=torch.float32, device=phys.device)
    t = [_lib.make_tensor(phys.data_ptr(), _CODES[phys.dtype], phys.shape),
         _lib.make_tensor(x8.data_ptr(), _lib.E4M3, x8.shape),
         _lib.make_tensor(descale.data_ptr(), _lib.F32, descale.shape)]
    cuda = phys.device.type == "cuda"
    device = (phys.device.index or 0) if cuda else -1
    stream = torch.cuda.current_stream(phys.device).cuda_stream if cuda else None
    rc = _lib.lib().faattn_quantize_e4m3(*[ctypes.byref(x) for x in t], _GRAN[granularity],
                                         block, int(bshd), device, ctypes.c_void_p(stream))
    if rc != 0:
        raise faattn.FaattnError(_lib.last_error())
    if cuda:
        torch.cuda.synchronize(phys.device)
    return (x8.transpose(1, 2) if bshd else x8), descale


def same(a, b):
    """Equal values with NaN equal to NaN (e4m3 has two NaN codes)."""
    a, b = a.float().cpu(), b.float().cpu()
    return torch.equal(torch.isnan(a), torch.isnan(b)) and torch.equal(
        torch.nan_to_num(a), torch.nan_to_num(b))


@pytest.mark.parametrize("granularity,block", [("tensor", 128), ("head", 128), ("block", 128),
                                               ("block", 7), ("block", 1)])
@pytest.mark.parametrize("bshd", [True, False])
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float32])
def test_native_matches_python(granularity, block, bshd, dtype):
    g = torch.Generator().manual_seed(3)
    x = (torch.randn(2, 3, 131, 40, generator=g) * 5).to(dtype)
    x[0, 1, 5, 7] = float("nan")       # a NaN group (every granularity)
    x[1, 2] = 0                        # a head of zeros: factor 1 per head and block
    x[1, 0, :, 3] *= 60                # an outlier channel
    x = x.to(DEVICE)
    want8, want = faattn.quantize_e4m3(x, granularity, block)
    got8, got = native(x, granularity, block, bshd)
    assert same(got8, want8)
    assert same(got.reshape(want.shape), want)


def test_native_errors():
    x = torch.randn(1, 2, 8, 16).to(DEVICE)
    with pytest.raises(faattn.FaattnError, match="^quantizeE4M3: block must be positive, got 0$"):
        native(x, "block", 0, True)
    x8 = torch.empty(1, 8, 2, 16, dtype=torch.float8_e4m3fn, device=DEVICE)
    d = torch.empty(1, 2, 8, device=DEVICE)
    t = [_lib.make_tensor(x.data_ptr(), _lib.I32, x.shape),
         _lib.make_tensor(x8.data_ptr(), _lib.E4M3, x8.shape),
         _lib.make_tensor(d.data_ptr(), _lib.F32, d.shape)]
    assert _lib.lib().faattn_quantize_e4m3(*[ctypes.byref(v) for v in t], 2, 4, 1, -1, None) != 0
    assert _lib.last_error() == "quantizeE4M3: tensor 'x' must be bf16, f16 or f32, got i32"
    assert _lib.lib().faattn_quantize_e4m3(*[ctypes.byref(v) for v in t], 3, 4, 1, -1, None) != 0
    assert _lib.last_error() == ("quantizeE4M3: granularity must be 0 (tensor), 1 (head) or 2 "
                                 "(block), got 3")
