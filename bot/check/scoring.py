"""Deterministic scores: answers to group scores, an overall fit and bands.

The rules are written out in ``docs/scoring.md``; the unit tests pin them.
Each scored question counts equally inside its group: its points are divided
by the highest points that question can give. A group score is the mean of
those fractions times 100; the overall fit is the mean of the five group
scores. Rounding happens once, at the end, half up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from bot.check.assessment import Assessment, Group


class IncompleteAnswers(ValueError):
    """Scoring needs an answer to every scored question."""


@dataclass(frozen=True)
class Band:
    """A range of scores with the words the bot uses for it."""

    id: str
    low: int
    group_words: str
    overall_words: str


#: Bands from high to low; a score belongs to the first band whose ``low`` it reaches.
BANDS: tuple[Band, ...] = (
    Band("sterk", 80, "sterk", "Werk in klantcontact past heel goed bij je."),
    Band("goed", 60, "goed", "Werk in klantcontact past goed bij je."),
    Band("redelijk", 40, "redelijk", "Werk in klantcontact past deels bij je."),
    Band("zwak", 0, "nog lastig", "Werk in klantcontact past nu nog niet zo goed bij je."),
)
#: Groups under this score are named as points to develop.
DEVELOP_BELOW = 60
STRENGTH_COUNT = 2


@dataclass(frozen=True)
class Result:
    """The scored outcome of one completed check."""

    scores: dict[str, int]
    overall: int
    band: Band
    strengths: tuple[str, ...]
    develop: tuple[str, ...]

    def group_band(self, group_id: str) -> Band:
        return band_for(self.scores[group_id])


def band_for(score: int) -> Band:
    return next(b for b in BANDS if score >= b.low)


def round_half_up(value: Fraction) -> int:
    """Round a non-negative exact value to a whole number, halves up (72.5 -> 73)."""
    return int(value + Fraction(1, 2))


def ranked_groups(
    assessment: Assessment, values: Mapping[str, Fraction | int]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Strengths (highest two) and points to develop (under 60, lowest first).

    On a tie the group that comes first in the report wins. With no group
    under the line, the lowest group is the one to grow in.
    """
    order = [g.id for g in assessment.groups]
    ranked = sorted(order, key=lambda gid: (-values[gid], order.index(gid)))
    strengths = tuple(ranked[:STRENGTH_COUNT])
    weak = [gid for gid in reversed(ranked) if round_half_up(Fraction(values[gid])) < DEVELOP_BELOW]
    develop = tuple(gid for gid in weak if gid not in strengths) or (ranked[-1],)
    return strengths, develop


def group_fraction(group: Group, answers: Mapping[str, str]) -> Fraction:
    """The exact mean fraction of points for one group (0 to 1)."""
    parts: list[Fraction] = []
    for question in group.questions:
        option_id = answers.get(question.id)
        option = question.option(option_id) if option_id else None
        if option is None:
            raise IncompleteAnswers(f"no valid answer for {question.id!r}")
        parts.append(Fraction(option.points or 0, question.max_points or 1))
    return sum(parts, Fraction(0)) / len(parts)


def score(assessment: Assessment, answers: Mapping[str, str]) -> Result:
    """Score a full set of answers (question id -> option id)."""
    exact = {g.id: group_fraction(g, answers) * 100 for g in assessment.groups}
    scores = {group_id: round_half_up(value) for group_id, value in exact.items()}
    overall = round_half_up(sum(exact.values(), Fraction(0)) / len(exact))
    # Ranked on the shown whole numbers, like every view of a result (bot/result/view.py).
    strengths, develop = ranked_groups(assessment, scores)
    return Result(
        scores=scores, overall=overall, band=band_for(overall), strengths=strengths, develop=develop
    )
