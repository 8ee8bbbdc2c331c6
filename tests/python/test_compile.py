"""torch.compile(fullgraph=True) of a transformer block that calls faattn, the
fake implementation, and the error of a backward through a spec without one
(test_backward.py trains through one that has it)."""
import copy
import os
import shutil

import pytest
import torch
from torch import nn

import faattn
from conftest import DEVICE, TOLERANCE, reference, rel_l2

SPEC = """
# GQA (8 query heads on 2 KV heads), a causal 64-token window, Gemma-2's soft-capping.
kernel block_attn {
  heads = 8 : 2; head_dim = 32; dtype = bf16
  score = 30.0 * tanh(score / 30.0)
  mask  = q_idx >= kv_idx && q_idx - kv_idx < 64
}"""


def reference_attention(q, k, v):
    out, _ = reference(q, k, v, score_mod=lambda s, b, h, qi, ki: 30.0 * torch.tanh(s / 30.0),
                       mask_mod=lambda b, h, qi, ki: (qi >= ki) & (qi - ki < 64))
    return out.to(q.dtype).to(q.device)


class Block(nn.Module):
    """RMSNorm, Q/K/V projections (separate, as Llama and Gemma have them), attention,
    output projection, residual."""

    def __init__(self, attention, dim=256, heads=8, kv_heads=2, head_dim=32):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, head_dim
        self.norm = nn.RMSNorm(dim, eps=1e-6)
        self.q = nn.Linear(dim, heads * head_dim, bias=False)
        self.k = nn.Linear(dim, kv_heads * head_dim, bias=False)
        self.v = nn.Linear(dim, kv_heads * head_dim, bias=False)
        self.o = nn.Linear(heads * head_dim, dim, bias=False)
        self.attention = attention

    def forward(self, x):
        b, s, _ = x.shape
        h = self.norm(x)
        # (b, s, h, d) views, passed heads first: bshd memory, as the spec's layout wants. (A
        # fused QKV projection's slices are not contiguous: .contiguous() them first.)
        q = self.q(h).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        k = self.k(h).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v(h).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        a = self.attention(q, k, v)
        return x + self.o(a.transpose(1, 2).reshape(b, s, self.heads * self.head_dim))


def model_dtype():
    return torch.float32 if DEVICE == "cpu" else torch.bfloat16


def make_blocks():
    torch.manual_seed(0)
    block = Block(faattn.compile(SPEC)).to(DEVICE, model_dtype())
    ref = copy.deepcopy(block)
    ref.attention = reference_attention
    return block, ref


def test_block_traces_as_one_graph_with_the_op():
    block, _ = make_blocks()
    graphs = []

    def backend(gm, example_inputs):
        graphs.append(gm)
        return gm.forward

    x = torch.randn(2, 100, 256, device=DEVICE, dtype=model_dtype())
    with torch.no_grad():
        compiled = torch.compile(block, backend=backend, fullgraph=True)
        out = compiled(x)
        eager = block(x)
    assert len(graphs) == 1
    calls = [n for n in graphs[0].graph.nodes
             if n.op == "call_function" and "faattn.attention" in str(n.target)]
    assert len(calls) == 1
    assert torch.equal(out, eager)


def backends():
    # aot_eager: Dynamo + AOTAutograd with the fake implementation; inductor, what users run,
    # generates code around the op (on the CPU it needs a C++ compiler).
    cxx = shutil.which(os.environ.get("CXX", "g++")) or shutil.which("c++")
    return ["aot_eager"] + (["inductor"] if DEVICE == "cuda" or cxx else [])


@pytest.mark.parametrize("backend", backends())
def test_compiled_block_matches_reference(backend):
    block, ref = make_blocks()
    torch._dynamo.reset()
    x = torch.randn(2, 150, 256, device=DEVICE, dtype=model_dtype())
    with torch.no_grad():
        out = torch.compile(block, backend=backend, fullgraph=True)(x)
        # The same block, its attention in float64 (the rest in the model's dtype).
        want = ref.double()(x.double())
    assert out.shape == x.shape and out.dtype == x.dtype
    assert rel_l2(out, want) < TOLERANCE[model_dtype()]


@pytest.mark.skipif(DEVICE != "cuda", reason="FlexAttention runs its kernels on CUDA")
def test_compiled_block_matches_flex_attention():
    from torch.nn.attention.flex_attention import create_block_mask, flex_attention

    block, ref = make_blocks()
    s = 300

    def window(b, h, qi, ki):
        return (qi >= ki) & (qi - ki < 64)

    mask = create_block_mask(window, None, None, s, s, device=DEVICE)
    flex = torch.compile(flex_attention)

    def flex_attn(q, k, v):
        return flex(q, k, v, score_mod=lambda sc, b, h, qi, ki: 30.0 * torch.tanh(sc / 30.0),
                    block_mask=mask, enable_gqa=True)

    ref.attention = flex_attn
    x = torch.randn(2, s, 256, device=DEVICE, dtype=model_dtype())
    with torch.no_grad():
        out = torch.compile(block, fullgraph=True)(x)
        want = ref(x)
    assert rel_l2(out, want) < TOLERANCE[model_dtype()]


def test_backward_raises_naming_the_kernel():
    block, _ = make_blocks()
    torch._dynamo.reset()
    x = torch.randn(1, 20, 256, device=DEVICE, dtype=model_dtype())
    for run in (block, torch.compile(block, backend="aot_eager", fullgraph=True)):
        y = run(x)  # the forward works with gradients on (the parameters require them)
        assert y.requires_grad
        with pytest.raises(RuntimeError, match="kernel 'block_attn' has no backward: add the "
                           "`backward` flag to its spec"):
            y.sum().backward()


def test_opcheck_schema_and_fake():
    attn = faattn.compile(SPEC)
    g = torch.Generator().manual_seed(0)
    q = torch.randn(1, 40, 8, 32, generator=g).to(DEVICE).transpose(1, 2)
    k = torch.randn(1, 40, 2, 32, generator=g).to(DEVICE).transpose(1, 2)
    if DEVICE == "cuda":
        q, k = q.bfloat16(), k.bfloat16()
    torch.library.opcheck(torch.ops.faattn.attention.default,
                          (attn.id, q, k, k, [], None, None, 0, None, None),
                          test_utils=("test_schema", "test_faketensor"))
