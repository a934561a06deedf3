"""Test fixture: writes --lines lines of 100 bytes to stdout (99 characters and a newline)."""
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--lines", type=int, default=1000)
args = parser.parse_args()
for n in range(args.lines):
    print(f"{n:08d}" + "x" * 91)
