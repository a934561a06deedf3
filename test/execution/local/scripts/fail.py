"""Test fixture: writes two lines to stderr and exits with code 3."""
import sys

print("working on it")
print("first problem", file=sys.stderr)
print("could not reach the database", file=sys.stderr)
sys.exit(3)
