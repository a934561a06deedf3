"""
.SYNOPSIS
Starts a parameterised Jenkins job, for people who have no Jenkins access of their own.

.DESCRIPTION
Queues a build of a Jenkins job with the branch and parameters you give. With --url the build
is requested from that Jenkins server (POST /job/<job>/buildWithParameters, authenticated with
the user and API token when given); without it the run is simulated, so the sample works on a
laptop. The result is a JSON object with the queue location and the parameters sent.

.EXAMPLE
run Invoke-JenkinsJob --job retail-pos-build --branch release/2025.03 --parameters ENV=qa SKIP_TESTS=false

.EXAMPLE
run Invoke-JenkinsJob job=platform-nightly url=https://jenkins.contoso.com user=chatops api_token=<token>

.NOTES
Category: Jenkins
Tags: jenkins, build, ci
Target: local
Timeout: 5m
Owner: build-team@contoso.com
Secret: api_token
"""
import argparse
import base64
import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def build_parameters(branch, pairs):
    parameters = {"BRANCH": branch}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            print(f'Parameter "{pair}" is not KEY=VALUE (example: ENV=qa).', file=sys.stderr)
            sys.exit(2)
        parameters[key] = value
    return parameters


def trigger(url, job, parameters, user, token, timeout):
    endpoint = f"{url.rstrip('/')}/job/{urllib.parse.quote(job)}/buildWithParameters"
    request = urllib.request.Request(endpoint, data=urllib.parse.urlencode(parameters).encode(), method="POST")
    if user and token:
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode())
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return {"status": response.status, "queue": response.headers.get("Location", "")}


def simulate(job, parameters):
    stages = ["Checkout", "Build", "Unit tests", "Package", "Publish"]
    for index, stage in enumerate(stages, start=1):
        print(f"##progress {index * 100 // len(stages)} {stage}")
        print(f"[{job}] {stage} ... ok")
        time.sleep(0.1)
    queue_id = int(hashlib.sha256(json.dumps([job, parameters], sort_keys=True).encode()).hexdigest()[:6], 16) % 10000
    return {"status": 201, "queue": f"simulated://queue/item/{queue_id}", "result": "SUCCESS"}


def main():
    parser = argparse.ArgumentParser(description="Start a parameterised Jenkins job.")
    parser.add_argument("--job", required=True, help="Jenkins job name, e.g. retail-pos-build.")
    parser.add_argument("--branch", default="main", help="Branch to build (default %(default)s).")
    parser.add_argument("--parameters", nargs="*", default=[], help="More build parameters as KEY=VALUE.")
    parser.add_argument("--url", help="Jenkins base URL; the run is simulated when empty.")
    parser.add_argument("--user", help="Jenkins user for the API token.")
    parser.add_argument("--api-token", help="Jenkins API token (secret; passed in SWITCHBOARD_SECRET_API_TOKEN).")
    parser.add_argument("--timeout", type=float, default=10.0, help="Seconds to wait for Jenkins (default %(default)s).")
    args = parser.parse_args()

    parameters = build_parameters(args.branch, args.parameters)
    token = os.environ.get("SWITCHBOARD_SECRET_API_TOKEN") or args.api_token
    print(f"Queueing {args.job} on {args.url or 'a simulated Jenkins'} with {', '.join(f'{k}={v}' for k, v in parameters.items())}")
    try:
        outcome = trigger(args.url, args.job, parameters, args.user, token, args.timeout) if args.url else simulate(args.job, parameters)
    except urllib.error.HTTPError as error:
        print(f"Jenkins answered {error.code} {error.reason} for job {args.job}; check the job name and the user's permissions.", file=sys.stderr)
        sys.exit(1)
    except (urllib.error.URLError, OSError) as error:
        print(f"Could not reach Jenkins at {args.url}: {getattr(error, 'reason', error)}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"job": args.job, "parameters": parameters, **outcome}, indent=2))


if __name__ == "__main__":
    main()
