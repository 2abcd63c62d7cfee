"""The overview for advisers: how the check is used, without personal data.

Only counts and spreads, never a single person's answers. Any count of 1 to 4
people is suppressed (``None``; shown as "<5"); where a total is shown, a
second cell is hidden when one hidden cell could be worked out from it. The
score spread of a group is only shown when at least 5 people completed the
check, so no one can be recognised in a small group.

Only whole weeks count (ISO weeks, Monday to Sunday, in UTC): nothing from
the current week shows until the week is over, so comparing the overview
before and after one known person's check shows nothing. For the same reason
the score spread, points to develop and advice take in the completed checks
of a week only once at least 5 people completed a check in that week, or in
that week together with the weeks before it that were not yet taken in; any
difference between two overviews is then a group of at least 5 people.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from statistics import quantiles
from typing import Any

from bot.advice.rules import AdviceContent
from bot.adviser.dutch_formats import dutch_number, spread_words, until_words, week_label
from bot.check.assessment import Assessment
from bot.check.flow import open_question
from bot.check.scoring import BANDS, band_for
from bot.clock import system_clock
from bot.result.view import ranking
from bot.storage.overview_queries import CheckRow, checks_without_person
from bot.storage.results_store import ResultsStore, iso

MIN_GROUP = 5
#: A check without an answer for this long counts as stopped (not just paused).
STOPPED_AFTER = timedelta(days=1)
SUPPRESSED = "<5"
#: Said wherever a count is hidden, so "<5" is never read as "none".
WHY_HIDDEN = f"Groepen kleiner dan {MIN_GROUP} laten we niet zien, voor de privacy."


def shown(count: int) -> int | None:
    """The count, or None when it describes 1 to 4 people."""
    return count if count == 0 or count >= MIN_GROUP else None


def shown_within(count: int, total: int) -> int | None:
    """A count out of a shown total: hidden too when the rest (total - count) is 1 to 4.

    "235 of 236 got the KSF advice" would single out the one person who did not.
    """
    if shown(count) is None or shown(total - count) is None:
        return None
    return count


def protected(counts: list[int]) -> list[int | None]:
    """Counts for a list whose total is also shown: small cells suppressed.

    When only one cell is hidden, it could be worked out from the total, so
    the next smallest cell is hidden too (secondary suppression).
    """
    out = [shown(c) for c in counts]
    hidden = [i for i, value in enumerate(out) if value is None]
    if len(hidden) == 1:
        rest = [i for i, value in enumerate(out) if value]
        if rest:
            out[min(rest, key=lambda i: counts[i])] = None
    return out


def iso_week(timestamp: str) -> str:
    year, week, _ = datetime.fromisoformat(timestamp).isocalendar()
    return f"{year}-W{week:02d}"


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the ISO week ``moment`` is in."""
    day = moment.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def _before(timestamp: str | None, moment: datetime) -> bool:
    return timestamp is not None and datetime.fromisoformat(timestamp) < moment


def taken_in(completed: list[CheckRow]) -> list[CheckRow]:
    """Completed checks, week by week, in groups of at least ``MIN_GROUP`` people.

    A week with fewer completed checks waits for the weeks after it until,
    together, they reach ``MIN_GROUP``; the last group may still be waiting.
    """
    weeks: dict[str, list[CheckRow]] = {}
    for row in sorted(completed, key=lambda r: r.completed_at or ""):
        weeks.setdefault(iso_week(row.completed_at or ""), []).append(row)
    out: list[CheckRow] = []
    waiting: list[CheckRow] = []
    for week in sorted(weeks):
        waiting += weeks[week]
        if len(waiting) >= MIN_GROUP:
            out += waiting
            waiting = []
    return out


def read_rows(store: ResultsStore) -> list[CheckRow]:
    """Every stored check, without the person column."""
    return checks_without_person(store)


def build_overview(
    assessment: Assessment,
    content: AdviceContent,
    rows: Iterable[CheckRow],
    now: datetime | None = None,
) -> dict[str, Any]:
    """The overview up to the end of the last whole week before ``now``.

    Pass the store's clock (``store.clock()``) as ``now``.
    """
    until = week_start(now or system_clock())
    rows = [r for r in rows if _before(r.started_at, until)]
    completed = [r for r in rows if _before(r.completed_at, until) and r.scores]
    counted = taken_in(completed)
    stopped = [
        r
        for r in rows
        if not _before(r.completed_at, until) and _before(r.last_activity, until - STOPPED_AFTER)
    ]
    until_week = iso_week(iso(until - timedelta(days=1)))
    return {
        "min_group": MIN_GROUP,
        "why_hidden": WHY_HIDDEN,
        "until": iso(until),
        "until_week": until_week,
        "until_words": until_words(until_week),
        "totals": {
            "started": shown(len(rows)),
            "completed": shown(len(completed)),
            "stopped": shown(len(stopped)),
        },
        "weeks": _weeks(rows, completed),
        "groups": _spread(assessment, counted),
        "develop": _develop(assessment, counted),
        "routes": _routes(content, counted),
        "dropout": _dropout(assessment, stopped),
    }


