"""Weeks, dates, numbers and score spreads as Dutch readers expect them.

Pure functions, so the overview page, its charts and its CSV say the same
thing ("week 41 (6-12 okt)", "72,5", "de helft scoort tussen 42 en 100")
and tests can pin them without a clock.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.privacy.share_code_format import MONTHS

#: Dutch month abbreviations (not just the first three letters: maart is "mrt").
SHORT_MONTHS = (
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
)  # fmt: skip
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def parse_iso_week(week: str) -> tuple[int, int]:
    """``"2026-W41"`` as (2026, 41); a ValueError for anything else."""
    year, sep, number = week.partition("-W")
    if not sep or not year.isdigit() or not number.isdigit():
        raise ValueError(f"not an ISO week: {week!r}")
    return int(year), int(number)


def week_days(week: str) -> tuple[date, date]:
    """The Monday and Sunday of an ISO week such as ``"2026-W41"``."""
    year, number = parse_iso_week(week)
    monday = date.fromisocalendar(year, number, 1)
    return monday, monday + timedelta(days=6)


def short_date(day: date) -> str:
    """``6 okt``: a day in a week label, without the year."""
    return f"{day.day} {SHORT_MONTHS[day.month - 1]}"


def long_date(day: date) -> str:
    """``6 oktober 2025``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def day_range(first: date, last: date) -> str:
    """``6-12 okt`` within one month, ``27 okt-2 nov`` across two."""
    if first.month == last.month:
        return f"{first.day}-{short_date(last)}"
    return f"{short_date(first)}-{short_date(last)}"


def week_label(week: str) -> str:
    """``"2025-W41"`` as ``week 41 (6-12 okt)``."""
    _, number = parse_iso_week(week)
    return f"week {number} ({day_range(*week_days(week))})"


def until_words(week: str) -> str:
    """The last day an overview covers: ``zondag 12 oktober 2025 (week 41)``."""
    _, number = parse_iso_week(week)
    _, sunday = week_days(week)
    return f"{WEEKDAYS[sunday.weekday()]} {long_date(sunday)} (week {number})"


def dutch_number(value: float) -> str:
    """A number with a decimal comma, and no decimals when it is whole: ``72,5``, ``70``."""
    rounded = round(float(value), 1)
    if rounded.is_integer():
        return str(int(rounded))
    return f"{rounded:.1f}".replace(".", ",")


def spread_words(q1: float, median: float, q3: float) -> str:
    """Quartiles in words an adviser can say out loud to a room."""
    return (
        f"De helft scoort tussen {dutch_number(q1)} en {dutch_number(q3)}. "
        f"De middelste score is {dutch_number(median)}."
    )
