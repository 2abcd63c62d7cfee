"""Saving a finished check: the answers with their points and the scores."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.advice.rules import Advice, AdviceContent, AdviceInputs, advise
from bot.check.assessment import Assessment
from bot.check.scoring import Result, score
from bot.observability import metrics
from bot.storage.results_store import ResultsStore, StoreError

logger = logging.getLogger(__name__)


def evaluate(
    assessment: Assessment, content: AdviceContent, answers: Mapping[str, str]
) -> tuple[Result, Advice]:
    """Scores and advice for a complete set of answers (deterministic)."""
    result = score(assessment, answers)
    return result, advise(content, AdviceInputs(assessment, answers, result))


def answers_with_points(
    assessment: Assessment, answers: Mapping[str, str]
) -> dict[str, tuple[str, int | None]]:
    out: dict[str, tuple[str, int | None]] = {}
    for question in assessment.questions:
        option = question.option(answers.get(question.id, ""))
        if option is not None:
            out[question.id] = (option.id, option.points)
    return out


def save_result(
    store: ResultsStore,
    assessment: Assessment,
    assessment_id: str,
    person: str,
    answers: Mapping[str, str],
    result: Result,
    routes: list[str],
) -> bool:
    """Store the complete check in one go; returns False (and logs) if the store failed."""
    try:
        store.start_assessment(assessment_id, person, assessment.version)
        store.complete(
            assessment_id,
            result.scores,
            result.overall,
            routes,
            answers_with_points(assessment, answers),
        )
    except StoreError:
        metrics.error("store")
        logger.exception("could not store the result of assessment %s", assessment_id)
        return False
    return True
