"""
.SYNOPSIS
Rotates the API key of a service: stores the new key and revokes the old one.

.DESCRIPTION
Replaces a service's API key with the one you enter. The key is a secret parameter: the form
shows a password field, Switchboard never stores or shows it, and the local executor hands it
to this script in the environment variable SWITCHBOARD_SECRET_NEW_KEY, not on the command line
where other users of the machine could see it. The script checks the key's strength, "stores"
it (this sample simulates the vault) and prints only a fingerprint.

.EXAMPLE
run Rotate-ApiKey --service pos-gateway --new-key <new key>

.NOTES
Category: Security
Tags: security, secrets, keys
Target: local
Timeout: 2m
Owner: secops@contoso.com
Secret: new_key
"""
import argparse
import hashlib
import os
import sys
from datetime import datetime, timezone


def main():
    parser = argparse.ArgumentParser(description="Rotate a service's API key.")
    parser.add_argument("--service", required=True, choices=["pos-gateway", "loyalty-api", "inventory-feed"], help="Service whose key is rotated.")
    parser.add_argument("--new-key", help="The new API key, at least 24 characters (secret).")
    parser.add_argument("--revoke-old", action="store_true", help="Revoke the previous key right away instead of after 24 hours.")
    args = parser.parse_args()

    key = os.environ.get("SWITCHBOARD_SECRET_NEW_KEY") or args.new_key
    if not key:
        print("No new key was given: enter one in the new_key field (it arrives as SWITCHBOARD_SECRET_NEW_KEY).", file=sys.stderr)
        sys.exit(2)
    if len(key) < 24 or key.isdigit() or key.isalpha():
        print("The new key is too weak: use at least 24 characters mixing letters, digits or symbols.", file=sys.stderr)
        sys.exit(2)
    fingerprint = hashlib.sha256(key.encode()).hexdigest()[:12]
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"Stored the new key for {args.service} in the vault (fingerprint sha256:{fingerprint}) at {now}")
    print("Revoked the old key now." if args.revoke_old else "The old key stays valid for 24 hours so clients can switch.")


if __name__ == "__main__":
    main()
