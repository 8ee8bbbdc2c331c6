"""Random valid specs for differential testing: score and mask expressions built from every
name, operator and function of the language, random GQA ratios, head dims and tile sizes,
layouts, decode mode, varlen and paged KV.

usage: gen_random_specs.py SEED COUNT [hopper|backward|e4m3] > specs.fa

hopper: kernels the sm_90a compiler maps to wgmma with the TMA pipeline (bf16 or f16, head
dims 64, 128, 192 : 128 and 256, the default tiles, forward, no varlen or paged KV; some in
L2-section tile order), so that the GPU suite's random specs reach the tensor-core code too.

e4m3: e4m3 kernels (all inputs, or K and V under a bf16 / f16 Q with kv_dtype) with random
dequantization factors: q_descale / k_descale / v_descale read per tensor, per (batch, head)
or per row (whole, or by blocks of rows), or computed from the indices; forward and decode,
some paged or varlen.

backward: mode = backward kernels (the CPU path's faattn-backward-to-loops; some varlen), some with
learnable ALiBi slopes, a learnable scalar factor, or both (their gradients checked too), and
some `deterministic` (with learnable params only at head dim 16, the tensor-core backward's;
drawn from a second generator, so the other kernels' draws are those of before).

faattn-run then compares each compiled kernel with the float64 reference evaluated from the
same spec (CPU: ctest cpu-random; GPU: tools/gpu-suite.sh). A failure is either a compiler bug
or an expression that is ill-conditioned in f32 (a large constant added to the score, say):
look at the kernel before blaming either.
"""
import random, sys
random.seed(int(sys.argv[1]))
I = ["q_idx", "kv_idx", "b", "h", "seq_q", "seq_kv"]
def iexpr(d):
    if d <= 0 or random.random() < 0.3:
        return random.choice(I + [str(random.randint(0, 40))])
    r = random.random()
    if r < 0.3: return f"({iexpr(d-1)} {random.choice(['+','-','*'])} {iexpr(d-1)})"
    if r < 0.4: return f"({iexpr(d-1)} / {random.randint(1,7)})"
    if r < 0.5: return f"({iexpr(d-1)} % {random.randint(1,7)})"
    if r < 0.6: return f"abs({iexpr(d-1)})"
    if r < 0.7: return f"min({iexpr(d-1)}, {iexpr(d-1)})"
    if r < 0.8: return f"max({iexpr(d-1)}, {iexpr(d-1)})"
    if r < 0.9: return f"where({bexpr(d-1)}, {iexpr(d-1)}, {iexpr(d-1)})"
    return f"-{iexpr(d-1)}"
def bexpr(d):
    if d <= 0 or random.random() < 0.2:
        return random.choice(["causal", "true", f"window({random.randint(0,30)}, {random.randint(0,30)})", f"{iexpr(0)} < {iexpr(0)}"])
    r = random.random()
    if r < 0.5: return f"({iexpr(d-1)} {random.choice(['<','<=','>','>=','==','!='])} {iexpr(d-1)})"
    if r < 0.7: return f"({bexpr(d-1)} && {bexpr(d-1)})"
    if r < 0.85: return f"({bexpr(d-1)} || {bexpr(d-1)})"
    return f"!({bexpr(d-1)})"
def fexpr(d):
    if d <= 0 or random.random() < 0.3:
        return random.choice(["score", "score", f"{random.uniform(-2,2):.3f}", iexpr(1)])
    r = random.random()
    if r < 0.3: return f"({fexpr(d-1)} {random.choice(['+','-','*'])} {fexpr(d-1)})"
    if r < 0.4: return f"({fexpr(d-1)} / {random.choice(['2.0','3.5','-1.5'])})"
    if r < 0.5: return f"tanh({fexpr(d-1)})"
    if r < 0.6: return f"exp2(min({fexpr(d-1)}, 4.0))"
    if r < 0.7: return f"log(abs({fexpr(d-1)}) + 1.0)"
    if r < 0.8: return f"where({bexpr(d-1)}, {fexpr(d-1)}, {fexpr(d-1)})"
    if r < 0.9: return f"max({fexpr(d-1)}, {fexpr(d-1)})"
    return f"-{fexpr(d-1)}"
