#!/usr/bin/env bash
# `make demo`: a fresh demo database with example results, then everything runs
# on it. The real database in var/ is never touched.
set -euo pipefail
# Databases, the key and the logs are for the owner only (docs/privacy.md).
umask 077

VENV="${VENV:-.venv}"
export KC_DEMO=1
export KC_VAR_DIR="${KC_DEMO_DIR:-var/demo}"
export KC_TRACKER_DB="$KC_VAR_DIR/tracker.db"
mkdir -p "$KC_VAR_DIR"
rm -f "$KC_VAR_DIR"/results.db* "$KC_VAR_DIR"/tracker.db*

summary=$("$VENV/bin/python" -m bot demo seed)
WEB="http://127.0.0.1:${WEB_PORT:-8000}"
KC_RUN_BANNER="DEMO MODE (database in $KC_VAR_DIR/, wiped at each 'make demo')
$summary

  Log in:     $WEB/adviseur/login
  Live view:  $WEB/adviseur/live   (the chat and the scores side by side)
  Report:     $WEB/adviseur, then enter one of the share codes above"
export KC_RUN_BANNER
echo "$KC_RUN_BANNER"
exec scripts/run.sh
