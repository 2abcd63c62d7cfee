#!/usr/bin/env bash
# `make demo`: a fresh demo database with example results, then everything runs
# on it. The real database in var/ is never touched. The screen shows a short
# Dutch block for the presenter; the technical lines go to the log folder
# (KC_RUN_QUIET, scripts/run.sh). KC_DEMO_SEED and KC_DEMO_PASSWORD keep the
# login and the share codes the same at every start (docs/adviser.md).
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
export KC_RUN_QUIET=1
KC_RUN_BANNER="$summary

Stoppen: druk op Ctrl+C. Technische meldingen staan in $KC_VAR_DIR/log/."
export KC_RUN_BANNER
echo "De demo start. Dit duurt ongeveer een minuut. Even geduld ..."
exec scripts/run.sh
