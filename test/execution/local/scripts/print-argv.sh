#!/usr/bin/env bash
# Test fixture: prints its positional arguments as one JSON array (through python3, which
# receives "$@" untouched), so tests can check what bash was given.
exec python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@"
