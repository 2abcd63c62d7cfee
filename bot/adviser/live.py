"""Scores so far for the demo's live view, while the check is still going.

The live view shows a room what the check does with each answer: the intake
answers, each group's score and band, the overall fit and the radar chart,
all growing as the person answers. Everything comes from the results store,
so it only exists with consent. Scores so far use the same rules as the final
result (``bot.check.scoring``): a finished check shows exactly its result.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from bot.check.assessment import Assessment, Group
from bot.check.flow import consent_given, is_answered, open_question, progress
from bot.check.scoring import band_for, round_half_up


def _group_fraction_so_far(group: Group, answers: Mapping[str, str]) -> tuple[Fraction, int]:
    """The exact mean fraction over the answered questions of a group, and how many."""
    parts = [
        Fraction(q.option(answers[q.id]).points or 0, q.max_points or 1)  # type: ignore[union-attr]
        for q in group.questions
        if is_answered(q, answers)
    ]
    return (sum(parts, Fraction(0)) / len(parts) if parts else Fraction(0)), len(parts)


def _band(score: int | None) -> dict[str, str] | None:
    if score is None:
        return None
    band = band_for(score)
    return {"id": band.id, "words": band.group_words}


def consent_state(assessment: Assessment, answers: Mapping[str, str], stored: bool) -> str | None:
    """The answer to storing: "ja", "nee" or None (not answered, as far as the store can tell).

    Rows exist only with consent, so a stored check means "ja". After "nee"
    nothing is stored and the web app cannot see the answer: the page reads
    that from the chat itself (``live.js``).
    """
    if stored or consent_given(assessment, answers):
        return "ja"
    return "nee" if answers.get(assessment.consent.id) == "nee" else None


def intake_so_far(assessment: Assessment, answers: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each intake question's topic and the label of the answer (None before one)."""
    items = []
    for question in assessment.intake:
        option = question.option(answers[question.id]) if question.id in answers else None
        items.append(
            {
                "id": question.id,
                "topic": question.topic[:1].upper() + question.topic[1:],
                "answer": option.label if option is not None else None,
            }
        )
    return items


def live_progress(
    assessment: Assessment, answers: Mapping[str, str], stored: bool = False
) -> dict[str, Any]:
    """Progress, intake answers, group scores with bands and the overall fit so far.

    ``stored``: the results store holds this check (so consent was given).
    A group's score is over its answered questions (None before any); the
    overall fit is the mean of the groups with a score, exactly as the final
    overall is the mean of all five.
    """
    groups = []
    exact: list[Fraction] = []
    for group in assessment.groups:
        fraction, answered_in_group = _group_fraction_so_far(group, answers)
        score = round_half_up(fraction * 100) if answered_in_group else None
        if answered_in_group:
            exact.append(fraction * 100)
        band = _band(score)
        groups.append(
            {
                "id": group.id,
                "name": group.name,
                "answered": answered_in_group,
                "questions": len(group.questions),
                "score": score,
                "band": band["words"] if band else None,
                "band_id": band["id"] if band else None,
            }
        )
    overall = round_half_up(sum(exact, Fraction(0)) / len(exact)) if exact else None
    overall_band = _band(overall)
    question = open_question(assessment, answers)
    position = progress(assessment, question) if question is not None else None
    answered = sum(1 for q in assessment.numbered_questions if is_answered(q, answers))
    return {
        "consent": consent_state(assessment, answers, stored),
        "stored": stored,
        "answered": answered,
        "total": len(assessment.numbered_questions),
        "current_question": position[0] if position else None,
        "completed": question is None,
        "intake": intake_so_far(assessment, answers),
        "groups": groups,
        "overall": overall,
        "overall_band": overall_band["words"] if overall_band else None,
        "overall_band_id": overall_band["id"] if overall_band else None,
        # The radar chart needs every group: one without answers yet is drawn at 0.
        "chart_scores": {g["id"]: g["score"] or 0 for g in groups},
    }
