#!/usr/bin/env bash
# Start, stop or check the servers of the production layout, installed from Debian when missing
# (as root, apt-get), with data, configuration and logs under var/services/ and the project's own
# ports, so they never clash with a system-wide instance. Idempotent: starting a running server or
# stopping a stopped one does nothing.
#
#   scripts/services.sh start postgres redis nginx
#   scripts/services.sh stop nginx redis postgres
#   scripts/services.sh status postgres
#
# Environment (README, "Deployment"): DB_PORT (5433), DB_NAME (rasa), DB_USER (rasa), DB_PASSWORD
# (required for postgres), REDIS_PORT (6380), REDIS_PASSWORD (optional), NGINX_PORT (5480),
# RASA_UPSTREAMS (for nginx: "127.0.0.1:5405 127.0.0.1:5406").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
base="$root/var/services"
say() { printf '\033[1;34m[services]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[services]\033[0m %s\n' "$*" >&2; exit 1; }

apt_updated=""
need_package() {  # $1 = Debian package, $2 = a file it installs
  [ -e "$2" ] && return 0
  [ "$(id -u)" = 0 ] || die "$1 is not installed; run as root to install it, or: apt-get install $1"
  say "installing $1 (apt-get)"
  if [ -z "$apt_updated" ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1; fi
  # policy-rc.d 101: the package must not start its own system-wide instance.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null || { rm -f /usr/sbin/policy-rc.d; die "apt-get install $1 failed"; }
  rm -f /usr/sbin/policy-rc.d
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# The cluster lives in var/services/postgres, but PostgreSQL runs as the postgres user, which must
# be able to reach it. A checkout that user cannot traverse (e.g. made by `mktemp -d`, mode 700)
# keeps its cluster in postgres's home instead, named after the checkout; initdb would fail there.
pg_dir() {
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$base"; then
    echo "$(getent passwd postgres | cut -d: -f6)/empathy-kb-$(printf %s "$root" | sha1sum | cut -c1-12)"
  else
    echo "$base/postgres"
  fi
}

postgres() {
  local dir port="${DB_PORT:-5433}" bin
  mkdir -p "$base"
  case "$1" in
    start)
      need_package postgresql "$(pg_bin)/pg_ctl"
      bin=$(pg_bin)
      dir=$(pg_dir)
      [ "$dir" = "$base/postgres" ] || say "the postgres user cannot reach $base: its cluster goes in $dir"
      [ -n "${DB_PASSWORD:-}" ] || die "set DB_PASSWORD for the database user ${DB_USER:-rasa}"
      mkdir -p "$dir"
      [ "$(id -u)" = 0 ] && chown postgres: "$dir"
      if [ ! -f "$dir/data/PG_VERSION" ]; then
        say "creating the PostgreSQL cluster in $dir/data"
        as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
          -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || die "initdb failed; see $dir/initdb.log"
      fi
      if ! as_postgres "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
          -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null \
          || die "PostgreSQL did not start; see $dir/postgres.log"
      fi
      local user="${DB_USER:-rasa}" db="${DB_NAME:-rasa}"
      psql_admin() { as_postgres "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 "$@"; }
      # The password goes through a psql variable (:'pw'), never onto a command line.
      if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" ]; then
        printf "CREATE ROLE \"%s\" LOGIN PASSWORD :'pw';\n" "$user" | psql_admin -v pw="$DB_PASSWORD" -f - >/dev/null
      else
        printf "ALTER ROLE \"%s\" PASSWORD :'pw';\n" "$user" | psql_admin -v pw="$DB_PASSWORD" -f - >/dev/null
      fi
      if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
        psql_admin -c "CREATE DATABASE \"$db\" OWNER \"$user\"" >/dev/null
      fi
      say "PostgreSQL on 127.0.0.1:$port, database $db, user $user" ;;
    stop)
      bin=$(pg_bin) dir=$(pg_dir)
      if [ -n "$bin" ] && [ -f "$dir/data/PG_VERSION" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null && say "PostgreSQL stopped"
      fi ;;
    status)
      bin=$(pg_bin) dir=$(pg_dir)
      [ -n "$bin" ] && [ -f "$dir/data/PG_VERSION" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 ;;
  esac
}

redis() {
  local dir="$base/redis" port="${REDIS_PORT:-6380}"
  local running=""
  [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null && running=1
  case "$1" in
    start)
      need_package redis-server /usr/bin/redis-server
      mkdir -p "$dir"
      if [ -z "$running" ]; then
        # Locks only: nothing to persist. The password (if any) goes in through stdin, not argv.
        { printf 'port %s\nbind 127.0.0.1\ndir %s\npidfile %s/redis.pid\nlogfile %s/redis.log\n' \
            "$port" "$dir" "$dir" "$dir"
          printf 'daemonize yes\nsave ""\nappendonly no\n'
          if [ -n "${REDIS_PASSWORD:-}" ]; then printf 'requirepass "%s"\n' "$REDIS_PASSWORD"; fi
        } | redis-server - >/dev/null || die "Redis did not start; see $dir/redis.log"
        for _ in $(seq 1 50); do [ -f "$dir/redis.pid" ] && break; sleep 0.1; done
      fi
      say "Redis on 127.0.0.1:$port" ;;
    stop)
      if [ -n "$running" ]; then
        local pid; pid=$(cat "$dir/redis.pid")
        kill "$pid"; for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        say "Redis stopped"
      fi ;;
    status) [ -n "$running" ] ;;
  esac
}

