"""
.SYNOPSIS
Fails on purpose, to see what a failed job looks like in the chat.

.DESCRIPTION
Writes a few lines of normal output, then an error on stderr, and exits with the exit code you
choose. Use it to try the failed job card, alerts on failures and "report friction".

.EXAMPLE
run Fail-Deliberately

.EXAMPLE
run Fail-Deliberately --exit-code 3 --message "database is read-only"

.NOTES
Category: Diagnostics
Tags: demo, testing
Target: local
Timeout: 1m
Owner: chatops@contoso.com
"""
import argparse
import sys


def main():
    parser = argparse.ArgumentParser(description="Fail on purpose.")
    parser.add_argument("--exit-code", type=int, default=1, help="Exit code to fail with, 1-255 (default %(default)s).")
    parser.add_argument("--message", default="something went wrong on purpose", help="Error text written to stderr.")
    args = parser.parse_args()
    code = args.exit_code if 1 <= args.exit_code <= 255 else 1
    print("Step 1: checking prerequisites ... ok")
    print("Step 2: doing the work ...")
    print(f"ERROR: {args.message}", file=sys.stderr)
    sys.exit(code)


if __name__ == "__main__":
    main()
