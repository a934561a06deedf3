"""Test fixture: prints its arguments as one JSON array, so tests can check what arrived."""
import json
import sys

print(json.dumps(sys.argv[1:]))