nginx_() {
  local dir="$base/nginx" port="${NGINX_PORT:-5480}"
  local running=""
  [ -f "$dir/nginx.pid" ] && kill -0 "$(cat "$dir/nginx.pid")" 2>/dev/null && running=1
  case "$1" in
    start)
      need_package nginx /usr/sbin/nginx
      [ -n "${RASA_UPSTREAMS:-}" ] || die "set RASA_UPSTREAMS, e.g. \"127.0.0.1:5405 127.0.0.1:5406\""
      mkdir -p "$dir/temp"
      local servers="" s
      for s in $RASA_UPSTREAMS; do servers+="    server $s max_fails=1 fail_timeout=5s;"$'\n'; done
      # REST: round robin, and a refused connection is retried on the next server (nothing was
      # sent yet, so even a POST is safe). socket.io: ip_hash keeps a client on one server, as
      # its polling and websocket requests must reach the same process.
      cat > "$dir/nginx.conf" <<CONF
# Generated by scripts/services.sh; edit that script instead.
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/temp/body;
  proxy_temp_path $dir/temp/proxy;
  fastcgi_temp_path $dir/temp/fastcgi;
  uwsgi_temp_path $dir/temp/uwsgi;
  scgi_temp_path $dir/temp/scgi;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  upstream rasa_rest {
$servers  }
  upstream rasa_socketio {
    ip_hash;
$servers  }
  server {
    listen 127.0.0.1:$port;
    client_max_body_size 1m;
    proxy_set_header Host \$host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_read_timeout 120s;
    proxy_next_upstream error timeout http_502;
    location /socket.io/ {
      proxy_pass http://rasa_socketio;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
    }
    location / { proxy_pass http://rasa_rest; }
  }
}
CONF
      /usr/sbin/nginx -t -q -p "$dir" -c "$dir/nginx.conf" -g "daemon on;" 2>"$dir/check.log" \
        || die "nginx configuration rejected; see $dir/check.log"
      if [ -n "$running" ]; then
        /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -s reload
      else
        /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf"
      fi
      say "nginx on 127.0.0.1:$port → $RASA_UPSTREAMS" ;;
    stop)
      if [ -n "$running" ]; then
        local pid; pid=$(cat "$dir/nginx.pid")
        /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -s quit
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        say "nginx stopped"
      fi ;;
    status) [ -n "$running" ] ;;
  esac
}

[ $# -ge 2 ] || die "usage: scripts/services.sh start|stop|status postgres|redis|nginx ..."
action=$1; shift
case "$action" in start|stop|status) ;; *) die "unknown command $action (start, stop or status)";; esac
for service in "$@"; do
  case "$service" in
    postgres) postgres "$action" ;;
    redis) redis "$action" ;;
    nginx) nginx_ "$action" ;;
    *) die "unknown service $service (postgres, redis or nginx)" ;;
  esac
done
