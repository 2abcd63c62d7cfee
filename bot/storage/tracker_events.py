"""Rasa's conversation events in the SQLite tracker store (``KC_TRACKER_DB``).

Failures are ``StoreError`` (``bot.storage.errors``), as for the results store.

Rasa keeps every message of a conversation in table ``events``; erasure and
retention must reach it too. Only SQLite files are handled here (the default);
for PostgreSQL run the same two DELETE statements on the ``events`` table.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage import sqlite_hygiene
from bot.storage.errors import store_errors

BUSY_TIMEOUT_SECONDS = 10.0


def _connect(db_path: Path) -> sqlite3.Connection | None:
    if not db_path.exists():
        return None
    conn = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_SECONDS)
    sqlite_hygiene.secure_delete(conn)
    has_events = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'events'"
    ).fetchone()[0]
    if not has_events:
        conn.close()
        return None
    return conn


def delete_sender(db_path: Path, sender_id: str) -> int:
    """Delete every event of one conversation; returns how many were deleted."""
    with store_errors("deleting a conversation", db_path):
        return _delete_sender(db_path, sender_id)


def _delete_sender(db_path: Path, sender_id: str) -> int:
    conn = _connect(db_path)
    if conn is None:
        return 0
    with conn:
        deleted = conn.execute("DELETE FROM events WHERE sender_id = ?", [sender_id]).rowcount
    if deleted:
        sqlite_hygiene.scrub(conn)  # erasure: VACUUM and an emptied WAL
    conn.close()
    return deleted


def delete_before(db_path: Path, timestamp: float) -> int:
    """Delete the events of conversations whose last event is older than ``timestamp``.

    Whole conversations go, so no half conversation is left behind.
    """
    with store_errors("deleting old conversations", db_path):
        return _delete_before(db_path, timestamp)


def _delete_before(db_path: Path, timestamp: float) -> int:
    conn = _connect(db_path)
    if conn is None:
        return 0
    with conn:
        deleted = conn.execute(
            "DELETE FROM events WHERE sender_id IN ("
            " SELECT sender_id FROM events GROUP BY sender_id HAVING max(timestamp) < ?)",
            [timestamp],
        ).rowcount
    if deleted:
        sqlite_hygiene.scrub(conn)  # retention: VACUUM and an emptied WAL
    conn.close()
    return deleted


def count_sender(db_path: Path, sender_id: str) -> int:
    """How many events of one conversation the database holds."""
    with store_errors("counting a conversation", db_path):
        return _count_sender(db_path, sender_id)


def _count_sender(db_path: Path, sender_id: str) -> int:
    conn = _connect(db_path)
    if conn is None:
        return 0
    count = conn.execute("SELECT count(*) FROM events WHERE sender_id = ?", [sender_id]).fetchone()
    conn.close()
    return int(count[0])
