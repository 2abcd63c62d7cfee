"""Where a person is in the check: the open question, going back, progress.

Everything is derived from the answers given so far (question id -> option
id), so there is one source of truth and nothing to keep in step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from bot.check.assessment import Assessment, Question


def is_answered(question: Question, answers: Mapping[str, str]) -> bool:
    option_id = answers.get(question.id)
    return option_id is not None and question.option(option_id) is not None


def open_question(assessment: Assessment, answers: Mapping[str, str]) -> Question | None:
    """The first question without a valid answer, or None when all are answered."""
    return next((q for q in assessment.questions if not is_answered(q, answers)), None)


def is_complete(assessment: Assessment, answers: Mapping[str, str]) -> bool:
    return open_question(assessment, answers) is None


def previous_question(assessment: Assessment, answers: Mapping[str, str]) -> Question | None:
    """The answered question just before the open one: the one "terug" goes to."""
    current = open_question(assessment, answers)
    order = assessment.questions
    end = order.index(current) if current is not None else len(order)
    return next((q for q in reversed(order[:end]) if is_answered(q, answers)), None)


def without_answer(answers: Mapping[str, str], question_id: str) -> dict[str, str]:
    return {k: v for k, v in answers.items() if k != question_id}


def progress(assessment: Assessment, question: Question) -> tuple[int, int] | None:
    """(number, total) for numbered questions; None for the consent question."""
    numbered = assessment.numbered_questions
    if question not in numbered:
        return None
    return numbered.index(question) + 1, len(numbered)


def consent_given(assessment: Assessment, answers: Mapping[str, str]) -> bool:
    return answers.get(assessment.consent.id) == "ja"


SECONDS_PER_QUESTION = 20


def duration_minutes(assessment: Assessment) -> int:
    """About how long the check takes, for the introduction and the FAQ."""
    return max(5, math.ceil(len(assessment.numbered_questions) * SECONDS_PER_QUESTION / 60))
