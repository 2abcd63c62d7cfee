"""Every stored check for the adviser overview, read without the person column.

The overview (``bot.adviser.overview``) counts and suppresses; this module
only makes sure the pseudonym never leaves the database on the way there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa

from bot.storage.results_store import ResultsStore
from bot.storage.tables import answers as answers_table
from bot.storage.tables import assessments, insertion_order


@dataclass(frozen=True)
class CheckRow:
    """One stored check, reduced to what the overview needs (no pseudonym)."""

    started_at: str
    completed_at: str | None
    scores: dict[str, int] | None
    routes: list[str]
    answers: dict[str, str]
    last_activity: str


def checks_without_person(store: ResultsStore) -> list[CheckRow]:
    """Every stored check, oldest first; last activity is the latest answer or the start."""
    with store.reading("checks_without_person") as db:
        answers: dict[str, dict[str, str]] = {}
        last: dict[str, str] = {}
        for row in db.execute(
            sa.select(
                answers_table.c.assessment_id,
                answers_table.c.question_id,
                answers_table.c.option_id,
                answers_table.c.answered_at,
            )
        ).mappings():
            answers.setdefault(row["assessment_id"], {})[row["question_id"]] = row["option_id"]
            last[row["assessment_id"]] = max(last.get(row["assessment_id"], ""), row["answered_at"])
        return [
            CheckRow(
                started_at=row["started_at"],
                completed_at=row["completed_at"],
                scores=json.loads(row["scores"]) if row["scores"] else None,
                routes=json.loads(row["routes"] or "[]"),
                answers=answers.get(row["id"], {}),
                last_activity=max(row["started_at"], last.get(row["id"], "")),
            )
            for row in db.execute(
                sa.select(
                    assessments.c.id,
                    assessments.c.started_at,
                    assessments.c.completed_at,
                    assessments.c.scores,
                    assessments.c.routes,
                ).order_by(assessments.c.started_at, insertion_order(db.dialect.name))
            ).mappings()
        ]
