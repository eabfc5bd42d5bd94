#!/usr/bin/env bash
# Print a DATABASE_URL for the test suite that this machine's PostgreSQL accepts.
#
# Debian's PostgreSQL asks for a password over TCP (scram-sha-256 in pg_hba.conf); only a machine
# set to "trust" lets postgres@127.0.0.1 in without one. If that works, it is used as it is.
# Otherwise, as root, a role for the tests (mentorship_ci) is created or given a fresh random
# password through the local socket, where Debian lets the postgres OS user in (peer
# authentication). The postgres role's own password and pg_hba.conf are left as they are.
# PGPORT chooses the server (5432 by default); the database name is $CI_DATABASE (mentorship).
set -euo pipefail

port="${PGPORT:-5432}"
database="${CI_DATABASE:-mentorship}"

if PGPASSWORD='' PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
  echo "postgres://postgres@127.0.0.1:${port}/${database}"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL refuses postgres@127.0.0.1:${port} without a password." \
       "Set DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:${port}/${database} and run again." >&2
  exit 1
fi
echo "==> PostgreSQL wants a password over TCP: setting one for the role mentorship_ci" >&2
password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
# SUPERUSER: the suite creates its test database and ends its own connections to test recovery.
(cd /tmp && runuser -u postgres -- psql -q -X -v ON_ERROR_STOP=1 -v pw="$password" -p "$port" -d postgres) >&2 <<'SQL'
SELECT format('CREATE ROLE mentorship_ci LOGIN SUPERUSER PASSWORD %L', :'pw')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mentorship_ci') \gexec
ALTER ROLE mentorship_ci LOGIN SUPERUSER PASSWORD :'pw';
SQL
if ! PGPASSWORD="$password" PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -p "$port" -U mentorship_ci -d postgres -Atc 'select 1' >/dev/null; then
  echo "PostgreSQL still refuses mentorship_ci over TCP with its password: check pg_hba.conf." >&2
  exit 1
fi
echo "postgres://mentorship_ci:${password}@127.0.0.1:${port}/${database}"
