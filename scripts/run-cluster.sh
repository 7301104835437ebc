#!/usr/bin/env bash
# Run the production layout: CLUSTER_SIZE (2) Rasa servers, each with its action server, started by
# scripts/run.sh on consecutive ports from RASA_PORT (5005) and ACTION_PORT (5055), sharing one
# PostgreSQL database (conversations, feedback) and one Redis (conversation locks), behind nginx on
# NGINX_PORT (5480). Without DB_HOST / REDIS_HOST it starts local PostgreSQL and Redis itself
# (scripts/services.sh; password generated once into var/services/db-password). Stops everything
# it started on Ctrl-C. README, "Deployment".
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1;34m[cluster]\033[0m %s\n' "$*" >&2; }

size=${CLUSTER_SIZE:-2}
rasa_base=${RASA_PORT:-5005} action_base=${ACTION_PORT:-5055}
[[ "$size" =~ ^[1-9][0-9]?$ ]] || { say "CLUSTER_SIZE=$size is not a number of servers (1-99)"; exit 2; }

local_services=()
if [ -z "${DB_HOST:-}" ]; then
  mkdir -p var/services
  if [ ! -s var/services/db-password ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > var/services/db-password)
  fi
  export DB_HOST=127.0.0.1 DB_PORT=${DB_PORT:-5433} DB_PASSWORD
  DB_PASSWORD=$(cat var/services/db-password)
  local_services+=(postgres)
fi
if [ -z "${REDIS_HOST:-}" ]; then
  export REDIS_HOST=127.0.0.1 REDIS_PORT=${REDIS_PORT:-6380}
  local_services+=(redis)
fi
[ ${#local_services[@]} -eq 0 ] || scripts/services.sh start "${local_services[@]}"

pids=()
stop() {
  trap - INT TERM EXIT
  say "stopping..."
  scripts/services.sh stop nginx || true
  [ ${#pids[@]} -eq 0 ] || { kill -TERM "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; }
  [ ${#local_services[@]} -eq 0 ] || scripts/services.sh stop "${local_services[@]}" || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

up() { curl -fsS -o /dev/null "http://localhost:$1/" 2>/dev/null && curl -fsS -o /dev/null "http://localhost:$2/health" 2>/dev/null; }
start_node() {  # $1 = index; scripts/run.sh does set-up, build, training and supervision
  local i=$1
  # Behind nginx the client's address is the last X-Forwarded-For entry (nginx appends it), which
  # the per-address rate limits need; Sanic reads SANIC_PROXIES_COUNT. One trainer console (the
  # first pair's) serves the shared knowledge folder.
  SANIC_PROXIES_COUNT=${SANIC_PROXIES_COUNT:-1} \
  RASA_PORT=$((rasa_base + i)) ACTION_PORT=$((action_base + i)) CONSOLE=$([ "$i" -eq 0 ] && echo "${CONSOLE:-on}" || echo off) \
    LOG_DIR=var/log/node-$i RUN_DIR=var/run/node-$i \
    scripts/run.sh > >(sed -u "s/^/[node-$i] /") 2>&1 &
  pids+=($!)
}
wait_nodes() {  # $@ = indexes
  local i
  for _ in $(seq 1 600); do
    local all=1
    for i in "$@"; do up $((rasa_base + i)) $((action_base + i)) || all=""; done
    [ -n "$all" ] && return 0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { say "a server pair exited during start-up; see var/log/node-*/"; exit 1; }; done
    sleep 1
  done
  say "servers not up within 600 s; see var/log/node-*/"
  exit 1
}

# The first pair builds the index and trains if needed; the others then start from what it made.
start_node 0
wait_nodes 0
upstreams="127.0.0.1:$rasa_base"
others=()
for ((i = 1; i < size; i++)); do start_node "$i"; others+=("$i"); upstreams+=" 127.0.0.1:$((rasa_base + i))"; done
[ ${#others[@]} -eq 0 ] || wait_nodes "${others[@]}"
RASA_UPSTREAMS=$upstreams scripts/services.sh start nginx

cat >&2 <<INFO

  共情服务知识助手: $size Rasa servers ($upstreams) and $size action servers behind nginx.
  REST:     curl -s localhost:${NGINX_PORT:-5480}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
              -d '{"sender": "me", "message": "什么是移情服务"}'
  Stop:     Ctrl-C

INFO
wait -n "${pids[@]}"
say "a server pair exited; stopping"
exit 1
