#!/usr/bin/env bash
# local-replica.sh - a throwaway PostgreSQL primary with a synchronous streaming standby on loopback, and the
# operations of a failover: stop or lose the primary, promote the standby, rebuild a standby. Every cluster
# operation is scripts/local-postgres.sh's (start, standby, promote, stop, lose, destroy); this script only
# keeps track of which node is the primary and writes the replication settings.
#
# Usage:
#   scripts/local-replica.sh start        DIR   # both nodes up, the standby synchronous; prints the connection string
#   scripts/local-replica.sh status       DIR   # each node's port, state and role; the primary's pg_stat_replication
#   scripts/local-replica.sh stop-primary DIR [immediate|lose|freeze]
#                                               # immediate (default): pg_ctl stop -m immediate, as in a crash;
#                                               # lose: SIGKILL and delete its data directory (the machine is gone)
#                                               # freeze: SIGSTOP to every process of the node: a hung machine that
#                                               # keeps its connections open and answers nothing (no reset); fenced
#                                               # (SIGKILL) by `rebuild`, thawed by `stop` and `destroy`
#   scripts/local-replica.sh stop-standby DIR [immediate|lose]   # the same for the standby (the primary's commits wait)
#   scripts/local-replica.sh promote      DIR   # promote the standby; it is the primary from now on
#   scripts/local-replica.sh failover     DIR [immediate|lose]   # stop-primary, then promote
#   scripts/local-replica.sh rebuild      DIR   # the node that is not the primary is deleted and re-created as a
#                                               # synchronous standby of the primary (pg_basebackup), same port
#   scripts/local-replica.sh stop         DIR   # both nodes, fast shutdown
#   scripts/local-replica.sh destroy      DIR   # both nodes and DIR
#
# `start` prints one line on stdout, the Npgsql multi-host connection string of the pair, which does not change
# across failovers and rebuilds (each node keeps its port):
#   Host=127.0.0.1:P1,127.0.0.1:P2;Username=postgres;Database=postgres;Target Session Attributes=primary
#
# Layout: DIR/n1 and DIR/n2 are local-postgres.sh directories; DIR/primary names the current primary (n1 or n2).
# LOCAL_PG_START_PORT is passed on to local-postgres.sh (where the nodes look for free ports).
#
# Replication settings (<data>/replication.conf, included by local-postgres.sh's settings on both nodes and
# copied to every standby by pg_basebackup):
#   synchronous_standby_names = '*'   a commit waits for a standby: an acknowledged write is on two machines
#   synchronous_commit = remote_apply the standby has also applied the commit before the client is answered, so a
#                                     read on the standby right after an acknowledged write sees it (ADR 12);
#                                     `on` would wait for the standby's flush only
#   hot_standby_feedback = on         queries on the standby do not get cancelled by the primary's vacuum
# After a promotion the new primary keeps these settings: it has no standby, so its commits WAIT until `rebuild`
# (or an operator) gives it one. That is the durability-first choice: nothing is acknowledged that only one
# machine holds. To run alone instead, an operator clears synchronous_standby_names (docs/operations.md).
set -euo pipefail

PROG=local-replica
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
LP=$SCRIPT_DIR/local-postgres.sh
MARKER=.local-replica
SYNC_WAIT_SECONDS=${LOCAL_REPLICA_SYNC_WAIT_SECONDS:-60}

while IFS= read -r _v; do unset "$_v"; done < <(compgen -e | grep '^PG' || true)
unset _v
export LC_ALL=C

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

