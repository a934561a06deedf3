/**
 * TLS identity of the local Azure Resource Manager fake. Azure's bearer-token policy refuses to
 * send a token over plain http, so the fake speaks https like ARM does, and clients pointed at it
 * trust this self-signed certificate (tlsOptions.ca). It is a throwaway P-256 key for 127.0.0.1 /
 * localhost, valid 2000-2100 (so no machine clock makes it "not yet valid"), made once with
 * `openssl ca -selfsign -startdate 20000101000000Z -enddate 21000101000000Z`; it protects nothing.
 */
export const FAKE_ARM_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgX/RnXHeLcghbwA9y
heHS77AWy0rCFec9pdYE0IAr0zWhRANCAAS5bR8fpphMZ1Z4IGR8YPVNRSBSYqSw
pPrJ6ethfW9fI6xeJs30bpMcvMW2rNnR/+Cl8qWj828/gjo5pb2r2GuJ
-----END PRIVATE KEY-----
`;

export const FAKE_ARM_CERT = `-----BEGIN CERTIFICATE-----
MIIBeDCCAR2gAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAkxMjcuMC4w
LjEwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CTEyNy4wLjAuMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABLltHx+mmExnVngg
ZHxg9U1FIFJipLCk+snp62F9b18jrF4mzfRukxy8xbas2dH/4KXypaPzbz+COjml
vavYa4mjXjBcMBoGA1UdEQQTMBGHBH8AAAGCCWxvY2FsaG9zdDAPBgNVHRMBAf8E
BTADAQH/MA4GA1UdDwEB/wQEAwIChDAdBgNVHQ4EFgQUN4Lab2OSXim564jztDCv
VAi7rUcwCgYIKoZIzj0EAwIDSQAwRgIhAM/lM8BT31GQ+gmvu5p4B/Igm7bco7M0
gZ+UxC93/kE/AiEA/dPdF+YlEY5ni7qqoCFtop3FIm6EYW8APEFfz3PkOxQ=
-----END CERTIFICATE-----
`;
