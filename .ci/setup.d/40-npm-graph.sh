#!/usr/bin/env bash
# OneDrive fidelity test: Microsoft's official JavaScript Graph client (@microsoft/microsoft-graph-client
# 3.0.7) in tests/Atomiton.Storage.OneDrive.Tests/Fidelity, from the lock file beside the scenario.
# Installs only when missing.
set -euo pipefail
dir="$(cd "$(dirname "$0")/../.." && pwd)/tests/Atomiton.Storage.OneDrive.Tests/Fidelity"
if [ -f "$dir/node_modules/@microsoft/microsoft-graph-client/package.json" ] && grep -q '"version": "3.0.7"' "$dir/node_modules/@microsoft/microsoft-graph-client/package.json"; then
  echo "@microsoft/microsoft-graph-client 3.0.7 already installed in $dir"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is required for the OneDrive fidelity test: install node 20 and npm first" >&2; exit 1; }
echo "installing @microsoft/microsoft-graph-client 3.0.7 into $dir"
cd "$dir"
npm ci --no-audit --no-fund
