#!/usr/bin/env bash
# Makes sure the PostgreSQL the tests use answers on 127.0.0.1:5432 with trust auth for local
# test connections, starting the Debian cluster when it is stopped.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  exit 0
fi
version="$(ls /etc/postgresql | sort -V | tail -n1)"
hba="/etc/postgresql/$version/main/pg_hba.conf"
# A freshly installed Debian cluster asks for passwords over TCP; the test suite connects as
# postgres from loopback without one, as on the CI machines.
if ! grep -q "printforge-tests" "$hba"; then
  sed -i '1i host all all 127.0.0.1/32 trust # printforge-tests\nhost all all ::1/128 trust # printforge-tests' "$hba"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='test'\"" | grep -q 1 \
  || su postgres -c "createdb test"