usage() {
  cat <<EOF
usage: ${0##*/} {start|status|promote|rebuild|stop|destroy} DIR
       ${0##*/} {stop-primary|stop-standby|failover} DIR [immediate|lose|freeze]
EOF
}

pg_bin() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [[ -x $d/psql ]] && { printf '%s\n' "$d"; return 0; }
  done
  d=$(command -v psql || true)
  [[ -n $d ]] || die "psql not found (scripts/local-postgres.sh start installs PostgreSQL)"
  dirname -- "$d"
}

DIR=''
node_dir() { printf '%s/%s\n' "$DIR" "$1"; }
other() { [[ $1 == n1 ]] && echo n2 || echo n1; }
primary() { [[ -f $DIR/primary ]] && head -n 1 -- "$DIR/primary" || die "$DIR holds no pair (run: $0 start $DIR)"; }
set_primary() { printf '%s\n' "$1" >"$DIR/primary.tmp" && mv -f -- "$DIR/primary.tmp" "$DIR/primary"; }
port_of() { head -n 1 -- "$(node_dir "$1")/port" 2>/dev/null || true; }
data_of() { readlink -f -- "$(node_dir "$1")/data"; }
running() { "$LP" status "$(node_dir "$1")" >/dev/null 2>&1; }

psql_at() {
  local port=$1
  shift
  "$(pg_bin)/psql" -X -q -At -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@" </dev/null
}

conn_string() {
  printf 'Host=127.0.0.1:%s,127.0.0.1:%s;Username=postgres;Database=postgres;Target Session Attributes=primary\n' "$(port_of n1)" "$(port_of n2)"
}

write_replication_conf() {
  local data conf
  data=$(data_of "$1")
  conf=$data/replication.conf
  cat >"$conf.tmp" <<'EOF'
# Managed by scripts/local-replica.sh (ADR 12): commits wait until a standby has applied them.
synchronous_standby_names = '*'
synchronous_commit = remote_apply
hot_standby_feedback = on
EOF
  if ((EUID == 0)); then chown --reference="$data" "$conf.tmp"; fi
  chmod 0600 "$conf.tmp"
  mv -f -- "$conf.tmp" "$conf"
}

# wait_sync: until the primary reports a streaming standby in sync state.
wait_sync() {
  local port start=$SECONDS
  port=$(port_of "$(primary)")
  while ((SECONDS - start < SYNC_WAIT_SECONDS)); do
    [[ $(psql_at "$port" -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = 'sync'" 2>/dev/null) -ge 1 ]] 2>/dev/null && return 0
    sleep 0.2
  done
  die "no synchronous standby streaming from the primary on 127.0.0.1:$port after ${SYNC_WAIT_SECONDS}s"
}

cmd_start() {
  mkdir -p -- "$DIR"
  [[ -f $DIR/$MARKER ]] || printf 'Created by scripts/local-replica.sh\n' >"$DIR/$MARKER"
  if [[ -f $DIR/primary ]]; then
    local p s
    p=$(primary)
    s=$(other "$p")
    "$LP" start "$(node_dir "$p")" >/dev/null
    "$LP" standby "$(node_dir "$s")" "$(node_dir "$p")" >/dev/null
  else
    "$LP" start "$DIR/n1" >/dev/null
    set_primary n1
    "$LP" standby "$DIR/n2" "$DIR/n1" >/dev/null
    write_replication_conf n1
    write_replication_conf n2
    psql_at "$(port_of n1)" -c 'SELECT pg_reload_conf()' >/dev/null
    psql_at "$(port_of n2)" -c 'SELECT pg_reload_conf()' >/dev/null
  fi
  wait_sync
  log "primary $(primary) on 127.0.0.1:$(port_of "$(primary)"), synchronous standby $(other "$(primary)") on 127.0.0.1:$(port_of "$(other "$(primary)")")"
  conn_string
}

cmd_status() {
  local n port role
  for n in n1 n2; do
    port=$(port_of "$n")
    if running "$n"; then
      role=$(psql_at "$port" -c "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END" 2>/dev/null || echo unknown)
      printf '%s port=%s running %s\n' "$n" "$port" "$role"
    else
      printf '%s port=%s stopped\n' "$n" "${port:-?}"
    fi
  done
  n=$(primary)
  if running "$n"; then
    psql_at "$(port_of "$n")" -F ' ' -c "SELECT 'replication', application_name, client_port, state, sync_state, coalesce(replay_lag::text, '-') FROM pg_stat_replication" || true
  fi
  conn_string
}

# stop_node NODE [immediate|lose]
stop_node() {
  local n=$1 how=${2:-immediate}
  case $how in
    immediate) "$LP" stop "$(node_dir "$n")" immediate ;;
    lose) "$LP" lose "$(node_dir "$n")" ;;
    freeze)
      local pids
      pids=$(node_pids "$n")
      [[ -n $pids ]] || die "$n is not running"
      # shellcheck disable=SC2086 # the list of pids splits on purpose
      kill -STOP $pids
      printf '%s\n' "$n" >"$DIR/frozen"
      ;;
    *) die "unknown way to stop a node '$how' (immediate, lose or freeze)" ;;
  esac
}

