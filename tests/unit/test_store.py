from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from bot.storage.results_store import SCHEMA_VERSION, ResultsStore, UnknownAssessment
from bot.storage.schema import TABLES as SCHEMA_TABLES
from tests.conftest import count_rows, sql


def test_fresh_store_creates_schema_in_wal_mode(sqlite_store: ResultsStore):
    assert {"assessments", "answers"} <= set(sqlite_store.db.table_names())
    mode = sqlite_store.db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_answers_are_written_as_they_come(fresh_store: ResultsStore):
    fresh_store.start_assessment("a1", "person-1", content_version=1)
    fresh_store.record_answer("a1", "toestemming", "ja", None)
    fresh_store.record_answer("a1", "comm_luisteren", "wel", 3)
    fresh_store.record_answer("a1", "comm_luisteren", "helemaal", 4)  # changed after "terug"
    stored = fresh_store.latest("person-1")
    assert stored.answers == {"toestemming": "ja", "comm_luisteren": "helemaal"}
    assert not stored.completed and stored.scores is None


def test_complete_stores_scores_routes_and_all_answers(fresh_store: ResultsStore):
    fresh_store.start_assessment("a1", "p", 1)
    fresh_store.record_answer("a1", "stale", "x", 1)
    fresh_store.complete(
        "a1", {"communicatief": 80}, 80, ["ksf"], {"q1": ("a", 3), "q2": ("b", None)}
    )
    stored = fresh_store.latest("p", completed_only=True)
    assert stored.completed
    assert stored.scores == {"communicatief": 80}
    assert stored.overall == 80
    assert stored.routes == ["ksf"]
    assert stored.answers == {"q1": "a", "q2": "b"}
    points = dict(sql(fresh_store, "SELECT question_id, points FROM answers"))
    assert points == {"q1": 3, "q2": None}


def test_latest_prefers_the_newest_assessment(fresh_store: ResultsStore):
    fresh_store.start_assessment("old", "p", 1, consent_at="2026-01-01T00:00:00+00:00")
    fresh_store.start_assessment("new", "p", 1, consent_at="2026-02-01T00:00:00+00:00")
    assert fresh_store.latest("p").assessment_id == "new"
    assert fresh_store.latest("someone else") is None


def test_starting_twice_keeps_the_first_row(fresh_store: ResultsStore):
    fresh_store.start_assessment("a1", "p", 1, consent_at="2026-01-01T00:00:00+00:00")
    fresh_store.start_assessment("a1", "p", 1, consent_at="2026-03-01T00:00:00+00:00")
    assert fresh_store.latest("p").started_at.startswith("2026-01-01")


def test_answer_for_unknown_assessment_is_refused(fresh_store: ResultsStore):
    with pytest.raises(UnknownAssessment):
        fresh_store.record_answer("missing", "q", "a", 1)


def test_delete_person_and_assessment(fresh_store: ResultsStore):
    fresh_store.start_assessment("a1", "p", 1)
    fresh_store.record_answer("a1", "q", "a", 1)
    fresh_store.start_assessment("a2", "p", 1)
    fresh_store.start_assessment("b1", "other", 1)
    fresh_store.delete_assessment("a2")
    assert fresh_store.latest("p").assessment_id == "a1"
    assert fresh_store.delete_person("p") == 1
    assert fresh_store.latest("p") is None
    assert count_rows(fresh_store, "answers") == 0
    assert fresh_store.latest("other") is not None


def test_sql_like_ids_are_data_not_sql(fresh_store: ResultsStore):
    evil = "x'); DROP TABLE answers; --"
    fresh_store.start_assessment(evil, evil, 1)
    fresh_store.record_answer(evil, evil, evil, 0)
    assert fresh_store.latest(evil).answers == {evil: evil}
    assert count_rows(fresh_store, "answers") == 1  # the table is still there


def test_two_connections_see_the_same_file(tmp_path):
    one = ResultsStore(tmp_path / "r.db")
    two = ResultsStore(tmp_path / "r.db")
    one.start_assessment("a1", "p", 1)
    assert two.latest("p").assessment_id == "a1"
    one.close()
    two.close()
    with sqlite3.connect(tmp_path / "r.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_count_assessments_counts_every_person_and_state(fresh_store: ResultsStore):
    assert fresh_store.count_assessments() == 0
    fresh_store.start_assessment("a1", "p", 1)
    fresh_store.start_assessment("b1", "other", 1)
    fresh_store.complete("b1", {"g": 50}, 50, [], {"q": ("o", 1)})
    assert fresh_store.count_assessments() == 2


def test_the_store_writes_no_table_outside_the_schema(fresh_store: ResultsStore):
    fresh_store.start_assessment("a1", "p", 1)
    version_table = {"kc_schema"} if fresh_store.dialect == "postgresql" else set()
    names = set(sa.inspect(fresh_store.engine).get_table_names())
    assert names == set(SCHEMA_TABLES) | version_table
