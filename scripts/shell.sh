#!/usr/bin/env bash
# Chat with the bot in the terminal: starts the action server, then `rasa shell`.
set -euo pipefail
# Databases, the key and the logs are for the owner only (docs/privacy.md).
umask 077
VENV="${VENV:-.venv}"
ACTION_PORT="${ACTION_PORT:-5055}"
MODEL="${MODEL:-models/klantcontact.tar.gz}"
LOG_DIR="${KC_VAR_DIR:-var}/log"
mkdir -p "$LOG_DIR"
chmod 700 "${KC_VAR_DIR:-var}" "$LOG_DIR"
chmod 600 "$LOG_DIR"/*.log 2>/dev/null || true
SANIC_HOST=127.0.0.1 "$VENV/bin/rasa" run actions --actions actions --port "$ACTION_PORT" \
  >"$LOG_DIR/actions-shell.log" 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true' INT TERM EXIT
ENDPOINTS=$("$VENV/bin/python" -m bot endpoints --out "${KC_VAR_DIR:-var}/endpoints.runtime.yml")
"$VENV/bin/rasa" shell --model "$MODEL" --endpoints "$ENDPOINTS"
