#!/usr/bin/env bash
# Installs what the test suite needs from the machine's package manager: Debian's Chromium for the
# playground browser test (playwright-core drives /usr/bin/chromium; no browser is downloaded) and
# a colour emoji font, since the cards use emoji and Chromium draws empty boxes without one.
# Azurite comes from npm (devDependency). Safe to run repeatedly.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing for the browser test: ${missing[*]} — install Debian's packages (sudo apt-get install ${missing[*]})." >&2
  fi
fi
