"""Checks a directory of faattn-compile --explain outputs (all-specs.test).

For every <kernel>.explain.txt: its .svg exists and is well-formed XML; the
text's block counts add up (empty + partial + full = skipped + masked +
no-mask = q-blocks x kv-blocks); the map has one row per q-block and one
character per kv-block, and its characters count the same; the SVG's legend
gives the same counts. Prints the number of kernels checked; exits 1 on the
first problem.
"""
import os
import re
import sys
import xml.dom.minidom


def fail(msg):
    print("check_explain: " + msg)
    sys.exit(1)


root = sys.argv[1]
texts = sorted(f for f in os.listdir(root) if f.endswith(".explain.txt"))
for name in texts:
    kernel = name[: -len(".explain.txt")]
    text = open(os.path.join(root, name)).read()
    svg_path = os.path.join(root, kernel + ".explain.svg")
    if not os.path.exists(svg_path):
        fail(kernel + ": no SVG")
    svg = open(svg_path).read()
    xml.dom.minidom.parseString(svg)
    m = re.search(r"^blocks   (\d+) q-blocks x (\d+) kv-blocks = (\d+) pairs .*: "
                  r"empty=(\d+) partial=(\d+) full=(\d+)$", text, re.M)
    loop = re.search(r"^loop     skipped=(\d+) masked=(\d+) no-mask=(\d+) ", text, re.M)
    if not m or not loop:
        fail(kernel + ": no blocks / loop line")
    nq, nk, pairs, empty, partial, full = map(int, m.groups())
    skipped, masked, nomask = map(int, loop.groups())
    if nq * nk != pairs or empty + partial + full != pairs or skipped + masked + nomask != pairs:
        fail(kernel + ": counts do not add up")
    rows = re.findall(r"^ +\d+ ([#+.ox]+)$", text, re.M)
    if len(rows) != nq or any(len(r) != nk for r in rows):
        fail(kernel + ": the map is not %d x %d" % (nq, nk))
    cells = "".join(rows)
    if cells.count(".") != skipped or cells.count("#") != nomask:
        fail(kernel + ": the map's cells do not match the loop counts")
    if cells.count(".") + cells.count("o") != empty or cells.count("#") + cells.count("x") != full:
        fail(kernel + ": the map's cells do not match the block counts")
    for label, n in (("full: no mask code", nomask), ("partial: masked", partial),
                     ("empty: never visited", skipped)):
        if not re.search(re.escape(label) + r": %d \(" % n, svg):
            fail(kernel + ": the SVG's legend does not say '%s: %d'" % (label, n))
print(len(texts))
