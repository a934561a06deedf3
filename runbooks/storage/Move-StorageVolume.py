"""
.SYNOPSIS
Migrates a storage volume between arrays, reporting progress while it copies.

.DESCRIPTION
The long-running job from the team outing story: copies a volume from one array to another in
steps, reports progress on the job card (`##progress` lines) and ends with a summary. Cancel
stops it between two steps and says how far it got. This sample simulates the copy; --seconds
sets how long it takes in total.

.EXAMPLE
run Move-StorageVolume --volume vol-finance-01 --source-array emc-vnx-01 --target-array emc-unity-02

.EXAMPLE
run Move-StorageVolume volume=vol-logs-07 source_array=emc-vnx-01 target_array=emc-unity-01 seconds=60 verify=true

.NOTES
Category: Storage
Tags: storage, migration, emc
Target: local
Timeout: 2h
Owner: storage-team@contoso.com
"""
import argparse
import hashlib
import json
import signal
import sys
import time

def main():
    parser = argparse.ArgumentParser(description="Migrate a storage volume between arrays.")
    parser.add_argument("--volume", required=True, help="Volume to migrate, e.g. vol-finance-01.")
    parser.add_argument("--source-array", required=True, choices=["emc-vnx-01", "emc-vnx-02", "emc-unity-01", "emc-unity-02"], help="Array the volume is on now.")
    parser.add_argument("--target-array", required=True, choices=["emc-vnx-01", "emc-vnx-02", "emc-unity-01", "emc-unity-02"], help="Array to move it to.")
    parser.add_argument("--size-gb", type=int, default=500, help="Size of the volume in GB (default %(default)s).")
    parser.add_argument("--seconds", type=float, default=20.0, help="How long the simulated copy takes (default %(default)s).")
    parser.add_argument("--steps", type=int, default=10, help="Number of copy steps reported as progress.")
    parser.add_argument("--verify", action="store_true", help="Compare checksums after the copy.")
    args = parser.parse_args()

    if args.source_array == args.target_array:
        print(f"The volume is already on {args.source_array}; choose a different target array.", file=sys.stderr)
        sys.exit(2)
    if args.steps < 1 or args.seconds < 0:
        print("--steps must be at least 1 and --seconds must not be negative.", file=sys.stderr)
        sys.exit(2)

    copied = {"gb": 0.0}

    def stop(_signum, _frame):
        print(f"Cancelled after copying {copied['gb']:.0f} of {args.size_gb} GB; the volume stays on {args.source_array}.", file=sys.stderr)
        sys.exit(130)

    signal.signal(signal.SIGTERM, stop)
    print(f"Migrating {args.volume} ({args.size_gb} GB) from {args.source_array} to {args.target_array}")
    print("##progress 0 Creating the target volume")
    started = time.monotonic()
    for step in range(1, args.steps + 1):
        time.sleep(args.seconds / args.steps)
        copied["gb"] = args.size_gb * step / args.steps
        percent = round(step * 100 / args.steps)
        print(f"##progress {percent} Copied {copied['gb']:.0f} of {args.size_gb} GB")
        print(f"step {step}/{args.steps}: {copied['gb']:.0f} GB copied")
    checksum = hashlib.sha256(f"{args.volume}:{args.size_gb}".encode()).hexdigest()[:16]
    if args.verify:
        print(f"Verified: checksum {checksum} matches on both arrays")
    print(json.dumps({
        "volume": args.volume,
        "from": args.source_array,
        "to": args.target_array,
        "size_gb": args.size_gb,
        "seconds": round(time.monotonic() - started, 1),
        "verified": args.verify,
        "checksum": checksum,
    }, indent=2))


if __name__ == "__main__":
    main()
