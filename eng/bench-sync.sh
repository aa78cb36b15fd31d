#!/usr/bin/env bash
# Sync benchmark (docs/benchmarks.md, "Sync"): first sync of 10,000 × 1 KiB filesystem ↔ Atomiton
# Cloud on loopback and a no-op re-run, side by side with `rclone bisync` of two local folders
# holding the same files. Installs Debian's rclone when it is missing.
# Usage: eng/bench-sync.sh [keys] [bytes] [parallel transfers, default 4]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v rclone >/dev/null 2>&1; then
  echo "rclone is missing: installing Debian's rclone package (apt-get update, then apt-get install rclone)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y rclone
fi
dotnet run -c Release --project tests/Atomiton.Storage.Sync.Benchmarks -- "${1:-10000}" "${2:-1024}" "${3:-4}"
