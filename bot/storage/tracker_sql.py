"""SQL for Rasa's tracker database, used by our tracker store (``bot.rasa_integration``).

Rasa's ``SQLTrackerStore`` owns the ``events`` table; the statements our
subclass adds (tuning new connections, counting a session's events, deleting
a conversation and scrubbing its bytes) live here, so that only
``bot.storage`` talks SQL. No Rasa import: the table comes in as an argument.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from bot.storage import sqlite_hygiene

#: Rasa's ``SessionStarted.type_name``, as stored in ``events.type_name``.
SESSION_STARTED = "session_started"


def tune_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    """SQLAlchemy "connect" listener for the SQLite tracker database.

    Speed: WAL with ``synchronous=NORMAL`` instead of a full fsync per commit
    (docs/benchmarks.md). Privacy: ``secure_delete`` overwrites deleted
    conversations with zeros (``bot.storage.sqlite_hygiene``).
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def tune_sqlite_engine(engine: sa.engine.Engine) -> None:
    """Apply ``tune_sqlite_connection`` to every new connection of a SQLite engine."""
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", tune_sqlite_connection)
        engine.dispose()  # connections opened before get the settings too


def rebuilt_engine(engine: sa.engine.Engine, pre_ping: bool, **kwargs: Any) -> sa.engine.Engine:
    """The same database without parameters in error texts, with ``pool_pre_ping`` if asked.

    ``hide_parameters`` keeps message texts out of SQLAlchemy's error texts,
    which Rasa logs. Rasa builds its PostgreSQL engine without a pre-ping, so
    after a PostgreSQL restart every pooled connection fails once, one user
    message each. With the ping a dead connection is replaced before use: one
    message gets the Dutch retry reply (``bot.channels.guard``), the next one
    works. SQLite has no server to lose, so it goes without the ping.
    """
    url = engine.url
    engine.dispose()
    return sa.create_engine(url, pool_pre_ping=pre_ping, hide_parameters=True, **kwargs)


def session_factory(engine: sa.engine.Engine) -> Any:
    """Rasa's ``sessionmaker`` for a replaced engine."""
    return sa.orm.session.sessionmaker(bind=engine)


def current_session_count_statement(events: sa.Table) -> sa.sql.Select:
    """``SELECT COUNT(*), MAX(id)`` of Rasa's ``_event_query(..., all sessions=False)``.

    Events of the sender from the latest SessionStarted on, or all of them
    when there is none; the bind parameter is ``sender``. The newest row id
    comes along: a conversation deleted and written again by another process
    or replica may reach the same count, never the same newest id.
    """
    sender = sa.bindparam("sender")
    session_start = (
        sa.select(sa.func.max(events.c.timestamp))
        .where(events.c.sender_id == sender, events.c.type_name == SESSION_STARTED)
        .scalar_subquery()
    )
    return (
        sa.select(sa.func.count(), sa.func.max(events.c.id))
        .select_from(events)
        .where(
            events.c.sender_id == sender,
            sa.or_(events.c.timestamp >= session_start, session_start.is_(None)),
        )
    )


#: (how many events, the newest event's row id or None): what a kept tracker is checked against.
StoredState = tuple[int, int | None]


def count_events(engine: sa.engine.Engine, statement: sa.sql.Select, sender_id: str) -> StoredState:
    """Run a statement from ``current_session_count_statement`` for one sender."""
    with engine.connect() as connection:
        count, newest = connection.execute(statement, {"sender": sender_id}).one()
    return int(count), (int(newest) if newest is not None else None)


def delete_conversation(
    engine: sa.engine.Engine, events: sa.Table, sender_id: str, vacuum: bool
) -> int:
    """Delete every stored event of a sender; on SQLite the freed bytes are scrubbed."""
    with engine.begin() as connection:
        deleted = connection.execute(sa.delete(events).where(events.c.sender_id == sender_id))
    count = int(deleted.rowcount or 0)
    if count and engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            sqlite_hygiene.scrub(raw.connection, vacuum=vacuum)
        finally:
            raw.close()
    return count
