"""Scores so far for the demo's live view, while the check is still going."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from bot.check.assessment import Assessment
from bot.check.flow import is_answered, open_question, progress
from bot.check.scoring import band_for, round_half_up


def live_progress(assessment: Assessment, answers: Mapping[str, str]) -> dict[str, Any]:
    """Per group: questions answered and the score over those answers (None before any)."""
    groups = []
    for group in assessment.groups:
        parts = [
            Fraction(q.option(answers[q.id]).points or 0, q.max_points or 1)  # type: ignore[union-attr]
            for q in group.questions
            if is_answered(q, answers)
        ]
        score = round_half_up(sum(parts, Fraction(0)) / len(parts) * 100) if parts else None
        groups.append(
            {
                "id": group.id,
                "name": group.name,
                "answered": len(parts),
                "questions": len(group.questions),
                "score": score,
                "band": band_for(score).group_words if score is not None else None,
            }
        )
    question = open_question(assessment, answers)
    position = progress(assessment, question) if question is not None else None
    answered = sum(1 for q in assessment.numbered_questions if is_answered(q, answers))
    return {
        "answered": answered,
        "total": len(assessment.numbered_questions),
        "current_question": position[0] if position else None,
        "completed": question is None,
        "groups": groups,
    }
