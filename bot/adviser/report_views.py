"""Who opened whose report: the record the job seeker sees under "wat weet je van mij?".

Each time an adviser opens a report by share code (the page, its JSON twin,
the chart or the PDF) the table ``report_views`` gets the adviser account,
the moment, the code used, the assessment and the person's pseudonym. Not
what the adviser did with it. One page with its chart and PDF counts once:
a second opening by the same adviser within ``SAME_VIEW`` adds no row.

The rows (``bot.storage.report_views_table``) are erased with their
assessment by cascade (``ResultsStore.delete_person``, ``delete_assessment``)
and by retention (``purge_before``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.privacy.share_code_format import MONTHS, display_code
from bot.storage import report_views_table
from bot.storage.results_store import ResultsStore, iso

SAME_VIEW = timedelta(minutes=10)
RECENT = 10


@dataclass(frozen=True)
class OwnView:
    """One of an adviser's own recent views, for the dashboard."""

    viewed_at: str
    code: str

    @property
    def when(self) -> str:
        return dutch_moment(datetime.fromisoformat(self.viewed_at))


def _local(moment: datetime) -> tuple[datetime, str]:
    try:
        return moment.astimezone(ZoneInfo("Europe/Amsterdam")), ""
    except ZoneInfoNotFoundError:  # no time zone data on this machine
        return moment.astimezone(timezone.utc), " (UTC)"


def dutch_moment(moment: datetime) -> str:
    """``3 december 2026 om 14:05`` in Dutch time, without the locale."""
    local, suffix = _local(moment)
    return (
        f"{local.day} {MONTHS[local.month - 1]} {local.year} om "
        f"{local.hour:02d}:{local.minute:02d}{suffix}"
    )


def record_view(store: ResultsStore, assessment_id: str, adviser: str, code: str) -> bool:
    """Note that ``adviser`` opened this assessment's report; False when just noted."""
    now = store.clock()
    return report_views_table.add_view(
        store, assessment_id, adviser, code, at=iso(now), unless_after=iso(now - SAME_VIEW)
    )


def views_by(store: ResultsStore, adviser: str, limit: int = RECENT) -> list[OwnView]:
    """This adviser's most recent views, newest first (never anyone else's)."""
    rows = report_views_table.latest_views_by(store, adviser, limit)
    return [OwnView(at, display_code(code) if code else "") for at, code in rows]
