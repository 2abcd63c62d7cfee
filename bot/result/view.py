"""One finished result as every channel shows it: scores, bands, ranking, routes.

The chat, the PDF, the web result card and the adviser report all render a
``ResultView`` and compute nothing themselves, so they cannot name different
strengths or show a different number of them.

Ranking uses the whole-number scores the person sees, not the exact
fractions behind them. The web card and the PDF only have those whole
numbers (from the query string), the adviser pages only the stored ones, so
this is the one ranking every place can make. It is also the one a person
can follow: two groups shown as 81 are a tie, and a tie goes to the group
that comes first in the report (docs/scoring.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.advice.rules import Advice, AdviceContent
from bot.check.assessment import Assessment, Group
from bot.check.scoring import STRENGTH_COUNT, Band, Result, band_for, ranked_groups

#: Strengths shown: every strength the ranking names (the highest two).
STRENGTHS_SHOWN = STRENGTH_COUNT
#: Points to develop shown, lowest score first.
DEVELOP_SHOWN = 2
#: Routes in the chat's short advice; "meer advies", the PDF and the card show all.
TOP_ROUTES = 3
#: Said wherever no route is advised (chat and PDF).
NO_FITTING_ROUTE = (
    "Er is nu geen opleiding die precies past. Een adviseur van UWV denkt graag met je mee."
)
#: Bands whose groups may be called a strength; "redelijk" and "nog lastig" never are
#: (docs/scoring.md, "Strengths and points to develop").
STRONG_BANDS = frozenset({"sterk", "goed"})
#: The strengths heading when every shown strength is in a strong band.
STRONG_HEADING = "Hier ben je sterk in"
#: The heading when one is not: the highest groups, said as relative.
RELATIVE_HEADING = "Hier ben je het sterkst"
#: Said of a highest group that is not in a strong band, instead of its strength sentence.
RELATIVE_STRENGTH = "Dit gaat je het best af. Daar kun je op verder bouwen."
#: Said instead of a group score of 0 (chat, PDF): a bare "0" reads as "nothing".
ZERO_SCORE_WORDS = "hier sta je nog aan het begin. Een korte cursus helpt je op weg."


@dataclass(frozen=True)
class GroupScore:
    """One group's score with its band, in report order."""

    group: Group
    score: int
    band: Band

    @property
    def strong(self) -> bool:
        """May this group be called a strength (band sterk or goed)?"""
        return self.band.id in STRONG_BANDS

    @property
    def is_zero(self) -> bool:
        """A score of 0 is said in words (``ZERO_SCORE_WORDS``), never as a bare number."""
        return self.score == 0


@dataclass(frozen=True)
class RouteView:
    """An advised route with why; ``known`` is False for an id the content no longer has."""

    id: str
    name: str
    level: str = ""
    what: str = ""
    practical: str = ""
    source: str = ""
    link: str = ""
    reasons: tuple[str, ...] = ()
    known: bool = True


@dataclass(frozen=True)
class Ranking:
    """The strengths and points to develop that are shown, already cut to the limits."""

    strengths: tuple[str, ...]
    develop: tuple[str, ...]


@dataclass(frozen=True)
class ResultView:
    """Everything a channel shows about one finished check."""

    overall: int
    band: Band
    groups: tuple[GroupScore, ...]
    strengths: tuple[Group, ...]
    develop: tuple[Group, ...]
    routes: tuple[RouteView, ...]

    @property
    def scores(self) -> dict[str, int]:
        """Group id -> score, for the chart and its text alternative."""
        return {g.group.id: g.score for g in self.groups}

    def group_score(self, group: Group) -> GroupScore:
        return next(g for g in self.groups if g.group.id == group.id)

    @property
    def strengths_strong(self) -> bool:
        """Is every shown strength in a strong band? Else they are only the highest."""
        return all(self.group_score(g).strong for g in self.strengths)

    @property
    def strengths_heading(self) -> str:
        """ "Hier ben je sterk in", or "Hier ben je het sterkst" when a strength is not strong."""
        return STRONG_HEADING if self.strengths_strong else RELATIVE_HEADING

    def strength_text(self, group: Group) -> str:
        """The group's strength sentence, or a relative one when its band is not strong."""
        return group.strength if self.group_score(group).strong else RELATIVE_STRENGTH


def ranking(assessment: Assessment, scores: Mapping[str, int]) -> Ranking:
    """The shown strengths and points to develop for whole-number scores."""
    strengths, develop = ranked_groups(assessment, scores)
    return Ranking(strengths[:STRENGTHS_SHOWN], develop[:DEVELOP_SHOWN])


def route_views(
    content: AdviceContent,
    route_ids: Sequence[str],
    reasons: Mapping[str, Sequence[str]] | None = None,
) -> tuple[RouteView, ...]:
    """The routes in the given order with their content and reasons."""
    known = {r.id: r for r in content.routes}
    reasons = reasons or {}
    views = []
    for route_id in route_ids:
        why = tuple(reasons.get(route_id, ()))
        route = known.get(route_id)
        if route is None:
            views.append(RouteView(route_id, route_id, reasons=why, known=False))
            continue
        views.append(
            RouteView(
                id=route.id,
                name=route.name,
                level=route.level,
                what=route.what,
                practical=route.practical,
                source=route.source,
                link=route.link,
                reasons=why,
            )
        )
    return tuple(views)


def view_from_scores(
    assessment: Assessment,
    scores: Mapping[str, int],
    overall: int,
    routes: tuple[RouteView, ...] = (),
) -> ResultView:
    """The view from whole-number scores: a query string, a stored or a new result."""
    ranked = ranking(assessment, scores)
    names = {g.id: g for g in assessment.groups}
    return ResultView(
        overall=overall,
        band=band_for(overall),
        groups=tuple(
            GroupScore(g, scores[g.id], band_for(scores[g.id])) for g in assessment.groups
        ),
        strengths=tuple(names[gid] for gid in ranked.strengths),
        develop=tuple(names[gid] for gid in ranked.develop),
        routes=routes,
    )


def result_view(
    assessment: Assessment, content: AdviceContent, result: Result, advice: Advice
) -> ResultView:
    """The view of a check just finished: its scores and the advised routes with why."""
    reasons = {item.id: item.reasons for item in advice.routes}
    routes = route_views(content, advice.route_ids, reasons)
    return view_from_scores(assessment, result.scores, result.overall, routes)
