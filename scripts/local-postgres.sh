#!/usr/bin/env bash
# local-postgres.sh - a throwaway, local PostgreSQL 15 cluster for development and CI.
#
# Usage:
#   scripts/local-postgres.sh start   [DIR]   # init if needed, start, print the connection string
#   scripts/local-postgres.sh stop    [DIR [fast|immediate]]
#                                             # fast shutdown (default); no error if it is not running.
#                                             # immediate: abort at once (as in a crash; the next start
#                                             # recovers from WAL), e.g. to test outages
#   scripts/local-postgres.sh status  [DIR]   # "running"/"stopped" + connection string (exit 0 / 3)
#   scripts/local-postgres.sh destroy [DIR]   # stop and delete everything this script created for DIR
#   scripts/local-postgres.sh standby DIR PRIMARY_DIR
#                                             # like start, but a DIR without a cluster is first made a
#                                             # streaming standby of the running cluster in PRIMARY_DIR
#                                             # (pg_basebackup -R -X stream): replication, not initdb
#   scripts/local-postgres.sh promote DIR     # promote the standby in DIR to a primary (pg_ctl promote -w)
#   scripts/local-postgres.sh restore DIR BACKUP_DIR
#                                             # DIR (new) gets a copy of the base backup BACKUP_DIR as its
#                                             # data directory, not started (scripts/restore.sh adds the
#                                             # recovery settings and starts it)
#   scripts/local-postgres.sh lose    DIR     # the machine is gone: SIGKILL the server and every process
#                                             # of its group, delete its data directory; DIR and DIR/port
#                                             # stay, so `standby` can put a replacement on the same port
#
#   CS=$(scripts/local-postgres.sh start)    # -> Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres
#
# `start` prints exactly one line on stdout: an Npgsql connection string. Everything else (progress,
# warnings, errors) goes to stderr. `status` prints "running" or "stopped" on its first stdout line and
# the connection string (when a port is known) on its second; it exits 0 when running, 3 otherwise.
#
# DIR defaults to <repo>/.local/postgres, where <repo> is the parent of this script's folder; `.local/`
# is git-ignored (start appends `.local/` to <repo>/.gitignore if it is missing). Works from any cwd;
# a relative DIR is taken relative to the current directory.
#
# What it does (fresh Debian 12, run as root, no Docker needed):
#   * Finds initdb/pg_ctl/pg_isready in /usr/lib/postgresql/<ver>/bin (15 preferred, or the version
#     that created an existing data dir), then on PATH. If they are missing it installs Debian's
#     `postgresql` package (apt-get update + apt-get install --no-install-recommends), output hidden
#     unless something fails. The system cluster that package creates (and may start) on port 5432
#     is left alone and never used.
#   * initdb refuses to run as root, so as root every initdb/pg_ctl runs as the OS user `postgres`
#     (runuser -u postgres). Run as a non-root user, they simply run as that user (and installing the
#     package then needs password-less sudo).
#   * initdb --auth=trust --username=postgres --encoding=UTF8 --locale=C.UTF-8 (or --locale=C when
#     C.UTF-8 is not available). Settings live in <data>/local-postgres.conf (rewritten on every start,
#     included from postgresql.conf): listen_addresses=127.0.0.1 only, the chosen port, unix sockets
#     in <home>/run (TCP only if that path would be too long for a socket), fsync=on,
#     synchronous_commit=on, max_connections=200, shared_buffers=256MB; then <data>/replication.conf
#     <data>/archive.conf and <data>/restore.conf if they exist (written by scripts/local-replica.sh,
#     scripts/backup.sh and scripts/restore.sh; pg_basebackup copies them with the data directory).
#   * Port: the first free loopback port from 55432 upwards (LOCAL_PG_START_PORT overrides), remembered
#     in DIR/port and reused on the next start while it is free. Starts are serialised machine-wide
#     with flock, so parallel starts of different DIRs never pick the same port; a lost race with some
#     other program is retried on the next port.
#   * `start` on a running cluster just prints its connection string (idempotent). It waits at most
#     LOCAL_PG_WAIT_SECONDS (default 30) for pg_isready.
#
# Layout:
#   DIR/.local-postgres     marker: destroy only ever deletes directories carrying it
#   DIR/port                the port last used (plain number)
#   <home>/data             PGDATA (owned by postgres, mode 0700)
#   <home>/postgres.log     server log
#   <home>/run              unix socket directory
# <home> is DIR itself (chowned to postgres) when the `postgres` user can traverse and write it. If it
# cannot (e.g. a parent such as /root or a home directory is mode 0700), the cluster lives in
# /tmp/reportservice-pg-<first 12 hex of sha256(absolute DIR)> instead, and DIR then holds a note
# file DIR/location (first line: that path) plus symlinks DIR/data and DIR/postgres.log pointing there.
# Parent directories are never chmod-ed. That /tmp copy is subject to the machine's /tmp cleanup; if it
# disappears, the next start re-creates an empty cluster (with a warning).
#
# Environment: PG* variables of the caller are ignored (unset), so PGPORT/PGHOST etc. set for other
# tools cannot redirect this script. LOCAL_PG_START_PORT, LOCAL_PG_WAIT_SECONDS as described above.
# For clusters in network namespaces of their own (scripts/local-replica.sh with LOCAL_REPLICA_NETNS=1):
# LOCAL_PG_LISTEN_ADDRESSES (default 127.0.0.1), LOCAL_PG_TRUST_NET (a CIDR given trust in pg_hba.conf, for
# clients and replication; default none) and LOCAL_PG_PRIMARY_HOST (the address `standby` copies from and
# streams from; default 127.0.0.1).

