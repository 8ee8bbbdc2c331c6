"""The first backward's wait for its build after faattn.compile (PERFORMANCE step 80): a fresh
disk cache, compile, WORK seconds of the caller's other work, then backward_kernel().

  PYTHONPATH=python python3 bench/experiments/backward_prefetch.py WORK
"""
import sys, time, tempfile, os
os.environ["FAATTN_CACHE_DIR"] = tempfile.mkdtemp()
import faattn
work = float(sys.argv[1])
spec = """kernel t { heads = 16 : 4; head_dim = 128; dtype = bf16; backward; mask = causal
  param slopes : f32[heads] requires_grad
  score = score - slopes[h] * abs(q_idx - kv_idx) }"""
t0 = time.perf_counter(); k = faattn.compile(spec); t1 = time.perf_counter()
time.sleep(work)  # the caller's other work (model construction, first forward)
t2 = time.perf_counter(); k.backward_kernel(); t3 = time.perf_counter()
print(f"work={work:.1f}s compile={t1-t0:.3f}s backward_kernel wait={t3-t2:.3f}s")
