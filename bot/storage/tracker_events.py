"""Rasa's conversation events in the tracker store, for erasure and retention.

Failures are ``StoreError`` (``bot.storage.errors``), as for the results store.

Rasa keeps every message of a conversation in table ``events``; erasure and
retention must reach it too. The tracker database is a SQLite file
(``KC_TRACKER_DB``, the default) or PostgreSQL (``KC_TRACKER_DATABASE_URL``,
the cluster profile): the functions take either, a ``Path`` or the URL.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from bot.storage import sqlite_hygiene
from bot.storage.errors import store_errors

BUSY_TIMEOUT_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 5
_DELETE_SENDER = "DELETE FROM events WHERE sender_id = :sender"
_DELETE_BEFORE = (
    "DELETE FROM events WHERE sender_id IN ("
    " SELECT sender_id FROM events GROUP BY sender_id HAVING max(timestamp) < :moment)"
)
_COUNT_SENDER = "SELECT count(*) FROM events WHERE sender_id = :sender"


def _is_url(target: Path | str) -> bool:
    return isinstance(target, str) and "://" in target


def _where(target: Path | str) -> str:
    if _is_url(target):
        return sa.engine.make_url(str(target)).render_as_string(hide_password=True)
    return str(target)


def _on_postgresql(url: str, statement: str, values: dict, write: bool) -> int:
    """One statement on the PostgreSQL tracker database; 0 when Rasa made no table yet."""
    engine = sa.create_engine(
        url,
        future=True,
        hide_parameters=True,
        poolclass=sa.pool.NullPool,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    )
    try:
        with engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return 0
            result = connection.execute(sa.text(statement), values)
            return int(result.rowcount or 0) if write else int(result.scalar() or 0)
    finally:
        engine.dispose()


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


def delete_sender(db_path: Path | str, sender_id: str) -> int:
    """Delete every event of one conversation; returns how many were deleted."""
    with store_errors("deleting a conversation", _where(db_path)):
        if _is_url(db_path):
            return _on_postgresql(str(db_path), _DELETE_SENDER, {"sender": sender_id}, True)
        return _delete_sender(Path(db_path), sender_id)


def _delete_sender(db_path: Path, sender_id: str) -> int:
    conn = _connect(db_path)
    if conn is None:
        return 0
    with conn:
        deleted = conn.execute(_DELETE_SENDER, {"sender": sender_id}).rowcount
    if deleted:
        sqlite_hygiene.scrub(conn)  # erasure: VACUUM and an emptied WAL
    conn.close()
    return deleted


def delete_before(db_path: Path | str, timestamp: float) -> int:
    """Delete the events of conversations whose last event is older than ``timestamp``.

    Whole conversations go, so no half conversation is left behind.
    """
    with store_errors("deleting old conversations", _where(db_path)):
        if _is_url(db_path):
            return _on_postgresql(str(db_path), _DELETE_BEFORE, {"moment": timestamp}, True)
        return _delete_before(Path(db_path), timestamp)


def _delete_before(db_path: Path, timestamp: float) -> int:
    conn = _connect(db_path)
    if conn is None:
        return 0
    with conn:
        deleted = conn.execute(_DELETE_BEFORE, {"moment": timestamp}).rowcount
    if deleted:
        sqlite_hygiene.scrub(conn)  # retention: VACUUM and an emptied WAL
    conn.close()
    return deleted


def count_sender(db_path: Path | str, sender_id: str) -> int:
    """How many events of one conversation the database holds."""
    with store_errors("counting a conversation", _where(db_path)):
        if _is_url(db_path):
            return _on_postgresql(str(db_path), _COUNT_SENDER, {"sender": sender_id}, False)
        return _count_sender(Path(db_path), sender_id)


def _count_sender(db_path: Path, sender_id: str) -> int:
    conn = _connect(db_path)
    if conn is None:
        return 0
    count = conn.execute(_COUNT_SENDER, {"sender": sender_id}).fetchone()
    conn.close()
    return int(count[0])
