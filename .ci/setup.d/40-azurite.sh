#!/usr/bin/env bash
# Azurite (Microsoft's Azure Storage emulator, npm package 'azurite' 3.x) for the azureblob plugin's
# tests (tests/Atomiton.Storage.Plugins.AzureBlob.Tests start 'azurite-blob' on loopback themselves).
# Idempotent: installs globally only when 'azurite-blob' is not on PATH.
set -euo pipefail
if command -v azurite-blob >/dev/null 2>&1; then
  echo "azurite-blob present: $(command -v azurite-blob) ($(azurite-blob --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
npm install -g --no-audit --no-fund azurite@3
command -v azurite-blob >/dev/null 2>&1 || { echo "azurite-blob is still missing after 'npm install -g azurite@3'" >&2; exit 1; }
echo "azurite-blob installed: $(command -v azurite-blob) ($(azurite-blob --version))"
