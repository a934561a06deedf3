"""Test fixture: reports progress, writes a pretty-printed JSON document, then warns on stderr."""
import json
import sys

print("##progress 10 Starting")
print("##progress 50 Halfway there")
print(json.dumps([{"server": "web01", "free": "12 GB"}, {"server": "web02", "free": "3 GB"}], indent=2))
print("##progress 100")
print("done", file=sys.stderr)
