"""
.SYNOPSIS
Shows which SQL Server sessions are blocking others, longest waits first.

.DESCRIPTION
Lists blocked sessions on a SQL Server instance with the session blocking them, the wait type
and time, the login and the statement, so the DBA on call sees the head of the blocking chain
at a glance. The output is a JSON array shown as a table. This sample generates a realistic
report from the instance name instead of querying sys.dm_exec_requests, so it runs anywhere.

.EXAMPLE
run Get-SqlBlocking --instance sql-retail-01

.EXAMPLE
run Get-SqlBlocking instance=sql-finance-02 database=ledger min_wait_seconds=30 top=5

.NOTES
Category: SQL
Tags: sql, performance, incident
Target: local
Timeout: 2m
Owner: team-dba@contoso.com
"""
import argparse
import json
import random
import sys

WAITS = ["LCK_M_X", "LCK_M_U", "LCK_M_S", "LCK_M_IX", "PAGELATCH_EX"]
LOGINS = ["svc-pos-sync", "svc-reporting", "CONTOSO\\jdoe", "svc-etl", "CONTOSO\\asmith"]
STATEMENTS = [
    "UPDATE dbo.Inventory SET OnHand = OnHand - @qty WHERE Sku = @sku",
    "SELECT * FROM dbo.Orders WITH (HOLDLOCK) WHERE StoreId = @store",
    "DELETE FROM dbo.PriceStaging WHERE BatchId < @batch",
    "INSERT INTO dbo.Sales (StoreId, Sku, Qty) VALUES (@s, @k, @q)",
    "EXEC dbo.usp_RebuildDailyTotals @day",
]


def main():
    parser = argparse.ArgumentParser(description="Report blocked SQL Server sessions.")
    parser.add_argument("--instance", required=True, help="SQL Server instance, e.g. sql-retail-01.")
    parser.add_argument("--database", default="", help="Only sessions in this database; all when empty.")
    parser.add_argument("--min-wait-seconds", type=int, default=5, help="Ignore waits shorter than this (default %(default)s).")
    parser.add_argument("--top", type=int, default=10, help="At most this many rows (default %(default)s).")
    args = parser.parse_args()
    if args.top < 1:
        print("--top must be at least 1.", file=sys.stderr)
        sys.exit(2)

    # The same instance always shows the same picture, so reruns can be compared.
    rng = random.Random(f"{args.instance}/{args.database}")
    head = rng.randint(51, 90)
    rows = []
    for index in range(rng.randint(3, 12)):
        rows.append({
            "session": head + index + 1,
            "blocked_by": head if index < 3 else head + rng.randint(1, index),
            "wait_type": rng.choice(WAITS),
            "wait_seconds": rng.randint(1, 600),
            "database": args.database or rng.choice(["retail", "ledger", "reporting"]),
            "login": rng.choice(LOGINS),
            "statement": rng.choice(STATEMENTS),
        })
    rows = [r for r in rows if r["wait_seconds"] >= args.min_wait_seconds]
    rows.sort(key=lambda r: r["wait_seconds"], reverse=True)
    print(f"{args.instance}: head of the blocking chain is session {head}" if rows else f"{args.instance}: no blocking above {args.min_wait_seconds} s")
    print(json.dumps(rows[: args.top], indent=2))


if __name__ == "__main__":
    main()
