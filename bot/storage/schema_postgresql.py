"""The results database's tables on PostgreSQL, and the locks replicas share there.

SQLite files keep their version in ``PRAGMA user_version`` (``bot.storage.schema``);
a PostgreSQL database keeps it in table ``kc_schema``. PostgreSQL support
starts at version 5, so its first step creates the tables as SQLite's
version 5 has them (from ``bot.storage.tables``); every later step must be
added to both lists. Replicas that start at the same moment take turns: the
steps run under a transaction-level advisory lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from bot.storage.tables import metadata

#: Advisory lock keys (any 64-bit numbers, the same in every replica).
SCHEMA_LOCK = 0x4B43_5343  # "KCSC"
PURGE_LOCK = 0x4B43_5055  # "KCPU"


@dataclass(frozen=True)
class PostgresMigration:
    version: int
    why: str
    apply: Callable[[sa.engine.Connection], None]


def _tables_of_version_5(connection: sa.engine.Connection) -> None:
    metadata.create_all(connection)
    # New assessments sort after older ones that started in the same second
    # (SQLite uses its rowid for this: ``tables.insertion_order``).
    connection.execute(
        sa.text("ALTER TABLE assessments ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY")
    )


POSTGRES_MIGRATIONS: tuple[PostgresMigration, ...] = (
    PostgresMigration(5, "the tables as SQLite's version 5 has them", _tables_of_version_5),
)


def stored_version(connection: sa.engine.Connection) -> int:
    connection.execute(sa.text("CREATE TABLE IF NOT EXISTS kc_schema (version INTEGER NOT NULL)"))
    return int(
        connection.execute(sa.text("SELECT coalesce(max(version), 0) FROM kc_schema")).scalar()
    )


def migrate_postgresql(engine: sa.engine.Engine) -> list[int]:
    """Apply the missing steps in one transaction; returns the versions applied."""
    applied = []
    with engine.begin() as connection:
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        version = stored_version(connection)
        for step in POSTGRES_MIGRATIONS:
            if version >= step.version:
                continue
            step.apply(connection)
            connection.execute(
                sa.text("INSERT INTO kc_schema (version) VALUES (:v)"), {"v": step.version}
            )
            applied.append(step.version)
    return applied


def try_purge_lock(connection: sa.engine.Connection) -> bool:
    """Take the purge lock for this transaction; False when another replica holds it.

    SQLite needs no lock (one file, one writer at a time): always True there.
    """
    if connection.dialect.name != "postgresql":
        return True
    return bool(
        connection.execute(
            sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": PURGE_LOCK}
        ).scalar()
    )
