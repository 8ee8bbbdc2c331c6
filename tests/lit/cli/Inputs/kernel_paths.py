"""One line per kernel metadata JSON (faattn-compile --emit=ptx): the kernel, its target, the
mapping, the warpgroup schedule, the K/V ring depth, what its products overlap, whether it has tensor maps (the TMA
pipeline), its grid (persistent or not), the order its tiles are taken in and why it fell
back, if it did."""
import json, sys
for path in sorted(sys.argv[1:]):
    m = json.load(open(path))
    print(m["kernel"], m["target"], m["mapping"], f"schedule={m['schedule'] or '-'}",
          f"stages={m['stages'] or '-'}", f"overlap={m['overlap'] or '-'}", "tma" if m["tma"] else "no-tma",
          "persistent" if m["persistent"] else "grid", f"order={m['tile_order'] or '-'}",
          f"fallback={m['fallback'] or '-'}")
