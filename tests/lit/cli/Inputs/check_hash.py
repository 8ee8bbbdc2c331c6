"""Reads `faattn-compile --emit=spec-json` output (one or more documents) from
stdin and checks that each "hash" is the SHA-256 of the compact dump of its
"spec" (keys sorted, no spaces: what nlohmann::json::dump() writes)."""
import hashlib
import json
import sys

text = sys.stdin.read()
decoder = json.JSONDecoder()
pos, count = 0, 0
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos == len(text):
        break
    doc, pos = decoder.raw_decode(text, pos)
    compact = json.dumps(doc["spec"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    want = hashlib.sha256(compact.encode("utf-8")).hexdigest()
    if doc["hash"] != want:
        sys.exit("%s: hash %s, expected %s" % (doc["spec"]["name"], doc["hash"], want))
    print("%s: hash ok" % doc["spec"]["name"])
    count += 1
if count == 0:
    sys.exit("no document")
