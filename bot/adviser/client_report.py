"""What an adviser sees for one share code: scores, answers and reasons.

Pure: built from a stored result and the content. The scores are the stored
ones (what the job seeker saw), shown through the same result view as the
chat and the PDF (bot/result/view.py); the reasons are worked out again from
the stored answers with the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.advice.rules import AdviceContent, AdviceInputs, advise
from bot.adviser.report_views import dutch_moment
from bot.check.assessment import Assessment
from bot.check.flow import is_complete
from bot.check.scoring import score
from bot.privacy.share_code_format import display_code
from bot.result.chart import alt_text
from bot.result.view import route_views, view_from_scores
from bot.storage.results_store import StoredResult


class NotCompleted(ValueError):
    """The stored check has no result (it should not have a share code)."""


@dataclass(frozen=True)
class AdviserReport:
    code: str
    data: dict[str, Any]


def build_adviser_report(
    assessment: Assessment, content: AdviceContent, stored: StoredResult, code: str
) -> AdviserReport:
    if not stored.completed or stored.scores is None or stored.overall is None:
        raise NotCompleted(stored.assessment_id)
    reasons: dict[str, tuple[str, ...]] = {}
    if is_complete(assessment, stored.answers):
        facts = AdviceInputs(assessment, stored.answers, score(assessment, stored.answers))
        advice = advise(content, facts)
        reasons = {item.id: item.reasons for item in (*advice.routes, *advice.roles)}
    view = view_from_scores(
        assessment, stored.scores, stored.overall, route_views(content, stored.routes, reasons)
    )
    names = {g.id: g for g in assessment.groups}
    data: dict[str, Any] = {
        "share_code": display_code(code),
        "completed_at": stored.completed_at,
        # The day the job seeker finished the check, not the day the page is printed.
        "completed_on": _completed_on(stored.completed_at),
        "overall": view.overall,
        "overall_words": view.band.overall_words,
        "groups": [
            {"id": g.group.id, "name": g.group.name, "score": g.score, "band": g.band.group_words}
            for g in view.groups
        ],
        "strengths": [g.short for g in view.strengths],
        "strengths_heading": view.strengths_heading,
        "develop": [g.short for g in view.develop],
        "answers": [
            {
                "question_id": q.id,
                "group": names[q.group_id].name if q.group_id else "Over jou",
                "question": q.text,
                "answer": _label(q, stored.answers.get(q.id)),
                "points": _points(q, stored.answers.get(q.id)),
                "max_points": q.max_points if q.group_id else None,
            }
            for q in assessment.questions
        ],
        "routes": [
            {
                "id": r.id,
                "name": r.name,
                "what": r.what,
                "link": r.link if r.known else None,
                "reasons": list(r.reasons),
            }
            for r in view.routes
        ],
        "chart_alt": alt_text(assessment, view.scores, view.overall),
    }
    return AdviserReport(code, data)


def _completed_on(completed_at: str | None) -> str:
    """``3 december 2026 om 14:05`` in Dutch time; empty when not stored."""
    return dutch_moment(datetime.fromisoformat(completed_at)) if completed_at else ""


def _label(question: Any, option_id: str | None) -> str:
    option = question.option(option_id) if option_id else None
    return option.label if option is not None else "(geen antwoord)"


def _points(question: Any, option_id: str | None) -> int | None:
    option = question.option(option_id) if option_id else None
    return option.points if option is not None and question.group_id else None
