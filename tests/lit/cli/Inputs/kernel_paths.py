"""One line per kernel metadata JSON (faattn-compile --emit=ptx): the kernel, its target, the
mapping, the warpgroup schedule, the K/V ring depth, what its products overlap, whether it has tensor maps (the TMA
pipeline), its grid (persistent or not), the order its tiles are taken in and why it fell
back, if it did; then each shape-dependent alternative (overlap = auto's long-KV build) with the
shortest KV length it may be launched for, its cost model's ratio (KV blocks a tile against the
launch's waves) and the same fields."""
import json, sys
for path in sorted(sys.argv[1:]):
    m = json.load(open(path))
    print(m["kernel"], m["target"], m["mapping"], f"schedule={m['schedule'] or '-'}",
          f"stages={m['stages'] or '-'}", f"overlap={m['overlap'] or '-'}", "tma" if m["tma"] else "no-tma",
          "persistent" if m["persistent"] else "grid", f"order={m['tile_order'] or '-'}",
          f"fallback={m['fallback'] or '-'}",
          *[f"| from seq_kv {a['min_seq_kv']}, kv blocks >= {a['min_kv_blocks_per_wave']} x waves: {a['mapping']} schedule={a['schedule'] or '-'} "
            f"stages={a['stages'] or '-'} overlap={a['overlap'] or '-'} order={a['tile_order'] or '-'} "
            f"{a['ptx']}" for a in m.get("alternatives", [])])
