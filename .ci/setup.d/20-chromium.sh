#!/usr/bin/env bash
# Browser storage tests (tests/Atomiton.Storage.Plugins.Browser.Tests) drive Debian's Chromium headless
# through PuppeteerSharp (no browser download). Installs it only when missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium: $(chromium --version 2>/dev/null || echo present)"
  exit 0
fi
apt-get -o DPkg::Lock::Timeout=600 update
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends chromium
chromium --version
