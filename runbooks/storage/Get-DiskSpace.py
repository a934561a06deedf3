"""
.SYNOPSIS
Reports free disk space per file system as a table, flagging the ones running low.

.DESCRIPTION
Lists the mounted file systems of the machine the runbook runs on (or only the paths you name)
with size, used and free space. File systems with less free space than --min-free-percent are
marked LOW and make the job fail, so a red card in an incident channel points at the full disk.
The output is a JSON array of objects, shown as a table on the job card.

.EXAMPLE
run Get-DiskSpace

.EXAMPLE
run Get-DiskSpace --path /var --path /tmp --unit MB --min-free-percent 20

.NOTES
Category: Storage
Tags: disk, capacity, incident
Target: local
Timeout: 1m
Owner: storage-team@contoso.com
"""
import argparse
import json
import os
import shutil
import sys

# Kernel and in-memory file systems say nothing about disks.
VIRTUAL = {
    "proc", "sysfs", "devpts", "devtmpfs", "cgroup", "cgroup2", "mqueue", "debugfs", "tracefs",
    "securityfs", "pstore", "bpf", "configfs", "fusectl", "hugetlbfs", "autofs", "binfmt_misc",
    "nsfs", "rpc_pipefs", "squashfs", "ramfs",
}
UNITS = {"GB": 1024 ** 3, "MB": 1024 ** 2}


def mounted_paths():
    paths = []
    with open("/proc/mounts", encoding="utf-8") as mounts:
        for line in mounts:
            _device, mount_point, fs_type = line.split()[:3]
            mount_point = mount_point.replace("\\040", " ")
            if fs_type in VIRTUAL or mount_point in paths:
                continue
            try:
                if shutil.disk_usage(mount_point).total:
                    paths.append(mount_point)
            except OSError:
                continue  # not readable by this user: not something this report can judge
    return paths


def row(path, unit, min_free_percent):
    usage = shutil.disk_usage(path)
    free_percent = round(usage.free * 100 / usage.total, 1) if usage.total else 100.0
    scale = UNITS[unit]
    return {
        "path": path,
        f"size_{unit}": round(usage.total / scale, 1),
        f"used_{unit}": round(usage.used / scale, 1),
        f"free_{unit}": round(usage.free / scale, 1),
        "free_percent": free_percent,
        "status": "LOW" if free_percent < min_free_percent else "ok",
    }


def main():
    parser = argparse.ArgumentParser(description="Free disk space per file system.")
    parser.add_argument("--path", nargs="*", default=[], help="Paths to check; all mounted file systems when empty.")
    parser.add_argument("--unit", choices=["GB", "MB"], default="GB", help="Unit of the sizes.")
    parser.add_argument("--min-free-percent", type=int, default=10, help="Below this free percentage a file system is LOW.")
    args = parser.parse_args()

    paths = args.path or mounted_paths()
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print(f"These paths do not exist on {os.uname().nodename}: {', '.join(missing)}", file=sys.stderr)
        sys.exit(2)
    rows = [row(p, args.unit, args.min_free_percent) for p in paths]
    print(json.dumps(rows, indent=2))
    low = [r["path"] for r in rows if r["status"] == "LOW"]
    if low:
        print(f"Low on space: {', '.join(low)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
