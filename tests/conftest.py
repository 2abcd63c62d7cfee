from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot import runtime
from bot.check.assessment import Assessment, load_assessment
from bot.storage.results_store import ResultsStore

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


@pytest.fixture
def fresh_store(tmp_path: Path, clock: SettableClock) -> Iterator[ResultsStore]:
    """A results store on a new SQLite file, on the test's clock."""
    store = ResultsStore(tmp_path / "results.db", clock, message_id_key=TEST_MESSAGE_ID_KEY)
    yield store
    store.close()


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
