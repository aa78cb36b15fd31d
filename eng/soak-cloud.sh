#!/usr/bin/env bash
# Soak run of Atomiton Cloud at scale (issue 22; docs/benchmarks.md, "Atomiton Cloud at scale"): the
# load test at the issue's counts — 3 `serve` processes on one PostgreSQL and one Azurite, 64 clients ×
# 2,000 mixed operations with create-only races, one replica SIGKILLed half-way, then every acknowledged
# write read back and the change feed checked for each acknowledged change exactly once. CI runs the same
# test at 12 × 100; this takes about 7 minutes on a quiet 2-core machine.
# Installs PostgreSQL and Azurite as CI does when they are missing.
# Usage: eng/soak-cloud.sh [CLIENTSxOPERATIONS, default full = 64x2000]
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.d/30-postgresql.sh
bash .ci/setup.d/40-azurite.sh
ATOMITON_CLOUD_LOAD="${1:-full}" dotnet test tests/Atomiton.Storage.Cloud.Scale.Tests \
  --filter "FullyQualifiedName~LoadTests" --logger "console;verbosity=detailed"
