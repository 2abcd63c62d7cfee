"""The results database's tables, as an ordered list of migrations.

``PRAGMA user_version`` says which steps a file has had; opening it applies
only the missing ones, each in its own transaction together with the new
version number, so a crash halfway leaves the file at the last whole step.
Files made before this list existed carry version 1 or 2 and may lack the
tables added later; step 3 creates whatever is missing, so every older file
and a new, empty file take the same path.

Every row about an assessment hangs off ``assessments`` with ``ON DELETE
CASCADE`` (answers, share codes, report views), and adviser sessions hang
off ``advisers``: deleting the parent row is the one place that erases the
rest. Connections must run with ``PRAGMA foreign_keys=ON``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    why: str
    apply: Callable[[sqlite3.Connection], None]


#: The tables as versions 1 and 2 created them (sqlite-utils), only where missing.
_FIRST_TABLES = """
CREATE TABLE IF NOT EXISTS "assessments" (
   "id" TEXT PRIMARY KEY,
   "person" TEXT NOT NULL,
   "started_at" TEXT NOT NULL,
   "consent_at" TEXT,
   "completed_at" TEXT,
   "scores" TEXT,
   "overall" INTEGER,
   "routes" TEXT,
   "content_version" INTEGER
);
CREATE INDEX IF NOT EXISTS "idx_assessments_person" ON "assessments" ("person");
CREATE TABLE IF NOT EXISTS "answers" (
   "assessment_id" TEXT REFERENCES "assessments"("id"),
   "question_id" TEXT,
   "option_id" TEXT NOT NULL,
   "points" INTEGER,
   "answered_at" TEXT NOT NULL,
   PRIMARY KEY ("assessment_id", "question_id")
);
CREATE TABLE IF NOT EXISTS "channel_messages" (
   "id" TEXT PRIMARY KEY,
   "seen_at" TEXT,
   "person" TEXT
);
CREATE TABLE IF NOT EXISTS "share_codes" (
   "code" TEXT PRIMARY KEY,
   "assessment_id" TEXT NOT NULL REFERENCES "assessments"("id"),
   "person" TEXT NOT NULL,
   "created_at" TEXT NOT NULL,
   "expires_at" TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_share_codes_person" ON "share_codes" ("person");
CREATE TABLE IF NOT EXISTS "advisers" (
   "username" TEXT PRIMARY KEY,
   "password_hash" TEXT NOT NULL,
   "created_at" TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS "adviser_sessions" (
   "token_hash" TEXT PRIMARY KEY,
   "username" TEXT NOT NULL REFERENCES "advisers"("username"),
   "csrf_token" TEXT NOT NULL,
   "created_at" TEXT NOT NULL,
   "expires_at" TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS "report_views" (
   "id" INTEGER PRIMARY KEY,
   "assessment_id" TEXT NOT NULL,
   "person" TEXT NOT NULL,
   "adviser" TEXT NOT NULL,
   "code" TEXT,
   "viewed_at" TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_report_views_person" ON "report_views" ("person");
CREATE INDEX IF NOT EXISTS "idx_report_views_adviser_viewed_at"
    ON "report_views" ("adviser", "viewed_at");
CREATE TABLE IF NOT EXISTS "code_attempts" (
   "kind" TEXT NOT NULL,
   "key" TEXT NOT NULL,
   "at" TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_code_attempts_kind_key_at"
    ON "code_attempts" ("kind", "key", "at");
"""


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute("SELECT * FROM pragma_table_info(?)", [table])]


def _first_tables(conn: sqlite3.Connection) -> None:
    for statement in _FIRST_TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
    if "person" not in _columns(conn, "channel_messages"):  # made before version 2 had it
        conn.execute('ALTER TABLE "channel_messages" ADD COLUMN "person" TEXT')


#: Child tables rebuilt with cascading foreign keys: (table, new DDL, indexes, parent check).
_CASCADING = (
    (
        "answers",
        """CREATE TABLE "answers" (
   "assessment_id" TEXT NOT NULL REFERENCES "assessments"("id") ON DELETE CASCADE,
   "question_id" TEXT,
   "option_id" TEXT NOT NULL,
   "points" INTEGER,
   "answered_at" TEXT NOT NULL,
   PRIMARY KEY ("assessment_id", "question_id")
)""",
        (),
        '"assessment_id" IN (SELECT "id" FROM "assessments")',
    ),
    (
        "share_codes",
        """CREATE TABLE "share_codes" (
   "code" TEXT PRIMARY KEY,
   "assessment_id" TEXT NOT NULL REFERENCES "assessments"("id") ON DELETE CASCADE,
   "person" TEXT NOT NULL,
   "created_at" TEXT NOT NULL,
   "expires_at" TEXT NOT NULL
)""",
        (
            'CREATE INDEX "idx_share_codes_person" ON "share_codes" ("person")',
            'CREATE INDEX "idx_share_codes_assessment_id" ON "share_codes" ("assessment_id")',
        ),
        '"assessment_id" IN (SELECT "id" FROM "assessments")',
    ),
    (
        "report_views",
        """CREATE TABLE "report_views" (
   "id" INTEGER PRIMARY KEY,
   "assessment_id" TEXT NOT NULL REFERENCES "assessments"("id") ON DELETE CASCADE,
   "person" TEXT NOT NULL,
   "adviser" TEXT NOT NULL,
   "code" TEXT,
   "viewed_at" TEXT NOT NULL
)""",
        (
            'CREATE INDEX "idx_report_views_person" ON "report_views" ("person")',
            'CREATE INDEX "idx_report_views_adviser_viewed_at"'
            ' ON "report_views" ("adviser", "viewed_at")',
            'CREATE INDEX "idx_report_views_assessment_id" ON "report_views" ("assessment_id")',
        ),
        '"assessment_id" IN (SELECT "id" FROM "assessments")',
    ),
    (
        "adviser_sessions",
        """CREATE TABLE "adviser_sessions" (
   "token_hash" TEXT PRIMARY KEY,
   "username" TEXT NOT NULL REFERENCES "advisers"("username") ON DELETE CASCADE,
   "csrf_token" TEXT NOT NULL,
   "created_at" TEXT NOT NULL,
   "expires_at" TEXT NOT NULL
)""",
        ('CREATE INDEX "idx_adviser_sessions_username" ON "adviser_sessions" ("username")',),
        '"username" IN (SELECT "username" FROM "advisers")',
    ),
)


def _cascading_foreign_keys(conn: sqlite3.Connection) -> None:
    """Rebuild the child tables with ``ON DELETE CASCADE`` (SQLite cannot alter a key).

    Rows whose parent is already gone (left by a delete in an older version)
    are personal data nobody can reach; they are not copied.
    """
    for table, create, indexes, has_parent in _CASCADING:
        conn.execute(f'ALTER TABLE "{table}" RENAME TO "{table}_old"')
        conn.execute(create)
        columns = ", ".join(f'"{c}"' for c in _columns(conn, table))
        conn.execute(
            f'INSERT INTO "{table}" ({columns}) '  # noqa: S608 - fixed names, no input
            f'SELECT {columns} FROM "{table}_old" WHERE {has_parent}'
        )
        conn.execute(f'DROP TABLE "{table}_old"')
        for index in indexes:
            conn.execute(index)


def _login_failures(conn: sqlite3.Connection) -> None:
    """Wrong adviser passwords, shared by every web app process (keys are keyed hashes)."""
    conn.execute(
        """CREATE TABLE IF NOT EXISTS "login_failures" (
   "kind" TEXT NOT NULL,
   "key" TEXT NOT NULL,
   "failures" INTEGER NOT NULL,
   "last" REAL NOT NULL,
   PRIMARY KEY ("kind", "key")
)"""
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(3, "the tables of versions 1 and 2, created where missing", _first_tables),
    Migration(4, "one cascade from assessments and advisers", _cascading_foreign_keys),
    Migration(5, "wrong adviser passwords in the database", _login_failures),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


#: Every table the store reads or writes.
TABLES = (
    "assessments",
    "answers",
    "channel_messages",
    "share_codes",
    "advisers",
    "adviser_sessions",
    "report_views",
    "code_attempts",
    "login_failures",
)


def check_tables(conn: sqlite3.Connection) -> None:
    """Raise when a table is gone: sqlite-utils would read a missing table as empty.

    Without this, a damaged file would say "nothing stored" instead of failing.
    """
    marks = ", ".join("?" for _ in TABLES)
    present = {
        row[0]
        for row in conn.execute(
            f"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ({marks})",  # noqa: S608
            TABLES,
        )
    }
    missing = [table for table in TABLES if table not in present]
    if missing:
        raise sqlite3.DatabaseError(f"no such table: {', '.join(missing)}")


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the missing steps in order; returns the versions applied.

    Foreign keys are off while a step runs (a rebuilt table is dropped and
    renamed), and every key is checked before the step commits.
    """
    applied = []
    for step in MIGRATIONS:
        if user_version(conn) >= step.version:
            continue
        conn.execute("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction: set first
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                step.apply(conn)
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise sqlite3.IntegrityError(f"step {step.version} broke a foreign key")
                conn.execute(f"PRAGMA user_version={step.version}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute("PRAGMA foreign_keys=ON")
        applied.append(step.version)
    return applied
