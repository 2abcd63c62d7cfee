"""What an adviser sees for one share code: scores, answers and reasons.

Pure: built from a stored result and the content. The scores are the stored
ones (what the job seeker saw); the reasons are worked out again from the
stored answers with the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.advice.rules import AdviceContent, AdviceInputs, advise
from bot.check.assessment import Assessment
from bot.check.flow import is_complete
from bot.check.scoring import band_for, ranked_groups, score
from bot.privacy.share_code_format import display_code
from bot.result.chart import alt_text
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
    scores, overall = stored.scores, stored.overall
    strengths, develop = ranked_groups(assessment, scores)
    names = {g.id: g for g in assessment.groups}
    reasons: dict[str, list[str]] = {}
    if is_complete(assessment, stored.answers):
        facts = AdviceInputs(assessment, stored.answers, score(assessment, stored.answers))
        advice = advise(content, facts)
        reasons = {item.id: list(item.reasons) for item in (*advice.routes, *advice.roles)}
    known = {r.id: r for r in content.routes}
    data: dict[str, Any] = {
        "share_code": display_code(code),
        "completed_at": stored.completed_at,
        "overall": overall,
        "overall_words": band_for(overall).overall_words,
        "groups": [
            {"id": g.id, "name": g.name, "score": scores.get(g.id),
             "band": band_for(scores.get(g.id, 0)).group_words}
            for g in assessment.groups
        ],
        "strengths": [names[g].short for g in strengths],
        "develop": [names[g].short for g in develop[:2]],
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
                "id": route_id,
                "name": known[route_id].name if route_id in known else route_id,
                "what": known[route_id].what if route_id in known else "",
                "link": known[route_id].link if route_id in known else None,
                "reasons": reasons.get(route_id, []),
            }
            for route_id in stored.routes
        ],
        "chart_alt": alt_text(assessment, scores, overall),
    }  # fmt: skip
    return AdviserReport(code, data)


def _label(question: Any, option_id: str | None) -> str:
    option = question.option(option_id) if option_id else None
    return option.label if option is not None else "(geen antwoord)"


def _points(question: Any, option_id: str | None) -> int | None:
    option = question.option(option_id) if option_id else None
    return option.points if option is not None and question.group_id else None
