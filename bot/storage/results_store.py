"""The results store: the connection to the results database and its own tables.

SQLite through sqlite-utils. A person appears only as a pseudonym (see
``bot.privacy.pseudonyms``). Rows are written only for people who gave consent; each
answer is written when it is given, so a paused check is not lost. The
tables are set up by ``bot.storage.schema``; other ``bot.storage`` modules
(adviser tables, code attempts, report views, overview queries) use
``reading`` and ``writing``, so every failure is a ``StoreError``
(``bot.storage.errors``).
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.clock import Clock, system_clock
from bot.storage import channel_ids, sqlite_hygiene
from bot.storage.errors import StoreError, UnknownAssessment, store_errors
from bot.storage.private_files import private_database, private_file
from bot.storage.schema import SCHEMA_VERSION, check_tables, migrate

__all__ = [
    "SCHEMA_VERSION",
    "ResultsStore",
    "StoreError",
    "StoredResult",
    "UnknownAssessment",
    "iso",
]

BUSY_TIMEOUT_SECONDS = 10.0


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

    Every public method reads or writes through ``reading`` or ``writing``,
    so every failure of the database reaches the caller as ``StoreError``.
    """

    def __init__(
        self,
        path: Path | str,
        clock: Clock = system_clock,
        message_id_key: bytes | None = None,
    ) -> None:
        self.path = Path(path)
        self.clock = clock
        #: Channel message ids are stored as HMAC(key, id) (``bot.storage.channel_ids``).
        self._message_id_key = message_id_key
        self._lock = threading.RLock()
        self._db: sqlite_utils.Database | None = None

    @classmethod
    def in_memory(cls, clock: Clock = system_clock) -> ResultsStore:
        store = cls(":memory:", clock)
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.execute("PRAGMA foreign_keys=ON")
        migrate(conn)
        store._db = sqlite_utils.Database(conn)
        return store

    def now(self) -> str:
        """The store's clock as stored text (tests set the clock, never the code)."""
        return iso(self.clock())

    @property
    def db(self) -> sqlite_utils.Database:
        """The open database, set up on first use (tests may peek; code uses reading/writing)."""
        if self._db is None:
            self._db = self._open()  # its errors reach the caller through reading/writing
        return self._db

    def _open(self) -> sqlite_utils.Database:
        private_database(self.path)  # folder 0700, file and WAL/SHM 0600
        conn = sqlite3.connect(
            str(self.path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
            conn.execute("PRAGMA foreign_keys=ON")
            sqlite_hygiene.secure_delete(conn)
            db = sqlite_utils.Database(conn)
            # The action server, the web app and the retention job may open a new
            # file at the same moment: one process at a time sets it up.
            with _schema_lock(self.path):
                conn.execute("PRAGMA journal_mode=WAL")
                migrate(conn)
                if self._message_id_key is not None and channel_ids.hash_stored_ids(
                    db, self._message_digest
                ):
                    sqlite_hygiene.scrub(conn)  # no clear ids left in free pages or the WAL
        except BaseException:
            conn.close()
            raise
        return db

    @contextmanager
    def reading(self, operation: str) -> Iterator[sqlite_utils.Database]:
        """The database for one read; for ``bot.storage`` modules only.

        Any SQLite failure, opening the file included, becomes ``StoreError``.
        """
        with self._lock, store_errors(operation, self.path):
            db = self.db
            check_tables(db.conn)
            yield db

    @contextmanager
    def writing(self, operation: str) -> Iterator[sqlite_utils.Database]:
        """One transaction; for ``bot.storage`` modules only. Rolled back on any error."""
        with self._lock, store_errors(operation, self.path):
            db = self.db
            check_tables(db.conn)
            with db.conn:
                yield db

    def count_assessments(self) -> int:
        """How many checks are stored (any person, finished or not)."""
        with self.reading("count_assessments") as db:
            return db["assessments"].count

    def start_assessment(
        self, assessment_id: str, person: str, content_version: int, consent_at: str | None = None
    ) -> None:
        """Create the assessment row once; starting again keeps the first row."""
        now = consent_at or self.now()
        with self.writing("start_assessment") as db:
            db["assessments"].insert(
                {
                    "id": assessment_id,
                    "person": person,
                    "started_at": now,
                    "consent_at": now,
                    "routes": "[]",
                    "content_version": content_version,
                },
                ignore=True,
            )

    def record_answer(
        self,
        assessment_id: str,
        question_id: str,
        option_id: str,
        points: int | None,
        answered_at: str | None = None,
    ) -> None:
        with self.writing("record_answer") as db:
            if not db["assessments"].count_where("id = ?", [assessment_id]):
                raise UnknownAssessment("record_answer: no such assessment")
            db["answers"].upsert(
                {
                    "assessment_id": assessment_id,
                    "question_id": question_id,
                    "option_id": option_id,
                    "points": points,
                    "answered_at": answered_at or self.now(),
                },
                pk=("assessment_id", "question_id"),
            )

    def remove_answer(self, assessment_id: str, question_id: str) -> None:
        with self.writing("remove_answer") as db:
            db["answers"].delete_where(
                "assessment_id = ? AND question_id = ?", [assessment_id, question_id]
            )

    def complete(
        self,
        assessment_id: str,
        scores: Mapping[str, int],
        overall: int,
        routes: list[str],
        answers: Mapping[str, tuple[str, int | None]],
        completed_at: str | None = None,
    ) -> None:
        """Store the final answers and result in one transaction."""
        now = completed_at or self.now()
        with self.writing("complete") as db:
            if not db["assessments"].count_where("id = ?", [assessment_id]):
                raise UnknownAssessment("complete: no such assessment")
            db["answers"].delete_where("assessment_id = ?", [assessment_id])
            db["answers"].upsert_all(
                [
                    {
                        "assessment_id": assessment_id,
                        "question_id": question_id,
                        "option_id": option_id,
                        "points": points,
                        "answered_at": now,
                    }
                    for question_id, (option_id, points) in answers.items()
                ],
                pk=("assessment_id", "question_id"),
            )
            db["assessments"].update(
                assessment_id,
                {
                    "completed_at": now,
                    "scores": json.dumps(dict(scores), sort_keys=True),
                    "overall": overall,
                    "routes": json.dumps(list(routes)),
                },
            )

    def latest(self, person: str, completed_only: bool = False) -> StoredResult | None:
        """The person's most recent assessment (completed ones first if asked)."""
        where = "person = ?" + (" AND completed_at IS NOT NULL" if completed_only else "")
        with self.reading("latest") as db:
            rows = list(
                db["assessments"].rows_where(
                    where, [person], order_by="started_at DESC, rowid DESC", limit=1, select="id"
                )
            )
            return self._result(db, rows[0]["id"]) if rows else None

    def result(self, assessment_id: str) -> StoredResult | None:
        """One assessment with its answers, or None when it is not stored."""
        with self.reading("result") as db:
            return self._result(db, assessment_id)

    @staticmethod
    def _result(db: sqlite_utils.Database, assessment_id: str) -> StoredResult | None:
        rows = list(db["assessments"].rows_where("id = ?", [assessment_id], limit=1))
        if not rows:
            return None
        row = rows[0]
        answers = {
            a["question_id"]: a["option_id"]
            for a in db["answers"].rows_where("assessment_id = ?", [row["id"]])
        }
        return StoredResult(
            assessment_id=row["id"],
            started_at=row["started_at"],
            consent_at=row["consent_at"],
            completed_at=row["completed_at"],
            scores=json.loads(row["scores"]) if row["scores"] else None,
            overall=row["overall"],
            routes=json.loads(row["routes"] or "[]"),
            answers=answers,
        )

    def add_share_code(
        self, code: str, assessment_id: str, person: str, created_at: str, expires_at: str
    ) -> bool:
        """Store a new code; False when that code is taken (the caller draws again)."""
        with self.writing("add_share_code") as db:
            if db["share_codes"].count_where("code = ?", [code]):
                return False
            db["share_codes"].insert(
                {
                    "code": code,
                    "assessment_id": assessment_id,
                    "person": person,
                    "created_at": created_at,
                    "expires_at": expires_at,
                }
            )
        return True

    def active_share_code(self, assessment_id: str, now: str) -> tuple[str, str] | None:
        """The newest code for an assessment that still works: (code, expires_at)."""
        with self.reading("active_share_code") as db:
            rows = list(
                db["share_codes"].rows_where(
                    "assessment_id = ? AND expires_at > ?",
                    [assessment_id, now],
                    order_by="expires_at DESC",
                    limit=1,
                )
            )
        return (rows[0]["code"], rows[0]["expires_at"]) if rows else None

    def assessment_for_code(self, code: str, now: str) -> str | None:
        """The assessment a working code opens; None for unknown, expired or withdrawn codes."""
        with self.reading("assessment_for_code") as db:
            rows = list(
                db["share_codes"].rows_where(
                    "code = ? AND expires_at > ?", [code, now], select="assessment_id", limit=1
                )
            )
        return rows[0]["assessment_id"] if rows else None

    def withdraw_share_codes(self, person: str) -> int:
        """Make every code of a person stop working; returns how many there were."""
        with self.writing("withdraw_share_codes") as db:
            count = db["share_codes"].count_where("person = ?", [person])
            db["share_codes"].delete_where("person = ?", [person])
        return count

    def delete_assessment(self, assessment_id: str) -> None:
        """Forget one assessment, e.g. when consent is withdrawn during the check.

        Its answers, share codes and report views go with it (``ON DELETE CASCADE``).
        """
        with self.writing("delete_assessment") as db:
            db["assessments"].delete_where("id = ?", [assessment_id])
        self.scrub(vacuum=False)

    def delete_person(self, person: str) -> int:
        """Delete everything of a person; returns how many assessments were deleted.

        Answers, share codes and report views go with the assessments
        (``ON DELETE CASCADE``); message ids are kept per person.
        """
        with self.writing("delete_person") as db:
            deleted = db["assessments"].count_where("person = ?", [person])
            db["assessments"].delete_where("person = ?", [person])
            db["channel_messages"].delete_where("person = ?", [person])
        self.scrub()  # erasure: nothing of the person left in the file's bytes
        return deleted

    def first_delivery(self, message_id: str, person: str | None = None) -> bool:
        """Remember a channel's message id; False when it was seen before (a redelivery).

        The person's pseudonym is kept with it, so erasing a person also
        erases their message ids. The id itself is stored as a keyed hash.
        """
        stored_id = self._message_digest(message_id)
        with self.writing("first_delivery") as db:
            before = db["channel_messages"].count_where("id = ?", [stored_id])
            if not before:
                db["channel_messages"].insert(
                    {"id": stored_id, "seen_at": self.now(), "person": person}
                )
        return not before

    def _message_digest(self, message_id: str) -> str:
        if self._message_id_key is None:
            raise StoreError("no key for channel message ids: pass message_id_key")
        return channel_ids.message_id_digest(message_id, self._message_id_key)

    def scrub(self, vacuum: bool = True) -> bool:
        """After deleting personal data: VACUUM (if asked) and truncate the WAL (best effort)."""
        with self._lock:
            if self._db is None:
                return True
            return sqlite_hygiene.scrub(self._db.conn, vacuum=vacuum)

    def purge_before(self, cutoff: str) -> dict[str, int]:
        """Delete checks started, and anything else dated, before ``cutoff`` (retention).

        A deleted check takes its answers, codes and report views along (cascade).
        """
        with self.writing("purge_before") as db:
            checks = db["assessments"].count_where("started_at < ?", [cutoff])
            db["assessments"].delete_where("started_at < ?", [cutoff])
            messages = db["channel_messages"].count_where("seen_at < ?", [cutoff])
            db["channel_messages"].delete_where("seen_at < ?", [cutoff])
            db["share_codes"].delete_where("expires_at < ?", [cutoff])
            db["adviser_sessions"].delete_where("expires_at < ?", [cutoff])
            db["report_views"].delete_where("viewed_at < ?", [cutoff])
            db["code_attempts"].delete_where("at < ?", [cutoff])
        self.scrub()  # retention: deleted rows leave no bytes behind (once a day)
        return {"checks": checks, "message_ids": messages}

    def stored_about(self, person: str) -> dict[str, Any]:
        """Everything stored under a pseudonym, for "wat weet je van mij?"."""
        with self.reading("stored_about") as db:
            ids = [
                r["id"]
                for r in db["assessments"].rows_where(
                    "person = ?", [person], select="id", order_by="started_at"
                )
            ]
            checks = [self._result(db, i) for i in ids]
            codes = list(
                db["share_codes"].rows_where(
                    "person = ?", [person], select="code, created_at, expires_at"
                )
            )
            messages = db["channel_messages"].count_where("person = ?", [person])
            views = list(
                db["report_views"].rows_where(
                    "person = ?", [person], select="adviser, viewed_at", order_by="viewed_at, id"
                )
            )
        return {
            "checks": [r.as_json() for r in checks if r is not None],
            "share_codes": codes,
            "channel_message_ids": messages,
            "report_views": views,
        }

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.conn.close()
                self._db = None