def _weeks(rows: list[CheckRow], done: list[CheckRow]) -> list[dict[str, Any]]:
    started = Counter(iso_week(r.started_at) for r in rows)
    completed = Counter(iso_week(r.completed_at) for r in done if r.completed_at)
    weeks = sorted(set(started) | set(completed))
    started_shown = protected([started[w] for w in weeks])
    completed_shown = protected([completed[w] for w in weeks])
    return [
        {"week": week, "label": week_label(week), "started": s, "completed": c}
        for week, s, c in zip(weeks, started_shown, completed_shown, strict=True)
    ]


def _spread(assessment: Assessment, completed: list[CheckRow]) -> list[dict[str, Any]]:
    enough = len(completed) >= MIN_GROUP
    groups = []
    for group in assessment.groups:
        values = sorted(r.scores[group.id] for r in completed if group.id in r.scores)  # type: ignore[index]
        bands = Counter(band_for(v).id for v in values)
        band_counts = protected([bands[b.id] for b in BANDS])
        quartiles = _quartiles(values) if enough and len(values) >= MIN_GROUP else None
        groups.append(
            {
                "id": group.id,
                "name": group.name,
                "people": shown(len(values)),
                "bands": [
                    {"band": b.id, "words": b.group_words, "count": count if enough else None}
                    for b, count in zip(BANDS, band_counts, strict=True)
                ],
                "quartiles": quartiles,
                "spread": spread_words(**quartiles) if quartiles else None,
            }
        )  # fmt: skip
    return groups


def _quartiles(values: list[int]) -> dict[str, float]:
    q1, median, q3 = quantiles(values, n=4, method="inclusive")
    return {"q1": round(q1, 1), "median": round(median, 1), "q3": round(q3, 1)}


def _develop(assessment: Assessment, completed: list[CheckRow]) -> list[dict[str, Any]]:
    counts: Counter[str] = Counter()
    for row in completed:
        counts.update(ranking(assessment, row.scores or {}).develop)
    return [
        {"id": g.id, "name": g.short, "count": shown_within(counts[g.id], len(completed))}
        for g in sorted(assessment.groups, key=lambda g: -counts[g.id])
    ]


def _routes(content: AdviceContent, completed: list[CheckRow]) -> list[dict[str, Any]]:
    counts = Counter(route for row in completed for route in set(row.routes))
    return [
        {"id": r.id, "name": r.name, "count": shown_within(counts[r.id], len(completed))}
        for r in sorted(content.routes, key=lambda r: -counts[r.id])
    ]


def _dropout(assessment: Assessment, stopped: list[CheckRow]) -> list[dict[str, Any]]:
    counts: Counter[str] = Counter()
    for row in stopped:
        question = open_question(assessment, row.answers)
        if question is not None:
            counts[question.id] += 1
    numbered = assessment.numbered_questions
    asked = [q for q in assessment.questions if counts[q.id]]
    return [
        {
            "question_id": q.id,
            "number": numbered.index(q) + 1 if q in numbered else None,
            "question": q.text,
            "count": count,
        }
        for q, count in zip(asked, protected([counts[q.id] for q in asked]), strict=True)
    ]


#: Dutch Excel reads a semicolon-separated file with a byte order mark as UTF-8 columns.
CSV_BOM = "\ufeff"
CSV_HEADER = ("categorie", "sleutel", "omschrijving", "meting", "waarde")
_TOTALS = {"started": "Gestart", "completed": "Afgerond", "stopped": "Gestopt"}
_WEEK_MEASURES = {"started": "gestart", "completed": "afgerond"}
_SPREAD = {"q1": "kwartiel 1 (25%)", "median": "mediaan", "q3": "kwartiel 3 (75%)"}


def csv_value(count: float | None) -> str:
    """A count or score as Dutch Excel reads it: ``<5`` when hidden, decimal comma."""
    return SUPPRESSED if count is None else dutch_number(count)


def csv_text(text: str) -> str:
    """Text that Excel shows as text, never runs as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def overview_csv(data: Mapping[str, Any]) -> str:
    """The overview as one table for Dutch Excel: semicolons, Dutch headers, BOM.

    Columns: categorie, sleutel (a stable id), omschrijving, meting, waarde.
    Only what the page shows: hidden counts stay ``<5``.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)

    def row(section: str, key: str, label: str, measure: str, count: float | None) -> None:
        writer.writerow([section, key, csv_text(label), measure, csv_value(count)])

    for measure, count in data["totals"].items():
        row("totaal", measure, _TOTALS.get(measure, measure), "mensen", count)
    for week in data["weeks"]:
        for measure, words in _WEEK_MEASURES.items():
            row("per week", week["week"], week["label"], words, week[measure])
    for group in data["groups"]:
        for band in group["bands"]:
            row("scores", group["id"], group["name"], f"niveau {band['words']}", band["count"])
        for name, number in (group["quartiles"] or {}).items():
            row("scores", group["id"], group["name"], _SPREAD.get(name, name), number)
    for item in data["develop"]:
        row("groeipunten", item["id"], item["name"], "mensen", item["count"])
    for item in data["routes"]:
        row("adviezen", item["id"], item["name"], "mensen", item["count"])
    for item in data["dropout"]:
        row("uitval", item["question_id"], item["question"], "mensen", item["count"])
    return CSV_BOM + out.getvalue()
