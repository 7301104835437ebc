#!/usr/bin/env bash
# Run the assistant: set up what is missing, build the index if knowledge/ changed, train if
# data/config changed, start the action server (5055), Rasa (5005) and the trainer console
# (5080; CONSOLE=off leaves it out), wait until they answer, and stop them on Ctrl-C. Runs in the
# foreground and needs no input. KB_ENDPOINTS names another endpoints.yml (the tests run the
# stack on a copy of knowledge/ that way).
set -euo pipefail
cd "$(dirname "$0")/.."
# LOG_DIR / RUN_DIR: one folder per server pair when scripts/run-cluster.sh starts several.
log_dir=${LOG_DIR:-var/log} run_dir=${RUN_DIR:-var/run}
mkdir -p "$log_dir" "$run_dir"

scripts/setup.sh
.venv/bin/kb build
model=$(scripts/train.sh)
# Ports come from endpoints.yml (RASA_PORT / ACTION_PORT override them); Rasa reads a rendered copy,
# with the tracker and lock stores chosen by DB_* / REDIS_* (README, "Deployment"), and a rendered
# credentials.yml without the channels whose variables are unset (e.g. WECOM_*).
eval "$(.venv/bin/kb serving --out "$run_dir/endpoints.yml" --credentials-out "$run_dir/credentials.yml")"

pids=()
stop() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    printf '\n\033[1;34m[run]\033[0m stopping...\n' >&2
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# The action server and the console are restarted if they die; meanwhile Rasa stays up and users
# get an honest "service unavailable" reply (rasa_addons/channels/guard.py) instead of a refused
# connection. Each server logs to var/log/ and to this terminal, prefixed.
supervise() {  # $1 = name, then the command
  local name=$1 child=""
  shift
  # wait for the server only: a bare `wait` would also wait for the log pipe's tee, which
  # never ends while this shell holds the pipe open (run.sh stopped with `kill -TERM` hung here).
  trap '[ -n "$child" ] && { kill -TERM "$child" 2>/dev/null; wait "$child"; }; exit 0' TERM INT
  while true; do
    "$@" &
    child=$!
    wait "$child" && code=0 || code=$?
    echo "[run] $name exited with code $code; restarting in 5 s" >&2
    sleep 5
  done
}
# From here on, files the servers create (logs, databases, secrets) are readable by this user only.
umask 077
# The Rasa HTTP API needs a token: RASA_AUTH_TOKEN, or a fresh one per start in a file only this
# user can read, with a header file for curl (-H @file keeps the token out of `ps`). The token
# itself is never printed or logged (rasa_addons/serve.py scrubs logs).
token_file="$run_dir/rasa-auth-token" header_file="$run_dir/rasa-auth-header"
rm -f "$token_file" "$header_file"
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  .venv-rasa/bin/python -c 'import secrets; print(secrets.token_hex(32))' > "$token_file"
  printf 'Authorization: Bearer %s\n' "$(cat "$token_file")" > "$header_file"
  echo "[run] HTTP API token: curl -H @$PWD/$header_file … (the token alone: $PWD/$token_file)" >&2
fi
# Web chat sessions are signed with a secret kept across restarts and shared by the servers of a
# cluster started from this checkout (WEBCHAT_SESSION_SECRET overrides it).
session_secret_file=var/secrets/webchat-session-secret
if [ -z "${WEBCHAT_SESSION_SECRET:-}" ] && [ ! -s "$session_secret_file" ]; then
  mkdir -p var/secrets
  .venv-rasa/bin/python -c 'import secrets; print(secrets.token_hex(32))' > "$session_secret_file.$$"
  mv -n "$session_secret_file.$$" "$session_secret_file"; rm -f "$session_secret_file.$$"
fi
# Logs are appended across restarts; past 50 MB the old one is kept as *.1 (scripts/rotate-log.sh).
for log in "$log_dir/actions.log" "$log_dir/rasa.log" "$log_dir/console.log"; do
  scripts/rotate-log.sh "$log"
  [ ! -f "$log" ] || chmod 600 "$log"
done
supervise "action server" .venv/bin/python -m actions --actions actions --port "$ACTION_PORT" \
  > >(tee -a "$log_dir/actions.log" | sed -u 's/^/[actions] /') 2>&1 &
pids+=($!)
# Token, optional JWT secret, session secret and CORS origins (RASA_CORS_ORIGINS) reach Rasa
# through the environment, never its command line.
RASA_AUTH_TOKEN=${RASA_AUTH_TOKEN:-$(cat "$token_file")} \
WEBCHAT_SESSION_SECRET=${WEBCHAT_SESSION_SECRET:-$(cat "$session_secret_file")} \
.venv-rasa/bin/python -m rasa_addons.serve run --model "$model" --port "$RASA_PORT" \
  --credentials "$run_dir/credentials.yml" --endpoints "$run_dir/endpoints.yml" \
  --enable-api --interface "${RASA_INTERFACE:-127.0.0.1}" \
  > >(tee -a "$log_dir/rasa.log" | sed -u 's/^/[rasa] /') 2>&1 &
pids+=($!)
console_pid=""
if [ "${CONSOLE:-on}" != off ]; then
  # The trainer console (console/): it asks Rasa's NLU over the HTTP API, with the same token.
  RASA_AUTH_TOKEN=${RASA_AUTH_TOKEN:-$(cat "$token_file")} RASA_PORT=$RASA_PORT CONSOLE_PORT=$CONSOLE_PORT \
    supervise "trainer console" .venv/bin/python -m console \
    > >(tee -a "$log_dir/console.log" | sed -u 's/^/[console] /') 2>&1 &
  console_pid=$!
  pids+=("$console_pid")
fi

wait_for() {  # $1 = url, $2 = name
  for _ in $(seq 1 180); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "[run] $2 exited during start-up; see var/log/" >&2; exit 1; }
    done
    sleep 1
  done
  echo "[run] $2 did not answer at $1 within 180 s; see var/log/" >&2
  exit 1
}
wait_for "http://localhost:$ACTION_PORT/health" "action server"
wait_for "http://localhost:$RASA_PORT/" "Rasa server"
[ -z "$console_pid" ] || wait_for "http://localhost:$CONSOLE_PORT/login" "trainer console"

cat >&2 <<INFO

  共情服务知识助手 is ready.
  REST:     curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
              -d '{"sender": "me", "message": "什么是移情服务"}'
  Terminal: .venv/bin/kb chat        (in another terminal)
  Stop:     Ctrl-C

Web chat: http://localhost:$RASA_PORT/webhooks/webchat/chat
INFO
[ -z "$console_pid" ] || cat >&2 <<INFO
Trainer console: http://localhost:$CONSOLE_PORT/
  (trainers' accounts: .venv/bin/kb trainer add NAME)
INFO
echo >&2
wait -n "${pids[@]}"
echo "[run] the Rasa server exited; stopping" >&2
exit 1
