#!/usr/bin/env bash
# restore.sh - point-in-time recovery from a base backup and a WAL archive (scripts/backup.sh) into a new local
# cluster (scripts/local-postgres.sh). docs/operations.md describes the same procedure for a managed server.
#
# Usage:
#   scripts/restore.sh BACKUP_DIR ARCHIVE_DIR TARGET_DIR [TIME]
#     BACKUP_DIR   a base backup made by `backup.sh base`
#     ARCHIVE_DIR  the WAL archive of `backup.sh archive`
#     TARGET_DIR   a new local-postgres.sh directory for the restored cluster
#     TIME         recover up to this moment (recovery_target_time, e.g. '2026-12-04 02:10:00.250+00'): transactions
#                  committed before it are restored, none committed after it; without TIME, everything archived
#   Prints the restored cluster's connection string once recovery has ended and it accepts writes.
#
# The restored cluster starts a new timeline and archives nothing (turn archiving on again with `backup.sh archive`
# and take a new base backup once it is the one in use).
set -euo pipefail

PROG=restore
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
LP=$SCRIPT_DIR/local-postgres.sh
WAIT_SECONDS=${RESTORE_WAIT_SECONDS:-600}

while IFS= read -r _v; do unset "$_v"; done < <(compgen -e | grep '^PG' || true)
unset _v
export LC_ALL=C

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

(($# == 3 || $# == 4)) || { sed -n '5,13p' "$0" >&2; exit 2; }
backup=$(realpath -e -- "$1") || die "no backup at $1"
archive=$(realpath -e -- "$2") || die "no archive at $2"
target=$3
when=${4:-}

"$LP" restore "$target" "$backup"
data=$(readlink -f -- "$target/data")
{
  printf '# Written by scripts/restore.sh: recovery from %s and the archive %s.\n' "$backup" "$archive"
  printf "restore_command = 'cp \"%s/%%f\" \"%%p\"'\n" "$archive"
  if [[ -n $when ]]; then
    printf "recovery_target_time = '%s'\n" "$when"
  fi
  printf "recovery_target_action = 'promote'\n"
} >"$data/restore.conf"
: >"$data/recovery.signal"
if ((EUID == 0)); then chown postgres: "$data/restore.conf" "$data/recovery.signal"; fi
chmod 0600 "$data/restore.conf" "$data/recovery.signal"

log "recovering ${when:+up to $when }from $backup and $archive"
cs=$(LOCAL_PG_WAIT_SECONDS=$WAIT_SECONDS "$LP" start "$target")
[[ $cs =~ Port=([0-9]+) ]] || die "unexpected connection string '$cs'"
port=${BASH_REMATCH[1]}
psql=$(dirname -- "$(readlink -f -- "$(command -v psql 2>/dev/null || echo /usr/lib/postgresql/15/bin/psql)")")/psql
[[ -x $psql ]] || psql=/usr/lib/postgresql/$(cat "$data/PG_VERSION")/bin/psql
start=$SECONDS
until [[ $("$psql" -X -At -h 127.0.0.1 -p "$port" -U postgres -d postgres -c 'SELECT pg_is_in_recovery()' </dev/null 2>/dev/null) == f ]]; do
  ((SECONDS - start < WAIT_SECONDS)) || die "recovery did not end within ${WAIT_SECONDS}s (see $target/postgres.log)"
  sleep 0.3
done
# Recovery is over; its settings must not apply to a later start.
rm -f -- "$data/restore.conf"
log "recovered: $(grep -E 'recovery stopping|last completed transaction|archive recovery complete|selected new timeline' "$target/postgres.log" | tail -n 3 | sed -E 's/^[^]]*\] //' | tr '\n' ' ')"
printf '%s\n' "$cs"
