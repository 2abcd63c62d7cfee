"""The results database's tables as SQLAlchemy Core objects, for SQLite and PostgreSQL.

Every query in ``bot.storage`` is built from these, so one implementation
runs on both databases. On SQLite the tables themselves are created and
migrated by ``bot.storage.schema`` (the DDL there is what older files have);
on PostgreSQL ``bot.storage.schema_postgresql`` creates them from this
metadata. The two describe the same columns;
``tests/unit/test_cluster_stores.py`` compares them.

Moments are ISO text in UTC (``results_store.iso``), so they sort and compare
the same way on both databases.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()


def _moment(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=nullable)


assessments = sa.Table(
    "assessments",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("person", sa.Text, nullable=False, index=True),
    _moment("started_at"),
    _moment("consent_at", nullable=True),
    _moment("completed_at", nullable=True),
    sa.Column("scores", sa.Text),
    sa.Column("overall", sa.Integer),
    sa.Column("routes", sa.Text),
    sa.Column("content_version", sa.Integer),
)

answers = sa.Table(
    "answers",
    metadata,
    sa.Column(
        "assessment_id",
        sa.Text,
        sa.ForeignKey("assessments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("question_id", sa.Text, primary_key=True),
    sa.Column("option_id", sa.Text, nullable=False),
    sa.Column("points", sa.Integer),
    _moment("answered_at"),
)

channel_messages = sa.Table(
    "channel_messages",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    _moment("seen_at", nullable=True),
    sa.Column("person", sa.Text),
)

share_codes = sa.Table(
    "share_codes",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column(
        "assessment_id",
        sa.Text,
        sa.ForeignKey("assessments.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("person", sa.Text, nullable=False, index=True),
    _moment("created_at"),
    _moment("expires_at"),
)

advisers = sa.Table(
    "advisers",
    metadata,
    sa.Column("username", sa.Text, primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    _moment("created_at"),
)

adviser_sessions = sa.Table(
    "adviser_sessions",
    metadata,
    sa.Column("token_hash", sa.Text, primary_key=True),
    sa.Column(
        "username",
        sa.Text,
        sa.ForeignKey("advisers.username", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("csrf_token", sa.Text, nullable=False),
    _moment("created_at"),
    _moment("expires_at"),
)

report_views = sa.Table(
    "report_views",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "assessment_id",
        sa.Text,
        sa.ForeignKey("assessments.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("person", sa.Text, nullable=False, index=True),
    sa.Column("adviser", sa.Text, nullable=False),
    sa.Column("code", sa.Text),
    _moment("viewed_at"),
    sa.Index("idx_report_views_adviser_viewed_at", "adviser", "viewed_at"),
)

code_attempts = sa.Table(
    "code_attempts",
    metadata,
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    _moment("at"),
    sa.Index("idx_code_attempts_kind_key_at", "kind", "key", "at"),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last", sa.Float, nullable=False),
)


def insertion_order(dialect_name: str) -> sa.sql.ColumnElement:
    """A column that grows with every new assessment row, to break ties in ``started_at``.

    SQLite has ``rowid``; the PostgreSQL table gets an identity column ``seq``
    (``bot.storage.schema_postgresql``), kept out of ``assessments`` above because older
    SQLite files do not have it.
    """
    return sa.literal_column("rowid" if dialect_name == "sqlite" else "seq")


def upsert(
    connection: sa.engine.Connection,
    table: sa.Table,
    rows: list[dict],
    keys: tuple[str, ...],
    increment: tuple[str, ...] = (),
) -> None:
    """Insert rows, replacing the other columns of a row whose ``keys`` exist already.

    Columns in ``increment`` are added to instead of replaced (a counter).
    """
    if not rows:
        return
    statement = _dialect_insert(connection, table)
    updated = {
        c: table.c[c] + statement.excluded[c] if c in increment else statement.excluded[c]
        for c in rows[0]
        if c not in keys
    }
    if updated:
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=updated)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    connection.execute(statement, rows)


def insert_unless_present(
    connection: sa.engine.Connection, table: sa.Table, row: dict, keys: tuple[str, ...]
) -> bool:
    """Insert one row unless its ``keys`` exist; True when it was inserted."""
    statement = _dialect_insert(connection, table).on_conflict_do_nothing(index_elements=list(keys))
    return bool(connection.execute(statement, row).rowcount)


def _dialect_insert(connection: sa.engine.Connection, table: sa.Table) -> Any:
    """``INSERT ... ON CONFLICT`` exists on both, each in its own dialect module."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
