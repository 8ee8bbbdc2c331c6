"""Checks faattn-compile's output directories of backward kernels (tests/lit/cli/backward-wgmma.test): a backward build is
the tiled one (mapping wgmma, schedule backward; backward.form tiled; its PTX holds the entries
NAME_pre, NAME and NAME_post; its arguments end with workspace:delta and workspace:dq, and a
deterministic one's with workspace:dqlock after them, its PTX polling and releasing it, then
with learnable params workspace:pgrad and workspace:pgidx, its post entry summing them with
shuffles and a barrier and adding no atomic) exactly
when its head dims are multiples of 16 up to 128, or over 128 in column chunks of multiples of
16 (faattn-backward-tile's max-cols 128; both head dims split as often); with
FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1 the head dims padded to
multiples of 16) in bf16 or f16 (the rule of the pipeline's takesBackwardWgmma), else the SIMT
one (NAME_dq). The tiled build's pre and post grids have 64 * lanes threads (pre_block,
post_block and the entries' .maxntid), a row over the widest power of 2 up to 16 lanes dividing
its columns (dv for pre, qk for post). The main grid's CTA is 128 keys and two warpgroups (256
threads: block_n, launch.block and the entry's .maxntid agree) or 64 keys and one (128): two
for every kernel without deterministic turns or column chunks at head dims up to 80, one for
deterministic or chunked kernels and under FAATTN_BACKWARD_ONE_WARPGROUP=1; between 81 and
128 the mask and score decide (the pipeline's takesBackwardKeySplit; backward-wgmma.test pins
them). Prints `DIR: N tiled, M SIMT[, K deterministic[, P with param partials]]`; exits 1 at
the first build that breaks the rule."""
import glob, json, os, sys

for d in sys.argv[1:]:
    tiled = simt = deterministic = partials = 0
    for f in sorted(glob.glob(os.path.join(d, "*.json"))):
        j = json.load(open(f))
        k = j if j.get("backward") is not None else j.get("backward_kernel")
        if not k or k.get("backward") is None:
            continue
        name = k["entry"]
        q = next(p for p in k["params"] if p["name"] == "q")
        v = next(p for p in k["params"] if p["name"] == "v")
        dims = (q["shape"][-1], v["shape"][-1])
        # With FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1 the template sees the padded head dims
        # (multiples of 8 rounded up to 16); the ABI keeps the spec's.
        own = dims
        if os.environ.get("FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS") == "1":
            dims = tuple((x + 15) // 16 * 16 if x % 8 == 0 else x for x in dims)
        # backwardColumnChunks(qk, v, 128) (of the tensors' own head dims only): chunks of
        # multiples of 16 for head dims that are.
        chunked = dims == own and max(dims) > 128 and all(x % 16 == 0 for x in dims)
        # The pipeline's takesBackwardWgmma.
        # (without chunks: up to 128; a wide head dim beside one too narrow to split as
        # often, 256 : 16, is not chunked and keeps the SIMT backward)
        if chunked:
            units = [x // 16 for x in dims]
            chunked = -(-max(units) // 8) <= min(units)
        fits = all(x % 16 == 0 and (chunked or x <= 128) for x in dims) and \
            q["dtype"] in ("bf16", "f16")
        ptx = open(os.path.join(d, k["ptx"])).read()
        problems = []
        if fits:
            tiled += 1
            if k["backward"].get("form") != "tiled" or k["mapping"] != "wgmma" or \
                    k["schedule"] != "backward":
                problems.append("not the tiled tensor-core build")
            for entry in (name + "_pre", name, name + "_post"):
                if f".visible .entry {entry}(" not in ptx:
                    problems.append(f"no entry {entry}")
            # The pre grid (rows of dv columns) and the post grid (rows of qk) share each of
            # their 64 rows among the widest power of 2 up to 16 lanes dividing the columns
            # (faattn-tiles-to-gpu's row lanes): their block sizes in the metadata and the PTX.
            def lanes(n):
                return max(g for g in (1, 2, 4, 8, 16) if n % g == 0)
            for entry, key, n in ((name + "_pre", "pre_block", dims[1]),
                                  (name + "_post", "post_block", dims[0])):
                want = 64 * lanes(n)
                if k["backward"].get(key) != [want, 1, 1]:
                    problems.append(f"{key} {k['backward'].get(key)}, not [{want}, 1, 1]")
                at = ptx.find(f".visible .entry {entry}(")
                if at < 0 or f".maxntid {want}, 1, 1" not in ptx[at:ptx.find("{", at)]:
                    problems.append(f"{entry} is not of {want} threads")
            spaces = [p["name"] for p in k["params"] if p["name"].startswith("workspace:")]
            pgrad = spaces[3:] == ["workspace:pgrad", "workspace:pgidx"]
            det = spaces[:3] == ["workspace:delta", "workspace:dq", "workspace:dqlock"] and \
                len(spaces) == (5 if pgrad else 3)
            can = not det and not chunked and \
                os.environ.get("FAATTN_BACKWARD_ONE_WARPGROUP") != "1"
            keys = k["backward"].get("block_n")
            must = can and max(dims) <= 80
            threads = {128: 256, 64: 128}.get(keys)
            if threads is None or (keys == 128 and not can) or (must and keys != 128) or \
                    k["launch"]["block"] != [threads, 1, 1]:
                problems.append(f"main grid block_n {keys}, block {k['launch']['block']}: "
                                f"not 128 keys and 256 threads{' or 64 and 128' if not must else ''}"
                                f"{'' if can else ' (must be 64 and 128)'}")
            at = ptx.find(f".visible .entry {name}(")
            if at < 0 or f".maxntid {threads}, 1, 1" not in ptx[at:ptx.find("{", at)]:
                problems.append(f"{name} is not of {threads} threads")
            if det and k["params"][-1]["name"] == spaces[-1]:
                # deterministic: the turn locks, polled and released by thread 0; with
                # learnable params the partials after them, summed by the post entry.
                deterministic += 1
                for op in ("atom.global.or.b32", "atom.global.exch.b32", "membar.gl"):
                    if op not in ptx:
                        problems.append(f"deterministic without {op}")
                if pgrad:
                    partials += 1
                    post = ptx[ptx.find(f".visible .entry {name}_post("):]
                    for op in ("shfl.sync.bfly", "bar.sync"):
                        if op not in post:
                            problems.append(f"the post entry sums no partials ({op})")
                    if "atom.global.add.f32" in post:
                        problems.append("the post entry adds by atomics")
            elif spaces != ["workspace:delta", "workspace:dq"] or \
                    k["params"][-1]["name"] != "workspace:dq":
                problems.append("the workspace is not delta then dq (then dqlock), last")
            if "wgmma.mma_async" not in ptx:
                problems.append("no wgmma")
        else:
            simt += 1
            if k["backward"].get("dq_entry") != name + "_dq":
                problems.append(f"head dims {dims}: not the SIMT build")
        if problems:
            print(f"{f}: " + "; ".join(problems))
            sys.exit(1)
    print(f"{os.path.basename(d)}: {tiled} tiled, {simt} SIMT"
          + (f", {deterministic} deterministic" if deterministic else "")
          + (f", {partials} with param partials" if partials else ""))
