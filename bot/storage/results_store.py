"""The results store: the connection to the results database and its own tables.

One implementation on two databases, through SQLAlchemy Core
(``bot.storage.tables``): a SQLite file by default (``make run``: nothing to
install) or PostgreSQL when ``KC_DATABASE_URL`` is set (the cluster profile,
docs/deploy.md). A person appears only as a pseudonym (see
``bot.privacy.pseudonyms``). Rows are written only for people who gave
consent; each answer is written when it is given, so a paused check is not
lost. The tables are set up by ``bot.storage.schema`` (SQLite) and
``bot.storage.schema_postgresql``; other ``bot.storage`` modules (adviser
tables, code attempts, report views, overview queries) use ``reading`` and
``writing``, so every failure is a ``StoreError`` (``bot.storage.errors``).
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlite_utils

from bot.clock import Clock, system_clock
from bot.storage import channel_ids, sqlite_hygiene
from bot.storage.errors import StoreError, UnknownAssessment, store_errors
from bot.storage.private_files import private_database, private_file
from bot.storage.schema import SCHEMA_VERSION, migrate
from bot.storage.schema_postgresql import migrate_postgresql, try_purge_lock
from bot.storage.tables import (
    adviser_sessions,
    answers,
    assessments,
    channel_messages,
    code_attempts,
    insert_unless_present,
    insertion_order,
    report_views,
    share_codes,
    upsert,
)

__all__ = [
    "SCHEMA_VERSION",
    "ResultsStore",
    "StoreError",
    "StoredResult",
    "UnknownAssessment",
    "iso",
]

BUSY_TIMEOUT_SECONDS = 10.0
IN_MEMORY = ":memory:"
#: Connections per process to PostgreSQL (actions and web requests are short).
POOL_SIZE = 5
#: Seconds to wait for a PostgreSQL connection before the caller gets a StoreError.
CONNECT_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class StoredResult:
    """One assessment as stored, in the shape the CLI prints."""

    assessment_id: str
    started_at: str
    consent_at: str | None
    completed_at: str | None
    scores: dict[str, int] | None
    overall: int | None
    routes: list[str]
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    def as_json(self) -> dict[str, Any]:
        return {
            "assessment_id": self.assessment_id,
            "started_at": self.started_at,
            "consent_at": self.consent_at,
            "completed_at": self.completed_at,
            "completed": self.completed,
            "scores": self.scores,
            "overall": self.overall,
            "routes": self.routes,
            "answers": self.answers,
        }


@contextmanager
def _schema_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes while a database file is set up."""
    private_file(Path(f"{path}.lock"))
    with open(f"{path}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def iso(moment: datetime) -> str:
    """The one text form of a moment in the store (UTC, seconds); sorts in time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


class ResultsStore:
    """Assessments and answers, keyed by assessment id and person pseudonym.

    Give either a SQLite ``path`` or a ``database_url`` (PostgreSQL). Every
    public method reads or writes through ``reading`` or ``writing``, so every
    failure of the database reaches the caller as ``StoreError``.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        clock: Clock = system_clock,
        message_id_key: bytes | None = None,
        *,
        database_url: str | None = None,
    ) -> None:
        if (path is None) == (database_url is None):
            raise ValueError("give a SQLite path or a database URL, not both")
        self.path = Path(path) if path is not None else None
        self.database_url = database_url
        self.clock = clock
        #: Channel message ids are stored as HMAC(key, id) (``bot.storage.channel_ids``).
        self._message_id_key = message_id_key
        # One SQLite connection is shared by the threads of a process, one at a time;
        # PostgreSQL connections come from a pool and need no lock.
        self._lock = threading.RLock() if database_url is None else nullcontext()
        self._engine: sa.engine.Engine | None = None
        self._sqlite: sqlite3.Connection | None = None
        # Threads (the health check runs in one) must not open a second engine.
        self._opening = threading.Lock()

    @classmethod
    def in_memory(cls, clock: Clock = system_clock) -> ResultsStore:
        return cls(IN_MEMORY, clock)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "sqlite" if self.database_url is None else "postgresql"

    @property
    def where(self) -> str:
        """The database for messages: the file, or the URL without its password."""
        if self.database_url is None:
            return str(self.path)
        return sa.engine.make_url(self.database_url).render_as_string(hide_password=True)

    def now(self) -> str:
        """The store's clock as stored text (tests set the clock, never the code)."""
        return iso(self.clock())

    @property
    def engine(self) -> sa.engine.Engine:
        """The open database, set up on first use (code uses reading/writing)."""
        if self._engine is None:
            with self._opening:
                if self._engine is None:
                    self._engine = self._open()  # errors reach callers via reading/writing
        return self._engine

    @property
    def db(self) -> sqlite_utils.Database:
        """The SQLite file through sqlite-utils, for tests and exports; SQLite only."""
        if self.database_url is not None:
            raise StoreError("sqlite-utils view asked of a PostgreSQL store")
        self.engine  # noqa: B018 - opens and migrates the file
        assert self._sqlite is not None
        return sqlite_utils.Database(self._sqlite)

    def _open(self) -> sa.engine.Engine:
        if self.database_url is not None:
            engine = sa.create_engine(
                self.database_url,
                future=True,
                hide_parameters=True,  # no pseudonym or code in an error message
                pool_pre_ping=True,  # a restarted PostgreSQL costs one failed turn, not all
                pool_size=POOL_SIZE,
                connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
            )
            try:
                migrate_postgresql(engine)
            except BaseException:
                engine.dispose()
                raise
            return engine
        conn = self._open_sqlite()
        self._sqlite = conn
        return sa.create_engine(
            "sqlite://",
            future=True,
            hide_parameters=True,
            creator=lambda: conn,
            poolclass=sa.pool.StaticPool,
        )

    def _open_sqlite(self) -> sqlite3.Connection:
        assert self.path is not None
        if str(self.path) == IN_MEMORY:
            conn = sqlite3.connect(IN_MEMORY, check_same_thread=False)
            conn.execute("PRAGMA foreign_keys=ON")
            migrate(conn)
            return conn
        private_database(self.path)  # folder 0700, file and WAL/SHM 0600
        conn = sqlite3.connect(
            str(self.path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
            conn.execute("PRAGMA foreign_keys=ON")
            sqlite_hygiene.secure_delete(conn)
            # The action server, the web app and the retention job may open a new
            # file at the same moment: one process at a time sets it up.
            with _schema_lock(self.path):
                conn.execute("PRAGMA journal_mode=WAL")
                migrate(conn)
                if self._message_id_key is not None and channel_ids.hash_stored_ids(
                    sqlite_utils.Database(conn), self._message_digest
                ):
                    sqlite_hygiene.scrub(conn)  # no clear ids left in free pages or the WAL
        except BaseException:
            conn.close()
            raise
        return conn

    @contextmanager
    def reading(self, operation: str) -> Iterator[sa.engine.Connection]:
        """A connection for one read; for ``bot.storage`` modules only.

        Any database failure, opening it included, becomes ``StoreError``.
        """
        with self._lock, store_errors(operation, self.where), self.engine.connect() as connection:
            yield connection

    @contextmanager
    def writing(self, operation: str) -> Iterator[sa.engine.Connection]:
        """One transaction; for ``bot.storage`` modules only. Rolled back on any error."""
        with self._lock, store_errors(operation, self.where), self.engine.begin() as connection:
            yield connection

    def count_assessments(self) -> int:
        """How many checks are stored (any person, finished or not)."""
        with self.reading("count_assessments") as db:
            return int(db.execute(sa.select(sa.func.count()).select_from(assessments)).scalar())

    def start_assessment(
        self, assessment_id: str, person: str, content_version: int, consent_at: str | None = None
    ) -> None:
        """Create the assessment row once; starting again keeps the first row."""
        now = consent_at or self.now()
        row = {
            "id": assessment_id,
            "person": person,
            "started_at": now,
            "consent_at": now,
            "routes": "[]",
            "content_version": content_version,
        }
        with self.writing("start_assessment") as db:
            insert_unless_present(db, assessments, row, ("id",))

    def record_answer(
        self,
        assessment_id: str,
        question_id: str,
        option_id: str,
        points: int | None,
        answered_at: str | None = None,
    ) -> None:
        with self.writing("record_answer") as db:
            if not _assessment_exists(db, assessment_id):
                raise UnknownAssessment("record_answer: no such assessment")
            row = {
                "assessment_id": assessment_id,
                "question_id": question_id,
                "option_id": option_id,
                "points": points,
                "answered_at": answered_at or self.now(),
            }
            upsert(db, answers, [row], ("assessment_id", "question_id"))

    def remove_answer(self, assessment_id: str, question_id: str) -> None:
        with self.writing("remove_answer") as db:
            db.execute(
                sa.delete(answers).where(
                    answers.c.assessment_id == assessment_id, answers.c.question_id == question_id
                )
            )

    def complete(
        self,
        assessment_id: str,
        scores: Mapping[str, int],
        overall: int,
        routes: list[str],
        answers_given: Mapping[str, tuple[str, int | None]],
        completed_at: str | None = None,
    ) -> None:
        """Store the final answers and result in one transaction."""
        now = completed_at or self.now()
        with self.writing("complete") as db:
            if not _assessment_exists(db, assessment_id):
                raise UnknownAssessment("complete: no such assessment")
            db.execute(sa.delete(answers).where(answers.c.assessment_id == assessment_id))
            rows = [
                {
                    "assessment_id": assessment_id,
                    "question_id": question_id,
                    "option_id": option_id,
                    "points": points,
                    "answered_at": now,
                }
                for question_id, (option_id, points) in answers_given.items()
            ]
            if rows:
                db.execute(sa.insert(answers), rows)
            db.execute(
                sa.update(assessments)
                .where(assessments.c.id == assessment_id)
                .values(
                    completed_at=now,
                    scores=json.dumps(dict(scores), sort_keys=True),
                    overall=overall,
                    routes=json.dumps(list(routes)),
                )
            )

    def latest(self, person: str, completed_only: bool = False) -> StoredResult | None:
        """The person's most recent assessment (completed ones first if asked)."""
        with self.reading("latest") as db:
            query = sa.select(assessments.c.id).where(assessments.c.person == person)
            if completed_only:
                query = query.where(assessments.c.completed_at.is_not(None))
            query = query.order_by(
                assessments.c.started_at.desc(), insertion_order(db.dialect.name).desc()
            ).limit(1)
            found = db.execute(query).scalar()
            return self._result(db, found) if found is not None else None

    def result(self, assessment_id: str) -> StoredResult | None:
        """One assessment with its answers, or None when it is not stored."""
        with self.reading("result") as db:
            return self._result(db, assessment_id)

    @staticmethod
    def _result(db: sa.engine.Connection, assessment_id: str) -> StoredResult | None:
        row = (
            db.execute(
                sa.select(
                    assessments.c.id,
                    assessments.c.started_at,
                    assessments.c.consent_at,
                    assessments.c.completed_at,
                    assessments.c.scores,
                    assessments.c.overall,
                    assessments.c.routes,
                ).where(assessments.c.id == assessment_id)
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        given = {
            question: option
            for question, option in db.execute(
                sa.select(answers.c.question_id, answers.c.option_id).where(
                    answers.c.assessment_id == assessment_id
                )
            )
        }
        return StoredResult(
            assessment_id=row["id"],
            started_at=row["started_at"],
            consent_at=row["consent_at"],
            completed_at=row["completed_at"],
            scores=json.loads(row["scores"]) if row["scores"] else None,
            overall=row["overall"],
            routes=json.loads(row["routes"] or "[]"),
            answers=given,
        )

    def add_share_code(
        self, code: str, assessment_id: str, person: str, created_at: str, expires_at: str
    ) -> bool:
        """Store a new code; False when that code is taken (the caller draws again)."""
        row = {
            "code": code,
            "assessment_id": assessment_id,
            "person": person,
            "created_at": created_at,
            "expires_at": expires_at,
        }
        with self.writing("add_share_code") as db:
            return insert_unless_present(db, share_codes, row, ("code",))

    def active_share_code(self, assessment_id: str, now: str) -> tuple[str, str] | None:
        """The newest code for an assessment that still works: (code, expires_at)."""
        with self.reading("active_share_code") as db:
            row = db.execute(
                sa.select(share_codes.c.code, share_codes.c.expires_at)
                .where(share_codes.c.assessment_id == assessment_id, share_codes.c.expires_at > now)
                .order_by(share_codes.c.expires_at.desc())
                .limit(1)
            ).first()
        return (row[0], row[1]) if row else None

    def assessment_for_code(self, code: str, now: str) -> str | None:
        """The assessment a working code opens; None for unknown, expired or withdrawn codes."""
        with self.reading("assessment_for_code") as db:
            return db.execute(
                sa.select(share_codes.c.assessment_id)
                .where(share_codes.c.code == code, share_codes.c.expires_at > now)
                .limit(1)
            ).scalar()

    def withdraw_share_codes(self, person: str) -> int:
        """Make every code of a person stop working; returns how many there were."""
        with self.writing("withdraw_share_codes") as db:
            return _delete(db, share_codes, share_codes.c.person == person)

    def delete_assessment(self, assessment_id: str) -> None:
        """Forget one assessment, e.g. when consent is withdrawn during the check.

        Its answers, share codes and report views go with it (``ON DELETE CASCADE``).
        """
        with self.writing("delete_assessment") as db:
            _delete(db, assessments, assessments.c.id == assessment_id)
        self.scrub(vacuum=False)

    def delete_person(self, person: str) -> int:
        """Delete everything of a person; returns how many assessments were deleted.

        Answers, share codes and report views go with the assessments
        (``ON DELETE CASCADE``); message ids are kept per person.
        """
        with self.writing("delete_person") as db:
            deleted = _delete(db, assessments, assessments.c.person == person)
            _delete(db, channel_messages, channel_messages.c.person == person)
        self.scrub()  # erasure: nothing of the person left in the file's bytes
        return deleted

    def first_delivery(self, message_id: str, person: str | None = None) -> bool:
        """Remember a channel's message id; False when it was seen before (a redelivery).

        The person's pseudonym is kept with it, so erasing a person also
        erases their message ids. The id itself is stored as a keyed hash.
        One ``INSERT ... ON CONFLICT DO NOTHING``: of two replicas that get
        the same message at once, exactly one sees a first delivery.
        """
        row = {"id": self._message_digest(message_id), "seen_at": self.now(), "person": person}
        with self.writing("first_delivery") as db:
            return insert_unless_present(db, channel_messages, row, ("id",))

    def _message_digest(self, message_id: str) -> str:
        if self._message_id_key is None:
            raise StoreError("no key for channel message ids: pass message_id_key")
        return channel_ids.message_id_digest(message_id, self._message_id_key)

    def scrub(self, vacuum: bool = True) -> bool:
        """After deleting personal data: VACUUM (if asked) and truncate the WAL (best effort).

        SQLite only. On PostgreSQL deleted rows stay in the data files until
        autovacuum reuses their space (docs/privacy.md says so).
        """
        with self._lock:
            if self._sqlite is None:
                return True
            return sqlite_hygiene.scrub(self._sqlite, vacuum=vacuum)

    def purge_before(self, cutoff: str) -> dict[str, int]:
        """Delete checks started, and anything else dated, before ``cutoff`` (retention).

        A deleted check takes its answers, codes and report views along (cascade).
        On PostgreSQL one replica purges at a time (an advisory lock); another
        that finds the lock taken skips and reports nothing deleted.
        """
        with self.writing("purge_before") as db:
            if not try_purge_lock(db):
                return {"checks": 0, "message_ids": 0}
            checks = _delete(db, assessments, assessments.c.started_at < cutoff)
            messages = _delete(db, channel_messages, channel_messages.c.seen_at < cutoff)
            _delete(db, share_codes, share_codes.c.expires_at < cutoff)
            _delete(db, adviser_sessions, adviser_sessions.c.expires_at < cutoff)
            _delete(db, report_views, report_views.c.viewed_at < cutoff)
            _delete(db, code_attempts, code_attempts.c.at < cutoff)
        self.scrub()  # retention: deleted rows leave no bytes behind (once a day)
        return {"checks": checks, "message_ids": messages}

    def stored_about(self, person: str) -> dict[str, Any]:
        """Everything stored under a pseudonym, for "wat weet je van mij?"."""
        with self.reading("stored_about") as db:
            ids = db.execute(
                sa.select(assessments.c.id)
                .where(assessments.c.person == person)
                .order_by(assessments.c.started_at, insertion_order(db.dialect.name))
            ).scalars()
            checks = [self._result(db, i) for i in list(ids)]
            codes = [
                dict(row)
                for row in db.execute(
                    sa.select(
                        share_codes.c.code, share_codes.c.created_at, share_codes.c.expires_at
                    )
                    .where(share_codes.c.person == person)
                    .order_by(share_codes.c.created_at, share_codes.c.code)
                ).mappings()
            ]
            messages = db.execute(
                sa.select(sa.func.count())
                .select_from(channel_messages)
                .where(channel_messages.c.person == person)
            ).scalar()
            views = [
                dict(row)
                for row in db.execute(
                    sa.select(report_views.c.adviser, report_views.c.viewed_at)
                    .where(report_views.c.person == person)
                    .order_by(report_views.c.viewed_at, report_views.c.id)
                ).mappings()
            ]
        return {
            "checks": [r.as_json() for r in checks if r is not None],
            "share_codes": codes,
            "channel_message_ids": int(messages or 0),
            "report_views": views,
        }

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
            if self._sqlite is not None:
                self._sqlite.close()
                self._sqlite = None


def _assessment_exists(db: sa.engine.Connection, assessment_id: str) -> bool:
    return (
        db.execute(sa.select(assessments.c.id).where(assessments.c.id == assessment_id)).first()
        is not None
    )


def _delete(db: sa.engine.Connection, table: sa.Table, condition: sa.sql.ColumnElement) -> int:
    """Delete the rows that match; returns how many."""
    return int(db.execute(sa.delete(table).where(condition)).rowcount or 0)
