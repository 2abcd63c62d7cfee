from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import runtime
from bot.assessment import Assessment, load_assessment
from bot.store import ResultsStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def assessment() -> Assessment:
    return load_assessment()


@pytest.fixture
def fresh_store(tmp_path: Path) -> Iterator[ResultsStore]:
    """A results store on a new SQLite file."""
    store = ResultsStore(tmp_path / "results.db")
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
