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
#   scripts/local-replica.sh return       DIR [sync|async]
#                                               # the old primary, stopped (immediate) and not yet rebuilt, starts
#                                               # again AS A PRIMARY beside the promoted one: split brain, no
#                                               # fencing. sync (default): its synchronous_standby_names stay;
#                                               # async: cleared (it acknowledges commits alone). `rebuild` fences it
#   scripts/local-replica.sh cut          DIR clients|replication|all
#                                               # (network namespaces only) the primary's link to the services,
#                                               # to the standby, or both is cut: packets are silently dropped
#   scripts/local-replica.sh heal         DIR [clients|replication|all]   # those links up again (default all)
#   scripts/local-replica.sh exec         DIR NODE|hub COMMAND...   # COMMAND in that node's network namespace
#   scripts/local-replica.sh stop         DIR   # both nodes, fast shutdown
#   scripts/local-replica.sh destroy      DIR   # both nodes, the network namespaces it created, and DIR
#
# Network namespaces (LOCAL_REPLICA_NETNS=1 at `start`, remembered in DIR/netns): each node runs in a network
# namespace of its own, the clients (the services, the load, psql) in a third, `hub`. A fourth, `wire`, holds
# two bridges: `clients` (hub 10.77.1.1, n1 10.77.1.11, n2 10.77.1.12) and `replication` (n1 10.77.2.11,
# n2 10.77.2.12), each node on each bridge by a veth pair. `cut` sets the wire's end of the primary's veth
# down: both ends lose their carrier, keep their addresses and routes, and drop what they send without an
# error (a SYN is never answered, an established connection's packets vanish: no reset, no ICMP). Nothing
# in the machine's own network namespace changes; the names are rs-<random>-{wire,hub,n1,n2}, and `destroy`
# deletes those named in DIR/netns only. The connection string then names the nodes' client addresses.
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
       ${0##*/} heal DIR [clients|replication|all]
       ${0##*/} {stop-primary|stop-standby|failover} DIR [immediate|lose|freeze]
       ${0##*/} return DIR [sync|async]
       ${0##*/} cut DIR clients|replication|all
       ${0##*/} exec DIR n1|n2|hub COMMAND...
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
running() { lp "$1" status "$(node_dir "$1")" >/dev/null 2>&1; }

# Network namespaces (see the header): the prefix is in DIR/netns when they are used.
netns() { [[ -f $DIR/netns ]]; }
ns_of() { printf '%s-%s\n' "$(head -n 1 -- "$DIR/netns")" "$1"; }
# in_ns NS COMMAND...: COMMAND in that namespace (n1, n2, hub), or here without namespaces.
in_ns() {
  local n=$1
  shift
  if netns; then ip netns exec "$(ns_of "$n")" "$@"; else "$@"; fi
}
client_addr() { [[ $1 == n1 ]] && echo 10.77.1.11 || echo 10.77.1.12; }
replication_addr() { [[ $1 == n1 ]] && echo 10.77.2.11 || echo 10.77.2.12; }
# lp NODE ARGS...: scripts/local-postgres.sh for NODE, in its namespace, listening on its links and copying from
# (streaming from) the other node's replication address.
lp() {
  local n=$1
  shift
  if netns; then
    LOCAL_PG_LISTEN_ADDRESSES='*' LOCAL_PG_TRUST_NET=10.77.0.0/16 LOCAL_PG_PRIMARY_HOST=$(replication_addr "$(other "$n")") in_ns "$n" "$LP" "$@"
  else
    "$LP" "$@"
  fi
}

# psql_on NODE ARGS...: psql on NODE (from its own namespace, on its loopback).
psql_on() {
  local n=$1
  shift
  in_ns "$n" "$(pg_bin)/psql" -X -q -At -h 127.0.0.1 -p "$(port_of "$n")" -U postgres -d postgres "$@" </dev/null
}

conn_string() {
  local h1=127.0.0.1 h2=127.0.0.1
  if netns; then h1=$(client_addr n1) h2=$(client_addr n2); fi
  printf 'Host=%s:%s,%s:%s;Username=postgres;Database=postgres;Target Session Attributes=primary\n' "$h1" "$(port_of n1)" "$h2" "$(port_of n2)"
}

net_create() {
  local prefix n
  prefix=rs-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$prefix" >"$DIR/netns"   # first, so that destroy finds a half-built set too
  for n in wire hub n1 n2; do
    ip netns add "$prefix-$n"
    ip -n "$prefix-$n" link set lo up
  done
  ip -n "$prefix-wire" link add name clients type bridge
  ip -n "$prefix-wire" link add name replication type bridge
  ip -n "$prefix-wire" link set clients up
  ip -n "$prefix-wire" link set replication up
  # veth NS IFACE ADDR BRIDGE PORT: IFACE in NS with ADDR/24, its peer PORT in the wire on BRIDGE.
  veth() {
    ip -n "$prefix-$1" link add name "$2" type veth peer name "$5" netns "$prefix-wire"
    ip -n "$prefix-wire" link set "$5" master "$4"
    ip -n "$prefix-wire" link set "$5" up
    ip -n "$prefix-$1" addr add "$3/24" dev "$2"
    ip -n "$prefix-$1" link set "$2" up
  }
  veth hub clients 10.77.1.1 clients hub
  for n in n1 n2; do
    veth "$n" clients "$(client_addr "$n")" clients "$n-clients"
    veth "$n" replication "$(replication_addr "$n")" replication "$n-replication"
  done
  log "network namespaces $prefix-{wire,hub,n1,n2}"
}

net_destroy() {
  netns || return 0
  local prefix n
  prefix=$(head -n 1 -- "$DIR/netns")
  [[ $prefix =~ ^rs-[0-9a-f]{6}$ ]] || die "$DIR/netns names '$prefix', not a namespace prefix of this script"
  for n in n1 n2 hub wire; do
    if ip netns list | grep -qw -- "$prefix-$n"; then ip netns del "$prefix-$n" || log "warning: could not delete $prefix-$n"; fi
  done
  rm -f -- "$DIR/netns"
}

# set_links NODE clients|replication|all up|down: the wire's end of NODE's links.
set_links() {
  local n=$1 which=$2 state=$3 prefix l
  prefix=$(head -n 1 -- "$DIR/netns")
  for l in clients replication; do
    [[ $which == all || $which == "$l" ]] && ip -n "$prefix-wire" link set "$n-$l" "$state"
  done
  return 0
}

cmd_cut() {
  netns || die "$DIR has no network namespaces (start it with LOCAL_REPLICA_NETNS=1)"
  [[ ${1:-} =~ ^(clients|replication|all)$ ]] || die "cut what: clients, replication or all"
  local p
  p=$(primary)
  set_links "$p" "$1" down
  log "primary $p: link(s) to $([[ $1 == all ]] && echo 'the services and the standby' || echo "the $1") cut"
}

cmd_heal() {
  netns || die "$DIR has no network namespaces"
  local which=${1:-all}
  [[ $which =~ ^(clients|replication|all)$ ]] || die "heal what: clients, replication or all"
  set_links n1 "$which" up
  set_links n2 "$which" up
  log "links up: $which"
}

cmd_exec() {
  [[ ${1:-} =~ ^(n1|n2|hub)$ ]] || die "exec in n1, n2 or hub"
  local n=$1
  shift
  in_ns "$n" "$@"
}

cmd_return() {
  local p o
  p=$(primary)
  o=$(other "$p")
  running "$o" && die "$o is running"
  [[ -f $(data_of "$o")/PG_VERSION ]] || die "$o has no data directory (lost, or already rebuilt)"
  [[ ! -f $(data_of "$o")/standby.signal ]] || die "$o was a standby, not an old primary"
  if [[ ${1:-sync} == async ]]; then
    sed -i "s/^synchronous_standby_names = .*/synchronous_standby_names = ''/" "$(data_of "$o")/replication.conf"
  fi
  lp "$o" start "$(node_dir "$o")" >/dev/null
  log "$o (the old primary, not fenced) runs again as a primary beside $p ($([[ ${1:-sync} == async ]] && echo 'no synchronous standby required' || echo 'its commits wait for a synchronous standby'))"
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
    [[ $(psql_on "$(primary)" -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = 'sync'" 2>/dev/null) -ge 1 ]] 2>/dev/null && return 0
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
    lp "$p" start "$(node_dir "$p")" >/dev/null
    lp "$s" standby "$(node_dir "$s")" "$(node_dir "$p")" >/dev/null
  else
    [[ ${LOCAL_REPLICA_NETNS:-0} != 1 ]] || netns || net_create
    lp n1 start "$DIR/n1" >/dev/null
    set_primary n1
    lp n2 standby "$DIR/n2" "$DIR/n1" >/dev/null
    write_replication_conf n1
    write_replication_conf n2
    psql_on n1 -c 'SELECT pg_reload_conf()' >/dev/null
    psql_on n2 -c 'SELECT pg_reload_conf()' >/dev/null
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
      role=$(psql_on "$n" -c "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END" 2>/dev/null || echo unknown)
      printf '%s port=%s running %s\n' "$n" "$port" "$role"
    else
      printf '%s port=%s stopped\n' "$n" "${port:-?}"
    fi
  done
  n=$(primary)
  if running "$n"; then
    psql_on "$n" -F ' ' -c "SELECT 'replication', application_name, client_port, state, sync_state, coalesce(replay_lag::text, '-') FROM pg_stat_replication" || true
  fi
  conn_string
}

# stop_node NODE [immediate|lose]
stop_node() {
  local n=$1 how=${2:-immediate}
  case $how in
    immediate) lp "$n" stop "$(node_dir "$n")" immediate ;;
    lose) lp "$n" lose "$(node_dir "$n")" ;;
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
  lp "$s" promote "$(node_dir "$s")"
  set_primary "$s"
  log "$s on 127.0.0.1:$(port_of "$s") is the primary; its commits wait for a synchronous standby (rebuild)"
}

cmd_rebuild() {
  local p s
  p=$(primary)
  s=$(other "$p")
  running "$p" || die "the primary $p is not running"
  # The other node is fenced first: killed and deleted, also when it is frozen (SIGKILL reaches stopped processes).
  lp "$s" lose "$(node_dir "$s")"
  rm -f -- "$DIR/frozen"
  local want
  want=$(port_of "$s")
  local got
  got=$(lp "$s" standby "$(node_dir "$s")" "$(node_dir "$p")")
  [[ -z $want || $got == *"Port=$want;"* ]] || die "the rebuilt standby came up as '$got', not on port $want (taken meanwhile?)"
  wait_sync
  log "$s is a synchronous standby of $p again"
}

cmd_stop() {
  thaw
  local p
  p=$(primary)
  lp "$(other "$p")" stop "$(node_dir "$(other "$p")")"
  lp "$p" stop "$(node_dir "$p")"
}

cmd_destroy() {
  [[ -e $DIR ]] || { log "nothing at $DIR"; return 0; }
  [[ -f $DIR/$MARKER ]] || die "$DIR was not created by this script; refusing to delete it"
  thaw
  local n
  for n in n1 n2; do [[ ! -e $DIR/$n ]] || lp "$n" destroy "$DIR/$n" || log "warning: could not destroy $n"; done
  net_destroy
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
    cut | heal | return | exec) "cmd_$cmd" "$@" ;;
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
