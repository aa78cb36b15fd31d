#!/usr/bin/env bash
# PostgreSQL (Debian package 'postgresql') for Atomiton Cloud's database-backed state: the tests in
# tests/Atomiton.Storage.Cloud.Scale.Tests start a throwaway cluster themselves (initdb into a temp
# folder owned by the 'postgres' user, pg_ctl on a Unix socket in that folder and a free loopback port).
# Idempotent: installs only when no initdb is found under /usr/lib/postgresql/*/bin.
set -euo pipefail
found() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
if found; then
  echo "postgresql present: $(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "postgresql is missing and this script is not root: run 'apt-get update && apt-get install -y postgresql' as root" >&2
  exit 1
fi
echo "installing postgresql (apt-get update && apt-get install -y postgresql)"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
found || { echo "initdb is still missing under /usr/lib/postgresql/*/bin after installing 'postgresql'" >&2; exit 1; }
# The package may start its own cluster as a service; the tests never use it.
echo "postgresql installed: $(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')"
