#!/usr/bin/env bash
# .SYNOPSIS
# Finds running processes by name and shows their pid, memory and command line.
#
# .DESCRIPTION
# Looks through /proc for processes whose name contains the text you give (case-insensitive)
# and lists pid, resident memory and command line. Handy in an incident to see whether a
# service is up, or running twice.
#
# .PARAMETER Name string required
# Part of the process name to look for, e.g. nginx.
#
# .PARAMETER Limit int
# At most this many processes (default 20).
#
# .EXAMPLE
# run Find-Process nginx
#
# .NOTES
# Category: Diagnostics
# Tags: incident, processes, linux
# Target: local
# Timeout: 1m
# Owner: noc@contoso.com
set -euo pipefail

name="${1:?Give part of a process name, e.g. nginx}"
limit="${2:-20}"
if ! [[ "$limit" =~ ^[0-9]+$ ]] || (( limit < 1 )); then
  echo "Limit must be a whole number of at least 1 (got \"$limit\")." >&2
  exit 2
fi

found=0
printf '%-8s %-10s %s\n' PID RSS_MB COMMAND
for status in /proc/[0-9]*/status; do
  dir="${status%/status}"
  comm="$(cat "$dir/comm" 2>/dev/null)" || continue
  [[ "${comm,,}" == *"${name,,}"* ]] || continue
  rss_kb="$(awk '/^VmRSS:/ { print $2 }' "$status" 2>/dev/null || true)"
  cmdline="$(tr '\0' ' ' < "$dir/cmdline" 2>/dev/null || true)"
  printf '%-8s %-10s %s\n' "${dir#/proc/}" "$(( ${rss_kb:-0} / 1024 ))" "${cmdline:-[$comm]}"
  found=$(( found + 1 ))
  (( found < limit )) || break
done
if (( found == 0 )); then
  echo "No process named like \"$name\" is running." >&2
  exit 1
fi