hopper = len(sys.argv) > 3 and sys.argv[3] == "hopper"
backward = len(sys.argv) > 3 and sys.argv[3] == "backward"
fp8 = len(sys.argv) > 3 and sys.argv[3] == "e4m3"
def descale(side, hq, hkv, seq_dims):
    """(param declaration or None, expression) of one factor: side q reads q_idx, k / v kv_idx."""
    name, heads, hidx = f"{side}s", ("heads" if side == "q" else "kv_heads"), ("h" if side == "q" else f"h / {hq // hkv}")
    idx, seq = ("q_idx", "seq_q") if side == "q" else ("kv_idx", "seq_kv")
    forms = ["tensor", "head", "expr"] + (["row", "block"] if seq_dims else [])
    f = random.choice(forms)
    if f == "tensor": return f"param {name} : f32", name
    if f == "head": return f"param {name} : f32[batch, {heads}]", f"{name}[b, {hidx}]"
    if f == "row": return f"param {name} : f32[batch, {heads}, {seq}]", f"{name}[b, {hidx}, {idx}]"
    if f == "block":
        blk = random.choice([4, 16])
        return f"param {name} : f32[batch, {heads}, {seq}]", f"{name}[b, {hidx}, {idx} / {blk} * {blk}]"
    return None, f"(1.0 + ({idx} % 5)) / {random.choice(['3.0', '7.0'])} + b / 4.0"
det_random = random.Random(int(sys.argv[1]) * 7919 + 17)
for n in range(int(sys.argv[2])) if backward else []:
    hq = random.choice([1, 2, 4]); hkv = random.choice([x for x in [1, 2, 4] if hq % x == 0])
    extra = "; layout = bhsd" if random.random() < 0.3 else ""
    if random.random() < 0.2: extra += "; varlen"
    d = random.choice([8, 16, 24, 40])
    lines = []
    score = fexpr(3)
    if random.random() < 0.5:
        lines.append("  param slopes : f32[heads] requires_grad")
        score = f"({score}) - slopes[h] * abs(q_idx - kv_idx) / 8.0"
    if random.random() < 0.3:
        lines.append("  param gain : f32 requires_grad")
        score = f"({score}) * gain"
    if det_random.random() < 0.3 and (d == 16 or not lines):
        extra += "; deterministic"
    print(f"kernel g{n} {{ mode = backward; heads = {hq} : {hkv}; head_dim = {d}{extra}")
    for line in lines:
        print(line)
    print(f"  score = {score}")
    print(f"  mask = {bexpr(3)} }}")
for n in range(int(sys.argv[2])) if hopper else []:
    hq = random.choice([1, 2, 4]); hkv = random.choice([x for x in [1, 2, 4] if hq % x == 0])
    d = random.choice(["64", "128", "192 : 128", "256"])
    extra = f"; dtype = {random.choice(['bf16', 'f16'])}"
    if random.random() < 0.3: extra += "; layout = bhsd"
    if random.random() < 0.5: extra += "; return_lse"
    if random.random() < 0.3: extra += "; tile_order = l2_sections"
    print(f"kernel h{n} {{ heads = {hq} : {hkv}; head_dim = {d}{extra}")
    print(f"  score = {fexpr(3)}")
    print(f"  mask = {bexpr(3)} }}")
for n in range(int(sys.argv[2])) if fp8 else []:
    hq = random.choice([1, 2, 4]); hkv = random.choice([x for x in [1, 2, 4] if hq % x == 0])
    kv_only = random.random() < 0.4
    extra = f"; dtype = {random.choice(['bf16', 'f16'])}; kv_dtype = e4m3" if kv_only else "; dtype = e4m3"
    if random.random() < 0.3: extra += "; layout = bhsd"
    ragged = False
    if random.random() < 0.25: extra += "; mode = decode"
    if random.random() < 0.2: extra += "; varlen"; ragged = True
    elif random.random() < 0.2: extra += f"; paged_kv(page = {random.choice([16, 32])})"; ragged = True
    print(f"kernel f{n} {{ heads = {hq} : {hkv}; head_dim = 64{extra}")
    for side in (["k", "v"] if kv_only else ["q", "k", "v"]):
        if random.random() < 0.2: continue  # no factor for this one
        decl, e = descale(side, hq, hkv, not ragged)
        if decl: print(f"  {decl}")
        print(f"  {side}_descale = {e}")
    print(f"  score = {fexpr(3)}")
    print(f"  mask = {bexpr(3)} }}")
for n in range(int(sys.argv[2])) if not hopper and not backward and not fp8 else []:
    t = random.choice(["16x16", "16x32", "32x16", "32x32", "64x16"])
    hq = random.choice([1, 2, 4]); hkv = random.choice([x for x in [1, 2, 4] if hq % x == 0])
    extra = ""
    if random.random() < 0.3: extra += "; layout = bhsd"
    if random.random() < 0.15: extra += "; mode = decode"
    if random.random() < 0.2: extra += "; varlen"
    if random.random() < 0.2: extra += f"; paged_kv(page = {random.choice([16, 32, 48])})"
    print(f"kernel k{n} {{ heads = {hq} : {hkv}; head_dim = {random.choice([8,16,32])}; tile = {t}; return_lse{extra}")
    print(f"  score = {fexpr(3)}")
    print(f"  mask = {bexpr(3)} }}")
