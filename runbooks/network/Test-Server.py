"""
.SYNOPSIS
Tests a server from here: DNS resolution, a TCP port and its TLS certificate expiry.

.DESCRIPTION
Resolves the host name, opens a TCP connection to the port and, unless --skip-tls is given,
performs a TLS handshake to read the server certificate: who issued it, until when it is valid
and how many days are left. The result is a JSON array with one row per check, shown as a
table on the job card. The job fails (exit code 1) when a check fails or the certificate
expires within --warn-days, so a red card means "look at this server". A certificate that is
not trusted by this machine is reported in the TLS row but does not fail the job.

.EXAMPLE
run Test-Server --host intranet.contoso.com --port 443

.EXAMPLE
run Test-Server host=sql01.contoso.com port=1433 skip_tls=true

.NOTES
Category: Network Management
Tags: network, tls, certificates, incident
Target: local
Timeout: 1m
Owner: noc@contoso.com
"""
import argparse
import json
import socket
import ssl
import sys
import tempfile
import time
from datetime import datetime, timezone


def elapsed_ms(started):
    return round((time.monotonic() - started) * 1000, 1)


def resolve(host):
    started = time.monotonic()
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    addresses = sorted({info[4][0] for info in infos})
    return True, ", ".join(addresses), elapsed_ms(started)


def connect(host, port, timeout):
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=timeout):
        return True, "connected", elapsed_ms(started)


def decode_certificate(der):
    """The fields of a DER certificate, decoded by Python's own ssl module (no extra packages)."""
    with tempfile.NamedTemporaryFile("w", suffix=".pem") as pem:
        pem.write(ssl.DER_cert_to_PEM_cert(der))
        pem.flush()
        return ssl._ssl._test_decode_cert(pem.name)


def name_of(rdns):
    return ", ".join(f"{key}={value}" for rdn in rdns for key, value in rdn)


def handshake(host, port, timeout, verify):
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return tls.getpeercert(binary_form=True), tls.version()


def inspect_tls(host, port, timeout, warn_days):
    started = time.monotonic()
    trust = "trusted"
    try:
        der, protocol = handshake(host, port, timeout, verify=True)
    except ssl.SSLCertVerificationError as error:
        # Read the certificate anyway: an untrusted certificate still has an expiry date.
        trust = f"NOT trusted here ({error.verify_message or error})"
        der, protocol = handshake(host, port, timeout, verify=False)
    fields = decode_certificate(der)
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(fields["notAfter"]), timezone.utc)
    days_left = (expires - datetime.now(timezone.utc)).days
    detail = (
        f"{protocol}; expires {expires:%Y-%m-%d} ({days_left} days left); "
        f"subject {name_of(fields.get('subject', ()))}; issuer {name_of(fields.get('issuer', ()))}; {trust}"
    )
    return days_left >= warn_days, detail, elapsed_ms(started)


def check(rows, name, action):
    """Runs one check and adds its row; a check that raises is a failed row, not a crash."""
    try:
        ok, detail, ms = action()
    except (OSError, ssl.SSLError) as error:
        ok, detail, ms = False, str(error) or type(error).__name__, None
    rows.append({"check": name, "result": "ok" if ok else "FAILED", "detail": detail, "ms": ms})
    return ok


def main():
    parser = argparse.ArgumentParser(description="Test DNS, a TCP port and the TLS certificate of a server.")
    parser.add_argument("--host", required=True, help="Server name or IP address to test.")
    parser.add_argument("--port", type=int, default=443, help="TCP port to connect to (default %(default)s).")
    parser.add_argument("--timeout", type=float, default=3.0, help="Seconds to wait for each connection (default %(default)s).")
    parser.add_argument("--warn-days", type=int, default=21, help="Fail when the certificate expires within this many days.")
    parser.add_argument("--skip-tls", action="store_true", help="Only test DNS and TCP (for ports that do not speak TLS).")
    args = parser.parse_args()

    rows = []
    healthy = check(rows, "DNS", lambda: resolve(args.host))
    healthy = healthy and check(rows, f"TCP {args.port}", lambda: connect(args.host, args.port, args.timeout))
    if healthy and not args.skip_tls:
        healthy = check(rows, "TLS", lambda: inspect_tls(args.host, args.port, args.timeout, args.warn_days))
    print(json.dumps(rows, indent=2))
    if not healthy:
        print(f"{args.host}:{args.port} failed a check; see the table above.", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
