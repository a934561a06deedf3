"""Test fixture: prints `tick <n>` every --interval seconds, --count times."""
import argparse
import time

parser = argparse.ArgumentParser()
parser.add_argument("--count", type=int, default=5)
parser.add_argument("--interval", type=float, default=0.1)
args = parser.parse_args()
for n in range(args.count):
    print(f"tick {n}")
    time.sleep(args.interval)