set -euo pipefail

PROG=local-postgres
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
DEFAULT_DIR="$REPO_ROOT/.local/postgres"
PG_OS_USER=postgres
PREFERRED_MAJOR=15
START_PORT=${LOCAL_PG_START_PORT:-55432}
PORT_SPAN=1000
WAIT_SECONDS=${LOCAL_PG_WAIT_SECONDS:-30}
MARKER=.local-postgres
FALLBACK_PREFIX=/tmp/reportservice-pg-
LOCK_FILE=/tmp/reportservice-local-postgres.lock

# Ignore the caller's libpq/server environment (PGPORT, PGHOST, PGDATA, ...).
while IFS= read -r _v; do unset "$_v"; done < <(compgen -e | grep '^PG' || true)
unset _v
export LC_ALL=C   # predictable tool messages; the cluster's locale is given to initdb explicitly

umask 022   # directories we create must stay traversable by the postgres user

TMP_FILES=() TMP=''
cleanup() { if ((${#TMP_FILES[@]})); then rm -f -- "${TMP_FILES[@]}"; fi; }
trap cleanup EXIT

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
# new_tmp: creates a temp file (removed on exit) and puts its path in $TMP (not via $(...), which
# would lose the bookkeeping in a subshell).
new_tmp() { TMP=$(mktemp "${TMPDIR:-/tmp}/local-postgres.XXXXXX"); TMP_FILES+=("$TMP"); }

usage() {
  cat <<EOF
usage: ${0##*/} {start|status|destroy} [DIR]
       ${0##*/} stop [DIR [fast|immediate]]
       ${0##*/} standby DIR PRIMARY_DIR | restore DIR BACKUP_DIR | promote DIR | lose DIR
  start    init (if needed) and start a local PostgreSQL; prints an Npgsql connection string on stdout
  stop     stop it (fast shutdown, or immediate: abort like a crash); no error if not running
  status   print running/stopped and the connection string (exit 0 running, 3 otherwise)
  destroy  stop it and delete its data
  standby  start DIR; a DIR without a cluster becomes a streaming standby of PRIMARY_DIR's running cluster
  restore  copy the base backup BACKUP_DIR into the new DIR as its data directory (not started)
  promote  promote the standby in DIR to a primary
  lose     SIGKILL the server in DIR (its whole process group) and delete its data directory; keeps DIR/port
DIR defaults to $DEFAULT_DIR
EOF
}

conn_string() { printf 'Host=127.0.0.1;Port=%s;Username=postgres;Database=postgres\n' "$1"; }

# Run a command as the OS user that owns the cluster, from a cwd it can always enter, without the
# lock fd (a postmaster inheriting it would hold the lock forever).
as_pg() {
  if ((EUID == 0)); then
    (cd / && exec runuser -u "$PG_OS_USER" -- "$@") 9>&-
  else
    (cd / && exec "$@") 9>&-
  fi
}

# ---------------------------------------------------------------------------------------------
# Binaries

INITDB='' PG_CTL='' PG_ISREADY=''

major_of() { "$1" --version 2>/dev/null | sed -nE '1s/^[^0-9]*([0-9]+).*/\1/p'; }

# resolve_tools [WANTED_MAJOR]: sets INITDB, PG_CTL, PG_ISREADY; returns 1 if any is missing.
resolve_tools() {
  local want=${1:-} d
  local cands=() found=()
  INITDB='' PG_CTL='' PG_ISREADY=''
  [[ -n $want ]] && cands+=("/usr/lib/postgresql/$want/bin")
  cands+=("/usr/lib/postgresql/$PREFERRED_MAJOR/bin")
  shopt -s nullglob
  found=(/usr/lib/postgresql/*/bin)
  shopt -u nullglob
  if ((${#found[@]})); then
    while IFS= read -r d; do cands+=("$d"); done < <(printf '%s\n' "${found[@]}" | sort -Vr)
  fi
  for d in "${cands[@]}"; do
    if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
      INITDB=$d/initdb PG_CTL=$d/pg_ctl
      [[ -x $d/pg_isready ]] && PG_ISREADY=$d/pg_isready
      break
    fi
  done
  if [[ -z $PG_CTL ]]; then
    INITDB=$(command -v initdb || true)
    PG_CTL=$(command -v pg_ctl || true)
  fi
  [[ -n $PG_ISREADY ]] || PG_ISREADY=$(command -v pg_isready || true)
  [[ -n $INITDB && -n $PG_CTL && -n $PG_ISREADY ]]
}

install_postgres() {
  command -v apt-get >/dev/null 2>&1 ||
    die "PostgreSQL server binaries (initdb, pg_ctl, pg_isready) not found and apt-get is unavailable; install PostgreSQL $PREFERRED_MAJOR manually"
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      die "PostgreSQL server binaries not found; as root run: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql"
    fi
  fi
  log "PostgreSQL server binaries not found; installing Debian package 'postgresql' (apt-get, may take a minute)..."
  local out
  new_tmp
  out=$TMP
  if ! "${sudo[@]}" apt-get update -q </dev/null >"$out" 2>&1; then
    cat "$out" >&2
    die "apt-get update failed (output above)"
  fi
  grep -E '^(E|W|Err):' "$out" >&2 || true   # surface partial failures of a "successful" update
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o DPkg::Lock::Timeout=300 postgresql </dev/null >"$out" 2>&1; then
    cat "$out" >&2
    die "apt-get install postgresql failed (output above)"
  fi
  log "installed Debian package 'postgresql'"
}

# ensure_tools [WANTED_MAJOR]
ensure_tools() {
  local want=${1:-} have
  if ! resolve_tools "$want"; then
    install_postgres
    resolve_tools "$want" ||
      die "installed 'postgresql' but still cannot find initdb/pg_ctl/pg_isready (looked in /usr/lib/postgresql/*/bin and PATH)"
  fi
  if [[ -n $want ]]; then
    have=$(major_of "$PG_CTL")
    [[ $have == "$want" ]] ||
      die "the data directory was created by PostgreSQL $want but only PostgreSQL ${have:-?} binaries were found ($PG_CTL); install postgresql-$want or run: $0 destroy ${DIR}"
  fi
  if ((EUID == 0)); then
    id -u "$PG_OS_USER" >/dev/null 2>&1 ||
      die "OS user '$PG_OS_USER' does not exist (it is created by Debian's postgresql-common package)"
    command -v runuser >/dev/null 2>&1 || die "runuser (util-linux) is required when running as root"
  fi
}

# ---------------------------------------------------------------------------------------------
# Layout

DIR='' HOME_DIR='' DATA='' LOGFILE='' SOCKDIR='' PORTFILE=''

fallback_home() {
  local h
  h=$(printf '%s' "$DIR" | sha256sum | cut -c1-12)
  printf '%s%s\n' "$FALLBACK_PREFIX" "$h"
}

# resolve_layout DIR_ARG: sets DIR (absolute), HOME_DIR, DATA, LOGFILE, SOCKDIR, PORTFILE.
resolve_layout() {
  DIR=$(realpath -m -- "$1")
  [[ $DIR != / ]] || die "refusing to use / as DIR"
  PORTFILE=$DIR/port
  HOME_DIR=$DIR
  if [[ -f $DIR/location ]]; then
    HOME_DIR=$(head -n 1 -- "$DIR/location")
    [[ $HOME_DIR == "$FALLBACK_PREFIX"* ]] || die "unexpected content in $DIR/location: '$HOME_DIR'"
  elif [[ ! -f $DIR/$MARKER ]]; then
    # DIR gone (or never made) but a relocated cluster for it may still exist in /tmp.
    local fb
    fb=$(fallback_home)
    [[ -f $fb/$MARKER ]] && HOME_DIR=$fb
  fi
  DATA=$HOME_DIR/data
  LOGFILE=$HOME_DIR/postgres.log
  SOCKDIR=$HOME_DIR/run
}

write_marker() {
  printf 'Created by %s/scripts/local-postgres.sh. Remove with: local-postgres.sh destroy %s\n' "$REPO_ROOT" "$DIR" >"$1/$MARKER"
}

dir_is_empty() { [[ -d $1 && -z $(ls -A -- "$1") ]]; }

write_location_note() {
  {
    printf '%s\n' "$HOME_DIR"
    printf '# The local PostgreSQL cluster for %s lives at the path on line 1, because the OS user\n' "$DIR"
    printf "# '%s' cannot traverse or write %s. Managed by %s/scripts/local-postgres.sh.\n" "$PG_OS_USER" "$DIR" "$REPO_ROOT"
  } >"$DIR/location"
  ln -sfn -- "$HOME_DIR/data" "$DIR/data"
  ln -sfn -- "$HOME_DIR/postgres.log" "$DIR/postgres.log"
}

# Create DIR (and the relocated home if needed); may switch HOME_DIR to the /tmp fallback.
prepare_dir() {
  if [[ -e $DIR && ! -d $DIR ]]; then die "$DIR exists and is not a directory"; fi
  if [[ -d $DIR && ! -f $DIR/$MARKER ]] && ! dir_is_empty "$DIR"; then
    die "$DIR is not empty and was not created by this script; refusing to use it (choose another DIR)"
  fi
  mkdir -p -- "$DIR"
  [[ -f $DIR/$MARKER ]] || write_marker "$DIR"

  if [[ $HOME_DIR == "$DIR" ]] && ((EUID == 0)); then
    chown "$PG_OS_USER:" "$DIR"
    if ! as_pg test -d "$DIR" -a -x "$DIR" -a -w "$DIR" 2>/dev/null; then
      if [[ -e $DIR/data || -L $DIR/data ]]; then
        die "OS user '$PG_OS_USER' can no longer traverse/write $DIR (parent directory permissions changed?); fix them or run: $0 destroy $DIR"
      fi
      HOME_DIR=$(fallback_home)
      log "note: OS user '$PG_OS_USER' cannot traverse/write $DIR (a parent directory is not searchable);"
      log "      keeping the cluster in $HOME_DIR instead (see $DIR/location)"
    fi
  fi
  if [[ $HOME_DIR != "$DIR" && ! -f $DIR/location ]]; then write_location_note; fi

  if [[ $HOME_DIR != "$DIR" ]]; then
    if [[ -d $HOME_DIR && ! -f $HOME_DIR/$MARKER ]] && ! dir_is_empty "$HOME_DIR"; then
      die "$HOME_DIR exists but was not created by this script; remove it or choose another DIR"
    fi
    if [[ ! -d $HOME_DIR ]]; then
      [[ ! -f $DIR/port ]] || log "warning: $HOME_DIR has disappeared (/tmp cleanup?); creating a new, empty cluster"
      mkdir -m 0700 -- "$HOME_DIR"
    fi
    [[ -f $HOME_DIR/$MARKER ]] || write_marker "$HOME_DIR"
    if ((EUID == 0)); then chown "$PG_OS_USER:" "$HOME_DIR"; fi
    as_pg test -d "$HOME_DIR" -a -x "$HOME_DIR" -a -w "$HOME_DIR" ||
      die "OS user '$PG_OS_USER' cannot write $HOME_DIR either"
  fi
  DATA=$HOME_DIR/data
  LOGFILE=$HOME_DIR/postgres.log
  SOCKDIR=$HOME_DIR/run
  if [[ ! -d $SOCKDIR ]]; then
    mkdir -m 0755 -- "$SOCKDIR"
    if ((EUID == 0)); then chown "$PG_OS_USER:" "$SOCKDIR"; fi
  fi
}

ensure_gitignore() {
  # Only for the default location inside the repo.
  [[ $DIR == "$REPO_ROOT/.local/"* ]] || return 0
  local gi=$REPO_ROOT/.gitignore
  if [[ -f $gi ]] && grep -qxE '[[:space:]]*/?\.local(/|/\*|/\*\*)?[[:space:]]*' "$gi"; then return 0; fi
  if command -v git >/dev/null 2>&1 && git -C "$REPO_ROOT" check-ignore -q "$DIR" 2>/dev/null; then return 0; fi
  local prefix=''
  if [[ -s $gi && -n $(tail -c 1 -- "$gi") ]]; then prefix=$'\n'; fi   # file lacks a final newline
  printf '%s.local/\n' "$prefix" >>"$gi" 2>/dev/null || { log "warning: could not add '.local/' to $gi"; return 0; }
  log "added '.local/' to $gi"
}

# ---------------------------------------------------------------------------------------------
# Cluster state

data_major() { [[ -f $DATA/PG_VERSION ]] && head -n 1 -- "$DATA/PG_VERSION" || true; }

pid_from_file() { [[ -f $DATA/postmaster.pid ]] && head -n 1 -- "$DATA/postmaster.pid" 2>/dev/null || true; }

is_running() {
  [[ -f $DATA/PG_VERSION ]] || return 1
  if [[ -n $PG_CTL ]]; then
    as_pg "$PG_CTL" status -D "$DATA" >/dev/null 2>&1
  else
    local pid
    pid=$(pid_from_file)
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
  fi
}

running_port() { sed -n '4p' -- "$DATA/postmaster.pid" 2>/dev/null || true; }

stored_port() {
  local p=''
  [[ -f $PORTFILE ]] && p=$(head -n 1 -- "$PORTFILE" 2>/dev/null || true)
  [[ $p =~ ^[0-9]+$ ]] && printf '%s\n' "$p" || true
}

save_port() {
  local tmp="$PORTFILE.tmp.$$"
  printf '%s\n' "$1" >"$tmp" && mv -f -- "$tmp" "$PORTFILE"
}

port_in_use() {
  local p=$1 out
  if command -v ss >/dev/null 2>&1 && out=$(ss -Hltn "sport = :$p" 2>/dev/null); then
    [[ -n $out ]] && return 0
  fi
  # Something answering on loopback (also covers machines without ss).
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null && return 0
  return 1
}

# pick_port PREFERRED EXCLUDED...: prints a free port
pick_port() {
  local preferred=$1 p x skip
  shift
  if [[ -n $preferred ]] && ! port_in_use "$preferred"; then
    skip=0
    for x in "$@"; do [[ $x == "$preferred" ]] && skip=1; done
    ((skip)) || { printf '%s\n' "$preferred"; return 0; }
  fi
  for ((p = START_PORT; p < START_PORT + PORT_SPAN; p++)); do
    skip=0
    for x in "$@"; do [[ $x == "$p" ]] && skip=1; done
    ((skip)) && continue
    port_in_use "$p" || { printf '%s\n' "$p"; return 0; }
  done
  die "no free TCP port on 127.0.0.1 in $START_PORT..$((START_PORT + PORT_SPAN - 1))"
}

write_conf() {
  local port=$1 sockdirs=$SOCKDIR conf=$DATA/local-postgres.conf
  # sun_path holds 107 bytes; leave a margin.
  if (( ${#SOCKDIR} + ${#port} + 12 > 100 )); then
    sockdirs=''
    log "note: socket path under $SOCKDIR would be too long; unix sockets disabled (TCP only)"
  fi
  cat >"$conf.tmp" <<EOF
# Managed by scripts/local-postgres.sh; rewritten on every start.
listen_addresses = '${LOCAL_PG_LISTEN_ADDRESSES:-127.0.0.1}'
port = $port
unix_socket_directories = '$sockdirs'
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
include_if_exists = 'replication.conf'
include_if_exists = 'archive.conf'
include_if_exists = 'restore.conf'
EOF
  if ((EUID == 0)); then chown "$PG_OS_USER:" "$conf.tmp"; fi
  chmod 0600 "$conf.tmp"
  mv -f -- "$conf.tmp" "$conf"
  if [[ -n ${LOCAL_PG_TRUST_NET:-} ]] && ! grep -q "^host all all $LOCAL_PG_TRUST_NET trust" "$DATA/pg_hba.conf"; then
    printf 'host all all %s trust\nhost replication all %s trust\n' "$LOCAL_PG_TRUST_NET" "$LOCAL_PG_TRUST_NET" >>"$DATA/pg_hba.conf"
  fi
}

init_cluster() {
  local locale=C out
  if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then locale=C.UTF-8; fi
  if [[ -e $DATA ]] && ! dir_is_empty "$DATA"; then
    die "$DATA exists but holds no initialised cluster (no PG_VERSION); run: $0 destroy $DIR"
  fi
  log "initialising a new cluster in $DATA (locale $locale)"
  new_tmp
  out=$TMP
  if ! as_pg "$INITDB" -D "$DATA" --auth=trust --username=postgres --encoding=UTF8 --locale="$locale" >"$out" 2>&1 </dev/null; then
    if [[ $locale != C ]] && grep -qi locale "$out"; then
      log "initdb with locale $locale failed; retrying with locale C"
      locale=C
      as_pg rm -rf -- "$DATA" 2>/dev/null || true
      if as_pg "$INITDB" -D "$DATA" --auth=trust --username=postgres --encoding=UTF8 --locale=C >"$out" 2>&1 </dev/null; then
        out=''
      fi
    fi
    if [[ -n $out ]]; then
      cat "$out" >&2
      die "initdb failed (output above)"
    fi
  fi
  printf "\n# Added by scripts/local-postgres.sh\ninclude_if_exists = 'local-postgres.conf'\n" >>"$DATA/postgresql.conf"
}

# base_backup PORT: DATA becomes a streaming standby of the primary on 127.0.0.1:PORT. -R writes
# standby.signal and primary_conninfo; -X stream copies the WAL written during the copy as well.
base_backup() {
  local from=$1 out bb=${PG_CTL%/*}/pg_basebackup
  [[ -x $bb ]] || bb=$(command -v pg_basebackup || true)
  [[ -n $bb ]] || die "pg_basebackup not found next to $PG_CTL"
  if [[ -e $DATA ]] && ! dir_is_empty "$DATA"; then
    die "$DATA exists but holds no initialised cluster (no PG_VERSION); run: $0 destroy $DIR"
  fi
  local host=${LOCAL_PG_PRIMARY_HOST:-127.0.0.1}
  log "copying the primary on $host:$from into $DATA (pg_basebackup -R -X stream)"
  new_tmp
  out=$TMP
  if ! as_pg "$bb" -h "$host" -p "$from" -U postgres -D "$DATA" -R -X stream -c fast >"$out" 2>&1 </dev/null; then
    cat "$out" >&2
    as_pg rm -rf -- "$DATA" 2>/dev/null || true
    die "pg_basebackup from $host:$from failed (output above)"
  fi
}

# pm_status: the postmaster's state from line 8 of postmaster.pid ("starting", "ready", ...).
pm_status() { sed -n '8{s/[[:space:]]*$//;p}' -- "$DATA/postmaster.pid" 2>/dev/null || true; }

# wait_ready PORT: 0 ready, 1 timeout, 2 server exited.
# Ready means: OUR postmaster (its postmaster.pid) says "ready" (a hot standby: "standby") on PORT, and pg_isready agrees. pg_isready
# alone is not enough: another server that grabbed PORT would answer it while ours failed to bind.
wait_ready() {
  local port=$1 start=$SECONDS
  while ((SECONDS - start < WAIT_SECONDS)); do
    if [[ $(pm_status) =~ ^(ready|standby)$ && $(running_port) == "$port" ]] && is_running &&
        "$PG_ISREADY" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 2 </dev/null 9>&-; then
      return 0
    fi
    if ((SECONDS - start >= 2)) && ! is_running; then
      return 2
    fi
    sleep 0.3
  done
  return 1
}

# stop_cluster [fast|immediate]
stop_cluster() {
  local mode=${1:-fast}
  if [[ $mode == immediate ]]; then
    if [[ -n $PG_CTL ]]; then
      as_pg "$PG_CTL" stop -D "$DATA" -m immediate -w -t 30 </dev/null >&2 || die "could not stop the server in $DATA"
      return 0
    fi
    local pid i
    pid=$(pid_from_file)
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    log "pg_ctl not found; sending SIGQUIT (immediate shutdown) to postmaster $pid"
    kill -QUIT "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    die "postmaster $pid did not stop"
  fi
  if [[ -n $PG_CTL ]]; then
    if ! as_pg "$PG_CTL" stop -D "$DATA" -m fast -w -t 60 </dev/null >&2; then
      log "fast shutdown did not finish; trying immediate shutdown"
      as_pg "$PG_CTL" stop -D "$DATA" -m immediate -w -t 30 </dev/null >&2 || die "could not stop the server in $DATA"
    fi
  else
    local pid i
    pid=$(pid_from_file)
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    log "pg_ctl not found; sending SIGINT (fast shutdown) to postmaster $pid"
    kill -INT "$pid" 2>/dev/null || true
    for ((i = 0; i < 120; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    die "postmaster $pid did not stop"
  fi
}

take_lock() {
  if ! command -v flock >/dev/null 2>&1; then
    log "warning: flock not found; not serialising with other runs"
    return 0
  fi
  [[ -e $LOCK_FILE ]] || (umask 000 && : >>"$LOCK_FILE") 2>/dev/null || true
  if [[ -r $LOCK_FILE ]]; then
    exec 9<"$LOCK_FILE"
    flock -w 300 9 || die "timed out waiting for $LOCK_FILE (another local-postgres.sh run is busy)"
  else
    log "warning: cannot read $LOCK_FILE; not serialising with other runs"
  fi
}

# ---------------------------------------------------------------------------------------------
# Commands

# cmd_start [PRIMARY_PORT]: with a primary's port, a missing cluster is copied from it instead of initdb.
cmd_start() {
  local from=${1:-}
  take_lock
  ensure_tools "$(data_major)"
  prepare_dir
  ensure_gitignore
  # The data dir may only now be known (relocation); re-check the version it needs.
  local dm
  dm=$(data_major)
  [[ -z $dm ]] || ensure_tools "$dm"

  local port
  if is_running; then
    port=$(running_port)
    [[ $port =~ ^[0-9]+$ ]] || port=$(stored_port)
    [[ -n $port ]] || die "server in $DATA is running but its port is unknown"
    log "already running on 127.0.0.1:$port ($DATA)"
    wait_ready "$port" ||
      die "server in $DATA is running but not accepting connections on 127.0.0.1:$port (see $LOGFILE)"
    [[ $(stored_port) == "$port" ]] || save_port "$port"
    conn_string "$port"
    return 0
  fi

  if [[ ! -f $DATA/PG_VERSION ]]; then
    if [[ -n $from ]]; then base_backup "$from"; else init_cluster; fi
  fi

  local tried=() logsize rc
  for _ in 1 2 3 4 5; do
    port=$(pick_port "$(stored_port)" "${tried[@]}")
    tried+=("$port")
    write_conf "$port"
    logsize=0
    [[ -f $LOGFILE ]] && logsize=$(stat -c %s -- "$LOGFILE")
    log "starting PostgreSQL $(data_major) on 127.0.0.1:$port (data: $DATA, log: $LOGFILE)"
    as_pg "$PG_CTL" start -D "$DATA" -l "$LOGFILE" -W -s </dev/null >&2 ||
      { tail -c +"$((logsize + 1))" -- "$LOGFILE" >&2 2>/dev/null || true; die "pg_ctl start failed"; }
    rc=0
    wait_ready "$port" || rc=$?
    if ((rc == 0)); then
      save_port "$port"
      log "ready"
      conn_string "$port"
      return 0
    fi
    if ((rc == 2)) && tail -c +"$((logsize + 1))" -- "$LOGFILE" 2>/dev/null | grep -qiE 'could not bind|address already in use|could not create any TCP/IP sockets'; then
      log "port $port was taken meanwhile; trying another one"
      continue
    fi
    tail -n 30 -- "$LOGFILE" >&2 2>/dev/null || true
    if ((rc == 1)); then
      die "server did not become ready within ${WAIT_SECONDS}s (log above; it may still be starting: '$0 status $DIR', '$0 stop $DIR')"
    fi
    die "server exited during startup (log above: $LOGFILE)"
  done
  die "could not find a usable port after 5 attempts"
}

cmd_stop() {
  local mode=${1:-fast}
  if [[ ! -f $DATA/PG_VERSION ]]; then
    log "no cluster at $DIR; nothing to stop"
    return 0
  fi
  take_lock
  resolve_tools "$(data_major)" || true
  if ! is_running; then
    log "not running ($DATA)"
    return 0
  fi
  log "stopping server in $DATA ($mode shutdown)"
  stop_cluster "$mode"
  log "stopped"
}

# cmd_restore BACKUP_DIR: the backup's files become DATA. Its replication and archiving settings are left out:
# a restored cluster has no standby to wait for, and must not write into the archive it is restored from.
cmd_restore() {
  local backup=$1
  [[ -f $backup/PG_VERSION && -f $backup/backup_label ]] || die "$backup is not a base backup (no PG_VERSION/backup_label)"
  take_lock
  ensure_tools "$(head -n 1 -- "$backup/PG_VERSION")"
  prepare_dir
  [[ ! -f $DATA/PG_VERSION ]] || die "$DIR already holds a cluster; restore into a new DIR"
  if [[ -e $DATA ]] && ! dir_is_empty "$DATA"; then die "$DATA is not empty"; fi
  log "copying the base backup $backup into $DATA"
  mkdir -p -m 0700 -- "$DATA"
  cp -a -- "$backup/." "$DATA/"
  rm -f -- "$DATA/replication.conf" "$DATA/archive.conf" "$DATA/restore.conf" "$DATA/standby.signal" "$DATA/postmaster.pid"
  if ((EUID == 0)); then chown -R "$PG_OS_USER:" "$DATA"; fi
  chmod 0700 "$DATA"
}

cmd_promote() {
  [[ -f $DATA/PG_VERSION ]] || die "no cluster at $DIR"
  resolve_tools "$(data_major)" || die "pg_ctl not found"
  is_running || die "the server in $DATA is not running"
  [[ -f $DATA/standby.signal ]] || { log "the server in $DATA is not a standby; nothing to promote"; return 0; }
  log "promoting the standby in $DATA"
  as_pg "$PG_CTL" promote -D "$DATA" -w -t 60 </dev/null >&2 || die "promotion of $DATA failed (see $LOGFILE)"
}

# The machine is gone: no shutdown, no goodbye to clients or standbys, no data left. The postmaster and
# its children (backends, WAL sender, ...; each in a session of its own) get SIGKILL in one kill call.
cmd_lose() {
  [[ -d $DIR && -f $DIR/$MARKER ]] || die "$DIR was not created by this script; refusing to touch it"
  take_lock
  local pid i
  pid=$(pid_from_file)
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    local children
    children=$(ps -o pid= --ppid "$pid" 2>/dev/null | tr -s ' \n' ' ' || true)
    log "SIGKILL to postmaster $pid and its children $children"
    # shellcheck disable=SC2086  # the list of child PIDs splits on purpose
    kill -KILL "$pid" $children 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    ! kill -0 "$pid" 2>/dev/null || die "postmaster $pid survived SIGKILL"
  fi
  if [[ -e $DATA ]]; then
    rm -rf -- "$DATA"
    log "deleted $DATA"
  fi
}

cmd_status() {
  local port
  resolve_tools "$(data_major)" || true
  if is_running; then
    port=$(running_port)
    [[ $port =~ ^[0-9]+$ ]] || port=$(stored_port)
    echo running
    [[ -z $port ]] || conn_string "$port"
    return 0
  fi
  echo stopped
  port=$(stored_port)
  [[ -z $port ]] || conn_string "$port"
  [[ -f $DATA/PG_VERSION ]] || log "no cluster at $DIR (run: $0 start${DIR:+ $DIR})"
  return 3
}

cmd_destroy() {
  if [[ ! -e $DIR && ! -L $DIR && $HOME_DIR == "$DIR" ]]; then
    log "nothing at $DIR; nothing to destroy"
    return 0
  fi
  if [[ -d $DIR && ! -f $DIR/$MARKER ]] && ! dir_is_empty "$DIR"; then
    die "$DIR was not created by this script (no $MARKER marker); refusing to delete it"
  fi
  take_lock
  resolve_tools "$(data_major)" || true
  if is_running; then
    log "stopping server in $DATA"
    stop_cluster
  fi
  if [[ $HOME_DIR != "$DIR" && -d $HOME_DIR ]]; then
    [[ $HOME_DIR == "$FALLBACK_PREFIX"* && -f $HOME_DIR/$MARKER ]] ||
      die "refusing to delete $HOME_DIR (not a directory created by this script)"
    rm -rf -- "$HOME_DIR"
  fi
  rm -rf -- "$DIR"
  if [[ $HOME_DIR != "$DIR" ]]; then log "destroyed $DIR and $HOME_DIR"; else log "destroyed $DIR"; fi
}

main() {
  local cmd=${1:-}
  (($#)) && shift
  case $cmd in
    start | stop | status | destroy | promote | lose) ;;
    standby) (($# == 2)) || { usage >&2; die "standby needs DIR and PRIMARY_DIR"; } ;;
    restore) (($# == 2)) || { usage >&2; die "restore needs DIR and BACKUP_DIR"; } ;;
    -h | --help | help) usage; return 0 ;;
    '') usage >&2; return 2 ;;
    *) log "unknown command '$cmd'"; usage >&2; return 2 ;;
  esac
  local mode='' from=''
  if [[ $cmd == standby ]]; then
    # The primary's port, from its own layout; then DIR's layout for the standby itself.
    resolve_layout "$2"
    resolve_tools "$(data_major)" || true
    is_running || die "no running cluster in $2 to copy from"
    from=$(running_port)
    [[ $from =~ ^[0-9]+$ ]] || die "the port of the cluster in $2 is unknown"
    set -- "$1"
  fi
  if [[ $cmd == restore ]]; then
    from=$(realpath -m -- "$2")
    set -- "$1"
  fi
  if [[ $cmd == stop && $# == 2 ]]; then
    mode=$2
    [[ $mode == fast || $mode == immediate ]] || { usage >&2; die "unknown stop mode '$mode' (fast or immediate)"; }
    set -- "$1"
  fi
  (($# <= 1)) || { usage >&2; die "too many arguments"; }
  local dir=${1:-$DEFAULT_DIR}
  [[ -n $dir ]] || die "DIR must not be empty"
  [[ $START_PORT =~ ^[0-9]+$ && $START_PORT -ge 1024 && $START_PORT -le 65000 ]] || die "LOCAL_PG_START_PORT must be a number in 1024..65000"
  [[ $WAIT_SECONDS =~ ^[0-9]+$ && $WAIT_SECONDS -ge 1 ]] || die "LOCAL_PG_WAIT_SECONDS must be a positive number"
  resolve_layout "$dir"
  if [[ $cmd == standby ]]; then cmd_start "$from"
  elif [[ $cmd == restore ]]; then cmd_restore "$from"
  elif [[ -n $mode ]]; then "cmd_$cmd" "$mode"
  else "cmd_$cmd"; fi
}

main "$@"
