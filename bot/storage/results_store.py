"""The results store: the only module that talks to the results database.

SQLite through sqlite-utils. A person appears only as a pseudonym (see
``bot.privacy.pseudonyms``). Rows are written only for people who gave consent; each
answer is written when it is given, so a paused check is not lost.
"""

from __future__ import annotations

import contextlib
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
from bot.storage.private_files import private_database, private_file

BUSY_TIMEOUT_SECONDS = 10.0
SCHEMA_VERSION = 2


class StoreError(RuntimeError):
    """The results database could not be read or written."""


class UnknownAssessment(StoreError):
    """An answer or result refers to an assessment that was never started."""


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
    """Assessments and answers, keyed by assessment id and person pseudonym."""

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
        self._lock = threading.Lock()
        self._db: sqlite_utils.Database | None = None

    @classmethod
    def in_memory(cls, clock: Clock = system_clock) -> ResultsStore:
        store = cls(":memory:", clock)
        store._db = sqlite_utils.Database(memory=True)
        store._ensure_schema(store._db)
        return store

    def now(self) -> str:
        """The store's clock as stored text (tests set the clock, never the code)."""
        return iso(self.clock())

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            private_database(self.path)  # folder 0700, file and WAL/SHM 0600
            conn = sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
            conn.execute("PRAGMA foreign_keys=ON")
            sqlite_hygiene.secure_delete(conn)
            db = sqlite_utils.Database(conn)
            # The action server, the web app and the retention job may open a new
            # file at the same moment: one process at a time sets it up.
            with _schema_lock(self.path):
                conn.execute("PRAGMA journal_mode=WAL")
                self._ensure_schema(db)
                if self._message_id_key is not None and channel_ids.hash_stored_ids(
                    db, self._message_digest
                ):
                    sqlite_hygiene.scrub(conn)  # no clear ids left in free pages or the WAL
            self._db = db
        return self._db

    @staticmethod
    def _ensure_schema(db: sqlite_utils.Database) -> None:
        if "assessments" not in db.table_names():
            db["assessments"].create(
                {
                    "id": str,
                    "person": str,
                    "started_at": str,
                    "consent_at": str,
                    "completed_at": str,
                    "scores": str,
                    "overall": int,
                    "routes": str,
                    "content_version": int,
                },
                pk="id",
                not_null={"person", "started_at"},
            )
            db["assessments"].create_index(["person"], if_not_exists=True)
        if "answers" not in db.table_names():
            db["answers"].create(
                {
                    "assessment_id": str,
                    "question_id": str,
                    "option_id": str,
                    "points": int,
                    "answered_at": str,
                },
                pk=("assessment_id", "question_id"),
                not_null={"option_id", "answered_at"},
                foreign_keys=[("assessment_id", "assessments", "id")],
            )
        if "channel_messages" not in db.table_names():
            db["channel_messages"].create({"id": str, "seen_at": str, "person": str}, pk="id")
        elif "person" not in db["channel_messages"].columns_dict:
            db["channel_messages"].add_column("person", str)
        if "share_codes" not in db.table_names():
            db["share_codes"].create(
                {
                    "code": str,
                    "assessment_id": str,
                    "person": str,
                    "created_at": str,
                    "expires_at": str,
                },
                pk="code",
                not_null={"assessment_id", "person", "created_at", "expires_at"},
                foreign_keys=[("assessment_id", "assessments", "id")],
            )
            db["share_codes"].create_index(["person"], if_not_exists=True)
        if "advisers" not in db.table_names():
            db["advisers"].create(
                {"username": str, "password_hash": str, "created_at": str},
                pk="username",
                not_null={"password_hash", "created_at"},
            )
        if "adviser_sessions" not in db.table_names():
            db["adviser_sessions"].create(
                {
                    "token_hash": str,
                    "username": str,
                    "csrf_token": str,
                    "created_at": str,
                    "expires_at": str,
                },
                pk="token_hash",
                not_null={"username", "csrf_token", "created_at", "expires_at"},
                foreign_keys=[("username", "advisers", "username")],
            )
        if "report_views" not in db.table_names():
            # Which adviser account opened whose report when (shown to the job seeker).
            db["report_views"].create(
                {"id": int, "assessment_id": str, "person": str, "adviser": str,
                 "code": str, "viewed_at": str},
                pk="id",
                not_null={"assessment_id", "person", "adviser", "viewed_at"},
            )  # fmt: skip
            db["report_views"].create_index(["person"], if_not_exists=True)
            db["report_views"].create_index(["adviser", "viewed_at"], if_not_exists=True)
        if "code_attempts" not in db.table_names():
            # Wrong share codes per adviser and per client address (bot/adviser/code_limit.py).
            db["code_attempts"].create(
                {"kind": str, "key": str, "at": str}, not_null={"kind", "key", "at"}
            )
            db["code_attempts"].create_index(["kind", "key", "at"], if_not_exists=True)
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextmanager
    def reading(self) -> Iterator[sqlite_utils.Database]:
        """The database for queries by other modules (accounts, overview)."""
        with self._lock:
            try:
                yield self.db
            except sqlite3.Error as exc:
                raise StoreError(f"could not read {self.path}: {exc}") from exc

    def writing(self) -> contextlib.AbstractContextManager[sqlite_utils.Database]:
        """One transaction for other modules that keep their tables in this database."""
        return self._writing()

    @contextmanager
    def _writing(self) -> Iterator[sqlite_utils.Database]:
        with self._lock:
            db = self.db
            try:
                with db.conn:
                    yield db
            except sqlite3.Error as exc:
                raise StoreError(f"could not write to {self.path}: {exc}") from exc

    def start_assessment(
        self, assessment_id: str, person: str, content_version: int, consent_at: str | None = None
    ) -> None:
        """Create the assessment row once; starting again keeps the first row."""
        now = consent_at or self.now()
        with self._writing() as db:
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
        with self._writing() as db:
            if not db["assessments"].count_where("id = ?", [assessment_id]):
                raise UnknownAssessment(assessment_id)
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
        with self._writing() as db:
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
        with self._writing() as db:
            if not db["assessments"].count_where("id = ?", [assessment_id]):
                raise UnknownAssessment(assessment_id)
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
        with self._lock:
            rows = list(
                self.db["assessments"].rows_where(
                    where, [person], order_by="started_at DESC, rowid DESC", limit=1, select="id"
                )
            )
        return self.result(rows[0]["id"]) if rows else None

    def result(self, assessment_id: str) -> StoredResult | None:
        """One assessment with its answers, or None when it is not stored."""
        with self._lock:
            rows = list(self.db["assessments"].rows_where("id = ?", [assessment_id], limit=1))
            if not rows:
                return None
            row = rows[0]
            answers = {
                a["question_id"]: a["option_id"]
                for a in self.db["answers"].rows_where("assessment_id = ?", [row["id"]])
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
        with self._writing() as db:
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
        with self._lock:
            rows = list(
                self.db["share_codes"].rows_where(
                    "assessment_id = ? AND expires_at > ?",
                    [assessment_id, now],
                    order_by="expires_at DESC",
                    limit=1,
                )
            )
        return (rows[0]["code"], rows[0]["expires_at"]) if rows else None

    def assessment_for_code(self, code: str, now: str) -> str | None:
        """The assessment a working code opens; None for unknown, expired or withdrawn codes."""
        with self._lock:
            rows = list(
                self.db["share_codes"].rows_where(
                    "code = ? AND expires_at > ?", [code, now], select="assessment_id", limit=1
                )
            )
        return rows[0]["assessment_id"] if rows else None

    def withdraw_share_codes(self, person: str) -> int:
        """Make every code of a person stop working; returns how many there were."""
        with self._writing() as db:
            count = db["share_codes"].count_where("person = ?", [person])
            db["share_codes"].delete_where("person = ?", [person])
        return count

    def delete_assessment(self, assessment_id: str) -> None:
        """Forget one assessment, e.g. when consent is withdrawn during the check."""
        with self._writing() as db:
            db["share_codes"].delete_where("assessment_id = ?", [assessment_id])
            db["report_views"].delete_where("assessment_id = ?", [assessment_id])
            db["answers"].delete_where("assessment_id = ?", [assessment_id])
            db["assessments"].delete_where("id = ?", [assessment_id])
        self.scrub(vacuum=False)

    def delete_person(self, person: str) -> int:
        """Delete every assessment and answer of a person; returns assessments deleted."""
        with self._writing() as db:
            ids = [
                r["id"] for r in db["assessments"].rows_where("person = ?", [person], select="id")
            ]
            db["share_codes"].delete_where("person = ?", [person])
            db["channel_messages"].delete_where("person = ?", [person])
            db["report_views"].delete_where("person = ?", [person])
            for assessment_id in ids:
                db["answers"].delete_where("assessment_id = ?", [assessment_id])
            db["assessments"].delete_where("person = ?", [person])
        self.scrub()  # erasure: nothing of the person left in the file's bytes
        return len(ids)

    def first_delivery(self, message_id: str, person: str | None = None) -> bool:
        """Remember a channel's message id; False when it was seen before (a redelivery).

        The person's pseudonym is kept with it, so erasing a person also
        erases their message ids. The id itself is stored as a keyed hash.
        """
        stored_id = self._message_digest(message_id)
        with self._writing() as db:
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
        """Delete checks started, and message ids seen, before ``cutoff`` (retention)."""
        with self._writing() as db:
            old = [
                r["id"]
                for r in db["assessments"].rows_where("started_at < ?", [cutoff], select="id")
            ]
            for assessment_id in old:
                db["share_codes"].delete_where("assessment_id = ?", [assessment_id])
                db["report_views"].delete_where("assessment_id = ?", [assessment_id])
                db["answers"].delete_where("assessment_id = ?", [assessment_id])
            db["assessments"].delete_where("started_at < ?", [cutoff])
            messages = db["channel_messages"].count_where("seen_at < ?", [cutoff])
            db["channel_messages"].delete_where("seen_at < ?", [cutoff])
            db["share_codes"].delete_where("expires_at < ?", [cutoff])
            db["adviser_sessions"].delete_where("expires_at < ?", [cutoff])
            db["report_views"].delete_where("viewed_at < ?", [cutoff])
            db["code_attempts"].delete_where("at < ?", [cutoff])
        self.scrub()  # retention: deleted rows leave no bytes behind (once a day)
        return {"checks": len(old), "message_ids": messages}

    def stored_about(self, person: str) -> dict[str, Any]:
        """Everything stored under a pseudonym, for "wat weet je van mij?"."""
        with self._lock:
            db = self.db
            ids = [
                r["id"]
                for r in db["assessments"].rows_where(
                    "person = ?", [person], select="id", order_by="started_at"
                )
            ]
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
            "checks": [r.as_json() for r in (self.result(i) for i in ids) if r is not None],
            "share_codes": codes,
            "channel_message_ids": messages,
            "report_views": views,
        }

    def close(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None