# node_pids NODE: the postmaster of NODE and its children.
node_pids() {
  local pid
  pid=$(head -n 1 "$(node_dir "$1")/data/postmaster.pid" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 0
  printf '%s %s\n' "$pid" "$(ps -o pid= --ppid "$pid" | tr -s ' \n' ' ')"
}

# thaw: a frozen node's processes continue (before it is stopped or deleted: a stopped process ignores all
# but SIGKILL until then).
thaw() {
  [[ -f $DIR/frozen ]] || return 0
  local pids
  pids=$(node_pids "$(cat "$DIR/frozen")")
  # shellcheck disable=SC2086 # the list of pids splits on purpose
  [[ -z $pids ]] || kill -CONT $pids 2>/dev/null || true
  rm -f -- "$DIR/frozen"
}

cmd_stop_primary() {
  local p
  p=$(primary)
  stop_node "$p" "$@"
  log "primary $p is down (${1:-immediate})"
}

cmd_stop_standby() {
  local s
  s=$(other "$(primary)")
  stop_node "$s" "$@"
  log "standby $s is down (${1:-immediate}); the primary's commits wait until it is rebuilt"
}

cmd_promote() {
  local s
  s=$(other "$(primary)")
  running "$s" || die "the standby $s is not running"
  "$LP" promote "$(node_dir "$s")"
  set_primary "$s"
  log "$s on 127.0.0.1:$(port_of "$s") is the primary; its commits wait for a synchronous standby (rebuild)"
}

cmd_rebuild() {
  local p s
  p=$(primary)
  s=$(other "$p")
  running "$p" || die "the primary $p is not running"
  # The other node is fenced first: killed and deleted, also when it is frozen (SIGKILL reaches stopped processes).
  "$LP" lose "$(node_dir "$s")"
  rm -f -- "$DIR/frozen"
  local want
  want=$(port_of "$s")
  local got
  got=$("$LP" standby "$(node_dir "$s")" "$(node_dir "$p")")
  [[ -z $want || $got == *"Port=$want;"* ]] || die "the rebuilt standby came up as '$got', not on port $want (taken meanwhile?)"
  wait_sync
  log "$s is a synchronous standby of $p again"
}

cmd_stop() {
  thaw
  local p
  p=$(primary)
  "$LP" stop "$(node_dir "$(other "$p")")"
  "$LP" stop "$(node_dir "$p")"
}

cmd_destroy() {
  [[ -e $DIR ]] || { log "nothing at $DIR"; return 0; }
  [[ -f $DIR/$MARKER ]] || die "$DIR was not created by this script; refusing to delete it"
  thaw
  local n
  for n in n1 n2; do [[ ! -e $DIR/$n ]] || "$LP" destroy "$DIR/$n"; done
  rm -rf -- "$DIR"
}

main() {
  local cmd=${1:-}
  (($#)) && shift
  [[ -n ${1:-} ]] || { usage >&2; return 2; }
  DIR=$(realpath -m -- "$1")
  shift
  case $cmd in
    start | status | promote | rebuild | stop | destroy) (($# == 0)) || { usage >&2; return 2; }; "cmd_$cmd" ;;
    stop-primary) cmd_stop_primary "$@" ;;
    stop-standby) cmd_stop_standby "$@" ;;
    failover)
      local t0=$EPOCHREALTIME
      cmd_stop_primary "$@"
      cmd_promote
      log "failover took $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
      ;;
    -h | --help | help) usage ;;
    *) log "unknown command '$cmd'"; usage >&2; return 2 ;;
  esac
}

main "$@"
