"""faattn.compile goes through the runtime's memory and disk caches."""
import os
import subprocess
import sys

import faattn

SPEC = "kernel cached { heads = 2; head_dim = 32; dtype = bf16; mask = causal }"


def test_memory_cache_returns_the_same_kernel(tmp_path):
    before = faattn.runtime().stats()
    a = faattn.compile(SPEC)
    # The same kernel whatever the whitespace or comments (the canonical spec is the key).
    b = faattn.compile("# again\n" + SPEC.replace("; ", "\n"))
    assert a is b
    after = faattn.runtime().stats()
    assert after["memory_hits"] >= before["memory_hits"] + 1


def test_spec_from_a_path(tmp_path):
    path = tmp_path / "cached.fa"
    path.write_text(SPEC + "\n")
    assert faattn.compile(path) is faattn.compile(SPEC)
    assert faattn.compile(str(path)) is faattn.compile(SPEC)


def test_second_process_loads_from_disk(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    code = ("import faattn, json; faattn.compile(%r); print(json.dumps(faattn.runtime().stats()))"
            % SPEC)
    env = dict(os.environ, FAATTN_CACHE_DIR=str(cache))
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                           check=True).stdout.strip().splitlines()[-1] for _ in range(2)]
    assert runs[0] == '{"compiles": 1, "memory_hits": 0, "disk_hits": 0}'
    assert runs[1] == '{"compiles": 0, "memory_hits": 0, "disk_hits": 1}'
    assert any(cache.iterdir())
