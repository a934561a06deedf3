#!/usr/bin/env bash
# Installs what the test suite needs from the machine's package manager: Debian's Chromium for the
# playground browser test (playwright-core drives /usr/bin/chromium; no browser is downloaded).
# Azurite comes from npm (devDependency). Safe to run repeatedly.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install Debian's 'chromium' package (sudo apt-get install chromium) for the browser test." >&2
  fi
fi
