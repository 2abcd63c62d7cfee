from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import runtime
from bot.check.assessment import Assessment, load_assessment
from bot.storage.results_store import ResultsStore
from tests.postgres_server import PostgresServer
from tests.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[1]
#: The moment every test clock starts at; tests never read the real clock.
TEST_EPOCH = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)
#: The key for channel message ids in test stores (bot.storage.channel_ids); never a real key.
TEST_MESSAGE_ID_KEY = b"test-message-id-key-" + b"0" * 12
#: `make unit-future` sets this to run every unit test with the real clock shifted.
TIME_SHIFT_VARIABLE = "KC_TEST_TIME_SHIFT_DAYS"


def pytest_configure(config: pytest.Config) -> None:
    """With KC_TEST_TIME_SHIFT_DAYS set, the whole run sees a later real clock.

    This proves no test depends on today's date: the suite must pass a year
    ahead as well as today.
    """
    days = os.environ.get(TIME_SHIFT_VARIABLE)
    if days:
        import time_machine

        shifted = datetime.now(timezone.utc) + timedelta(days=int(days))
        config._kc_time_travel = time_machine.travel(shifted, tick=True)  # type: ignore[attr-defined]
        config._kc_time_travel.start()  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    travel = getattr(config, "_kc_time_travel", None)
    if travel is not None:
        travel.stop()


@dataclass
class SettableClock:
    """A clock a test sets and moves forward by hand."""

    moment: datetime

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(TEST_EPOCH)


@pytest.fixture(scope="session")
def assessment() -> Assessment:
    return load_assessment()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL for the whole run (tests/postgres_server.py).

    Its folder is not under pytest's temporary folder: that one is private to
    root, and the server runs as the ``postgres`` user.
    """
    folder = Path(tempfile.mkdtemp(prefix="kc-test-postgres-"))
    server = PostgresServer(folder).start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One throwaway Redis without persistence for the whole run (tests/redis_server.py)."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def sqlite_store(tmp_path: Path, clock: SettableClock) -> Iterator[ResultsStore]:
    """A results store on a new SQLite file, on the test's clock (file-level tests)."""
    store = ResultsStore(tmp_path / "results.db", clock, message_id_key=TEST_MESSAGE_ID_KEY)
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: SettableClock
) -> Iterator[ResultsStore]:
    """A results store on a new, empty database, on the test's clock: once on each database.

    One implementation runs on SQLite (the default) and PostgreSQL
    (KC_DATABASE_URL), so every test of the store runs on both.
    """
    if request.param == "sqlite":
        store = ResultsStore(tmp_path / "results.db", clock, message_id_key=TEST_MESSAGE_ID_KEY)
    else:
        url = request.getfixturevalue("postgres_server").new_database()
        store = ResultsStore(clock=clock, message_id_key=TEST_MESSAGE_ID_KEY, database_url=url)
    yield store
    store.close()


def sql(store: ResultsStore, statement: str, **values: object) -> list[tuple]:
    """Rows of one SQL statement on either database (tests look behind the store's back)."""
    with store.engine.begin() as connection:
        result = connection.execute(sa.text(statement), values)
        return [tuple(row) for row in result] if result.returns_rows else []


def count_rows(store: ResultsStore, table: str, **equal: object) -> int:
    """How many rows of ``table`` have the given column values."""
    where = " AND ".join(f"{column} = :{column}" for column in equal) or "1 = 1"
    return int(sql(store, f"SELECT count(*) FROM {table} WHERE {where}", **equal)[0][0])  # noqa: S608


@pytest.fixture
def isolated_runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the bot's runtime (store, key) at a temporary folder."""
    monkeypatch.setenv("KC_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("KC_RESULTS_DB", raising=False)
    monkeypatch.delenv("KC_IDENTITY_KEY", raising=False)
    monkeypatch.delenv("KC_IDENTITY_KEY_FILE", raising=False)
    runtime.reset()
    yield tmp_path
    runtime.reset()


def all_answers(assessment: Assessment, pick: str = "max", consent: str = "ja") -> dict[str, str]:
    """A full set of answers: the highest ("max"), lowest ("min") or first option."""
    answers = {assessment.consent.id: consent}
    for question in assessment.intake:
        answers[question.id] = question.options[0].id
    for question in assessment.scored_questions:
        options = sorted(question.options, key=lambda o: o.points or 0)
        answers[question.id] = (options[-1] if pick == "max" else options[0]).id
    return answers
