"""
.SYNOPSIS
Promotes a CHEF cookbook version to the next environment: dev → qa → prod.

.DESCRIPTION
Pins the cookbook version in the target environment, one step at a time: a version reaches qa
only from dev and prod only from qa, and it must be the version pinned in the environment it
comes from. Shows the environment's pins before and after. This sample keeps the environments
in memory (dev has the newest versions), so it runs without a CHEF server.

.EXAMPLE
run Promote-Cookbook --cookbook retail-pos --version 2.4.1 --from-env dev --to-env qa

.EXAMPLE
run Promote-Cookbook cookbook=base-windows version=1.12.0 from_env=qa to_env=prod

.NOTES
Category: CHEF
Tags: chef, cookbook, release
Target: local
Timeout: 5m
Owner: config-mgmt@contoso.com
"""
import argparse
import json
import re
import sys

ENVIRONMENTS = ["dev", "qa", "prod"]
PINS = {
    "dev": {"retail-pos": "2.4.1", "base-windows": "1.13.0", "iis-site": "3.0.2"},
    "qa": {"retail-pos": "2.3.7", "base-windows": "1.12.0", "iis-site": "3.0.2"},
    "prod": {"retail-pos": "2.3.5", "base-windows": "1.11.4", "iis-site": "2.9.9"},
}


def main():
    parser = argparse.ArgumentParser(description="Promote a CHEF cookbook version to the next environment.")
    parser.add_argument("--cookbook", required=True, choices=["base-windows", "iis-site", "retail-pos"], help="Cookbook to promote.")
    parser.add_argument("--version", required=True, help="Version to promote, e.g. 2.4.1.")
    parser.add_argument("--from-env", required=True, choices=["dev", "qa"], help="Environment it is tested in.")
    parser.add_argument("--to-env", required=True, choices=["qa", "prod"], help="Environment to promote it to.")
    args = parser.parse_args()

    if not re.fullmatch(r"\d+\.\d+\.\d+", args.version):
        print(f'Version "{args.version}" is not MAJOR.MINOR.PATCH (example: 2.4.1).', file=sys.stderr)
        sys.exit(2)
    if ENVIRONMENTS.index(args.to_env) != ENVIRONMENTS.index(args.from_env) + 1:
        print(f"Cookbooks move one environment at a time: {args.from_env} → {ENVIRONMENTS[ENVIRONMENTS.index(args.from_env) + 1]}, not {args.from_env} → {args.to_env}.", file=sys.stderr)
        sys.exit(2)
    tested = PINS[args.from_env][args.cookbook]
    if tested != args.version:
        print(f"{args.cookbook} {args.version} is not what {args.from_env} runs ({tested}); promote the version that was tested there.", file=sys.stderr)
        sys.exit(1)

    before = PINS[args.to_env][args.cookbook]
    print(f"knife environment show {args.to_env}: {args.cookbook} = {before}")
    print(f"Pinning {args.cookbook} = {args.version} in {args.to_env}")
    PINS[args.to_env][args.cookbook] = args.version
    print(json.dumps([{"environment": env, args.cookbook: PINS[env][args.cookbook]} for env in ENVIRONMENTS], indent=2))


if __name__ == "__main__":
    main()
