#!/usr/bin/env bash
# backup.sh - WAL archiving and base backups of a local cluster (scripts/local-postgres.sh or one node of
# scripts/local-replica.sh): what point-in-time recovery (scripts/restore.sh) needs. docs/operations.md
# describes the same procedure for a managed server.
#
# Usage:
#   scripts/backup.sh archive CLUSTER_DIR ARCHIVE_DIR   # archive every finished WAL segment into ARCHIVE_DIR from now
#                                                       # on (archive_mode=on, archive_command; restarts the cluster)
#   scripts/backup.sh base    CLUSTER_DIR BACKUP_ROOT   # a base backup into BACKUP_ROOT/<UTC time>; prints that path
#   scripts/backup.sh switch  CLUSTER_DIR               # close the current WAL segment and wait until it is archived
#
# A base backup (pg_basebackup, plain format, WAL of the copy included) plus every WAL segment archived after it
# restore the cluster to any moment between the end of the backup and the last archived segment. WAL not yet in a
# finished segment is not in the archive: a server that is lost loses it (at most archive_timeout's worth, set
# here to 60 s; the synchronous standby of scripts/local-replica.sh holds it). Keep the archive and the backups on
# another machine than the server: here they are only directories.
#
# archive_command copies a segment under a temporary name and renames it, and refuses to overwrite a segment
# already archived (a second archiver or a restored cluster must not replace history).
set -euo pipefail

PROG=backup
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
LP=$SCRIPT_DIR/local-postgres.sh

while IFS= read -r _v; do unset "$_v"; done < <(compgen -e | grep '^PG' || true)
unset _v
export LC_ALL=C

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

pg_bin() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [[ -x $d/pg_basebackup ]] && { printf '%s\n' "$d"; return 0; }
  done
  die "pg_basebackup not found (scripts/local-postgres.sh start installs PostgreSQL)"
}

# as_owner CMD...: as the OS user owning the data directory when run as root (the archive and backups belong to it).
as_owner() {
  if ((EUID == 0)); then (cd / && exec runuser -u postgres -- "$@"); else (cd / && exec "$@"); fi
}

port_of() {
  local cs
  cs=$("$LP" status "$1" | sed -n 2p) || die "the cluster in $1 is not running"
  [[ $cs =~ Port=([0-9]+) ]] || die "no port known for $1"
  printf '%s\n' "${BASH_REMATCH[1]}"
}

make_owned_dir() {
  mkdir -p -- "$1"
  if ((EUID == 0)); then chown postgres: "$1"; fi
  chmod 0700 "$1"
}

cmd_archive() {
  local cluster=$1 archive data conf
  archive=$(realpath -m -- "$2")
  make_owned_dir "$archive"
  data=$(readlink -f -- "$cluster/data")
  [[ -f $data/PG_VERSION ]] || die "no cluster at $cluster"
  conf=$data/archive.conf
  cat >"$conf.tmp" <<CONF
# Managed by scripts/backup.sh: every finished WAL segment is copied into $archive.
archive_mode = on
archive_command = 'test ! -f "$archive/%f" && cp "%p" "$archive/%f.part" && mv "$archive/%f.part" "$archive/%f"'
archive_timeout = 60
CONF
  if ((EUID == 0)); then chown postgres: "$conf.tmp"; fi
  chmod 0600 "$conf.tmp"
  mv -f -- "$conf.tmp" "$conf"
  log "archiving into $archive; restarting the cluster in $cluster (archive_mode needs a restart)"
  "$LP" stop "$cluster" >&2
  "$LP" start "$cluster" >/dev/null
}

cmd_base() {
  local cluster=$1 root target port
  root=$(realpath -m -- "$2")
  make_owned_dir "$root"
  target=$root/$(date -u +%Y%m%dT%H%M%S.%3NZ)
  port=$(port_of "$cluster")
  log "base backup of 127.0.0.1:$port into $target"
  as_owner "$(pg_bin)/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D "$target" -Fp -X stream -c fast </dev/null >&2 ||
    die "pg_basebackup failed"
  printf '%s\n' "$target"
}

cmd_switch() {
  local port psql segment start=$SECONDS
  port=$(port_of "$1")
  psql=("$(pg_bin)/psql" -X -q -At -h 127.0.0.1 -p "$port" -U postgres -d postgres)
  segment=$("${psql[@]}" -c 'SELECT pg_walfile_name(pg_switch_wal())' </dev/null)
  until [[ $("${psql[@]}" -c "SELECT coalesce(last_archived_wal, '') >= '$segment' FROM pg_stat_archiver" </dev/null) == t ]]; do
    ((SECONDS - start < 60)) || die "segment $segment was not archived within 60 s (archive_command failing? see the server log)"
    sleep 0.2
  done
  log "archived up to $segment"
}

main() {
  local cmd=${1:-}
  (($#)) && shift
  case $cmd in
    archive | base) (($# == 2)) || die "usage: $0 $cmd CLUSTER_DIR DIR"; "cmd_$cmd" "$@" ;;
    switch) (($# == 1)) || die "usage: $0 switch CLUSTER_DIR"; cmd_switch "$1" ;;
    *) sed -n '5,9p' "$0" >&2; return 2 ;;
  esac
}

main "$@"
