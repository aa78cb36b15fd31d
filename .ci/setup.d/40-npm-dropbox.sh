#!/usr/bin/env bash
# The official Dropbox JavaScript SDK (npm "dropbox" 10.34.0, the newest that runs on node 20) for
# DropboxSdkFidelityTests, installed from the lock file beside the scenario. Idempotent.
set -euo pipefail
folder="$(cd "$(dirname "$0")/../.." && pwd)/tests/Atomiton.Storage.Plugins.Dropbox.Tests/npm"
if [ -f "$folder/node_modules/dropbox/package.json" ] && grep -q '"version": "10.34.0"' "$folder/node_modules/dropbox/package.json"; then
  echo "dropbox 10.34.0 already installed in $folder"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is missing: install node 20 and npm first" >&2; exit 1; }
(cd "$folder" && npm ci --no-audit --no-fund)
