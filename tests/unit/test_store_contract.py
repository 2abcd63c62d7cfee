"""The results store's contract: one error type, ordered migrations, one cascade.

Every test uses a real SQLite file: one overwritten with garbage, one whose
tables were dropped behind the store's back, one locked by another
connection, and one with the schema the code wrote before migrations.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.delete_data import ActionDeleteData
from actions.my_data import ActionShowMyData
from actions.share_code import ActionShareCode, ActionWithdrawShareCode
from bot.adviser.accounts import AdviserAccounts
from bot.conversation.store_unavailable import DELETE_FAILED, TRY_AGAIN, WITHDRAW_FAILED
from bot.storage import (
    adviser_tables,
    code_attempts_table,
    overview_queries,
    report_views_table,
    results_store,
    schema,
)
from bot.storage.results_store import SCHEMA_VERSION, ResultsStore, StoreError
from tests.conftest import TEST_MESSAGE_ID_KEY, count_rows, sql

SECRET = "person-7f3a-secret"  # a pseudonym that must never show up in an error
NOW = "2026-03-02T10:00:00+00:00"

#: Every read of the results database, by name (the name the error must carry).
READS: dict[str, Callable[[ResultsStore], Any]] = {
    "latest": lambda s: s.latest(SECRET),
    "result": lambda s: s.result("a1"),
    "active_share_code": lambda s: s.active_share_code("a1", NOW),
    "assessment_for_code": lambda s: s.assessment_for_code("ABCD2345", NOW),
    "stored_about": lambda s: s.stored_about(SECRET),
    "count_assessments": lambda s: s.count_assessments(),
    "adviser_names": adviser_tables.adviser_names,
    "password_hash_of": lambda s: adviser_tables.password_hash_of(s, "jan"),
    "live_session": lambda s: adviser_tables.live_session(s, "hash", NOW),
    "latest_views_by": lambda s: report_views_table.latest_views_by(s, "jan", 10),
    "checks_without_person": overview_queries.checks_without_person,
}

#: Every write, by name.
WRITES: dict[str, Callable[[ResultsStore], Any]] = {
    "start_assessment": lambda s: s.start_assessment("a1", SECRET, 1),
    "record_answer": lambda s: s.record_answer("a1", "q", "o", 1),
    "remove_answer": lambda s: s.remove_answer("a1", "q"),
    "complete": lambda s: s.complete("a1", {"g": 50}, 50, [], {"q": ("o", 1)}),
    "add_share_code": lambda s: s.add_share_code("ABCD2345", "a1", SECRET, NOW, NOW),
    "withdraw_share_codes": lambda s: s.withdraw_share_codes(SECRET),
    "delete_assessment": lambda s: s.delete_assessment("a1"),
    "delete_person": lambda s: s.delete_person(SECRET),
    "first_delivery": lambda s: s.first_delivery("wamid.1", SECRET),
    "purge_before": lambda s: s.purge_before(NOW),
    "add_adviser": lambda s: adviser_tables.add_adviser(s, "jan", "scrypt$x", NOW),
    "add_session": lambda s: adviser_tables.add_session(s, "h", "jan", "c", NOW, NOW),
    "wrong_codes_since": lambda s: code_attempts_table.wrong_codes_since(s, [("k", "v")], NOW),
    "add_view": lambda s: report_views_table.add_view(s, "a1", "jan", "c", NOW, NOW),
}
EVERY_OPERATION = {**READS, **WRITES}


def store_on(path: Path) -> ResultsStore:
    return ResultsStore(path, message_id_key=TEST_MESSAGE_ID_KEY)


def garbage_file(path: Path) -> Path:
    path.write_bytes(b"this is not a database, just bytes " * 200)
    return path


@pytest.mark.parametrize("name", sorted(EVERY_OPERATION))
def test_a_file_that_is_not_a_database_gives_store_error(tmp_path, name):
    store = store_on(garbage_file(tmp_path / "results.db"))
    with pytest.raises(StoreError) as raised:
        EVERY_OPERATION[name](store)
    assert "not a database" in str(raised.value)
    assert SECRET not in str(raised.value)
    assert isinstance(raised.value.__cause__, sqlite3.Error)
    store.close()


@pytest.mark.parametrize("name", sorted(EVERY_OPERATION))
def test_tables_dropped_behind_the_store_give_store_error_named_after_the_operation(
    fresh_store, name
):
    fresh_store.start_assessment("a1", SECRET, 1)  # the store is open and set up
    if fresh_store.dialect == "sqlite":
        with sqlite3.connect(fresh_store.path) as other:
            query = "SELECT name FROM sqlite_master WHERE type='table'"
            tables = [r[0] for r in other.execute(query)]
            other.execute("PRAGMA foreign_keys=OFF")
            for table in tables:
                other.execute(f'DROP TABLE "{table}"')
        reason = "no such table"
    else:
        for table in sa.inspect(fresh_store.engine).get_table_names():
            sql(fresh_store, f'DROP TABLE IF EXISTS "{table}" CASCADE')
        reason = "does not exist"
    with pytest.raises(StoreError, match=rf"^{name} failed on .*{reason}") as raised:
        EVERY_OPERATION[name](fresh_store)
    assert SECRET not in str(raised.value)


@pytest.mark.parametrize("name", sorted(READS))
def test_a_new_file_locked_by_another_connection_gives_store_error_on_read(
    tmp_path, monkeypatch, name
):
    monkeypatch.setattr(results_store, "BUSY_TIMEOUT_SECONDS", 0.05)
    path = tmp_path / "results.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # the store cannot set the file up
    try:
        store = store_on(path)
        with pytest.raises(StoreError, match="locked"):
            READS[name](store)
        store.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_write_while_another_process_writes_gives_store_error_and_changes_nothing(
    sqlite_store, monkeypatch
):
    monkeypatch.setattr(results_store, "BUSY_TIMEOUT_SECONDS", 0.05)
    sqlite_store.close()
    store = store_on(sqlite_store.path)  # opened with the short timeout
    store.start_assessment("a1", SECRET, 1)
    holder = sqlite3.connect(sqlite_store.path, isolation_level=None, timeout=0.05)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match=r"^record_answer failed on .*locked"):
            store.record_answer("a1", "q", "o", 1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.result("a1").answers == {}  # the store still works afterwards
    store.close()


# --- migrations -------------------------------------------------------------

#: The schema as the code before migrations left it (user_version 2), verbatim.
OLD_SCHEMA = """
CREATE TABLE "assessments" (
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
CREATE INDEX "idx_assessments_person"
    ON "assessments" ("person");
CREATE TABLE "answers" (
   "assessment_id" TEXT REFERENCES "assessments"("id"),
   "question_id" TEXT,
   "option_id" TEXT NOT NULL,
   "points" INTEGER,
   "answered_at" TEXT NOT NULL,
   PRIMARY KEY ("assessment_id", "question_id")
);
CREATE TABLE "channel_messages" (
   "id" TEXT PRIMARY KEY,
   "seen_at" TEXT,
   "person" TEXT
);
CREATE TABLE "share_codes" (
   "code" TEXT PRIMARY KEY,
   "assessment_id" TEXT NOT NULL REFERENCES "assessments"("id"),
   "person" TEXT NOT NULL,
   "created_at" TEXT NOT NULL,
   "expires_at" TEXT NOT NULL
);
CREATE INDEX "idx_share_codes_person"
    ON "share_codes" ("person");
CREATE TABLE "advisers" (
   "username" TEXT PRIMARY KEY,
   "password_hash" TEXT NOT NULL,
   "created_at" TEXT NOT NULL
);
CREATE TABLE "adviser_sessions" (
   "token_hash" TEXT PRIMARY KEY,
   "username" TEXT NOT NULL REFERENCES "advisers"("username"),
   "csrf_token" TEXT NOT NULL,
   "created_at" TEXT NOT NULL,
   "expires_at" TEXT NOT NULL
);
CREATE TABLE "report_views" (
   "id" INTEGER PRIMARY KEY,
   "assessment_id" TEXT NOT NULL,
   "person" TEXT NOT NULL,
   "adviser" TEXT NOT NULL,
   "code" TEXT,
   "viewed_at" TEXT NOT NULL
);
CREATE INDEX "idx_report_views_person"
    ON "report_views" ("person");
CREATE INDEX "idx_report_views_adviser_viewed_at"
    ON "report_views" ("adviser", "viewed_at");
CREATE TABLE "code_attempts" (
   "kind" TEXT NOT NULL,
   "key" TEXT NOT NULL,
   "at" TEXT NOT NULL
);
CREATE INDEX "idx_code_attempts_kind_key_at"
    ON "code_attempts" ("kind", "key", "at");
PRAGMA user_version=2;
"""

OLD_ROWS = """
INSERT INTO assessments VALUES
  ('a1', 'p1', '2026-01-05T09:00:00+00:00', '2026-01-05T09:00:00+00:00',
   '2026-01-05T09:10:00+00:00', '{"communicatief": 80}', 80, '["ksf"]', 1),
  ('a2', 'p1', '2026-01-06T09:00:00+00:00', '2026-01-06T09:00:00+00:00', NULL, NULL, NULL, '[]', 1),
  ('b1', 'p2', '2026-01-07T09:00:00+00:00', '2026-01-07T09:00:00+00:00', NULL, NULL, NULL, '[]', 1);
INSERT INTO answers VALUES
  ('a1', 'q1', 'wel', 3, '2026-01-05T09:01:00+00:00'),
  ('a1', 'q2', 'niet', 1, '2026-01-05T09:02:00+00:00'),
  ('a2', 'q1', 'wel', 3, '2026-01-06T09:01:00+00:00'),
  ('b1', 'q1', 'niet', 1, '2026-01-07T09:01:00+00:00');
INSERT INTO channel_messages VALUES ('0123abcd', '2026-01-05T09:00:00+00:00', 'p1');
INSERT INTO share_codes VALUES
  ('ABCD2345', 'a1', 'p1', '2026-01-05T09:10:00+00:00', '2026-02-04T09:10:00+00:00');
INSERT INTO advisers VALUES ('jan', 'scrypt$old', '2026-01-01T08:00:00+00:00');
INSERT INTO adviser_sessions VALUES
  ('tokenhash', 'jan', 'csrf', '2026-01-05T08:00:00+00:00', '2026-01-05T16:00:00+00:00');
INSERT INTO report_views (assessment_id, person, adviser, code, viewed_at) VALUES
  ('a1', 'p1', 'jan', 'ABCD2345', '2026-01-05T10:00:00+00:00'),
  ('gone', 'p9', 'jan', 'ZZZZ2345', '2026-01-04T10:00:00+00:00');
INSERT INTO code_attempts VALUES ('adviser', 'jan', '2026-01-05T10:05:00+00:00');
"""

#: Rows per table in OLD_ROWS that the migration keeps (the orphaned view is dropped).
KEPT = {
    "assessments": 3,
    "answers": 4,
    "channel_messages": 1,
    "share_codes": 1,
    "advisers": 1,
    "adviser_sessions": 1,
    "report_views": 1,
    "code_attempts": 1,
}


@pytest.fixture
def old_database(tmp_path) -> Path:
    """A results file exactly as the code before migrations wrote it, with rows in every table."""
    path = tmp_path / "results.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_SCHEMA + OLD_ROWS)
    conn.close()
    return path


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        found = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in KEPT}  # noqa: S608
    conn.close()
    return found


def cascading(path: Path) -> set[tuple[str, str]]:
    """(child table, parent table) for every foreign key with ON DELETE CASCADE."""
    with sqlite3.connect(path) as conn:
        found = {
            (table, row[2])
            for table in KEPT
            for row in conn.execute("SELECT * FROM pragma_foreign_key_list(?)", [table])
            if row[6] == "CASCADE"
        }
    conn.close()
    return found


def test_an_old_database_migrates_in_place_without_losing_rows(old_database):
    store = store_on(old_database)
    try:
        stored = store.latest("p1", completed_only=True)
        assert stored.answers == {"q1": "wel", "q2": "niet"}
        assert stored.scores == {"communicatief": 80} and stored.routes == ["ksf"]
        assert store.assessment_for_code("ABCD2345", "2026-01-10T00:00:00+00:00") == "a1"
        assert AdviserAccounts(store).usernames() == ["jan"]
        assert [v["adviser"] for v in store.stored_about("p1")["report_views"]] == ["jan"]
    finally:
        store.close()
    assert counts(old_database) == KEPT
    assert cascading(old_database) == {
        ("answers", "assessments"),
        ("share_codes", "assessments"),
        ("report_views", "assessments"),
        ("adviser_sessions", "advisers"),
    }
    with sqlite3.connect(old_database) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_a_migrated_old_database_erases_by_cascade(old_database):
    store = store_on(old_database)
    try:
        assert store.delete_person("p1") == 2
        assert AdviserAccounts(store).remove("jan")
    finally:
        store.close()
    assert counts(old_database) == {
        **{table: 0 for table in KEPT},
        "assessments": 1,
        "answers": 1,  # only p2's check is left
        "code_attempts": 1,  # not about a person
    }


def test_a_version_1_file_gets_the_tables_added_since(tmp_path):
    path = tmp_path / "results.db"
    first = OLD_SCHEMA.split('CREATE TABLE "channel_messages"')[0]
    with sqlite3.connect(path) as conn:
        conn.executescript(first + "PRAGMA user_version=1;")
        conn.execute(
            "INSERT INTO assessments (id, person, started_at) VALUES ('a1', 'p1', ?)", [NOW]
        )
        conn.execute("INSERT INTO answers VALUES ('a1', 'q1', 'wel', 3, ?)", [NOW])
        # version 2 at first had channel_messages without the person column
        conn.execute('CREATE TABLE "channel_messages" ("id" TEXT PRIMARY KEY, "seen_at" TEXT)')
    conn.close()
    store = store_on(path)
    try:
        assert store.result("a1").answers == {"q1": "wel"}
        assert store.first_delivery("wamid.1", "p1")
        assert AdviserAccounts(store).add("jan", "een goed wachtwoord") == "jan"
        assert store.delete_person("p1") == 1
        assert store.stored_about("p1")["channel_message_ids"] == 0
    finally:
        store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_migrations_apply_only_the_missing_steps(tmp_path):
    conn = sqlite3.connect(tmp_path / "results.db")
    try:
        assert schema.migrate(conn) == [m.version for m in schema.MIGRATIONS]
        assert schema.migrate(conn) == []
        conn.execute("PRAGMA user_version=3")  # as if the file stopped after step 3
        assert schema.migrate(conn) == [m.version for m in schema.MIGRATIONS if m.version > 3]
        assert schema.user_version(conn) == SCHEMA_VERSION
    finally:
        conn.close()


def test_a_failing_step_leaves_the_file_at_the_last_whole_step(tmp_path, monkeypatch):
    def half_done(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half (x)")
        raise sqlite3.OperationalError("disk I/O error")

    conn = sqlite3.connect(tmp_path / "results.db")
    try:
        schema.migrate(conn)
        failing = schema.Migration(SCHEMA_VERSION + 1, "a step that fails halfway", half_done)
        monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, failing))
        with pytest.raises(sqlite3.OperationalError):
            schema.migrate(conn)
        assert schema.user_version(conn) == SCHEMA_VERSION
        assert not conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'half'"
        ).fetchone()[0]
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        conn.close()


def test_an_old_file_that_cannot_be_migrated_gives_store_error(tmp_path, monkeypatch):
    def broken(conn: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(schema, "MIGRATIONS", (schema.Migration(3, "breaks", broken),))
    store = store_on(tmp_path / "results.db")
    with pytest.raises(StoreError, match=r"^latest failed on .*disk I/O error"):
        store.latest(SECRET)
    store.close()


# --- one cascade ------------------------------------------------------------


def fill(store: ResultsStore, assessment_id: str, person: str) -> None:
    """A check started at NOW, with an answer, a code and a view dated well after it."""
    later = "2026-09-01T00:00:00+00:00"
    store.start_assessment(assessment_id, person, 1, consent_at=NOW)
    store.record_answer(assessment_id, "q1", "wel", 3)
    store.add_share_code(
        f"CODE{assessment_id}", assessment_id, person, later, "2027-01-01T00:00:00+00:00"
    )
    assert report_views_table.add_view(store, assessment_id, "jan", "c", later, later)


def rows_of(store: ResultsStore, assessment_id: str) -> dict[str, int]:
    return {
        table: count_rows(store, table, assessment_id=assessment_id)
        for table in ("answers", "share_codes", "report_views")
    }


def test_deleting_an_assessment_deletes_its_answers_codes_and_views(fresh_store):
    fill(fresh_store, "a1", "p1")
    fill(fresh_store, "a2", "p1")
    fresh_store.delete_assessment("a1")
    assert rows_of(fresh_store, "a1") == {"answers": 0, "share_codes": 0, "report_views": 0}
    assert rows_of(fresh_store, "a2") == {"answers": 1, "share_codes": 1, "report_views": 1}


def test_deleting_a_person_deletes_everything_of_theirs_and_nothing_else(fresh_store):
    fill(fresh_store, "a1", "p1")
    fill(fresh_store, "a2", "p1")
    fill(fresh_store, "b1", "p2")
    fresh_store.first_delivery("wamid.1", "p1")
    assert fresh_store.delete_person("p1") == 2
    assert fresh_store.stored_about("p1") == {
        "checks": [], "share_codes": [], "channel_message_ids": 0, "report_views": [],
    }  # fmt: skip
    assert rows_of(fresh_store, "a1") == rows_of(fresh_store, "a2") == {
        "answers": 0, "share_codes": 0, "report_views": 0,
    }  # fmt: skip
    assert rows_of(fresh_store, "b1") == {"answers": 1, "share_codes": 1, "report_views": 1}


def test_retention_takes_the_rows_of_an_old_check_along(fresh_store):
    fill(fresh_store, "old", "p1")
    fresh_store.start_assessment("new", "p2", 1, consent_at="2026-06-01T00:00:00+00:00")
    # the code and the view are younger than the cutoff: only the cascade removes them
    assert fresh_store.purge_before("2026-05-01T00:00:00+00:00")["checks"] == 1
    assert rows_of(fresh_store, "old") == {"answers": 0, "share_codes": 0, "report_views": 0}
    assert fresh_store.result("new") is not None


def test_removing_an_adviser_ends_their_sessions(fresh_store):
    accounts = AdviserAccounts(fresh_store)
    accounts.add("jan", "een goed wachtwoord")
    token, _ = accounts.open_session("jan")
    assert accounts.remove("jan")
    assert accounts.session(token) is None
    assert count_rows(fresh_store, "adviser_sessions") == 0


def test_foreign_keys_are_enforced(fresh_store):
    with pytest.raises(StoreError, match=r"(?i)foreign key"):
        fresh_store.add_share_code("ABCD2345", "no-such-check", SECRET, NOW, NOW)
    assert count_rows(fresh_store, "share_codes") == 0


# --- the actions answer in Dutch when the store fails -------------------------


def tracker_of(sender: str) -> Tracker:
    return Tracker(sender, {}, {"text": "", "intent": {}, "entities": []}, [], False, None, {}, "")


@pytest.mark.parametrize(
    ("action", "reply"),
    [
        (ActionShareCode(), TRY_AGAIN),
        (ActionWithdrawShareCode(), WITHDRAW_FAILED),
        (ActionShowMyData(), TRY_AGAIN),
        (ActionDeleteData(), DELETE_FAILED),
    ],
)
async def test_actions_say_sorry_in_dutch_when_the_store_is_broken(isolated_runtime, action, reply):
    garbage_file(isolated_runtime / "results.db")
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker_of("sender-1"), {})
    assert events == []  # nothing about the check changes
    assert [m.get("text") for m in dispatcher.messages] == [reply]
