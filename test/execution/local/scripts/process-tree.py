"""Test fixture: starts a grandchild that sleeps, reports both pids, then waits.

With --ignore-term the script survives SIGTERM, so only the SIGKILL after the grace period
stops it.
"""
import argparse
import json
import os
import signal
import subprocess
import time

parser = argparse.ArgumentParser()
parser.add_argument("--ignore-term", action="store_true")
args = parser.parse_args()
if args.ignore_term:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
grandchild = subprocess.Popen(["sleep", "60"])
print(json.dumps({"script": os.getpid(), "grandchild": grandchild.pid}), flush=True)
time.sleep(60)
