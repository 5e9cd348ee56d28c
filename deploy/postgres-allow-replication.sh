#!/usr/bin/env bash
# Run once by the postgres image at initdb: the compose user may open replication connections
# (the replica of the "scale" profile copies and streams from the primary as that user).
set -euo pipefail
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "ALTER ROLE \"${POSTGRES_USER}\" REPLICATION"
