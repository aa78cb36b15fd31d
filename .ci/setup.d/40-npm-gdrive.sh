#!/usr/bin/env bash
# Google Drive fidelity test: Google's official Node client (@googleapis/drive 22.x, the newest that
# runs on node 20) in tests/Atomiton.Storage.GoogleDrive.Tests/Fidelity. Installs only when missing.
set -euo pipefail
dir="$(cd "$(dirname "$0")/../.." && pwd)/tests/Atomiton.Storage.GoogleDrive.Tests/Fidelity"
if [ -f "$dir/node_modules/@googleapis/drive/package.json" ]; then
  echo "@googleapis/drive already installed in $dir"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is required for the Google Drive fidelity test" >&2; exit 1; }
cd "$dir"
npm ci --no-audit --no-fund
