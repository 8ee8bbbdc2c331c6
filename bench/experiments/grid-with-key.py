"""bench/grid.fa with tuning statements added to every kernel: the same kernels, names and
rows for bench/bench.py and the A/B scripts here (ab-key.sh, ab-alone.sh).

    python3 bench/experiments/grid-with-key.py "stages = 3; tile_order = l2_sections" OUT.fa
"""
import re
import sys

key, out_path = sys.argv[1], sys.argv[2]
text = open("bench/grid.fa").read()
# Each kernel's closing brace (the last '}' before the next kernel or the end) gets the key.
out = re.sub(r"\}(\s*(?:#[^\n]*\n\s*)*(?=kernel|\Z))", lambda m: "; " + key + " }" + m.group(1), text)
assert out.count(key) == text.count("kernel "), "one key per kernel"
open(out_path, "w").write(out)
