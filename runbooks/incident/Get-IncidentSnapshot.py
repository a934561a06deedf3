"""
.SYNOPSIS
Takes a snapshot of a machine for an incident channel: load, memory, disks, top processes.

.DESCRIPTION
Collects in one go what the first minutes of an incident usually need from a host: uptime and
load, memory, the fullest file systems and the processes using the most memory. Posting it in
the incident channel gives everyone the same picture. Output is a JSON object whose sections
are shown as tables.

.EXAMPLE
run Get-IncidentSnapshot

.EXAMPLE
run Get-IncidentSnapshot --top 10

.NOTES
Category: ITSM
Tags: incident, diagnostics, triage
Target: local
Timeout: 1m
Owner: noc@contoso.com
"""
import argparse
import json
import os
import shutil
import socket
from datetime import datetime, timezone


def meminfo():
    values = {}
    with open("/proc/meminfo", encoding="utf-8") as source:
        for line in source:
            key, _, rest = line.partition(":")
            values[key] = int(rest.split()[0]) // 1024  # kB → MB
    return {"total_mb": values["MemTotal"], "available_mb": values["MemAvailable"], "swap_used_mb": values["SwapTotal"] - values["SwapFree"]}


def processes(top):
    rows = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status", encoding="utf-8") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            rss_mb = int(fields.get("VmRSS", "0 kB").split()[0]) // 1024
            rows.append({"pid": int(pid), "name": fields["Name"].strip(), "rss_mb": rss_mb})
        except (OSError, KeyError, ValueError):
            continue  # the process ended while we looked
    return sorted(rows, key=lambda r: r["rss_mb"], reverse=True)[:top]


def disks(top):
    rows = []
    for path in ["/", "/var", "/tmp", "/home"]:
        if os.path.ismount(path) or path == "/":
            usage = shutil.disk_usage(path)
            rows.append({"path": path, "used_percent": round(usage.used * 100 / usage.total, 1), "free_gb": round(usage.free / 1024 ** 3, 1)})
    return sorted(rows, key=lambda r: r["used_percent"], reverse=True)[:top]


def main():
    parser = argparse.ArgumentParser(description="Snapshot of this host for an incident.")
    parser.add_argument("--top", type=int, default=5, help="Rows per section (default %(default)s).")
    args = parser.parse_args()
    top = max(1, args.top)
    with open("/proc/uptime", encoding="utf-8") as source:
        uptime_hours = round(float(source.read().split()[0]) / 3600, 1)
    load1, load5, load15 = os.getloadavg()
    print(json.dumps({
        "host": socket.gethostname(),
        "taken_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "uptime_hours": uptime_hours,
        "load": {"1m": round(load1, 2), "5m": round(load5, 2), "15m": round(load15, 2), "cpus": os.cpu_count()},
        "memory": meminfo(),
        "disks": disks(top),
        "top_processes": processes(top),
    }, indent=2))


if __name__ == "__main__":
    main()
