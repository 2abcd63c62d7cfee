#!/usr/bin/env bash
# Start the action server and Rasa; stop both cleanly on Ctrl-C.
# Called by `make run` after install and training. Ports and hosts come from
# ACTION_PORT (5055), RASA_PORT (5005), RASA_HOST (127.0.0.1).
set -euo pipefail
# Databases, the key and the logs are for the owner only (docs/privacy.md).
umask 077

VENV="${VENV:-.venv}"
ACTION_PORT="${ACTION_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
RASA_HOST="${RASA_HOST:-127.0.0.1}"
MODEL="${MODEL:-models/klantcontact.tar.gz}"
LOG_DIR="${KC_VAR_DIR:-var}/log"
mkdir -p "$LOG_DIR"
chmod 700 "${KC_VAR_DIR:-var}" "$LOG_DIR"
chmod 600 "$LOG_DIR"/*.log 2>/dev/null || true
# KC_RUN_QUIET=1 (make demo): the technical lines go to $LOG_DIR/run.log instead of
# the screen, which then shows only KC_RUN_BANNER once everything is ready.
say() { if [ "${KC_RUN_QUIET:-}" = 1 ]; then cat >>"$LOG_DIR/run.log"; else cat; fi; }

# Its fallback warning is technical too; a missing pipeline is an error and stays on screen.
nlp_status=$("$VENV/bin/python" -m bot nlp status 2>&1) || { echo "$nlp_status" >&2; exit 1; }
echo "$nlp_status" | say
ENDPOINTS=$("$VENV/bin/python" -m bot endpoints --out "${KC_VAR_DIR:-var}/endpoints.runtime.yml")

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

SANIC_HOST=127.0.0.1 "$VENV/bin/rasa" run actions --actions actions --port "$ACTION_PORT" \
  >"$LOG_DIR/actions.log" 2>&1 &
pids+=($!)

"$VENV/bin/rasa" run --model "$MODEL" --interface "$RASA_HOST" --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints "$ENDPOINTS" --cors "*" \
  >"$LOG_DIR/rasa.log" 2>&1 &
pids+=($!)

"$VENV/bin/python" -m bot web --host "${WEB_HOST:-127.0.0.1}" --port "${WEB_PORT:-8000}" \
  --rasa-url "http://127.0.0.1:$RASA_PORT" >"$LOG_DIR/web.log" 2>&1 &
pids+=($!)

# Retention: delete data older than KC_RETENTION_DAYS now and once a day.
"$VENV/bin/python" -m bot purge --daily >"$LOG_DIR/retention.log" 2>&1 &
pids+=($!)

say <<MSG
Starting the action server (port $ACTION_PORT), Rasa (port $RASA_PORT) and the web pages (port ${WEB_PORT:-8000}).
Loading the model takes about a minute; logs are in $LOG_DIR/.
MSG
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$RASA_PORT/" >/dev/null 2>&1; then break; fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A server stopped; see $LOG_DIR/." >&2; exit 1; }
  done
  sleep 1
done

say <<MSG

Klantcontact-check is running.
  Web page with the chat widget:  http://127.0.0.1:${WEB_PORT:-8000}/
  Adviser dashboard:              http://127.0.0.1:${WEB_PORT:-8000}/adviseur
    (accounts: .venv/bin/python -m bot adviser add NAME)
  Chat in the terminal instead: stop this and run  make shell
  Chat over REST:
    curl -s -X POST http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook \\
         -H 'Content-Type: application/json' -d '{"sender": "test", "message": "hoi"}'
  socket.io (web widget): http://127.0.0.1:$RASA_PORT/socket.io
Press Ctrl-C to stop.
MSG
if [ -n "${KC_RUN_BANNER:-}" ]; then printf '\n%s\n' "$KC_RUN_BANNER"; fi
wait -n "${pids[@]}" || true
echo "A server stopped unexpectedly; see $LOG_DIR/." >&2
exit 1
