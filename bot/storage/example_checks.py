"""Many example checks written in one transaction, for the demo database.

``results_store`` writes a check the way the chat does: one transaction per
start, per answer, per result. The demo seeds a few hundred checks at once,
and a commit per row made that take seconds; here they go in as one batch.
The rows have the same shape ``start_assessment``, ``record_answer`` and
``complete`` write. Writing an example again replaces its row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.storage.results_store import ResultsStore
from bot.storage.tables import answers as answers_table
from bot.storage.tables import assessments as assessments_table
from bot.storage.tables import upsert


@dataclass(frozen=True)
class ExampleCheck:
    """One stored check: started, some or all answers, and a result when completed."""

    assessment_id: str
    person: str
    content_version: int
    started_at: str
    #: question id -> (option id, points, answered at)
    answers: Mapping[str, tuple[str, int | None, str]]
    completed_at: str | None = None
    scores: Mapping[str, int] | None = None
    overall: int | None = None
    routes: tuple[str, ...] = ()


def add_example_checks(store: ResultsStore, checks: Iterable[ExampleCheck]) -> int:
    """Write the checks and their answers in one transaction; returns how many."""
    checks = list(checks)
    assessments = [
        {
            "id": c.assessment_id,
            "person": c.person,
            "started_at": c.started_at,
            "consent_at": c.started_at,
            "routes": json.dumps(list(c.routes)),
            "content_version": c.content_version,
            "completed_at": c.completed_at,
            "scores": json.dumps(dict(c.scores), sort_keys=True) if c.scores is not None else None,
            "overall": c.overall,
        }
        for c in checks
    ]
    answers = [
        {
            "assessment_id": c.assessment_id,
            "question_id": question_id,
            "option_id": option_id,
            "points": points,
            "answered_at": answered_at,
        }
        for c in checks
        for question_id, (option_id, points, answered_at) in c.answers.items()
    ]
    with store.writing("add_example_checks") as db:
        upsert(db, assessments_table, assessments, ("id",))
        upsert(db, answers_table, answers, ("assessment_id", "question_id"))
    return len(checks)
